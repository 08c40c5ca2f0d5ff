"""lessons.evidence: the evidence and context data load, are well formed, and every quote is in
the cleaned text of the article it names."""

from pathlib import Path

import pytest

from lessons import evidence
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]


# ------------------------------------------------------------------ the shipped data
@pytest.mark.parametrize("loader", [evidence.load_evidence, evidence.load_context])
def test_every_quote_is_found_in_its_article(loader):
    checked = evidence.check_quotes(loader())
    assert len(checked) > 0
    missing = checked[~checked["found"]]
    assert missing.empty, "\n".join(f"{r.id} ({r.article_id}): {r.problem}: {r.quote!r}" for r in missing.itertuples())


def test_a_made_up_quote_is_not_found():
    texts = evidence.article_texts()
    assert evidence.quote_found("aljazeera", "open fire without warning", texts=texts)
    # Al Jazeera never prints the phrase the other reports quote
    assert not evidence.quote_found("aljazeera", "shoot to kill without warning", texts=texts)
    assert not evidence.quote_found("thejournal", "Tokayev said the protesters were heroes", texts=texts)
    # a caption is not the body: JPost's CSTO is only in a photo caption
    assert not evidence.quote_found("jpost", "(CSTO)", texts=texts)
    assert evidence.quote_found("jpost", "(CSTO)", part="caption", texts=texts)
    assert not evidence.quote_found("nosuch", "Tokayev", texts=texts)
    # a copyright line is about the text, not a photo: it is a removed line, never a 'caption'
    assert evidence.quote_found("thejournal", "© AFP 2022", part="removed", texts=texts)
    assert not evidence.quote_found("thejournal", "© AFP 2022", part="caption", texts=texts)
    assert evidence.quote_found("thejournal", "Alamy Stock Photo", part="caption", texts=texts)


def test_made_up_entries_are_reported_not_found():
    entries = [{"id": "x", "evidence": [{"article": "jpost", "quote": "a dissident in Paris", "part": "body"},
                                       {"article": "nosuch", "quote": "Tokayev", "part": "body"}]}]
    checked = evidence.check_quotes(entries)
    assert list(checked["found"]) == [False, False]
    assert "not found" in checked["problem"][0] and "unknown article" in checked["problem"][1]


def test_normalise_reads_odd_spaces_as_one_space():
    assert evidence.normalise("26\u2009“armed\u00a0criminals”\n\nhad") == "26 “armed criminals” had"
    # quotation marks are kept: the check is verbatim
    assert evidence.normalise("‘liquidated’") != evidence.normalise("'liquidated'")


def test_evidence_table_columns_and_inference_flags():
    table = evidence.evidence_table()
    assert list(table.columns) == evidence.EVIDENCE_COLUMNS
    assert table["id"].nunique() == len(evidence.load_evidence())
    assert set(table["inference"]) <= {True, False}
    assert set(table["part"]) <= set(evidence.PARTS)


def test_inferences_are_worded_as_inferences():
    hedges = ("probably", "suggest", "likely", "likeliest", "appear", "may ", "might", "seems", "point to")
    for entry in evidence.load_evidence():
        if entry["inference"]:
            assert any(h in entry["statement"].lower() for h in hedges), f"{entry['id']}: inference stated as fact"


def test_context_table_schema_is_stable():
    table = evidence.context_table()
    assert list(table.columns) == ["id", "name", "text", "article_id", "quote", "outside_source"]
    ids = list(dict.fromkeys(table["id"]))
    assert {"tokayev", "nazarbayev", "csto", "interfax", "sputnik", "kuna"} <= set(ids)
    # one row per evidence item
    assert len(table) == sum(len(e["evidence"]) for e in evidence.load_context())
    # a fact from outside the five articles is marked as such in its text
    for row in table[table["outside_source"] != ""].itertuples():
        assert "outside the articles" in row.text, row.id


# ------------------------------------------------------------------ bad input
def _write(tmp_path, text, name="evidence.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    ("- id: a\n  statement: s\n  where: ch1\n  inference: false\n", "missing field evidence"),
    ("- id: a\n  statement: s\n  where: ch1\n  inference: maybe\n  evidence: [{article: jpost, quote: q}]\n",
     "field inference must be true or false"),
    ("- id: a\n  statement: s\n  where: ch1\n  inference: false\n  evidence: []\n", "non-empty list"),
    ("- id: a\n  statement: s\n  where: ch1\n  inference: false\n  evidence: [{article: jpost}]\n",
     "evidence item 1: field quote"),
    ("- id: a\n  statement: s\n  where: ch1\n  inference: false\n  evidence: [{article: jpost, quote: q, part: x}]\n",
     "field part"),
    ("- id: a\n  statement: s\n  where: ch1\n  inference: false\n  evidence: [{article: jpost, quote: q}]\n"
     "- id: a\n  statement: s\n  where: ch1\n  inference: false\n  evidence: [{article: jpost, quote: q}]\n",
     "entry 2 (id 'a'): duplicated id"),
    ("- id: a\n  statment: s\n", "unknown field(s) statment"),
    ("- id: a\n  statement: [s\n", "not valid YAML"),
    ("just text\n", "expected a list"),
])
def test_bad_evidence_files_name_file_entry_and_field(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(LessonsDataError) as err:
        evidence.load_evidence(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_bad_context_file(tmp_path):
    path = _write(tmp_path, "- id: x\n  name: X\n  text: t\n  outside_source: ''\n  evidence: [{article: a, quote: q}]\n",
                  "context.yml")
    with pytest.raises(LessonsDataError, match="entry 1 .*outside_source"):
        evidence.context_table(path)


def test_shown_evidence_is_escaped_and_marks_inferences(tmp_path):
    path = _write(tmp_path, "- id: x\n  statement: 'A <script>alert(1)</script> *claim*'\n  where: ch1\n  inference: true\n"
                            "  evidence: [{article: jpost, quote: 'Reuters correspondents saw'}]\n")
    shown = evidence.evidence_html(["x"], path=path)
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert shown.startswith("<details") and "Inference" in shown and "JPost" in shown
    md = evidence.evidence_markdown(["x"], path=path)
    assert "<script>" not in md and r"\*claim\*" in md and ":class: dropdown" in md
    with pytest.raises(LessonsDataError, match="no entry with id 'nope'"):
        evidence.evidence_html(["nope"], path=path)


def test_context_box_marks_outside_facts():
    box = evidence.context_html()
    assert box.count("<dt>") == len(evidence.load_context())
    assert box.count("From outside the five articles") == sum(1 for e in evidence.load_context() if e["outside_source"])


def test_evidence_file_is_read_once_per_version_and_callers_get_their_own_copy(tmp_path):
    """A chapter shows several toggles from one file: it is parsed once, read again when it
    changes, and what a caller changes never reaches the next caller."""
    import os

    entry = "- id: x\n  statement: {s}\n  where: ch1\n  inference: false\n  evidence: [{{article: jpost, quote: q}}]\n"
    path = _write(tmp_path, entry.format(s="First"))
    first = evidence.load_evidence(path)
    first[0]["statement"] = "changed by a caller"
    first[0]["evidence"].clear()
    again = evidence.load_evidence(path)
    assert again[0]["statement"] == "First" and again[0]["evidence"][0]["quote"] == "q"
    path.write_text(entry.format(s="Second, longer"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different modification time even on a coarse clock
    assert evidence.load_evidence(path)[0]["statement"] == "Second, longer"
    path.write_text("just text\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match="expected a list"):
        evidence.load_evidence(path)
