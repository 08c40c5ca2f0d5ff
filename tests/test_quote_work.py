"""Ten times the quotations cost about ten times the work (issue 20).

Work is counted, not timed (the machine is shared): every Python and C function call made
while ``corpus.quotes`` runs (``sys.setprofile``), plus every character the attribution
grammar's rules and the sentence patterns are handed to read (the whole window of each call,
an upper bound of what the regex engine may scan; for ``search``, up to the match it finds). Each text is a run of quotations
of one kind, at two lengths ten times apart; the longer one must cost 7 to 13 times the work.
A rule that read a window growing with the text, or once per quotation over the whole
paragraph, would cost about a hundred times; ``test_the_count_sees_quadratic_work`` shows that
the same count catches it.

The shortcuts behind it give what reading every window gives: a rule skipped for want of its
cue words cannot match there, the word index agrees with reading the window, sentence starts
taken from each line's sentence ends equal a scan, and the speakers are the same with every
rule run on every quotation.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import corpus, text

BIG = sys.maxsize


class _Counted:
    """A compiled pattern that adds the length of every window it is asked to read to ``tally``."""

    def __init__(self, pattern, tally: list):
        self._pattern, self._tally = pattern, tally

    def _window(self, string, pos, endpos):
        self._tally[0] += max(0, min(endpos, len(string)) - pos)

    def match(self, string, pos=0, endpos=BIG):
        self._window(string, pos, endpos)
        return self._pattern.match(string, pos, endpos)

    def search(self, string, pos=0, endpos=BIG):  # reads on to where it finds a match
        found = self._pattern.search(string, pos, endpos)
        self._window(string, pos, found.end() if found else endpos)
        return found

    def finditer(self, string, pos=0, endpos=BIG):
        self._window(string, pos, endpos)
        return self._pattern.finditer(string, pos, endpos)

    def findall(self, string, pos=0, endpos=BIG):
        self._window(string, pos, endpos)
        return self._pattern.findall(string, pos, endpos)

    def __getattr__(self, name):
        return getattr(self._pattern, name)


def _work(fn, monkeypatch, *args) -> int:
    """Function calls plus characters handed to the grammar's patterns, for one cold call."""
    corpus._quote_rows.cache_clear()
    corpus._quotes_frame.cache_clear()
    g = text.grammar()
    chars = [0]
    with monkeypatch.context() as m:
        for name, rule in g.rule_texts.items():
            if rule is not None:
                m.setitem(g.__dict__, name, _Counted(getattr(g, name), chars))
        for name in ("_CANDIDATE", "_SENTENCE_END", "_POSSESSOR", "_WORD_RUN"):
            m.setattr(text, name, _Counted(getattr(text, name), chars))
        calls = [0]

        def count(frame, event, arg):
            if event in ("call", "c_call"):
                calls[0] += 1

        sys.setprofile(count)
        try:
            fn(*args)
        finally:
            sys.setprofile(None)
    return calls[0] + chars[0]


UNITS = {
    "curly quotes": "\u201ca\u201d ",
    "straight quotes": '"a" ',
    "a speaker, then full sentences quoted": '"A b c." ',
    "news sentences in one paragraph": 'The ministry said the protesters were "terrorists", adding: "Order will be restored." ',
    "news paragraphs": 'Tokayev said: "We will act." Officials called them "bandits".\n\n',
    "scare quotes after a verb of saying": 'Officials said "a" ',
}


@pytest.mark.parametrize("family", sorted(UNITS))
def test_ten_times_the_quotations_cost_about_ten_times_the_work(family, monkeypatch):
    unit = UNITS[family]
    lead = "Tokayev said: " if family.startswith("a speaker") else ""
    small, big = lead + unit * 100, lead + unit * 1000
    n_small, n_big = len(corpus.quotes(small)), len(corpus.quotes(big))
    assert n_big == 10 * n_small > 0
    ratio = _work(corpus.quotes, monkeypatch, big) / _work(corpus.quotes, monkeypatch, small)
    assert 7 <= ratio <= 13, f"{family}: 10x the quotations took {ratio:.1f}x the work"


