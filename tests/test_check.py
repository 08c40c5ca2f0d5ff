"""lessons.check and `python -m lessons check`: a teacher's folder is checked all at once, every
problem with its file, line or field and a fix; the checker agrees with the real loaders; the
invented example and the shipped data pass; the template notebook runs on both."""

import ast
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from lessons import check as chk
from lessons import corpus
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "invented_event"
TEMPLATE = ROOT / "chapters" / "template_your_articles.ipynb"


def run_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "lessons", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def edit_entry(folder: Path, number: int, **changes) -> None:
    """Change fields of one articles.yml entry (None deletes the field)."""
    path = folder / "articles.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            entries[number - 1].pop(key, None)
        else:
            entries[number - 1][key] = value
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------ good folders pass
def test_invented_example_passes_without_warnings():
    report = chk.check(EXAMPLE)
    assert report.problems == [], [str(p) for p in report.problems]
    assert report.articles == 3
    assert report.data_files == {"figures/claims.yml": 5, "figures/counters.csv": 5,
                                 "compare/elements.yml": 8, "language/lexicon.csv": 3}


def test_invented_articles_are_plainly_marked():
    for path in sorted((EXAMPLE / "raw").glob("*.txt")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("INVENTED FOR TESTING"), path.name
    for body in corpus.load_articles(EXAMPLE)["body"]:
        assert body.startswith("INVENTED FOR TESTING"), "the marker must survive cleaning"


def test_shipped_data_passes():
    report = chk.check(ROOT / "data")
    assert report.errors == [], [str(p) for p in report.errors]
    assert report.articles == 5


def test_cli_ok_folder_exit_zero_and_short_summary():
    result = run_cli("check", "examples/invented_event")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines() == [
        "OK: examples/invented_event has 3 article(s), 5 figure claim(s), 5 counter(s), "
        "8 coverage element(s), 3 lexicon addition(s)."]


def test_cli_usage_errors():
    assert run_cli().returncode == 2
    assert run_cli("check").returncode == 2
    result = run_cli("check", "no/such/folder")
    assert result.returncode == 1 and "folder not found" in result.stdout


# ------------------------------------------------------------------ a folder with many problems
def break_everything(folder: Path) -> None:
    meta = folder / "articles.yml"
    text = meta.read_text(encoding="utf-8")
    text = text.replace('translated: "no"\n  via: the outlet\'s own site (invented)\n  provenance: >-\n    The page ends',
                        'translated: no\n  via: the outlet\'s own site (invented)\n  provenance: >-\n    The page ends', 1)
    text = text.replace("  published: unknown\n", "  pubished: unknown\n", 1)
    text = text.replace("source_file: 003_sova_valley_news.txt", "source_file: 003_sova_news.txt")
    meta.write_text(text, encoding="utf-8")
    (folder / "raw" / "002_brellin_evening_star.txt").write_bytes("Caf\u00e9 news\nLine two \u00e9\n".encode("latin-1"))
    elements = folder / "compare" / "elements.yml"
    elements.write_text(elements.read_text(encoding="utf-8").replace("signals: [aid, help, €5m, €5 million]", "signals: []"),
                        encoding="utf-8")
    claims = folder / "figures" / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace(r"verb: '\brose\b'", r"verb: '\b(rose\b'"), encoding="utf-8")
    with open(folder / "language" / "lexicon.csv", "a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["swamped", "drama", "flooded", "", "own", "verb", "", "", ""])


def test_every_problem_is_reported_at_once_with_file_line_and_fix(event):
    break_everything(event)
    problems = chk.check_folder(event)
    text = "\n".join(map(str, problems))

    def find(file_end, *words):
        hits = [p for p in problems if p.file.endswith(file_end) and all(w in str(p) for w in words)]
        assert hits, f"no problem in {file_end} with {words}:\n{text}"
        return hits[0]

    translated = find("articles.yml", "translated is False")
    assert translated.where.startswith("line 14, entry 1 (article_id 'tarsk_post'), field translated")
    assert '"no"' in translated.fix
    typo = find("articles.yml", "unknown field 'pubished'", "did you mean 'published'")
    assert typo.where.startswith("line 22, entry 2")
    assert find("articles.yml", "missing field published").where.startswith("line 18, entry 2")
    missing = find("articles.yml", "raw/003_sova_news.txt not found", "did you mean '003_sova_valley_news.txt'")
    assert "field source_file" in missing.where
    assert find("002_brellin_evening_star.txt", "not UTF-8").where == "line 1"
    assert find("elements.yml", "signals must be a non-empty list").where == "line 35, element 8 (aid), field signals"
    assert find("claims.yml", "not a valid regular expression").where == "line 36, claim 3 (river-rise), field rules, rule 1"
    assert find("lexicon.csv", "unknown category 'drama'").where == "line 5, column category"
    assert find("lexicon.csv", "note is empty").where == "line 5, column note"
    # the renamed file is now in raw/ without an entry: a warning, not an error
    assert find("003_sova_valley_news.txt", "not listed").severity == chk.WARNING
    assert all(p.fix for p in problems)
    errors = [p for p in problems if p.severity == chk.ERROR]
    assert len(errors) == 9, text


def test_cli_broken_folder_exit_one_and_lists_all(event):
    break_everything(event)
    result = run_cli("check", event)
    assert result.returncode == 1
    out = result.stdout
    assert out.count("ERROR: ") == 9 and out.count("WARNING: ") == 1
    assert out.count("    fix: ") == 10
    assert "9 error(s) and 1 warning(s)" in out.strip().splitlines()[-1]


def test_warnings_pass_unless_strict(event):
    shutil.copy(event / "raw" / "001_tarsk_daily_post.txt", event / "raw" / "spare.txt")
    assert run_cli("check", event).returncode == 0
    strict = run_cli("check", "--strict", event)
    assert strict.returncode == 1 and "spare.txt" in strict.stdout


def test_yaml_syntax_error_names_line_and_tabs(event):
    meta = event / "articles.yml"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines[8] = "\t" + lines[8]
    meta.write_text("\n".join(lines), encoding="utf-8")
    (problem,) = chk.check_folder(event)
    assert problem.file.endswith("articles.yml") and problem.where.startswith("line 9")
    assert "not valid YAML" in problem.problem and "tab" in problem.fix


def test_csv_with_wrong_number_of_values(event):
    with open(event / "figures" / "counters.csv", "a", encoding="utf-8") as handle:
        handle.write("\\bmayor's office\\b,Mayor's office,government,Has, an unquoted comma\n")
    (problem,) = chk.check_folder(event)
    assert problem.where == "line 7" and "5 values for 4 columns" in problem.problem


def test_lexicon_line_for_a_known_term_is_a_warning(event):
    with open(event / "language" / "lexicon.csv", "a", encoding="utf-8") as handle:
        handle.write("thug,label,men,My own note.,own reasoned entry,noun,,,\n")
    (problem,) = chk.check_folder(event)
    assert problem.severity == chk.WARNING and "already in the book's lexicon" in problem.problem


def test_problems_table():
    frame = chk.problems_table([chk.Problem("a.yml", "line 1", "bad", "fix it")])
    assert list(frame.columns) == ["severity", "file", "where", "problem", "fix"]
    assert frame.iloc[0].to_dict() == dict(severity="error", file="a.yml", where="line 1", problem="bad", fix="fix it")


# ------------------------------------------------------------------ agreement with the loaders
MUTATIONS = {
    "missing field": lambda f: edit_entry(f, 1, outlet=None),
    "empty field": lambda f: edit_entry(f, 2, via=""),
    "unknown field": lambda f: edit_entry(f, 1, author="someone"),
    "bad article_id": lambda f: edit_entry(f, 1, article_id="Tarsk Post"),
    "duplicate article_id": lambda f: edit_entry(f, 2, article_id="tarsk_post"),
    "translated value": lambda f: edit_entry(f, 3, translated="maybe"),
    "agencies not a list": lambda f: edit_entry(f, 1, agencies="AFP"),
    "missing raw file": lambda f: (f / "raw" / "003_sova_valley_news.txt").unlink(),
    "raw not utf-8": lambda f: (f / "raw" / "001_tarsk_daily_post.txt").write_bytes(b"Headline\n\xff\xfe text\n"),
    "raw empty": lambda f: (f / "raw" / "001_tarsk_daily_post.txt").write_text("\n \n", encoding="utf-8"),
    "raw only furniture": lambda f: (f / "raw" / "001_tarsk_daily_post.txt").write_text("Advertisement\nSource link\n"),
    "yaml syntax": lambda f: (f / "articles.yml").write_text("- article_id: [unclosed\n", encoding="utf-8"),
    "yaml not a list": lambda f: (f / "articles.yml").write_text("article_id: x\n", encoding="utf-8"),
    "yaml empty": lambda f: (f / "articles.yml").write_text("", encoding="utf-8"),
    "entry not a mapping": lambda f: (f / "articles.yml").write_text("- just text\n", encoding="utf-8"),
    "metadata missing": lambda f: (f / "articles.yml").unlink(),
    "raw folder missing": lambda f: shutil.rmtree(f / "raw"),
}


@pytest.mark.parametrize("name", MUTATIONS)
def test_check_fails_whenever_the_loader_fails(event, name):
    MUTATIONS[name](event)
    with pytest.raises(LessonsDataError):
        corpus.load_articles(event)
    report = chk.check(event)
    assert report.errors, f"{name}: load_articles rejects the folder but check passes it"
    assert all(p.file.startswith(str(event)) and p.fix for p in report.errors)


# ------------------------------------------------------------------ using a folder
def test_prepare_builds_a_data_folder(event, tmp_path):
    data = chk.prepare(event, tmp_path / "data")
    assert corpus.load_articles(data)["article_id"].tolist() == ["tarsk_post", "evening_star", "sova_news"]
    assert (data / "figures" / "claims.yml").read_text(encoding="utf-8") == (event / "figures" / "claims.yml").read_text(encoding="utf-8")
    assert (data / "corpus" / "boilerplate.yml").exists() and (data / "figures" / "lexicon.yml").exists()
    with open(data / "language" / "lexicon.csv", encoding="utf-8", newline="") as handle:
        terms = [row["term"] for row in csv.DictReader(handle)]
    assert {"vow", "roam", "ravage", "thug", "bandit"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_prepare_refuses_a_broken_folder_and_the_shipped_data(event, tmp_path):
    edit_entry(event, 1, translated="maybe")
    with pytest.raises(LessonsDataError, match="translated is 'maybe'"):
        chk.prepare(event, tmp_path / "x")
    with pytest.raises(LessonsDataError, match="book's own data"):
        chk.prepare(EXAMPLE, ROOT / "data")


def test_lexicon_additions_are_found_through_the_prepared_folder(tmp_path):
    language = pytest.importorskip("lessons.language")
    data = chk.prepare(EXAMPLE, tmp_path / "data")
    text = "The mayor vowed to act as gangs roamed the streets."
    assert "vowed" not in set(language.find_loaded_terms(text)["term"])
    found = language.find_loaded_terms(text, lexicon=data / "language" / "lexicon.csv")
    assert {"vowed", "roamed"} <= set(found["term"])


# ------------------------------------------------------------------ the template notebook
def test_template_is_stored_clean_and_points_at_the_example():
    nb = nbformat.read(TEMPLATE, as_version=4)
    assert 'FOLDER = "examples/invented_event"' in _folder_cell(nb).source
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def _folder_cell(nb) -> nbformat.NotebookNode:
    """The template's one cell a teacher edits (after the shared one-line preamble)."""
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.lstrip().startswith("# The one line")]
    assert len(cells) == 1, "the template needs exactly one 'The one line to change' cell"
    return cells[0]


def run_template(folder: str) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    nb = nbformat.read(TEMPLATE, as_version=4)
    cell = _folder_cell(nb)
    cell.source = cell.source.replace('"examples/invented_event"', f'"{folder}"')
    env = {k: v for k, v in os.environ.items() if k != "LESSONS_DATA"}
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(TEMPLATE.parent)}})
    os.environ.pop("LESSONS_DATA", None)
    try:
        client.execute(env=env)
    finally:
        pass
    return nb


