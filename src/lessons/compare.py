"""Comparing sources: shared wire copy, one quote across translations, and coverage.

Four questions a reader can ask of several reports of one event, each answered by a small
function:

* ``shared_passages(a, b)``: which passages did two texts take from the same source text?
  Verbatim or lightly edited (words added or dropped, clauses swapped, other quotation marks,
  British/American spelling), at sentence or clause scale. Sharing a few common words, a name
  or a stock phrase is not enough.
* ``find_reuse(articles)``: the same over a whole corpus, using an inverted index of word
  shingles so that only pairs that share rare word sequences are compared in detail.
* ``group_quotes(quotes)``: which quotations render the same statement, even in different
  translations ('will be eliminated' / 'will be destroyed').
* ``coverage(articles)``: which elements of the story each article covers, with the sentence.

Every offset indexes the original string. Word lists (spelling variants, compounds,
function words, translation synonyms, story elements) are data files in ``data/compare/``,
each entry with its source or rationale.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import combinations, islice, product, repeat
from pathlib import Path

import numpy as np
import pandas as pd
import snowballstemmer
from rapidfuzz import fuzz

from lessons import _yaml
from lessons.datafiles import elements as elements_file
from lessons.datafiles import tables
from lessons.datafiles.read import stamp
from lessons.errors import LessonsDataError
from lessons.paths import data_dir
from lessons.text import SEGMENT_BREAK, SPACE_CHARS, TOKEN, is_heading, sentences

__all__ = [
    "shared_passages",
    "find_reuse",  # noqa: F822 (imported on first use by __getattr__: lessons.reuse imports compare)
    "passage_agencies",
    "group_quotes",
    "quote_similarity",
    "word_diff",
    "quote_variants",
    "variants_html",
    "load_elements",
    "coverage",
    "coverage_matrix",
    "only_one_source",
    "left_out",
    "coverage_exercise",
    "compare_html",
]

# --------------------------------------------------------------------------------------
# Data files
# --------------------------------------------------------------------------------------


def _compare_dir() -> Path:
    return data_dir() / "compare"


def _read_csv(path: Path, fields: tuple[str, ...]) -> list[dict]:
    return tables.rows(path, fields)  # lessons.datafiles: one reader, errors name file, line, column


@dataclass(frozen=True, eq=False)
class _Lexicon:
    spelling_word: dict
    spelling_prefix: tuple
    spelling_suffix: tuple
    compounds: dict  # tuple of words -> tuple of standard words
    compound_max: int
    function_words: frozenset
    synonyms: dict  # tuple of stems -> concept
    synonym_max: int


_STEMMER = snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    if word.isdigit():
        return word
    return _STEMMER.stemWord(word)


_WORD_LISTS = ("spelling.csv", "compounds.csv", "function_words.yml", "synonyms.csv")


def _lexicon_for(folder: str) -> _Lexicon:
    """The word lists of ``folder``, cached until one of its files changes (path, mtime, size)."""
    return _lexicon_cached(str(folder), tuple(stamp(Path(folder) / name) for name in _WORD_LISTS))


@lru_cache(maxsize=4)
def _lexicon_cached(folder: str, stamps: tuple) -> _Lexicon:
    root = Path(folder)
    spelling = tables.rows(root / "spelling.csv", ("british", "american", "match", "source"),
                           one_of={"match": ("word", "prefix", "suffix")})
    word, prefix, suffix = {}, [], []
    for row in spelling:
        pair = (row["british"].lower(), row["american"].lower())
        if row["match"] == "word":
            word[pair[0]] = pair[1]
        else:
            (prefix if row["match"] == "prefix" else suffix).append(pair)
    prefix.sort(key=lambda p: -len(p[0]))
    compounds = {}
    for row in _read_csv(root / "compounds.csv", ("variant", "standard", "source")):
        compounds[tuple(row["variant"].lower().split())] = tuple(row["standard"].lower().split())
    path = root / "function_words.yml"
    groups = _yaml.read_file(path)
    if not isinstance(groups, list):
        raise LessonsDataError(f"{path}: expected a list of groups")
    function_words = set()
    for i, g in enumerate(groups):
        if not isinstance(g, dict) or not g.get("rationale") or not isinstance(g.get("words"), list):
            raise LessonsDataError(f"{path}: group {i + 1} needs 'words' (a list) and a 'rationale'")
        for w in g["words"]:
            if not isinstance(w, str):
                # YAML reads a bare on, off, yes or no as true/false: quote such words
                raise LessonsDataError(
                    f"{path}: group {i + 1}, field 'words': {w!r} is not a word; "
                    "put it in quotes (YAML reads on, off, yes and no as true or false)"
                )
            function_words.add(w.lower())
    synonyms = {}
    for row in _read_csv(root / "synonyms.csv", ("concept", "term", "rationale")):
        words = _normal_words(row["term"].lower().split(), word, tuple(prefix), tuple(suffix))
        key = tuple(_stem(w) for w in words)
        concept = row["concept"].lower()
        if synonyms.get(key, concept) != concept:
            raise LessonsDataError(
                f"{root / 'synonyms.csv'}: term {row['term']!r} (stem "
                f"{' '.join(key)!r}) is listed under both {synonyms[key]!r} and {concept!r}"
            )
        synonyms[key] = concept
    return _Lexicon(
        spelling_word=word,
        spelling_prefix=tuple(prefix),
        spelling_suffix=tuple(suffix),
        compounds=compounds,
        compound_max=max((len(k) for k in compounds), default=1),
        function_words=frozenset(function_words),
        synonyms=synonyms,
        synonym_max=max((len(k) for k in synonyms), default=1),
    )


def _lexicon() -> _Lexicon:
    return _lexicon_for(str(_compare_dir()))


def _normal_words(words, word_map, prefixes, suffixes):
    out = []
    for w in words:
        out.append(_spell(w, word_map, prefixes, suffixes))
    return out


@lru_cache(maxsize=200_000)
def _normalise(word: str, lex: "_Lexicon") -> tuple[str, str]:
    """(spelling-normalised word, its stem) for a folded word."""
    w = _spell(word, lex.spelling_word, lex.spelling_prefix, lex.spelling_suffix)
    return w, _stem(w)


def _spell(w: str, word_map, prefixes, suffixes) -> str:
    if w in word_map:
        return word_map[w]
    for brit, amer in suffixes:
        if w.endswith(brit) and len(w) > len(brit):
            return w[: -len(brit)] + amer
    m = _prefix_re(prefixes).match(w)
    if m:
        return dict(prefixes)[m.group(1)] + w[m.end(1):]
    return w


@lru_cache(maxsize=8)
def _prefix_re(prefixes: tuple) -> re.Pattern:
    """One regular expression for all prefix rules (longest first), instead of a loop."""
    if not prefixes:
        return re.compile(r"(?!)")
    return re.compile("(" + "|".join(re.escape(b) for b, _ in prefixes) + ")")


# --------------------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------------------

# Words and sentence-end breaks come from the one text layer (lessons.text): TOKEN (words and
# numbers; hyphens, dashes and quotation marks separate words, so 'shoot-to-kill' = 'shoot to
# kill') and SEGMENT_BREAK (. ! ? … then space, or a line break: the chunks aligned here; not
# text.sentences(), which would change the results: see the note at text.SEGMENT_BREAK).
_TOKEN_RE = TOKEN
_BOUNDARY_RE = SEGMENT_BREAK
_OPENERS = set("\"'“‘([«")
_NEGATIONS = {"not", "no", "never", "nobody", "nothing", "none", "cannot", "nor", "neither"}
_CONTRACTIONS = {"won't": ("will", "not"), "can't": ("can", "not"), "shan't": ("shall", "not")}


@dataclass
class _Doc:
    """A text cut into normalised word tokens that remember their place in the original."""

    text: str
    start: np.ndarray
    end: np.ndarray
    norm: list  # spelling-normalised lower-case word
    stem: list  # stem of norm (the matching key)
    content: np.ndarray  # not a function word
    name: np.ndarray  # capitalised inside a sentence, or an acronym: a name
    segment: np.ndarray  # sentence (or chunk) number of each token
    seg_bounds: list = field(default_factory=list)  # (first token, last token + 1) per segment


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    w = word.replace("’", "'").lower()
    if w in _CONTRACTIONS:
        return w
    if w.endswith("'s"):
        w = w[:-2]
    return w


def _raw_tokens(text: str):
    """(start, end, original word) for each word, and the sentence number of each."""
    starts, ends, words, seg = _token_lists(text)
    return list(zip(starts, ends, words)), seg


def _token_lists(text: str) -> tuple[list, list, list, list]:
    """Starts, ends and original words of the words, and the sentence number of each.

    A break (``SEGMENT_BREAK``) always holds a space and a word never does, so no word crosses
    a break and a word starts a new sentence when the gap before it holds one. Most gaps are one
    plain space after a word, which is never a break: only the other gaps are searched (``pos``
    and ``endpos`` bound each search to its gap), and the sentence numbers are one ``cumsum``."""
    ms = list(_TOKEN_RE.finditer(text))
    if not ms:
        return [], [], [], []
    starts = list(map(re.Match.start, ms))
    ends = list(map(re.Match.end, ms))
    seg = np.zeros(len(ms), dtype=np.int64)
    if len(ms) > 1:
        s = np.array(starts[1:], dtype=np.int64)
        e = np.array(ends[:-1], dtype=np.int64)
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)  # one per character
        odd = np.flatnonzero((s - e != 1) | (codes[e] != 32))
        search = _BOUNDARY_RE.search
        brk = np.zeros(len(s), dtype=np.int64)
        brk[odd] = [search(text, a, b) is not None for a, b in zip(e[odd].tolist(), s[odd].tolist())]
        np.cumsum(brk, out=seg[1:])
    return starts, ends, list(map(re.Match.group, ms)), seg.tolist()


_MAX_SEGMENT = 80  # longer sentences (or text without punctuation) are cut into chunks


@lru_cache(maxsize=200_000)
def _pieces(word: str) -> tuple:
    """The folded word(s) of a word as written: contractions with n't split in two."""
    f = _fold(word)
    if f in _CONTRACTIONS:
        return _CONTRACTIONS[f]
    if f.endswith("n't") and len(f) > 3:
        return (f[:-3], "not")
    return (f,)


