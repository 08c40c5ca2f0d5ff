"""``exercises/keywords/skip_words.yml``: the words that are never a key word of a free-text
answer (``lessons.exercises.keywords``).

A list of groups. Each has ``group`` (its name), ``source`` (where its words come from),
``rationale`` (why they are skipped) and ``words`` (a list of lower-case words). A word is in
one group only. The file sits in a folder of its own: every ``*.yml`` of ``exercises/`` is a
chapter's exercises.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import _guard
from . import read
from .read import FileReport, Problem

FILE = "exercises/keywords/skip_words.yml"
FIELDS = ("group", "source", "rationale", "words")
MAX_WORDS = 2000  # words of one group: a word list, not a dictionary
MAX_TEXT = 1000  # characters of a name, source or rationale
_WORD_RE = re.compile(r"[^\W\d_]{1,40}(?:'[^\W\d_]{1,40})?")  # letters, one apostrophe at most
EXAMPLE = ("- group: function words\n"
           "  source: \"The project's own list\"\n"
           "  rationale: Grammatical words every answer has.\n"
           "  words: [the, of, and]")


_FIXES = {"group": "give the group a short name", "source": "say where the words come from, in a sentence",
          "rationale": "say why these words are skipped, in a sentence"}


def _words(e, name: str, label: str, value, seen: dict, report: FileReport) -> list[str] | None:
    """The group's words, or None after a problem (not a list, a word that is not a lower-case
    word, or one another group already has)."""
    if not isinstance(value, list) or not value or len(value) > MAX_WORDS:
        report.add(e.at(name, "words"), f"words must be a list of 1 to {MAX_WORDS} words",
                   "write the words in brackets: words: [the, of, and]")
        return None
    out = []
    for w in value:
        # YAML reads yes, no, on and off as true or false: such a word must be in quotes
        if not isinstance(w, str) or w != w.lower() or not _WORD_RE.fullmatch(w):
            report.add(e.at(name, "words"), f"{_guard.brief(w)} is not a lower-case word",
                       "write each word in lower case; put 'yes', 'no', 'on' and 'off' in quotes")
            return None
        if w in seen:
            report.add(e.at(name, "words"), f"{w!r} is also in group {seen[w]}",
                       "keep each word in one group")
            return None
        seen[w] = label
        out.append(w)
    return out


def _parse(path: Path, folder: Path | None = None) -> tuple[list, list[Problem]]:
    report = FileReport(path)
    entries = read.yaml_entries(path, report, "groups", EXAMPLE, folder)
    if entries is None:
        return [], report.problems
    out, seen = [], {}
    for e in entries:
        name = read.entry_name(e, report, "group", "group", EXAMPLE)
        if name is None:
            continue
        before = len(report.problems)
        read.entry_fields(e, report, name, FIELDS[:3], FIELDS, _FIXES)
        for key in FIELDS[:3]:
            if isinstance(e.value.get(key), str) and len(e.value[key]) > MAX_TEXT:
                report.add(e.at(name, key), f"{key} is longer than {MAX_TEXT} characters", _FIXES[key])
        label = e.value["group"] if isinstance(e.value.get("group"), str) else name
        words = _words(e, name, _guard.brief(label), e.value.get("words"), seen, report)
        if len(report.problems) == before and words is not None:
            out.append({"group": e.value["group"], "words": words, "_line": e.line})
    return out, report.problems


def _build(groups: list) -> frozenset:
    """Every word of every group; LessonsDataError for the first problem."""
    return frozenset(w for g in groups for w in g["words"])


problems, survey, load = read.data_file(_parse, _build, count=lambda groups: sum(len(g["words"]) for g in groups))
