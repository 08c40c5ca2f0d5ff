"""Benchmark harness for issue 9: the helpers against peer tools, and what the book costs.

Pure functions (scoring, synthetic corpora, the difflib baseline, page weights) plus the
measurement loops that ``run.py`` calls. Nothing here asserts a speed: goals are stated in the
report, not in tests. Peers (quantulum3) are optional imports: they live only in
``benchmarks/.venv``, never in the book's environment.
"""

from __future__ import annotations

import gc
import hashlib
import math
import os
import random
import re
import statistics
import sys
import time
import tracemalloc
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"



# ----------------------------------------------------------------------------- timing
def timed(fn, repeats: int) -> tuple[float, list[float], object]:
    """Run ``fn`` ``repeats`` times; return (median seconds, all times, last result)."""
    times, result = [], None
    for _ in range(max(1, repeats)):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def peak_memory(fn) -> tuple[float, object]:
    """Peak Python heap allocated while ``fn`` runs (MiB), by tracemalloc (a separate run:
    tracing slows code down, so timings never come from this run)."""
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20, result


# ----------------------------------------------------------------------------- figures: gold
def load_labelled(path: Path | str | None = None) -> list[dict]:
    """The labelled sentences of ``data/gold/figures.yml`` (or the gold file `path`), read and
    checked by ``lessons.datafiles.gold``: each figure with its character span (``start``,
    ``end``) found from its ``at`` text. Raises LessonsDataError (a ValueError) naming the
    file, case and field when one is wrong."""
    from lessons.datafiles import gold

    out = []
    for case in gold.load("figures", None, path):
        figures = []
        for f in case["expected"]:
            counted = f.get("counted")
            if isinstance(counted, str):
                counted = [counted]
            figures.append({
                "at": f["at"], "start": f["start"], "end": f["end"],
                "value": None if f["value"] is None else float(f["value"]),
                "qualifier": f["qualifier"], "unit": f["unit"],
                "counted": [c.lower() for c in counted] if counted else None,
            })
        out.append({"text": case["text"], "figures": figures})
    return out


# ----------------------------------------------------------------------------- figures: scoring
_DETERMINERS = re.compile(r"^(?:the|a|an|of|some|other|another|more)\s+", re.I)


def _norm_counted(s) -> str:
    if not isinstance(s, str):
        return ""
    s = re.sub(r"\s+", " ", s.strip().lower())
    while True:
        t = _DETERMINERS.sub("", s)
        if t == s:
            return s
        s = t


def _same_value(gold, pred) -> bool:
    g_nan = gold is None
    p_nan = pred is None or (isinstance(pred, float) and math.isnan(pred))
    if g_nan or p_nan:
        return g_nan and p_nan
    return math.isclose(float(gold), float(pred), rel_tol=1e-6, abs_tol=1e-9)


def score_figures(labelled: list[dict], predictions: list[list[dict]]) -> dict:
    """Accuracy of one tool on the labelled set.

    ``predictions[i]`` is the tool's figures for sentence i: dicts with ``start``, ``end``,
    ``value`` (None/NaN for vague), ``qualifier`` and ``counted`` (string or None). A gold
    figure is found when a predicted span overlaps it (each prediction used once). Value and
    qualifier accuracy are over all gold figures (a missed figure is wrong on both); counted
    accuracy is over gold figures that count something; precision counts every unmatched
    prediction (years, ordinals, phone numbers...) as a false positive.
    """
    if len(predictions) != len(labelled):
        raise ValueError("one prediction list per labelled sentence is needed")
    n_gold = n_pred = found = value_ok = qual_ok = counted_n = counted_ok = all_ok = 0
    errors = []
    for item, preds in zip(labelled, predictions):
        n_pred += len(preds)
        used = set()
        for g in item["figures"]:
            n_gold += 1
            match = None
            for k, p in enumerate(preds):
                if k not in used and p["start"] < g["end"] and g["start"] < p["end"]:
                    match = k
                    break
            p = preds[match] if match is not None else None
            if p is not None:
                used.add(match)
                found += 1
            v = p is not None and _same_value(g["value"], p.get("value"))
            q = p is not None and p.get("qualifier") == g["qualifier"]
            value_ok += v
            qual_ok += q
            c = True
            if g["counted"]:
                counted_n += 1
                c = p is not None and _norm_counted(p.get("counted")) in g["counted"]
                counted_ok += c
            all_ok += v and q and c
            if not (v and q and c):
                errors.append({"sentence": item["text"], "figure": g["at"],
                               "gold": (g["value"], g["qualifier"], g["counted"]),
                               "got": None if p is None else (p.get("value"), p.get("qualifier"), p.get("counted"))})
    false_pos = n_pred - found
    ratio = lambda a, b: a / b if b else float("nan")  # noqa: E731
    recall, precision = ratio(found, n_gold), ratio(found, n_pred)
    return {
        "sentences": len(labelled), "gold_figures": n_gold, "predicted": n_pred,
        "found": found, "false_positives": false_pos,
        "recall": recall, "precision": precision,
        "f1": 2 * recall * precision / (recall + precision) if recall + precision else 0.0,
        "value_acc": ratio(value_ok, n_gold), "qualifier_acc": ratio(qual_ok, n_gold),
        "counted_acc": ratio(counted_ok, counted_n), "counted_n": counted_n,
        "all_three_acc": ratio(all_ok, n_gold), "errors": errors,
    }


