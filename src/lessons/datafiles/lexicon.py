"""``language/lexicon.csv``: loaded words, each with a category, a neutral alternative, a note a
student can read and a source.

One row per term; ``pos`` says how it inflects (noun, verb, adj; fixed: exactly as written),
``forms`` adds irregular forms (separated by '|'), and ``skip_if_preceded_by`` /
``skip_if_followed_by`` are regular expressions for contexts where the word is not loaded.
``strength`` (optional column) is ``strong`` (the default: shown wherever it stands) or ``watch``
(a weak word to watch: shown only in a sentence that also holds a strong loaded word);
``strong_if_followed_by`` (optional) is a regular expression on the 80 characters after a word to
watch: where it matches, that use is strong (*claimed that*, *claimed to*: a statement's truth in doubt).
Two terms that differ only in case, spaces, hyphens or the kind of apostrophe are the same
term (``term_key``).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .. import _guard
from . import read
from .read import REGEX_FIX, WARNING, FileReport, Problem

FILE = "language/lexicon.csv"
CATEGORIES = ("label", "euphemism", "attribution", "intensifier", "distancing", "descriptor", "comment")
POS = ("noun", "verb", "adj", "fixed")
STRENGTHS = ("strong", "watch")
COLUMNS = ("term", "category", "neutral", "note", "source", "pos", "forms",
           "skip_if_preceded_by", "skip_if_followed_by", "strength", "strong_if_followed_by")
# `strength` and `strong_if_followed_by` may be left out (a teacher's older file): every entry is strong
REQUIRED = COLUMNS[:-2]
FILLED = ("term", "category", "note", "source", "pos")
CONTEXT_COLUMNS = ("skip_if_preceded_by", "skip_if_followed_by", "strong_if_followed_by")
PATTERN_FLAGS = re.IGNORECASE
FIXES = {
    "term": "write the word or phrase",
    "category": f"use one of {', '.join(CATEGORIES)}",
    "note": "say in a sentence a student can read why the word is loaded",
    "source": "say where the entry comes from (a style guide, or 'own reasoned entry')",
    "pos": f"use one of {', '.join(POS)} (fixed: match the phrase exactly, no inflections)",
    "strength": f"use one of {', '.join(STRENGTHS)} (or leave it empty: strong)",
}

_APOSTROPHES = re.compile("['\u2019\u02bc]")
_JOINERS = re.compile(r"[\s\-\u2010\u2011\u2012\u2013]+")


def term_key(surface: str) -> str:
    """How two terms are told apart: case-folded, no spaces or hyphens, one kind of apostrophe."""
    text = unicodedata.normalize("NFC", surface).casefold()
    return _JOINERS.sub("", _APOSTROPHES.sub("'", text))


def _parse(path: Path, folder: Path | None = None, book: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    rows = read.csv_rows(path, report, REQUIRED, COLUMNS, path.parent.parent if folder is None else folder)
    if rows is None:
        return [], report.problems
    if not rows:
        report.add("line 2", "no entries", "add one line per loaded word under the header, or delete the file")
    read.require_filled(report, rows, FILLED, FIXES)
    read.require_one_of(report, rows, "category", CATEGORIES, FIXES["category"])
    read.require_one_of(report, rows, "pos", POS, FIXES["pos"])
    read.require_one_of(report, rows, "strength", STRENGTHS, FIXES["strength"])
    _check_strength(report, rows)
    _check_terms(report, rows, path, book)
    return rows, report.problems


def _check_strength(report: FileReport, rows: list) -> None:
    """Only a word to watch can be made strong by what follows."""
    for line, row in rows:
        if row.get("strong_if_followed_by") and row.get("strength") != "watch":
            report.add(f"line {line}, column strong_if_followed_by", "only a word to watch can be made strong by what follows",
                       "set strength to watch, or empty this column")


def _check_terms(report: FileReport, rows: list, path: Path, book: Path | None) -> None:
    """Each term has letters, is listed once, says when it replaces a book term; context patterns are safe."""
    shipped = book_terms(book) if book is not None and Path(book).resolve() != path.resolve() else {}
    seen: dict[str, int] = {}
    for line, row in rows:
        term = row.get("term", "")
        key = term_key(term)
        if term and not key:
            report.add(f"line {line}, column term", f"term {_guard.brief(term)} has no letters", FIXES["term"])
        elif key in seen:
            report.add(f"line {line}, column term", f"term {_guard.brief(term)} is listed twice (duplicates line {seen[key]})",
                       "keep one row per term")
        elif key in shipped:
            report.add(f"line {line}, column term", f"{_guard.brief(term)} is already in the book's lexicon (line {shipped[key]}); "
                       "your line replaces it for your articles", "nothing to do if you meant to change its note or category",
                       WARNING)
        if key:
            seen.setdefault(key, line)
        for column in CONTEXT_COLUMNS:
            if row.get(column):
                err = _guard.regex_problem(row[column], PATTERN_FLAGS)
                if err:
                    report.add(f"line {line}, column {column}", f"{_guard.brief(row[column])}: {err}", REGEX_FIX)


def book_terms(path) -> dict[str, int]:
    """term_key -> line of every term in a lexicon file that can be read ({} otherwise)."""
    rows = read.csv_rows(Path(path), FileReport(path), ("term",))
    return {term_key(r["term"]): line for line, r in rows or [] if r.get("term")}


def _build(rows: list) -> tuple[dict, ...]:
    """The rows, checked: every column (stripped) and ``_line``; LessonsDataError for the first problem."""
    return tuple({**{c: row.get(c, "") for c in COLUMNS}, "_line": line} for line, row in rows)


# problems(path, folder=None, book=None): with `book` (the book's own lexicon), a term the book
# already has is a warning: the file's line replaces the book's.
problems, survey, load = read.data_file(_parse, _build)


def merged(additions, book) -> list[dict]:
    """The book's rows with a folder's rows added (a row for a term the book has replaces it)."""
    extra = [{c: row.get(c, "") for c in COLUMNS} for _, row in read.csv_rows(Path(additions), FileReport(additions), REQUIRED) or []]
    replaced = {term_key(row["term"]) for row in extra}
    rows = [{c: row.get(c, "") for c in COLUMNS} for _, row in read.csv_rows(Path(book), FileReport(book), REQUIRED) or []]
    return [row for row in rows if term_key(row["term"]) not in replaced] + extra
