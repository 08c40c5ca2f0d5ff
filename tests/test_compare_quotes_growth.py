"""The work of quotation matching grows with its input, not with its square (issue 20).

Two loops of `lessons.compare` met every pair: `_match_sets` compared each word of one quotation
with each word of the other (fuzzy spelling variants), and `group_quotes` compared every pair of
quotations sharing a word. `_match_sets` then walked a window of 100 words per word; it now looks
words up by their letter pairs (decision 46). These tests count the operations (fuzzy
comparisons, words walked, index places read, similarity calls) on inputs ten times apart: about
ten times the work, never a wall-clock limit.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from itertools import combinations, product
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from lessons import compare

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from adversarial import _OTHER_LETTERS as OTHER  # noqa: E402  (the same words in letters they lack)
from adversarial import invented_word as invented  # noqa: E402  (six made-up letters, one word per i)


class _CountingFuzz:
    def __init__(self):
        self.calls = 0

    def ratio(self, a, b):
        self.calls += 1
        return fuzz.ratio(a, b)


class _Work:
    """What _match_sets does per word, counted: fuzzy comparisons, words walked in the window
    (``_first_candidates``) and index places read (``_in_window``)."""

    def __init__(self, monkeypatch):
        self.fuzz = _CountingFuzz()
        self.walked = self.read = 0
        monkeypatch.setattr(compare, "fuzz", self.fuzz)
        first, window = compare._first_candidates, compare._in_window

        def walking(*args):
            for e in first(*args):
                self.walked += 1
                yield e

        def reading(ks, *args):
            self.read += len(ks)
            return window(ks, *args)

        monkeypatch.setattr(compare, "_first_candidates", walking)
        monkeypatch.setattr(compare, "_in_window", reading)

    @property
    def total(self) -> int:
        return self.fuzz.calls + self.walked + self.read


def _work(monkeypatch, a: str, b: str) -> _Work:
    work = _Work(monkeypatch)
    compare.quote_similarity(a, b)
    return work


def _invented_quote(n: int, start: int = 0) -> str:
    return " ".join(invented(i) for i in range(start, start + n))


def test_two_long_quotations_with_no_letter_in_common_cost_no_comparison(monkeypatch):
    """The adversarial benchmark's case (every word pair of the right length, no letter in
    common): the letter-pair index rules every pair out, so nothing is compared or walked,
    at 100 words as at 1,000 (the window search compared 100 words per word; every pair: n²)."""
    for n in (100, 1000):
        a = _invented_quote(n)
        assert compare.quote_similarity(a, a.translate(OTHER)) == 0.0
        work = _work(monkeypatch, a, a.translate(OTHER))
        assert (work.fuzz.calls, work.walked, work.read) == (0, 0, 0), n


def test_match_sets_work_is_linear_in_two_long_quotations_of_the_same_letters(monkeypatch):
    """Two long quotations of different words over the same 13 letters (many share a letter
    pair): 10x the words, about 10x the work, and at most the window's bound per word."""
    small = _work(monkeypatch, _invented_quote(1000), _invented_quote(1000, 50_000)).total
    big = _work(monkeypatch, _invented_quote(10_000), _invented_quote(10_000, 50_000)).total
    assert small > 0
    assert 8 <= big / small <= 12, (small, big)  # every word pair: 100x
    assert big <= 10_000 * (2 * compare._FUZZY_CANDIDATES + compare._FUZZY_POSTINGS)


def test_index_reads_stay_bounded_while_the_index_is_used(monkeypatch):
    """Below the fallback, each word reads at most _FUZZY_POSTINGS places: 300 words of the same
    letters (about 40 places a word), then 3,000 (the window walk instead)."""
    for n in (300, 3000):
        work = _work(monkeypatch, _invented_quote(n), _invented_quote(n, 50_000))
        assert work.read <= n * compare._FUZZY_POSTINGS, n
        assert work.fuzz.calls <= n * compare._FUZZY_CANDIDATES, n


def test_words_with_a_ratio_of_80_share_a_letter_pair():
    """The index's premise (``_letter_pairs``): every pair of words of 5 to 40 letters with a
    ratio of 80 or more shares a pair of adjacent letters, tried on words of two and three letters
    (the most alike words there are) and on each word with one or two letters edited."""
    rng = random.Random(46)
    words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(5, 16))) for alphabet in ("ab", "abc", "abcd")
             for _ in range(400)}
    words |= {"".join(w) for w in product("ab", repeat=5)}
    edited = set()
    for w in list(words)[:300]:
        for _ in range(3):
            v = list(w)
            for _ in range(rng.randint(1, 2)):
                k = rng.randrange(len(v))
                v[k:k + 1] = rng.choice(([], ["x"], ["y", v[k]], [v[k], "z"]))
            edited.add("".join(v))
    words = sorted(w for w in words | edited if 5 <= len(w) <= 40)
    close = 0
    for a, b in combinations(words, 2):
        if fuzz.ratio(a, b) >= 80:
            close += 1
            assert compare._letter_pairs(a) & compare._letter_pairs(b), (a, b)
    assert close > 1000  # the premise was tried on many close pairs