# ----------------------------------------------------------------------------- figures: tools
def lessons_figures(text: str) -> list[dict]:
    """``lessons.figures.extract_figures`` as prediction dicts."""
    from lessons.figures import extract_figures

    df = extract_figures(text)
    # read column by column: DataFrame.itertuples costs more than the extraction itself
    return [{"start": int(s), "end": int(e),
             "value": None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v),
             "qualifier": q, "counted": (c if isinstance(c, str) else None) or None}
            for s, e, v, q, c in zip(df["start"].tolist(), df["end"].tolist(), df["value"].tolist(),
                                     df["qualifier"].tolist(), df["counted"].tolist())]


def quantulum_available() -> str | None:
    """quantulum3's version, or None when it is not installed (the book's own venv)."""
    try:
        from importlib.metadata import version

        import quantulum3  # noqa: F401

        return version("quantulum3")
    except Exception:
        return None


def quantulum_figures(text: str) -> list[dict]:
    """quantulum3's quantities as prediction dicts. quantulum3 has no hedge field, so every
    figure is 'exact'; its only 'counted' is a non-dimensionless unit name."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from quantulum3 import parser

        qs = parser.parse(text)
    out = []
    for q in qs:
        unit = q.unit.name if q.unit is not None else ""
        counted = None if unit in ("", "dimensionless") else unit
        out.append({"start": q.span[0], "end": q.span[1], "value": float(q.value),
                    "qualifier": "exact", "counted": counted})
    return out


def bench_figures(labelled: list[dict], repeats: int, loops: int) -> dict:
    """Throughput (sentences/s, median of ``repeats`` passes of ``loops`` x the set) and
    accuracy of each available tool, measured side by side in this process. The tools
    alternate within each repeat (one pass of each, then the next repeat), so a change of
    load on a shared machine reaches every tool alike; each pass records wall and CPU time
    (``time.process_time``: both tools are single-threaded Python, so CPU time is what each
    costs, robust to other work on the machine)."""
    tools = {"lessons.figures": lessons_figures}
    if quantulum_available():
        tools["quantulum3"] = quantulum_figures
    texts = [it["text"] for it in labelled]
    joined = " ".join(texts)  # secondary: the whole set as one text, one call (per-call overhead paid once)
    preds, wall, cpu, one_wall, one_cpu = {}, {n: [] for n in tools}, {n: [] for n in tools}, {n: [] for n in tools}, {n: [] for n in tools}
    for name, fn in tools.items():
        fn(texts[0])  # warm-up: loads data files / quantulum3's unit tables
        preds[name] = [fn(t) for t in texts]
    for _ in range(max(1, repeats)):
        for name, fn in tools.items():
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(loops):
                for t in texts:
                    fn(t)
            cpu[name].append(time.process_time() - c0)
            wall[name].append(time.perf_counter() - w0)
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            fn(joined)
            one_cpu[name].append(time.process_time() - c0)
            one_wall[name].append(time.perf_counter() - w0)
    results = {}
    n = loops * len(texts)
    for name in tools:
        med, med_cpu = statistics.median(wall[name]), statistics.median(cpu[name])
        results[name] = {"seconds": med, "times": wall[name], "cpu_seconds": med_cpu, "cpu_times": cpu[name],
                         "sentences": n, "sentences_per_s": n / med, "ms_per_sentence": 1000 * med / n,
                         "cpu_sentences_per_s": n / med_cpu if med_cpu else float("nan"),
                         "cpu_ms_per_sentence": 1000 * med_cpu / n,
                         "one_text_sentences_per_s": len(texts) / statistics.median(one_wall[name]),
                         "one_text_cpu_sentences_per_s": len(texts) / max(statistics.median(one_cpu[name]), 1e-9),
                         "accuracy": score_figures(labelled, preds[name])}
    return results


# ----------------------------------------------------------------------------- reuse: corpora
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SYLL_ON = ["b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "kl", "st", "tr", "sh"]
_SYLL_NU = ["a", "e", "i", "o", "u", "ai", "ou", "ee"]
_SYLL_CO = ["", "n", "r", "l", "s", "k", "th", "m"]

# Unrelated filler: sentence frames of our own whose content slots are filled from a large pool
# of pseudo-words, so filler is text about nothing in particular that no two articles share
# by more than chance (a stock frame's fixed words are grammar words only).
_FRAMES = [
    "The {a} {n} in {P} will {v} the {n} on {d}, the {n} said.",
    "{P} {n} {v} a {a} {n} for the {n} and the {n}.",
    "Residents of {P} {v} about {a} {n} near the {n}.",
    "A new {n} for {n} is planned in {P}, where {P} {P} hopes to {v} it.",
    "Some {n} {v} that the {a} {n} would {v} before {d}.",
    "Its {n} were {a}, but the {n} of {P} {v} them all the same.",
    "{P} {P}, who {v} the {n} on the {n}, was {a} about it.",
]
_POOL_SIZE = 40000


def _filler_word(rng: random.Random) -> str:
    return _pseudo(str(rng.randrange(_POOL_SIZE)), -1)


def _pseudo(word: str, family: int) -> str:
    """A pseudo-word, the same for the same (word, family): a family's own vocabulary."""
    h = int.from_bytes(hashlib.blake2b(f"{family}:{word.lower()}".encode(), digest_size=8).digest(), "big")
    parts = []
    for _ in range(2 + h % 2):
        h //= 7
        parts.append(_SYLL_ON[h % len(_SYLL_ON)] + _SYLL_NU[(h // 31) % len(_SYLL_NU)] + _SYLL_CO[(h // 257) % len(_SYLL_CO)])
        h //= 4099
    w = "".join(parts)
    return w.capitalize() if word[:1].isupper() else w


def _function_words() -> set[str]:
    # BaseLoader: every word stays a string (safe_load would read on/off/no as booleans)
    groups = yaml.load((ROOT / "data" / "compare" / "function_words.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    return {w.lower() for g in groups for w in g["words"]}


def _relexicalise(sentence: str, family: int, function: set[str]) -> str:
    """Every content word replaced by the family's pseudo-word: the article's grammar,
    punctuation, quotation marks and numbers stay; its wording does not."""
    return _WORD.sub(lambda m: m.group(0) if m.group(0).lower() in function else _pseudo(m.group(0), family), sentence)


def _edit(sentence: str, rng: random.Random) -> str:
    """A sub-editor's light edit: drop a word, swap two neighbours, or change the quotes."""
    words = sentence.split(" ")
    r = rng.random()
    if r < 0.25 and len(words) > 6:
        del words[rng.randrange(1, len(words) - 1)]
    elif r < 0.5 and len(words) > 6:
        i = rng.randrange(1, len(words) - 2)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif r < 0.65:
        return sentence.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")
    return " ".join(words)


def _filler(rng: random.Random) -> str:
    def slot(kind):
        w = _filler_word(rng)
        return w.capitalize() if kind == "P" else w

    frame = rng.choice(_FRAMES)
    return re.sub(r"\{(\w)\}", lambda m: slot(m.group(1)), frame)


def synthetic_corpus(n: int, *, family_size: int = 5, seed: int = 9, articles=None) -> tuple[list[dict], set]:
    """``n`` synthetic articles built from the five articles, and the planted reuse pairs.

    Articles come in families of ``family_size`` (a story and its rewrites): a family's source
    text is 8-14 sentences of one real article, relexicalised with the family's own
    pseudo-words (so two families share grammar but no wording); each member keeps 60-90% of
    those sentences, partly shuffled and lightly edited, mixed with unrelated filler sentences
    (frames of our own filled with pseudo-words). Planted pairs (every pair inside a family) grow
    linearly with ``n``, as in a real news archive; a corpus where every article copies the
    same five reports would have a quadratic number of true pairs, which no method can list
    in linear time.
    """
    from lessons.corpus import load_articles, sentences

    if articles is None:
        articles = load_articles()
    pools = [[s for s in sentences(b)["text"].tolist() if len(s.split()) >= 6] for b in articles["body"]]
    function = _function_words()
    rng = random.Random(seed)
    docs, planted = [], set()
    fam = 0
    while len(docs) < n:
        pool = rng.choice(pools)
        k = rng.randint(8, min(14, len(pool)))
        i0 = rng.randrange(0, len(pool) - k + 1)
        source = [_relexicalise(s, fam, function) for s in pool[i0:i0 + k]]
        members = []
        for _ in range(min(family_size, n - len(docs))):
            keep = [s for s in source if rng.random() < rng.uniform(0.6, 0.9)] or source[:2]
            keep = [_edit(s, rng) for s in keep]
            for _ in range(len(keep) // 3):  # partial shuffle: a few sentences move
                a, b = rng.randrange(len(keep)), rng.randrange(len(keep))
                keep[a], keep[b] = keep[b], keep[a]
            fill = [_filler(rng) for _ in range(int(len(keep) * rng.uniform(0.45, 1.0)))]
            rng.shuffle(fill)
            out, fi = [], 0
            for s in keep:  # filler interleaved, order of kept sentences preserved
                out.append(s)
                if fi < len(fill) and rng.random() < 0.6:
                    out.append(fill[fi])
                    fi += 1
            out += fill[fi:]
            body = "\n\n".join(" ".join(out[j:j + 3]) for j in range(0, len(out), 3))
            aid = f"f{fam:04d}m{len(members)}"
            members.append(aid)
            docs.append({"article_id": aid, "body": body})
        planted.update(tuple(sorted(p)) for p in combinations(members, 2))
        fam += 1
    return docs, planted


def found_pairs(reuse_df) -> set:
    return {tuple(sorted((a, b))) for a, b in zip(reuse_df["article_a"], reuse_df["article_b"])}


def pair_scores(found: set, planted: set) -> dict:
    tp = len(found & planted)
    return {"planted": len(planted), "found": len(found), "true_pairs": tp,
            "recall": tp / len(planted) if planted else float("nan"),
            "spurious": len(found - planted)}


# ----------------------------------------------------------------------------- reuse: baseline
_TOKEN = re.compile(r"\w+")


def difflib_pair(a: list[str], b: list[str], min_block: int) -> bool:
    """The naive method: align two word lists with difflib and call it reuse when a common
    run of at least ``min_block`` words exists."""
    sm = SequenceMatcher(None, a, b, autojunk=False)
    return any(blk.size >= min_block for blk in sm.get_matching_blocks())


def difflib_all_pairs(docs: list[dict], *, min_block: int = 8, budget_s: float = 60.0, seed: int = 1) -> dict:
    """All-pairs difflib over the corpus. When all pairs would take longer than ``budget_s``
    (judged from the first 200 pairs), a random sample of pairs is timed and the total is
    extrapolated (``estimated`` is then True and no recall is given)."""
    toks = [[w.lower() for w in _TOKEN.findall(d["body"])] for d in docs]
    ids = [d["article_id"] for d in docs]
    pairs = list(combinations(range(len(docs)), 2))
    rng = random.Random(seed)
    probe = rng.sample(pairs, min(200, len(pairs)))
    t0 = time.perf_counter()
    for i, j in probe:
        difflib_pair(toks[i], toks[j], min_block)
    per_pair = (time.perf_counter() - t0) / max(1, len(probe))
    if per_pair * len(pairs) <= budget_s:
        t0 = time.perf_counter()
        found = {tuple(sorted((ids[i], ids[j]))) for i, j in pairs if difflib_pair(toks[i], toks[j], min_block)}
        return {"seconds": time.perf_counter() - t0, "pairs": len(pairs), "estimated": False, "found": found}
    sample = rng.sample(pairs, min(len(pairs), max(500, int(budget_s / max(per_pair, 1e-9) / 4))))
    t0 = time.perf_counter()
    for i, j in sample:
        difflib_pair(toks[i], toks[j], min_block)
    per_pair = (time.perf_counter() - t0) / len(sample)
    return {"seconds": per_pair * len(pairs), "pairs": len(pairs), "estimated": True,
            "sampled": len(sample), "found": None}


def bench_reuse(sizes: list[int], repeats: int, baseline_budget_s: float) -> list[dict]:
    """find_reuse at each corpus size: median time, peak memory (separate traced run),
    recall of planted pairs, and the difflib baseline on the same corpus."""
    import pandas as pd

    from lessons.compare import find_reuse

    rows = []
    warm, _ = synthetic_corpus(2)
    find_reuse(pd.DataFrame(warm))  # warm-up: loads the word lists and the stemmer
    for n in sizes:
        docs, planted = synthetic_corpus(n)
        frame = pd.DataFrame(docs)
        words = sum(len(d["body"].split()) for d in docs)
        load = os.getloadavg()[0]
        med, cpu, times, result = _cpu_timed(lambda: find_reuse(frame), repeats)
        mem, _ = peak_memory(lambda: find_reuse(frame))
        base = difflib_all_pairs(docs, budget_s=baseline_budget_s)
        row = {"articles": n, "words": words, "seconds": med, "cpu_seconds": cpu, "times": times, "peak_mib": mem,
               "load": load, "cores": os.cpu_count(),
               "passages": len(result), **pair_scores(found_pairs(result), planted),
               "difflib_seconds": base["seconds"], "difflib_estimated": base["estimated"],
               "difflib_pairs": base["pairs"]}
        if base["found"] is not None:
            s = pair_scores(base["found"], planted)
            row["difflib_recall"], row["difflib_spurious"] = s["recall"], s["spurious"]
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------- loaded language
def bench_language(copies: list[int], repeats: int) -> list[dict]:
    """find_loaded_terms on a long text: the five article bodies, concatenated ``c`` times."""
    from lessons.corpus import load_articles
    from lessons.language import find_loaded_terms

    base = "\n\n".join(load_articles()["body"])
    find_loaded_terms(base[:2000])  # warm-up: loads and compiles the lexicon
    rows = []
    for c in copies:
        text = "\n\n".join([base] * c)
        med, times, df = timed(lambda: find_loaded_terms(text), repeats)
        rows.append({"copies": c, "chars": len(text), "words": len(text.split()), "terms": len(df),
                     "seconds": med, "times": times, "terms_per_s": len(df) / med,
                     "words_per_s": len(text.split()) / med})
    return rows


# ----------------------------------------------------------------------------- the book
def notebook_imports(nb) -> str:
    """The import statements of a notebook's code cells (top level), in order, as one cell."""
    import ast

    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        src = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                stmt = ast.get_source_segment(src, node)
                if stmt not in lines:
                    lines.append(stmt)
    return "\n".join(lines)


def execute_notebook(nb, cwd: Path, kernel: str = "python3", timeout: int = 600) -> float:
    """Wall time to execute ``nb`` in a fresh kernel (start-up included), as the build does."""
    return execute_notebook_cpu(nb, cwd, kernel, timeout)[0]


# The last cell of a timed notebook: the kernel's own CPU seconds since it started (its Python
# start-up, imports and every cell; and any child process), printed for the timer to read.
KERNEL_CPU_CELL = ("import os as _lx_os\n_lx_t = _lx_os.times()\n"
                   "print('LX-KERNEL-CPU', _lx_t.user + _lx_t.system + _lx_t.children_user + _lx_t.children_system)")


def execute_notebook_cpu(nb, cwd: Path, kernel: str = "python3", timeout: int = 600) -> tuple[float, float | None]:
    """(wall seconds, the kernel's CPU seconds) to execute ``nb`` in a fresh kernel, start-up
    included. CPU time is what the kernel itself spent, so other work on a shared machine does
    not count in it (wall time includes waiting for the cores); None if the cell gave no value."""
    import nbclient
    import nbformat

    nb.cells.append(nbformat.v4.new_code_cell(KERNEL_CPU_CELL))
    t0 = time.perf_counter()
    nbclient.NotebookClient(nb, kernel_name=kernel, timeout=timeout,
                            resources={"metadata": {"path": str(cwd)}}).execute()
    wall = time.perf_counter() - t0
    text = "".join(o.get("text", "") for o in nb.cells[-1].get("outputs", []) if o.get("name") == "stdout")
    m = re.search(r"LX-KERNEL-CPU ([0-9.]+)", text)
    return wall, (float(m.group(1)) if m else None)


def _compile_package() -> None:
    """Write the package's bytecode (``__pycache__``) before chapters are timed, as a user's
    machine has it after the first import. Without it, a kernel started with
    PYTHONDONTWRITEBYTECODE set (as on the development machines) compiles every module of
    ``lessons`` from source each time: about 0.07 CPU s more for a chapter that imports modules
    its floor does not (``lessons.compare``, ``plans``, ``evidence`` inside the chapter's cells)."""
    import compileall

    compileall.compile_dir(str(ROOT / "src" / "lessons"), quiet=1)


def bench_chapters(chapters: list[Path], repeats: int) -> list[dict]:
    """Each chapter against an imports-only notebook with the same imports (the floor).

    The package keeps compiled regex work on disk between kernels (``lessons._regex_cache``),
    so each chapter is run in both states a user meets: *cold* (an empty cache folder: the first
    chapter on a new machine) and *warm* (the folder the cold run just filled: every later
    chapter, a Binder image whose postBuild warmed it). The floor runs with the warm folder."""
    import copy
    import tempfile

    import nbformat

    rows = []
    saved = os.environ.get("LESSONS_CACHE_DIR")
    _compile_package()
    try:
        for path in chapters:
            nb = nbformat.read(path, as_version=4)
            floor = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
            floor.cells = [nbformat.v4.new_code_cell(notebook_imports(nb))]
            t_ch, t_cold, t_fl = [], [], []
            c_ch, c_cold, c_fl = [], [], []
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
            for _ in range(repeats):  # interleaved, so drift hits all three alike
                with tempfile.TemporaryDirectory(prefix="bench-cache-") as cache:
                    os.environ["LESSONS_CACHE_DIR"] = cache  # the kernel inherits it
                    for times, cpus, book in ((t_cold, c_cold, nb), (t_fl, c_fl, floor), (t_ch, c_ch, nb)):
                        wall, cpu = execute_notebook_cpu(copy.deepcopy(book), path.parent)
                        times.append(wall)
                        cpus.append(cpu)
            ch, fl, cold = statistics.median(t_ch), statistics.median(t_fl), statistics.median(t_cold)
            row = {"chapter": path.name, "seconds": ch, "floor_seconds": fl, "ratio": ch / fl,
                   "cold_seconds": cold, "cold_ratio": cold / fl,
                   "times": t_ch, "cold_times": t_cold, "floor_times": t_fl, "imports": notebook_imports(nb),
                   "load": load, "cores": os.cpu_count()}
            if all(c is not None for c in c_ch + c_fl + c_cold):
                cch, cfl, ccold = statistics.median(c_ch), statistics.median(c_fl), statistics.median(c_cold)
                row.update(cpu_seconds=cch, floor_cpu_seconds=cfl, cpu_ratio=cch / cfl, cold_cpu_ratio=ccold / cfl,
                           cpu_times=c_ch, cold_cpu_times=c_cold, floor_cpu_times=c_fl)
            rows.append(row)
    finally:
        if saved is None:
            os.environ.pop("LESSONS_CACHE_DIR", None)
        else:
            os.environ["LESSONS_CACHE_DIR"] = saved
    return rows


_REF = re.compile(r"""(?:<script[^>]+src|<link[^>]+href|<img[^>]+src|<source[^>]+src)\s*=\s*["']([^"']+)["']""", re.I)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")


def page_weight(page: Path, html_root: Path) -> dict:
    """Size of one built page and of every file it loads: scripts, stylesheets, images,
    icons (and fonts/images that its local stylesheets load). Remote URLs are listed, not
    fetched (there is no network here)."""
    seen, local, remote, missing = set(), {}, set(), set()

    def add(ref: str, base: Path):
        ref = ref.split("#")[0].split("?")[0]
        if not ref or ref.startswith(("data:", "mailto:", "javascript:")):
            return
        if re.match(r"^(?:https?:)?//", ref):
            remote.add(ref)
            return
        target = (base.parent / ref).resolve()
        if target in seen:
            return
        seen.add(target)
        if not target.is_file():
            missing.add(str(target.relative_to(html_root)) if target.is_relative_to(html_root) else str(target))
            return
        local[str(target.relative_to(html_root))] = target.stat().st_size
        if target.suffix == ".css":
            for u in _CSS_URL.findall(target.read_text(encoding="utf-8", errors="replace")):
                add(u, target)

    html = page.read_text(encoding="utf-8", errors="replace")
    for ref in _REF.findall(html):
        if re.search(r"\.(?:html?)$", ref.split("#")[0].split("?")[0]):
            continue  # links to other pages are not loaded
        add(ref, page)
    total = page.stat().st_size + sum(local.values())
    biggest = sorted(local.items(), key=lambda kv: -kv[1])[:5]
    return {"page": str(page.relative_to(html_root)), "page_bytes": page.stat().st_size,
            "loaded_files": len(local), "loaded_bytes": sum(local.values()), "total_bytes": total,
            "biggest": biggest, "remote": sorted(remote), "missing": sorted(missing)}


def largest_page(html_root: Path) -> dict | None:
    """The heaviest built page with everything it loads, measured as tests/test_page_weight.py
    measures it (_ext/offline_assets.page_weight: the charts' vega scripts included, of each
    font only the format a browser takes)."""
    sys.path.insert(0, str(ROOT / "_ext"))
    try:
        import offline_assets
    finally:
        sys.path.pop(0)
    weights = offline_assets.book_weights(html_root)
    return weights[0] if weights else None


def dir_size(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file() and not p.is_symlink():
                total += p.stat().st_size
        except OSError:
            pass
    return total


def env_size(venv: Path) -> dict | None:
    """Size on disk of a virtual environment, and its five biggest installed packages."""
    if not venv.is_dir():
        return None
    site = next(iter(sorted(venv.glob("lib/python*/site-packages"))), None)
    per = {}
    if site:
        for p in site.iterdir():
            if p.name.endswith((".dist-info", ".pth")) or p.name.startswith("__"):
                continue
            per[p.name] = dir_size(p) if p.is_dir() else p.stat().st_size
    dists = list(site.glob("*.dist-info")) if site else []
    return {"path": str(venv), "bytes": dir_size(venv), "distributions": len(dists),
            "binder_bytes": _pinned_bytes(site, dists, ROOT / "binder" / "requirements.txt") if site else None,
            "biggest": sorted(per.items(), key=lambda kv: -kv[1])[:6]}


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pinned_bytes(site: Path, dists: list[Path], reqs: Path) -> int | None:
    """Bytes of the installed files (from each distribution's RECORD) of the packages pinned
    in ``reqs``: what a reader's Binder environment holds, without the test-only tools."""
    if not reqs.exists():
        return None
    wanted = {_canon(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", reqs.read_text(), re.M)}
    total = 0
    for d in dists:
        name = _canon(d.name[: -len(".dist-info")].rsplit("-", 1)[0])
        if name not in wanted or not (d / "RECORD").exists():
            continue
        for line in (d / "RECORD").read_text(encoding="utf-8", errors="replace").splitlines():
            f = (site / line.split(",")[0]).resolve()
            try:
                total += f.stat().st_size
            except OSError:
                pass
    return total


# ----------------------------------------------------------------------------- reuse: stress corpus
# Stock phrases of our own (general news wording, none from the five articles): real archives
# repeat such phrases in most articles of one topic.
_STOCK = [
    "the interior ministry said", "on Friday", "on Monday", "according to local media",
    "officials said in a statement", "news agencies reported", "the government said",
    "local time", "in the capital", "the ministry said in a statement", "police said",
    "state television reported", "witnesses said", "a spokesman said",
]
_STRESS_FRAMES = [
    "The {w} {w} said the {w} would {w} the {w}, {s}.",
    "{s}, {N} {w} the {w} of {w} and {w}.",
    "{N} {w} that the {w} {w} was {w}, {s}.",
    "There was {w} {w} in {N} and {w} {w} near the {w}, {s}.",
    "The {w} of {N} {w} the {w} {w} {s}.",
    "{s}, the {w} {w} had {w} the {w} in {N}.",
    "A {w} {w} of {w} was {w} by the {w}, {s}.",
]


def _report_vocabulary(articles, function: set[str]):
    """The content words of the five reports (lower case), most frequent first, and their
    capitalised names (words only ever written with a capital), most frequent first."""
    from collections import Counter

    words, caps, lower = Counter(), Counter(), set()
    for body in articles["body"]:
        for m in _WORD.finditer(body):
            w = m.group(0).strip("'’-")
            if not w or w.lower() in function or len(w) < 3:
                continue
            words[w.lower()] += 1
            (caps if w[0].isupper() else lower.add(w) or caps)[w] += 0 if w[0].islower() else 1
    common = [w for w, _ in words.most_common()]
    names = [w for w, _ in caps.most_common() if w.lower() not in lower]
    return common, names


def _permuted(word: str, family: int, vocab: list[str], rank: dict) -> str:
    """The family's rendering of a report word: a bijection of the reports' own vocabulary
    (rank * a + b modulo its size, a coprime to it), so families share the vocabulary but
    two families render the same sentence with different words. ``a`` and the base of ``b``
    repeat every ``size`` families; ``b`` also moves on by ``family // size``, so families
    ``size`` apart do not get the same words (they did before: in a 10,000-article corpus two
    such families that drew the same report sentences really shared text)."""
    lw = word.lower()
    r = rank.get(lw)
    if r is None:
        return word
    size = len(vocab)
    a = 1 + 2 * ((family * 7919) % (size // 2))
    while math.gcd(a, size) != 1:
        a += 2
    w = vocab[(r * a + family * 104729 + 1 + family // size) % size]
    return w.capitalize() if word[:1].isupper() else w


def stress_corpus(n: int, *, family_size: int = 5, seed: int = 20, articles=None,
                  fillers: int = 25, boilerplate: int = 3, boilerplate_pool: int = 9) -> tuple[list[dict], set]:
    """``n`` articles where common wording is everywhere, and the planted reuse pairs.

    Each article mixes ``boilerplate`` sentences of the five reports, verbatim, drawn from a
    pool of ``boilerplate_pool`` of their sentences (so each one is in about a third of the
    articles: agency boilerplate and background paragraphs, not evidence of reuse), with
    ``fillers`` filler sentences (frames of our own filled from the 300 commonest content
    words and 60 commonest names of the five reports, each with a stock phrase). Reuse is
    planted in families of ``family_size``: a family's source is 6-10 consecutive sentences of
    one report whose content words are mapped by the family's own bijection of the reports'
    vocabulary; each member keeps its two longest sentences (the lead) and 60-90% of the others,
    lightly edited and partly shuffled. Every
    pair inside a family is planted; two articles of different families share only the
    boilerplate, stock phrases and common words. The corpus is made at run time from
    ``data/raw`` (never stored).
    """
    from lessons.corpus import load_articles, sentences

    if articles is None:
        articles = load_articles()
    function = _function_words()
    pools = [[s for s in sentences(b)["text"].tolist() if len(s.split()) >= 6] for b in articles["body"]]
    vocab, names = _report_vocabulary(articles, function)
    rank = {w: i for i, w in enumerate(vocab)}
    small, names = vocab[:300], names[:60]
    rng = random.Random(seed)
    every = [s for p in pools for s in p]
    pool = rng.sample(every, min(boilerplate_pool, len(every)))

    def filler() -> str:
        frame = rng.choice(_STRESS_FRAMES)
        out = re.sub(r"\{(\w)\}", lambda m: {"w": lambda: rng.choice(small), "N": lambda: rng.choice(names),
                                               "s": lambda: rng.choice(_STOCK)}[m.group(1)](), frame)
        return out[0].upper() + out[1:]

    docs, planted, fam = [], set(), 0
    while len(docs) < n:
        src = rng.choice(pools)
        k = rng.randint(6, min(10, len(src)))
        i0 = rng.randrange(0, len(src) - k + 1)
        source = [_WORD.sub(lambda m: m.group(0) if m.group(0).lower() in function else _permuted(m.group(0), fam, vocab, rank), s)
                  for s in src[i0:i0 + k]]
        core = set(sorted(range(k), key=lambda x: -len(source[x]))[:2])  # the lead every rewrite keeps
        members = []
        for _ in range(min(family_size, n - len(docs))):
            keep = [s for x, s in enumerate(source) if x in core or rng.random() < rng.uniform(0.6, 0.9)]
            keep = [_edit(s, rng) for s in keep]
            for _ in range(len(keep) // 3):
                a, b = rng.randrange(len(keep)), rng.randrange(len(keep))
                keep[a], keep[b] = keep[b], keep[a]
            other = rng.sample(pool, boilerplate) + [filler() for _ in range(fillers)]
            rng.shuffle(other)
            slots = sorted(rng.sample(range(len(other) + len(keep)), len(keep)))
            out, ki, oi = [], 0, 0
            for pos in range(len(other) + len(keep)):
                if ki < len(keep) and slots[ki] == pos:
                    out.append(keep[ki])
                    ki += 1
                else:
                    out.append(other[oi])
                    oi += 1
            body = "\n\n".join(" ".join(out[j:j + 3]) for j in range(0, len(out), 3))
            aid = f"s{fam:05d}m{len(members)}"
            members.append(aid)
            docs.append({"article_id": aid, "body": body})
        planted.update(tuple(sorted(p)) for p in combinations(members, 2))
        fam += 1
    return docs, planted


# ----------------------------------------------------------------------------- reuse: MinHash-LSH peer
MINHASH_THRESHOLD = 0.1  # Jaccard of word 3-gram sets; planted pairs of the stress corpus are 0.06-0.3


def minhash_available() -> str | None:
    """datasketch's version, or None when it is not installed (the book's own venv)."""
    try:
        from importlib.metadata import version

        import datasketch  # noqa: F401

        return version("datasketch")
    except Exception:
        return None


def minhash_pairs(docs: list[dict], *, threshold: float = MINHASH_THRESHOLD, num_perm: int = 128, k: int = 3) -> set:
    """The usual near-duplicate pipeline with datasketch: each article's set of lower-case
    word ``k``-grams as a MinHash, an LSH index at Jaccard ``threshold``, and every pair the
    index returns reported as reuse."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    hashes = {}
    for d in docs:
        toks = [w.lower() for w in _TOKEN.findall(d["body"])]
        grams = {" ".join(toks[i:i + k]).encode() for i in range(len(toks) - k + 1)}
        m = MinHash(num_perm=num_perm, seed=1)
        m.update_batch(list(grams))
        lsh.insert(d["article_id"], m)
        hashes[d["article_id"]] = m
    found = set()
    for aid, m in hashes.items():
        for other in lsh.query(m):
            if other != aid:
                found.add(tuple(sorted((aid, other))))
    return found


def _cpu_timed(fn, repeats: int):
    """(median wall seconds, median CPU seconds of this process, wall times, last result):
    on a shared machine the CPU time is the steadier measure of the work done."""
    walls, cpus, result = [], [], None
    for _ in range(max(1, repeats)):
        gc.collect()
        c0, t0 = time.process_time(), time.perf_counter()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus), walls, result


def reuse_split(frame) -> dict:
    """One more find_reuse run with the analysis (``compare._analyse_in``) and the detailed
    alignment of the candidate pairs (``compare._passage_rows``) wrapped in CPU timers: where
    the time goes, how many candidate pairs there were and how many the quick test left to
    align (not a timed run: the wrappers cost a little)."""
    from lessons import compare
    from lessons.reuse import find_reuse

    acc = {"analyse_cpu_s": 0.0, "align_cpu_s": 0.0, "candidates": 0, "aligned": 0}
    real_analyse, real_rows, real_bound = compare._analyse_in, compare._passage_rows, compare._substantive_bound

    def analyse(text, lex):
        c = time.process_time()
        out = real_analyse(text, lex)
        acc["analyse_cpu_s"] += time.process_time() - c
        return out

    def rows(*args, **kw):
        c = time.process_time()
        out = real_rows(*args, **kw)
        acc["align_cpu_s"] += time.process_time() - c
        acc["aligned"] += 1
        return out

    def bound(*args):  # every candidate pair goes through the quick test first
        acc["candidates"] += 1
        return real_bound(*args)

    compare._analyse_in, compare._passage_rows, compare._substantive_bound = analyse, rows, bound
    try:
        c0 = time.process_time()
        find_reuse(frame)
        acc["total_cpu_s"] = time.process_time() - c0
    finally:
        compare._analyse_in, compare._passage_rows, compare._substantive_bound = real_analyse, real_rows, real_bound
    acc["index_cpu_s"] = acc["total_cpu_s"] - acc["analyse_cpu_s"] - acc["align_cpu_s"]
    return acc


def bench_reuse_corpora(sizes: list[int], repeats: int, corpora=("stress", "synthetic")) -> list[dict]:
    """find_reuse and the MinHash-LSH peer side by side on the same corpora: wall and CPU
    time, words per second, recall of the planted pairs and spurious pairs."""
    import pandas as pd

    from lessons.reuse import find_reuse

    makers = {"stress": stress_corpus, "synthetic": synthetic_corpus}
    find_reuse(pd.DataFrame(stress_corpus(5)[0]))  # warm-up: word lists, stemmer
    peer = minhash_available()
    rows = []
    for corpus in corpora:
        for n in sizes:
            docs, planted = makers[corpus](n)
            frame = pd.DataFrame(docs)
            words = sum(len(d["body"].split()) for d in docs)
            load = os.getloadavg()[0]
            wall, cpu, walls, result = _cpu_timed(lambda: find_reuse(frame), repeats)
            row = {"corpus": corpus, "articles": n, "words": words, "seconds": wall, "cpu_seconds": cpu, "times": walls,
                   "load": load, "cores": os.cpu_count(),
                   "words_per_s": words / wall, "words_per_cpu_s": words / cpu, "passages": len(result),
                   **pair_scores(found_pairs(result), planted), **reuse_split(frame)}
            if peer:
                pw, pc, _, pf = _cpu_timed(lambda: minhash_pairs(docs), repeats)
                s = pair_scores(pf, planted)
                row.update({"minhash_seconds": pw, "minhash_cpu_seconds": pc, "minhash_words_per_s": words / pw,
                            "minhash_recall": s["recall"], "minhash_spurious": s["spurious"], "minhash_found": s["found"]})
            rows.append(row)
    return rows


def growth_exponent(rows: list[dict], key: str = "seconds") -> float | None:
    """Slope of log(time) against log(articles) between the smallest and largest corpus."""
    rows = sorted(rows, key=lambda r: r["articles"])
    if len(rows) < 2 or rows[0][key] <= 0:
        return None
    return math.log(rows[-1][key] / rows[0][key]) / math.log(rows[-1]["articles"] / rows[0]["articles"])
