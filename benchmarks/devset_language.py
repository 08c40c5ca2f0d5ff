"""Loaded language on the development set (issue 19): the lessons lexicon and a peer on BABE.

BABE (Spinde et al. 2021; AGPL-3.0, evaluation only) holds news sentences from US outlets,
each labelled Biased or Non-biased, with the words expert annotators marked as biased. It is
read from ``../shared/dev/babe/`` beside the repository (or ``$LESSONS_DEV_DATA``) when it is
there; nothing of it is copied into the project, and this part is skipped when it is absent.

Three numbers, as the issue states them:
* recall: of the annotated biased words in Biased sentences, the share that a flagged term covers;
* annotated: of the terms flagged in Biased sentences, the share that cover an annotated word;
* false alarms: the share of Non-biased sentences with at least one flagged term.

A fourth number, beside the third: the share of Non-biased sentences with a flagged term in the
reporter's own voice (not quoted, not attributed to someone), when the finder says whose words a
term is in (a finder may give ``(start, end, voice)``; VADER's gives no voice).

The peer is a general sentiment lexicon (VADER's, MIT licence, installed in benchmarks/.venv
only): a word is flagged when its valence is at least ``VADER_MIN`` in absolute value.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import os
import re
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BABE_FILE = "final_labels_SG2.csv"
MAX_BYTES = 20 * 2**20       # the file is about 1.5 MB; refuse anything far bigger
VADER_MIN = 1.5              # |valence| on VADER's -4..4 scale: 'strong' words only
GOALS = {"recall": 0.50, "annotated": 0.60, "nonbiased_flagged": 0.20}
_WORD = re.compile(r"\w+(?:['\u2019-]\w+){0,4}")


def dev_dir() -> Path | None:
    """``$LESSONS_DEV_DATA`` or ``../shared/dev`` beside the repository, if it holds BABE."""
    env = os.environ.get("LESSONS_DEV_DATA")
    for d in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "dev"]:
        if (d / "babe" / BABE_FILE).is_file():
            return d
    return None


def load_babe(path: Path) -> list[dict]:
    """``text, biased (bool), words (annotated biased words, lower case)`` for every row
    labelled Biased or Non-biased. The word lists are parsed as literals, never executed."""
    data = Path(path).read_bytes()[:MAX_BYTES].decode("utf-8-sig")
    items = []
    for n, row in enumerate(csv.DictReader(io.StringIO(data), delimiter=";"), 2):
        label = (row.get("label_bias") or "").strip()
        if label not in ("Biased", "Non-biased"):
            continue
        try:
            words = ast.literal_eval(row.get("biased_words") or "[]")
        except (ValueError, SyntaxError):
            raise ValueError(f"{path}, row {n}: field 'biased_words' is not a list") from None
        if not isinstance(words, list):
            raise ValueError(f"{path}, row {n}: field 'biased_words' is not a list")
        items.append({"text": row.get("text") or "", "biased": label == "Biased",
                      "words": sorted({str(w).strip().lower() for w in words if str(w).strip()})})
    return items


def _occurrences(text: str, word: str) -> list[tuple[int, int]]:
    pat = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pat.finditer(text)]


def score(items: list[dict], find) -> dict:
    """Score a finder (text -> list of (start, end) or (start, end, voice) spans) on BABE-shaped items.
    ``nonbiased_reporter_flagged`` is None when the finder gives no voices."""
    gold = hit = 0
    flagged = flagged_annotated = 0
    nb = nb_flagged = nb_reporter = 0
    voices = False
    t0 = time.process_time()
    for it in items:
        found = find(it["text"])
        spans = [f[:2] for f in found]
        voices = voices or any(len(f) > 2 for f in found)
        if not it["biased"]:
            nb += 1
            nb_flagged += bool(spans)
            nb_reporter += any(len(f) > 2 and f[2] == "reporter" for f in found)
            continue
        occ = {w: _occurrences(it["text"], w) for w in it["words"]}
        for w, where in occ.items():
            gold += 1
            hit += any(s < b and a < e for a, b in where for s, e in spans)
        marked = [ab for where in occ.values() for ab in where]
        for s, e in spans:
            flagged += 1
            flagged_annotated += any(s < b and a < e for a, b in marked)
    cpu = time.process_time() - t0
    return {"sentences": len(items), "biased_words": gold, "recall": hit / gold if gold else 0.0,
            "flagged_in_biased": flagged, "annotated": flagged_annotated / flagged if flagged else 0.0,
            "nonbiased": nb, "nonbiased_flagged": nb_flagged / nb if nb else 0.0,
            "nonbiased_reporter_flagged": (nb_reporter / nb if nb else 0.0) if voices else None, "cpu_seconds": cpu}


def half_of(text: str) -> str:
    """'look' or 'check': a fixed split of the sentences into two random halves (by a hash of the
    text). Errors were read only on the 'look' half while choosing classes of words and context
    rules; the 'check' half shows whether a change holds on sentences nobody looked at."""
    return "look" if int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "check"


def lessons_finder(text: str) -> list[tuple[int, int, str]]:
    from lessons.language import find_loaded_terms

    t = find_loaded_terms(text)
    return list(zip(t["start"].tolist(), t["end"].tolist(), t["voice"].tolist()))


def vader_finder():
    """A finder from VADER's lexicon, or None when vaderSentiment is not installed."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        return None
    lex = {w.lower(): v for w, v in SentimentIntensityAnalyzer().lexicon.items() if abs(v) >= VADER_MIN}

    def find(text: str) -> list[tuple[int, int]]:
        return [(m.start(), m.end()) for m in _WORD.finditer(text) if m.group().lower() in lex]

    return find


