"""Parsed data files kept for the life of one Python process, keyed by what the files are.

A chapter asks for the same data file several times (each lesson box reads `lessons.yml`
again); parsing it once per process instead of once per call keeps a chapter's execution
close to its imports-only floor. The key is each file's (path, modification time, size), so
a file edited while a kernel runs is read again at the next call. Callers get a deep copy:
changing what they got never changes what the next caller gets.
"""

from __future__ import annotations

import copy
import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterable

MAX_ENTRIES = 32  # a handful of data files per process; a teacher's folders add a few more

_lock = threading.Lock()
_store: dict[tuple, Any] = {}


def stamp(paths: Iterable[str | os.PathLike]) -> tuple:
    """(resolved path, mtime in ns, size) of each file; a missing file stamps as (path, None, None)."""
    out = []
    for p in paths:
        path = Path(p)
        try:
            st = path.stat()
        except OSError:
            out.append((str(path), None, None))
        else:
            out.append((str(path.resolve()), st.st_mtime_ns, st.st_size))
    return tuple(out)


def cached(name: str, paths: Iterable[str | os.PathLike], build: Callable[[], Any], *extra) -> Any:
    """``build()``'s result for these files as they are now, computed once per process.

    ``name`` tells apart different results built from the same files; ``extra`` (hashable)
    is anything else the result depends on. An error raised by ``build`` is not cached."""
    key = (name, stamp(paths), extra)
    with _lock:
        if key in _store:
            return copy.deepcopy(_store[key])
    value = build()
    with _lock:
        if len(_store) >= MAX_ENTRIES:
            _store.pop(next(iter(_store)))
        _store[key] = value
    return copy.deepcopy(value)


def clear() -> None:
    """Forget every cached result (tests)."""
    with _lock:
        _store.clear()
