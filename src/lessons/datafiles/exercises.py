"""``exercises/*.yml``: the exercises and their answer keys, one YAML list per chapter.

Each entry has an ``id`` (kebab-case, unique across every file), a ``type`` (choice, multi,
numeric, words, text), a ``prompt``, an ``answer``, an ``explanation`` and a ``source``, plus the
fields its type uses (see docs/CONVENTIONS.md, "Exercise files"). ``entry_problems`` checks
one entry (also one built by code); ``problems(folder)`` every file of a folder; ``load(folder)``
returns the exercises by id or raises a LessonsDataError listing every problem.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import yaml

from ..paths import REPO_ROOT
from . import read
from .read import FileReport, Problem

FOLDER = "exercises"
TYPES = ("choice", "multi", "numeric", "words", "text")
COMMON_FIELDS = ("id", "type", "prompt", "answer", "explanation", "source")
TYPE_FIELDS = {
    "choice": {"options", "feedback"},
    "multi": {"options", "feedback", "optional"},
    "numeric": {"tolerance", "unit"},
    "words": {"passage", "optional"},
    "text": {"original", "avoid"},
}
ALL_FIELDS = set(COMMON_FIELDS).union(*TYPE_FIELDS.values())
# How to answer, shown once by the exercise itself (the widget, the book's quiz; a worksheet
# prints its own words for paper), so a prompt does not say it too (walk 11: "Choose all that
# apply." twice). A prompt that says it is refused (`SAYS_HOW`).
HOW_TO_ANSWER = {
    "multi": "Choose all that apply.",
    "words": "Press each word you want to mark; press it again to unmark it. Marked words show a ✓.",
}
SAYS_HOW = {
    "multi": re.compile(r"\b(?:all|every one|each one) that appl(?:y|ies)\b", re.I),
    "words": re.compile(r"\b(?:click|press|tap)\b[^.!?]{0,80}?\bagain\b|\bun-?mark", re.I),
}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIX = "see 'Exercise files' in docs/CONVENTIONS.md for the fields each type needs"


def label(path) -> str:
    """A short, readable name for a file in messages: relative to the repo or cwd if possible."""
    path = Path(path)
    for base in (REPO_ROOT, Path.cwd()):
        try:
            return path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            continue
    return path.as_posix()


def is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def is_number(x: Any) -> bool:
    """A finite int or float that a float can hold (10**400 is an int but no float: refused)."""
    if not (is_int(x) or isinstance(x, float)):
        return False
    try:
        return math.isfinite(float(x))
    except OverflowError:
        return False


def _nonempty_str(x: Any) -> bool:
    return isinstance(x, str) and x.strip() != ""


def _options(entry: dict, typ: str, out: list) -> int | None:
    """How many options a choice or multi entry has (None when they are missing or broken)."""
    opts = entry.get("options")
    if "options" not in entry:
        out.append(("options", f"is missing (type '{typ}' needs a list of options)"))
        return None
    if not (isinstance(opts, list) and len(opts) >= 2 and all(_nonempty_str(o) for o in opts)):
        out.append(("options", "must be a list of at least 2 non-empty texts"))
        return None
    return len(opts)


def _index_problems(ans: Any, indices: list, n: int | None, out: list) -> None:
    """An answer's option indices: none twice, each one of the n options."""
    if len(set(indices)) != len(indices):
        out.append(("answer", f"is {ans!r}: an index is listed twice"))
        return
    bad = [a for a in indices if not 0 <= a < n] if n is not None else []
    if bad:
        out.append(("answer", f"is {bad[0]} but there are only {n} options (indices 0 to {n - 1})"))


def _choice_answer(entry: dict, n: int | None, out: list) -> None:
    """One index, or a list of indices when several options are defensible answers."""
    if "answer" not in entry:
        return
    ans = entry["answer"]
    listed = isinstance(ans, list)
    if not (is_int(ans) or (listed and ans and all(is_int(a) for a in ans))):
        out.append(("answer", f"is {ans!r}: must be the index (0, 1, ...) of the right option, "
                              "or a list of the indices of every defensible option"))
    else:
        _index_problems(ans, ans if listed else [ans], n, out)


def _multi_answer(entry: dict, n: int | None, out: list) -> None:
    if "answer" not in entry:
        return
    ans = entry["answer"]
    if not (isinstance(ans, list) and ans and all(is_int(a) for a in ans)):
        out.append(("answer", f"is {ans!r}: must be a non-empty list of option indices"))
    else:
        _index_problems(ans, ans, n, out)


def _feedback_problems(entry: dict, n: int | None, out: list) -> None:
    if "feedback" not in entry:
        return
    fb = entry["feedback"]
    if not (isinstance(fb, list) and all(isinstance(x, str) for x in fb)):
        out.append(("feedback", "must be a list of texts, one per option"))
    elif n is not None and len(fb) != n:
        out.append(("feedback", f"has {len(fb)} texts but there are {n} options"))


