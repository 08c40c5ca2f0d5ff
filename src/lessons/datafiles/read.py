"""One reader for every data file: text, YAML and CSV, each value with its line number.

What a file brings in may come from a teacher's folder, so reading is bounded (``lessons._guard``:
size, inside the folder, no NUL bytes, UTF-8) and YAML goes through ``lessons._yaml`` (no
aliases, bounded nesting). Nothing here raises on bad input: every problem is added to a
``FileReport`` as a ``Problem`` (file, where, what is wrong, how to fix it), so a checker can list
them all and a loader can raise the first (``first_error``).

``cached`` keeps a loader's result per (path, modification time, size): another folder or a
changed file is read again, the same file is not. ``data_file`` makes a data-file module's
``problems``, ``survey`` and ``load`` from its one parse function.
"""

from __future__ import annotations

import copy
import csv
import difflib
import functools
import io
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple

import pandas as pd
import yaml

from .. import _guard, _yaml
from ..errors import LessonsDataError

ERROR, WARNING = "error", "warning"

REGEX_FIX = ("write a Python regular expression (check brackets and backslashes; in YAML put it "
             "in single quotes, e.g. '\\bpolice\\b')")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where it is, what is wrong, how to fix it."""

    file: str
    where: str
    problem: str
    fix: str
    severity: str = ERROR

    def _head(self) -> str:  # a file name can hold anything: shown with its controls escaped
        head = f"{self.file}, {self.where}" if self.where else self.file
        return _guard.printable(head)

    def __str__(self) -> str:
        problem, fix = _guard.printable(self.problem, "\n"), _guard.printable(self.fix, "\n")
        return f"{self.severity.upper()}: {self._head()}\n    problem: {problem}\n    fix: {fix}"

    def message(self) -> str:
        """The problem as one error message: file, where, what is wrong, and the fix."""
        return f"{self._head()}: {_guard.printable(self.problem, chr(10))} (fix: {_guard.printable(self.fix, chr(10))})"


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table (``severity, file, where, problem, fix``) for a notebook."""
    rows = [dict(severity=p.severity, file=p.file, where=p.where, problem=p.problem, fix=p.fix) for p in problems]
    return pd.DataFrame(rows, columns=["severity", "file", "where", "problem", "fix"])


def first_error(problems: list[Problem]) -> None:
    """Raise the first error among `problems` as a LessonsDataError (warnings do not count)."""
    for p in problems:
        if p.severity == ERROR:
            raise LessonsDataError(p.message())


class FileReport:
    """Gathers the problems of one file."""

    def __init__(self, file, out: list[Problem] | None = None):
        self.file = str(file)
        self.problems: list[Problem] = [] if out is None else out

    def add(self, where: str, problem: str, fix: str, severity: str = ERROR) -> None:
        self.problems.append(Problem(self.file, where, problem, fix, severity))

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def did_you_mean(name, allowed) -> str:
    close = difflib.get_close_matches(str(name), [str(a) for a in allowed], n=1)
    return f" (did you mean {_guard.brief(close[0])}?)" if close else ""


# --------------------------------------------------------------------------- text
_NOT_FOUND = "file not found"


def read_text(path: Path, report: FileReport, folder: Path | None = None,
              limit: int = _guard.MAX_DATA_BYTES, strip_bom: bool = True) -> str | None:
    """The file as text (a leading BOM dropped, unless `strip_bom` is false), or None with a
    problem when it cannot be read as UTF-8 text: missing, not a regular file, outside
    `folder`, too big, binary, not UTF-8."""
    data, problem = _guard.read_checked(path, folder, limit)
    if problem:
        fix = ("check that the file exists and that you may read it" if problem == _NOT_FOUND
               else "replace it with a plain UTF-8 text file inside the folder")
        report.add("", problem, fix)
        return None
    nul = _guard.text_problem(data)
    if nul:
        report.add(f"line {nul[0]}", nul[1], "save the text as a plain UTF-8 text file (not a word-processor file)")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        report.add(f"line {line}", f"not UTF-8 text (byte {err.start}: {err.reason})",
                   "open the file in a text editor and save it with the encoding 'UTF-8'")
        return None
    return text.removeprefix("\ufeff") if strip_bom else text


