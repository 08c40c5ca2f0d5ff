"""``figures/counters.csv``: who counted. Each row maps a pattern (a regular expression for the
names a report uses) to a counter and its kind, with a rationale."""

from __future__ import annotations

import re
from pathlib import Path

from .. import _guard
from . import read
from .read import REGEX_FIX, FileReport, Problem

FILE = "figures/counters.csv"
COLUMNS = ("pattern", "counter", "kind", "rationale")
PATTERN_FLAGS = re.IGNORECASE


def _parse(path: Path, folder: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    rows = read.csv_rows(path, report, COLUMNS, COLUMNS, path.parent.parent if folder is None else folder)
    read.require_filled(report, rows or [], COLUMNS)
    for line, row in rows or []:
        if row.get("pattern"):
            err = read.regex_problem(row["pattern"], PATTERN_FLAGS)
            if err:
                report.add(f"line {line}, column pattern", f"{_guard.brief(row['pattern'])}: {err}", REGEX_FIX)
    return rows or [], report.problems


def problems(path, folder=None) -> list[Problem]:
    """Every problem in a counters file."""
    return _parse(Path(path), Path(folder) if folder is not None else None)[1]


def survey(path, folder=None) -> tuple[int, list[Problem]]:
    """(how many counters, every problem)."""
    rows, found = _parse(Path(path), Path(folder) if folder is not None else None)
    return len(rows), found


@read.cached()
def load(path) -> tuple[tuple[re.Pattern, str, str], ...]:
    """(compiled pattern, counter, kind) per row; LessonsDataError for the first problem."""
    rows, found = _parse(Path(path))
    read.first_error(found)
    return tuple((re.compile(r["pattern"], PATTERN_FLAGS), r["counter"], r["kind"]) for _, r in rows)
