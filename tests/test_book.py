"""The book as a whole: it builds cleanly, every page exists, notebooks follow the conventions,
and the environment make builds is exactly the one Binder builds."""

import functools
import json
import re
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return files


@pytest.mark.book
def test_book_builds_with_every_toc_page(built_book):
    for entry in toc_files():
        page = built_book / f"{Path(entry).with_suffix('')}.html"
        assert page.exists(), f"_toc.yml lists {entry} but {page} was not built"


@pytest.mark.book
def test_glued_numbers_are_filled_in(built_book):
    for entry in toc_files():
        html = (built_book / f"{Path(entry).with_suffix('')}.html").read_text()
        assert "{glue" not in html and "{eval" not in html, f"{entry}: a glue or eval role was left unrendered"
        assert "mystnb.eval" not in html, f"{entry}: an {{eval}} role failed"
        assert "glue_missing" not in html and "glue key" not in html.lower(), f"{entry}: missing glue key"
        pasted = re.findall(r'<span class="pasted-text">([^<]*)</span>', html)
        pasted += re.findall(r'<span class="output text_plain">([^<]*)</span>', html)  # {eval}
        broken = [p for p in pasted if re.fullmatch(r"\(.*\)|'.*'|\".*\"", p)]
        assert not broken, f"{entry}: glued values shown as Python literals: {broken[:5]}"


