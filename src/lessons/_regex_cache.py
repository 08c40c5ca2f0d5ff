"""Regular-expression work kept on disk between Python processes: one folder, two stores.

Each chapter runs in a fresh kernel, and two regex costs came back in every one of them:

- **Compiled code** (``compile``). The attribution grammar's rules are long (35-75k
  characters: the name pattern is part of each), and Python's ``re`` turns a pattern into its
  internal code in pure Python, about 1.5 CPU seconds for the whole grammar. That code is a
  plain list of integers; the C engine builds a pattern object from it in microseconds. So the
  first process saves the list (``regex/<hash>.sre``) and the next ones build the same pattern
  object from it. This uses CPython internals (``re._parser``, ``re._compiler._code``,
  ``_sre.compile``), so it is used only when a probe (``_usable``) shows that building from the
  code gives a pattern equal to ``re.compile``'s (same code); otherwise ``re.compile`` runs.
  Each file is named by a hash of the Python version, the engine's version and the pattern,
  holds that hash, and the C engine checks the code before it uses it; on any doubt the
  pattern is compiled the ordinary way.
- **Verdicts** (``known_fine``, ``remember_fine``, ``flush``). Checking the lexicon's 230
  context patterns (``lessons._guard``: parse, syntax walk, speed test) costs about 0.3 s of
  CPU. The file ``regex-checked-<id>.json`` keeps only SHA-256 digests of patterns found fine,
  each of a pattern, its flags and the checker itself (the bytes of ``_guard.py``, the Python
  version and the limits), never a pattern or a pickled object. A pattern is still compiled by
  ``re`` in the process; a digest only skips the checks. A rejected pattern is never written.

Where (``folder``): ``$LESSONS_CACHE_DIR`` if set (an empty value or ``off`` turns both stores
off; a relative path too), else ``$XDG_CACHE_HOME/lessons``, else ``~/.cache/lessons``; no
file without an absolute folder. Graded student code runs with ``LESSONS_CACHE_DIR=off`` (see
``lessons.grading._safe_env``). Every file is read with a size bound and written atomically
(a reader sees the whole file or none); a missing, damaged, oversized or foreign file counts as
empty, and a folder that cannot be written is skipped without a word. Only regular files
private to this user (owned by them, writable by no one else) in a folder private to them are
read, so another account cannot plant code or verdicts; a code file also carries the hash of
its body and must be no longer than ``re`` makes for a pattern of its length.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import json
import os
import re
import sys
import threading
from array import array
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from . import _files

try:  # CPython's own compiler (3.11+: re._parser, re._compiler); anything else: no code store
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - other Python implementations
    _sre = None

ENV = "LESSONS_CACHE_DIR"
MAX_FILE_BYTES = 8 * 1024 * 1024  # a code file: the largest rule's code is about 600 kB
MAX_FILES = 100  # code files, about 3 MB a grammar: the oldest go when there are more
MAX_ENTRIES = 20_000  # verdicts
MAX_BYTES = 2_000_000  # the verdict file: 20,000 digests of 64 hex digits, quoted, fit in about 1.4 MB
MAX_CODE_PER_CHAR = 16  # the grammar's rules make about 1-2 code words a pattern character
_HEX = re.compile(r"[0-9a-f]{64}")
_ITEM = "I" if _sre is not None and array("I").itemsize == getattr(_sre, "CODESIZE", 0) else ""
__all__ = ["compile", "gc_paused", "folder", "known_fine", "remember_fine", "flush", "reset", "clear"]


# --- the shared folder and file helpers ------------------------------------------------------

def folder(environ=None) -> Path | None:
    """The cache folder, or None when the cache is off (``$LESSONS_CACHE_DIR`` empty or ``off``)
    or there is no absolute folder to put it in."""
    env = os.environ if environ is None else environ
    own = env.get(ENV)
    if own is not None:
        own = own.strip()
        if not own or own.lower() == "off":
            return None
        return Path(own) if Path(own).is_absolute() else None
    base = env.get("XDG_CACHE_HOME", "").strip()
    root = Path(base) if base else Path(os.path.expanduser("~")) / ".cache"
    return root / "lessons" if root.is_absolute() else None  # no home folder: no file


def _code_folder() -> Path | None:
    where = folder()
    return where / "regex" if where is not None else None


def _private(st) -> bool:
    """Owned by this user and writable by no one else: another account's or a shared folder's
    files are never read (they could hold any code or any verdict)."""
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def read_bounded(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path``, or None when it is missing, unreadable, larger than ``limit``, not
    a regular file (a FIFO, a device, a symbolic link: never opened to block) or not private to
    this user, in a folder that is private to this user as well (``lessons._files``)."""
    try:
        if not _private(os.stat(path.parent)):
            return None
        return _files.read_bounded(path, limit, accept=lambda st: None if _private(st) else "not private")
    except (OSError, _files.Refused):
        return None


