"""``compare/elements.yml``: the elements a report of the event could cover.

A YAML list; each element has an ``id``, a ``label``, ``signals`` (words or phrases that show
a sentence covers it; ``word*`` matches any word starting with ``word``), an optional
``requires`` (words that must also be in the sentence) and a ``rationale``.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from .. import _guard
from . import read
from .read import Entry, FileReport, Problem

FILE = "compare/elements.yml"
REQUIRED = ("id", "label", "signals", "rationale")
FIELDS = ("id", "label", "signals", "requires", "rationale")
EXAMPLE = """- id: storm-damage
  label: Damage from the storm
  signals: [damage*, destroyed, flooded]
  rationale: Why this belongs to the story and why these words signal it."""
ID_MAX = 60
ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # kebab-case; at most ID_MAX characters
# The chapters' computed "which reports leave this out?" exercise on an element has this id
# (lessons.compare.coverage_exercise makes it; lessons.computed recognises it in lessons.yml).
LEFT_OUT_PREFIX = "same-story-left-out-"
LEFT_OUT_ID_RE = re.compile(rf"{LEFT_OUT_PREFIX}(?=[a-z0-9-]{{1,{ID_MAX}}}\Z){ID_RE.pattern}")


def left_out_id(element: str) -> str:
    """The id of the 'which reports leave this out?' exercise on ``element`` (an element id)."""
    return LEFT_OUT_PREFIX + element


_FIXES = {"id": "add 'id: a-short-name' (kebab-case)", "label": "add 'label: ...', a short name for tables",
          "rationale": "add 'rationale: ...': why the element belongs to the story and why its signals fit"}


def _entry_problems(e: Entry, report: FileReport, seen: dict) -> None:
    el, name = e.value, read.entry_name(e, report, "element", "id", EXAMPLE)
    if name is None:
        return
    read.entry_fields(e, report, name, ("id", "label", "rationale"), FIELDS, _FIXES)
    if isinstance(el.get("id"), str):
        if el["id"].strip() and not (len(el["id"]) <= ID_MAX and ID_RE.fullmatch(el["id"])):
            report.add(e.at(name, "id"), f"id {_guard.brief(el['id'])} is not kebab-case of at most {ID_MAX} characters",
                       "use lowercase letters and digits joined by -, e.g. storm-damage")
        if el["id"] in seen:
            report.add(e.at(name, "id"), f"id {_guard.brief(el['id'])} is used twice (also element {seen[el['id']]})",
                       "give every element its own id")
        seen.setdefault(el["id"], e.number)
    for key in ("signals", "requires"):
        if key != "requires" or key in el:
            _words_problem(e, name, key, report)


def _words_problem(e: Entry, name: str, key: str, report: FileReport) -> None:
    """signals and requires: a non-empty list of words or phrases."""
    v = e.value.get(key)
    if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
        report.add(e.at(name, key), f"{key} must be a non-empty list of words or phrases, got {_guard.brief(v)}",
                   f"write e.g. '{key}: [flood*, storm surge]' (quote words such as 'yes', 'no', 'on')")


def _parse(path: Path, folder: Path | None = None) -> tuple[list[Entry], list[Problem]]:
    report = FileReport(path)
    entries = read.yaml_entries(path, report, "story elements", EXAMPLE, path.parent.parent if folder is None else folder)
    seen: dict[str, int] = {}
    for e in entries or []:
        _entry_problems(e, report, seen)
    return entries or [], report.problems


def _build(entries: list[Entry]) -> tuple[dict, ...]:
    return tuple(dict(e.value) for e in entries)


problems, survey, _load = read.data_file(_parse, _build)


def load(path) -> list[dict]:
    """The elements, checked; each caller gets its own copy to change as it likes."""
    return copy.deepcopy(list(_load(path)))
