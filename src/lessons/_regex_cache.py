"""Compiled regular expressions kept on disk between Python processes.

Why: the attribution grammar's rules are long (35-75k characters: the name pattern is part of
each), and Python's ``re`` turns a pattern into its internal code in pure Python, about 1.5 CPU
seconds for the whole grammar in every fresh kernel, i.e. in every chapter. The code that
``re`` makes from a pattern is a plain list of integers; the C engine builds a pattern object
from it in microseconds. So the first process saves that list here, and the next ones build
the same pattern object from it: the matching is exactly the one ``re.compile`` gives (a
pattern object compares equal to ``re.compile``'s only if its code is the same).

Safe to lose or to find damaged: each file is named by a hash of the Python version, the
engine's version and the pattern, holds that pattern's hash, is bounded in size, and the C
engine checks the code before it uses it (``_sre`` validates it); on any doubt the pattern is
compiled the ordinary way. The folder: ``$LESSONS_CACHE_DIR`` (an empty value turns the cache
off), else ``$XDG_CACHE_HOME/lessons/regex`` or ``~/.cache/lessons/regex``. Nothing is written
when the folder cannot be created (a read-only home, a sandbox).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from array import array
from functools import lru_cache
from pathlib import Path

try:  # CPython's own compiler (3.11+: re._parser, re._compiler); anything else: no cache
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Python implementations
    _sre = None

MAX_FILE_BYTES = 8 * 1024 * 1024  # the largest rule's code is about 600 kB
MAX_FILES = 100  # about 3 MB a grammar: the oldest files go when there are more
_ITEM = "I" if _sre is not None and array("I").itemsize == getattr(_sre, "CODESIZE", 0) else ""
__all__ = ["compile", "cache_dir"]


def cache_dir() -> Path | None:
    """The folder the compiled code is kept in, or None when the cache is off."""
    value = os.environ.get("LESSONS_CACHE_DIR")
    if value is not None:
        return Path(value) if value.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "lessons" / "regex"


def _key(pattern: str, flags: int) -> str:
    engine = f"{sys.implementation.cache_tag}|{sys.version}|{getattr(_sre, 'MAGIC', '')}|{flags}|"
    return hashlib.sha256((engine + pattern).encode("utf-8", "surrogatepass")).hexdigest()


def _build(pattern: str, header: dict, code) -> re.Pattern:
    indexgroup = tuple(header["indexgroup"])
    return _sre.compile(pattern, header["flags"], code, header["groups"], header["groupindex"], indexgroup)


def _code(pattern: str, flags: int) -> tuple[dict, list[int]]:
    """What ``re.compile`` hands the C engine: the header (flags, groups, names) and the code."""
    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    header = dict(flags=flags | parsed.state.flags, groups=parsed.state.groups - 1,
                  groupindex=groupindex, indexgroup=indexgroup)
    return header, code


@lru_cache(maxsize=1)
def _usable() -> bool:
    """Does building from the code give what ``re.compile`` gives, on this Python?"""
    if _sre is None or not _ITEM:
        return False
    try:
        probe = r"(?P<a>x[\u2009y]++)|(?>z{1,3}?)\b"
        header, code = _code(probe, 0)
        return _build(probe, header, code) == re.compile(probe)
    except Exception:  # an internal API that changed: compile the ordinary way
        return False


def _load(path: Path, pattern: str, flags: int, key: str) -> re.Pattern | None:
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return None
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
        if header.get("key") != key or len(body) % array(_ITEM).itemsize:
            return None
        code = array(_ITEM)
        code.frombytes(body)
        return _build(pattern, header, code.tolist())
    except Exception:  # missing, damaged or foreign: compile again
        return None


def _save(folder: Path, path: Path, header: dict, code: list[int]) -> None:
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(json.dumps(header).encode("utf-8") + b"\n" + array(_ITEM, code).tobytes())
        os.replace(tmp, path)  # atomic: a reader sees the whole file or none
        _prune(folder)
    except Exception:  # a read-only home or a full disk: the pattern works all the same
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    """Remove the least recently written files beyond ``keep`` (each edit of a rules file
    makes new patterns; the old ones would pile up)."""
    files = sorted(folder.glob("*.sre"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in files[MAX_FILES:]:
        old.unlink(missing_ok=True)


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 - the name re uses
    """``re.compile(pattern, flags)``, from the code saved by an earlier process when there is
    one (and saved for the next one when not)."""
    folder = cache_dir()
    if folder is None or not _usable() or not isinstance(pattern, str):
        return re.compile(pattern, flags)
    key = _key(pattern, flags)
    path = folder / f"{key[:40]}.sre"
    found = _load(path, pattern, flags, key)
    if found is not None:
        return found
    try:
        header, code = _code(pattern, flags)
        compiled = _build(pattern, header, code)
    except Exception:
        return re.compile(pattern, flags)  # the ordinary error for a bad pattern
    _save(folder, path, dict(header, key=key), code)
    return compiled
