"""shared_passages does not do the square of its work on text that repeats a sentence (issue 20).

A text that repeats one sentence k times, compared with itself, has k x k sentence pairs that
share word pairs (up to the cap on a word pair's sentence pairs, 400). Each pair used to be tiled
afresh and every passage checked against every other; now a sentence pair equal to one already
tiled reuses its tiles, and the check sweeps over the passages open at each start. Work is
counted (tiling calls, containment tests), never timed.
"""

from __future__ import annotations

import random

import pytest

from lessons import compare

SENTENCE = "The regional council approved twelve new bus routes for the northern villages on Monday. "


def _count_tiling(monkeypatch, text_a: str, text_b: str) -> tuple[int, int]:
    real = compare._tiles
    calls = []

    def counted(*args, **kw):
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(compare, "_tiles", counted)
    compare._analyse.cache_clear()
    found = compare.shared_passages(text_a, text_b)
    monkeypatch.setattr(compare, "_tiles", real)
    return len(calls), len(found)


def test_a_repeated_sentence_is_tiled_once_per_distinct_pair(monkeypatch):
    small, n_small = _count_tiling(monkeypatch, SENTENCE * 2, SENTENCE * 2)
    big, n_big = _count_tiling(monkeypatch, SENTENCE * 20, SENTENCE * 20)  # 10x the text, 400 sentence pairs
    assert n_small >= 1 and n_big >= n_small  # the copies are still found
    assert small >= 1 and big <= 10 * small   # tiling work grows at most with the text, not its square


def test_two_different_sentences_are_both_tiled(monkeypatch):
    other = "Farmers in the valley said the new drainage scheme had saved most of this year's harvest. "
    calls, found = _count_tiling(monkeypatch, SENTENCE + other, other + SENTENCE)
    assert calls == 2 and found == 2


def _brute_force(found):
    return [p for p in found if not any(
        q is not p and q.a0 <= p.a0 and p.a1 <= q.a1 and q.b0 <= p.b0 and p.b1 <= q.b1
        and (q.a0, q.a1, q.b0, q.b1) != (p.a0, p.a1, p.b0, p.b1) for q in found)]


@pytest.mark.parametrize("seed", range(30))
def test_outermost_keeps_what_the_all_pairs_check_keeps(seed):
    rng = random.Random(seed)
    found = []
    for _ in range(rng.randint(0, 40)):
        a, b = rng.randint(0, 30), rng.randint(0, 30)
        found.append(compare._Passage([compare._Tile(a, b, rng.randint(1, 3)),
                                       compare._Tile(a + rng.randint(0, 6), b + rng.randint(0, 6), rng.randint(1, 4))]))
    found += found[: rng.randint(0, 3)]  # the same passage twice: neither holds the other
    assert compare._outermost(found) == _brute_force(found)


def test_outermost_looks_only_at_open_passages(monkeypatch):
    """k copies of a sentence on each side: k x k passages, k of them side by side at each
    start in a. Each passage is tested against those still open there (about 2k), not
    against all k x k (the former check: (k x k) squared tests)."""
    def tests(k):
        seen = []

        def counting_any(gen):  # the module's any(): counts the passages each one is tested against
            items = list(gen)
            seen.append(len(items))
            return any(items)

        monkeypatch.setitem(compare.__dict__, "any", counting_any)
        kept = compare._outermost([compare._Passage([compare._Tile(10 * i, 10 * j, 8)]) for i in range(k) for j in range(k)])
        monkeypatch.delitem(compare.__dict__, "any")
        assert len(kept) == k * k  # side by side: none holds another
        return sum(seen)

    assert tests(20) <= 2 * 20 ** 3
    assert tests(20) < (20 * 20) ** 2 / 8