# --------------------------------------------------------------------------- YAML
@dataclass
class Entry:
    """One item of a YAML list, with the line of the item and of each of its keys."""

    number: int
    line: int
    value: object
    key_lines: dict = field(default_factory=dict)

    def at(self, name: str, field_name: str) -> str:
        """'line N, <name>, field <field>': where a field of this entry is."""
        return f"line {self.key_lines.get(field_name, self.line)}, {name}, field {field_name}"


def _duplicate_key(node) -> tuple[int, str] | None:
    """(line, key) of the first key written twice in one mapping (PyYAML keeps the last)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, yaml.MappingNode):
            seen = set()
            for key, value in n.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        return key.start_mark.line + 1, key.value
                    seen.add(key.value)
                stack.append(value)
        elif isinstance(n, yaml.SequenceNode):
            stack.extend(n.value)
    return None


def yaml_data(path: Path, report: FileReport, folder: Path | None = None):
    """(data, node) of a YAML file, or None with a problem (unreadable, invalid, a key twice)."""
    text = read_text(path, report, path.parent if folder is None else folder)
    if text is None:
        return None
    try:
        data, node = _yaml.parse(text, path)
    except _yaml.YAMLProblem as err:
        fix = "write the values out in full, with a few levels of nesting at most"
        if err.problem.startswith("not valid YAML"):
            fix = "fix the YAML syntax there: indent with spaces, never tabs; put text containing ': ' or '#' in quotes"
            if "\t" in text:
                fix = "replace the tab characters in this file with spaces; put text containing ': ' or '#' in quotes"
        report.add(f"line {err.line}" if err.line else "", err.problem, fix)
        return None
    twice = _duplicate_key(node)
    if twice:
        report.add(f"line {twice[0]}", f"key {_guard.brief(twice[1])} appears twice in one entry",
                   "keep one line for each field (YAML would silently keep only the last)")
        return None
    return data, node


def key_lines(node) -> dict:
    """{key: line} of a YAML mapping node (empty for anything else)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): k.start_mark.line + 1 for k, _ in node.value}