def _optional_indices(entry: dict, n: int | None, out: list) -> None:
    if "optional" not in entry:
        return
    optl, ans = entry["optional"], entry.get("answer")
    if not (isinstance(optl, list) and all(is_int(a) for a in optl)):
        out.append(("optional", f"is {optl!r}: must be a list of option indices that may be chosen or left out"))
    elif n is not None and any(not 0 <= a < n for a in optl):
        out.append(("optional", f"lists an index outside 0 to {n - 1}"))
    elif isinstance(ans, list) and set(optl) & set(ans):
        out.append(("optional", "lists an index that is also in 'answer'"))


def _choice_problems(entry: dict, out: list) -> None:
    n = _options(entry, "choice", out)
    _choice_answer(entry, n, out)
    _feedback_problems(entry, n, out)
    _optional_indices(entry, n, out)


def _multi_problems(entry: dict, out: list) -> None:
    n = _options(entry, "multi", out)
    _multi_answer(entry, n, out)
    _feedback_problems(entry, n, out)
    _optional_indices(entry, n, out)


def _numeric_problems(entry: dict, out: list) -> None:
    if "answer" in entry and not is_number(entry["answer"]):
        out.append(("answer", f"is {entry['answer']!r}: must be a number"))
    if "tolerance" in entry:
        tol = entry["tolerance"]
        if not (is_number(tol) and tol >= 0):
            out.append(("tolerance", f"is {tol!r}: must be a number >= 0"))
    if "unit" in entry and not (_nonempty_str(entry["unit"]) and re.fullmatch(r"[a-z]{1,20}", entry["unit"])):
        out.append(("unit", f"is {entry['unit']!r}: must be one lower-case word, e.g. 'days'"))


def _passage(entry: dict, out: list) -> str | None:
    """A words entry's passage (None when it is missing or empty)."""
    if "passage" not in entry:
        out.append(("passage", "is missing (type 'words' needs the text to click in)"))
        return None
    if not _nonempty_str(entry["passage"]):
        out.append(("passage", "must be non-empty text"))
        return None
    return entry["passage"]


def _words_answer(ans: Any, passage: str | None, out: list) -> None:
    from ..exercises import normalise_word, passage_tokens  # the quiz's own word rules (shared with quiz.js)

    if not (isinstance(ans, list) and ans and all(_nonempty_str(a) for a in ans)):
        out.append(("answer", "must be a non-empty list of words from the passage"))
        return
    if passage is None:
        return
    words = {t["word"] for t in passage_tokens(passage) if t["word"]}
    for a in ans:
        if normalise_word(a) not in words:
            out.append(("answer", f"word {a!r} does not appear in the passage "
                                  "(one word per item; case and punctuation are ignored)"))


def _words_problems(entry: dict, out: list) -> None:
    passage = _passage(entry, out)
    if "answer" in entry:
        _words_answer(entry["answer"], passage, out)
    if "optional" in entry:
        optl = entry["optional"]
        if not (isinstance(optl, list) and all(_nonempty_str(a) for a in optl)):
            out.append(("optional", "must be a list of words that may be marked or left out"))


def _texts(x: Any) -> bool:
    """A non-empty list of non-empty texts."""
    return isinstance(x, list) and bool(x) and all(_nonempty_str(a) for a in x)


def _text_problems(entry: dict, out: list) -> None:
    if "answer" in entry and not (_nonempty_str(entry["answer"]) or _texts(entry["answer"])):
        out.append(("answer", "must be a non-empty list of model answers"))
    if "original" in entry and not _nonempty_str(entry["original"]):
        out.append(("original", "must be the sentence the student rewrites"))
    if "avoid" in entry and not _texts(entry["avoid"]):
        out.append(("avoid", "must be a non-empty list of words or phrases that a rewrite should leave out"))


# type -> the checks of the fields that type uses (each appends (field, what is wrong))
TYPE_CHECKS = {
    "choice": _choice_problems,
    "multi": _multi_problems,
    "numeric": _numeric_problems,
    "words": _words_problems,
    "text": _text_problems,
}


def _common_problems(entry: dict) -> list[tuple[str, str]]:
    """The fields every type has: present, id in kebab-case, a known type, texts not empty."""
    out: list[tuple[str, str]] = [(f, "is missing") for f in COMMON_FIELDS if f not in entry]
    ex_id = entry.get("id")
    if "id" in entry and not (isinstance(ex_id, str) and ID_RE.match(ex_id)):
        out.append(("id", f"is {ex_id!r}: use kebab-case letters and digits, "
                          "prefixed by the chapter, e.g. 'figures-what-18-counts'"))
    if "type" in entry and entry["type"] not in TYPES:
        out.append(("type", f"is {entry['type']!r}: must be one of {', '.join(TYPES)}"))
    for f in ("prompt", "explanation", "source"):
        if f in entry and not _nonempty_str(entry[f]):
            out.append((f, "must be non-empty text"))
    return out


