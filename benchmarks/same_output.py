"""Check that find_reuse, shared_passages and extract_figures give the same output before and after a change.

    .venv/bin/python benchmarks/same_output.py --save /tmp/before   # on the old code
    .venv/bin/python benchmarks/same_output.py --check /tmp/before  # on the new code
    .venv/bin/python benchmarks/same_output.py --part figures --save /tmp/before   # extract_figures only

Saved: chapter 4's calls on the five articles (``shared_passages`` of every pair, ``find_reuse``)
and ``find_reuse`` on stress corpora of 60, 100 and 400 articles, plus a synthetic corpus of 100
(and a small chunk size, so the on-disk index is used). ``--part figures``: ``extract_figures``
one call per text on the gold sentences, every sentence and every body of the five articles,
``figures_table`` of the five articles, 6,000 generated sentences (:func:`figure_sentences`),
the sentences of a 100-article stress corpus and long texts of many figures (more rows than
the small-frame path takes). ``--check`` prints each case and whether the frames are identical
(values and dtypes), and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from itertools import combinations
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness as h  # noqa: E402


def figure_sentences(n: int = 6000, seed: int = 6) -> list[str]:
    """Sentences made from parts of our own (seeded): hedges, number forms in digits and words,
    scales, units, currencies, vague quantities, fractions, ranges, dates, years, identifiers,
    counted nouns, verbs and clause endings, one or two figures each, so that extraction meets
    many shapes of result and of non-figure."""
    import random

    rng = random.Random(seed)
    hedges = ["", "about ", "more than ", "at least ", "nearly ", "up to ", "some ", "almost ", "fewer than ",
              "roughly ", "over ", "an estimated ", "perhaps ", "as many as ", "no more than "]
    numbers = ["3", "26", "2,300", "3 700", "1.5m", "$20", "\u00a3450,000", "12%", "40 percent", "two-thirds of",
               "dozens of", "a dozen", "hundreds of", "a few hundred", "between 5 and 9", "10-20", "forty",
               "twenty-six", "a million", "two and a half million", "(27%)", "40km", "5kg", "a week and a half",
               "half of", "a fifth of", "one in five", "3 out of 10", "threefold", "twice as many", "7-JB",
               "1999", "5 January", "January 5, 2022", "the 1990s", "10th", "18:30", "flight 17", "no. 5",
               "500-odd", "100 or more", "40+", "81-year-old", "30-member", "180-day", "one", "3/4 of", "24/7"]
    nouns = ["people", "police officers", "farmers' homes", "pupils sat", "vans carrying aid", "U.N. staff",
             "of them", "", "protesters", "armed criminals", "days", "years", "homes", "students", "votes",
             "of the soldiers", "new cases", "fishing boats", "arms dealers", "residents", "members", "tonnes"]
    verbs = ["", " were killed", " were detained", " died", " were hurt", " had been wounded", " were arrested",
             " took to the streets", " said", " rose", " fell"]
    tails = [" on Friday.", ".", ", officials said.", " and 18 wounded.", " and nine crew.", " last year.",
             "; the rest fled.", " (a record).", ", up from 12.", " in 2021.", " \u2013 a third more."]
    lead = ["", "Police said ", "The ministry reported that ", "\u201cWe counted ", "According to Reuters, ",
            "Officials put the toll at ", "In 2020, "]

    def clause() -> str:
        return f"{rng.choice(hedges)}{rng.choice(numbers)} {rng.choice(nouns)}{rng.choice(verbs)}"

    out = []
    for _ in range(n):
        text = rng.choice(lead) + clause() + rng.choice(tails)
        if rng.random() < 0.5:
            text += " " + clause()[:1].upper() + clause()[1:] + rng.choice(tails)
        out.append(text)
    return out


def _each(texts: list[str]):
    """extract_figures of each text, one call per text: one row per call with the text's number
    and the frame's full record (dtypes, index, columns, every value as ``repr``), so that a
    change of dtype, index or value in any one call shows, empty frames included."""
    from lessons.figures import extract_figures

    rows = []
    for k, t in enumerate(texts):
        df = extract_figures(t)
        rows.append((k, repr((list(map(str, df.dtypes)), type(df.index).__name__, list(df.index), list(df.columns),
                              df.to_dict("list")))))
    return pd.DataFrame(rows, columns=["case", "frame"])


def figure_cases():
    from lessons.corpus import load_articles, sentences
    from lessons.datafiles import gold
    from lessons.figures import figures_table

    five = load_articles()
    bodies = five["body"].tolist()
    generated = figure_sentences()
    stress = [s for doc in h.stress_corpus(100)[0] for s in sentences(doc["body"])["text"].tolist()]
    yield "figures: gold sentences, one call each", lambda: _each([c["text"] for c in gold.load("figures")])
    yield "figures: five articles, each sentence", lambda: _each([s for b in bodies for s in sentences(b)["text"]])
    yield "figures: five articles, each body", lambda: _each(bodies)
    yield "figures: figures_table of the five articles", lambda: figures_table(five)
    yield f"figures: {len(generated)} generated sentences, one call each", lambda: _each(generated)
    yield f"figures: stress corpus 100, {len(stress)} sentences, one call each", lambda: _each(stress)
    yield "figures: generated sentences as 60 long texts", lambda: _each([" ".join(generated[k:k + 100]) for k in range(0, 6000, 100)])
    yield "figures: empty and figure-free texts", lambda: _each(["", "No figure here.", "   ", "Page 4 of the 2019 report."])


def cases(part: str = "all"):
    if part in ("all", "figures"):
        yield from figure_cases()
    if part == "figures":
        return
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
    ap.add_argument("--part", choices=("all", "reuse", "figures"), default="all")
    args = ap.parse_args(argv)
    folder = args.save or args.check
    folder.mkdir(parents=True, exist_ok=True)
    bad = 0
    k = 0  # reuse cases keep their numbered files (case0.pkl...): saves of older versions still check
    for name, make in cases(args.part):
        c0 = time.process_time()
        got = make()
        cpu = time.process_time() - c0
        if name.startswith("figures:"):
            path = folder / (re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") + ".pkl")
        else:
            path, k = folder / f"case{k}.pkl", k + 1
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
