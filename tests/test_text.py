"""The one text layer (lessons.text, issue 18) and the speakers of quotations (issue 19)."""

from __future__ import annotations

import sys
from pathlib import Path

import case_files
import pytest

from lessons import compare, corpus, language, text
from lessons.datafiles import gold

ROOT = Path(__file__).resolve().parents[1]
CASES = gold.load("speakers")  # data/gold/speakers.yml


# --------------------------------------------------------------------------- characters, words
@pytest.mark.parametrize("space", ["\u00a0", "\u2009", "\u202f", " ", "\t"])
def test_one_space_class_with_every_space_the_articles_hold(space):
    assert space in text.SPACE_CHARS
    rows = text.sentence_rows(f"It rained.{space}Then it stopped.")
    assert [r[2] for r in rows] == ["It rained.", "Then it stopped."]


def test_modules_use_the_text_layer():
    """corpus, compare and language read text with lessons.text, not copies of it."""
    assert corpus.sentences is text.sentences
    assert compare._TOKEN_RE is text.TOKEN and compare._BOUNDARY_RE is text.SEGMENT_BREAK
    assert compare._is_heading is text.is_heading
    assert language.SPACE_CHARS is text.SPACE_CHARS


def test_words_split_hyphens_keep_apostrophes_and_numbers():
    frame = text.words("Shoot-to-kill orders, don\u2019t panic: 2,300 held.")
    assert frame["text"].tolist() == ["Shoot", "to", "kill", "orders", "don\u2019t", "panic", "2,300", "held"]
    sample = "Shoot-to-kill orders, don\u2019t panic: 2,300 held."
    assert all(sample[s:e] == w for s, e, w in frame.itertuples(index=False))


def test_sentences_keep_abbreviations_and_decimals():
    rows = text.sentence_rows("Mr. Lee met U.S. envoys at 3.5 km. He left.")
    assert [r[2] for r in rows] == ["Mr. Lee met U.S. envoys at 3.5 km.", "He left."]


def test_normalise_spaces():
    assert text.normalise_spaces(" a\u00a0\u202fb\n c ") == "a b c"


# --------------------------------------------------------------------------- headings
def test_heading_tests():
    body = "Talks collapse\n\nThe talks ended. Both sides left.\n\n2,300 detained"
    assert text.is_heading(body, 0, len("Talks collapse"))
    s = body.index("The talks")
    assert not text.is_heading(body, s, s + len("The talks ended."))
    assert text.is_heading_line(body, body.index("2,300"))
    assert not text.is_heading_line(body, body.index("Both"))
    long_line = "A heading that the cleaning record knows although it runs on to many words"
    assert text.is_heading_line(long_line, 3, known={long_line})
    assert not text.is_heading_line(long_line, 3)
    assert text.looks_like_headline("President rejects talks") and not text.looks_like_headline("He left.")


def test_load_articles_carries_paragraph_kinds_and_headings():
    articles = corpus.load_articles()
    parts = corpus.parts()
    for row in articles.itertuples():
        assert len(row.paragraph_kinds) == len(row.body.split("\n\n"))
        mine = parts[(parts["article_id"] == row.article_id) & parts["kind"].isin(["paragraph", "standfirst", "crosshead"])]
        assert list(row.paragraph_kinds) == mine["kind"].tolist()
        heads = parts[(parts["article_id"] == row.article_id) & parts["kind"].isin(["headline", "crosshead"])]
        assert set(row.headings) == {text.normalise_spaces(t) for t in heads["text"]}
    journal = articles.set_index("article_id").loc["thejournal"]
    assert "crosshead" in journal["paragraph_kinds"]
    assert journal["paragraph_kinds"][0] == "standfirst"  # the line under the headline


# --------------------------------------------------------------------------- quotations
def test_quote_rows_is_public_and_matches_quotes():
    sample = "\u201cWe will win,\u201d said Mayor Ana Ruiz. The \u2018plan\u2019 is old."
    rows = corpus.quote_rows(sample)
    frame = corpus.quotes(sample)
    assert [r["speaker"] for r in rows] == frame["speaker"].tolist() == ["Mayor Ana Ruiz", ""]
    with pytest.raises(corpus.LessonsDataError):
        corpus.quote_rows(42)


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_speaker_cases(case):
    """Hand-written cases of every form of attribution (data/gold/speakers.yml)."""
    frame = corpus.quotes(case["text"])
    assert frame[~frame["nested"]]["speaker"].tolist() == case["expected"]


@pytest.mark.parametrize("case", case_files.params("speakers_classes", None))
def test_speaker_classes(case):
    """The classes found on real news, each fixed in general (tests/cases/speakers_classes.yml)."""
    frame = corpus.quotes(case["text"])
    assert frame[~frame["nested"]]["speaker"].tolist() == case["expected"]


