"""Adversarial inputs for the public text functions (issues 12, 20): does the time grow linearly?

A regular expression with nested or overlapping repetition can take the square (or worse) of
its input's length on text such as a long run of spaces. The book reads text a teacher or a
student brings, so every public text function is timed here on such text, and the growth
exponent k in time ~ size**k is reported (1 = linear, 2 = quadratic).

How one (function, input) pair is measured (``measure``), so that one noisy call cannot decide:
* the sizes: a ladder of single cold calls doubles the text from ``min_top`` characters until a
  call takes ``target`` CPU seconds (or ``max_top`` characters); that size and the ``steps - 1``
  halvings below it, those of at least ``min_bottom`` characters, are the sizes measured (a slow
  function is measured on shorter text, a fast one on longer text, so every largest call is
  well above timer noise). ``min_bottom`` is twice the widest window the helpers search around
  one match (``text._WINDOW``, 1,000 characters, around each quotation): below it, each match's
  work still grows with the text, and a fit there would show that start-up, not the growth
  on long text;
* at each size, several repeats (at least ``min_repeats``, more while the function's time budget
  allows), CPU time (``time.process_time``: other work on the machine does not count), the
  median; the sizes take turns (a round of one call each, then the next round), so a stretch
  of other work on the machine moves every size alike, not one size's repeats; cold = caches cleared before each call (the user's first call), warm = the same text
  again with the caches kept; a garbage collection before each call (untimed), so one call does
  not pay for the last one's garbage, and the objects alive before the measurement (modules,
  data files) frozen out of the collector (``gc.freeze``), so that a collection during a call
  costs what the call allocated, not what the process held before;
* the exponent is the least-squares slope of log(time) on log(size) over all sizes, for cold and
  warm medians separately. The goal is judged on the cold one.

Used by ``benchmarks/run.py`` (the report's table) and by ``tests/test_linear_time.py`` (small
sizes, a ratio check; no absolute time is asserted).
"""

from __future__ import annotations

import gc
import math
import re
import statistics
import time

import pandas as pd

_LETTERS = "abcdefghijklm"
_OTHER_LETTERS = str.maketrans(_LETTERS, "nopqrstuvwxyz")  # the same text with none of its letters


def invented_word(i: int) -> str:
    """A made-up six-letter word of the letters a-m, a different one for each i < 13**6."""
    i = (i * 7919 + 13**4) % 13**6
    out = ""
    for _ in range(6):
        out = _LETTERS[i % 13] + out
        i //= 13
    return out