def _window_match_sets(sa: set, sb: set) -> tuple[set, set]:
    """The window search without the index, as a reference: each word of a (sorted) tries the
    first _FUZZY_CANDIDATES unmatched words of b (sorted) of a length that can reach 80."""
    common = sa & sb
    ma, mb = set(common), set(common)
    lo, hi = compare._FUZZY_MIN, compare._FUZZY_MAX
    rest_b = sorted(c for c in sb - common if lo <= len(c) <= hi and not c.startswith("@"))
    for c in sorted(sa - common):
        if not lo <= len(c) <= hi or c.startswith("@"):
            continue
        lengths = set(compare._fuzzy_lengths(len(c)))
        window = [e for e in rest_b if e not in mb and len(e) in lengths][: compare._FUZZY_CANDIDATES]
        for e in window:
            if fuzz.ratio(c, e) >= 80:
                ma.add(c)
                mb.add(e)
                break
    return ma, mb


def test_match_sets_matches_as_the_window_search_above_the_cap():
    """Past the cap too (long sets, where the window leaves out words), the index gives the
    window search's matches: many spelling variants, words of the same letters, both paths
    (the index, and the window walk when a word's letter pairs are common)."""
    rng = random.Random(7)
    base = [invented(i) for i in range(600)]
    variants = [w[:2] + rng.choice("nopq") + w[3:] for w in base] + [w + "s" for w in base] + [w[1:] + "a" for w in base]
    for size in (30, 150, 400):
        for _ in range(6):
            sa = set(rng.sample(base + variants, size))
            sb = set(rng.sample(base + variants, size))
            assert compare._match_sets(sa, sb) == _window_match_sets(sa, sb), size


def test_fuzzy_lengths_hold_every_length_that_can_reach_80():
    """The length filter drops only pairs that cannot reach a ratio of 80: the best case for
    two lengths (one word inside the other) is tried for every pair of lengths."""
    for n in range(compare._FUZZY_MIN, compare._FUZZY_MAX + 1):
        allowed = set(compare._fuzzy_lengths(n))
        for m in range(compare._FUZZY_MIN, compare._FUZZY_MAX + 1):
            best = fuzz.ratio("a" * n, "a" * m)
            assert (best >= 80) == (m in allowed), (n, m, best)


def _all_pairs_match_sets(sa: set, sb: set) -> tuple[set, set]:
    """The former loop over every word pair, as a reference (words taken in sorted order, as
    ``_match_sets`` takes them, so that it does not depend on the hash seed)."""
    common = sa & sb
    ma, mb = set(common), set(common)
    rest_b = sorted(c for c in sb - common if len(c) >= 5 and not c.startswith("@"))
    for c in sorted(sa - common):
        if len(c) < 5 or c.startswith("@"):
            continue
        for e in rest_b:
            if e not in mb and fuzz.ratio(c, e) >= 80:
                ma.add(c)
                mb.add(e)
                break
    return ma, mb


def test_match_sets_matches_as_the_all_pairs_loop_did():
    """Below the cap, the same matches as the loop over every pair (spelling variants that
    compete for one word included)."""
    rng = random.Random(20)
    names = ["kassym", "kasim", "qasym", "tokayev", "tokaev", "tokayeva", "almaty", "alma", "nursultan",
             "nur-sultan", "@destroy", "shoot", "shooting", "warning", "warnings", "terrorists", "terrorist"]
    for _ in range(300):
        sa = set(rng.sample(names, rng.randint(1, 8)) + [invented(rng.randrange(50)) for _ in range(rng.randint(0, 6))])
        sb = set(rng.sample(names, rng.randint(1, 8)) + [invented(rng.randrange(50)) for _ in range(rng.randint(0, 6))])
        assert compare._match_sets(sa, sb) == _all_pairs_match_sets(sa, sb), (sa, sb)


def test_spelling_variants_still_match():
    assert compare.quote_similarity("President Tokayev ordered the troops", "President Tokaev ordered the troops") == 1.0
    assert compare.quote_similarity("President Tokayev ordered the troops", "President Nazarbayev ordered the troops") < 0.9


class _CountingSimilarity:
    def __init__(self, real):
        self.real, self.calls = real, 0

    def __call__(self, *args):
        self.calls += 1
        return self.real(*args)