def child_node(node, key: str):
    """The value node of ``key`` in a YAML mapping node, or None."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if str(k.value) == key:
                return v
    return None


#: At most this many entries in one YAML list, rows in one CSV file, items in one field's list
#: (a teacher's file can hold anything; the book's longest list has about 940 rows). A loader
#: may pass a smaller limit for its own file (articles.yml: ``articles.MAX_ARTICLES``).
MAX_ENTRIES = 2000
MAX_ROWS = 20_000
MAX_ITEMS = 50


def yaml_entries(path: Path, report: FileReport, what: str, example: str,
                 folder: Path | None = None, limit: int = MAX_ENTRIES) -> list[Entry] | None:
    """A YAML file holding a non-empty list of at most `limit` entries, as entries with line
    numbers; None after a problem."""
    parsed = yaml_data(path, report, folder)
    if parsed is None:
        return None
    data, node = parsed
    if not isinstance(data, list) or not data or not isinstance(node, yaml.SequenceNode):
        got = type(data).__name__ if data is not None else "an empty file"
        report.add("", f"expected a list of {what}, one entry each, got {got}",
                   f"write one entry per item, each starting with '- ', e.g.\n{example}")
        return None
    if len(data) > limit:
        report.add(f"line {node.value[limit].start_mark.line + 1}, entry {limit + 1}",
                   f"{len(data):,} {what}; {path.name} may hold at most {limit:,}",
                   f"keep at most {limit:,} {what} in {path.name} (split them over folders)")
        return None
    entries = []
    for number, (item, child) in enumerate(zip(data, node.value), start=1):
        keys = {}
        if isinstance(child, yaml.MappingNode):
            keys = {str(k.value): k.start_mark.line + 1 for k, _ in child.value}
        entries.append(Entry(number, child.start_mark.line + 1, item, keys))
    return entries


def entry_name(e: Entry, report: FileReport, kind: str, key: str, example: str) -> str | None:
    """How messages name a list entry that must be a mapping ('claim 3 (people-killed)': its
    number and its `key` field), or None, with a problem, when it is not a mapping."""
    if not isinstance(e.value, dict):
        report.add(f"line {e.line}, {kind} {e.number}", f"expected fields such as '{key}: ...', got {_guard.brief(e.value)}",
                   f"write each {kind} like\n{example}")
        return None
    value = e.value.get(key)
    return f"{kind} {e.number}" + (f" ({_guard.brief(value)[1:-1]})" if isinstance(value, str) else "")


def entry_fields(e: Entry, report: FileReport, name: str, texts, fields, fixes: dict) -> None:
    """An entry's fields: each of `texts` present and not empty text (fix: ``fixes[key]``), and
    no field outside `fields`."""
    for key in texts:
        if not isinstance(e.value.get(key), str) or not e.value[key].strip():
            report.add(e.at(name, key), f"{key} is missing or empty", fixes[key])
    for key in e.value:
        if key not in fields:
            report.add(e.at(name, key), f"unknown field {_guard.brief(key)}{did_you_mean(key, fields)}",
                       f"allowed fields: {', '.join(fields)}")


# --------------------------------------------------------------------------- CSV
def csv_rows(path: Path, report: FileReport, required: tuple[str, ...], allowed: tuple[str, ...] | None = None,
             folder: Path | None = None) -> list[tuple[int, dict]] | None:
    """Rows of a CSV file as (line, {column: stripped value}); None after a problem with the file
    or its header. Blank lines are skipped; a row with too many or too few values is a problem.
    `allowed` (default: any) lists the columns the file may have."""
    text = read_text(path, report, path.parent if folder is None else folder)
    if text is None:
        return None
    names = allowed or required
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        report.add("line 1", "the file is empty", f"the first line names the columns: {','.join(names)}")
        return None
    except csv.Error as err:
        report.add("line 1", f"not valid CSV ({err})", "check the quotation marks on that line")
        return None
    missing = [c for c in required if c not in header]
    if missing:
        report.add("line 1", f"missing column(s) {', '.join(missing)}",
                   f"the first line must name the columns: {','.join(names)}")
        return None
    if allowed is not None:
        for name in header:
            if name and name not in allowed:
                report.add("line 1", f"unknown column {_guard.brief(name)}{did_you_mean(name, allowed)}",
                           f"allowed columns: {', '.join(allowed)}")
    return _csv_body(reader, header, report)


def _csv_body(reader, header: list[str], report: FileReport) -> list[tuple[int, dict]]:
    """The rows after the header as (line, {column: stripped value}); blank lines skipped."""
    rows = []
    line = reader.line_num
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                report.add(f"line {start}", f"more than {MAX_ROWS:,} rows; a file here may hold at most {MAX_ROWS:,}",
                           f"keep at most {MAX_ROWS:,} rows in the file")
                break
            if len(values) != len(header):
                report.add(f"line {start}", f"{len(values)} values for {len(header)} columns",
                           "put text containing a comma in double quotes, and give every column a value (empty is ,,)")
                continue
            rows.append((start, {h: v.strip() for h, v in zip(header, values)}))
    except csv.Error as err:
        report.add(f"line {reader.line_num}", f"not valid CSV ({err})", "check the quotation marks on that line")
    return rows


def require_filled(report: FileReport, rows: list[tuple[int, dict]], columns, fixes: dict | None = None) -> None:
    """A problem for every row with an empty value in one of `columns`."""
    for line, row in rows:
        for key in columns:
            if not row.get(key):
                report.add(f"line {line}, column {key}", f"{key} is empty",
                           (fixes or {}).get(key, "give every column a value"))


def require_one_of(report: FileReport, rows: list[tuple[int, dict]], column: str, allowed, fix: str | None = None) -> None:
    """A problem for every row whose (non-empty) `column` is not one of `allowed`."""
    for line, row in rows:
        value = row.get(column)
        if value and value not in allowed:
            report.add(f"line {line}, column {column}",
                       f"unknown {column} {_guard.brief(value)}{did_you_mean(value, allowed)}",
                       fix or f"use one of {', '.join(allowed)}")


# --------------------------------------------------------------------------- caching
def stamp(path) -> tuple:
    """(absolute path, modification time, size) of a file; (path, None, None) when it is
    missing, so that its loader reports the missing file itself."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return str(path), None, None
    return os.path.abspath(path), st.st_mtime_ns, st.st_size


