"""Check that the attribution grammar gives the same output before and after a change.

    .venv/bin/python benchmarks/same_speakers.py --save /tmp/before   # on the old code
    .venv/bin/python benchmarks/same_speakers.py --check /tmp/before  # on the new code

Saved: the speaker of every quotation of the five articles (``corpus.quotes``), the speakers of
the gold cases (``data/gold/speakers.yml``), ``attribution_rows`` of every sentence of the five
articles, and both on generated text (the stress corpus of ``harness.synthetic_corpus``: the
five reports' sentences edited, relexicalised and mixed with filler). ``--check`` prints each
case and whether the output is identical, and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402


def _speakers(texts):
    from lessons import corpus
    return [corpus.quotes(t)[["start", "end", "speaker"]].to_records(index=False).tolist() for t in texts]


def _sources(texts):
    from lessons import text
    return [[tuple(r.values()) for s in text.sentence_rows(t) for r in text.attribution_rows(s[2])] for t in texts]


def cases():
    from lessons.corpus import load_articles
    from lessons.datafiles import gold

    bodies = list(load_articles()["body"])
    gold_texts = [c["text"] for c in gold.load("speakers")]
    generated = [d["body"] for d in h.synthetic_corpus(60)[0]]
    yield "five: quote speakers", lambda: _speakers(bodies)
    yield "five: attribution_rows", lambda: _sources(bodies)
    yield "gold speakers.yml: quote speakers", lambda: _speakers(gold_texts)
    yield "generated (60 articles): quote speakers", lambda: _speakers(generated)
    yield "generated (60 articles): attribution_rows", lambda: _sources(generated)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--check", type=Path)
    args = ap.parse_args(argv)
    out = {}
    for name, fn in cases():
        t = time.process_time()
        out[name] = fn()
        print(f"{name}: {sum(len(x) for x in out[name])} rows, {time.process_time() - t:.2f} CPU s")
    if args.save:
        args.save.write_bytes(pickle.dumps(out))
        return 0
    before = pickle.loads(args.check.read_bytes())
    bad = 0
    for name, value in out.items():
        same = before.get(name) == value
        bad += not same
        print(f"{'identical' if same else 'DIFFERENT'}: {name}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