def glued(nb) -> dict:
    out = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = o.get("metadata", {}).get("scrapbook", {}).get("name")
            if name:
                # myst-nb reads glued text/plain with literal_eval, and so do we
                out[name] = str(ast.literal_eval(o["data"]["application/papermill.record/text/plain"]))
    return out


def test_template_runs_on_the_five_articles():
    values = glued(run_template("data"))
    assert values["tpl_n_articles"] == "5"
    assert int(values["tpl_n_figures"].replace(",", "")) > 20
    assert int(values["tpl_n_reuse"]) > 0 and int(values["tpl_n_multi"]) > 0


def test_template_results_on_the_invented_event():
    values = glued(run_template("examples/invented_event"))
    assert values["tpl_n_articles"] == "3"
    assert values["tpl_n_verdicts"] == "5"  # every claim in the example's claims.yml has figures
    assert values["tpl_n_contradictions"] == "0"
    assert int(values["tpl_n_reuse"]) >= 1  # the Evening Star reuses the Tarsk Post's wire copy


def test_metadata_not_utf8_is_reported_with_its_line(event):
    meta = event / "articles.yml"
    text = meta.read_text(encoding="utf-8").replace("outlet: unknown", "outlet: Café News")
    meta.write_bytes(text.encode("latin-1", errors="replace"))
    (problem,) = chk.check_folder(event)
    assert problem.where == "line 21" and "not UTF-8" in problem.problem and "UTF-8" in problem.fix


def test_loader_turns_a_latin1_metadata_file_into_a_lessons_error(event):
    meta = event / "articles.yml"
    meta.write_bytes(meta.read_text(encoding="utf-8").replace("outlet: unknown", "outlet: Café").encode("latin-1", errors="replace"))
    with pytest.raises(LessonsDataError):
        corpus.load_articles(event)
