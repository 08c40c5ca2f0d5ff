"""lessons.datafiles: one module per data file, whose ``problems()`` the checker lists and whose
``load()`` the loaders call, so the two can no longer disagree; one reader with line numbers;
caches keyed by (path, mtime, size), so switching folders in one kernel gives the new data."""

from __future__ import annotations

import ast
import os
import shutil
from pathlib import Path

import pytest

from lessons import check as chk
from lessons import compare, corpus, figures, language
from lessons import tables as tables_module
from lessons.datafiles import (
    articles,
    claims,
    counters,
    elements,
    exercises,
    key_skip_words,
    lexicon,
    limits,
    read,
    tables,
    voice,
)
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "invented_event"
SRC = ROOT / "src" / "lessons"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, line: str) -> None:
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(line)


# ------------------------------------------------------------------ checker and loader agree
def _cumulative_text(f):
    _replace(f / "figures" / "claims.yml", "cumulative: true", 'cumulative: "false"')
    return f / claims.FILE, lambda: figures.load_claims(str(f / claims.FILE)), "cumulative must be true or false"


def _element_unknown_field(f):
    _replace(f / "compare" / "elements.yml", "  rationale:", "  colour: red\n  rationale:")
    return f / elements.FILE, lambda: compare.load_elements(f / elements.FILE), "unknown field 'colour'"


def _counter_bad_regex(f):
    _append(f / "figures" / "counters.csv", '"(unclosed",Someone,official,"A reason."\n')
    return f / counters.FILE, lambda: figures._counters(str(f / "figures")), "not a valid regular expression"


def _lexicon_bad_category(f):
    _append(f / "language" / "lexicon.csv", 'swamped,drama,flooded,"A note.",own,verb,,,\n')
    return f / lexicon.FILE, lambda: language.load_lexicon(f / lexicon.FILE), "unknown category 'drama'"


def _lexicon_bad_strength(f):
    path = f / "language" / "lexicon.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [line + ",strong" for line in lines[1:]]
    body[0] = body[0][: -len("strong")] + "weak"
    path.write_text("\n".join([lines[0] + ",strength"] + body) + "\n", encoding="utf-8")
    return path, lambda: language.load_lexicon(path), "unknown strength 'weak'"


def _lexicon_strong_after_on_a_strong_entry(f):
    path = f / "language" / "lexicon.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    body = [line + ",strong," for line in lines[1:]]
    body[0] = body[0] + r"^\s+that"
    path.write_text("\n".join([lines[0] + ",strength,strong_if_followed_by"] + body) + "\n", encoding="utf-8")
    return path, lambda: language.load_lexicon(path), "only a word to watch can be made strong by what follows"


def _lexicon_unknown_column(f):
    path = f / "language" / "lexicon.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0] + ",colour"] + [line + "," for line in lines[1:]]) + "\n", encoding="utf-8")
    return path, lambda: language.load_lexicon(path), "unknown column 'colour'"


def _article_translated(f):
    _replace(f / "articles.yml", 'translated: "no"', "translated: maybe")
    return f / articles.METADATA_FILE, lambda: corpus.load_articles(f), "translated is 'maybe'"


def _article_duplicate_key(f):
    _replace(f / "articles.yml", "  language: en\n", "  language: en\n  language: fr\n")
    return f / articles.METADATA_FILE, lambda: corpus.load_articles(f), "key 'language' appears twice"


def _claim_kebab(f):
    _replace(f / "figures" / "claims.yml", "- claim: ", "- claim: Not_Kebab_", )
    return f / claims.FILE, lambda: figures.load_claims(str(f / claims.FILE)), "is not kebab-case"


def _shipped(f, name: str) -> Path:
    """A copy of the book's data file ``name`` in the folder ``f`` (to break)."""
    target = f / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "data" / name, target)
    return target


def _voice_rules(path: Path):
    return language._voice_rules(*language._stamp(path))


def _voice_limit_not_a_number(f):
    path = _shipped(f, voice.FILE)
    _replace(path, "max_words: 6", "max_words: many")
    return path, lambda: _voice_rules(path), "max_words must be a whole number from 1 to 20"


