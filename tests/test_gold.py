"""Gold cases (issue 18): one folder, one format, one loader (lessons.datafiles.gold).

Every gold file loads; a bad case is named by file, line, case and field; and the helpers
score on the gold files what they scored on the old files (the counts of cases and labels are
exact, the scores at least those measured when the files were moved).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from lessons import language
from lessons.datafiles import gold
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "data" / "gold"
SHIPPED = ("language", "figures", "speakers")
HEAD = "source: Written for a test.\nrationale: To check the loader.\nlicence: CC BY 4.0\ncases:\n"


def _write(tmp_path, helper: str, cases: str, head: str = HEAD) -> Path:
    path = tmp_path / f"{helper}.yml"
    path.write_text(head + cases, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the shipped files
@pytest.mark.parametrize("helper", SHIPPED)
def test_every_gold_file_loads_with_no_problem(helper):
    path = gold.path(helper)
    assert path == GOLD / f"{helper}.yml"
    assert gold.problems(path) == []
    cases = gold.load(helper)
    assert len(cases) >= 50
    assert {c["split"] for c in cases} == ({"dev"} if helper == "speakers" else {"dev", "test"})
    assert len(gold.load(helper, "dev")) + len(gold.load(helper, "test")) == len(cases)
    assert all(c["text"].strip() and isinstance(c["expected"], list) for c in cases)
    assert gold.survey(path) == (len(cases), [])


def test_the_folder_holds_only_gold_files_in_the_one_format():
    files = sorted(GOLD.glob("*.yml"))
    assert {p.stem for p in files} <= set(gold.HELPERS)
    assert {p.stem for p in files} >= set(SHIPPED)
    assert (GOLD / "README.md").is_file()
    for p in files:  # the header comes first, then the cases
        keys = [line.split(":")[0] for line in p.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith(("#", " "))]
        assert keys == ["source", "rationale", "licence", "cases"], p.name


def test_the_old_files_are_gone():
    for old in ("data/language/heldout.yml", "benchmarks/data/figures_labelled.yml", "tests/fixtures/speakers.yml"):
        assert not (ROOT / old).exists(), old


def test_gold_cases_are_not_from_the_five_articles():
    from lessons.corpus import load_articles

    bodies = " ".join(load_articles()["body"])
    for helper in SHIPPED:
        for case in gold.load(helper):
            assert case["text"][:40] not in bodies, (helper, case["text"])


# --------------------------------------------------------------------------- scores unchanged
def test_language_scores_on_the_gold_file_are_those_of_the_old_file():
    """Measured on data/language/heldout.yml just before it moved (the same numbers after)."""
    dev, test = language.evaluate(split="dev"), language.evaluate(split="test")
    assert (dev["items"], dev["gold_terms"]) == (54, 66)
    assert (test["items"], test["gold_terms"]) == (35, 46)
    # dev recall was 1.00: one case holds a word to watch alone ('conceded'), which is shown only
    # beside a strong loaded word since lexicon3 (docs/decisions.md, record 45)
    assert dev["precision"] >= 0.985 and dev["recall"] >= 0.985 and dev["voice_accuracy"] >= 1.0
    assert test["precision"] >= 0.978 and test["recall"] >= 0.978 and test["voice_accuracy"] >= 1.0
    assert test["scare_quote_accuracy"] >= 1.0 and test["category_accuracy"] >= 0.956
    assert len(language.load_heldout()) == 89
    assert set(language.load_heldout()[0]) == {"text", "split", "loaded"}


def test_figures_benchmark_scores_on_the_gold_file_are_those_of_the_old_file():
    """72 cases when the file moved; 6 dev cases added since (issue 19: what follows a plural
    head noun, a number word after 'and', a figure with its own article)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import harness as h

    labelled = h.load_labelled()
    score = h.score_figures(labelled, [h.lessons_figures(i["text"]) for i in labelled])
    assert (score["sentences"], score["gold_figures"], score["counted_n"]) == (78, 89, 61)
    assert score["recall"] >= 1.0 and score["value_acc"] >= 1.0
    assert score["qualifier_acc"] >= 1.0 and score["counted_acc"] >= 0.967
    assert score["false_positives"] <= 1
    first = labelled[0]
    assert first["figures"][0] == {"at": "160", "start": 24, "end": 27, "value": 160.0, "qualifier": "at_least",
                                   "unit": "count", "counted": ["people"]}


