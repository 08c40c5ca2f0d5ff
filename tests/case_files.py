"""The one reader of the labelled case files in ``tests/cases/``: sentences written for a test,
each with the answer a careful reader gives and a note naming the class of uses it checks.

A case file is YAML: a header (``source``, ``rationale``, ``licence``: where the sentences come
from, why they are there, under which licence) and ``cases:``, a list of

    - text: "The sentence."
      surface: "the part of it the case is about"   # optional: which term or figure
      expected: {field: value, ...}                 # exactly the fields the test names,
                                                    # or a list (fields=None)
      note: "the class of uses this case checks"

``load(name, fields)`` checks the whole file in this one place (every problem names the file,
the line and the field) and returns the cases, each with its ``_line``; a test parametrises
over them with ``params``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons.datafiles import read
from lessons.datafiles.read import FileReport
from lessons.errors import LessonsDataError

CASES = Path(__file__).resolve().parent / "cases"
HEADER = ("source", "rationale", "licence")
KEYS = ("text", "surface", "expected", "note")
REQUIRED = ("text", "expected", "note")


def _case_problems(case, line: int, keys: dict, fields: tuple[str, ...] | None) -> list[str]:
    if not isinstance(case, dict):
        return [f"line {line}: a case must be a mapping with {', '.join(REQUIRED)}"]
    out = [f"line {keys.get(k, line)}, field {k}: unknown field (allowed: {', '.join(KEYS)})" for k in case if k not in KEYS]
    out += [f"line {line}, field {k}: missing or empty" for k in REQUIRED
            if k not in case or case[k] is None or (k != "expected" and case[k] == "")]
    for k in ("text", "surface", "note"):
        if k in case and not isinstance(case[k], str):
            out.append(f"line {keys.get(k, line)}, field {k}: must be text, got {type(case[k]).__name__}")
    if isinstance(case.get("surface"), str) and isinstance(case.get("text"), str) and case["surface"] not in case["text"]:
        out.append(f"line {keys.get('surface', line)}, field surface: {case['surface']!r} is not in the text")
    expected = case.get("expected")
    if fields is None:
        if "expected" in case and not isinstance(expected, list):
            out.append(f"line {keys.get('expected', line)}, field expected: must be a list, got {type(expected).__name__}")
    elif "expected" in case and (not isinstance(expected, dict) or set(expected) != set(fields)):
        got = sorted(expected) if isinstance(expected, dict) else type(expected).__name__
        out.append(f"line {keys.get('expected', line)}, field expected: must map exactly {', '.join(fields)}, got {got}")
    return out


def load(name: str, fields: tuple[str, ...] | None, folder: Path = CASES) -> list[dict]:
    """The cases of ``tests/cases/<name>.yml``, each ``expected`` a mapping of exactly ``fields``
    (a list when ``fields`` is None);
    LessonsDataError naming the file, line and field for anything else (every problem at once)."""
    path = Path(folder) / f"{name}.yml"
    report = FileReport(path)
    got = read.yaml_data(path, report)
    if got is None or not report.ok:
        raise LessonsDataError("; ".join(p.message() for p in report.problems))
    data, node = got
    problems = []
    if not isinstance(data, dict):
        raise LessonsDataError(f"{path}: must be a mapping with {', '.join(HEADER)} and cases")
    problems += [f"field {k}: missing or empty (say {k} of the sentences)" for k in HEADER if not str(data.get(k) or "").strip()]
    cases, cases_node = data.get("cases"), read.child_node(node, "cases")
    if not isinstance(cases, list) or not cases:
        problems.append("field cases: must be a non-empty list")
        cases = []
    seen: dict = {}
    out = []
    for case, item in zip(cases, cases_node.value if cases_node is not None else []):
        line, keys = item.start_mark.line + 1, read.key_lines(item)
        problems += _case_problems(case, line, keys, fields)
        if isinstance(case, dict):
            key = (case.get("text"), case.get("surface"))
            if key in seen:
                problems.append(f"line {line}: the same text and surface as the case at line {seen[key]}")
            seen[key] = line
            out.append({**case, "_line": line})
    if problems:
        raise LessonsDataError(f"{path}: " + "; ".join(problems))
    return out


def params(name: str, fields: tuple[str, ...] | None) -> list:
    """``load(name, fields)`` as pytest parameters, each named by its file and line."""
    return [pytest.param(case, id=f"{name}:{case['_line']}") for case in load(name, fields)]