def _voice_word_not_text(f):
    path = _shipped(f, voice.FILE)
    _replace(path, "verbs: [called,", "verbs: [no, called,")
    return path, lambda: _voice_rules(path), "naming.verbs holds False, which is not a word"


def _voice_section_missing(f):
    path = _shipped(f, voice.FILE)
    _replace(path, "according_to:\n", "according:\n")
    return path, lambda: _voice_rules(path), "section according_to is missing"


def _limits_text_and_article(f):
    path = _shipped(f, limits.FILE)
    _replace(path, "- text: ", "- article: republished\n  text: ")
    return path, lambda: tables_module.limits_table(corpus.load_articles(), path), "give either 'text', or 'article' and 'find'"


def _limits_unknown_field(f):
    path = _shipped(f, limits.FILE)
    _replace(path, "  reader: ", "  reeder: ")
    return path, lambda: tables_module.limits_table(corpus.load_articles(), path), "unknown field 'reeder'"


CASES = [_cumulative_text, _element_unknown_field, _counter_bad_regex, _lexicon_bad_category, _lexicon_bad_strength,
         _lexicon_strong_after_on_a_strong_entry, _lexicon_unknown_column, _article_translated, _article_duplicate_key, _claim_kebab,
         _voice_limit_not_a_number, _voice_word_not_text, _voice_section_missing,
         _limits_text_and_article, _limits_unknown_field]


@pytest.mark.parametrize("make", CASES, ids=lambda f: f.__name__.strip("_"))
def test_check_and_loader_report_the_same_problem(event, make):
    """The same bad file: `check` lists the problem, the loader raises it, word for word."""
    file, load, words = make(event)
    listed = [p for p in chk.check_folder(event) if p.severity == chk.ERROR and Path(p.file) == file]
    assert listed and words in listed[0].problem, [str(p) for p in chk.check_folder(event)]
    with pytest.raises(LessonsDataError) as err:
        load()
    assert str(err.value).endswith(listed[0].message().split(str(file), 1)[1]), (str(err.value), listed[0].message())
    assert words in str(err.value) and file.name in str(err.value)


def test_cumulative_false_in_quotes_is_refused_not_read_as_true(event):
    """bool("false") is True: the loader used to read a quoted "false" as true."""
    _cumulative_text(event)
    with pytest.raises(LessonsDataError, match=r"claims\.yml, line \d+, claim 1 \(.*\), field cumulative: cumulative must be"):
        figures.load_claims(str(event / claims.FILE))


def test_a_good_file_loads_and_has_no_problems():
    assert claims.problems(EXAMPLE / claims.FILE) == []
    loaded = claims.load(EXAMPLE / claims.FILE)
    assert len(loaded) == 5 and all(isinstance(c.cumulative, bool) for c in loaded)
    assert elements.problems(EXAMPLE / elements.FILE) == [] and len(elements.load(EXAMPLE / elements.FILE)) == 8
    assert counters.problems(EXAMPLE / counters.FILE) == [] and len(counters.load(EXAMPLE / counters.FILE)) == 5
    assert articles.problems(EXAMPLE) == [] and len(articles.load(EXAMPLE)) == 3
    assert exercises.problems(ROOT / "data" / "exercises") == []
    assert voice.problems(ROOT / "data" / voice.FILE) == [] and set(voice.SECTIONS) <= set(voice.load(ROOT / "data" / voice.FILE))
    assert limits.problems(ROOT / "data" / limits.FILE) == [] and len(limits.load(ROOT / "data" / limits.FILE)) >= 1


