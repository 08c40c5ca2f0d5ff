"""lessons.reuse (issue 20): the streamed index, the candidate step, compare.find_reuse."""

import inspect
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from lessons import compare, reuse

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import harness  # noqa: E402


def test_compare_find_reuse_is_the_reuse_module_function():
    assert compare.find_reuse is reuse.find_reuse
    from lessons.compare import find_reuse

    assert find_reuse is reuse.find_reuse
    assert list(inspect.signature(find_reuse).parameters) == [
        "articles", "shingle", "min_shared", "max_df", "chunk_size", "passage_options"]


def _aligned(monkeypatch, bodies):
    calls = []
    real = compare._passage_rows

    def spy(a, b, *args, **kw):
        calls.append((a, b))
        return real(a, b, *args, **kw)

    monkeypatch.setattr(compare, "_passage_rows", spy)
    out = reuse.find_reuse(pd.DataFrame({"article_id": [f"a{i}" for i in range(len(bodies))], "body": bodies}))
    return calls, out


FILLER = ["The council met in the town hall.", "Nobody was hurt.", "The roads were quiet."]
OTHER = ["Schools reopened after the storm.", "Prices rose again in March.", "A new bridge is planned."]


def test_shingles_scattered_over_the_articles_are_not_a_candidate(monkeypatch):
    # three rare three-word runs shared by two articles, each in a different sentence:
    # chance, not copy; no alignment is attempted
    runs = ["purple walrus ballet", "copper kettle orchestra", "velvet glacier parade"]
    a = " ".join(f"{FILLER[k]} Then came a {r} on Sunday." for k, r in enumerate(runs))
    b = " ".join(f"Later a {r} was seen. {OTHER[k]}" for k, r in enumerate(runs))
    calls, out = _aligned(monkeypatch, [a, b])
    assert calls == [] and out.empty


def test_shingles_together_in_one_sentence_are_a_candidate(monkeypatch):
    wire = "The purple walrus ballet toured the copper kettle orchestra halls all winter long."
    a = f"{FILLER[0]} {wire} {FILLER[1]}"
    b = f"{OTHER[2]} {wire}"
    calls, out = _aligned(monkeypatch, [a, b])
    assert len(calls) == 1
    assert list(zip(out.article_a, out.article_b)) == [("a0", "a1")]
    assert out.a_text.iloc[0] in wire


def test_a_corpus_larger_than_a_chunk_spills_to_a_temporary_folder_that_is_removed(monkeypatch):
    corpus, planted = harness.stress_corpus(30)
    folders = []
    real = tempfile.TemporaryDirectory

    def recording(*args, **kw):
        t = real(*args, **kw)
        folders.append(Path(t.name))
        return t

    monkeypatch.setattr(reuse.tempfile, "TemporaryDirectory", recording)
    frame = pd.DataFrame(corpus)
    in_memory = reuse.find_reuse(frame)
    assert folders == []  # 30 articles fit one chunk: nothing written
    spilled = reuse.find_reuse(frame, chunk_size=4)
    assert len(folders) == 1 and not folders[0].exists()
    pd.testing.assert_frame_equal(spilled, in_memory)
    assert {tuple(sorted(p)) for p in zip(in_memory.article_a, in_memory.article_b)} >= planted


def test_key_partitions_on_disk_equal_the_ones_in_memory(tmp_path):
    rng = np.random.default_rng(3)
    keys = [np.unique(rng.integers(0, 50, size=20).astype(np.uint64)) for _ in range(12)]
    segs = [rng.integers(0, 5, size=len(k)) for k in keys]

    def postings(store):
        store.add(keys[:5], 0, segs[:5], 4)
        store.add(keys[5:], 5, segs[5:], 4)
        out = {}
        for uniq, df, docs, start in store.partitions():
            for u, d, s in zip(uniq.tolist(), df.tolist(), start.tolist()):
                out[u] = docs[s : s + d].tolist()
        return out

    memory = postings(reuse._KeyStore(1, None, "m"))
    disk = postings(reuse._KeyStore(4, str(tmp_path), "d"))
    assert memory == disk and len(memory) == len(set(np.concatenate(keys).tolist()))
    doc_of = {}
    for d, k in enumerate(keys):
        for key in k.tolist():
            doc_of.setdefault(key, []).append(d)
    assert {k: [p >> 4 for p in v] for k, v in memory.items()} == doc_of


