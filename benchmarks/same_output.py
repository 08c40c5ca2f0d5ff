"""Check that a helper gives the same output before and after a change: one machinery, four
sets of cases.

    .venv/bin/python benchmarks/same_output.py --save /tmp/before            # on the old code
    .venv/bin/python benchmarks/same_output.py --check /tmp/before           # on the new code
    .venv/bin/python benchmarks/same_output.py speakers --save /tmp/before   # the grammar's cases
    .venv/bin/python benchmarks/same_output.py figures --save /tmp/before    # extract_figures' cases
    .venv/bin/python benchmarks/same_output.py quotes --save /tmp/before     # quotation matching
    .venv/bin/python benchmarks/same_speakers.py --save /tmp/before          # the same, as before

``reuse`` (the default): chapter 4's calls on the five articles (``shared_passages`` of every
pair, ``find_reuse``) and ``find_reuse`` on stress corpora of 60, 100 and 400 articles, plus a
synthetic corpus of 100 (and a small chunk size, so the on-disk index is used).

``speakers``: the speaker of every quotation of the five articles (``corpus.quotes``), the
speakers of the gold cases (``data/gold/speakers.yml``), ``attribution_rows`` of every sentence
of the five articles, and both on generated text (the stress corpus of
``harness.synthetic_corpus``: the five reports' sentences edited, relexicalised and mixed with
filler).

``quotes``: ``group_quotes`` and ``quote_similarity`` on the five articles' quotations (every
pair) and a 100-article stress corpus, and the spelling-variant matching under them
(``compare._match_sets``) on every pair of the five articles' concept sets, on random sets of
names and made-up words, and on long quotations of made-up words (no letter in common, the same
letters, one letter changed in each word).

``figures``: ``extract_figures`` one call per text on the gold sentences, every sentence and
every body of the five articles, ``figures_table`` of the five articles, 6,000 generated
sentences (:func:`figure_sentences`), the sentences of a 100-article stress corpus and long
texts of many figures (more rows than the small-frame path takes); each call's dtypes, index,
columns and values are compared.

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
    import pandas as pd

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


def _concept_sets(quotes: list[str]) -> list[frozenset]:
    from lessons import compare
    return [frozenset(compare._concepts(q)) for q in quotes]


def _match_all(pairs) -> list:
    from lessons import compare
    return [tuple(sorted(m) for m in compare._match_sets(set(a), set(b))) for a, b in pairs]


def quote_cases():
    """``group_quotes``, ``quote_similarity`` and the spelling-variant matching (``_match_sets``)
    under them, on real quotations and on long ones that fill the candidate cap."""
    import random

    from adversarial import _OTHER_LETTERS, invented_word

    from lessons import compare
    from lessons.corpus import load_articles, quotes

    five = [q for b in load_articles()["body"] for q in quotes(b)["text"]]
    stress = [q for d in h.stress_corpus(100)[0] for q in quotes(d["body"])["text"]]
    yield f"five: group_quotes ({len(five)} quotations)", lambda: compare.group_quotes(five)
    yield "five: quote_similarity (every pair)", lambda: [compare.quote_similarity(a, b) for a, b in combinations(five, 2)]
    sets5 = _concept_sets(five)
    yield "five: _match_sets (every pair of concept sets)", lambda: _match_all(combinations(sets5, 2))
    yield f"stress 100: group_quotes ({len(stress)} quotations)", lambda: compare.group_quotes(stress)
    rng = random.Random(46)
    sample = [tuple(rng.sample(stress, 2)) for _ in range(3000)]
    yield "stress 100: quote_similarity (3,000 random pairs)", lambda: [compare.quote_similarity(a, b) for a, b in sample]
    # long quotations: made-up words with no letter in common, with the same letters (many
    # candidates: the cap of the old search), and one letter changed (a variant for every word)
    for n in (50, 300, 1500):
        a = " ".join(invented_word(i) for i in range(n))
        same_letters = " ".join(invented_word(i + 7 * n) for i in range(n))
        one_changed = " ".join(w[:3] + "z" + w[4:] for w in a.split())
        for name, b in (("no common letter", a.translate(_OTHER_LETTERS)), ("same letters", same_letters),
                        ("one letter changed", one_changed)):
            yield (f"long quotations, {n} words, {name}: _match_sets",
                   lambda a=a, b=b: _match_all([(compare._concepts(a), compare._concepts(b))]))
            yield f"long quotations, {n} words, {name}: quote_similarity", lambda a=a, b=b: compare.quote_similarity(a, b)
    words = [invented_word(i) for i in range(40)] + ["kassym", "kasim", "tokayev", "tokaev", "tokayeva", "almaty",
                                                     "nur-sultan", "nursultan", "shooting", "shoot", "@destroy"]
    random_pairs = [(set(rng.sample(words, rng.randint(1, 30))), set(rng.sample(words, rng.randint(1, 30)))) for _ in range(2000)]
    yield "random concept sets (2,000 pairs): _match_sets", lambda: _match_all(random_pairs)


CASES = {"reuse": reuse_cases, "speakers": speaker_cases, "figures": figure_cases, "quotes": quote_cases}


def _rows(value) -> int:
    """Rows of a frame, or items of the per-text lists."""
    if hasattr(value, "columns"):
        return len(value)
    if not isinstance(value, list):
        return 1
    return sum(len(x) if isinstance(x, (list, tuple)) else 1 for x in value)


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
