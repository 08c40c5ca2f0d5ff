"""``language/reference_terms.csv``: the words sources use for the same people (the crowd, the
security forces) and the plain verbs of saying, to compare what each source calls whom.

One row per term: its ``group``, its ``pos`` (as in the lexicon), extra ``forms``, whether it is
``loaded`` (yes or no; a loaded one is also in the lexicon) and a ``rationale``.
"""

from __future__ import annotations

from pathlib import Path

from .. import _guard
from . import read
from .lexicon import POS, term_key
from .read import FileReport, Problem

FILE = "language/reference_terms.csv"
COLUMNS = ("term", "group", "pos", "forms", "loaded", "rationale")
FILLED = ("term", "group", "pos", "loaded", "rationale")
GROUPS = ("crowd", "forces", "speech")
LOADED = ("yes", "no")


def _parse(path: Path, folder: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    rows = read.csv_rows(path, report, COLUMNS, folder=folder)
    if rows is None:
        return [], report.problems
    if not rows:
        report.add("line 2", "no entries", "add one line per term under the header")
    read.require_filled(report, rows, FILLED)
    read.require_one_of(report, rows, "group", GROUPS)
    read.require_one_of(report, rows, "pos", POS)
    read.require_one_of(report, rows, "loaded", LOADED, "write yes or no")
    seen: dict[str, int] = {}
    for line, row in rows:
        key = term_key(row.get("term", ""))
        if key in seen:
            report.add(f"line {line}, column term", f"term {_guard.brief(row['term'])} is listed twice (duplicates line {seen[key]})",
                       "keep one row per term")
        seen.setdefault(key, line)
    return rows, report.problems


def _build(rows: list) -> tuple[dict, ...]:
    """The rows (every column, stripped, and ``_line``); LessonsDataError for the first problem."""
    return tuple({**{c: row.get(c, "") for c in COLUMNS}, "_line": line} for line, row in rows)


problems, survey, load = read.data_file(_parse, _build)