# The held-out speaker sets: (file, quotations, floor). Each was labelled and committed before the
# grammar was run on it, and its score is a floor, so a miss stays visible in the report instead
# of being fixed to pass. First set: 29 of 32 when written, 32 after issue 19's class fixes found
# elsewhere. Second (wire, broadsheet, tabloid, translated styles): 41 of 60 when written; its
# misses were then used to find classes (decision 47), 59 after. Third (six news beats): 42 of 61
# at its first run, 56 after speakers3's class fixes found on the second set and the development
# sample (see benchmarks/results/REPORT.md).
HELD_OUT_FLOORS = [("speakers_heldout.yml", 32, 32), ("speakers_heldout2.yml", 60, 59),
                   ("speakers_heldout3.yml", 61, 56)]


@pytest.mark.parametrize("name, n, floor", HELD_OUT_FLOORS)
def test_held_out_speaker_score(name, n, floor):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import speakers

    path = ROOT / "tests" / "cases" / name
    score = speakers.held_out_accuracy(path=path)
    assert score["n"] == n
    assert score["right"] >= floor, score["misses"]
    everyone = speakers.held_out_accuracy(lambda text: corpus.quotes(text).assign(speaker="Ana Ruiz"), path=path)
    assert everyone["right"] < score["right"]  # the score sees a wrong speaker


def test_speaker_cases_cover_every_form():
    texts = " ".join(c["text"] for c in CASES)
    for form in (":", "according to", "said the head of", " and ", "so-called", "called", "saying"):
        assert form.lower() in texts.lower(), form
    assert sum(c["expected"] == [""] for c in CASES) >= 5


def test_quote_speaker_offsets_and_bad_input():
    sample = "\u201cIt is calm,\u201d the interior ministry said."
    assert text.quote_speaker(sample, 1, sample.index("\u201d")) == "the interior ministry"
    assert text.quote_speaker("", 0, 0) == ""
    with pytest.raises(text.LessonsDataError):
        text.quote_speaker(3, 0, 0)


def test_grammar_data_file_errors_name_the_field(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "attribution.yml").write_text("speech_verbs: [said]\n", encoding="utf-8")
    with pytest.raises(text.LessonsDataError, match="attribution.yml: field 'source_verbs'"):
        text.grammar(tmp_path)


SHIPPED_RULES = Path(text.REPO_ROOT, "data", "corpus", "attribution.yml").read_text(encoding="utf-8")


