"""``language/limits.yml``: passages where the word list and a careful reader disagree
(chapter 3, "What a word list cannot do"); ``lessons.tables.limits_table`` runs the word list on
each.

A list of entries. Each has ``reader`` (what a careful reader sees) and either ``text`` (a
sentence written for the book) or ``article`` and ``find`` (the sentence of that report holding
these words). Every value is text.
"""

from __future__ import annotations

from pathlib import Path

from .. import _guard
from . import read
from .read import FileReport, Problem

FILE = "language/limits.yml"
FIELDS = ("text", "article", "find", "reader")
MAX_TEXT = 2000  # characters of one value: a passage, not a page
EXAMPLE = ("- text: \"The film's bandits were played by local actors.\"\n"
           "  reader: \"In a film review, 'bandits' just names the characters.\"")


def _parse(path: Path, folder: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    entries = read.yaml_entries(path, report, "passages", EXAMPLE, folder)
    if entries is None:
        return [], report.problems
    out = []
    for e in entries:
        name = f"entry {e.number}"
        if not isinstance(e.value, dict):
            report.add(f"line {e.line}, {name}", "an entry must have fields (reader, and text or article and find)",
                       f"write each entry as fields, e.g.\n{EXAMPLE}")
            continue
        ok = True
        for key, value in e.value.items():
            if key not in FIELDS:
                report.add(e.at(name, str(key)), f"unknown field {_guard.brief(key)}{read.did_you_mean(key, FIELDS)}",
                           f"the fields of an entry: {', '.join(FIELDS)}")
                ok = False
            elif not isinstance(value, str) or not value.strip():
                report.add(e.at(name, key), f"{key} must be text, got {_guard.brief(value)}",
                           "write the value as text in quotes")
                ok = False
            elif len(value) > MAX_TEXT:
                report.add(e.at(name, key), f"{key} is longer than {MAX_TEXT} characters",
                           "give one passage, not a whole article")
                ok = False
        if "reader" not in e.value:
            report.add(f"line {e.line}, {name}", "no reader (what a careful reader sees)",
                       "add a line 'reader: ...' saying what the word list misses")
            ok = False
        given = tuple(k in e.value for k in ("text", "article", "find"))
        if given not in ((True, False, False), (False, True, True)):
            report.add(f"line {e.line}, {name}", "give either 'text', or 'article' and 'find' (not both)",
                       "a sentence written for the book is 'text'; a sentence of a report is 'article' (its id) and 'find' (words in it)")
            ok = False
        if ok:
            out.append({**{k: e.value[k] for k in FIELDS if k in e.value}, "_line": e.line})
    return out, report.problems


def _build(entries: list) -> tuple[dict, ...]:
    """The passages (their fields and ``_line``); LessonsDataError for the first problem."""
    return tuple(entries)


problems, survey, load = read.data_file(_parse, _build)