def entry_problems(entry: Any) -> list[tuple[str, str]]:
    """All (field, what is wrong) for one exercise; empty when it is valid."""
    if not isinstance(entry, dict):
        return [("-", f"the entry is a {type(entry).__name__}, not a mapping of fields")]
    out = _common_problems(entry)
    typ = entry.get("type")
    if typ not in TYPES:
        return out
    for f in sorted(set(entry) - ALL_FIELDS):
        out.append((f, f"is not a known field (known: {', '.join(sorted(ALL_FIELDS))})"))
    for f in sorted((set(entry) & ALL_FIELDS) - set(COMMON_FIELDS) - TYPE_FIELDS[typ]):
        out.append((f, f"is not used by type '{typ}'"))
    TYPE_CHECKS[typ](entry, out)
    prompt = entry.get("prompt")
    if typ in SAYS_HOW and isinstance(prompt, str) and SAYS_HOW[typ].search(prompt[:5000]):
        out.append(("prompt", f"says how to answer, which the exercise shows itself "
                              f"({HOW_TO_ANSWER[typ]!r}): leave that sentence out of the prompt"))
    return out


def normalised(entry: dict) -> dict:
    """A valid entry with defaults filled in (tolerance, answer lists)."""
    e = dict(entry)
    if e["type"] == "numeric":
        e.setdefault("tolerance", 0)
    if e["type"] == "text" and isinstance(e["answer"], str):
        e["answer"] = [e["answer"]]
    return e


def entry_name(index: int, entry: Any) -> str:
    ex_id = entry.get("id") if isinstance(entry, dict) else None
    return f"entry {index} ({f'id {ex_id!r}' if isinstance(ex_id, str) else 'no id'})"


def files(folder) -> list[Path]:
    folder = Path(folder)
    return sorted(folder.glob("*.yml")) + sorted(folder.glob("*.yaml"))


def _parse(folder: Path) -> tuple[dict[str, dict], list[Problem]]:
    out: list[Problem] = []
    found: dict[str, dict] = {}
    first_seen: dict[str, str] = {}
    if not folder.is_dir():
        FileReport(label(folder), out).add("", "exercise folder not found", f"create {folder} with one YAML file per chapter")
        return found, out
    for path in files(folder):
        name = label(path)
        report = FileReport(name, out)
        parsed = read.yaml_data(path, report, folder)
        data = parsed[0] if parsed else None
        if data is None:
            continue
        if not isinstance(data, list):
            report.add("", "must be a YAML list of exercises (each starting with '- id:')", FIX)
            continue
        node = parsed[1]
        for i, (entry, child) in enumerate(zip(data, node.value), start=1):
            keys = {str(k.value): k.start_mark.line + 1 for k, _ in child.value} if isinstance(child, yaml.MappingNode) else {}
            where = entry_name(i, entry)
            probs = entry_problems(entry)
            for f, what in probs:
                report.add(f"line {keys.get(f, child.start_mark.line + 1)}, {where}", f"field {f!r} {what}", FIX)
            if probs:
                continue
            ex_id = entry["id"]
            if ex_id in found:
                report.add(f"line {keys['id']}, {where}", f"field 'id' {ex_id!r} is already used by "
                           f"{first_seen[ex_id]}; ids must be unique across all files", "give every exercise its own id")
                continue
            found[ex_id] = normalised(entry)
            found[ex_id]["_file"] = name
            first_seen[ex_id] = f"{name}, entry {i}"
    return found, out


def _valid(found: dict[str, dict]) -> dict[str, dict]:
    return found


# problems(folder): every problem in a folder of exercise files; survey(folder): (the valid
# exercises by id, every problem). ``load`` below has its own cache (one folder, many files).
problems, survey, _ = read.data_file(_parse, count=_valid, cache=False)


def _stamps(folder: Path) -> tuple:
    return tuple(read.stamp(p) for p in files(folder)) if folder.is_dir() else ()


_CACHE: dict[tuple, dict[str, dict]] = {}


def load(folder) -> dict[str, dict]:
    """Every exercise in `folder`, keyed by id; LessonsDataError listing every problem (file,
    line, entry number from 1, id, field). Cached by each file's (path, mtime, size); each call
    returns a fresh copy."""
    from ..errors import LessonsDataError

    folder = Path(folder)
    key = (str(folder.resolve()), _stamps(folder))
    if key not in _CACHE:
        found, out = _parse(folder)
        if out:
            raise LessonsDataError("\n".join(f"{p.file}, {p.where}: {p.problem}" if p.where else f"{p.file}: {p.problem}"
                                             for p in out))
        _CACHE.clear()
        _CACHE[key] = found
    return copy.deepcopy(_CACHE[key])
