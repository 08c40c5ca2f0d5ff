"""Hostile folders: `python -m lessons check` and the loaders reject each one cleanly (a
LessonsDataError or a listed problem naming the file and field), fast, never with a traceback."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from lessons import check as chk
from lessons import corpus
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "invented_event"
FIRST = "001_tarsk_daily_post.txt"


def _set_field(folder: Path, field: str, value: str) -> None:
    meta = folder / "articles.yml"
    lines = meta.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if line.startswith(f"  {field}:") or line.startswith(f"- {field}:"):
            lines[i] = line.split(f"{field}:")[0] + f"{field}: {value}"
            break
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")


def symlink_passwd(f):
    (f / "raw" / FIRST).unlink()
    (f / "raw" / FIRST).symlink_to("/etc/passwd")
    return "raw/" + FIRST, "outside the folder"


def raw_outside(f):
    outside = f.parent / "elsewhere"
    shutil.move(str(f / "raw"), outside)
    (f / "raw").symlink_to(outside)
    return "raw", "outside"


def big_file(f):
    with open(f / "raw" / FIRST, "wb") as h:
        h.truncate(50_000_000)  # sparse: 50 MB without writing them
    return "raw/" + FIRST, "at most"


def nul_bytes(f):
    (f / "raw" / FIRST).write_bytes(b"Floods\nSome text\x00\x00 more\n")
    return "raw/" + FIRST, "NUL"


def alias_bomb(f):
    (f / "articles.yml").write_text(
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n- [*i]\n", encoding="utf-8")
    return "articles.yml", ""


def alias_bomb_list(f):
    (f / "articles.yml").write_text(
        "- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n- &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "- &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n- &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
        "- &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n- &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
        "- [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n", encoding="utf-8")
    return "articles.yml", "alias"


def bad_date(f):
    _set_field(f, "published", "2031-13-04")
    return "articles.yml", "published"


def nested_brackets(f):
    (f / "articles.yml").write_text("- " + "[" * 20_000 + "\n", encoding="utf-8")
    return "articles.yml", "nested"


def dotdot_name(f):
    _set_field(f, "source_file", "..")
    return "articles.yml", "source_file"


def nul_in_name(f):
    _set_field(f, "source_file", '"a\\0b.txt"')
    return "articles.yml", "source_file"


def long_name(f):
    _set_field(f, "source_file", "a" * 300 + ".txt")
    return "articles.yml", "source_file"


def fifo_source(f):
    os.mkfifo(f / "raw" / "pipe.txt")
    _set_field(f, "source_file", "pipe.txt")
    return "articles.yml", "not a regular file"


def dir_source(f):
    (f / "raw" / "sub.txt").mkdir()
    _set_field(f, "source_file", "sub.txt")
    return "articles.yml", "folder, not a file"


def catastrophic_claim(f):
    claims = f / "figures" / "claims.yml"
    claims.write_text(claims.read_text(encoding="utf-8").replace(
        r"counted: '\b(people|residents|persons?)\b'", r"counted: '(\w+\s?)*$'", 1), encoding="utf-8")
    return "claims.yml", "exponential"


def catastrophic_counter(f):
    counters = f / "figures" / "counters.csv"
    lines = counters.read_text(encoding="utf-8").splitlines()
    lines[1] = r'"(a|aa)*b"' + lines[1][lines[1].index('",') + 1:]
    counters.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "counters.csv", "exponential"


def claims_symlink(f):
    (f / "figures" / "claims.yml").unlink()
    (f / "figures" / "claims.yml").symlink_to("/etc/passwd")
    return "claims.yml", "outside"


def compact_nesting(f):
    """100 kB of '- - - ...' (lists in lists on one line) crashed libyaml: a segmentation fault."""
    (f / "figures" / "claims.yml").write_text("- " * 50_000 + "x\n", encoding="utf-8")
    return "claims.yml", "nested more than"


def surrogate_escape(f):
    """'\\ud800' in quotes loads as half a character: the template notebook then failed deep
    inside Jupyter (UnicodeEncodeError) while the check said OK."""
    _set_field(f, "label", '"Tarsk \\ud800 Post"')
    return "articles.yml", "surrogate"


CASES = [symlink_passwd, raw_outside, big_file, nul_bytes, alias_bomb, alias_bomb_list, bad_date,
         nested_brackets, dotdot_name, nul_in_name, long_name, fifo_source, dir_source,
         catastrophic_claim, catastrophic_counter, claims_symlink, compact_nesting, surrogate_escape]


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__)
def test_check_rejects_hostile_folder_cleanly(event, make):
    folder = event
    file, words = make(folder)
    start = time.perf_counter()
    report = chk.check(folder)
    seconds = time.perf_counter() - start
    assert seconds < 30, f"check took {seconds:.1f} s"
    found = [p for p in report.problems if file in p.file or file in p.where or file in p.problem]
    assert found, f"no problem names {file}: {[str(p) for p in report.problems]}"
    assert any(words.lower() in (p.problem + p.where).lower() for p in found), [str(p) for p in found]
    if make is not bad_date:  # an impossible date is a warning: the book shows it as text
        assert not report.ok
    assert all(len(str(p)) < 2000 for p in report.problems), "a message expanded a hostile value"


LOADER_CASES = [symlink_passwd, raw_outside, big_file, nul_bytes, alias_bomb_list, nested_brackets,
                dotdot_name, nul_in_name, long_name, fifo_source, dir_source, surrogate_escape]


@pytest.mark.parametrize("make", LOADER_CASES, ids=lambda f: f.__name__)
def test_load_articles_raises_a_clean_error(event, make):
    folder = event
    file, _ = make(folder)
    start = time.perf_counter()
    with pytest.raises(LessonsDataError) as err:
        corpus.load_articles(folder)
    assert time.perf_counter() - start < 30
    message = str(err.value)
    assert file.split("/")[-1] in message or "source_file" in message, message
    assert len(message) < 2000


def test_an_impossible_date_loads_as_text(event):
    folder = event
    bad_date(folder)
    articles = corpus.load_articles(folder)
    assert "2031-13-04" in set(articles["published"].astype(str))


@pytest.mark.parametrize("content, words", [
    (b"pattern,term\nx\x00y,z\n", "NUL"),
    (b"\xff\xfe" + b"pattern,term\n", "UTF-8"),
    (b'pattern,term,kind,rationale\n"' + b"x" * 200_000 + b'",a,b,c\n', "CSV"),
], ids=["nul", "not-utf8", "field-too-large"])
def test_csv_loaders_raise_clean_errors(tmp_path, content, words):
    """The CSV readers of the skill modules, on a data folder with a broken file."""
    from lessons import figures, language

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "figures" / "counters.csv").write_bytes(content)
    (data / "language" / "lexicon.csv").write_bytes(content)
    with pytest.raises(LessonsDataError, match=words) as err:
        figures._read_csv(data / "figures" / "counters.csv", ("pattern",))
    assert "counters.csv" in str(err.value)
    with pytest.raises(LessonsDataError, match=words) as err:
        language._read_csv(data / "language" / "lexicon.csv", ("term",), ("term",))
    assert "lexicon.csv" in str(err.value)


def test_prepare_copies_only_the_listed_articles(event, tmp_path):
    """What articles.yml does not name is only a warning, so prepare must not open it: an
    unlisted pipe (copying it would fail or block), a sub-folder and a huge file stay behind."""
    os.mkfifo(event / "raw" / "pipe.txt")
    (event / "raw" / "sub").mkdir()
    (event / "raw" / "sub" / "x.txt").write_text("x", encoding="utf-8")
    with open(event / "raw" / "huge.txt", "wb") as h:
        h.truncate(50_000_000)
    assert chk.check(event).ok
    data = chk.prepare(event, tmp_path / "data")
    listed = sorted(p.name for p in (EXAMPLE / "raw").iterdir())
    assert sorted(p.name for p in (data / "raw").iterdir()) == listed
    assert (data / "raw" / FIRST).read_bytes() == (EXAMPLE / "raw" / FIRST).read_bytes()
    assert len(corpus.load_articles(data)) == len(listed)


def test_a_file_name_cannot_fake_or_recolour_the_check_s_lines(event):
    """An unlisted file in raw/ is named in a warning: its line break, escape sequence (ESC)
    or bidi override is shown escaped, so it cannot print a fake 'ERROR:' line or hide one."""
    (event / "raw" / "x\x1b[31mRED\x1b[0m\nERROR: fake.txt").write_text("x", encoding="utf-8")
    (event / "raw" / "a\u202egpj.txt").write_text("x", encoding="utf-8")
    report = chk.check(event)
    shown = "\n".join(str(p) for p in report.problems)
    assert report.ok and len(report.warnings) == 2
    assert "\x1b" not in shown and "\u202e" not in shown and "\nERROR" not in shown
    assert "x\\x1b[31mRED\\x1b[0m\\nERROR: fake.txt" in shown and "a\\u202egpj.txt" in shown
    assert all("\n" not in p.message() and "\x1b" not in p.message() for p in report.problems)


def test_invisible_characters_in_the_metadata_are_warned_about(event):
    """A bidi override shows a headline in another order; a zero-width space makes two labels
    that look the same differ. Both are warnings naming the field; line breaks are fine."""
    _set_field(event, "headline", '"Toll \\u202eevil\\u202c rises"')
    _set_field(event, "label", '"Tarsk\\u200b Post"')
    report = chk.check(event)
    assert report.ok
    found = {p.where.rsplit("field ", 1)[-1]: p.problem for p in report.warnings if "invisible" in p.problem}
    assert set(found) == {"headline", "label"}, [str(p) for p in report.problems]
    assert "\\u202e" in found["headline"] and "\\u200b" in found["label"]
    assert not [p for p in chk.check(EXAMPLE).problems if "invisible" in p.problem]  # folded text, no warning


# ----------------------------------------------------------------------------- answer folders
def _answers_folder(tmp_path: Path) -> Path:
    """A teacher's folder of answer files with hostile neighbours: a linked folder elsewhere
    (holding an answer file of its own), a link looping back, a link to a file outside, a
    FIFO and a device named .json, a too-big file, and files deep in sub-folders."""
    from lessons import handin

    folder = tmp_path / "answers"
    (folder / "class_b").mkdir(parents=True)
    (folder / "ada.json").write_text('{"format": "lessons-answers"}', encoding="utf-8")
    (folder / "class_b" / "bob.json").write_text("{}", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.json").write_text("{}", encoding="utf-8")
    (folder / "linked").symlink_to(elsewhere)
    (folder / "class_b" / "loop").symlink_to(folder)
    (folder / "passwd.json").symlink_to("/etc/passwd")
    os.mkfifo(folder / "pipe.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    with open(folder / "big.json", "wb") as h:
        h.truncate(handin.MAX_BYTES + 1)  # sparse
    deep = folder
    for k in range(40):
        deep = deep / f"d{k}"
    deep.mkdir(parents=True)
    (deep / "deep.json").write_text("{}", encoding="utf-8")
    return folder


def test_answer_folders_follow_no_link_and_read_no_pipe(tmp_path):
    """`python -m lessons answers FOLDER`: a linked folder (outside, or a loop) is not searched
    and the teacher is told; a link, a pipe or a device named .json is a row saying why it was
    not read, never opened or followed; a too-big file is a row; nothing hangs."""
    import subprocess
    import sys

    from lessons import handin

    folder = _answers_folder(tmp_path)
    skipped: list = []
    files = handin.answer_files([folder], skipped)
    names = sorted(p.relative_to(folder).as_posix() for p in files)
    assert names == ["ada.json", "big.json", "class_b/bob.json", "passwd.json", "pipe.json", "zero.json"], names
    why = {p.relative_to(folder).as_posix() if p != folder else ".": reason for p, reason in skipped}
    assert "symbolic link to a folder" in why["linked"] and "symbolic link to a folder" in why["class_b/loop"], why
    assert any("folders deep" in r for r in why.values()), why

    out = tmp_path / "gradebook.csv"
    proc = subprocess.run([sys.executable, "-m", "lessons", "answers", str(folder), "--out", str(out),
                           "--book", str(tmp_path / "no-book")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "secret.json" not in proc.stdout and "secret.json" not in out.read_text(encoding="utf-8")
    assert "not read: " + str(folder / "linked") + ": it is a symbolic link to a folder" in proc.stdout, proc.stdout
    rows = {line.split(",", 1)[0]: line for line in out.read_text(encoding="utf-8").splitlines()[1:]}
    assert "symbolic link" in rows["passwd.json"] and "root:" not in out.read_text(encoding="utf-8")
    assert "not a regular file" in rows["pipe.json"] and "symbolic link" in rows["zero.json"]
    assert "at most" in rows["big.json"]


def test_find_files_is_bounded(tmp_path):
    from lessons import _files

    for k in range(30):
        (tmp_path / f"f{k:02}.json").write_text("{}")
    found, skipped = _files.find_files(tmp_path, ".json", 10)
    assert [p.name for p in found] == [f"f{k:02}.json" for k in range(10)]
    assert "30 files ending .json; only the first 10" in skipped[-1][1]
    found, skipped = _files.find_files(tmp_path, ".json", 100, max_seen=5)
    assert len(found) == 5 and "more than 5 names" in skipped[-1][1]


# ----------------------------------------------------------------------------- list lengths
def _many_articles(folder: Path, n: int) -> None:
    """articles.yml with `n` entries (copies of the first), each naming the first raw file."""
    meta = folder / "articles.yml"
    text = meta.read_text(encoding="utf-8")
    first = text[text.index("- article_id:"):]
    first = first[: first.index("\n- article_id:", 1) + 1]
    entries = [first.replace("article_id: tarsk_post", f"article_id: a{k}", 1) for k in range(n)]
    meta.write_text("".join(entries), encoding="utf-8")


def test_too_many_articles_are_refused_before_any_is_read(event, monkeypatch):
    """A cap on articles.yml (lessons.datafiles.articles.MAX_ARTICLES): one problem naming the
    file, the line of the first entry over it and the count; no raw file is looked at."""
    from lessons.datafiles import articles as A

    limit = A.MAX_ARTICLES
    _many_articles(event, limit + 1)
    looked: list = []
    monkeypatch.setattr(A, "_source_problem", lambda *a: looked.append(a))
    found = [p for p in chk.check_folder(event) if p.severity == "error"]
    assert len(found) == 1 and Path(found[0].file).name == "articles.yml", found
    assert f"{limit + 1:,} articles" in found[0].problem and f"at most {limit:,}" in found[0].problem
    lines = (event / "articles.yml").read_text(encoding="utf-8").splitlines()
    over = [k for k, line in enumerate(lines, start=1) if line.startswith("- article_id:")][limit]
    assert found[0].where == f"line {over}, entry {limit + 1}", found[0]
    assert looked == []
    with pytest.raises(LessonsDataError, match=f"articles.yml.*{limit + 1:,} articles"):
        corpus.load_articles(event)
    _many_articles(event, limit)  # at the limit: no count problem
    assert not [p for p in chk.check_folder(event) if "at most" in p.problem and "articles" in p.problem]


def test_every_list_a_teacher_supplies_is_bounded(event):
    """Agencies of one article, entries of the folder's other YAML files, rows of its CSV files."""
    from lessons.datafiles import read

    meta = event / "articles.yml"
    agencies = ", ".join(f"A{k}" for k in range(read.MAX_ITEMS + 1))
    meta.write_text(meta.read_text(encoding="utf-8").replace("agencies: [Northline Wire]", f"agencies: [{agencies}]", 1),
                    encoding="utf-8")
    problems = [p for p in chk.check_folder(event) if p.severity == "error"]
    assert any(p.where.endswith("field agencies") and f"at most {read.MAX_ITEMS}" in p.problem for p in problems), problems

    claims = event / "figures" / "claims.yml"
    text = claims.read_text(encoding="utf-8")
    body = text[text.index("- claim:"):]
    claims.write_text(body * (read.MAX_ENTRIES // body.count("- claim:") + 1), encoding="utf-8")
    lexicon = event / "language" / "lexicon.csv"
    head = lexicon.read_text(encoding="utf-8").splitlines()[0]
    row = "vow,attribution,said,n,s,verb,,,"  # short rows: the count is over its cap, not the bytes
    lexicon.write_text(head + "\n" + (row + "\n") * (read.MAX_ROWS + 1), encoding="utf-8")
    problems = chk.check_folder(event)
    by_file = {Path(p.file).name: p for p in problems if "at most" in p.problem}
    assert f"may hold at most {read.MAX_ENTRIES:,}" in by_file["claims.yml"].problem, problems
    assert by_file["lexicon.csv"].where == f"line {read.MAX_ROWS + 2}", by_file["lexicon.csv"]


def test_many_unlisted_raw_files_give_a_bounded_list_of_warnings(event):
    from lessons.datafiles import articles as A

    for k in range(A.MAX_UNLISTED + 30):
        (event / "raw" / f"extra_{k:03}.txt").write_text("Text\n", encoding="utf-8")
    warnings = [p for p in chk.check_folder(event) if "not listed in articles.yml" in p.problem]
    assert len(warnings) == A.MAX_UNLISTED + 1, len(warnings)
    assert warnings[-1].problem.startswith("30 more files")


def test_a_pipe_or_link_among_submissions_is_a_row_not_a_gap(tmp_path):
    """`make grade`: a FIFO, a device link or a link to a file outside, named .ipynb, each get a
    malformed row saying why (a FIFO was left out of the gradebook in silence); none is read."""
    from lessons import grading

    subs = tmp_path / "subs"
    subs.mkdir()
    os.mkfifo(subs / "pipe.ipynb")
    (subs / "passwd.ipynb").symlink_to("/etc/passwd")
    (subs / "folder.ipynb").mkdir()
    rows = {r["submission"]: r for r in grading.grade_folder(
        subs, {"figures": tmp_path / "figures-autograder.zip"}, tmp_path / "g.csv",
        isolation="none", warn=lambda m: None)}
    assert set(rows) == {"pipe.ipynb", "passwd.ipynb"}, rows
    assert rows["pipe.ipynb"]["status"] == "malformed" and "not a regular file" in rows["pipe.ipynb"]["reason"]
    assert rows["passwd.ipynb"]["status"] == "malformed" and "symbolic link" in rows["passwd.ipynb"]["reason"]
    assert "root:" not in (tmp_path / "g.csv").read_text(encoding="utf-8")