def _private_folder(where: Path) -> bool:
    """Make ``where`` (each missing level 0700) and say whether it is private to this user."""
    try:
        missing = []
        here = where
        while not here.exists():
            missing.append(here)
            here = here.parent
        for level in reversed(missing):
            level.mkdir(mode=0o700, exist_ok=True)
        return _private(os.stat(where))
    except OSError:
        return False


_TMP_PREFIX = ".tmp-lessons-regex-"  # the cache's own temporary files: `clear` removes these, no other


def write_atomic(path: Path, data: bytes, limit: int) -> bool:
    """Write ``data`` to ``path`` atomically (``lessons._files.write_atomic``: mode 0600, fsync,
    rename); False (nothing written) when it is larger than ``limit`` or the folder cannot be
    made, is not private to this user, or cannot be written."""
    if len(data) > limit or not _private_folder(path.parent):
        return False
    try:
        _files.write_atomic(path, data, prefix=_TMP_PREFIX)
        return True
    except OSError:  # a read-only home, a file in the way, a full disk
        return False


# --- compiled code ---------------------------------------------------------------------------

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


def _body_hash(key: str, body: bytes) -> str:
    return hashlib.sha256(key.encode("ascii") + b"\0" + body).hexdigest()


def _sane_header(header, pattern: str) -> bool:
    """The header's fields have the types and sizes ``re`` itself would give this pattern."""
    if not isinstance(header, dict):
        return False
    groups, index, names = header.get("groups"), header.get("groupindex"), header.get("indexgroup")
    return (isinstance(header.get("flags"), int) and isinstance(groups, int) and 0 <= groups <= len(pattern)
            and isinstance(index, dict) and isinstance(names, list) and len(names) == groups + 1
            and all(isinstance(k, str) and isinstance(v, int) and 0 < v <= groups and names[v] == k
                    for k, v in index.items())
            and all(n is None or isinstance(n, str) for n in names))


def _load_code(path: Path, pattern: str, key: str) -> re.Pattern | None:
    """The pattern built from a saved file, or None (compile again) when the file is missing,
    not private, damaged (its body's hash), for another pattern, or implausible: code longer
    than ``re`` makes for a pattern this long would only come from a forged file, and the C
    engine's check of deeply nested code is recursive."""
    data = read_bounded(path, MAX_FILE_BYTES)
    if data is None:
        return None
    try:
        head, _, body = data.partition(b"\n")
        header = json.loads(head)
        size = array(_ITEM).itemsize
        if (not _sane_header(header, pattern) or header.get("key") != key or len(body) % size
                or len(body) // size > MAX_CODE_PER_CHAR * len(pattern) + 256
                or header.get("body") != _body_hash(key, body)):
            return None
        code = array(_ITEM)
        code.frombytes(body)
        return _build(pattern, header, code.tolist())
    except Exception:  # damaged or foreign (the engine refuses bad code): compile again
        return None


