"""voice_words reads only where the quotation marks are, not who speaks (issue 20).

Finding each quotation's speaker (the attribution grammar) is most of the work of
corpus.quotes: on text made of short quotations it took voice_words about 31 CPU s per 100,000
characters. The voices need only the quotation marks, so voice_words no longer asks for speakers.
"""

from __future__ import annotations

import re

import pytest

from lessons import corpus, language, text
from lessons.datafiles import gold


def _with_speakers(body: str) -> dict:
    """The counts as voice_words gave them from the full quotation rows (speakers found)."""
    starts = [m.start() for m in re.finditer(r"\w+(?:['\u2019]\w+)*", body)]
    counts = {v: 0 for v in language.VOICES}
    for voice, _, _ in language._voices(language._spans(body), starts, language._attributed(body)) if starts else []:
        counts[voice] += 1
    return counts


def test_voice_words_never_looks_for_a_speaker(monkeypatch):
    def no_speaker(*args, **kw):
        raise AssertionError("voice_words asked who speaks")

    monkeypatch.setattr(text, "quote_speaker", no_speaker)
    # quoted: We will win, reform, Fine, no end (an open quotation runs to the paragraph end)
    got = language.voice_words('"We will win," she said. The "reform" failed. \'Fine\' and "no end')
    assert got == {"reporter": 5, "attributed": 0, "quoted": 7}


def _texts():
    texts = list(corpus.load_articles()["body"])
    for helper in ("speakers", "language"):
        texts += [c["text"] if isinstance(c, dict) else c.text for c in gold.load(helper, "dev")]
    return texts


@pytest.mark.parametrize("body", _texts()[:5] + ['"a" ' * 50, "\u201ca\u201d " * 50, "'" * 20 + " x"])
def test_voice_words_counts_as_with_speakers(body):
    assert language.voice_words(body) == _with_speakers(body)


def test_voice_words_counts_as_with_speakers_on_the_gold_sentences():
    bad = [t[:60] for t in _texts()[5:] if language.voice_words(t) != _with_speakers(t)]
    assert not bad


def test_quote_marks_are_the_quotations_without_speakers():
    body = corpus.load_articles()["body"].iloc[0]
    marks = [(q["start"], q["end"]) for q in corpus.quote_marks(body)]
    rows = [(int(s), int(e)) for s, e in corpus.quotes(body)[["start", "end"]].itertuples(index=False)]
    assert marks == rows and marks