def voice_on_heldout() -> dict:
    """Voice and term scores of the lessons lexicon on its own hand-written held-out set."""
    from lessons.language import evaluate

    return {split: evaluate(split=split) for split in ("dev", "test")}


def run() -> dict:
    """Everything this section reports; ``{'skipped': reason}`` without the development set."""
    out: dict = {"heldout": voice_on_heldout()}
    d = dev_dir()
    if d is None:
        out["skipped"] = "the development set (../shared/dev/babe) is not present"
        return out
    items = load_babe(d / "babe" / BABE_FILE)
    out["lessons"] = score(items, lessons_finder)
    out["halves"] = {h: score([it for it in items if half_of(it["text"]) == h], lessons_finder)
                     for h in ("look", "check")}
    peer = vader_finder()
    out["vader"] = score(items, peer) if peer else None
    return out


def goal_rows(res: dict | None, met) -> list[tuple[str, str, str]]:
    """Rows for the report's goal table: (goal, measured, met or not)."""
    names = {"recall": ("loaded language (BABE): recall of annotated biased words", ">="),
             "annotated": ("loaded language (BABE): flagged terms that are annotated", ">="),
             "nonbiased_flagged": ("loaded language (BABE): Non-biased sentences with a flag", "<=")}
    rows = []
    ours = (res or {}).get("lessons")
    for key, (goal, op) in names.items():
        sign = "≥" if op == ">=" else "≤"
        if not ours:
            rows.append((f"{goal} {sign} {_pct(GOALS[key])}", (res or {}).get("skipped", "not measured in this run"), "n/a"))
            continue
        x = ours[key]
        rows.append((f"{goal} {sign} {_pct(GOALS[key])}", _pct(x), met(x >= GOALS[key] if op == ">=" else x <= GOALS[key])))
    return rows


def _pct(x) -> str:
    return "n/a" if x is None else f"{100 * x:.0f}%"


def _reporter_row(ours: dict, halves: dict) -> str:
    """The row beside the goal row: Non-biased sentences with a flag in the reporter's own voice."""
    by_half = ", ".join(f"{h} half {_pct(r.get('nonbiased_reporter_flagged'))}" for h, r in halves.items())
    return (f"| Non-biased sentences with a flag in the reporter's voice (lessons) | | | "
            f"{_pct(ours.get('nonbiased_reporter_flagged'))}{f' ({by_half})' if by_half else ''} | |")


def render(res: dict | None) -> list[str]:
    """The report section, as Markdown lines."""
    L = ["## Loaded language on real news: BABE (development set) and the held-out sentences", ""]
    if not res:
        return L + ["Not measured in this run.", ""]
    if res.get("skipped"):
        L += [f"BABE skipped: {res['skipped']}.", ""]
    else:
        ours, peer = res["lessons"], res.get("vader")
        L += [f"{ours['sentences']:,} sentences ({ours['nonbiased']:,} Non-biased; {ours['biased_words']:,} annotated "
              "biased words in the Biased ones). Read from `../shared/dev` (AGPL, evaluation only: nothing of it is in the "
              f"project). The peer flags every word of VADER's sentiment lexicon with |valence| ≥ {VADER_MIN}.", "",
              "| | recall of biased words | flagged terms that are annotated | Non-biased sentences flagged | CPU s |",
              "|---|---|---|---|---|",
              f"| goal | ≥ {_pct(GOALS['recall'])} | ≥ {_pct(GOALS['annotated'])} | ≤ {_pct(GOALS['nonbiased_flagged'])} | |"]
        for name, r in (("lessons lexicon", ours), ("VADER lexicon (peer)", peer)):
            if r is None:
                L.append(f"| {name} | not installed | | | |")
            else:
                L.append(f"| {name} | {_pct(r['recall'])} | {_pct(r['annotated'])} ({r['flagged_in_biased']:,} flagged) | "
                         f"{_pct(r['nonbiased_flagged'])} | {r['cpu_seconds']:.1f} |")
        names = {"look": "lessons, half whose errors were read", "check": "lessons, half never looked at"}
        for h, r in (res.get("halves") or {}).items():
            L.append(f"| {names[h]} ({r['sentences']:,} sentences) | {_pct(r['recall'])} | {_pct(r['annotated'])} "
                     f"({r['flagged_in_biased']:,} flagged) | {_pct(r['nonbiased_flagged'])} | {r['cpu_seconds']:.1f} |")
        L.append(_reporter_row(ours, res.get("halves") or {}))
        L.append("")
    ho = res.get("heldout") or {}
    if ho:
        L += ["The lexicon's own held-out sentences (`data/gold/language.yml`, written for the book; voice is "
              "reporter, quoted or attributed):", "",
              "| split | items | precision | recall | F1 | voice right | category right |", "|---|---|---|---|---|---|---|"]
        for split, s in ho.items():
            L.append(f"| {split} | {s['items']} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | "
                     f"{s['voice_accuracy']:.2f} | {s['category_accuracy']:.2f} |")
        L.append("")
    return L