def _prune(where: Path) -> None:
    """Remove the least recently written code files beyond ``MAX_FILES`` (each edit of a rules
    file makes new patterns; the old ones would pile up)."""
    try:
        files = sorted(where.glob("*.sre"), key=lambda f: f.stat().st_mtime, reverse=True)
        for old in files[MAX_FILES:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector off for a while (on again after, if it was on).

    Parsing a long pattern makes hundreds of thousands of small objects that all stay alive
    until the code is made; each batch of new objects starts a collection, and every few
    batches a full one walks the whole heap (in a chapter's kernel, pandas and Altair make it
    about 240,000 objects). None of those walks finds garbage: the parser's objects are freed
    by reference counting when it is done. Compiling the attribution grammar took 2.4x the CPU
    time with the collector on (1.16 s against 0.49 s, seven rules, in a kernel's heap). What
    is compiled is the same either way; any cycle made meanwhile is collected later."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def compile(pattern: str, flags: int = 0) -> re.Pattern:  # noqa: A001 - the name re uses
    """``re.compile(pattern, flags)``, from the code saved by an earlier process when there is
    one (and saved for the next one when not)."""
    where = _code_folder()
    if where is None or not _usable() or not isinstance(pattern, str):
        with gc_paused():
            return re.compile(pattern, flags)
    key = _key(pattern, flags)
    path = where / f"{key[:40]}.sre"
    found = _load_code(path, pattern, key)
    if found is not None:
        return found
    try:
        with gc_paused():
            header, code = _code(pattern, flags)
            compiled = _build(pattern, header, code)
    except Exception:
        return re.compile(pattern, flags)  # the ordinary error for a bad pattern
    body = array(_ITEM, code).tobytes()
    if len(code) > MAX_CODE_PER_CHAR * len(pattern) + 256:
        return compiled  # longer than a saved file may be: not saved
    data = json.dumps(dict(header, key=key, body=_body_hash(key, body))).encode("utf-8") + b"\n" + body
    if write_atomic(path, data, MAX_FILE_BYTES):
        _prune(where)
    return compiled


# --- verdicts of lessons._guard --------------------------------------------------------------

_lock = threading.Lock()
_state: dict = {}  # "checker", "path", "fine" (set of digests), "pending" (new digests)


def _checker_id() -> str:
    from . import _guard

    h = hashlib.sha256(Path(_guard.__file__).read_bytes())
    h.update(f"\0{sys.version}\0{_guard.PATTERN_TEST_SECONDS}\0{_guard.MAX_PATTERN_CHARS}".encode())
    return h.hexdigest()


def digest(pattern: str, flags: int, checker: str) -> str:
    return hashlib.sha256(f"{checker}\0{int(flags)}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()


def read_fine(path: Path, checker: str) -> set[str]:
    """The digests in ``path`` ({} when the file is missing, too big, not ours or malformed)."""
    data = read_bounded(path, MAX_BYTES)
    if data is None:
        return set()
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
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
        fine = read_fine(path, checker) | _state["fine"]  # another kernel may have written meanwhile
        data = json.dumps({"checker": checker, "fine": sorted(fine)[:MAX_ENTRIES]}).encode("utf-8")
        if write_atomic(path, data, MAX_BYTES):
            _state["pending"].clear()


def reset() -> None:
    """Forget the verdicts read (tests: after changing ``$LESSONS_CACHE_DIR``)."""
    with _lock:
        _state.clear()


def clear(where: Path | None = None) -> int:
    """Remove this cache's own files from its folder (``folder()`` unless ``where`` is given):
    the code files ``regex/*.sre``, the verdict files ``regex-checked-*.json`` and any leftover
    temporary file of an interrupted write, then the two folders if they are left empty. Nothing
    else is touched, so a ``$LESSONS_CACHE_DIR`` that names a folder holding other files is
    safe to clear. Returns how many files were removed; verdicts read in this process are
    forgotten too (``reset``)."""
    where = folder() if where is None else where
    removed = 0
    if where is not None:
        code = where / "regex"
        for found in (*code.glob("*.sre"), *code.glob(_TMP_PREFIX + "*"), *where.glob("regex-checked-*.json"),
                      *where.glob(_TMP_PREFIX + "*")):
            try:
                if found.is_symlink() or found.is_file():
                    found.unlink()
                    removed += 1
            except OSError:
                pass  # not ours to remove: left as it is
        for level in (code, where):
            try:
                level.rmdir()  # only when empty
            except OSError:
                pass
    reset()
    return removed


atexit.register(flush)