def test_pair_counts_add_up_over_ranges(tmp_path):
    codes = [np.array([1, 5, 9, 40], dtype=np.int64), np.array([5, 9, 63], dtype=np.int64)]
    counts = [np.array([1, 2, 1, 1]), np.array([3, 1, 2])]
    for store in (reuse._RangeStore(1, None, 64), reuse._RangeStore(3, str(tmp_path), 64)):
        for c, k in zip(codes, counts):
            store.add(c, k)
        total = {}
        for cs, ks in store.ranges():
            c, k = reuse._sum_counts(cs, ks)
            total.update(zip(c.tolist(), k.tolist()))
        assert total == {1: 1, 5: 5, 9: 2, 40: 1, 63: 2}


def test_pair_codes_fit_in_63_bits_for_any_archive_size():
    for n in (1, 5, 1_000, 100_000, 10**6, 10**8):
        bits = reuse._sentence_bits(n)
        assert 0 <= bits <= 12
        assert (n * n) << (2 * bits) < 2**63
    assert reuse._sentence_bits(100_000) == 12


def test_stress_families_a_vocabulary_apart_get_different_words():
    from lessons.corpus import load_articles

    vocab, _ = harness._report_vocabulary(load_articles(), harness._function_words())
    rank = {w: i for i, w in enumerate(vocab)}
    words = vocab[:40]
    f = 7
    same = [harness._permuted(w, f, vocab, rank) == harness._permuted(w, f + len(vocab), vocab, rank) for w in words]
    assert not any(same)


def _passage_substantive(p, da, stock_a):
    """The substantive words of a passage, counted as compare._passages counts them."""
    matched = np.zeros(p.a1 - p.a0, dtype=bool)
    for t in p.tiles:
        matched[t.a - p.a0 : t.a - p.a0 + t.n] = True
    plain = da.content & ~da.name & ~stock_a
    return int((matched & plain[p.a0 : p.a1]).sum())


def test_substantive_bound_is_never_below_a_passage_found():
    # the quick test that skips a candidate pair must never skip one with a passage: on pairs
    # of a stress corpus (planted and not), the bound is at least every passage's count
    docs, planted = harness.stress_corpus(30)
    lex = compare._lexicon()
    vocab = reuse._Vocab()
    analysed = [compare._analyse_in(d["body"], lex) for d in docs]
    toks = [reuse._token_ids(d, vocab) for d in analysed]
    stock = np.empty(0, dtype=np.int64)
    tables = [compare._pair_table(d, t, stock) for d, t in zip(analysed, toks)]
    covers = [compare._plain_cover(d, t, tb[1]) for d, t, tb in zip(analysed, toks, tables)]
    checked = with_passage = 0
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            found = compare._passages(analysed[i], analysed[j], min_words=3, min_content=1, min_score=0.3,
                                      index_a=tables[i][0], index_b=tables[j][0], stock_a=tables[i][1],
                                      tok_a=toks[i], tok_b=toks[j])
            bound = compare._substantive_bound(covers[i], covers[j])
            for p in found:
                assert _passage_substantive(p, analysed[i], tables[i][1]) <= bound
            checked += 1
            with_passage += bool(found)
    assert checked == 435 and with_passage >= 60


def test_the_quick_test_skips_candidates_without_changing_the_result(monkeypatch):
    # stock phrases around a common word ('near the unrest, state television said') make
    # candidate pairs with no passage; the bound skips them, and the result is the same as
    # when every candidate is aligned
    frame = pd.DataFrame(harness.stress_corpus(200)[0])
    aligned = []
    real = compare._passage_rows

    def spy(*args, **kw):
        aligned.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(compare, "_passage_rows", spy)
    quick = reuse.find_reuse(frame)
    n_quick = len(aligned)
    monkeypatch.setattr(compare, "_substantive_bound", lambda a, b: 10**9)
    aligned.clear()
    every = reuse.find_reuse(frame)
    assert n_quick < len(aligned)
    pd.testing.assert_frame_equal(quick, every)


