"""``figures/claims.yml``: which figures are about the same thing (people killed, detained, ...).

A YAML list; each claim has a kebab-case ``claim`` name, a ``label``, a ``unit``, a
``rationale`` and ``rules``: each rule is a set of conditions (regular expressions on the
counted words, the verb, the text before or after the figure, the sentence), all of which must
match. ``load`` returns ``Claim``s with the patterns compiled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import _guard
from . import read
from .read import REGEX_FIX, Entry, FileReport, Problem, did_you_mean

FILE = "figures/claims.yml"
REQUIRED = ("claim", "label", "unit", "rules", "rationale")
FLAGS = ("cumulative", "checkable", "others_plus_one")  # true or false
FIELDS = ("claim", "label", "unit", "rules", "rationale", "cumulative", "checkable", "checkable_rationale",
          "others_plus_one")
DEFAULTS = {"cumulative": False, "checkable": True, "others_plus_one": False}
REGEX_CONDITIONS = ("counted", "verb", "before", "after", "sentence", "not_counted")
CONDITIONS = (*REGEX_CONDITIONS, "no_counted")
PATTERN_FLAGS = re.IGNORECASE
EXAMPLE = """- claim: people-killed
  label: People killed
  unit: count
  cumulative: true
  checkable: true
  rules:
    - counted: '\\b(people|residents)\\b'
      verb: '\\b(killed|dead|died)\\b'
  rationale: Why these words mean this claim, citing the articles."""
_FIXES = {"claim": "add 'claim: a-short-name' (kebab-case)", "label": "add 'label: ...', a short name for tables",
          "unit": "add 'unit: count' (or duration, percent, money, ...)",
          "rationale": "add 'rationale: ...': why these words mean this claim, citing the articles"}
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Claim:
    """One claim of the map, its rules compiled (each rule: condition -> pattern or flag)."""

    claim: str
    label: str
    unit: str
    cumulative: bool
    checkable: bool
    checkable_rationale: str
    others_plus_one: bool
    rules: tuple  # tuple of dicts of compiled conditions


def _name_problems(e: Entry, name: str, report: FileReport, seen: dict) -> None:
    """A claim's name: kebab-case and not used by an earlier claim."""
    claim = e.value["claim"]
    if not _KEBAB.fullmatch(claim):
        report.add(e.at(name, "claim"), f"claim {_guard.brief(claim)} is not kebab-case",
                   "use lowercase words joined by -, e.g. people-killed")
    if claim in seen:
        report.add(e.at(name, "claim"), f"claim {_guard.brief(claim)} is used twice "
                   f"(also claim {seen[claim]})", "give every claim its own name")
    seen.setdefault(claim, e.number)


def _flag_problems(e: Entry, name: str, report: FileReport) -> None:
    """The flags are true or false; checkable_rationale is text."""
    claim = e.value
    for key in FLAGS:
        if key in claim and not isinstance(claim[key], bool):
            report.add(e.at(name, key), f"{key} must be true or false, got {_guard.brief(claim[key])}",
                       f"write '{key}: true' or '{key}: false' (no quotes)")
    if "checkable_rationale" in claim and not isinstance(claim["checkable_rationale"], str):
        report.add(e.at(name, "checkable_rationale"), "checkable_rationale must be text", "write a sentence")


def _entry_problems(e: Entry, report: FileReport, seen: dict) -> None:
    claim, name = e.value, read.entry_name(e, report, "claim", "claim", EXAMPLE)
    if name is None:
        return
    read.entry_fields(e, report, name, ("claim", "label", "unit", "rationale"), FIELDS, _FIXES)
    _flag_problems(e, name, report)
    if isinstance(claim.get("claim"), str):
        _name_problems(e, name, report, seen)
    rules = claim.get("rules")
    if not isinstance(rules, list) or not rules:
        report.add(e.at(name, "rules"), "rules must be a non-empty list of conditions",
                   "add 'rules:' with at least one '- counted: ...' (see the example in docs)")
        return
    for r_number, rule in enumerate(rules, start=1):
        _rule_problems(rule, f"{e.at(name, 'rules')}, rule {r_number}", report)


def _rule_problems(rule, where: str, report: FileReport) -> None:
    """One rule: known conditions, each a regular expression (no_counted: true or false)."""
    if not isinstance(rule, dict) or not rule:
        report.add(where, f"a rule must be conditions such as 'counted: ...', got {_guard.brief(rule)}",
                   f"conditions: {', '.join(CONDITIONS)}")
        return
    for key, value in rule.items():
        if key not in CONDITIONS:
            report.add(where, f"unknown condition {_guard.brief(key)}{did_you_mean(key, CONDITIONS)}",
                       f"conditions: {', '.join(CONDITIONS)}")
        elif key == "no_counted":
            if not isinstance(value, bool):
                report.add(where, f"no_counted must be true or false, got {_guard.brief(value)}", "write 'no_counted: true'")
        elif not isinstance(value, str) or not value:
            report.add(where, f"condition {key} must be a regular expression, got {_guard.brief(value)}", REGEX_FIX)
        else:
            err = _guard.regex_problem(value, PATTERN_FLAGS)
            if err:
                report.add(where, f"condition {key} {_guard.brief(value)}: {err}", REGEX_FIX)


def _parse(path: Path, folder: Path | None = None) -> tuple[list[Entry], list[Problem]]:
    report = FileReport(path)
    entries = read.yaml_entries(path, report, "figure claims", EXAMPLE, path.parent.parent if folder is None else folder)
    seen: dict[str, int] = {}
    for e in entries or []:
        _entry_problems(e, report, seen)
    return entries or [], report.problems


def _build(entries: list[Entry]) -> tuple[Claim, ...]:
    """The claims, patterns compiled; LessonsDataError for the first problem (file, line, field)."""
    out = []
    for e in entries:
        c = e.value
        rules = tuple({k: (v if k == "no_counted" else re.compile(v, PATTERN_FLAGS)) for k, v in rule.items()}
                      for rule in c["rules"])
        flags = {k: c.get(k, DEFAULTS[k]) for k in FLAGS}
        out.append(Claim(claim=c["claim"], label=c["label"], unit=c["unit"], rules=rules,
                         checkable_rationale=str(c.get("checkable_rationale", "")).strip(), **flags))
    return tuple(out)


problems, survey, load = read.data_file(_parse, _build)
