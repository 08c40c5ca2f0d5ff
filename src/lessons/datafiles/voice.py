"""``language/voice.yml``: the word lists that decide the 'attributed' voice (reported speech
without quotation marks), compiled into patterns by ``lessons.language``.

Three sections, each a mapping with a ``reason``: ``naming`` (``verbs``, ``passive``, optional
``not_followed_by``, ``max_words``), ``reporting`` (``verbs``, optional ``trailing`` and
``not_subject``, ``max_subject_words``) and ``according_to`` (``phrases``). A word list is a non-empty list of
text, at most ``MAX_WORDS`` entries of at most ``MAX_LENGTH`` characters each; a limit is a whole
number from 1 to 20.
"""

from __future__ import annotations

from pathlib import Path

from .. import _guard
from . import read
from .read import FileReport, Problem
from .read import child_node as _child
from .read import key_lines as _key_lines

FILE = "language/voice.yml"
SECTIONS = ("naming", "reporting", "according_to")
# section -> (word lists it must have, word lists it may have, limits with their defaults)
FIELDS = {
    "naming": (("verbs", "passive"), ("not_followed_by",), {"max_words": 6}),
    "reporting": (("verbs",), ("trailing", "not_subject"), {"max_subject_words": 6}),
    "according_to": (("phrases",), (), {}),
}
MAX_WORDS, MAX_LENGTH = 500, 60
LIMIT_RANGE = (1, 20)
EXAMPLE = ("naming:\n  reason: A naming verb gives the words after it to the subject.\n"
           "  verbs: [called, dubbed]\n  passive: [described]\n  max_words: 6")


def _word_list(report: FileReport, where: str, name: str, value) -> list[str] | None:
    if not isinstance(value, list) or not value:
        report.add(where, f"{name} must be a non-empty list of words",
                   f"write the words in square brackets, e.g. {name.split('.')[-1]}: [said, told]")
        return None
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        report.add(where, f"{name} holds {_guard.brief(bad[0])}, which is not a word",
                   "write every entry as text; put yes, no, on, off and numbers in quotes")
        return None
    if len(value) > MAX_WORDS or any(len(v) > MAX_LENGTH for v in value):
        report.add(where, f"{name}: at most {MAX_WORDS} entries of at most {MAX_LENGTH} characters",
                   "keep the list to words and short phrases")
        return None
    return [v.strip() for v in value]


def _parse(path: Path, folder: Path | None = None) -> tuple[dict, list[Problem]]:
    report = FileReport(path)
    parsed = read.yaml_data(path, report, folder)
    if parsed is None:
        return {}, report.problems
    data, node = parsed
    if not isinstance(data, dict):
        report.add("", f"expected the sections {', '.join(SECTIONS)}, got "
                   f"{type(data).__name__ if data is not None else 'an empty file'}",
                   f"write one mapping per section, e.g.\n{EXAMPLE}")
        return {}, report.problems
    top = _key_lines(node)
    out: dict = {"source": data.get("source")}
    for section in SECTIONS:
        entry, line = data.get(section), top.get(section)
        where = f"line {line}, section {section}" if line else f"section {section}"
        if not isinstance(entry, dict):
            report.add(where, f"section {section} is missing or not a mapping",
                       f"write '{section}:' with a reason and its word lists, e.g.\n{EXAMPLE}")
            continue
        lines = _key_lines(_child(node, section))
        out[section] = _section(report, section, entry, lambda name, s=section, n=line, ls=lines:
                                f"line {ls.get(name, n)}, section {s}, field {name}")
    return out, report.problems


def _section(report: FileReport, section: str, entry: dict, at) -> dict:
    """One section's values (a reason, word lists, limits); `at(field)` says where a field is."""
    if not str(entry.get("reason") or "").strip():
        report.add(at("reason"), f"section {section} has no reason",
                   "say in one or two sentences why these words decide the voice")
    required, optional, limits = FIELDS[section]
    known = {"reason", *required, *optional, *limits}
    for name in entry:
        if name not in known:
            report.add(at(str(name)), f"unknown field {_guard.brief(name)}{read.did_you_mean(name, sorted(known))}",
                       f"the fields of {section}: {', '.join(sorted(known))}")
    values: dict = {"reason": str(entry.get("reason") or "").strip()}
    for name in required + optional:
        if name in optional and entry.get(name) is None:
            values[name] = []
            continue
        values[name] = _word_list(report, at(name), f"{section}.{name}", entry.get(name)) or []
    for name, default in limits.items():
        values[name] = _limit(report, at(name), name, entry.get(name, default), default)
    return values


def _limit(report: FileReport, where: str, name: str, value, default: int) -> int:
    """A limit: a whole number in LIMIT_RANGE (else the default, with a problem)."""
    low, high = LIMIT_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        report.add(where, f"{name} must be a whole number from {low} to {high}, got {_guard.brief(value)}",
                   f"write a number such as {default}")
        return default
    return value


def _sections(data: dict) -> int:
    return sum(1 for s in SECTIONS if s in data)


def _build(data: dict) -> dict:
    """{section: {field: value}} with every word list stripped and every limit a number;
    LessonsDataError for the first problem (file, line, section, field)."""
    return data


problems, survey, load = read.data_file(_parse, _build, count=_sections)
