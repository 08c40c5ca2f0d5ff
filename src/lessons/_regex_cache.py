"""Patterns that passed ``lessons._guard``'s checks, remembered on disk between kernels.

Each chapter runs in a fresh kernel, and checking the lexicon's 230 context patterns (parse,
syntax walk, speed test) costs about 0.3 s of CPU each time. This file keeps only a verdict,
never a compiled pattern or any pickled object: a JSON list of SHA-256 digests, each of a
pattern, its flags and the checker itself (the bytes of ``_guard.py``, the Python version and
the limits), so a changed checker, a changed pattern or another Python starts from nothing.
A pattern is used only after ``re.compile`` in the process; a digest only skips the checks.

Where: ``$LESSONS_CACHE`` (a folder; ``off`` turns the file off), else
``$XDG_CACHE_HOME/lessons``, else ``~/.cache/lessons`` (none without a home folder; graded
student code runs with ``off``, see ``lessons.grading``). A missing, unreadable, oversized or
malformed file counts as empty; a folder that cannot be written is skipped without a word.
Only patterns found fine are written, so a rejected pattern is checked again every time.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import re
import sys
import tempfile
import threading
from pathlib import Path

ENV = "LESSONS_CACHE"
MAX_ENTRIES = 20_000
MAX_BYTES = 2_000_000  # 20,000 digests of 64 hex digits, quoted, fit in about 1.4 MB
_HEX = re.compile(r"[0-9a-f]{64}")

_lock = threading.Lock()
_state: dict = {}  # "checker", "path", "fine" (set of digests), "pending" (new digests)


def folder(environ=None) -> Path | None:
    """The cache folder, or None when ``$LESSONS_CACHE`` is ``off``."""
    env = os.environ if environ is None else environ
    own = env.get(ENV, "").strip()
    if own.lower() == "off":
        return None
    if own:
        return Path(own)
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base else Path(os.path.expanduser("~")) / ".cache"
    return root / "lessons" if root.is_absolute() else None  # no home folder: no file


def _checker_id() -> str:
    from . import _guard

    h = hashlib.sha256(Path(_guard.__file__).read_bytes())
    h.update(f"\0{sys.version}\0{_guard.PATTERN_TEST_SECONDS}\0{_guard.MAX_PATTERN_CHARS}".encode())
    return h.hexdigest()


def digest(pattern: str, flags: int, checker: str) -> str:
    return hashlib.sha256(f"{checker}\0{int(flags)}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()


def read_fine(path: Path, checker: str) -> set[str]:
    """The digests in ``path`` ({} when the file is missing, too big, not ours or malformed)."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            return set()
        doc = json.loads(data.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return set()
    if not isinstance(doc, dict) or doc.get("checker") != checker or not isinstance(doc.get("fine"), list):
        return set()
    return {d for d in doc["fine"][:MAX_ENTRIES] if isinstance(d, str) and _HEX.fullmatch(d)}


def _load() -> dict:
    if not _state:
        where = folder()
        try:
            checker = _checker_id()
        except OSError:
            where, checker = None, ""
        path = where / f"regex-checked-{checker[:16]}.json" if where is not None else None
        _state.update(checker=checker, path=path, pending=set(),
                      fine=read_fine(path, checker) if path is not None else set())
    return _state


def known_fine(pattern: str, flags: int) -> bool:
    """True when an earlier kernel found this pattern fine with this very checker."""
    with _lock:
        st = _load()
        return st["path"] is not None and digest(pattern, flags, st["checker"]) in st["fine"]


def remember_fine(pattern: str, flags: int) -> None:
    """Note a pattern found fine; written at exit (``flush``)."""
    with _lock:
        st = _load()
        if st["path"] is None or len(st["fine"]) >= MAX_ENTRIES:
            return
        d = digest(pattern, flags, st["checker"])
        if d not in st["fine"]:
            st["fine"].add(d)
            st["pending"].add(d)


def flush() -> None:
    """Write the digests (the file's own and this process's) atomically; errors are ignored."""
    with _lock:
        if not _state or not _state["pending"] or _state["path"] is None:
            return
        path, checker = _state["path"], _state["checker"]
        fine = (read_fine(path, checker) | _state["fine"])  # another kernel may have written meanwhile
        doc = {"checker": checker, "fine": sorted(fine)[:MAX_ENTRIES]}
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".regex-checked-", dir=path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    json.dump(doc, f)
                os.replace(tmp, path)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except OSError:
            return
        _state["pending"].clear()


def reset() -> None:
    """Forget what was read (tests: after changing ``$LESSONS_CACHE``)."""
    with _lock:
        _state.clear()


atexit.register(flush)