def test_key_skip_words_are_checked_where_they_are_loaded(tmp_path):
    """The words a key word never is: the shipped file is clean, and a word YAML reads as
    true/false ('off'), a word in two groups, a group without a source are each refused."""
    shipped = ROOT / "data" / key_skip_words.FILE
    assert key_skip_words.problems(shipped) == []
    words = key_skip_words.load(shipped)
    assert {"the", "people", "report", "off", "no"} <= words and all(isinstance(w, str) for w in words)
    path = tmp_path / "skip.yml"
    good = "- group: g\n  source: s\n  rationale: r\n  words: [the, \"off\"]\n"
    path.write_text(good, encoding="utf-8")
    assert key_skip_words.load(path) == {"the", "off"}
    for bad, problem in [
        (good.replace('"off"', "off"), "is not a lower-case word"),
        (good.replace("the,", "The,"), "is not a lower-case word"),
        (good + good.replace("group: g", "group: h").replace('"off"', "a"), "also in group 'g'"),
        (good.replace("  source: s\n", ""), "source is missing or empty"),
        (good.replace("words:", "word:"), "unknown field 'word'"),
    ]:
        path.write_text(bad, encoding="utf-8")
        found = key_skip_words.problems(path)
        assert found and problem in found[0].problem, (bad, found)
        with pytest.raises(LessonsDataError):
            key_skip_words.load(path)


def test_problems_lists_every_problem_load_raises_the_first(tmp_path):
    path = tmp_path / "figures" / "claims.yml"
    path.parent.mkdir()
    path.write_text("- claim: a\n  label: A\n  unit: count\n  rules: [{verb: '(x'}]\n"
                    "- claim: a\n  label: B\n  unit: count\n  rationale: r\n  rules: [{colour: red}]\n", encoding="utf-8")
    found = claims.problems(path)
    assert [p.where for p in found] == ["line 1, claim 1 (a), field rationale", "line 4, claim 1 (a), field rules, rule 1",
                                        "line 5, claim 2 (a), field claim", "line 9, claim 2 (a), field rules, rule 1"]
    assert ["rationale is missing" in found[0].problem, "not a valid regular expression" in found[1].problem,
            "used twice" in found[2].problem, "unknown condition 'colour'" in found[3].problem] == [True] * 4
    with pytest.raises(LessonsDataError, match="rationale is missing or empty"):
        claims.load(path)


