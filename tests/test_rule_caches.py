"""The rule caches follow the files, not the folder name: the figures grammar (lexicon.yml,
hedges.csv, vague.csv, units.csv, currency_symbols.csv) and the corpus rules (boilerplate.yml,
agencies.yml, attribution.yml) are keyed by each file's (path, modification time, size). A file
edited in place is read again in the same process, and another folder (``$LESSONS_DATA``,
``use_folder``) brings its own rules."""

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

from lessons import check as chk
from lessons import corpus
from lessons import text as lessons_text
from lessons.figures import extract_figures

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
EXAMPLE = ROOT / "examples" / "invented_event"

VAGUE = "The flood left scores upon scores of families without a home."
ADVERT = "Buy our new phone today"
AGENCY = "Pictures from the Zeta Wire agency showed the square."
SPOKEN = '"We will rebuild the bridge," the mayor bellowed.'


def append_line(path: Path, line: str) -> None:
    """Edit a file in place (same path, new size), as a teacher's editor would."""
    with open(path, "a", encoding="utf-8", newline="") as handle:
        handle.write(line)


def add_vague_phrase(folder: Path) -> None:
    append_line(folder / "figures" / "vague.csv",
                'scores upon scores,20,40,200,"A test phrase: two score or more."\n')


def add_yaml_entry(path: Path, entry: dict) -> None:
    append_line(path, "\n" + yaml.safe_dump([entry], sort_keys=False))


def vague_phrases(text: str) -> set:
    return {t.lower() for t in extract_figures(text)["text"]}


def test_figures_grammar_sees_a_file_edited_in_place(data):
    assert "scores upon scores" not in vague_phrases(VAGUE)
    add_vague_phrase(data)
    assert "scores upon scores" in vague_phrases(VAGUE)


def test_figures_grammar_follows_the_folder(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(DATA, first)
    shutil.copytree(DATA, second)
    add_vague_phrase(second)
    monkeypatch.setenv("LESSONS_DATA", str(second))
    assert "scores upon scores" in vague_phrases(VAGUE)
    monkeypatch.setenv("LESSONS_DATA", str(first))
    assert "scores upon scores" not in vague_phrases(VAGUE)
    monkeypatch.setenv("LESSONS_DATA", str(second))
    assert "scores upon scores" in vague_phrases(VAGUE)


def test_use_folder_then_an_edit_of_the_prepared_folder_is_seen(tmp_path, monkeypatch):
    # record the variable's state first (a delenv of a missing variable records nothing), so
    # that the environment is restored after use_folder set it behind monkeypatch's back
    monkeypatch.setenv("LESSONS_DATA", "")
    monkeypatch.delenv("LESSONS_DATA")
    assert "scores upon scores" not in vague_phrases(VAGUE)
    prepared = chk.use_folder(EXAMPLE)
    try:
        assert os.environ["LESSONS_DATA"] == str(prepared)
        assert "scores upon scores" not in vague_phrases(VAGUE)
        add_vague_phrase(prepared)
        assert "scores upon scores" in vague_phrases(VAGUE)
    finally:
        os.environ.pop("LESSONS_DATA", None)
        shutil.rmtree(prepared, ignore_errors=True)
    assert "scores upon scores" not in vague_phrases(VAGUE)


def test_a_broken_grammar_file_is_reported_after_a_good_one_was_cached(data):
    assert len(extract_figures("Police said 164 people died.")) == 1
    append_line(data / "figures" / "vague.csv", 'a lot,many,1,2,"not a number"\n')
    with pytest.raises(Exception, match="vague.csv"):
        extract_figures("Police said 164 people died.")


def advert_removed(text: str) -> bool:
    cleaned = corpus.clean_text(f"A headline\n{text}\nThe article goes on here as usual.")
    return text not in cleaned.body


def test_boilerplate_rules_see_a_file_edited_in_place(data):
    assert not advert_removed(ADVERT)
    add_yaml_entry(data / "corpus" / "boilerplate.yml",
                   {"reason": "advertisement", "patterns": ["^buy our new phone today$"],
                    "ends_article": False, "rationale": "a test rule"})
    assert advert_removed(ADVERT)


def test_agencies_see_a_file_edited_in_place(data):
    assert "Zeta Wire" not in corpus.credited_agencies(AGENCY)
    add_yaml_entry(data / "corpus" / "agencies.yml",
                   {"name": "Zeta Wire", "patterns": [r"\bZeta Wire\b"], "rationale": "a test agency"})
    assert "Zeta Wire" in corpus.credited_agencies(AGENCY)


def speakers(text: str) -> list:
    return [row["speaker"] for row in corpus.quote_rows(text)]


def test_attribution_grammar_sees_a_file_edited_in_place(data):
    assert speakers(SPOKEN) == [""]
    assert corpus.quotes(SPOKEN)["speaker"].tolist() == [""]
    path = data / "corpus" / "attribution.yml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules["speech_verbs"].append("bellowed")
    path.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    assert re.fullmatch(lessons_text.grammar().speech, "bellowed")  # the verb list is a tree of shared beginnings
    assert speakers(SPOKEN) == ["the mayor"]
    assert corpus.quotes(SPOKEN)["speaker"].tolist() == ["the mayor"]


def test_corpus_rules_follow_the_folder(tmp_path, monkeypatch):
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(DATA, first)
    shutil.copytree(DATA, second)
    add_yaml_entry(second / "corpus" / "agencies.yml",
                   {"name": "Zeta Wire", "patterns": [r"\bZeta Wire\b"], "rationale": "a test agency"})
    monkeypatch.setenv("LESSONS_DATA", str(second))
    assert "Zeta Wire" in corpus.credited_agencies(AGENCY)
    monkeypatch.setenv("LESSONS_DATA", str(first))
    assert "Zeta Wire" not in corpus.credited_agencies(AGENCY)


def test_articles_are_cleaned_again_when_the_boilerplate_rules_change(data):
    body = corpus.load_articles()["body"].iloc[0]
    line = next(x for x in body.splitlines() if len(x.split()) > 6)
    pattern = "^" + "".join("\\" + ch if not ch.isalnum() and ch != " " else ch for ch in line) + "$"
    add_yaml_entry(data / "corpus" / "boilerplate.yml",
                   {"reason": "advertisement", "patterns": [pattern], "ends_article": False,
                    "rationale": "a test rule that removes one line"})
    assert line not in corpus.load_articles()["body"].iloc[0]