def _rules(tmp_path, old: str, new: str) -> Path:
    """A rules folder holding the shipped attribution.yml with one edit."""
    assert old in SHIPPED_RULES, old
    (tmp_path / "corpus").mkdir(parents=True)
    (tmp_path / "corpus" / "attribution.yml").write_text(SHIPPED_RULES.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def _line_of(folder: Path, needle: str) -> int:
    lines = (folder / "corpus" / "attribution.yml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


@pytest.mark.parametrize("old, new, needle, field, problem", [
    ("    lost, sent,", "    Lost, sent,", "Lost, sent", "name_stop_verbs", "entry 14 must be one lowercase word"),
    ("    lost, sent,", "    lost two, sent,", "lost two", "name_stop_verbs", "entry 14 must be one lowercase word"),
    ('"on", at', "on, at", "on, at", "not_a_name", "entry 36 must be a non-empty word, got True"),
    ("not_a_name:\n  source: >-", "not_a_name:\n  origin: >-", "not_a_name:", "not_a_name", "exactly 'source'"),
    ("  words: [his,", "  words: []\n  extra: [his,", "not_a_name:", "not_a_name", "exactly 'source'"),
    ("  blames, allege,", "  blames, '',", "blames, ''", "speech_verbs", "must be a non-empty word, got ''"),
])
def test_a_malformed_word_list_names_file_field_and_line(tmp_path, old, new, needle, field, problem):
    folder = _rules(tmp_path, old, new)
    with pytest.raises(text.LessonsDataError) as err:
        text.grammar(folder)
    message = str(err.value)
    assert f"attribution.yml: field '{field}', line {_line_of(folder, needle)}: " in message
    assert problem in message


def test_word_lists_of_the_grammar_come_from_the_data_file(tmp_path):
    """'Ana Ruiz made claims': 'made' ends the name because name_stop_verbs lists it (without
    it, the subject read up to a verb-like word is 'Ana Ruiz made'); 'his' opens no name
    because not_a_name lists it. A rules folder without the lists (an older file) gets the
    shipped ones."""
    sample = "Ana Ruiz made claims about the dam."
    assert text.grammar().strict_subject.search(sample).group("name") == "Ana Ruiz"  # 'made' is a verb
    assert {"meanwhile", "his", "he"} <= text.grammar().not_a_name  # pronouns always
    edited = _rules(tmp_path, "  words: [made, took,", "  words: [took,")
    assert text.grammar(edited).strict_subject.search(sample).group("name") == "Ana Ruiz made"
    older = tmp_path / "older"
    (older / "corpus").mkdir(parents=True)
    (older / "corpus" / "attribution.yml").write_text(SHIPPED_RULES[:SHIPPED_RULES.index("# Irregular past tenses")],
                                                       encoding="utf-8")
    assert text.grammar(older).not_a_name == text.grammar().not_a_name
    assert text.grammar(older).rule_texts == text.grammar().rule_texts
    without_his = _rules(tmp_path / "his", "  words: [his, her,", "  words: [her,")
    assert "his" not in text.grammar(without_his).not_a_name


# --------------------------------------------------------------------------- who informs
# Invented sentences (none from the articles): who each says gave the information.
ATTRIBUTION_CASES = [
    ("At least 14 people were hurt, according to the harbour police.", [("the harbour police", "backward")]),
    ("According to the fire service, 40 homes burned.", [("the fire service", "forward")]),
    ("The health ministry said 12 patients were moved.", [("The health ministry", "forward")]),
    ("Nine boats sank, the coastguard said on Monday.", [("the coastguard", "backward")]),
    ("The agency cited Mayor Lena Okafor as saying 300 families had left.",
     [("Mayor Lena Okafor (via The agency)", "forward")]),
    ("Mayor Lena Okafor, cited by the agency, said 300 families had left.",
     [("Mayor Lena Okafor (via the agency)", "forward")]),
    ("Rain fell all day, with officials saying two roads were shut.", [("officials", "forward")]),
    ("Two roads were shut on Monday.", []),
]


@pytest.mark.parametrize("sentence,expected", ATTRIBUTION_CASES, ids=[c[0][:30] for c in ATTRIBUTION_CASES])
def test_attributions_on_invented_sentences(sentence, expected):
    """The text layer and lessons.figures (the same grammar with the figures folder's
    reporting verbs) name the same source, in the right direction."""
    from lessons import figures

    for frame in (text.attributions(sentence), figures.attributions(sentence)):
        assert list(zip(frame["source"], frame["direction"])) == expected
        for start, end in zip(frame["start"], frame["end"]):
            assert 0 <= start < end <= len(sentence)


def test_attributions_use_the_reporting_verbs_they_are_given():
    """figures passes its own reporting verbs: a verb only in that list makes a source."""
    sentence = "Doctors reckoned 80 people were injured."
    assert text.attribution_rows(sentence) == []
    assert [r["source"] for r in text.attribution_rows(sentence, verbs="reckoned")] == ["Doctors"]
    backward = "Eighty people were injured, doctors reckoned."
    assert [(r["source"], r["direction"]) for r in text.attribution_rows(backward, verbs="reckoned")] == [
        ("doctors", "backward")]


def test_attributions_directions():
    frame = text.attributions("According to the ministry, 26 people died, Tokayev said.")
    assert frame["source"].tolist() == ["the ministry", "Tokayev"]
    assert frame["direction"].tolist() == ["forward", "backward"]


# --------------------------------------------------------------------------- benchmark scoring
def test_speaker_benchmark_scoring_and_skip(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import speakers

    assert speakers.is_right("Trump", ["U.S. President Donald Trump"])
    assert speakers.is_right("the embassy", ["The embassy"])
    assert not speakers.is_right("Deanna Paul", ["Kristine Phillips and Deanna Paul"])
    assert not speakers.is_right("U.S. President", ["U.S. President Donald Trump"])
    assert speakers.is_right("", []) and not speakers.is_right("Trump", [])
    assert not speakers.is_right("", ["Trump"])
    monkeypatch.setenv("LESSONS_DEV_DATA", str(tmp_path))
    monkeypatch.setattr(speakers, "ROOT", tmp_path / "clone")
    assert speakers.dev_dir() is None and speakers.speaker_accuracy() is None
    assert "skipped" in " ".join(speakers.render(None))
    labels = speakers.load_labels()
    assert len(labels) >= 100 and all(set(lab) == {"sentence", "quote", "speaker"} for lab in labels)
    raw = speakers.LABELS.read_text(encoding="utf-8")
    assert '"' not in raw and "\u201c" not in raw  # offsets and hashes only: no sentence text


def test_speaker_benchmark_spacy_peer_skips_and_renders(tmp_path, monkeypatch):
    """The spaCy peer (benchmarks/.venv only) is skipped cleanly when spaCy or its model is
    missing, and the report shows both tools side by side when it ran."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import speakers

    monkeypatch.setattr(speakers, "_nlp", None)
    monkeypatch.setitem(sys.modules, "spacy", None)  # 'import spacy' raises ImportError
    assert speakers.spacy_model() is None
    monkeypatch.setenv("LESSONS_DEV_DATA", str(tmp_path))
    monkeypatch.setattr(speakers, "ROOT", tmp_path / "clone")
    assert speakers.compare() is None  # no development set: no section
    ours = dict(n=10, right=9, accuracy=0.9, named=6, named_right=5, nobody=4, nobody_right=4,
                empty_misses=1, missing=0, cpu_seconds=0.5)
    missing = " ".join(speakers.render({"lessons": ours, "spacy": None, "spacy_missing": True}))
    assert "**0.90**" in missing and "not installed" in missing
    peer = {**ours, "right": 6, "accuracy": 0.6, "versions": {"spacy": "3.8.18", "model": "3.8.0"}}
    both = "\n".join(speakers.render({"lessons": ours, "spacy": peer, "spacy_missing": False}))
    assert "| 0.60 |" in both and "spaCy 3.8.18" in both and "| 0.90 |" in both
    assert "**0.90**" in " ".join(speakers.render(ours))  # a result from an older run
