"""find_reuse on large stress archives (issue 20): time, peak memory and candidate pairs.

    .venv/bin/python benchmarks/archive.py 2000 8000 32000   # writes benchmarks/results/archive.json
    .venv/bin/python benchmarks/archive.py --out x.json 1000  # somewhere else

Each size runs in its own child process, so its peak resident memory is its own. The report
gives the growth exponent between the measured sizes and extrapolates to 100,000 articles from
the largest one with that exponent (never less than linear), saying that it is an estimate.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402

TARGET = 100_000  # the archive size the report speaks about


def one(n: int) -> dict:
    """One archive of ``n`` stress articles, measured in this process."""
    import pandas as pd

    from lessons import compare
    from lessons.reuse import _PARTITIONS, _REUSE_CHUNK, find_reuse

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    docs, planted = h.stress_corpus(n)
    frame = pd.DataFrame(docs)
    words = sum(len(d["body"].split()) for d in docs)
    body_mib = sum(len(d["body"].encode()) for d in docs) / 2**20
    del docs
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verify = {"pairs": 0, "cpu": 0.0, "candidates": 0, "analyses": 0}
    real, real_bound, real_analyse = compare._passage_rows, compare._substantive_bound, compare._analyse_in

    def analysed(*args):  # articles analysed, again when one let go is needed for a pair
        verify["analyses"] += 1
        return real_analyse(*args)

    def counted(*args, **kw):  # candidate pairs aligned in detail, and their CPU time
        c = time.process_time()
        out = real(*args, **kw)
        verify["cpu"] += time.process_time() - c
        verify["pairs"] += 1
        return out

    def bound(*args):  # every candidate pair meets the quick test first
        verify["candidates"] += 1
        return real_bound(*args)

    compare._passage_rows, compare._substantive_bound, compare._analyse_in = counted, bound, analysed
    c0, t0 = time.process_time(), time.perf_counter()
    result = find_reuse(frame)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    compare._passage_rows, compare._substantive_bound, compare._analyse_in = real, real_bound, real_analyse
    found = h.found_pairs(result)
    s = h.pair_scores(found, planted)
    return {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "load_start": load,
            "load_end": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
            "articles": n, "words": words, "seconds": wall, "cpu_seconds": cpu, "chunk_size": _REUSE_CHUNK,
            "partitions": _PARTITIONS if n > _REUSE_CHUNK else 1,
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_before_find_reuse_mib": rss_before, "body_mib": body_mib,
            "candidates": verify["candidates"], "aligned": verify["pairs"], "verify_cpu_seconds": verify["cpu"],
            "analyses": verify["analyses"],
            "recall": s["recall"], "spurious": s["spurious"], "passages": len(result),
            "spurious_pairs": spurious_families(found - planted, result)}


def _family(article_id: str) -> int:
    return int(article_id[1:].split("m")[0])  # stress ids are s<family>m<member>


def spurious_families(pairs: set, result) -> dict:
    """Why pairs of different families were found: for each, the share of the reports'
    vocabulary that the two families' word mappings render with the same word (two unrelated
    families: about 1 in the vocabulary size), and for a few, the passage they share."""
    from lessons.corpus import load_articles

    vocab, _ = h._report_vocabulary(load_articles(), h._function_words())
    rank = {w: i for i, w in enumerate(vocab)}
    shares = {}
    for a, b in sorted(pairs):
        fa, fb = _family(a), _family(b)
        if (fa, fb) not in shares:
            same = sum(h._permuted(w, fa, vocab, rank) == h._permuted(w, fb, vocab, rank) for w in vocab)
            shares[(fa, fb)] = same / len(vocab)
    values = sorted(shares.values())
    examples = []
    for a, b in sorted(pairs)[:3]:
        row = result[((result.article_a == a) & (result.article_b == b)) | ((result.article_a == b) & (result.article_b == a))].iloc[0]
        examples.append({"a": a, "b": b, "a_text": row.a_text, "b_text": row.b_text, "share": shares[(_family(a), _family(b))]})
    return {"pairs": len(pairs), "family_pairs": len(shares), "vocabulary": len(vocab),
            "share_min": values[0] if values else None, "share_median": values[len(values) // 2] if values else None,
            "examples": examples}


def summary(runs: list[dict]) -> dict:
    """Growth exponents between the measured sizes and the extrapolation to ``TARGET``."""
    runs = sorted(runs, key=lambda r: r["articles"])
    out = {"runs": runs, "target": TARGET}
    if len(runs) >= 2:
        a, b = runs[-2], runs[-1]
        out["exponent_wall"] = h.growth_exponent([a, b], "seconds")
        out["exponent_cpu"] = h.growth_exponent([a, b], "cpu_seconds")
    big = runs[-1]
    k = max(1.0, out.get("exponent_cpu") or 1.0)
    factor = (TARGET / big["articles"]) ** k
    out["extrapolated_exponent"] = k
    out["extrapolated_s"] = big["seconds"] * factor
    out["extrapolated_cpu_s"] = big["cpu_seconds"] * factor
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sizes", nargs="*", type=int, default=[2_000, 8_000])
    ap.add_argument("--out", type=Path, default=h.BENCH / "results" / "archive.json")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child: measure one size, print JSON
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one(args.one)))
        return 0
    runs = []
    for n in args.sizes:
        child = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        runs.append(json.loads(child.stdout.strip().splitlines()[-1]))
        print(json.dumps(runs[-1]), flush=True)
        args.out.write_text(json.dumps(summary(runs), indent=1), encoding="utf-8")  # kept after each size
    print(json.dumps(summary(runs), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