def _compound_spans(folded: list, seg: list, lex: "_Lexicon") -> list[tuple[int, int, tuple]]:
    """The compounds ('counter terrorist' -> 'counterterrorist') within one sentence: (first
    word, number of words, standard words) each; only where a compound's first word stands is
    one looked up."""
    firsts = _compound_firsts(lex)
    if firsts.isdisjoint(folded):
        return []
    found, done, n = [], 0, len(folded)
    for i in [i for i, f in enumerate(folded) if f in firsts]:
        if i < done:
            continue
        for k in range(min(lex.compound_max, n - i), 1, -1):
            key = tuple(folded[i : i + k])
            if key in lex.compounds and seg[i] == seg[i + k - 1]:
                found.append((i, k, lex.compounds[key]))
                done = i + k
                break
    return found


def _join_compounds(found: list, cols: tuple, lex: "_Lexicon") -> tuple:
    """The word columns (start, end, folded, original, sentence, norm, stem, content, upper,
    acronym) with the compounds ``found`` joined, rebuilt from slices around them (no tuple per
    word): a standard word spans the compound, takes the case and sentence of the word it
    stands for and its own spelling, stem and content flag."""
    out = tuple([] for _ in cols)
    done = 0
    for i, k, standard in found:
        for col, c in zip(out, cols):
            col.extend(c[done:i])
        src = [i + min(j, k - 1) for j in range(len(standard))]
        info = [_word_info(w, lex) for w in standard]
        new = ([cols[0][i]] * len(standard), [cols[1][i + k - 1]] * len(standard), standard,
               [cols[3][x] for x in src], [cols[4][x] for x in src],
               [w[0] for w in info], [w[1] for w in info], [w[2] for w in info],
               [cols[8][x] for x in src], [cols[9][x] for x in src])
        for col, values in zip(out, new):
            col.extend(values)
        done = i + k
    for col, c in zip(out, cols):
        col.extend(c[done:])
    return out


@lru_cache(maxsize=200_000)
def _word_rows(word: str, lex: "_Lexicon") -> tuple:
    """One row per folded piece of a word as written (two for 'can't'): (folded, norm, stem,
    content, upper, acronym), so each word of a text is one cached look-up."""
    upper, acronym = _case_info(word)
    return tuple((f, *_word_info(f, lex), upper, acronym) for f in _pieces(word))


@lru_cache(maxsize=256)
def _analyse(text: str) -> _Doc:
    """``text`` cut into normalised words (cached per text), with the word lists of the data folder."""
    return _analyse_in(text, _lexicon())


def _analyse_in(text: str, lex: _Lexicon) -> _Doc:
    """``text`` cut into normalised words with the word lists ``lex`` (not cached: ``find_reuse``
    looks the word lists up once for the whole corpus, not once per article)."""
    starts, ends, words, seg = _token_lists(text)
    if not words:
        empty = np.empty(0, dtype=np.int64)
        return _Doc(text, empty, empty.copy(), [], [], np.empty(0, dtype=bool), np.empty(0, dtype=bool),
                    empty.copy(), [])
    # 1. fold case, quotes and possessives; split contractions with n't; spelling, stems and
    # flags (one cached look-up per word as written)
    entries = list(map(_word_rows, words, repeat(lex)))
    counts = list(map(len, entries))
    if max(counts) == 1:
        rows = [e[0] for e in entries]
        origs = words
    else:
        take = np.repeat(np.arange(len(words)), counts).tolist()
        rows = [r for e in entries for r in e]
        origs, starts, ends, seg = ([col[i] for i in take] for col in (words, starts, ends, seg))
    folded, norm, stem, content, upper, acronym = zip(*rows)
    # 2. compounds ('counter terrorist' -> 'counterterrorist'), within one sentence
    found = _compound_spans(folded, seg, lex)
    if found:
        starts, ends, folded, origs, seg, norm, stem, content, upper, acronym = _join_compounds(
            found, (starts, ends, folded, origs, seg, norm, stem, content, upper, acronym), lex)
    start = np.array(starts, dtype=np.int64)
    end = np.array(ends, dtype=np.int64)
    segment = np.array(seg, dtype=np.int64)
    content = np.array(content, dtype=bool)
    acronym = np.array(acronym, dtype=bool)
    first = np.ones(len(start), dtype=bool)  # opens its sentence (a capital there is not a name)
    first[1:] = segment[1:] != segment[:-1]
    name = acronym | (np.array(upper, dtype=bool) & ~first)
    # (nor is a capital that opens a quotation)
    for idx in np.flatnonzero(name & ~acronym).tolist():
        if _after_opener(text, starts[idx], start, idx):
            name[idx] = False
    cuts = np.flatnonzero(np.diff(segment)) + 1
    edges = [0, *cuts.tolist(), len(start)]
    bounds = []
    for a, b in zip(edges[:-1], edges[1:]):
        for c in range(a, b, _MAX_SEGMENT):  # chunk very long sentences
            bounds.append((c, min(b, c + _MAX_SEGMENT)))
    segment = np.repeat(np.arange(len(bounds), dtype=np.int64), [b - a for a, b in bounds])
    return _Doc(text, start, end, list(norm), list(stem), content, name, segment, bounds)


@lru_cache(maxsize=200_000)
def _word_info(f: str, lex: "_Lexicon") -> tuple[str, str, bool]:
    """(spelling-normalised word, stem, is a content word) of a folded word."""
    f = f.replace(",", "") if f[:1].isdigit() else f
    w, st = _normalise(f, lex)
    return w, st, w not in lex.function_words


@lru_cache(maxsize=200_000)
def _case_info(orig: str) -> tuple[bool, bool]:
    """(starts with a capital, is an acronym) of a word as written."""
    return orig[:1].isupper(), len(orig) > 1 and orig.isupper()


@lru_cache(maxsize=4)
def _compound_firsts(lex: "_Lexicon") -> frozenset:
    """The first words of the compounds: only where one starts is a compound looked up."""
    return frozenset(k[0] for k in lex.compounds)


def _after_opener(text: str, s: int, starts, idx) -> bool:
    """True when the word opens a quotation: 'said: "Those who...' (capital is not a name)."""
    j = s - 1
    while j >= 0 and text[j] in SPACE_CHARS:
        j -= 1
    return j >= 0 and (text[j] in _OPENERS or text[j] in ":")


# --------------------------------------------------------------------------------------
# Shared passages
# --------------------------------------------------------------------------------------


@dataclass
class _Tile:
    a: int  # first token in a
    b: int  # first token in b
    n: int  # length in tokens


def _ids(stems_a, stems_b):
    vocab: dict = {}
    ida = np.array([vocab.setdefault(s, len(vocab)) for s in stems_a], dtype=np.int64)
    idb = np.array([vocab.setdefault(s, len(vocab)) for s in stems_b], dtype=np.int64)
    return ida, idb


def _diagonal_runs(eq: np.ndarray) -> list[list[int]]:
    """Every maximal run of matches along a diagonal of ``eq``: [first a, first b, length].

    The matches sorted by (diagonal, row): a run is a stretch of consecutive rows on one
    diagonal (one ``nonzero`` and one sort, whatever the number of runs)."""
    si, sj = np.nonzero(eq)
    if not len(si):
        return []
    diag = sj - si
    order = np.lexsort((si, diag))
    si, diag = si[order], diag[order]
    new = np.empty(len(si), dtype=bool)
    new[0] = True
    np.not_equal(diag[1:], diag[:-1], out=new[1:])
    new[1:] |= si[1:] != si[:-1] + 1
    first = np.flatnonzero(new)
    length = np.empty_like(first)
    length[:-1] = first[1:] - first[:-1]
    length[-1] = len(si) - first[-1]
    keep = length >= 2
    a = si[first[keep]]
    return [list(r) for r in zip(a.tolist(), (a + diag[first[keep]]).tolist(), length[keep].tolist())]


_SMALL_GRID = 1600  # sentence pairs up to this many word pairs: runs found without numpy


