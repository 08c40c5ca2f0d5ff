"""find_reuse gathers its result column by column (issue 20: a 100,000-article archive finds
806,000 passages; a dict per passage cost more memory than the frame). The frame is the one
the rows as dicts gave: same columns, values and dtypes, empty or not."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from lessons import compare, reuse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import harness as h  # noqa: E402


def _as_dicts(result: pd.DataFrame) -> pd.DataFrame:
    rows = result.astype(object).to_dict("records")
    return compare._passage_frame([{k: (v if isinstance(v, str) else v.item() if hasattr(v, "item") else v)
                                    for k, v in r.items()} for r in rows], compare._REUSE_COLUMNS)


def test_columns_give_the_frame_the_dicts_gave():
    docs, _ = h.stress_corpus(40)
    result = reuse.find_reuse(pd.DataFrame(docs))
    assert len(result) > 50
    want = _as_dicts(result)
    assert list(result.columns) == compare._REUSE_COLUMNS
    assert list(result.dtypes) == list(want.dtypes)
    pd.testing.assert_frame_equal(result, want)


def test_columns_by_hand():
    cols = reuse._Columns()
    rows = [{"a_start": 0, "a_end": 9, "b_start": 3, "b_end": 12, "score": 0.875, "n_words": 8,
             "a_text": "one two", "b_text": "one <b>two</b>"},
            {"a_start": 20, "a_end": 31, "b_start": 40, "b_end": 52, "score": 1.0, "n_words": 9,
             "a_text": "three", "b_text": "three"}]
    cols.extend("x", "y", rows)
    cols.extend("x", "z", [])
    got = cols.frame()
    want = compare._passage_frame([{"article_a": "x", "article_b": "y", **r} for r in rows], compare._REUSE_COLUMNS)
    pd.testing.assert_frame_equal(got, want)
    assert got["a_start"].tolist() == [0, 20] and got["b_text"].tolist() == ["one <b>two</b>", "three"]


def test_an_empty_result_keeps_its_dtypes():
    got = reuse._Columns().frame()
    want = compare._passage_frame([], compare._REUSE_COLUMNS)
    assert got.empty and list(got.dtypes) == list(want.dtypes) and list(got.columns) == list(want.columns)