def test_speaker_cases_are_all_there_and_pass():
    """The speakers cases (57 when the file moved) all give their speakers, as in test_text.py."""
    from lessons import corpus

    cases = gold.load("speakers")
    assert len(cases) >= 57 and sum(len(c["expected"]) for c in cases) >= 62
    wrong = [c["text"] for c in cases
             if corpus.quotes(c["text"]).query("~nested")["speaker"].tolist() != c["expected"]]
    assert wrong == []


# --------------------------------------------------------------------------- bad cases
def test_a_case_without_expected_names_file_line_case_and_field(tmp_path):
    path = _write(tmp_path, "speakers", "  - text: '\"It rained,\" she said.'\n    split: dev\n"
                                        "  - text: 'Calm.'\n    split: dev\n")
    (problem,) = gold.problems(path)[:1]
    assert problem.file == str(path) and problem.where == "line 5, case 1, field expected"
    assert problem.problem == "no expected"
    with pytest.raises(LessonsDataError, match=r"speakers.yml, line 5, case 1, field expected: no expected"):
        gold.load("speakers", file=path)
    assert len(gold.problems(path)) == 2  # every problem is listed, case 2 too


def test_an_unknown_split_is_named_with_a_suggestion(tmp_path):
    path = _write(tmp_path, "speakers", "  - text: 'Calm.'\n    split: tset\n    expected: ['']\n")
    with pytest.raises(LessonsDataError, match=r"line 6, case 1, field split: unknown split 'tset' \(did you mean 'test'"):
        gold.load("speakers", file=path)
    with pytest.raises(LessonsDataError, match="unknown split 'final'"):
        gold.load("language", "final")


@pytest.mark.parametrize("helper, expected, where, message", [
    ("language", "[{term: mob}]", "expected[1].voice", "no voice"),
    ("language", "mob", "expected", "expected must be a list, got 'mob'"),
    ("language", "[{term: mob, voice: reporter, scare_quote: 'yes'}]", "expected[1].scare_quote", "must be true or false"),
    ("language", "[{term: mob, voice: reporter, categroy: label}]", "expected[1].categroy",
     "unknown field 'categroy' (did you mean 'category'?)"),
    ("language", "[{term: 42, voice: reporter}]", "expected[1].term", "term must be text"),
    ("figures", "[{at: '30', value: thirty, qualifier: exact, unit: count}]", "expected[1].value", "value must be a number"),
    ("figures", "[{at: '30', value: 30, qualifier: roughly, unit: count}]", "expected[1].qualifier", "unknown qualifier"),
    ("figures", "[{at: '30', value: 30, qualifier: exact, unit: count, counted: [1]}]", "expected[1].counted",
     "counted must be text or a list"),
    ("figures", "[{at: '31', value: 31, qualifier: exact, unit: count}]", "expected[1].at", "figure at: '31' not found"),
    ("speakers", "[3]", "expected[1]", "speaker 1 must be text"),
])
def test_a_wrong_type_is_named_by_case_and_field(tmp_path, helper, expected, where, message):
    path = _write(tmp_path, helper, f"  - text: 'About 30 sheep and a mob.'\n    split: test\n    expected: {expected}\n")
    problems = gold.problems(path)
    assert [p.where for p in problems] == [f"line 7, case 1, field {where}"]
    assert message in problems[0].problem and problems[0].fix
    with pytest.raises(LessonsDataError, match=r"line 7, case 1, field " + where.replace("[", r"\[").replace("]", r"\]")):
        gold.load(helper, file=path)


