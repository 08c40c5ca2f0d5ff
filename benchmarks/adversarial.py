"""Adversarial inputs for the public text functions (issue 12): does the time grow linearly?

A regular expression with nested or overlapping repetition can take the square (or worse) of
its input's length on text such as a long run of spaces. The book reads text a teacher or a
student brings, so every public text function is timed here on such text at two sizes, and
the growth exponent k in time ~ size**k is reported (1 = linear, 2 = quadratic).

Used by ``benchmarks/run.py`` (the report's table, at 25 KB and 100 KB) and by
``tests/test_linear_time.py`` (small sizes, a ratio check; no absolute time is asserted).
"""

from __future__ import annotations

import math
import time

import pandas as pd

# name -> a text of about n characters
INPUTS = {
    "spaces": lambda n: " " * n,
    "no-break spaces": lambda n: "\u00a0" * n,
    "thin spaces": lambda n: "\u2009" * n,
    "words and no-break spaces": lambda n: "a\u00a0" * (n // 2),
    "straight quotes": lambda n: '"' * n,
    '"a" repeated': lambda n: '"a" ' * (n // 4),
    "curly quotes": lambda n: "\u201ca\u201d " * (n // 4),
    "apostrophes": lambda n: "'" * n,
    "plural possessives": lambda n: "s' " * (n // 3),
    "digits": lambda n: "1" * n,
    "digits and spaces": lambda n: "1 " * (n // 2),
    "capitals": lambda n: "A" * n,
    "D": lambda n: "D" * n,
    "capitalised words": lambda n: "Ab " * (n // 3),
    "lower-case words": lambda n: "a " * (n // 2),
    "figures": lambda n: "12 people killed " * (n // 17),
    "said": lambda n: "said " * (n // 5),
    "brackets": lambda n: "(" * n,
}


def _articles(text: str) -> pd.DataFrame:
    return pd.DataFrame({"article_id": ["a"], "label": ["A"], "body": [text]})


_TEXT_EXERCISE = {"id": "adversarial-text", "type": "text", "prompt": "Why?", "answer": ["the agency wrote it first"],
                  "explanation": "-", "source": "benchmarks/adversarial.py"}


def functions() -> dict:
    """name -> a call of one public text function on one text."""
    from lessons import compare, corpus, exercises, figures, language, text

    return {
        "corpus.clean_text": lambda t: corpus.clean_text(t),
        "corpus.sentences": corpus.sentences,
        "corpus.quotes": corpus.quotes,
        "corpus.article_html": corpus.article_html,
        "corpus.credited_agencies": corpus.credited_agencies,
        "corpus.caption_without_credit": lambda t: corpus.caption_without_credit(t, "Stock Photo"),
        "text.words": text.words,
        "text.attributions": text.attributions,
        "text.quote_speaker": lambda t: text.quote_speaker(t, len(t) // 2, len(t) // 2 + 1),
        "text.is_heading_line": lambda t: text.is_heading_line(t, len(t) // 2),
        "figures.extract_figures": figures.extract_figures,
        "figures.attributions": figures.attributions,
        "figures.counting_body": figures.counting_body,
        "figures.figures_table": lambda t: figures.figures_table(_articles(t)),
        "language.find_loaded_terms": language.find_loaded_terms,
        "language.find_reference_terms": language.find_reference_terms,
        "language.scare_quotes": language.scare_quotes,
        "language.voice_words": language.voice_words,
        "language.highlight": language.highlight,
        "compare.coverage": lambda t: compare.coverage(_articles(t)),
        "compare.shared_passages": lambda t: compare.shared_passages(t, t),
        "compare.quote_similarity": lambda t: compare.quote_similarity(t, t),
        "compare.word_diff": lambda t: compare.word_diff(t, t[: len(t) // 2]),
        "compare.compare_html": lambda t: compare.compare_html(t, t[: len(t) // 2], "A", "B"),
        "compare.group_quotes": lambda t: compare.group_quotes([t, t[: len(t) // 2]]),
        "language.passage_span": lambda t: language.passage_span(t, len(t) // 2, len(t) // 2 + 1),
        "corpus.in_quotes": lambda t: corpus.in_quotes(t, len(t) // 2, len(t) // 2 + 1),
        "exercises.check (text answer)": lambda t: exercises.check(_TEXT_EXERCISE, t),
        "exercises.passage_tokens": exercises.passage_tokens,
        "exercises.keywords": lambda t: exercises.keywords([t]),
        "exercises.parse_number": exercises.parse_number,
    }


def _clear_caches() -> None:
    """Each timing starts cold: the helpers cache results per text."""
    from lessons import compare, corpus, language, text

    for fn in (corpus._sentences_frame, corpus._quotes_frame, corpus._quote_rows, language._spans,
               text._sentences_frame, text.sentence_rows,
               getattr(language, "_attributed_cached", None),
               getattr(compare, "_analyse", None)):
        if fn is not None and hasattr(fn, "cache_clear"):
            fn.cache_clear()


def seconds(fn, text: str, repeats: int = 1) -> float:
    """CPU seconds of the fastest of ``repeats`` cold calls."""
    best = math.inf
    for _ in range(repeats):
        _clear_caches()
        t0 = time.process_time()  # CPU time of this process: other work on the machine does not count
        fn(text)
        best = min(best, time.process_time() - t0)
    return best


def exponent(t_small: float, t_big: float, ratio: float, floor: float = 1e-3) -> float:
    """k in time ~ size**k from two timings ``ratio`` sizes apart (times under ``floor`` count as
    ``floor``: too short to measure)."""
    return math.log(max(t_big, floor) / max(t_small, floor)) / math.log(ratio)


def growth(small: int, big: int, repeats: int = 1, names=None) -> list[dict]:
    """Every function on every input at two sizes: one row per pair, the slowest first."""
    rows = []
    for fname, fn in functions().items():
        if names and fname not in names:
            continue
        fn("Warm-up: the ministry said 12 people were \u201ckilled\u201d.")  # loads and compiles the data files
        for iname, make in INPUTS.items():
            a, b = make(small), make(big)
            t_small, t_big = seconds(fn, a, repeats), seconds(fn, b, repeats)
            rows.append({"function": fname, "input": iname, "small_chars": len(a), "big_chars": len(b),
                         "small_s": t_small, "big_s": t_big,
                         "exponent": exponent(t_small, t_big, len(b) / max(1, len(a)))})
    return sorted(rows, key=lambda r: -r["big_s"])