def cached(maxsize: int = 16):
    """Cache a loader ``f(path, *args)`` by the file's (path, modification time, size) and the
    other arguments: another file, or the same file changed, is loaded again. A missing file
    and a file with problems are never cached (the loader raises each time)."""
    def wrap(fn):
        cache: dict = {}

        @functools.wraps(fn)
        def load(path, *args):
            key = (stamp(path), args)
            if key[0][1] is None:
                return fn(Path(path), *args)
            if key not in cache:
                if len(cache) >= maxsize:
                    cache.pop(next(iter(cache)))  # the oldest entry
                cache[key] = fn(Path(path), *args)
            return cache[key]

        load.cache_clear = cache.clear
        return load
    return wrap


# Results built from several files at once (the lessons and the exercise ids they name):
# one store per process, keyed by every file's stamp. Callers get a deep copy, so changing
# what they got never changes what the next caller gets.
MAX_BUILT = 32
_built: dict = {}
_built_lock = threading.Lock()


def cached_build(name: str, paths, build, *extra):
    """``build()``'s result for these files as they are now, computed once per process.

    ``name`` tells apart different results from the same files; ``extra`` (hashable) is
    anything else the result depends on. An error raised by ``build`` is not cached."""
    key = (name, tuple(stamp(p) for p in paths), extra)
    with _built_lock:
        if key in _built:
            return copy.deepcopy(_built[key])
    value = build()
    with _built_lock:
        if len(_built) >= MAX_BUILT:
            _built.pop(next(iter(_built)))
        _built[key] = value
    return copy.deepcopy(value)


def clear_built() -> None:
    """Forget every result of ``cached_build`` (tests)."""
    with _built_lock:
        _built.clear()


# --------------------------------------------------------------------------- a data file's module
class DataFile(NamedTuple):
    """The entry points of one data-file module (see ``data_file``)."""

    problems: Callable
    survey: Callable
    load: Callable


def data_file(parse, build=None, count=len, cache: bool = True) -> DataFile:
    """``problems``, ``survey`` and ``load`` of a data-file module, all from its ``parse``.

    ``parse(path, folder=..., **options)`` reads the file once and returns (what it read, every
    problem); `folder` (the teacher's folder the file must stay inside) is passed only when given.
    ``problems(path, folder=None, **options)`` is every problem; ``survey`` is (``count`` of what
    was read, every problem), what ``lessons.check`` reports; ``load(path)`` raises the first
    problem as ``LessonsDataError`` and returns ``build`` of what was read (default: as read),
    cached by the file's stamp unless `cache` is false. So a module declares only its file, its
    rules (``parse``) and its result (``build``), and the checker and the loader cannot disagree."""
    def run(path, folder, options):
        where = {} if folder is None else {"folder": Path(folder)}
        return parse(Path(path), **where, **options)

    def problems(path, folder=None, **options) -> list[Problem]:
        return run(path, folder, options)[1]

    def survey(path, folder=None, **options) -> tuple:
        data, found = run(path, folder, options)
        return count(data), found

    def load(path):
        data, found = run(path, None, {})
        first_error(found)
        return data if build is None else build(data)

    problems.__doc__ = "Every problem in the file (warnings included; an empty list: it is fine)."
    survey.__doc__ = "(how many entries the file has, every problem): what ``lessons.check`` reports."
    load.__doc__ = ((build.__doc__ if build is not None else None)
                    or "What the file holds, checked; LessonsDataError for the first problem (file, line, field).")
    for fn in (problems, survey, load):
        fn.__module__, fn.__qualname__ = parse.__module__, fn.__name__
    return DataFile(problems, survey, cached()(load) if cache else load)