def _diagonal_runs_small(ida: list, idb: list) -> list[list[int]]:
    """The runs of :func:`_diagonal_runs` for a small pair of sentences, in plain Python (for
    a few hundred word pairs numpy's fixed cost per call is larger than the work): each match
    continues the run that ended just above-left of it, or opens one."""
    where: dict = {}
    for j, v in enumerate(idb):
        where.setdefault(v, []).append(j)
    runs, prev = [], {}
    for i, v in enumerate(ida):
        cur = {}
        for j in where.get(v, ()):
            r = prev.get(j - 1)
            if r is None:
                r = [i, j, 0]
                runs.append(r)
            r[2] += 1
            cur[j] = r
        prev = cur
    return [r for r in runs if r[2] >= 2]


def _tiles(stems_a, stems_b, content_a, min_tile=2, ids=None) -> list[_Tile]:
    """Greedy string tiling: the longest common runs of words first, each word used once.

    Unlike a left-to-right alignment it finds clauses that swapped places. The runs are
    found once; taking a tile removes its words from both texts, which cuts the other runs
    that use them (ties: the run that ends first in ``a``, then in ``b``).
    """
    ida, idb = _ids(stems_a, stems_b) if ids is None else ids  # ids: the stems as integers
    tiles = []
    if not len(ida) or not len(idb):
        return tiles
    if len(ida) * len(idb) <= _SMALL_GRID:
        runs = _diagonal_runs_small(ida.tolist(), idb.tolist())
    else:
        runs = _diagonal_runs(ida[:, None] == idb[None, :])
    while runs:
        best = max(runs, key=lambda r: (r[2], -(r[0] + r[2]), -(r[1] + r[2])))
        a0, b0, n = best
        if n < min_tile:
            break
        # two function words ('of the') are not evidence of anything
        if n >= 3 or content_a[a0 : a0 + n].any():
            tiles.append(_Tile(int(a0), int(b0), int(n)))
        cut = []
        for ra, rb, rn in runs:  # remove rows a0..a0+n-1 and columns b0..b0+n-1
            lo, hi = 0, rn
            pieces = [(lo, hi)]
            for x0, x1 in ((a0 - ra, a0 + n - ra), (b0 - rb, b0 + n - rb)):
                nxt_pieces = []
                for p0, p1 in pieces:
                    if x1 <= p0 or x0 >= p1:
                        nxt_pieces.append((p0, p1))
                        continue
                    if x0 > p0:
                        nxt_pieces.append((p0, x0))
                    if x1 < p1:
                        nxt_pieces.append((x1, p1))
                pieces = nxt_pieces
            for p0, p1 in pieces:
                if p1 - p0 >= min_tile:
                    cut.append([ra + p0, rb + p0, p1 - p0])
        runs = cut
    return tiles


class _Passage:
    """Tiles that form one passage, with their extent in both texts and the words they
    match (kept up to date as tiles are added, not recomputed on every look)."""

    __slots__ = ("tiles", "a0", "a1", "b0", "b1", "matched")

    def __init__(self, tiles):
        self.tiles = []
        self.a0 = self.b0 = math.inf
        self.a1 = self.b1 = -math.inf
        self.matched = 0
        self.extend(tiles)

    def add(self, t: _Tile):
        self.tiles.append(t)
        self.a0, self.a1 = min(self.a0, t.a), max(self.a1, t.a + t.n)
        self.b0, self.b1 = min(self.b0, t.b), max(self.b1, t.b + t.n)
        self.matched += t.n

    def extend(self, tiles):
        for t in tiles:
            self.add(t)

    def density(self):
        return 2 * self.matched / ((self.a1 - self.a0) + (self.b1 - self.b0))


def _cluster(tiles: list[_Tile], max_gap: int, max_insert: int = 20) -> list[_Passage]:
    """Group tiles that lie close together in both texts (any order within the group).

    Two tiles belong together when the words between them are few in both texts
    (``max_gap``), or when one text inserts up to ``max_insert`` words where the other has
    at most four: the pattern of an editor adding or replacing a phrase.
    """
    groups: list[_Passage] = []
    for t in sorted(tiles, key=lambda t: t.a):
        g = groups[-1] if groups else None
        if g is not None:
            gap_a = max(0, t.a - g.a1)
            gap_b = max(0, t.b - g.b1, g.b0 - (t.b + t.n))
            small, large = sorted((gap_a, gap_b))
            if large <= max_gap or (small <= 4 and large <= max_insert):
                g.add(t)
                continue
        groups.append(_Passage([t]))
    return groups


def _trim(p: _Passage, min_score: float) -> _Passage:
    """Drop short tiles at either end while that raises the density above the bar."""
    while p.density() < min_score and len(p.tiles) > 1:
        options = []
        for drop in (min(p.tiles, key=lambda t: t.a), max(p.tiles, key=lambda t: t.a),
                     min(p.tiles, key=lambda t: t.b), max(p.tiles, key=lambda t: t.b)):
            rest = _Passage([t for t in p.tiles if t is not drop])
            options.append((rest.density(), rest))
        best = max(options, key=lambda o: o[0])[1]
        if best.density() <= p.density():
            break
        p = best
    return p


def _merge_adjacent(passages: list[_Passage], gap: int) -> list[_Passage]:
    """Join passages that follow each other in both texts (consecutive shared sentences)."""
    out: list[_Passage] = []
    for p in sorted(passages, key=lambda p: (p.a0, p.b0)):
        for q in reversed(out[-4:]):
            if 0 <= p.a0 - q.a1 <= gap and 0 <= p.b0 - q.b1 <= gap:
                q.extend(p.tiles)
                break
        else:
            out.append(_Passage(list(p.tiles)))
    return out


def _pair_table(d: _Doc, ids: np.ndarray, stock: np.ndarray | None = None):
    """Word pair (two neighbours in one sentence, at least one a content word) -> the
    sentences of ``d`` that contain it, as arrays: (pair keys, sorted and distinct; where each
    key's sentences start in ``segs``, one more at the end; ``segs``: distinct sentences per key,
    ascending), and a mask of the words that are part of a word pair in ``stock`` (sorted keys:
    the corpus's stock word pairs, left out of the table). ``ids``: each word's stem as an
    integer (equal stems, equal numbers). No Python loop over the words."""
    n = len(ids)
    in_stock = np.zeros(n, dtype=bool)
    m = n - 1
    if m <= 0:
        empty = np.empty(0, dtype=np.int64)
        return (empty, np.zeros(1, dtype=np.int64), empty.copy()), in_stock
    ids = np.asarray(ids, dtype=np.int64)
    ok = (d.segment[:m] == d.segment[1:]) & (d.content[:m] | d.content[1:])
    pos = np.flatnonzero(ok)
    keys = (ids[pos] << 32) | ids[pos + 1]
    if stock is not None and len(stock):
        at = np.searchsorted(stock, keys).clip(max=len(stock) - 1)
        hit = stock[at] == keys
        in_stock[pos[hit]] = True
        in_stock[pos[hit] + 1] = True
        pos, keys = pos[~hit], keys[~hit]
    segs = d.segment[pos]
    order = np.lexsort((segs, keys))
    keys, segs = keys[order], segs[order]
    new = np.ones(len(keys), dtype=bool)
    new[1:] = (keys[1:] != keys[:-1]) | (segs[1:] != segs[:-1])
    keys, segs = keys[new], segs[new]
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    starts = np.flatnonzero(first)
    return (keys[starts], np.append(starts, len(keys)), segs), in_stock


def _plain_cover(d: _Doc, ids: np.ndarray, in_stock: np.ndarray):
    """What :func:`_substantive_bound` needs of ``d``: the keys of its same-sentence word pairs
    that hold a plain word (a content word, not a name, not in a stock word pair: the words
    that count towards ``min_content``) with how many plain words each holds (1 or 2), and the
    sorted keys of all its same-sentence word pairs (``ids``: stems as integers, as for
    :func:`_pair_table`)."""
    m = len(ids) - 1
    if m <= 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    ids = np.asarray(ids, dtype=np.int64)
    plain = (d.content & ~d.name & ~in_stock).astype(np.int64)
    same = d.segment[:m] == d.segment[1:]
    keys = (ids[:m] << 32) | ids[1:]
    weight = (plain[:m] + plain[1:]) * same
    pos = np.flatnonzero(weight)
    return keys[pos], weight[pos], np.sort(keys[same])


def _substantive_bound(cover_a, cover_b) -> int:
    """At least as many as the substantive words (plain words of ``a`` that a passage matches)
    of any passage :func:`_passages` finds between ``a`` and ``b`` (covers from
    :func:`_plain_cover`): a matched word lies in a tile of two words or more, so it and a
    neighbour in its sentence are a word pair that ``b`` also has in one sentence; the plain
    words of those shared pairs are counted (a word in two of them twice). A candidate pair
    whose bound is below ``min_content`` has no passage and need not be aligned."""
    keys, weight, _ = cover_a
    all_b = cover_b[2]
    if not len(keys) or not len(all_b):
        return 0
    at = np.searchsorted(all_b, keys).clip(max=len(all_b) - 1)
    return int(weight[all_b[at] == keys].sum())