def test_the_count_sees_quadratic_work(monkeypatch):
    """A rule run over the text before each quotation (the window growing with the text) is
    counted as about 100x the work for 10x the quotations: the bound above can fail."""
    def each_quote_reads_the_text_before(t):
        g = text.grammar()
        return [g.participle.search(t, 0, q["start"]) for q in corpus.quote_rows(t)]

    small, big = "\u201ca\u201d " * 100, "\u201ca\u201d " * 1000
    ratio = _work(each_quote_reads_the_text_before, monkeypatch, big) / _work(each_quote_reads_the_text_before, monkeypatch, small)
    assert ratio > 30


# --- the shortcuts give what the full reading gives --------------------------------------------
_PIECES = ["said", "says", "saying", "according", "According", "to", "the", "ministry", "Tokayev", "statement",
           "that", "word", "claim", "his", "took", "Twitter", "on", "X", ",", ":", ".", "!", "?", " ", "\u2009",
           "\u201c", "\u201d", '"', "'", ")", "\n", "officials", "told", "was", "adding", "Mr.", "U.S.", "a", "A",
           "saidx", "xsaid", "-said", "said-", "_said", "\u00e9said", ". . ."]
_texts = st.lists(st.sampled_from(_PIECES), max_size=60).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(_texts, st.data())
def test_the_word_index_finds_a_cue_word_where_reading_the_window_does(sample, data):
    g = text.grammar()
    words = text._WordIndex(sample)
    for rule in ("before", "bare_before", "according", "document", "participle", "term", "tail", "after", "quoted_as"):
        a = data.draw(st.integers(0, len(sample)))
        b = data.draw(st.integers(a, len(sample)))
        assert text._holds_cue(g, rule, words, sample, a, b) == text._holds_cue(g, rule, None, sample, a, b)


@settings(max_examples=150, deadline=None)
@given(_texts, st.data())
def test_a_rule_never_matches_a_window_without_its_cue_words(sample, data):
    g = text.grammar()
    a = data.draw(st.integers(0, len(sample)))
    b = data.draw(st.integers(a, len(sample)))
    window = sample[a:b]
    for rule in ("before", "bare_before", "according", "document", "participle", "term", "tail", "after", "quoted_as"):
        if text._holds_cue(g, rule, None, sample, a, b) or (rule == "participle" and window.rstrip().endswith(":")):
            continue
        pattern = getattr(g, rule)
        assert (pattern.match(window) if rule in ("after", "quoted_as") else pattern.search(window)) is None, rule


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "b.", "B.", ".", "!", "?", '"', "\u201d", "\u2019", ")", " ", "  ", "\u2009",
                                 "\n", "Mr.", "U.S.", ". . .", "...", "e.g.", "3.5"]), max_size=80).map("".join), st.data())
def test_sentence_starts_from_each_lines_ends_equal_a_scan(sample, data):
    words = text._WordIndex(sample)
    for _ in range(5):
        pos = data.draw(st.integers(0, len(sample)))
        line = sample.rfind("\n", 0, pos) + 1
        lo = data.draw(st.integers(line, pos))  # the grammar's window may start inside a line
        assert text._sentence_start(sample, lo, pos, words) == text._sentence_start(sample, lo, pos)


def test_an_entry_that_starts_with_no_word_character_turns_its_rule_shortcut_off():
    assert text._cue_words(["said", "-said"]) is None
    assert text._cue_words(["took to Twitter", "said"]) == {"took", "said"}
    g = text.grammar()
    off = text.Grammar(g.speech, g.source, g.titles, g.naming, g.rule_texts, g.not_a_name, {"before": None})
    assert text._holds_cue(off, "before", text._WordIndex("no verb here"), "no verb here", 0, 12)
    assert not text._holds_cue(g, "before", text._WordIndex("no verb here"), "no verb here", 0, 12)


def test_speakers_are_the_same_with_every_rule_run_on_every_quotation():
    """The cue words only skip rules that cannot match: with no cue sets (every rule run on
    every window) the five articles and the gold cases get the same speakers."""
    from lessons.datafiles import gold

    g = text.grammar()
    every = text.Grammar(g.speech, g.source, g.titles, g.naming, g.rule_texts, g.not_a_name, {})
    texts = list(corpus.load_articles()["body"]) + [c["text"] for c in gold.load("speakers")]
    checked = 0
    for t in texts:
        words = text._WordIndex(t)
        for q in corpus.quote_rows(t):
            fast = text._quote_speaker(t, q["start"], q["end"], g, words)
            assert fast == text._quote_speaker(t, q["start"], q["end"], every, None), t[q["start"]:q["end"]]
            checked += 1
    assert checked > 150
