"""The small CSV tables of the skill modules (hedges, vague words, units and currency symbols in
``figures/``; spelling, compounds and synonyms in ``compare/``; reference terms in
``language/``): one reader, the same messages as every other data file.

``rows(path, required)`` gives each row as a dict of stripped values; a missing column, an
empty required value or a broken file raises ``LessonsDataError`` naming file, line and column.
``problems(path, required)`` lists every such problem instead.
"""

from __future__ import annotations

from pathlib import Path

from . import read
from .read import FileReport, Problem


def _parse(path: Path, required, filled, allowed, nonempty, one_of=None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    found = read.csv_rows(path, report, tuple(required), tuple(allowed) if allowed else None)
    if found is None:
        return [], report.problems
    if nonempty and not found:
        report.add("line 2", "no entries", "add one line per entry under the header")
    read.require_filled(report, found, tuple(required if filled is None else filled))
    for column, values in (one_of or {}).items():
        read.require_one_of(report, found, column, tuple(values))
    return found, report.problems


def problems(path, required, filled=None, allowed=None, nonempty=False, one_of=None) -> list[Problem]:
    """Every problem of a table: its columns `required` (and only `allowed`, if given), each row
    with a value in every column of `filled` (default: the required ones), and each column of
    `one_of` ({column: allowed values}) holding one of its values."""
    return _parse(Path(path), required, filled, allowed, nonempty, one_of)[1]


def rows(path, required, filled=None, allowed=None, nonempty=False, line: bool = False, one_of=None) -> list[dict]:
    """The rows (with ``_line``, the row's line, when `line`); LessonsDataError for the first problem."""
    found, errors = _parse(Path(path), required, filled, allowed, nonempty, one_of)
    read.first_error(errors)
    return [{**row, "_line": n} if line else row for n, row in found]