# ------------------------------------------------------------------ one reader
def test_reader_keeps_line_numbers_skips_blank_lines_and_a_bom(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffa,b\n1,2\n\n3,\n".encode("utf-8"))
    report = read.FileReport(path)
    rows = read.csv_rows(path, report, ("a", "b"))
    assert rows == [(2, {"a": "1", "b": "2"}), (4, {"a": "3", "b": ""})]
    with pytest.raises(LessonsDataError, match=r"t\.csv, line 4, column b: b is empty"):
        tables.rows(path, ("a", "b"))
    assert tables.rows(path, ("a", "b"), filled=("a",), line=True)[1] == {"a": "3", "b": "", "_line": 4}


def test_reader_refuses_a_key_written_twice_at_any_depth(tmp_path):
    path = tmp_path / "x.yml"
    path.write_text("- id: a\n  rules:\n    - verb: x\n      verb: y\n", encoding="utf-8")
    report = read.FileReport(path)
    assert read.yaml_entries(path, report, "things", "- id: a") is None
    (problem,) = report.problems
    assert problem.where == "line 4" and "'verb' appears twice" in problem.problem


def test_one_csv_reader_for_every_module():
    """No module but the reader parses CSV itself; check.py parses no YAML itself."""
    for path in SRC.rglob("*.py"):
        if path.name == "read.py" or path.name == "check.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert "csv.reader(" not in text and "csv.DictReader(" not in text, path
    check_src = (SRC / "check.py").read_text(encoding="utf-8")
    assert "yaml." not in check_src and "csv.reader(" not in check_src and "csv.DictReader(" not in check_src


def test_check_uses_no_private_names_of_other_modules():
    """check.py and lessons.datafiles use only public names across modules (no language._key,
    no ImportError fallbacks)."""
    for path in [SRC / "check.py", *sorted((SRC / "datafiles").glob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module not in (None, "__future__"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private or node.module in ("", "read"), (path.name, node.module, private)
            if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Name):
                assert node.type.id != "ImportError", path.name
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in (
                    "corpus", "language", "compare", "figures", "exercises", "articles", "claims", "counters",
                    "elements", "lexicon", "tables"):
                assert not node.attr.startswith("_"), (path.name, f"{node.value.id}.{node.attr}")


# ------------------------------------------------------------------ caches follow the folder
def test_switching_folders_in_one_process_gives_the_new_folders_data(monkeypatch, tmp_path):
    """The bug: load_claims() and _counters() were cached on path=None, so after use_folder()
    (or $LESSONS_DATA) they still returned the Kazakhstan claims (16 counters instead of 5)."""
    monkeypatch.delenv("LESSONS_DATA", raising=False)
    book_claims = {c.claim for c in figures.load_claims()}
    book_counters = len(figures._counters())
    assert book_counters == len(counters.load(ROOT / "data" / counters.FILE))
    invented = {c.claim for c in claims.load(EXAMPLE / claims.FILE)}
    assert book_claims != invented
    data = chk.prepare(EXAMPLE, tmp_path / "prepared")
    monkeypatch.setenv("LESSONS_DATA", str(data))
    assert {c.claim for c in figures.load_claims()} == invented
    assert len(figures._counters()) == 5 != book_counters
    assert len(compare.load_elements()) == 8
    assert list(corpus.load_articles()["article_id"]) == [e["article_id"] for e, _ in articles.load(EXAMPLE)]
    assert "tarsk_post" in set(corpus.load_articles()["article_id"])
    monkeypatch.delenv("LESSONS_DATA")
    assert {c.claim for c in figures.load_claims()} == book_claims and len(figures._counters()) == book_counters


def test_use_folder_switches_the_figures_in_the_same_kernel(monkeypatch):
    monkeypatch.delenv("LESSONS_DATA", raising=False)
    before = len(figures._counters())
    chk.use_folder(EXAMPLE)  # sets $LESSONS_DATA (monkeypatch restores it)
    try:
        assert len(figures._counters()) == 5 and before != 5
        assert "river-rise" in {c.claim for c in figures.load_claims()}
    finally:
        os.environ.pop("LESSONS_DATA", None)


def test_a_file_changed_in_place_is_read_again(tmp_path):
    path = tmp_path / "figures" / "claims.yml"
    path.parent.mkdir()
    shutil.copy(EXAMPLE / claims.FILE, path)
    assert figures.load_claims(str(path))[0].label != "Changed label"
    first = figures.load_claims(str(path))[0].label
    _replace(path, f"label: {first}", "label: Changed label")
    os.utime(path, ns=(1, 10**18))
    assert figures.load_claims(str(path))[0].label == "Changed label"


def test_compare_word_lists_come_from_the_folder_asked_for(tmp_path):
    """The bug: _lexicon_for(folder) ignored its folder; a folder that does not exist still gave
    the book's 76 spellings."""
    with pytest.raises(LessonsDataError, match=r"nowhere.*spelling\.csv.*file not found"):
        compare._lexicon_for(str(tmp_path / "nowhere"))
    folder = tmp_path / "compare"
    shutil.copytree(ROOT / "data" / "compare", folder)
    book = compare._lexicon_for(str(ROOT / "data" / "compare"))
    (folder / "spelling.csv").write_text("british,american,match,source\ncolour,color,word,own\n", encoding="utf-8")
    mine = compare._lexicon_for(str(folder))
    assert mine.spelling_word == {"colour": "color"} and len(book.spelling_word) > 1
    assert mine.spelling_prefix == () and book.spelling_prefix != ()


def test_coverage_follows_a_changed_word_list(monkeypatch, tmp_path):
    """Signals are parsed with the word lists in force: change them and coverage changes."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("raw"))
    monkeypatch.setenv("LESSONS_DATA", str(data))
    el = [{"id": "colour", "label": "Colour", "signals": ["colour"], "rationale": "r"}]
    import pandas as pd

    arts = pd.DataFrame({"article_id": ["a"], "body": ["The color was red."]})
    assert compare.coverage(arts, el)["covered"].tolist() == [True]  # colour -> color (spelling.csv)
    (data / "compare" / "spelling.csv").write_text("british,american,match,source\ncolour,colr,word,own\n", encoding="utf-8")
    os.utime(data / "compare" / "spelling.csv", ns=(1, 10**18))
    assert compare.coverage(arts, el)["covered"].tolist() == [False]  # now colour -> colr


def test_small_tables_name_file_line_and_column(tmp_path):
    folder = tmp_path / "compare"
    shutil.copytree(ROOT / "data" / "compare", folder)
    _append(folder / "spelling.csv", "centre,center,letters,own\n")
    with pytest.raises(LessonsDataError, match=r"spelling\.csv, line \d+, column match: unknown match 'letters'"):
        compare._lexicon_for(str(folder))
    ref = tmp_path / "reference_terms.csv"
    ref.write_text("term,group,pos,forms,loaded,rationale\nmob,crowd,noun,,maybe,r\nMob,crowd,noun,,no,r\n", encoding="utf-8")
    found = [(p.where, p.problem.split(" (")[0]) for p in language_reference_problems(ref)]
    assert found == [("line 2, column loaded", "unknown loaded 'maybe'"), ("line 3, column term", "term 'Mob' is listed twice")]
    with pytest.raises(LessonsDataError, match=r"reference_terms\.csv, line 2, column loaded"):
        language.load_reference_terms(ref)


def language_reference_problems(path):
    from lessons.datafiles import reference_terms

    return reference_terms.problems(path)


def test_exercise_problems_are_the_loaders_message(tmp_path):
    """exercises.problems() (what a checker lists) and load_exercises() (what a chapter raises)
    name the same file, line, entry and field."""
    from lessons import exercises as X

    (tmp_path / "ch.yml").write_text("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: 2\n"
                                     "  explanation: e\n  source: s\n  colour: red\n", encoding="utf-8")
    found = exercises.problems(tmp_path)
    assert [(p.where, p.problem.split(":")[0]) for p in found] == [
        ("line 8, entry 1 (id 'a')", "field 'colour' is not a known field (known"),
        ("line 5, entry 1 (id 'a')", "field 'answer' is 2 but there are only 2 options (indices 0 to 1)")]
    with pytest.raises(LessonsDataError) as err:
        X.load_exercises(tmp_path)
    assert str(err.value).splitlines() == [f"{p.file}, {p.where}: {p.problem}" for p in found]


def test_a_prompt_that_says_how_to_answer_is_refused(tmp_path):
    """Walk 11: a multi exercise's prompt ended 'Choose all that apply.' and the exercise said
    it again under it; a words exercise said how to mark twice too. The exercise shows how to
    answer (`HOW_TO_ANSWER`), so the checker and the loader refuse a prompt that says it."""
    from lessons import exercises as X

    (tmp_path / "ch.yml").write_text(
        "- id: a\n  type: multi\n  prompt: Which? Choose ALL that apply.\n  options: [x, y]\n  answer: [0]\n"
        "  explanation: e\n  source: s\n"
        "- id: b\n  type: words\n  prompt: Mark the words. Tap a word to mark it, tap it again to unmark it.\n"
        "  passage: one two\n  answer: [one]\n  explanation: e\n  source: s\n"
        "- id: c\n  type: multi\n  prompt: Which apply to all reports?\n  options: [x, y]\n  answer: [0]\n"
        "  explanation: e\n  source: s\n", encoding="utf-8")
    found = exercises.problems(tmp_path)
    assert [(p.where, p.problem.split(" (")[0]) for p in found] == [
        ("line 3, entry 1 (id 'a')", "field 'prompt' says how to answer, which the exercise shows itself"),
        ("line 10, entry 2 (id 'b')", "field 'prompt' says how to answer, which the exercise shows itself")]
    with pytest.raises(LessonsDataError, match=r"ch\.yml, line 3, entry 1 \(id 'a'\): field 'prompt' says how"):
        X.load_exercises(tmp_path)