def quotations(text: str, width: int = 40) -> list[str]:
    """The text cut into quotations of ``width`` characters that all share one word
    ('destroyed') and each hold a word of their own: many quotations sharing a common word."""
    return [f"{text[i:i + width]} destroyed {invented_word(i)}" for i in range(0, len(text), width)]


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
    "invented words": lambda n: " ".join(invented_word(i) for i in range(n // 7)),  # all different
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
        "corpus.quote_marks": corpus.quote_marks,
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
        # two long quotations with no word in common (on 'invented words': every word pair
        # could be a spelling variant), and many short quotations sharing one word
        "compare.quote_similarity (no common word)": lambda t: compare.quote_similarity(t, t.translate(_OTHER_LETTERS)),
        "compare.group_quotes (many quotations)": lambda t: compare.group_quotes(quotations(t)),
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


def fit_exponent(sizes, times, floor: float = 1e-5) -> float:
    """k in time ~ size**k: the least-squares slope of log(time) on log(size) over every size
    (times under ``floor`` count as ``floor``)."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, floor)) for t in times]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        raise ValueError("fit_exponent needs at least two different sizes")
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def _timed(fn, text: str, cold: bool) -> float:
    if cold:
        _clear_caches()
    gc.collect()  # untimed: the call pays for its own garbage, not for the previous call's
    t0 = time.process_time()
    fn(text)
    return time.process_time() - t0


def _top_size(fn, make, target: float, min_top: int, max_top: int) -> tuple[int, float, float]:
    """The smallest doubling of ``min_top`` whose cold call takes ``target`` CPU s (capped at
    ``max_top``): (size, that call's time, CPU s the ladder took)."""
    n, spent = min_top, 0.0
    t = _timed(fn, make(n), cold=True)
    spent += t
    while t < target and n * 2 <= max_top:
        n *= 2
        t = _timed(fn, make(n), cold=True)
        spent += t
    return n, t, spent


def measure(fn, make, *, target: float = 0.05, min_top: int = 8_000, max_top: int = 1_600_000, steps: int = 4,
            min_bottom: int = 2_000, min_repeats: int = 3, max_repeats: int = 7, budget: float = 2.0) -> dict:
    """One function on one input family: cold and warm CPU-time medians at up to ``steps`` sizes,
    each half the next, and the growth exponents fitted over all of them (see the module docstring).
    ``budget`` (CPU s) buys repeats beyond ``min_repeats``; it is never a reason for fewer."""
    t0 = time.process_time()
    top, t_top, _ = _top_size(fn, make, target, min_top, max_top)
    # the calls below cost about repeats x (cold + warm) x (1 + 1/2 + 1/4 ...) x t_top
    per_repeat = 2 * 2 * max(t_top, 1e-4)
    repeats = max(min_repeats, min(max_repeats, int(budget / per_repeat)))
    ks = [k for k in range(steps) if k < 2 or top >> k >= min_bottom]  # two sizes at least
    texts = [make(max(1, top >> k)) for k in reversed(ks)]
    sizes = [len(text) for text in texts]
    cold_all, warm_all = [[] for _ in texts], [[] for _ in texts]
    # the sizes take turns, a round at a time (each a cold call, then a warm one on the same
    # text: the caches hold it now), so a stretch of other work on the machine hits every size
    # alike instead of the repeats of one size
    for _ in range(repeats):
        for i, text in enumerate(texts):
            cold_all[i].append(_timed(fn, text, cold=True))
            warm_all[i].append(_timed(fn, text, cold=False))
    cold = [statistics.median(cs) for cs in cold_all]
    warm = [statistics.median(ws) for ws in warm_all]
    return {"sizes": sizes, "repeats": repeats, "cold_s": cold, "warm_s": warm, "cold_all_s": cold_all,
            "cold_exponent": fit_exponent(sizes, cold), "warm_exponent": fit_exponent(sizes, warm),
            # the first and last size, as the two-size rows had them (older reports read these)
            "small_chars": sizes[0], "big_chars": sizes[-1], "small_s": cold[0], "big_s": cold[-1],
            "exponent": fit_exponent(sizes, cold), "cpu_s_spent": time.process_time() - t0,
            "options": {"target": target, "min_top": min_top, "max_top": max_top, "steps": steps, "min_bottom": min_bottom,
                        "min_repeats": min_repeats, "max_repeats": max_repeats, "order": "turns"}}


# Passes linear by construction (one scan of the text, no matching inside matching), measured the
# same way on the same texts: how far the measurement alone moves an exponent. On this machine a
# core's L2 cache holds 512 KiB, so the largest texts of a fast function (128,000-1,024,000
# characters) straddle it, and the same pass costs more per character above it.
_WORD, _NON_SPACE = re.compile(r"\w+"), re.compile(r"\S+")
BASELINES = {
    "re.findall(r'\\w+', t)": lambda t: _WORD.findall(t),
    "[m.start() for m in re.finditer(r'\\S+', t)]": lambda t: [m.start() for m in _NON_SPACE.finditer(t)],
    "t.split()": lambda t: t.split(),
    "list(t)": lambda t: list(t),
}


def baselines(*, function_budget: float = 20.0, **options) -> list[dict]:
    """Every baseline pass on every input, measured as ``growth`` measures a function."""
    rows = []
    gc.collect()
    gc.freeze()
    for fname, fn in BASELINES.items():
        for iname, make in INPUTS.items():
            r = measure(fn, make, budget=function_budget / len(INPUTS), **options)
            rows.append({"function": fname, "input": iname, **r})
    gc.unfreeze()
    return rows


def growth(names=None, *, function_budget: float = 20.0, **options) -> list[dict]:
    """Every function on every input (``measure``): one row per pair, the largest cold exponent
    first. ``function_budget`` CPU s per function is shared by its inputs (for extra repeats)."""
    rows = []
    for fname, fn in functions().items():
        if names and fname not in names:
            continue
        fn("Warm-up: the ministry said 12 people were \u201ckilled\u201d.")  # loads and compiles the data files
        gc.collect()
        gc.freeze()
        for iname, make in INPUTS.items():
            r = measure(fn, make, budget=function_budget / len(INPUTS), **options)
            rows.append({"function": fname, "input": iname, **r})
        gc.unfreeze()
    return sorted(rows, key=lambda r: -r["cold_exponent"])

