"""Check that a helper gives the same output before and after a change: one machinery, two
sets of cases.

    .venv/bin/python benchmarks/same_output.py --save /tmp/before            # on the old code
    .venv/bin/python benchmarks/same_output.py --check /tmp/before           # on the new code
    .venv/bin/python benchmarks/same_output.py speakers --save /tmp/before   # the grammar's cases
    .venv/bin/python benchmarks/same_speakers.py --save /tmp/before          # the same, as before

``reuse`` (the default): chapter 4's calls on the five articles (``shared_passages`` of every
pair, ``find_reuse``) and ``find_reuse`` on stress corpora of 60, 100 and 400 articles, plus a
synthetic corpus of 100 (and a small chunk size, so the on-disk index is used).

``speakers``: the speaker of every quotation of the five articles (``corpus.quotes``), the
speakers of the gold cases (``data/gold/speakers.yml``), ``attribution_rows`` of every sentence
of the five articles, and both on generated text (the stress corpus of
``harness.synthetic_corpus``: the five reports' sentences edited, relexicalised and mixed with
filler).

``--save PATH`` writes every output to one file (``PATH/outputs.pkl`` when PATH is a folder);
``--check PATH`` prints each case and whether its output is identical (frames: values, dtypes
and columns), and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402


def reuse_cases():
    import pandas as pd

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


def _speakers(texts):
    from lessons import corpus
    return [corpus.quotes(t)[["start", "end", "speaker"]].to_records(index=False).tolist() for t in texts]


def _sources(texts):
    from lessons import text
    return [[tuple(r.values()) for s in text.sentence_rows(t) for r in text.attribution_rows(s[2])] for t in texts]


def speaker_cases():
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


CASES = {"reuse": reuse_cases, "speakers": speaker_cases}


def _rows(value) -> int:
    """Rows of a frame, or items of the per-text lists."""
    return len(value) if hasattr(value, "columns") else sum(len(x) for x in value)


def same(got, want) -> bool:
    """Identical output: a frame's values, dtypes and columns; anything else by ==."""
    if hasattr(got, "columns") or hasattr(want, "columns"):
        return (hasattr(got, "columns") and hasattr(want, "columns") and got.equals(want)
                and list(got.dtypes) == list(want.dtypes) and list(got.columns) == list(want.columns))
    return got == want


def _file(path: Path) -> Path:
    return path / "outputs.pkl" if path.is_dir() else path


def run(cases, save: Path | None = None, check: Path | None = None, out=print) -> int:
    """Compute every case; save them all to ``save``, or compare them with ``check`` (1 when
    any output differs or is missing)."""
    before = pickle.loads(_file(check).read_bytes()) if check is not None else None
    outputs, bad = {}, 0
    for name, make in cases:
        c0 = time.process_time()
        got = outputs[name] = make()
        cpu = time.process_time() - c0
        if before is None:
            out(f"saved: {name}: {_rows(got)} rows ({cpu:.2f} CPU s)")
            continue
        ok = name in before and same(got, before[name])
        bad += not ok
        out(f"{'identical' if ok else 'DIFFERENT'}: {name}: {_rows(got)} rows ({cpu:.2f} CPU s)")
    if save is not None:
        _file(save).write_bytes(pickle.dumps(outputs))
    return 1 if bad else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="?", choices=sorted(CASES), default="reuse",
                    help="which helper's cases (default: reuse)")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path, metavar="PATH")
    group.add_argument("--check", type=Path, metavar="PATH")
    args = ap.parse_args(argv)
    return run(CASES[args.cases](), save=args.save, check=args.check)


if __name__ == "__main__":
    sys.exit(main())
