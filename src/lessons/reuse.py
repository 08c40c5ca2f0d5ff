"""Shared copy across a whole corpus: which pairs of articles print the same passages.

``find_reuse(articles)`` does not compare every pair. Each article becomes a set of word
shingles (64-bit integer keys, made with numpy); shingles printed by more than a few percent
of the articles are stock phrases or boilerplate and are dropped; only pairs that share
enough of the remaining shingles are aligned in detail with the passage alignment of
:func:`lessons.compare.shared_passages`. The index is streamed: articles are analysed a chunk
at a time, and in a large archive the keys are written to temporary files in partitions (by
key), so the memory needed is one partition's, not the whole archive's.

``lessons.compare.find_reuse`` is this same function.
"""

from __future__ import annotations

import array
import contextlib
import dataclasses
import math
import pickle
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from lessons import compare as _compare
from lessons.errors import LessonsDataError

__all__ = ["find_reuse"]

_REUSE_CHUNK = 2000  # articles analysed per chunk; at most this many analysed articles are kept
_MIN_DF_CAP = 10  # the stock-phrase cap is never below this (small corpora keep every shingle)
_DF_SHARE = 0.03  # by default a shingle in more than 3% of the articles is a stock phrase
_MAX_DF_CAP = 50  # ...and in more than 50 articles of a large archive (keeps the pair count linear)
_STOCK_SHARE = 0.005  # a word pair in more than 0.5% of a large archive (and the shingle cap) is stock
_PARTITIONS = 16  # key partitions written to disk when the corpus is larger than one chunk
_MIX = np.uint64(0x9E3779B97F4A7C15)
_PAIR_BLOCK = 4_000_000  # postings whose pairs are counted at once (bounds memory)
_SAME_SENTENCE = 3  # a candidate pair shares at least this many of its shingles in one pair of sentences
_SENTENCE_BITS = 12  # sentence numbers are kept modulo 2**12 in the pair codes


