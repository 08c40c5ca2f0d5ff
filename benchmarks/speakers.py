"""Speaker accuracy of ``lessons.corpus.quotes`` on real news nobody here wrote (issue 19).

The development set is BABE (``../shared/dev/babe/final_labels_SG2.csv``, AGPL-3.0, evaluation
only). Its sentences are never copied into the project: ``data/speakers_babe.yml`` holds only,
for each hand-labelled quotation, a short hash of its sentence, the offset where the quotation
starts, and the speaker as character offsets into that sentence (no text at all). The
sentences are read from the development set when it is there; when it is not (a user's clone
has no ``../shared``) :func:`speaker_accuracy` returns ``None`` and the report skips the section.

Labelling rule: the speaker is whoever the sentence says used the quoted words (said, wrote,
claimed, called..., 'according to', a colon, '..., saying'), written as the sentence names
them (title, description or several names). A quotation nobody in the sentence is said to
have used (a scare quote, a title, a slogan, a name) has no speaker, and neither has one
given only to a pronoun with no name in the sentence.

A prediction is right when it is the label, or the end of it at a word boundary (the name
without its title: 'Trump' for 'U.S. President Donald Trump'), but never only some of several
speakers ('Deanna Paul' for 'Kristine Phillips and Deanna Paul'); for a quotation with no
speaker, only an empty prediction is right.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = Path(__file__).resolve().parent / "data" / "speakers_babe.yml"
BABE_FILE = Path("babe") / "final_labels_SG2.csv"


def dev_dir() -> Path | None:
    """The development data folder: $LESSONS_DEV_DATA, else ``../shared/dev`` beside the
    project (or beside the main checkout when this is a git worktree); None when absent."""
    env = os.environ.get("LESSONS_DEV_DATA")
    candidates = [Path(env)] if env else []
    candidates += [ROOT.parent / "shared" / "dev", ROOT.parent.parent / "shared" / "dev"]
    return next((c for c in candidates if (c / BABE_FILE).is_file()), None)


def sentence_key(sentence: str) -> str:
    """The short hash a label names its sentence by (the first 12 hex digits of SHA-1)."""
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:12]


def _sentences(folder: Path) -> dict[str, str]:
    with open(folder / BABE_FILE, encoding="utf-8-sig", newline="") as fh:
        return {sentence_key(r["text"]): r["text"] for r in csv.DictReader(fh, delimiter=";")}


def load_labels(path: Path = LABELS) -> list[dict]:
    """The labels: ``sentence`` (hash), ``quote`` (start offset), ``speaker`` (a list of
    accepted [start, end] spans in the sentence; empty: nobody is named)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["labels"])


def _norm(s: str) -> str:
    s = re.sub(r"\s+", " ", s.replace("\u2019", "'")).strip(" ,.;:\"'\u201c\u201d").lower()
    return re.sub(r"^(?:the|a|an) ", "", s)


def is_right(predicted: str, accepted: list[str]) -> bool:
    """Is ``predicted`` one of the ``accepted`` speakers (or the end of one, its name without
    the title)? With no accepted speaker, only '' is right."""
    p = _norm(predicted)
    if not accepted:
        return p == ""
    for label in accepted:
        lab = _norm(label)
        if p == lab:
            return True
        if p and lab.endswith(" " + p) and not lab[: len(lab) - len(p)].endswith(("and ", ", ")):
            return True
    return False


def speaker_accuracy(folder: Path | None = None, quotes=None) -> dict | None:
    """Speaker accuracy on the labelled BABE quotations, or None without the development set.

    Returns ``n`` (quotations scored), ``right``, ``accuracy``, ``named`` / ``named_right``
    (quotations the text gives a speaker), ``nobody`` / ``nobody_right`` (those it does not),
    ``empty_misses`` (a speaker was named but none was found) and ``missing`` (labels whose
    sentence or quotation was not found). ``quotes``: the function to score (default
    ``lessons.corpus.quotes``)."""
    folder = folder or dev_dir()
    if folder is None:
        return None
    if quotes is None:
        from lessons.corpus import quotes
    sentences = _sentences(folder)
    out = dict(n=0, right=0, named=0, named_right=0, nobody=0, nobody_right=0, empty_misses=0, missing=0)
    cache: dict[str, dict] = {}
    for lab in load_labels():
        sentence = sentences.get(lab["sentence"])
        if sentence is None:
            out["missing"] += 1
            continue
        if lab["sentence"] not in cache:
            frame = quotes(sentence)
            cache[lab["sentence"]] = dict(zip(frame["start"].astype(int), frame["speaker"]))
        found = cache[lab["sentence"]]
        if lab["quote"] not in found:
            out["missing"] += 1
            continue
        accepted = [sentence[a:b] for a, b in lab["speaker"]]
        ok = is_right(found[lab["quote"]], accepted)
        out["n"] += 1
        out["right"] += ok
        kind = "named" if accepted else "nobody"
        out[kind] += 1
        out[kind + "_right"] += ok
        out["empty_misses"] += bool(accepted) and not ok and found[lab["quote"]] == ""
    out["accuracy"] = out["right"] / out["n"] if out["n"] else None
    return out


def render(result: dict | None) -> list[str]:
    """The report's Markdown section for a :func:`speaker_accuracy` result."""
    lines = ["## Speakers of quotations on real news (BABE, hand-labelled sample)", ""]
    if result is None:
        return lines + ["The development set (`../shared/dev/babe`) is not here: section skipped.", ""]
    r = result
    lines += [
        f"{r['n']} quotations from {LABELS.name} (labels only; the sentences stay in the development set). "
        f"Speaker right: **{r['accuracy']:.2f}** (goal ≥ 0.85). Quotations whose sentence names a speaker: "
        f"{r['named_right']} of {r['named']} right ({r['empty_misses']} with no speaker found); "
        f"quotations nobody is said to have spoken (scare quotes, titles, slogans): {r['nobody_right']} of {r['nobody']} left empty."
        + (f" {r['missing']} labels not scored (sentence or quotation not found)." if r["missing"] else ""),
        "",
    ]
    return lines


if __name__ == "__main__":
    import json
    import sys

    sys.path.insert(0, str(ROOT / "src"))
    print(json.dumps(speaker_accuracy(), indent=1))
