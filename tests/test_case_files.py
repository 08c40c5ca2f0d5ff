"""The one loader of tests/cases/ (tests/case_files.py) refuses a badly made case file with a
message naming the file, the line and the field; every case file there is read by it."""

from __future__ import annotations

import case_files
import pytest

from lessons.errors import LessonsDataError

HEAD = "source: s\nrationale: r\nlicence: l\ncases:\n"


def _write(tmp_path, body: str, head: str = HEAD) -> None:
    (tmp_path / "x.yml").write_text(head + body, encoding="utf-8")


def test_a_good_file_is_read_with_lines(tmp_path):
    _write(tmp_path, "  - text: 'Nine boats sank.'\n    surface: Nine\n    expected: {counted: boats}\n    note: n\n")
    (case,) = case_files.load("x", ("counted",), tmp_path)
    assert case == {"text": "Nine boats sank.", "surface": "Nine", "expected": {"counted": "boats"}, "note": "n", "_line": 5}


@pytest.mark.parametrize("body, head, words", [
    ("  - text: 'A.'\n    expected: {counted: a}\n", HEAD, r"line 5, field note: missing or empty"),
    ("  - text: 'A.'\n    expected: {counted: a, verb: b}\n    note: n\n", HEAD,
     r"line 6, field expected: must map exactly counted, got \['counted', 'verb'\]"),
    ("  - text: 'A.'\n    surface: B\n    expected: {counted: a}\n    note: n\n", HEAD, r"line 6, field surface: 'B' is not in the text"),
    ("  - text: 'A.'\n    expected: {counted: a}\n    note: n\n    split: dev\n", HEAD, r"line 8, field split: unknown field"),
    ("  - {text: 'A.', expected: {counted: a}, note: n}\n  - {text: 'A.', expected: {counted: b}, note: m}\n", HEAD,
     r"line 6: the same text and surface as the case at line 5"),
    ("  - {text: 'A.', expected: {counted: a}, note: n}\n", "rationale: r\nlicence: l\ncases:\n", r"field source: missing"),
    ("", HEAD, r"field cases: must be a non-empty list"),
    ("  - {text: 'A.', expected: {counted: a}, note: n, note: m}\n", HEAD, r"appears twice"),
])
def test_a_bad_file_names_file_line_and_field(tmp_path, body, head, words):
    _write(tmp_path, body, head)
    with pytest.raises(LessonsDataError, match=words) as err:
        case_files.load("x", ("counted",), tmp_path)
    assert "x.yml" in str(err.value)


def test_a_list_file_needs_a_list(tmp_path):
    _write(tmp_path, "  - {text: 'A.', expected: {counted: a}, note: n}\n")
    with pytest.raises(LessonsDataError, match="field expected: must be a list, got dict"):
        case_files.load("x", None, tmp_path)


@pytest.mark.parametrize("name, fields", [("language_context", None), ("figures_counted_noun", ("counted", "verb")),
                                          ("language_attributed_voice", ("voice", "speaker")),
                                          ("speakers_classes", None), ("speakers_heldout", None),
                                          ("figures_real_news", None),
                                          ("speakers_heldout2", None), ("speakers_heldout3", None)])
def test_every_case_file_is_well_formed(name, fields):
    assert len(case_files.load(name, fields)) >= 6


def test_no_case_file_is_left_unread():
    read = {"language_context", "figures_counted_noun", "language_attributed_voice", "speakers_classes", "speakers_heldout",
            "figures_real_news", "speakers_heldout2", "speakers_heldout3"}
    assert {p.stem for p in case_files.CASES.glob("*.yml")} == read