def _sentence_numbers_from_breaks(text):
    """The sentence number of each word, counted from every break of the text layer."""
    from lessons.text import TOKEN, segment_breaks

    ends = [e for _, e in segment_breaks(text)]
    numbers, k, last = [], 0, None
    for m in TOKEN.finditer(text):
        seen = sum(1 for e in ends if e <= m.start())
        if last is not None and seen != last:
            k += 1
        numbers.append(k)
        last = seen
    return numbers


def test_sentence_numbers_searched_only_in_odd_gaps_equal_every_break():
    # compare._token_lists searches for a break only in gaps that are not one plain space
    import random

    texts = ['He said: "Go." Then he left.\nNext line', "A.B. 3.5 m… Fine?! (Yes.) ‘No’ ok",
             "tabs\tand\u00a0no-break\u2009thin spaces. End", "word\r\n\r\nnext  two  spaces. x", "é\ud800 z. Ü"]
    rng = random.Random(7)
    pieces = list("ab1 .!?…\t\u00a0\u2009\"'”’)]([«,;:-x9") + ["\n", "\r\n", "  ", ". ", ".\" ", "3.5", "’s"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 50))) for _ in range(400)]
    for text in texts:
        assert compare._token_lists(text)[3] == _sentence_numbers_from_breaks(text), text


def test_with_a_small_chunk_size_each_article_is_analysed_once_and_the_frame_is_the_same(monkeypatch):
    # a corpus of many chunks: articles let go of are read back from the temporary folder, not
    # analysed again, and the passages are those of one chunk
    frame = pd.DataFrame(harness.stress_corpus(120)[0])
    counts = []
    real = compare._analyse_in

    def counted(*args):
        counts.append(args[0])
        return real(*args)

    monkeypatch.setattr(compare, "_analyse_in", counted)
    one = reuse.find_reuse(frame)
    assert len(counts) == len(frame)
    for chunk in (7, 25):
        counts.clear()
        small = reuse.find_reuse(frame, chunk_size=chunk)
        assert sorted(counts) == sorted(frame["body"])  # every article exactly once
        pd.testing.assert_frame_equal(small, one)
    assert len(one) > 0


def test_the_article_store_keeps_at_most_its_size_and_reads_back_what_it_let_go(tmp_path):
    bodies = [f"Article {i} says the minister spoke on Friday about plan {i}." for i in range(9)]
    store = reuse._DocStore(bodies, 3, reuse._Vocab(), str(tmp_path))
    items = []
    for i in range(9):
        doc = store.read(i)
        items.append((i, doc, reuse._token_ids(doc, store.vocab)))
        store.put(i, *items[-1][1:])
    store.spill(0, items[:5])
    store.spill(1, items[5:])
    store.stock = np.empty(0, dtype=np.int64)
    try:
        for i in [0, 8, 4, 1, 8, 2, 7, 0]:
            doc, tok, _, _ = store.get(i)
            assert len(store.docs) <= 3
            assert doc.text == bodies[i] and doc.stem == items[i][1].stem and doc.norm == items[i][1].norm
            assert np.array_equal(tok, items[i][2]) and np.array_equal(doc.start, items[i][1].start)
    finally:
        store.close()
    assert store.analysed.tolist() == [1] * 9  # read back from the files, never analysed again


def test_stock_word_pair_cap_grows_with_a_large_archive_and_not_below_the_shingle_cap():
    # a fixed stock cap of 50 made the word pairs of planted copy "stock" in a large archive
    # (recall 0.64 on 20,000 stress articles with both caps at 10, 0.9995 with the stock cap at 100)
    assert reuse._caps(5, None) == (10, 10)  # small corpora, chapter 4: unchanged
    assert reuse._caps(1000, None) == (30, 30)
    assert reuse._caps(10_000, None) == (50, 50)
    assert reuse._caps(20_000, None) == (50, 100)
    assert reuse._caps(100_000, None) == (50, 500)
    assert reuse._caps(100_000, 7) == (7, 7)  # an explicit max_df sets both
    for n in (1, 10, 999, 1667, 5000, 12_345, 10**6):
        cap, stock = reuse._caps(n, None)
        assert 10 <= cap <= 50 and stock >= cap