def _similarity_calls(monkeypatch, n: int) -> tuple[int, list[int]]:
    """n quotations that all share one word ('destroyed'); each five also share a rarer one."""
    counter = _CountingSimilarity(compare._similarity)
    monkeypatch.setattr(compare, "_similarity", counter)
    quotes = [f"{invented(i)} {invented(50_000 + i // 5)} destroyed" for i in range(n)]
    groups = compare.group_quotes(quotes)
    return counter.calls, groups


def test_group_quotes_work_is_linear_when_every_quote_shares_a_word(monkeypatch):
    (small, _), (big, groups) = _similarity_calls(monkeypatch, 300), _similarity_calls(monkeypatch, 3000)
    assert small > 0
    assert 8 <= big / small <= 12, (small, big)  # every pair sharing 'destroyed': 100x
    assert big <= 3000 * 10  # the ten pairs of each five, once each (two words in common: grouped)
    assert groups[:10] == [0] * 5 + [1] * 5


def test_a_common_concept_alone_makes_candidates_below_the_cap():
    """Under the cap nothing changes: two quotations sharing one concept are compared."""
    quotes = ["Those who do not surrender will be eliminated", "Whoever does not surrender will be destroyed"]
    quotes += [f"{invented(i)} {invented(i + 7)} surrender" for i in range(20)]
    assert compare.group_quotes(quotes)[:2] == [0, 0]


@pytest.mark.parametrize("copies", [compare._COMMON_CONCEPT + 20])
def test_copies_of_one_statement_are_one_group_in_a_long_list(copies):
    """Above the cap, copies of one statement (every concept common) are still grouped."""
    quotes = ["We will destroy the terrorists"] * copies + ["", ""]
    groups = compare.group_quotes(quotes)
    assert groups[:copies] == [0] * copies
    assert groups[copies:] == [1, 2]  # empty quotes stay apart, as before


def test_fuzzy_matching_does_not_depend_on_the_hash_seed():
    """Which spelling variant a long quotation's word is matched with must not depend on set
    order: the same result under three hash seeds, with a variant among 120 other words."""
    code = (
        "import random\n"
        "from lessons import compare\n"
        "rnd = random.Random(3)\n"
        "words = [''.join(rnd.choice('bcdfghjlmnpqrtvwxz') + rnd.choice('aeiou') for _ in range(3)) for _ in range(120)]\n"
        "print(compare.quote_similarity('Tokayev spoke', ' '.join(words) + ' Tokaev'))\n")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("0", "1", "2")}
    assert len(seen) == 1 and float(seen.pop()) > 0


def _common_word_corpus() -> list[str]:
    """More than _COMMON_CONCEPT quotations of the same common words, each with three words of
    its own (so no two of them are near-copies): every word below is common to the list."""
    n = compare._COMMON_CONCEPT + 20
    return [f"The soldiers will shoot {kind} rioters in the capital, said {invented(i)} {invented(i + 9000)} "
            f"{invented(i + 18000)}" for kind, start in (("armed", 0), ("violent", n)) for i in range(start, start + n)]


def test_near_copies_made_of_common_words_are_grouped_in_a_long_list():
    """Two quotations one word apart, every word of them in more than _COMMON_CONCEPT others,
    are still compared: a quotation cut short, and one word rendered two ways."""
    cut = ["Soldiers will shoot rioters in the capital", "Soldiers will shoot rioters"]
    swapped = ["The soldiers will shoot armed rioters", "The soldiers will shoot violent rioters"]
    filler = _common_word_corpus()
    for pair in (cut, swapped):
        assert compare.quote_similarity(*pair) >= 0.55  # the same statement, when compared
        groups = compare.group_quotes(filler + pair)
        assert groups[-1] == groups[-2], pair
        assert len(set(groups[:-2])) == len(filler)  # the filler shares only common words: apart


def _near_copy_tries(monkeypatch, n: int) -> int:
    """The pairs _near_copy_pairs tries on a core of common words, n copies one word longer
    (each its own extra word) and n that differ from the core in one word (each its own)."""
    tries = [0]

    def counting(real):
        def wrapped(*args):
            for item in real(*args):
                tries[0] += 1
                yield item
        return wrapped

    monkeypatch.setattr(compare, "product", counting(product))
    monkeypatch.setattr(compare, "combinations", counting(combinations))
    core = "soldiers shoot armed rioters"
    quotes = [core] + [f"{core} {invented(i)}" for i in range(n)] + [f"soldiers shoot {invented(i)} rioters" for i in range(n)]
    pairs = compare._near_copy_pairs([compare._concepts(q) for q in quotes])
    assert {(0, k) for k in range(1, n + 1)} <= pairs  # the core meets each longer copy
    return tries[0]


def test_near_copy_pairs_grow_linearly(monkeypatch):
    small, big = _near_copy_tries(monkeypatch, 300), _near_copy_tries(monkeypatch, 3000)
    assert small > 0
    assert 8 <= big / small <= 12, (small, big)  # every pair of near-copies of one core: 100x