def _segment_pairs(da: _Doc, db: _Doc, max_freq: int, ia=None, ib=None) -> list[tuple[int, int]]:
    """Sentence pairs that share at least two word pairs with a content word (candidates).

    ``ia``/``ib``: the two texts' word-pair tables (:func:`_pair_table`) when the caller already
    has them (``find_reuse`` builds each article's once, without the corpus's stock word
    pairs). Vectorised: the shared word pairs by one search in sorted keys, each one's
    sentence pairs by ``repeat``, and the sentence pairs counted twice or more by one sort."""
    if ia is None or ib is None:
        ida, idb = _ids(da.stem, db.stem)
        ia, ib = _pair_table(da, ida)[0], _pair_table(db, idb)[0]
    (ka, oa, sa), (kb, ob, sb) = ia, ib
    if not len(ka) or not len(kb):
        return []
    at = np.searchsorted(kb, ka).clip(max=len(kb) - 1)
    xa = np.flatnonzero(kb[at] == ka)
    xb = at[xa]
    na, nb = oa[xa + 1] - oa[xa], ob[xb + 1] - ob[xb]
    # a word pair found in many sentences on both sides is a stock phrase of these texts
    keep = na * nb <= max_freq
    xa, xb, na, nb = xa[keep], xb[keep], na[keep], nb[keep]
    if not len(xa):
        return []
    if (na == 1).all() and (nb == 1).all():
        x, y = sa[oa[xa]], sb[ob[xb]]
    else:
        tot = na * nb
        g = np.repeat(np.arange(len(xa)), tot)
        k = np.arange(int(tot.sum())) - np.repeat(np.cumsum(tot) - tot, tot)
        x, y = sa[oa[xa][g] + k // nb[g]], sb[ob[xb][g] + k % nb[g]]
    width = int(sb.max()) + 1
    code = np.sort(x * width + y)
    same = code[1:] == code[:-1]  # a code found twice or more: its first place in a run
    same[1:] &= ~same[:-1]
    code = code[:-1][same]
    return list(zip((code // width).tolist(), (code % width).tolist()))


def _sentence_share(p: _Passage, da: _Doc, db: _Doc) -> float:
    """The larger share, over the two texts, of the words of the sentences involved that the
    passage matches. Reused text makes up most of a sentence at least on one side (the other
    side may have merged it into a longer sentence); a shared stock phrase does not."""
    shares = []
    for d, lo, hi, first in ((da, p.a0, p.a1, True), (db, p.b0, p.b1, False)):
        segs = set(d.segment[lo:hi].tolist())
        total = sum(d.seg_bounds[s][1] - d.seg_bounds[s][0] for s in segs)
        shares.append(p.matched / max(total, 1))
    return min(1.0, max(shares))


def _passages(da: _Doc, db: _Doc, *, min_words, min_content, min_score, min_share=0.7,
              long_words=12, max_gap=8, index_a=None, index_b=None, stock_a=None, tok_a=None, tok_b=None):
    """``index_a``/``index_b``: word-pair tables, see :func:`_segment_pairs`; ``stock_a``: words of ``da`` that
    are part of a stock word pair of the corpus (they do not count as substantive);
    ``tok_a``/``tok_b``: each word's stem as a corpus-wide integer, when known."""
    raw: list[_Passage] = []
    max_freq = max(400, (len(da.seg_bounds) + len(db.seg_bounds)) // 2)
    # a sentence pair whose words equal an earlier pair's has the same tiles (shifted): a text
    # that repeats a sentence (up to max_freq pairs of them) is tiled once per distinct pair
    tiled: dict = {}
    for x, y in _segment_pairs(da, db, max_freq, index_a, index_b):
        a0, a1 = da.seg_bounds[x]
        b0, b1 = db.seg_bounds[y]
        if tok_a is None:
            sa, sb = da.stem[a0:a1], db.stem[b0:b1]
            key = (tuple(sa), tuple(sb), da.content[a0:a1].tobytes())
            ids = None
        else:
            ids = (tok_a[a0:a1], tok_b[b0:b1])
            key = (ids[0].tobytes(), ids[1].tobytes(), da.content[a0:a1].tobytes())
        rel = tiled.get(key)
        if rel is None:
            rel = tiled[key] = _tiles(da.stem[a0:a1], db.stem[b0:b1], da.content[a0:a1], ids=ids)
        tiles = [_Tile(t.a + a0, t.b + b0, t.n) for t in rel]
        for p in _cluster(tiles, max_gap):
            if p.matched >= 3:
                raw.append(p)
    found = []
    plain = da.content & ~da.name if stock_a is None else da.content & ~da.name & ~stock_a
    for p in _merge_adjacent(raw, gap=2):
        p = _trim(p, min_score)
        matched = np.zeros(p.a1 - p.a0, dtype=bool)
        for t in p.tiles:
            matched[t.a - p.a0 : t.a - p.a0 + t.n] = True
        substantive = int((matched & plain[p.a0 : p.a1]).sum())
        longest = max(t.n for t in p.tiles)
        if (
            p.matched >= min_words
            and substantive >= min_content
            and longest >= 3
            and p.density() >= min_score
            and (p.matched >= long_words or _sentence_share(p, da, db) >= min_share)
        ):
            found.append(p)
    return _outermost(found)


def _outermost(found: list[_Passage]) -> list[_Passage]:
    """``found`` without the passages that lie inside another one in both texts (an equal one
    does not count), in their order. A sweep in the order (a0, -a1, b0, -b1), in which every
    passage that holds another comes before it: only the passages swept so far that are still
    open at a passage's start in ``a`` are looked at, not every passage (a text that repeats a
    sentence has a passage per pair of its copies)."""
    order = sorted(range(len(found)), key=lambda i: (found[i].a0, -found[i].a1, found[i].b0, -found[i].b1))
    inside = [False] * len(found)
    open_: list[_Passage] = []
    for i in order:
        p = found[i]
        open_ = [q for q in open_ if q.a1 >= p.a0]  # one that ends before p starts holds no later passage
        inside[i] = any(
            q.a1 >= p.a1 and q.b0 <= p.b0 and p.b1 <= q.b1 and (q.a0, q.a1, q.b0, q.b1) != (p.a0, p.a1, p.b0, p.b1)
            for q in open_
        )
        open_.append(p)
    return [p for p, ins in zip(found, inside) if not ins]


_PASSAGE_COLUMNS = ["a_start", "a_end", "b_start", "b_end", "score", "n_words", "a_text", "b_text"]


def _check_text(value, name: str) -> str:
    if not isinstance(value, str):
        raise LessonsDataError(f"{name} must be a string, not {type(value).__name__}")
    return value


def shared_passages(
    text_a: str,
    text_b: str,
    *,
    min_words: int = 8,
    min_content: int = 4,
    min_score: float = 0.5,
) -> pd.DataFrame:
    """Passages that two texts share, verbatim or lightly edited, one row per passage.

    Columns: ``a_start, a_end, b_start, b_end`` (character offsets into each original text),
    ``score`` (0-1: the share of words in the two passages that match; 1 = verbatim),
    ``n_words`` (matched words) and ``a_text, b_text`` (the two passages).

    How: both texts are cut into sentences and normalised words (case, quotation marks,
    British/American spelling, word endings). Sentence pairs that share word pairs are tiled:
    the longest common runs of words are taken first, so swapped clauses still match. A
    passage needs ``min_words`` matched words in runs of three or more, ``min_content`` of them
    content words that are not names, and a ``score`` of at least ``min_score``; sharing a
    name or a stock phrase ('Russian President Vladimir Putin', 'shoot to kill') is not enough.
    """
    text_a = _check_text(text_a, "text_a")
    text_b = _check_text(text_b, "text_b")
    rows = _passage_rows(text_a, text_b, _analyse(text_a), _analyse(text_b),
                         min_words=min_words, min_content=min_content, min_score=min_score)
    return _passage_frame(rows).sort_values(["a_start", "b_start"], ignore_index=True)


_PASSAGE_DTYPES = {"a_start": "int64", "a_end": "int64", "b_start": "int64", "b_end": "int64",
                   "score": "float64", "n_words": "int64"}


def _passage_rows(text_a: str, text_b: str, da: "_Doc", db: "_Doc", **options) -> list[dict]:
    """The shared passages of two analysed texts as plain rows (no DataFrame per pair)."""
    rows = []
    if len(da.stem) and len(db.stem):
        for p in _passages(da, db, **options):
            a_s, a_e = int(da.start[p.a0]), int(da.end[p.a1 - 1])
            b_s, b_e = int(db.start[p.b0]), int(db.end[p.b1 - 1])
            rows.append({
                "a_start": a_s, "a_end": a_e, "b_start": b_s, "b_end": b_e,
                "score": round(p.density(), 3), "n_words": p.matched,
                "a_text": text_a[a_s:a_e], "b_text": text_b[b_s:b_e],
            })
    return rows


def _passage_frame(rows: list[dict], columns=_PASSAGE_COLUMNS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns).astype(_PASSAGE_DTYPES)


# --------------------------------------------------------------------------------------
# Reuse across a corpus
# --------------------------------------------------------------------------------------

_REUSE_COLUMNS = ["article_a", "article_b", *_PASSAGE_COLUMNS]


def _require_columns(df, columns, what: str):
    if not isinstance(df, pd.DataFrame):
        raise LessonsDataError(f"{what}: expected a pandas DataFrame, not {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise LessonsDataError(f"{what}: missing column(s) {', '.join(missing)}")


# find_reuse lives in lessons.reuse (issue 20); imported on first use, because lessons.reuse
# itself uses this module's passage alignment.
def __getattr__(name):
    if name == "find_reuse":
        from lessons.reuse import find_reuse

        return find_reuse
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _agency_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [v.strip() for v in re.split(r"[;,/]| and ", value) if v.strip()]
    return [str(v) for v in value]


def passage_agencies(reuse: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Add ``shared_agencies``: the news agencies both articles credit (the likely source).

    Two outlets that print the same paragraph and both credit AFP most likely bought it from
    AFP. ``articles`` needs ``article_id`` and ``agencies`` (a list, or a string such as
    "AFP, Reuters").
    """
    _require_columns(reuse, ["article_a", "article_b"], "passage_agencies(reuse)")
    _require_columns(articles, ["article_id", "agencies"], "passage_agencies(articles)")
    credited = {a: _agency_list(v) for a, v in zip(articles["article_id"], articles["agencies"])}
    out = reuse.copy()
    out["shared_agencies"] = [
        [x for x in credited.get(a, []) if x in set(credited.get(b, []))]
        for a, b in zip(out["article_a"], out["article_b"])
    ]
    return out


# --------------------------------------------------------------------------------------
# Quotes across translations
# --------------------------------------------------------------------------------------


def _concepts(quote: str) -> list[str]:
    """The content of a quotation as a sequence of concepts.

    Spelling and word endings are normalised; translation variants from ``synonyms.csv``
    become one concept ('eliminated', 'destroyed', 'liquidated' -> '@destroy'); negations
    become '@not'; function words are dropped.
    """
    lex = _lexicon()
    d = _analyse(quote)
    stems, norms = d.stem, d.norm
    out = []
    i = 0
    while i < len(stems):
        for k in range(min(lex.synonym_max, len(stems) - i), 0, -1):
            c = lex.synonyms.get(tuple(stems[i : i + k]))
            if c:
                out.append("@" + c)
                i += k
                break
        else:
            w = norms[i]
            if w in _NEGATIONS:
                out.append("@not")
            elif w not in lex.function_words:
                out.append(stems[i])
            i += 1
    return out


def _weight(c: str) -> float:
    if c == "@not":
        return 1.5
    if c[:1].isdigit():
        return 2.0
    return 1.0


# Fuzzy matching of spelling variants (Kassym / Kasim) compares words of 5 to 40 letters (a
# longer "word" is no name), each with at most this many words of the other quotation: the first
# ones, in alphabetical order, not matched yet and of a length that can reach a ratio of 80.
# No quotation of the five articles comes near it (the longest holds 38 concepts); on two long
# quotations of different words it keeps the work linear instead of every word pair.
_FUZZY_MIN, _FUZZY_MAX = 5, 40
_FUZZY_CANDIDATES = 100
# A word whose letter pairs are in more than this many words of the other quotation (added up
# over its pairs) walks the window in order instead (``_first_candidates``): the index would save
# nothing, and this bounds its own work per word (each word: at most this many places read, or a
# window of ``_FUZZY_CANDIDATES`` walked, never both).
_FUZZY_POSTINGS = _FUZZY_CANDIDATES


def _fuzzy_lengths(n: int) -> range:
    """Lengths m a word of n letters can match at a ratio of 80 or more: fuzz.ratio is
    100 * (1 - indel distance / (n + m)) and the distance is at least |n - m|, so
    5 * |n - m| <= n + m."""
    return range(max(_FUZZY_MIN, -(-2 * n // 3)), min(_FUZZY_MAX, 3 * n // 2) + 1)


def _letter_pairs(word: str) -> set[str]:
    """The word's pairs of adjacent letters (bigrams). Two words of 5+ letters with a fuzz.ratio
    of 80 or more share one at least: with L letters in common (the longest common subsequence
    of words of n and m letters, L >= 0.4 (n + m) for a ratio of 80), a pair of the first word
    is lost only next to one of its n - L letters left out (two pairs each) or where one of the
    m - L letters of the other goes in (one pair each), so at most 2n + m - 3L of its n - 1
    pairs are lost, fewer than n - 1 whenever L > (n + m + 1) / 3, as here (n + m >= 10)."""
    return {word[i : i + 2] for i in range(len(word) - 1)}


def _first_candidates(c: str, buckets: dict[int, dict[str, int]]):
    """The words of the old search's window for c, in order: the first ``_FUZZY_CANDIDATES``
    unmatched words, alphabetically, of a length that can reach 80."""
    waiting = [((k, e) for e, k in buckets[m].items()) for m in _fuzzy_lengths(len(c)) if buckets.get(m)]
    return (e for _, e in islice(heapq.merge(*waiting), _FUZZY_CANDIDATES))


def _match_sets(sa: set, sb: set) -> tuple[set, set]:
    """Concepts of a and b that match, exactly or as spelling variants of one name
    (Kassym / Kasim: a fuzzy ratio of 80+ on words of five letters or more).

    Each concept of a (alphabetically) takes the first concept of b (alphabetically) not matched
    yet with a ratio of 80+, among at most ``_FUZZY_CANDIDATES`` of a length that can reach it
    (``_fuzzy_lengths``): the window of unmatched words of those lengths, in that order.

    The words of b are indexed by their letter pairs (``_letter_pairs``): a word that shares
    none with c cannot reach 80, so only the words sharing one are compared, and only those
    inside the window (its place among the unmatched words of those lengths is counted with
    ``bisect`` on per-length lists, not by walking the window). Two long quotations of different
    words then cost about one look-up per letter pair, not a window of 100 words per word; the
    matches are the window search's own (``tests/test_compare_quotes_growth.py`` checks both)."""
    common = sa & sb
    ma, mb = set(common), set(common)
    # sorted: which words are tried first must not depend on set order (the hash seed)
    rest_b = sorted(c for c in sb - common if _FUZZY_MIN <= len(c) <= _FUZZY_MAX and not c.startswith("@"))
    if not rest_b:
        return ma, mb
    buckets: dict[int, dict[str, int]] = defaultdict(dict)  # length -> {unmatched word: its place in rest_b}
    postings: dict[str, list[int]] = defaultdict(list)  # letter pair -> places in rest_b, ascending
    for k, e in enumerate(rest_b):
        buckets[len(e)][e] = k
        for pair in _letter_pairs(e):
            postings[pair].append(k)
    places = {m: list(b.values()) for m, b in buckets.items()}  # length -> places of its words, ascending
    taken: dict[int, list[int]] = defaultdict(list)  # length -> places of its matched words, ascending
    for c in sorted(sa - common):
        if not _FUZZY_MIN <= len(c) <= _FUZZY_MAX or c.startswith("@"):
            continue
        lengths = [m for m in _fuzzy_lengths(len(c)) if buckets.get(m)]
        if not lengths:
            continue
        lists = [postings[p] for p in _letter_pairs(c) if p in postings]
        if sum(map(len, lists)) > _FUZZY_POSTINGS:
            tried = _first_candidates(c, buckets)  # pairs common in b: the plain window
        else:
            tried = _in_window(sorted({k for ks in lists for k in ks}), rest_b, lengths, buckets, places, taken)
        for e in tried:
            if fuzz.ratio(c, e) >= 80:
                ma.add(c)
                mb.add(e)
                k = buckets[len(e)].pop(e)
                bisect.insort(taken[len(e)], k)
                break
    return ma, mb


def _in_window(ks: list[int], rest_b: list[str], lengths: list[int], buckets, places, taken):
    """The words at places ``ks`` (ascending) of rest_b that are unmatched, of one of
    ``lengths``, and among the first ``_FUZZY_CANDIDATES`` such words of rest_b (the window)."""
    words = [rest_b[k] for k in ks]
    found = [(k, e) for k, e in zip(ks, words) if e in buckets.get(len(e), ())]
    allowed = set(lengths)
    found = [(k, e) for k, e in found if len(e) in allowed]
    if not found:
        return []
    if sum(len(buckets[m]) for m in lengths) > _FUZZY_CANDIDATES:
        # the window ends before the last of these words: at the first place x with
        # _FUZZY_CANDIDATES unmatched words of these lengths before it (a binary search)
        def before(x: int) -> int:
            return sum(bisect.bisect_left(places[m], x) - bisect.bisect_left(taken[m], x) for m in lengths)

        lo, hi = 0, len(rest_b)
        while lo < hi:
            mid = (lo + hi) // 2
            if before(mid) >= _FUZZY_CANDIDATES:
                hi = mid
            else:
                lo = mid + 1
        found = [(k, e) for k, e in found if k < lo]
    return [e for _, e in found]


def _similarity(ca: list[str], cb: list[str], qa: str, qb: str) -> float:
    sa, sb = set(ca), set(cb)
    if not sa or not sb:
        return 1.0 if _plain(qa) == _plain(qb) and _plain(qa) else 0.0
    ma, mb = _match_sets(sa, sb)
    wa = sum(_weight(c) for c in sa)
    wb = sum(_weight(c) for c in sb)
    inter = (sum(_weight(c) for c in ma) + sum(_weight(c) for c in mb)) / 2
    dice = 2 * inter / (wa + wb)
    small, large = sorted((len(sa), len(sb)))
    sim = dice
    if small >= 3:
        # a short quote that is (almost) all inside a longer one: part of the same statement
        containment = inter / min(wa, wb)
        if containment >= 0.75:
            sim = max(dice, containment * (0.85 if small == 3 else 0.9))
    elif small == 1:
        # a one-word fragment ('destroyed') says too little: only the same words match
        sim = 1.0 if _analyse(qa).stem == _analyse(qb).stem else 0.0
    # structure: a negation on one side only ('will not raise' / 'will raise') or different
    # numbers ('20,000' / '2,000') make a different statement
    neg_a, neg_b = "@not" in sa, "@not" in sb
    if neg_a != neg_b:
        short_neg = (neg_a and len(sa) <= len(sb)) or (neg_b and len(sb) <= len(sa))
        if short_neg or large <= 1.5 * small:
            sim *= 0.6
    na = {c for c in sa if c[:1].isdigit()}
    nb = {c for c in sb if c[:1].isdigit()}
    if na and nb and not (na & nb):
        sim *= 0.5
    return sim


def _plain(q: str) -> str:
    return " ".join(_analyse(q).norm)


def quote_similarity(quote_a: str, quote_b: str) -> float:
    """How likely two quotations render the same statement, from 0 to 1 (see group_quotes)."""
    _check_text(quote_a, "quote_a")
    _check_text(quote_b, "quote_b")
    return round(_similarity(_concepts(quote_a), _concepts(quote_b), quote_a, quote_b), 3)


# A concept found in more than this many quotations of one list (a word common to a long list,
# like a stock phrase in find_reuse) makes no candidate pairs by itself: those quotations are
# compared only when they share a rarer concept too, or are copies or near-copies of one
# statement (_near_copy_pairs). Each quote then meets at most this many others per concept, so
# the work grows with the list, not with its square. The five articles' quotations are far
# below it (the commonest concept is in 16 of 98; in the 100-article stress corpus, 97 of 499).
_COMMON_CONCEPT = 100


_MASK64 = (1 << 64) - 1


def _concept_code(concept: str) -> int:
    """A fixed 64-bit number for a concept (the same in every process, unlike hash())."""
    return int.from_bytes(hashlib.blake2b(concept.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def _near_copy_pairs(concepts: list[list[str]]) -> set[tuple[int, int]]:
    """Pairs (i, j), i < j, of quotations whose concept sets differ by one concept at most on
    each side: one has a concept more (a quotation cut short: 'ordered to shoot without
    warning' / 'shoot without warning') or each has one the other lacks (one word translated
    another way). Found whatever the concepts' counts, in time linear in the list.

    Each set is keyed by its size and the sum of its concepts' codes (mod 2**64), and once for
    each concept it can lose (the sum less that code). A set one concept larger meets the
    smaller one under the smaller one's own key: those pairs are always made (at most copies ×
    near-copies, like copies, which are always compared). Two sets that each lose one concept
    meet under a shared key: made when at most ``_COMMON_CONCEPT`` sets share it. Every pair is
    then checked on the sets themselves, so a clash of two sums adds no pair."""
    sets = [frozenset(cs) for cs in concepts]
    codes: dict[str, int] = {}
    own, less = defaultdict(list), defaultdict(list)
    for i, s in enumerate(sets):
        if not s:
            continue
        parts = [codes[c] if c in codes else codes.setdefault(c, _concept_code(c)) for c in s]
        total = sum(parts) & _MASK64
        own[(len(s), total)].append(i)
        if len(s) >= 2:
            for part in parts:
                less[(len(s) - 1, (total - part) & _MASK64)].append(i)
    pairs = set()
    for key, members in less.items():
        found = product(own.get(key, ()), members)
        if len(members) <= _COMMON_CONCEPT:
            found = [*found, *combinations(members, 2)]
        for i, j in found:
            a, b = sets[i], sets[j]
            if i != j and len(a - b) <= 1 and len(b - a) <= 1:
                pairs.add((min(i, j), max(i, j)))
    return pairs


def group_quotes(quotes: list[str], *, threshold: float = 0.55) -> list[int]:
    """A group id per quotation: quotations that render the same statement share an id.

    Two translations of one sentence rarely share their words ('Those who do not surrender
    will be eliminated' / 'Whoever does not surrender will be destroyed'), so quotes are
    compared as sets of concepts: content words after spelling normalisation and stemming,
    with translation variants from ``data/compare/synonyms.csv`` mapped to one concept and
    negation kept as a concept of its own. Similarity is the weighted overlap (Dice), or, for
    a short quote that is part of a longer one, the share of it found in the longer one.
    Different numbers lower it. Quotes are joined by average-linkage clustering: a quote joins
    a group only if it is similar, on average, to every member, so one long quote that spans
    two statements cannot chain them together. Ids are 0, 1, 2... in order of first appearance.
    """
    if not isinstance(quotes, (list, tuple, pd.Series)):
        raise LessonsDataError(f"group_quotes: expected a list of strings, not {type(quotes).__name__}")
    quotes = list(quotes)
    for i, q in enumerate(quotes):
        if not isinstance(q, str):
            raise LessonsDataError(f"group_quotes: item {i} is {type(q).__name__}, not a string")
    n = len(quotes)
    concepts = [_concepts(q) for q in quotes]
    # candidate pairs through an inverted index of concepts, so unrelated quotes are never
    # compared; a concept in more than _COMMON_CONCEPT quotes makes no candidates by itself.
    # Copies of one statement (the same concepts, or the same plain text when a quote has no
    # content word) are always compared: they are one group, whatever the list's length; so are
    # near-copies (one concept more, or one other: _near_copy_pairs).
    by_concept, by_copy = defaultdict(list), defaultdict(list)
    for i, cs in enumerate(concepts):
        for c in set(cs):
            by_concept[c].append(i)
        by_copy[frozenset(cs) if cs else "=" + _plain(quotes[i])].append(i)
    candidates = [m for m in by_concept.values() if len(m) <= _COMMON_CONCEPT] + list(by_copy.values())
    candidates += sorted(_near_copy_pairs(concepts))
    sims: dict[tuple[int, int], float] = {}
    for members in candidates:
        for i, j in combinations(members, 2):
            if (i, j) not in sims:
                sims[(i, j)] = _similarity(concepts[i], concepts[j], quotes[i], quotes[j])
    # connected components of the 'similar enough' graph, then average linkage inside each
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for (i, j), s in sims.items():
        if s >= threshold:
            parent[find(i)] = find(j)
    components = defaultdict(list)
    for i in range(n):
        components[find(i)].append(i)
    label = [0] * n
    next_cluster = 0
    for members in components.values():
        for cluster in _average_linkage(members, sims, threshold):
            for i in cluster:
                label[i] = next_cluster
            next_cluster += 1
    # renumber in order of first appearance
    order: dict[int, int] = {}
    return [order.setdefault(c, len(order)) for c in label]


def _average_linkage(members: list[int], sims: dict, threshold: float) -> list[list[int]]:
    clusters = [[m] for m in members]
    if len(clusters) == 1:
        return clusters

    def link(x, y):
        total = 0.0
        for i in x:
            for j in y:
                total += sims.get((min(i, j), max(i, j)), 0.0)
        return total / (len(x) * len(y))

    while len(clusters) > 1:
        best, pair = -1.0, None
        for p, q in combinations(range(len(clusters)), 2):
            s = link(clusters[p], clusters[q])
            if s > best:
                best, pair = s, (p, q)
        if best < threshold:
            break
        p, q = pair
        clusters[p] = clusters[p] + clusters[q]
        del clusters[q]
    return clusters


# --------------------------------------------------------------------------------------
# Word-level differences and the quote-variants view
# --------------------------------------------------------------------------------------


def _words(text: str) -> list[tuple[int, int, str]]:
    """Words with their offsets, and the key used to compare them."""
    lex = _lexicon()
    out = []
    for m in _TOKEN_RE.finditer(text):
        f = _fold(m.group())
        f = f.replace(",", "") if f[:1].isdigit() else f
        key = _stem(_spell(f, lex.spelling_word, lex.spelling_prefix, lex.spelling_suffix))
        out.append((m.start(), m.end(), key))
    return out


_EXACT_DIFF_WORDS = 2000  # longer middles let difflib skip very frequent words (autojunk)


def _opcodes(a: str, b: str):
    """Word-level opcodes (as difflib's). The common start and end are matched first (linear
    time), and difflib aligns only the middle; a middle of more than _EXACT_DIFF_WORDS words
    lets difflib ignore words that fill over 1% of it (its 'autojunk' rule), because aligning
    every repeat of a frequent word costs the square of the length."""
    wa, wb = _words(a), _words(b)
    ka, kb = [w[2] for w in wa], [w[2] for w in wb]
    n = min(len(ka), len(kb))
    p = 0
    while p < n and ka[p] == kb[p]:
        p += 1
    q = 0
    while q < n - p and ka[len(ka) - 1 - q] == kb[len(kb) - 1 - q]:
        q += 1
    mid_a, mid_b = ka[p:len(ka) - q], kb[p:len(kb) - q]
    sm = SequenceMatcher(a=mid_a, b=mid_b, autojunk=len(mid_b) > _EXACT_DIFF_WORDS)
    ops = [(op, i1 + p, i2 + p, j1 + p, j2 + p) for op, i1, i2, j1, j2 in sm.get_opcodes()]
    ops = [op for op in ops if op[1] < op[2] or op[3] < op[4]]
    if p:
        ops.insert(0, ("equal", 0, p, 0, p))
    if q:
        ops.append(("equal", len(ka) - q, len(ka), len(kb) - q, len(kb)))
    merged: list = []  # neighbouring 'equal' runs joined, as difflib gives them
    for op in ops:
        if merged and op[0] == "equal" and merged[-1][0] == "equal":
            prev = merged.pop()
            op = ("equal", prev[1], op[2], prev[3], op[4])
        merged.append(op)
    return wa, wb, merged


def word_diff(text_a: str, text_b: str) -> pd.DataFrame:
    """Word-level differences between two versions: ``op`` (replace, delete, insert),
    ``a_words`` and ``b_words`` (the original words). Spelling variants, case, word endings
    and quotation marks do not count as differences."""
    _check_text(text_a, "text_a")
    _check_text(text_b, "text_b")
    wa, wb, ops = _opcodes(text_a, text_b)
    rows = []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        rows.append({
            "op": op,
            "a_words": text_a[wa[i1][0] : wa[i2 - 1][1]] if i2 > i1 else "",
            "b_words": text_b[wb[j1][0] : wb[j2 - 1][1]] if j2 > j1 else "",
        })
    return pd.DataFrame(rows, columns=["op", "a_words", "b_words"])


_MARK_OPEN = '<mark class="qv-diff" style="background:#F0E442;color:#000;font-weight:bold;text-decoration:underline">'


def _mark(text: str, spans: list[tuple[int, int]]) -> str:
    """Escape text and wrap each (start, end) span in <mark> (bold and underlined too)."""
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(_MARK_OPEN + html.escape(text[s:e]) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _diff_spans(reference: str, version: str) -> tuple[list, list]:
    """Spans that differ: (in the reference, in the version)."""
    wa, wb, ops = _opcodes(reference, version)
    ref_spans, ver_spans = [], []
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        if i2 > i1:
            ref_spans.append((wa[i1][0], wa[i2 - 1][1]))
        if j2 > j1:
            ver_spans.append((wb[j1][0], wb[j2 - 1][1]))
    return ref_spans, ver_spans


def compare_html(text_a: str, text_b: str, label_a: str, label_b: str) -> str:
    """Two versions side by side, the words that differ marked in both (escaped HTML).

    Used for a shared passage (``a_text``, ``b_text`` from :func:`shared_passages`) or any
    two renderings of one sentence.
    """
    _check_text(text_a, "text_a")
    _check_text(text_b, "text_b")
    spans_a, spans_b = _diff_spans(text_a, text_b)
    frame = pd.DataFrame({
        "group": [0, 0],
        "label": [label_a, label_b],
        "marked": [_mark(text_a, _merge_spans(spans_a)), _mark(text_b, _merge_spans(spans_b))],
    })
    return variants_html(frame, by="label", legend="Words in {mark} appear in one version only.",
                         first_tag=False)


def quote_variants(
    quotes: pd.DataFrame, *, by: str = "label", min_versions: int = 2, threshold: float = 0.55
) -> pd.DataFrame:
    """Group quotations and mark, word by word, how each version differs from the fullest one.

    ``quotes`` needs ``text`` and the column ``by`` (the outlet of each version). Returns one
    row per version in groups that at least ``min_versions`` outlets quote: ``group``,
    ``by``, ``text``, ``n_outlets`` and ``marked`` (HTML, escaped). The longest version of
    each group comes first and is the reference: words of another version that differ from
    it, and words of the reference that another version changes or drops, are wrapped in
    ``<mark>``, bold and underlined, so the difference does not rest on colour. Other
    columns of ``quotes`` are kept.
    """
    _require_columns(quotes, ["text", by], "quote_variants(quotes)")
    df = quotes.reset_index(drop=True).copy()
    df["group"] = group_quotes(df["text"].tolist(), threshold=threshold)
    outlets = df.groupby("group")[by].nunique()
    df["n_outlets"] = df["group"].map(outlets).astype("int64")
    df = df[df["n_outlets"] >= min_versions].copy()
    marked = {}
    df["_words"] = df["text"].map(lambda t: len(_TOKEN_RE.findall(t)))
    df["_ref"] = False
    for g, sub in df.groupby("group", sort=False):
        ref_idx = sub["_words"].idxmax()  # the fullest version is the reference
        df.loc[ref_idx, "_ref"] = True
        sub = sub.loc[[ref_idx] + [i for i in sub.index if i != ref_idx]]
        ref = sub.loc[ref_idx, "text"]
        ref_spans = []
        for idx in sub.index[1:]:
            r, v = _diff_spans(ref, sub.loc[idx, "text"])
            ref_spans.extend(r)
            marked[idx] = _mark(sub.loc[idx, "text"], v)
        marked[ref_idx] = _mark(ref, _merge_spans(ref_spans))
    df["marked"] = pd.Series(marked)
    df = df.sort_values(["group", "_ref"], ascending=[True, False], kind="stable")
    df = df.drop(columns=["_words", "_ref"])
    cols = ["group", by, "text", "n_outlets", "marked"]
    rest = [c for c in df.columns if c not in cols]
    return df[cols + rest].reset_index(drop=True)


def _merge_spans(spans):
    out = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def variants_html(
    variants: pd.DataFrame,
    *,
    by: str = "label",
    group: int | None = None,
    legend: str = "The first card is the longest version. Words in {mark} differ between it and another version.",
    first_tag: bool = True,
) -> str:
    """The versions of each quote side by side (one card per outlet), differences marked.

    Takes the output of :func:`quote_variants`. Outlet names and quotes are escaped.
    """
    _require_columns(variants, ["group", by, "marked"], "variants_html(variants)")
    sample = _MARK_OPEN + "bold, underlined and highlighted</mark>"
    parts = [
        '<div class="quote-variants">',
        '<p class="qv-legend">' + html.escape(legend).replace("{mark}", sample) + "</p>",
    ]
    groups = variants.groupby("group", sort=False)
    for g, sub in groups:
        if group is not None and g != group:
            continue
        parts.append(
            '<div class="qv-group" style="display:flex;flex-wrap:wrap;gap:0.75em;margin:0.5em 0 1.25em">'
        )
        for i, (_, row) in enumerate(sub.iterrows()):
            tag = " (longest version)" if i == 0 and first_tag else ""
            parts.append(
                '<figure class="qv-card" style="flex:1 1 14em;margin:0;padding:0.6em;'
                'border:1px solid #999;border-radius:4px">'
                f"<figcaption><strong>{html.escape(str(row[by]))}</strong>{tag}</figcaption>"
                f"<blockquote style=\"margin:0.4em 0 0\">{row['marked']}</blockquote></figure>"
            )
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


# --------------------------------------------------------------------------------------
# Coverage
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Signal:
    words: tuple  # each: (text, case_sensitive, prefix)


def _parse_signal(text: str) -> _Signal:
    return _parse_signal_in(text, _lexicon())


@lru_cache(maxsize=4096)
def _parse_signal_in(text: str, lex: _Lexicon) -> _Signal:
    """_parse_signal for the word lists ``lex`` (cached: a _Signal is immutable; a changed word
    list is a new ``_Lexicon``, so it is never served the old answer)."""
    words = []
    for m in _TOKEN_RE.finditer(text):
        w = m.group()
        prefix = text[m.end() : m.end() + 1] == "*"
        case = any(ch.isupper() for ch in w)
        key = w if case else _spell(_fold(w), lex.spelling_word, lex.spelling_prefix,
                                    lex.spelling_suffix)
        words.append((key, case, prefix))
    return _Signal(tuple(words))


def load_elements(path: str | Path | None = None) -> list[dict]:
    """The story elements (``data/compare/elements.yml``), checked by ``lessons.datafiles.elements``:
    each needs ``id``, ``label``, ``signals`` (a non-empty list) and ``rationale``; ``requires`` is
    optional. Cached until the file changes; each caller gets its own copy."""
    return elements_file.load(Path(path) if path is not None else _compare_dir() / "elements.yml")


def _sentence_words(text: str):
    return list(_sentence_words_in(text, _lexicon()))


@lru_cache(maxsize=4096)
def _sentence_words_in(text: str, lex: _Lexicon) -> tuple:
    words = []
    for m in _TOKEN_RE.finditer(text):
        w = m.group()
        low = _spell(_fold(w), lex.spelling_word, lex.spelling_prefix, lex.spelling_suffix)
        words.append((w.replace("’", "'"), low))
    return tuple(words)


def _matches(signal: _Signal, words) -> bool:
    k = len(signal.words)
    for i in range(len(words) - k + 1):
        for (key, case, prefix), (orig, low) in zip(signal.words, words[i : i + k]):
            target = orig if case else low
            if case:
                target = re.sub(r"'s$", "", target)
            if not (target.startswith(key) if prefix else target == key):
                break
        else:
            return True
    return False


def _prepared(words) -> tuple:
    """A sentence's words ready for :func:`_matches_prepared`: the case-sensitive forms (with
    "'s" cut, as ``_matches`` compares them), the folded forms, and both as sets."""
    cased = [orig[:-2] if orig.endswith("'s") else orig for orig, _ in words]
    lows = [low for _, low in words]
    return cased, lows, frozenset(cased), frozenset(lows)


def _matches_prepared(signal: _Signal, prepared) -> bool:
    """``_matches(signal, words)`` for ``prepared = _prepared(words)``; the same answer, but a
    signal word that must match exactly and is not in the sentence rejects it at once."""
    cased, lows, cased_set, low_set = prepared
    keys = signal.words
    for key, case, prefix in keys:
        if not prefix and key not in (cased_set if case else low_set):
            return False
    k = len(keys)
    for i in range(len(lows) - k + 1):
        for j, (key, case, prefix) in enumerate(keys):
            target = cased[i + j] if case else lows[i + j]
            if not (target.startswith(key) if prefix else target == key):
                break
        else:
            return True
    return False


def _sentences(text: str) -> pd.DataFrame:
    return sentences(text)


_COVERAGE_COLUMNS = ["article_id", "element", "label", "covered", "n_sentences", "sentence",
                     "start", "end"]

# A heading (a paragraph of its own without a full stop): lessons.text.is_heading.
_is_heading = is_heading


def coverage(articles: pd.DataFrame, elements: list[dict] | None = None) -> pd.DataFrame:
    """Which story elements each article covers: one row per article and element.

    Columns: ``article_id, element, label, covered`` (bool), ``n_sentences`` (how many
    sentences mention it), ``sentence`` (the first one, '' if none) and ``start, end`` (its
    offsets in ``body``, -1 if none). The sentence shown is the first one that is not a
    heading (a paragraph of its own without a full stop, such as a live blog's crosshead); a
    heading is shown only when no other sentence mentions the element. ``articles`` needs
    ``article_id`` and ``body``; the elements come from ``data/compare/elements.yml`` unless
    given.
    """
    _require_columns(articles, ["article_id", "body"], "coverage(articles)")
    elements = elements if elements is not None else load_elements()
    lex = _lexicon()  # the word lists, looked up once per call (not once per signal and sentence)
    parsed = [
        (e, [_parse_signal_in(s, lex) for s in e["signals"]],
         [_parse_signal_in(s, lex) for s in e.get("requires", [])])
        for e in elements
    ]
    rows = []
    for number, (aid, body) in enumerate(zip(articles["article_id"], articles["body"]), start=1):
        if aid is None or (isinstance(aid, float) and math.isnan(aid)):
            raise LessonsDataError(f"coverage(articles): row {number} has no article_id")
        if not isinstance(body, str):
            raise LessonsDataError(f"coverage(articles): body of {aid!r} is not a string")
        sents = _sentences(body)
        words = [_prepared(list(_sentence_words_in(t, lex))) for t in sents["text"]]
        for e, signals, requires in parsed:
            hits = [
                k for k, w in enumerate(words)
                if any(_matches_prepared(s, w) for s in signals)
                and (not requires or any(_matches_prepared(s, w) for s in requires))
            ]
            body_hits = [k for k in hits
                         if not _is_heading(body, int(sents.iloc[k]["start"]), int(sents.iloc[k]["end"]))]
            first = sents.iloc[(body_hits or hits)[0]] if hits else None
            rows.append({
                "article_id": aid, "element": e["id"], "label": e["label"],
                "covered": bool(hits), "n_sentences": len(hits),
                "sentence": first["text"] if hits else "",
                "start": int(first["start"]) if hits else -1,
                "end": int(first["end"]) if hits else -1,
            })
    return pd.DataFrame(rows, columns=_COVERAGE_COLUMNS).astype(_COVERAGE_DTYPES)


_COVERAGE_DTYPES = {"covered": "bool", "n_sentences": "int64", "start": "int64", "end": "int64"}


def _covered(cov: pd.DataFrame) -> pd.Series:
    """A boolean mask of the covered rows (True only for a true value: an empty or odd column
    is still a mask, never a list of column names)."""
    return cov["covered"].map(lambda v: v is True or (isinstance(v, (bool, np.bool_)) and bool(v))).astype(bool)


def coverage_matrix(cov: pd.DataFrame) -> pd.DataFrame:
    """Article × element table of True/False, elements in data-file order."""
    _require_columns(cov, ["article_id", "element", "covered"], "coverage_matrix(cov)")
    if cov["article_id"].isna().any() or cov["element"].isna().any():
        raise LessonsDataError("coverage_matrix(cov): every row needs an article_id and an element")
    twice = cov.duplicated(["article_id", "element"])
    if twice.any():
        first = cov.loc[twice].iloc[0]
        raise LessonsDataError(
            f"coverage_matrix(cov): article_id {first['article_id']!r} appears more than once for element "
            f"{first['element']!r}; give each article a unique article_id")
    m = cov.assign(covered=_covered(cov)).pivot(index="article_id", columns="element", values="covered")
    return m.loc[list(dict.fromkeys(cov["article_id"])), list(dict.fromkeys(cov["element"]))]


def only_one_source(cov: pd.DataFrame) -> pd.DataFrame:
    """Elements exactly one article covers: ``element, label, article_id, sentence``."""
    _require_columns(cov, ["article_id", "element", "label", "covered", "sentence"],
                     "only_one_source(cov)")
    hit = cov[_covered(cov)]
    counts = hit.groupby("element")["article_id"].nunique()
    single = counts[counts == 1].index
    out = hit[hit["element"].isin(single)][["element", "label", "article_id", "sentence"]]
    return out.reset_index(drop=True)


def left_out(cov: pd.DataFrame) -> pd.DataFrame:
    """What each article leaves out that at least one other article covers.

    Columns: ``article_id, element, label, covered_by`` (list of the articles that have it).
    """
    _require_columns(cov, ["article_id", "element", "label", "covered"], "left_out(cov)")
    covered = _covered(cov)
    by_element = cov[covered].groupby("element")["article_id"].apply(list)
    rows = []
    for _, r in cov[~covered].iterrows():
        others = by_element.get(r["element"], [])
        if others:
            rows.append({"article_id": r["article_id"], "element": r["element"],
                         "label": r["label"], "covered_by": list(others)})
    return pd.DataFrame(rows, columns=["article_id", "element", "label", "covered_by"])


def coverage_exercise(cov: pd.DataFrame, element: str, labels: dict | None = None) -> dict:
    """A 'which reports leave this out?' exercise for ``lessons.exercises.show``, computed
    from :func:`coverage`, so the answer always follows the data.

    ``labels`` maps article_id to the name shown (default: the article_id). The feedback on
    each option quotes the sentence that covers the element, or says that none does.
    """
    _require_columns(cov, ["article_id", "element", "label", "covered", "sentence"],
                     "coverage_exercise(cov)")
    rows = cov[cov["element"] == element]
    if rows.empty:
        raise LessonsDataError(f"coverage_exercise: no element {element!r} in the coverage table")
    labels = labels or {}
    names = [str(labels.get(a, a)) for a in rows["article_id"]]
    missing = [i for i, c in enumerate(rows["covered"]) if not c]
    what = rows["label"].iloc[0]
    feedback = []
    for name, (_, r) in zip(names, rows.iterrows()):
        if r["covered"]:
            feedback.append(f"{name} does mention it: “{r['sentence']}”")
        else:
            feedback.append(f"No sentence in {name} mentions it.")
    if not missing:
        raise LessonsDataError(
            f"coverage_exercise: every article covers {element!r}; nothing is left out")
    from lessons.tables import join_names  # here: lessons.tables imports this module

    have = [n for n, c in zip(names, rows["covered"]) if c]
    gone = [names[i] for i in missing]
    said = (f"{join_names(have)} {'mentions' if len(have) == 1 else 'mention'} it; "
            f"{join_names(gone)} {'does' if len(gone) == 1 else 'do'} not." if have
            else "None of the reports mentions it.")
    return {
        "id": elements_file.left_out_id(element),
        "type": "multi",
        "prompt": f"Which reports never mention this part of the story: {what}?",
        "options": names,
        "answer": missing,
        "feedback": feedback,
        "explanation": (
            f"{said} A report that leaves something out is not necessarily wrong, but a reader of that "
            "report alone would not know it."
        ),
        "source": "Computed by lessons.compare.coverage with the signal words in data/compare/elements.yml.",
    }
