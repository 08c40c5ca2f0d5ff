"""Would compare give the same results with text.sentences() as its segments?

compare cuts each text into segments (text.SEGMENT_BREAK) before it aligns two texts word by
word. This script runs shared_passages on every pair of the five articles and find_reuse on the
five articles and on the benchmark stress corpora (60 and 100 articles) twice: with
SEGMENT_BREAK, and with the sentences of text.sentence_rows() as segments. It prints, for each
input, whether the two outputs are identical, and the first difference when they are not.

    .venv/bin/python tools/segment_check.py
"""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import harness  # noqa: E402

from lessons import compare, text  # noqa: E402
from lessons.corpus import load_articles  # noqa: E402
from lessons.reuse import find_reuse  # noqa: E402

_original = compare._token_lists


def _sentence_token_lists(body: str):
    """compare._token_lists with the sentences of text.sentence_rows() as segments."""
    starts, ends, words, _ = _original(body)
    if not starts:
        return starts, ends, words, []
    breaks = np.array([s for s, _, _ in text.sentence_rows(body)[1:]], dtype=np.int64)
    k = np.searchsorted(breaks, np.array(starts, dtype=np.int64), side="right")
    seg = np.zeros(len(starts), dtype=np.int64)
    np.cumsum(k[1:] != k[:-1], out=seg[1:])
    return starts, ends, words, seg.tolist()


@contextmanager
def segments(kind: str):
    compare._analyse.cache_clear()
    if kind == "sentences":
        compare._token_lists = _sentence_token_lists
    try:
        yield
    finally:
        compare._token_lists = _original
        compare._analyse.cache_clear()


def outputs(articles: pd.DataFrame, with_pairs: bool) -> dict:
    out = {"find_reuse": find_reuse(articles)}
    if with_pairs:
        bodies = dict(zip(articles["article_id"], articles["body"]))
        for a, b in combinations(bodies, 2):
            out[f"shared_passages({a}, {b})"] = compare.shared_passages(bodies[a], bodies[b])
    return out


def first_difference(x: pd.DataFrame, y: pd.DataFrame) -> str:
    if len(x) != len(y):
        return f"{len(x)} rows with SEGMENT_BREAK, {len(y)} with sentences()"
    for i, (r, s) in enumerate(zip(x.to_dict("records"), y.to_dict("records"))):
        if r != s:
            keys = [k for k in r if r[k] != s.get(k)]
            return f"row {i}: " + "; ".join(f"{k}: {r[k]!r} vs {s[k]!r}" for k in keys[:3])
    return "same rows, other dtypes or columns"


def main() -> int:
    five = load_articles()[["article_id", "body"]]
    inputs = {"five articles": (five, True)}
    for n in (60, 100):
        docs, _ = harness.stress_corpus(n)
        inputs[f"stress corpus {n}"] = (pd.DataFrame(docs)[["article_id", "body"]], False)
    identical = True
    for name, (articles, with_pairs) in inputs.items():
        runs = {}
        for kind in ("break", "sentences"):
            start = time.process_time()
            with segments(kind):
                runs[kind] = outputs(articles, with_pairs)
            print(f"{name}: {kind} {time.process_time() - start:.1f} s CPU", flush=True)
        for key, frame in runs["break"].items():
            other = runs["sentences"][key]
            same = frame.equals(other)
            identical &= same
            print(f"  {key}: {'identical' if same else 'DIFFERENT: ' + first_difference(frame, other)}"
                  f" ({len(frame)} rows)")
    print("IDENTICAL" if identical else "NOT IDENTICAL")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
