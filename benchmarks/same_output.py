"""Check that find_reuse and shared_passages give the same output before and after a change.

    .venv/bin/python benchmarks/same_output.py --save /tmp/before   # on the old code
    .venv/bin/python benchmarks/same_output.py --check /tmp/before  # on the new code

Saved: chapter 4's calls on the five articles (``shared_passages`` of every pair, ``find_reuse``)
and ``find_reuse`` on stress corpora of 60, 100 and 400 articles, plus a synthetic corpus of 100
(and a small chunk size, so the on-disk index is used). ``--check`` prints each case and whether
the frames are identical (values and dtypes), and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import sys
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402


def cases():
    from lessons.compare import shared_passages
    from lessons.corpus import load_articles
    from lessons.reuse import find_reuse

    five = load_articles()
    bodies = dict(zip(five["article_id"], five["body"]))
    pairs = []
    for a, b in combinations(five["article_id"], 2):
        pairs.append(shared_passages(bodies[a], bodies[b]).assign(article_a=a, article_b=b))
    yield "five: shared_passages (every pair)", lambda: pd.concat(pairs, ignore_index=True)
    yield "five: find_reuse", lambda: find_reuse(five)
    for n in (60, 100, 400):
        frame = pd.DataFrame(h.stress_corpus(n)[0])
        yield f"stress {n}: find_reuse", lambda frame=frame: find_reuse(frame)
    synth = pd.DataFrame(h.synthetic_corpus(100)[0])
    yield "synthetic 100: find_reuse", lambda: find_reuse(synth)
    small = pd.DataFrame(h.stress_corpus(100)[0])
    yield "stress 100, chunk_size 30 (index on disk)", lambda: find_reuse(small, chunk_size=30)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    folder = args.save or args.check
    folder.mkdir(parents=True, exist_ok=True)
    bad = 0
    for k, (name, make) in enumerate(cases()):
        c0 = time.process_time()
        got = make()
        cpu = time.process_time() - c0
        path = folder / f"case{k}.pkl"
        if args.save:
            got.to_pickle(path)
            print(f"saved  {name}: {len(got)} rows ({cpu:.2f} CPU s)")
            continue
        want = pd.read_pickle(path)
        same = got.equals(want) and list(got.dtypes) == list(want.dtypes) and list(got.columns) == list(want.columns)
        bad += not same
        print(f"{'same ' if same else 'DIFFERENT'} {name}: {len(got)} rows (saved {len(want)}) ({cpu:.2f} CPU s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