@pytest.mark.parametrize("value, ok", [(10 ** 400, True), (".inf", False), ("true", False), ("[1]", False)])
def test_hostile_values_are_problems_not_crashes(tmp_path, value, ok):
    path = _write(tmp_path, "figures", f"  - text: 'About 30 sheep.'\n    split: test\n"
                                       f"    expected: [{{at: '30', value: {value}, qualifier: approx, unit: count}}]\n")
    assert [p.where for p in gold.problems(path)] == ([] if ok else ["line 7, case 1, field expected[1].value"])
    long = _write(tmp_path, "speakers", f"  - text: '{'a' * (gold.MAX_TEXT + 1)}'\n    split: test\n    expected: []\n")
    assert [p.where for p in gold.problems(long)] == ["line 5, case 1, field text"]


def test_an_expected_entry_on_its_own_line_is_named_by_that_line(tmp_path):
    path = _write(tmp_path, "figures", "  - text: 'About 30 sheep and 40 goats.'\n    split: test\n    expected:\n"
                                       "      - {at: '30', value: 30, qualifier: approx, unit: count}\n"
                                       "      - {at: '40', value: 40, qualifier: exact, unit: goats}\n")
    (problem,) = gold.problems(path)
    assert problem.where == "line 9, case 1, field expected[2].unit" and "unknown unit 'goats'" in problem.problem


def test_the_header_and_the_file_name_are_checked(tmp_path):
    path = _write(tmp_path, "language", "  - text: 'Calm.'\n    split: test\n    expected: []\n",
                  head="source: x\nlicense: y\ncases:\n")
    wheres = [(p.where, p.problem) for p in gold.problems(path)]
    assert ("line 2, field license", "unknown field 'license' (did you mean 'licence'?)") in wheres
    assert ("line 1, field rationale", "no rationale (text)") in wheres
    other = _write(tmp_path, "sentiment", "  - text: 'Calm.'\n    split: test\n    expected: []\n")
    (problem,) = gold.problems(other)
    assert "no gold schema for 'sentiment'" in problem.problem and "language.yml" in problem.fix
    empty = _write(tmp_path, "speakers", "")
    assert [p.where for p in gold.problems(empty)] == ["line 4, field cases"]


def test_bad_yaml_is_a_problem_with_its_line(tmp_path):
    path = _write(tmp_path, "speakers", "  - text: 'Calm.'\n    split: test\n  expected: [\n")
    (problem,) = gold.problems(path)
    assert problem.where.startswith("line ") and "YAML" in problem.problem


# --------------------------------------------------------------------------- loading
def test_load_follows_a_changed_file_and_gives_each_caller_a_copy(tmp_path):
    path = _write(tmp_path, "speakers", "  - text: '\"Calm,\" he said.'\n    split: dev\n    expected: ['']\n")
    first = gold.load("speakers", file=path)
    assert first == [{"text": '"Calm," he said.', "split": "dev", "expected": [""], "note": None, "_line": 5}]
    first[0]["expected"].append("changed")
    assert gold.load("speakers", file=path)[0]["expected"] == [""]
    path.write_text(HEAD + "  - text: '\"Calm,\" said Ana.'\n    split: test\n    expected: [Ana]\n    note: a name\n")
    again = gold.load("speakers", file=path)
    assert again[0]["expected"] == ["Ana"] and again[0]["note"] == "a name"
    assert gold.load("speakers", "dev", path) == []


def test_the_data_folder_gives_the_gold_folder(monkeypatch, tmp_path):
    import shutil

    shutil.copytree(ROOT / "data" / "language", tmp_path / "language")
    (tmp_path / "gold").mkdir()
    _write(tmp_path / "gold", "language", "  - text: 'A mob.'\n    split: test\n"
                                          "    expected: [{term: mob, category: label, voice: reporter}]\n")
    monkeypatch.setenv("LESSONS_DATA", str(tmp_path))
    assert gold.path("language") == tmp_path / "gold" / "language.yml"
    assert language.evaluate()["items"] == 1
