"""``gold/<helper>.yml``: the labelled cases that check a helper, one file per helper, one format.

Gold cases are sentences written for this book (none from the five articles), each with the
answer a careful reader gives. Tests and benchmarks score the helpers on them. Every file has
the same shape::

    source: "Who wrote the cases and how."
    rationale: "Why these cases, and what they check."
    licence: "CC BY 4.0 (written for this book)"
    cases:
      - text: "Police said a mob smashed windows."
        split: dev            # dev: used while the helper was written; test: scored afterwards
        expected: [...]       # the helper's answer, in the schema of HELPERS[helper]
        note: "optional: why this case is here"

``expected`` is always a list, checked by the helper's own rules (``_EXPECTED``):

* ``language``: the loaded terms (``term``, ``voice``, optional ``category`` and
  ``scare_quote``); ``[]`` means nothing is loaded. Every term is in the text.
* ``figures``: every figure, in order (``at``, ``value``, ``qualifier``, ``unit``, optional
  ``counted``); ``at`` is found in the text after the previous figure, and ``load`` adds its
  ``start`` and ``end``. ``[]`` means the sentence holds no figure.
* ``speakers``: the speaker of each quotation, in order; ``""`` when the text names nobody.

``problems(path)`` lists every problem (file, line, case, field, fix); ``load(helper)`` raises
the first as ``LessonsDataError`` and returns the cases as dicts (``text``, ``split``,
``expected``, ``note``, ``_line``). Gold files belong to the book, not to a teacher's folder,
so ``lessons.check`` does not survey them; ``tests/test_gold.py`` does.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import yaml

from .. import _guard
from ..paths import data_dir
from . import read
from .lexicon import CATEGORIES
from .read import FileReport, Problem
from .read import child_node as _child
from .read import key_lines as _key_lines

FOLDER = "gold"
HEADER = ("source", "rationale", "licence")
CASE_FIELDS = ("text", "split", "expected", "note")
SPLITS = ("dev", "test")
MAX_CASES, MAX_TEXT = 2000, 2000  # a case is a sentence or a short passage, not an article

VOICES = ("reporter", "attributed", "quoted")  # lessons.language tags terms with these
QUALIFIERS = ("exact", "at_least", "at_most", "approx", "vague")  # issue 3's hedge vocabulary
UNITS = ("count", "percent", "fraction", "ratio", "multiplier", "money", "duration", "distance", "weight", "age")

EXAMPLE = ('source: "Written for this book."\nrationale: "What the cases check."\n'
           'licence: "CC BY 4.0"\ncases:\n  - text: "Police said thugs attacked."\n'
           '    split: test\n    expected: [...]')


def path(helper: str) -> Path:
    """The gold file of `helper` in the data folder: ``<data>/gold/<helper>.yml``."""
    return data_dir() / FOLDER / f"{helper}.yml"


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_number(value) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, int) or math.isfinite(value)  # an int too big for a float is still a number


# --------------------------------------------------------------------------- schema per helper
# Each checker gets (report, where(i, field) -> location text, the case's text, the expected
# list) and returns the labels to keep, or None after a problem.
def _fields(report, where, i, item, required, optional) -> bool:
    if not isinstance(item, dict):
        report.add(where(i, ""), f"expected entry {i} must have fields ({', '.join(required)})",
                   "write it as {" + ", ".join(f"{k}: ..." for k in required) + "}")
        return False
    ok = True
    allowed = required + optional
    for key in item:
        if key not in allowed:
            report.add(where(i, str(key)), f"unknown field {_guard.brief(key)}{read.did_you_mean(key, allowed)}",
                       f"the fields of an expected entry: {', '.join(allowed)}")
            ok = False
    for key in required:
        if key not in item:
            report.add(where(i, key), f"no {key}", f"give every expected entry its {key}")
            ok = False
    return ok


def _language(report, where, text: str, expected: list):
    ok = True
    for i, gold in enumerate(expected, 1):
        if not _fields(report, where, i, gold, ("term", "voice"), ("category", "scare_quote")):
            ok = False
            continue
        term = gold["term"]
        if not _is_text(term):
            report.add(where(i, "term"), f"term must be text, got {_guard.brief(term)}", "write the words as text in quotes")
            ok = False
        elif term.lower() not in text.lower():
            report.add(where(i, "term"), f"term {_guard.brief(term)} is not in the text",
                       "copy the words exactly as the sentence writes them")
            ok = False
        if gold["voice"] not in VOICES:
            report.add(where(i, "voice"), f"unknown voice {_guard.brief(gold['voice'])}{read.did_you_mean(gold['voice'], VOICES)}",
                       f"use one of {', '.join(VOICES)}")
            ok = False
        if gold.get("category") is not None and gold["category"] not in CATEGORIES:
            report.add(where(i, "category"), f"unknown category {_guard.brief(gold['category'])}"
                       f"{read.did_you_mean(gold['category'], CATEGORIES)}", f"use one of {', '.join(CATEGORIES)}")
            ok = False
        if "scare_quote" in gold and not isinstance(gold["scare_quote"], bool):
            report.add(where(i, "scare_quote"), f"scare_quote must be true or false, got {_guard.brief(gold['scare_quote'])}",
                       "write scare_quote: true (or leave it out)")
            ok = False
    return expected if ok else None


def _figure_labels(report, where, i: int, gold: dict) -> bool:
    """Value, qualifier, unit and counted of one labelled figure; False when one is wrong."""
    ok = True
    if gold["value"] is not None and not _is_number(gold["value"]):
        report.add(where(i, "value"), f"value must be a number or null, got {_guard.brief(gold['value'])}",
                   "write the normalised number (3,700 -> 3700), or null for a vague quantity")
        ok = False
    for key, allowed in (("qualifier", QUALIFIERS), ("unit", UNITS)):
        if gold[key] not in allowed:
            report.add(where(i, key), f"unknown {key} {_guard.brief(gold[key])}{read.did_you_mean(gold[key], allowed)}",
                       f"use one of {', '.join(allowed)}")
            ok = False
    counted = gold.get("counted")
    if counted is not None and not (_is_text(counted) or (isinstance(counted, list) and counted
                                                            and all(_is_text(c) for c in counted))):
        report.add(where(i, "counted"), f"counted must be text or a list of text, got {_guard.brief(counted)}",
                   "write what is counted (a noun phrase), or a list of accepted answers")
        ok = False
    return ok


def _figures(report, where, text: str, expected: list):
    ok, pos, out = True, 0, []
    for i, gold in enumerate(expected, 1):
        if not _fields(report, where, i, gold, ("at", "value", "qualifier", "unit"), ("counted",)):
            ok = False
            continue
        at = gold["at"]
        start = text.find(at, pos) if _is_text(at) else -1
        if start < 0:
            report.add(where(i, "at"), f"figure at: {_guard.brief(at)} not found in the text after the previous figure",
                       "copy the number exactly as the sentence writes it, figures in the order they appear")
            ok = False
        else:
            pos = start + len(at)
        ok = _figure_labels(report, where, i, gold) and ok
        if ok:
            out.append({**gold, "start": start, "end": pos})
    return out if ok else None


def _speakers(report, where, text: str, expected: list):
    ok = True
    for i, speaker in enumerate(expected, 1):
        if not isinstance(speaker, str):
            report.add(where(i, ""), f"speaker {i} must be text, got {_guard.brief(speaker)}",
                       'write the speaker as text in quotes, or "" when the text names nobody')
            ok = False
    return expected if ok else None


HELPERS = {"language": _language, "figures": _figures, "speakers": _speakers}


# --------------------------------------------------------------------------- the file
def _header(report: FileReport, data: dict, node) -> bool:
    lines, ok = _key_lines(node), True
    for key in data:
        if key not in HEADER + ("cases",):
            report.add(f"line {lines.get(str(key), 1)}, field {key}",
                       f"unknown field {_guard.brief(key)}{read.did_you_mean(key, HEADER + ('cases',))}",
                       f"a gold file has {', '.join(HEADER)} and cases")
            ok = False
    for key in HEADER:
        if not _is_text(data.get(key)):
            report.add(f"line {lines.get(key, 1)}, field {key}", f"no {key} (text)",
                       f"write '{key}: ...' at the top: who wrote the cases, why, under which licence")
            ok = False
    return ok


def _case_fields(report: FileReport, at, case: dict) -> bool:
    """The fields of a case other than ``expected``: known names, text, split and note."""
    ok = True
    for key in case:
        if key not in CASE_FIELDS:
            report.add(at(str(key)), f"unknown field {_guard.brief(key)}{read.did_you_mean(key, CASE_FIELDS)}",
                       f"the fields of a case: {', '.join(CASE_FIELDS)}")
            ok = False
    text = case.get("text")
    if not _is_text(text) or len(text) > MAX_TEXT:
        report.add(at("text"), "no text" if "text" not in case else f"text must be text of at most {MAX_TEXT} characters",
                   "write the sentence in quotes")
        ok = False
    if case.get("split") not in SPLITS:
        report.add(at("split"), "no split" if "split" not in case else
                   f"unknown split {_guard.brief(case['split'])}{read.did_you_mean(case['split'], SPLITS)}",
                   "split: dev (used while the helper was written) or split: test (scored afterwards)")
        ok = False
    if "note" in case and not _is_text(case["note"]):
        report.add(at("note"), f"note must be text, got {_guard.brief(case['note'])}", "write the note in quotes")
        ok = False
    return ok


def _case(report: FileReport, helper: str, number: int, case, node) -> dict | None:
    lines = _key_lines(node)
    line = node.start_mark.line + 1
    name = f"case {number}"

    def at(field: str) -> str:
        return f"line {lines.get(field, line)}, {name}, field {field}"

    if not isinstance(case, dict):
        report.add(f"line {line}, {name}", "a case must have fields (text, split, expected)",
                   f"write each case as fields, e.g.\n{EXAMPLE}")
        return None
    ok = _case_fields(report, at, case)
    text = case.get("text")
    expected = case.get("expected")
    if not isinstance(expected, list):
        report.add(at("expected"), "no expected" if "expected" not in case else
                   f"expected must be a list, got {_guard.brief(expected)}",
                   "write the helper's answer as a list ([] when there is nothing to find)")
        return None
    if not ok:
        return None
    items = _child(node, "expected")
    item_lines = [n.start_mark.line + 1 for n in items.value] if isinstance(items, yaml.SequenceNode) else []

    def where(i: int, field: str) -> str:
        here = item_lines[i - 1] if i <= len(item_lines) else lines.get("expected", line)
        return f"line {here}, {name}, field expected[{i}]{'.' + field if field else ''}"

    labels = HELPERS[helper](report, where, text, expected)
    if labels is None:
        return None
    return {"text": text, "split": case["split"], "expected": labels, "note": case.get("note"), "_line": line}


def _parse(path: Path, helper: str | None = None, folder: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    helper = helper or path.stem
    if helper not in HELPERS:
        report.add("", f"no gold schema for {_guard.brief(helper)}{read.did_you_mean(helper, HELPERS)}",
                   f"name the file after a helper: {', '.join(f'{h}.yml' for h in HELPERS)}")
        return [], report.problems
    parsed = read.yaml_data(path, report, folder)
    if parsed is None:
        return [], report.problems
    data, node = parsed
    if not isinstance(data, dict):
        report.add("", f"expected a header and cases, got {type(data).__name__ if data is not None else 'an empty file'}",
                   f"write the file as\n{EXAMPLE}")
        return [], report.problems
    _header(report, data, node)
    cases, cases_node = data.get("cases"), _child(node, "cases")
    if not isinstance(cases, list) or not cases or not isinstance(cases_node, yaml.SequenceNode):
        report.add(f"line {_key_lines(node).get('cases', 1)}, field cases", "no cases (a non-empty list)",
                   f"list the cases under 'cases:', each starting with '- ', e.g.\n{EXAMPLE}")
        return [], report.problems
    if len(cases) > MAX_CASES:
        report.add("field cases", f"more than {MAX_CASES} cases", "split the cases over files or keep the best ones")
        return [], report.problems
    out = []
    for number, (case, child) in enumerate(zip(cases, cases_node.value), start=1):
        kept = _case(report, helper, number, case, child)
        if kept is not None:
            out.append(kept)
    return out, report.problems


def problems(path, folder=None, helper: str | None = None) -> list[Problem]:
    """Every problem in a gold file (its helper is the file's name unless `helper` is given)."""
    return _parse(Path(path), helper, Path(folder) if folder is not None else None)[1]


def survey(path, folder=None) -> tuple[int, list[Problem]]:
    """(how many cases the file has, every problem)."""
    cases, found = _parse(Path(path), None, Path(folder) if folder is not None else None)
    return len(cases), found


@read.cached()
def _load(file: Path, helper: str) -> tuple[dict, ...]:
    cases, found = _parse(Path(file), helper)
    read.first_error(found)
    return tuple(cases)


def load(helper: str, split: str | None = None, file=None) -> list[dict]:
    """The gold cases of `helper` (``text, split, expected, note, _line``), those of one
    `split` ('dev' or 'test') or all; `file` replaces ``<data>/gold/<helper>.yml``.
    LessonsDataError for the first problem. The caller gets its own copy."""
    if split is not None and split not in SPLITS:
        read.first_error([Problem(str(file or path(helper)), "", f"unknown split {_guard.brief(split)}",
                                  f"ask for one of {', '.join(SPLITS)}, or None for every case")])
    cases = _load(Path(file) if file is not None else path(helper), helper)
    return copy.deepcopy([c for c in cases if split is None or c["split"] == split])
