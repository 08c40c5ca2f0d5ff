"""The shared pattern pieces of lessons.text are written to compile fast (issue 20): they must
match exactly what their plain forms match."""

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import text


def _flat(items) -> str:
    """The plain alternation: every word, longest first (spaces match any space)."""
    return "|".join(re.escape(w).replace(r"\ ", text.SPACES) for w in sorted(set(items), key=len, reverse=True))


def test_space_matches_exactly_the_space_characters():
    plain = re.compile("[" + text.SPACE_CHARS + "]")
    fast = re.compile(text.SPACE)
    for code in list(range(0x3100)) + [0xFEFF, 0x1F600, sys.maxunicode]:
        ch = chr(code)
        assert bool(fast.fullmatch(ch)) == bool(plain.fullmatch(ch)) == (ch in text.SPACE_CHARS), hex(code)
    run = "a \u2009\u00a0\t\u202f b"
    assert re.search(text.SPACES, run).span() == re.search("[" + text.SPACE_CHARS + "]++", run).span() == (1, 7)
    assert re.fullmatch("(?<=" + text.SPACE + ")x", "x") is None and re.search("(?<=" + text.SPACE + ")x", "\u2009x")


def test_alternation_is_the_same_language_and_order():
    words = ["say", "says", "said", "told", "told reporters", "pointed out", "pointed", "s", "wrote on X"]
    tree, flat = text._alternation(words), _flat(words)
    assert tree != flat
    verbs = text._read_lists(str(text._rules_folder()))["speech_verbs"]
    assert len(text._alternation(verbs)) < len(_flat(verbs))  # the grammar repeats this list many times
    for sample in ["says", "said it", "told reporters that", "told  them", "told\u2009reporters", "pointed out",
                   "pointedly", "wrote on X.", "sa", "s", ""]:
        for tail in ("", r"\b", r"\b(?P<rest>.*)", "(?P<rest>.*)$", r" ?r"):
            a, b = re.match("(?:" + tree + ")" + tail, sample), re.match("(?:" + flat + ")" + tail, sample)
            assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict())), (sample, tail)


_words = st.lists(st.text(alphabet="abAB -", min_size=1, max_size=6).map(str.strip).filter(bool), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(words=_words, sample=st.text(alphabet="abAB -\u2009x", max_size=14), tail=st.sampled_from(["", r"\b", "b", "$", "(?P<r>a*)b"]))
def test_alternation_matches_like_the_flat_list(words, sample, tail):
    tree, flat = re.compile("(?:" + text._alternation(words) + ")" + tail), re.compile("(?:" + _flat(words) + ")" + tail)
    for pos in range(len(sample) + 1):
        a, b = tree.match(sample, pos), flat.match(sample, pos)
        assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))
    assert [m.span() for m in tree.finditer(sample)] == [m.span() for m in flat.finditer(sample)]


def test_stop_lookahead_refuses_exactly_the_listed_words():
    """text._stop (one tree, phrases led by a shorter listed word left out) refuses a word where
    the plain lookahead over every listed word and phrase does, and nowhere else."""
    lists = text._read_lists(str(text._rules_folder()))
    words = lists["name_stop_articles"] + lists["stop_words"] + lists["name_stop_verbs"] + lists["speech_verbs"] + ["pointed out"]
    fast = re.compile(text._stop(words) + r"[a-z][\w'-]{0,40}+")
    plain = re.compile(r"(?!(?:" + _flat(words) + r")\b)[a-z][\w'-]{0,40}+")
    assert len(text._stop(words)) < len(plain.pattern)
    samples = set()
    for w in words:
        first = w.split(" ", 1)[0]
        samples |= {w, w + " it", w + "s", w + "-so", w + "'s", w[:-1], first, first + " to", first + "\u2009on X",
                    w.replace(" ", "\u00a0"), w.replace(" ", "  ")}
    samples |= {"pointed", "pointed  out", "pointedly", "tooks", "there", "thesis", "an", "anger", ""}
    for sample in sorted(samples):
        a, b = fast.match(sample), plain.match(sample)
        assert (a and a.span()) == (b and b.span()), sample
    assert fast.match("took to Twitter") is None and fast.match("officials")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="taoksehdrin ' -\u2009", max_size=14))
def test_stop_lookahead_on_any_text(sample):
    lists = text._read_lists(str(text._rules_folder()))
    words = lists["name_stop_articles"] + lists["stop_words"] + ["took", "took to Twitter", "said", "says", "the end"]
    fast = re.compile(text._stop(words) + "[a-z]")
    plain = re.compile(r"(?!(?:" + _flat(words) + r")\b)[a-z]")
    for i in range(len(sample) + 1):
        a, b = fast.match(sample, i), plain.match(sample, i)
        assert (a and a.span()) == (b and b.span()), (sample, i)


def _rules_with(tmp_path, old: str, new: str) -> Path:
    shipped = (text._rules_folder() / "corpus" / "attribution.yml").read_text(encoding="utf-8")
    assert old in shipped, old
    (tmp_path / "corpus").mkdir(parents=True)
    (tmp_path / "corpus" / "attribution.yml").write_text(shipped.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("old, new, field, problem", [
    ("  words: [and, or, but,", "  words: [And, or, but,", "stop_words", "entry 1 must be one lowercase word"),
    ("  words: [the, a, an]", "  words: [the, a, 7]", "name_stop_articles", "entry 3 must be a non-empty word, got 7"),
    ("stop_words:\n  source: >-", "stop_words:\n  why: >-", "stop_words", "exactly 'source'"),
])
def test_the_stop_words_are_checked_by_the_grammars_loader(tmp_path, old, new, field, problem):
    """stop_words and name_stop_articles are data (attribution.yml), checked like the other
    word lists: a bad entry names the file, the field and the line."""
    folder = _rules_with(tmp_path, old, new)
    with pytest.raises(text.LessonsDataError, match=rf"attribution\.yml: field '{field}', line \d+: .*{problem}"):
        text.grammar(folder)


def test_the_stop_words_come_from_the_data_file(tmp_path):
    """'Ana Ruiz who leads the union said' has no subject name 'Ana Ruiz who': 'who' is in
    stop_words; taken out of the list, it joins the name. The articles (name_stop_articles)
    are a list of their own: they end a name but open a plain noun phrase."""
    lists = text._read_lists(str(text._rules_folder()))
    assert {"who", "and", "only"} <= set(lists["stop_words"]) and lists["name_stop_articles"] == ["the", "a", "an"]
    assert not set(lists["stop_words"]) & set(lists["name_stop_articles"])
    shipped = text.grammar()
    sample = "Ana Ruiz who leads the union said the plan was fair."
    assert shipped.strict_subject.search(sample) is None
    without_who = text.grammar(_rules_with(tmp_path / "w", " were, who, whom,", " were, whom,"))
    assert without_who.strict_subject.search(sample).group("name") == "Ana Ruiz who"