def _sentence_bits(n: int) -> int:
    """Bits for a sentence number in a pair code of ``n`` articles (fewer when ``n`` is huge,
    so that the code fits in 63 bits; a shared number only makes the filter looser)."""
    return max(0, min(_SENTENCE_BITS, (62 - 2 * max(1, n).bit_length()) // 2))


def _caps(n: int, max_df: int | None) -> tuple[int, int]:
    """(shingle cap, stock word-pair cap) for ``n`` articles. Shingles in more than the first
    are left out of the candidate pairs: 3% of the articles, at least ``_MIN_DF_CAP``, at most
    ``_MAX_DF_CAP`` (this keeps the pairs counted linear). Word pairs in more than the second are
    stock phrases that the alignment ignores: the same number, or ``_STOCK_SHARE`` of the
    articles if that is more. It grows with the archive because the alignment only sees
    candidate pairs: with a fixed limit, the word pairs of a large archive's shared text (and
    of wire copy that many outlets printed) would count as stock phrases, and the passages
    that hold them would no longer be found."""
    if max_df is not None:
        return max_df, max_df
    cap = max(_MIN_DF_CAP, min(_MAX_DF_CAP, math.ceil(_DF_SHARE * n)))
    return cap, max(cap, math.ceil(_STOCK_SHARE * n))


class _Vocab(dict):
    """Stem -> corpus-wide integer; a new stem gets the next number when first looked up."""

    def __missing__(self, stem):
        number = self[stem] = len(self)
        return number


def _token_ids(d, vocab: _Vocab) -> np.ndarray:
    """Each token's stem as a corpus-wide integer (one dictionary for the whole corpus)."""
    return np.fromiter(map(vocab.__getitem__, d.stem), dtype=np.int64, count=len(d.stem))


def _shingle_keys(d, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """64-bit keys of the distinct shingles of ``d`` (runs of ``k`` words inside one sentence
    with at least two content words; vectorised: no Python loop over the words), and the
    sentence (segment) where each is first found."""
    m = len(ids) - k + 1
    if m <= 0:
        return np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    ok = d.segment[:m] == d.segment[k - 1 :]
    csum = np.concatenate(([0], np.cumsum(d.content, dtype=np.int64)))
    ok &= (csum[k:] - csum[:m]) >= 2
    u = ids.astype(np.uint64)
    key = np.zeros(m, dtype=np.uint64)
    for t in range(k):  # multiply-xor mixing of the k word ids (wraps modulo 2**64)
        key = (key * _MIX) ^ (u[t : t + m] + np.uint64(t + 1))
    keys, first = np.unique(key[ok], return_index=True)
    return keys, d.segment[:m][ok][first]


def _word_pairs(d, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions and exact integer keys of the word pairs of ``compare._pair_table`` (two
    neighbours in one sentence, at least one a content word)."""
    m = len(ids) - 1
    if m <= 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ok = (d.segment[:m] == d.segment[1:]) & (d.content[:m] | d.content[1:])
    pos = np.flatnonzero(ok)
    return pos, (ids[pos] << 32) | ids[pos + 1]


def _partition_of(keys: np.ndarray, parts: int) -> np.ndarray:
    """A well-mixed partition number for each key (the top bits of key * an odd constant)."""
    mixed = keys.astype(np.uint64, copy=False) * _MIX
    return (mixed >> np.uint64(32)) % np.uint64(parts)


class _KeyStore:
    """(key, posting) pairs of the whole corpus, added a chunk at a time and read back one
    key partition at a time; a posting is ``document << bits | sentence`` (``bits`` low bits
    for the sentence number modulo ``2**bits``, so postings sort by document). With one partition they stay in memory; with more, each chunk's
    postings are written to a temporary folder, split by key, so reading a partition needs
    memory for that partition only."""

    def __init__(self, parts: int, folder: str | None, name: str):
        self.parts, self.chunks = parts, 0
        self.folder = Path(folder) if folder else None
        self.name = name
        self.memory: list[tuple[np.ndarray, np.ndarray]] = []

    def add(self, keys: list[np.ndarray], first_doc: int, segs: list[np.ndarray] | None = None, bits: int = 0):
        if not keys:
            return
        allk = np.concatenate(keys)
        docs = np.repeat(np.arange(first_doc, first_doc + len(keys), dtype=np.int64) << bits, [len(k) for k in keys])
        if segs is not None and bits:
            docs |= np.concatenate(segs) & ((1 << bits) - 1)
        if self.parts == 1:
            self.memory.append((allk, docs))
            return
        part = _partition_of(allk, self.parts)
        order = np.argsort(part, kind="stable")
        allk, docs, part = allk[order], docs[order], part[order]
        cuts = np.searchsorted(part, np.arange(self.parts + 1, dtype=np.uint64))
        for p in range(self.parts):
            a, b = cuts[p], cuts[p + 1]
            np.save(self.folder / f"{self.name}k{p}_{self.chunks}.npy", allk[a:b])
            np.save(self.folder / f"{self.name}d{p}_{self.chunks}.npy", docs[a:b])
        self.chunks += 1

    def partitions(self):
        """For each partition: (distinct keys, document frequency, postings sorted by key then
        document, start of each key's postings)."""
        if self.parts == 1:
            loaded = [self.memory]
            self.memory = []
        else:
            loaded = ([(np.load(self.folder / f"{self.name}k{p}_{c}.npy"), np.load(self.folder / f"{self.name}d{p}_{c}.npy"))
                       for c in range(self.chunks)] for p in range(self.parts))
        for pieces in loaded:
            if not pieces:
                continue
            allk = np.concatenate([k for k, _ in pieces])
            docs = np.concatenate([d for _, d in pieces])
            del pieces
            if not len(allk):
                continue
            order = np.lexsort((docs, allk))
            allk, docs = allk[order], docs[order]
            uniq, start, df = np.unique(allk, return_index=True, return_counts=True)
            yield uniq, df, docs, start


def _pair_counts(df: np.ndarray, docs: np.ndarray, start: np.ndarray, n: int, cap: int, bits: int,
                 block: int = _PAIR_BLOCK) -> tuple[np.ndarray, np.ndarray]:
    """(code, number of shared keys) over the keys held by 2..``cap`` documents of one
    partition, for each pair of documents i < j and pair of their sentences si, sj: the code
    is ``(i * n + j) << 2 * bits | si << bits | sj`` (``docs``: postings as in
    :class:`_KeyStore`). Vectorised per posting-list length, at most ``block`` pairs at a time."""
    low = (1 << bits) - 1
    parts_codes, parts_counts = [], []
    for size in np.unique(df[(df >= 2) & (df <= cap)]).tolist():
        groups = np.flatnonzero(df == size)
        iu, ju = np.triu_indices(size, 1)
        step = max(1, block // len(iu))
        for g0 in range(0, len(groups), step):
            g = groups[g0 : g0 + step]
            rows = docs[start[g][:, None] + np.arange(size)]  # sorted rows
            a, b = rows[:, iu].ravel(), rows[:, ju].ravel()
            code = (((a >> bits) * n + (b >> bits)) << (2 * bits)) | ((a & low) << bits) | (b & low)
            c, k = np.unique(code, return_counts=True)
            parts_codes.append(c)
            parts_counts.append(k)
    return _sum_counts(parts_codes, parts_counts)


class _RangeStore:
    """(code, count) arrays split into ``parts`` ranges of code values (below ``limit``), kept
    in memory or, with a folder, written to it; read back one range at a time."""

    def __init__(self, parts: int, folder: str | None, limit: int):
        self.parts, self.folder, self.written = parts, Path(folder) if folder else None, 0
        self.bounds = np.linspace(0, limit, parts + 1).astype(np.int64)
        self.memory: list[list] = [[] for _ in range(parts)]

    def add(self, codes: np.ndarray, counts: np.ndarray):
        cuts = np.searchsorted(codes, self.bounds[1:-1])  # codes are sorted
        for r, (a, b) in enumerate(zip([0, *cuts.tolist()], [*cuts.tolist(), len(codes)])):
            if self.folder is None:
                self.memory[r].append((codes[a:b], counts[a:b]))
            else:
                np.save(self.folder / f"rangec{r}_{self.written}.npy", codes[a:b])
                np.save(self.folder / f"rangek{r}_{self.written}.npy", counts[a:b])
        self.written += 1

    def ranges(self):
        for r in range(self.parts):
            if self.folder is None:
                pieces, self.memory[r] = self.memory[r], []
            else:
                pieces = [(np.load(self.folder / f"rangec{r}_{w}.npy"), np.load(self.folder / f"rangek{r}_{w}.npy"))
                          for w in range(self.written)]
            yield [c for c, _ in pieces], [k for _, k in pieces]


def _sum_counts(codes: list[np.ndarray], counts: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Add up the counts of equal codes over several (codes, counts) arrays."""
    if not codes:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    c, k = np.concatenate(codes), np.concatenate(counts)
    order = np.argsort(c, kind="stable")
    c, k = c[order], k[order]
    uniq, first = np.unique(c, return_index=True)
    return uniq, np.add.reduceat(k, first) if len(c) else k


class _DocStore:
    """Analysed articles with their token ids and word-pair index, at most ``keep`` of them in
    memory (the most recently used). With a ``folder``, every article is analysed once: each
    chunk's analyses (without the text, which the caller keeps) are written to one file there,
    and one that was let go is read back from it (about ten times cheaper than analysing it
    again); without a folder (a corpus of one chunk) every article stays in memory."""

    def __init__(self, bodies, keep: int, vocab: _Vocab, folder: str | None = None):
        self.bodies, self.keep, self.vocab, self.docs = bodies, keep, vocab, {}
        lex = _compare._lexicon()  # the word lists, looked up once per find_reuse
        self.analyse = lambda text: _compare._analyse_in(text, lex)  # no cache: each body once
        self.stock = None
        self.folder = Path(folder) if folder else None
        self.where = np.full((len(bodies), 2), -1, dtype=np.int64)  # (file, offset) per article
        self.files: dict[int, object] = {}
        self.out = None  # (number, file) of the chunk being written
        self.analysed = np.zeros(len(bodies), dtype=np.int64)  # analyses per article (a check)
        self.norms = _Vocab()  # spelling -> number, for the files (words read back share one string)
        self.words: tuple[list, list] | None = None  # number -> stem, number -> spelling

    def read(self, i: int):
        """Analyse article ``i`` (counted), for the index."""
        self.analysed[i] += 1
        return self.analyse(self.bodies[i])

    def spill(self, number: int, items):
        """Write (article, analysis, token ids) of ``items`` to file ``number`` of the folder."""
        self.open_chunk(number)
        try:
            for item in items:
                self.write(*item)
        finally:
            self.close_chunk()

    def open_chunk(self, number: int):
        self.out = None if self.folder is None else (number, open(self.folder / f"docs{number}.pkl", "wb"))  # noqa: SIM115

    def write(self, i: int, doc, tok: np.ndarray):
        """Append one analysed article to the open chunk file (nothing without a folder)."""
        if self.out is None:
            return
        number, f = self.out
        self.where[i] = (number, f.tell())
        norm = np.fromiter(map(self.norms.__getitem__, doc.norm), dtype=np.int64, count=len(doc.norm))
        small = dataclasses.replace(doc, text="", norm=norm, stem=[])  # words as numbers
        pickle.dump((small, tok), f, protocol=pickle.HIGHEST_PROTOCOL)

    def close_chunk(self):
        if self.out is not None:
            self.out[1].close()
            self.out = None

    def put(self, i: int, doc, tok: np.ndarray):
        if len(self.docs) < self.keep:
            self.docs[i] = [doc, tok, None, None]

    def _load(self, i: int) -> list:
        number, offset = self.where[i].tolist()
        if number < 0:  # never written (no folder): analysed again
            doc = self.read(i)
            return [doc, _token_ids(doc, self.vocab), None, None]
        f = self.files.get(number)
        if f is None:
            f = self.files[number] = open(self.folder / f"docs{number}.pkl", "rb")  # noqa: SIM115
        f.seek(offset)
        doc, tok = pickle.load(f)  # our own file, written by spill() in this call
        if self.words is None:
            self.words = list(self.vocab), list(self.norms)  # numbers were given in this order
        stems, norms = self.words
        doc = dataclasses.replace(doc, text=self.bodies[i], stem=list(map(stems.__getitem__, tok.tolist())),
                                  norm=list(map(norms.__getitem__, doc.norm.tolist())))
        return [doc, tok, None, None]

    def close(self):
        for f in self.files.values():
            f.close()
        self.files = {}

    def get(self, i: int) -> list:
        """[doc, token ids, (word-pair table, stock-word mask), plain-word cover] of article ``i``."""
        entry = self.docs.pop(i, None)
        if entry is None:
            entry = self._load(i)
            if len(self.docs) >= self.keep:
                self.docs.pop(next(iter(self.docs)))
        if entry[2] is None:
            doc, tok = entry[0], entry[1]
            entry[2] = _compare._pair_table(doc, tok, self.stock)
            entry[3] = _compare._plain_cover(doc, tok, entry[2][1])
        self.docs[i] = entry  # most recently used last
        return entry


def find_reuse(
    articles: pd.DataFrame,
    *,
    shingle: int = 3,
    min_shared: int = 3,
    max_df: int | None = None,
    chunk_size: int = _REUSE_CHUNK,
    **passage_options,
) -> pd.DataFrame:
    """Shared passages between every pair of articles that really share text.

    ``articles`` needs ``article_id`` and ``body``. Returns one row per passage with
    ``article_a, article_b`` and the columns of :func:`lessons.compare.shared_passages`
    (offsets index each article's ``body``).

    It does not compare every pair. Each article becomes a set of word shingles (runs of
    ``shingle`` normalised words with at least two content words). Shingles found in more
    than ``max_df`` articles are stock phrases ('the interior ministry said') or agency
    boilerplate and are dropped; by default the cap is 3% of the articles, never below 10
    (a small corpus keeps every shingle) and never above 50 (in a large archive, text printed
    by more than 50 articles is treated as stock text unless ``max_df`` says otherwise: this
    keeps the number of candidate pairs linear). Only pairs of articles that share ``min_shared``
    of the remaining shingles, at least three of them (or ``min_shared``, if fewer) in one pair
    of sentences, are aligned in detail: reuse puts several shared shingles in one sentence (a
    run of five words, or a lightly edited sentence), while chance matches of common words are
    scattered over the article, and in a large archive they would make the candidate pairs grow
    with the square of the number of articles. That alignment ignores the word pairs
    that are stock phrases of the corpus in the same sense (in a large archive: in more than
    0.5% of the articles, if that is more than 50), and their words do not count towards
    ``min_content``. The work grows with the number of words, not with the square of
    the number of articles. Articles are indexed ``chunk_size`` at a time and at most that many
    analysed articles are kept in memory; a corpus larger than one chunk has its index written
    to a temporary folder in partitions, so a large archive needs memory for one partition.
    """
    _compare._require_columns(articles, ["article_id", "body"], "find_reuse(articles)")
    ids = articles["article_id"].tolist()
    if len(set(ids)) != len(ids):
        raise LessonsDataError("find_reuse(articles): article_id values must be unique")
    bodies = []
    for aid, body in zip(ids, articles["body"].tolist()):
        if not isinstance(body, str):
            raise LessonsDataError(f"find_reuse(articles): body of {aid!r} is not a string")
        bodies.append(body)
    for name, value in (("shingle", shingle), ("min_shared", min_shared), ("chunk_size", chunk_size)):
        if not isinstance(value, int) or value < 1:
            raise LessonsDataError(f"find_reuse: {name} must be a positive integer, not {value!r}")
    n = len(ids)
    cap, stock_cap = _caps(n, max_df)
    parts = 1 if n <= chunk_size else _PARTITIONS
    bits = _sentence_bits(n)
    spill = tempfile.TemporaryDirectory(prefix="lessons-reuse-") if parts > 1 else contextlib.nullcontext()
    with spill as tmp:
        shingles, pairs = _KeyStore(parts, tmp, "shingle"), _KeyStore(parts, tmp, "pair")
        # 1. index, chunk by chunk: integer keys per article, written out by partition
        vocab = _Vocab()
        store = _DocStore(bodies, chunk_size, vocab, tmp)
        for c0 in range(0, n, chunk_size):
            sk, pk = [], []
            ss = []
            store.open_chunk(c0 // chunk_size)
            for i in range(c0, min(n, c0 + chunk_size)):
                doc = store.read(i)
                tok = _token_ids(doc, vocab)
                keys, segs = _shingle_keys(doc, tok, shingle)
                sk.append(keys)
                ss.append(segs)
                pk.append(np.unique(_word_pairs(doc, tok)[1]).view(np.uint64))
                store.put(i, doc, tok)
                store.write(i, doc, tok)  # written now: the chunk's analyses are not all kept
            shingles.add(sk, c0, ss, bits)
            pairs.add(pk, c0)
            store.close_chunk()
            del sk, ss, pk
        # 2. candidates: pairs sharing enough shingles that are not stock phrases; the counts
        # per pair of articles and of sentences are split by pair into ranges (on disk in a
        # large corpus), so that adding them up needs one range in memory at a time
        ranges = _RangeStore(parts, tmp, n * n << (2 * bits))
        for _, df, docs, start in shingles.partitions():
            ranges.add(*_pair_counts(df, docs, start, n, cap, bits))
        found = []
        for c, k in ranges.ranges():
            codes, counts = _sum_counts(c, k)
            pair = codes >> (2 * bits)
            codes, first = np.unique(pair, return_index=True)
            total = np.add.reduceat(counts, first) if len(pair) else counts
            best = np.maximum.reduceat(counts, first) if len(pair) else counts
            found.append(codes[(total >= min_shared) & (best >= min(_SAME_SENTENCE, min_shared))])
        codes = np.concatenate(found) if found else np.empty(0, dtype=np.int64)
        stock = [keys[df > stock_cap] for keys, df, _, _ in pairs.partitions()]
        store.stock = np.sort(np.concatenate(stock)).view(np.int64) if stock else np.empty(0, dtype=np.int64)
        # 3. verify each candidate pair in detail
        options = {"min_words": 8, "min_content": 4, "min_score": 0.5, **passage_options}
        rows = _Columns()
        try:
            for code in codes.tolist():
                i, j = divmod(code, n)
                di, tok_i, (index_i, stock_i), cover_i = store.get(i)
                dj, tok_j, (index_j, _), cover_j = store.get(j)
                if _compare._substantive_bound(cover_i, cover_j) < options["min_content"]:
                    continue  # no passage can have min_content substantive words: nothing to align
                pair_rows = _compare._passage_rows(bodies[i], bodies[j], di, dj, index_a=index_i, index_b=index_j,
                                                   stock_a=stock_i, tok_a=tok_i, tok_b=tok_j, **options)
                pair_rows.sort(key=lambda r: (r["a_start"], r["b_start"]))
                rows.extend(ids[i], ids[j], pair_rows)
        finally:
            store.close()
    return rows.frame()


class _Columns:
    """find_reuse's result, gathered column by column: numbers in typed arrays (8 bytes a
    value), texts and article ids in lists, instead of a dict per passage (a large archive
    finds hundreds of thousands). ``frame()`` gives the same frame as
    ``compare._passage_frame`` on the rows as dicts: same columns, values and dtypes."""

    _NUMBERS = {c: ("d" if t == "float64" else "q") for c, t in _compare._PASSAGE_DTYPES.items()}

    def __init__(self):
        self.numbers = {c: array.array(code) for c, code in self._NUMBERS.items()}
        self.texts = {c: [] for c in _compare._REUSE_COLUMNS if c not in self._NUMBERS}

    def extend(self, article_a: str, article_b: str, rows: list[dict]) -> None:
        self.texts["article_a"].extend([article_a] * len(rows))
        self.texts["article_b"].extend([article_b] * len(rows))
        for c in ("a_text", "b_text"):
            self.texts[c].extend(r[c] for r in rows)
        for c, values in self.numbers.items():
            values.extend(r[c] for r in rows)

    def frame(self) -> pd.DataFrame:
        if not len(self.numbers["a_start"]):
            return _compare._passage_frame([], _compare._REUSE_COLUMNS)  # the dtypes of an empty result
        cols = {}
        for c in _compare._REUSE_COLUMNS:
            if c in self.numbers:
                cols[c] = np.frombuffer(self.numbers[c], dtype=_compare._PASSAGE_DTYPES[c]).copy()
                self.numbers[c] = None  # let each buffer go once copied
            else:
                cols[c] = self.texts[c]  # dtype inferred as for the dicts
                self.texts[c] = None
        return pd.DataFrame(cols, columns=_compare._REUSE_COLUMNS)