def test_every_chapter_is_in_the_toc():
    listed = {str(Path(f).with_suffix("")) for f in toc_files()}
    for notebook in CHAPTERS:
        assert str(notebook.relative_to(ROOT).with_suffix("")) in listed, f"{notebook.name} is not in _toc.yml"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_notebook_conventions(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", "kernelspec must be python3"
    headings = [line for cell in nb.cells if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if re.match(r"#\s", line)]
    assert len(headings) == 1, f"one H1 per chapter, found {headings}"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.outputs, f"cell {i} has stored outputs: notebooks are committed without outputs"
            assert cell.execution_count is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_no_number_from_the_articles_is_typed_in_prose(path):
    """Figures in prose come from glue: no multi-digit number may be typed in a Markdown cell."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        prose = re.sub(r"`[^`]*`|\{[^}]*\}`[^`]*`|\(https?://[^)]*\)", "", cell.source)
        prose = re.sub(r"\b(19|20)\d\d\b", "", prose)  # years are dates, not figures
        prose = re.sub(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December)\b", "", prose)
        numbers = re.findall(r"\b\d[\d,.]*\b", prose)
        assert not [n for n in numbers if len(n.replace(",", "")) > 1], f"cell {i}: typed numbers {numbers}; use glue"


def chart_specs(html: str) -> list[dict]:
    """The Vega-Lite specs Altair embeds in a page: `(function(spec, embedOpt){...})({...}, {...})`."""
    decoder, specs = json.JSONDecoder(), []
    for match in re.finditer(r"\}\)\((?=\{)", html):
        try:
            spec, _ = decoder.raw_decode(html, match.end())
        except json.JSONDecodeError:
            continue
        if "vega-lite" in str(spec.get("$schema", "")):
            specs.append(spec)
    return specs


@pytest.mark.book
def test_every_chart_has_title_and_description(built_book):
    found = 0
    for page in built_book.rglob("*.html"):
        for chart in chart_specs(page.read_text()):
            found += 1
            assert chart.get("title"), f"{page.name}: a chart without a title"
            assert chart.get("description"), f"{page.name}: a chart without a description"
    assert found >= 3, f"expected the chapters' charts in the built pages, found {found}"


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_binder_and_make_install_the_same_pins():
    """`make` installs binder/requirements.txt (through requirements-dev.txt), so the venv is Binder's."""
    binder = _pins(ROOT / "binder" / "requirements.txt")
    assert {"jupyter-book", "pandas", "altair", "ipywidgets", "nbval", "pytest"} <= set(binder)
    assert binder["jupyter-book"].startswith("1."), "Jupyter Book 1.x: 2.x drops _config.yml/_toc.yml and glue"
    dev = (ROOT / "requirements-dev.txt").read_text()
    assert "-r binder/requirements.txt" in dev, "requirements-dev.txt must include Binder's file"
    assert "-e ." in (ROOT / "binder" / "requirements.txt").read_text(), "Binder must install the lessons package"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    mismatched = {}
    for name, version in binder.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            mismatched[name] = (version, "not installed")
            continue
        if installed != version:
            mismatched[name] = (version, installed)
    assert not mismatched, f"the test environment differs from Binder's pins: {mismatched}"


def test_makefile_builds_from_binder_files():
    makefile = (ROOT / "Makefile").read_text()
    assert "requirements-dev.txt" in makefile and "binder/requirements.txt" in makefile
    assert (ROOT / ".ci" / "run").read_text().count("make test") == 1
    readme = (ROOT / "README.md").read_text()
    assert readme.index("make book") < 600 and readme.index("make test") < 600, "README starts with the two commands"


PREAMBLE = "from lessons.book import *; setup()"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_first_cell_is_the_shared_preamble(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.source.strip() == PREAMBLE, \
        f"the first cell must be the one line {PREAMBLE!r}"
    assert "remove-cell" in first.metadata.get("tags", [])


@pytest.mark.parametrize("path", CHAPTERS + sorted((ROOT / "teachers").glob("*.ipynb")),
                         ids=lambda p: p.name)
def test_prose_numbers_use_eval_not_glue(path):
    """JupyterLab cannot show myst-nb glue roles; {eval} shows the same value there and in the
    book (tools/glue_to_eval.py converts them). Each {eval} reads a plain name that a
    glue_value(...) or glue_values(...) call in a cell above it defines: the notebook is run and
    the names each code cell glued (its glue records) are read back, cell by cell."""
    nb = nbformat.read(path, as_version=4)
    glued_above = glued_names_by_cell(path)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        assert "{glue" not in cell.source, f"cell {i}: a glue role; run tools/glue_to_eval.py"
        # Run All and the build evaluate a cell when they reach it: the value must come from above
        for name in re.findall(r"\{eval\}`([^`]*)`", cell.source):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name), f"cell {i}: {{eval}}`{name}` is not a plain name"
            assert name in glued_above[i], \
                f"cell {i}: {{eval}}`{name}` but no glue_value({name!r}, ...) in a cell above it " \
                "(tools/prose_values_first.py moves it up)"


@functools.lru_cache(maxsize=None)
def glued_names_by_cell(path: Path) -> list[set]:
    """For each cell of the notebook, the names glued by the code cells above it (the
    notebook is run once, as the build runs it)."""
    nb = nbformat.read(path, as_version=4)
    if any("{eval}" in c.source for c in nb.cells if c.cell_type == "markdown"):
        from nbclient import NotebookClient

        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    above, names = [], set()
    for cell in nb.cells:
        above.append(set(names))
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                names.add(name)
    return above


def test_an_eval_before_its_glue_is_caught(tmp_path):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb.cells = [nbformat.v4.new_code_cell(PREAMBLE), nbformat.v4.new_markdown_cell("Early: {eval}`late`."),
                nbformat.v4.new_code_cell('glue_values({"late": 1, "soon": 2})'),
                nbformat.v4.new_markdown_cell("Then {eval}`soon`.")]
    path = tmp_path / "order.ipynb"
    nbformat.write(nb, path)
    above = glued_names_by_cell(path)
    assert "late" not in above[1] and {"late", "soon"} <= above[3]


@pytest.mark.book
def test_every_exercise_on_a_built_chapter_page_is_in_its_lessons(built_book):
    """What each chapter page shows (its quizzes' ids, computed ones included) is what its
    lessons in data/lessons.yml list, in the same order: so the lesson box counts them all and
    every one is on a worksheet (walk 7: three computed exercises were on none)."""
    import html

    from lessons.plans import load_lessons

    lessons = load_lessons()
    for chapter in sorted({l["chapter"] for l in lessons}):
        page = (built_book / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
        shown = list(dict.fromkeys(json.loads(html.unescape(m))["id"]
                                   for m in re.findall(r'data-lx="([^"]{1,200000})"', page)))
        listed = [e for l in lessons if l["chapter"] == chapter for e in l["exercises"]]
        assert shown == listed, (f"{chapter}: in no lesson {[e for e in shown if e not in listed]}, "
                                 f"not on the page {[e for e in listed if e not in shown]}")


def test_the_book_has_a_small_local_favicon():
    """Walk 8: every page logged a 404 for /favicon.ico. The icon is a file of the book,
    small, with nothing it loads from elsewhere."""

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    icon = ROOT / config["html"]["favicon"]
    assert icon.is_file() and icon.stat().st_size < 4000
    text = icon.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "href" not in text and "http" not in text.replace("http://www.w3.org/2000/svg", "")

def test_every_page_links_the_favicon(built_book):
    for page in ("intro.html", "chapters/01_one_speech.html", "my_answers.html"):
        html = (built_book / page).read_text(encoding="utf-8")
        m = re.search(r'<link rel="(?:shortcut )?icon" href="([^"]+)"', html)
        assert m, page
        assert (built_book / page).parent.joinpath(m.group(1)).resolve().is_file(), (page, m.group(1))


def test_chapter_2_reads_vague_words_one_way():
    """Walk 11: chapter 2 said a vague word becomes 'the smallest number it can mean' (12 for
    'dozens') while its exercise `figures-acled-dozens` says plain English allows no fewer than
    two dozen. Prose, the dot plot's key and the chart's description all call the number a
    cautious low one by ACLED's rule, and none says it is the least the words can mean."""
    from lessons import charts, corpus, tables
    from lessons.exercises import load_exercises

    nb = nbformat.read(ROOT / "chapters" / "02_checking_numbers.ipynb", as_version=4)
    prose = [c.source for c in nb.cells if c.cell_type == "markdown"]
    articles = corpus.load_articles()
    _, reports, verdicts = tables.figure_tables(articles)
    description = charts.claims_chart(reports, verdicts, articles).to_dict()["description"]
    where = [s for s in prose if "fig_rule_dozens" in s or "open square" in s] + [description]
    assert len(where) == 3, where
    for text in where:
        flat = " ".join(text.split())
        assert not re.search(r"smallest number|least (?:number )?(?:they|it) can mean", flat), flat
        assert "cautious low number" in flat and "ACLED" in flat, flat
    assert "plain English" in load_exercises()["figures-acled-dozens"]["explanation"]
