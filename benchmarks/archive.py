"""find_reuse on a large stress archive (issue 20): time and peak memory, one run.

    benchmarks/.venv/bin/python benchmarks/archive.py 10000   # writes benchmarks/results/archive.json

A full 100,000-article run takes long on a shared 2-core machine; the report extrapolates
linearly from the measured size (find_reuse grows linearly, see the growth exponents).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    n = int(argv[0]) if argv else 10_000
    out = Path(argv[1]) if len(argv) > 1 else h.BENCH / "results" / "archive.json"
    import pandas as pd

    from lessons.reuse import _REUSE_CHUNK, find_reuse

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    docs, planted = h.stress_corpus(n)
    frame = pd.DataFrame(docs)
    words = sum(len(d["body"].split()) for d in docs)
    body_mib = sum(len(d["body"].encode()) for d in docs) / 2**20
    del docs
    c0, t0 = time.process_time(), time.perf_counter()
    result = find_reuse(frame)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = h.pair_scores(h.found_pairs(result), planted)
    rec = {"date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "load_start": load, "load_end": ", ".join(f"{x:.1f}" for x in os.getloadavg()),
           "articles": n, "words": words, "seconds": wall, "cpu_seconds": cpu, "chunk_size": _REUSE_CHUNK,
           "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "body_mib": body_mib,
           "recall": s["recall"], "spurious": s["spurious"], "passages": len(result),
           "extrapolated_100k_s": wall * 100_000 / n, "extrapolated_100k_cpu_s": cpu * 100_000 / n}
    out.write_text(json.dumps(rec, indent=1), encoding="utf-8")
    print(json.dumps(rec, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
