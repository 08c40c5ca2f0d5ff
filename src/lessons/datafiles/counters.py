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
            err = _guard.regex_problem(row["pattern"], PATTERN_FLAGS)
            if err:
                report.add(f"line {line}, column pattern", f"{_guard.brief(row['pattern'])}: {err}", REGEX_FIX)
    return rows or [], report.problems


def _build(rows: list) -> tuple[tuple[re.Pattern, str, str], ...]:
    """(compiled pattern, counter, kind) per row; LessonsDataError for the first problem."""
    return tuple((re.compile(r["pattern"], PATTERN_FLAGS), r["counter"], r["kind"]) for _, r in rows)


problems, survey, load = read.data_file(_parse, _build)
