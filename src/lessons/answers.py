"""Saved answers: a student's responses survive a kernel restart.

One small JSON file (default `answers.json` in the working directory, i.e. beside the
notebook; override with $LESSONS_ANSWERS or by passing a path). Every write goes to a
temporary file in the same folder, is flushed to disk (fsync) and is then moved into place with
`os.replace`, so the file is never half-written. A file that cannot be read (not JSON, too
big, too deeply nested, a folder or a pipe in its place) is moved aside
(`answers.corrupt-<timestamp>.json`) and reported, never silently overwritten.

Several writers, no lost answers: a save reads the file, changes the one record of its
exercise and writes the file back, all while holding a lock: a threading lock inside one
process (the widget saves on a comm thread while Check runs on the main thread) and an
exclusive `fcntl.flock` on a sidecar file `answers.json.lock` across processes (two notebooks
open on one file). So records are per exercise and the last writer of each exercise wins.

File format::

    {"version": 1,
     "answers": {"<exercise id>": {"type": "choice", "prompt": "...", "response": 1,
                                   "correct": true, "status": "correct",
                                   "saved": "2025-01-01T12:00:00+00:00"}}}
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import _files
from .errors import LessonsDataError

try:  # POSIX; elsewhere only the in-process lock applies
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

FORMAT_VERSION = 1
DEFAULT_NAME = "answers.json"
#: A bigger answers file is not read (set aside): real ones are a few kilobytes.
MAX_BYTES = 5_000_000

_THREAD_LOCKS: dict[str, threading.RLock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()


def _thread_lock(path: Path) -> threading.RLock:
    key = os.path.abspath(path)
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.RLock())


def lock_path(path: str | os.PathLike) -> Path:
    """The sidecar file whose flock guards `path` (never the answers file itself, which
    `os.replace` swaps for a new file on every save)."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


@contextmanager
def locked(path: str | os.PathLike):
    """Hold the answers file `path` exclusively: against other threads of this process and,
    through `flock` on the sidecar lock file, against other processes. Re-entrant in a thread."""
    path = Path(path)
    with _thread_lock(path):
        fd = None
        if fcntl is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                fd = None  # e.g. a read-only folder: the save itself will report the problem
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            if fd is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def atomic_write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write `data` as JSON to `path` atomically (``lessons._files.write_atomic``: temp file in
    the same folder, fsync, os.replace, fsync of the folder)."""
    path = Path(path)
    try:  # first the text, so a value JSON cannot hold changes nothing on disk
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    except (TypeError, ValueError, RecursionError) as exc:
        raise LessonsDataError(f"{path}: cannot be saved as JSON ({str(exc)[:200]})") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    _files.write_atomic(path, text.encode("utf-8"), prefix=f".{path.stem}-", suffix=".tmp")
    return path


def default_answers_path() -> Path:
    """$LESSONS_ANSWERS if set, else `answers.json` in the current working directory."""
    env = os.environ.get("LESSONS_ANSWERS")
    return Path(env) if env else Path.cwd() / DEFAULT_NAME


class AnswerStore:
    """Read and write one answers file. Cheap to create: nothing is cached between calls,
    so two notebooks (or a restarted kernel) sharing the file see each other's answers."""

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path is not None else default_answers_path()
        #: Human-readable report of the last problem (corrupt file set aside), or None.
        self.problem: str | None = None

    def __repr__(self) -> str:
        return f"AnswerStore({str(self.path)!r})"

    # -- reading -------------------------------------------------------------------
    def _set_aside(self, reason: str) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        target = self.path.with_name(f"{self.path.stem}.corrupt-{stamp}{self.path.suffix}")
        n = 2
        while target.exists():
            target = self.path.with_name(
                f"{self.path.stem}.corrupt-{stamp}-{n}{self.path.suffix}")
            n += 1
        os.replace(self.path, target)
        self.problem = (
            f"Your saved answers file {self.path.name} could not be read ({reason}). "
            f"It has been moved to {target.name} so nothing is lost; "
            f"new answers are saved in a fresh {self.path.name}."
        )
        warnings.warn(self.problem, stacklevel=3)
        return target

    def _load(self) -> tuple[dict[str, dict] | None, str | None]:
        """(answers, None) or (None, why the file cannot be read). {} when there is no file."""
        try:  # a link is followed here, once; the file itself is opened without following any
            raw = _files.read_bounded(os.path.realpath(self.path), MAX_BYTES)
        except _files.Refused as err:
            if err.missing:
                return {}, None
            if err.transient:  # the system failed (too many open files, I/O): the file may be fine,
                raise OSError(f"{self.path}: {err.reason}") from None  # so it is never set aside
            return None, err.reason
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return None, f"not UTF-8 text: {exc.reason} at byte {exc.start}"
        except RecursionError:
            return None, "not valid JSON: brackets nested too deeply"
        except ValueError as exc:  # JSONDecodeError, and numbers with too many digits
            return None, f"not valid JSON: {str(exc)[:200]}"
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return None, "it is JSON but has no 'answers' table"
        return {str(k): v for k, v in data["answers"].items() if isinstance(v, dict)}, None

    def _read_locked(self) -> dict[str, dict]:
        """Call with the lock held. An unreadable file is set aside; if even that fails, OSError
        (so a save never writes over answers it could not read)."""
        answers, reason = self._load()
        if answers is None:
            self._set_aside(reason)
            return {}
        return answers

    def read(self) -> dict[str, dict]:
        """All saved answers, keyed by exercise id. A corrupt file is set aside (see `problem`)."""
        answers, reason = self._load()  # saves replace the file atomically: no lock to read
        if answers is not None:
            return answers
        try:
            with locked(self.path):  # set aside only what is still unreadable under the lock
                return self._read_locked()
        except OSError as exc:
            self.problem = (f"Your saved answers file {self.path.name} could not be read "
                            f"({reason}) nor moved aside ({exc.strerror or exc}).")
            return {}

    def get(self, exercise_id: str) -> dict | None:
        """The saved record for one exercise, or None."""
        return self.read().get(exercise_id)

    def pop_problem(self) -> str | None:
        """Return the pending problem report once (so it is shown once), then forget it."""
        msg, self.problem = self.problem, None
        return msg

    # -- writing -------------------------------------------------------------------
    def save(self, exercise_id: str, response: Any, result: dict | None = None,
             exercise: dict | None = None) -> dict:
        """Save one response (JSON-able) with its check result and a timestamp; returns the record."""
        record: dict[str, Any] = {"response": response, "saved": _now()}
        if result is not None:
            record["correct"] = bool(result.get("correct"))
            record["status"] = result.get("status")
        if exercise is not None:
            record["type"] = exercise.get("type")
            record["prompt"] = exercise.get("prompt")
        with locked(self.path):  # read, change one record, write: nobody else in between
            answers = self._read_locked()  # keeps answers saved by another notebook or thread
            answers[exercise_id] = record
            atomic_write_json(self.path, {"version": FORMAT_VERSION, "answers": answers})
        return record

    def export(self, path: str | os.PathLike = "my_answers.json") -> Path:
        """Write every saved answer to one file for submission; returns its path."""
        answers = self.read()
        data = {
            "version": FORMAT_VERSION,
            "exported": _now(),
            "from": str(self.path),
            "count": len(answers),
            "answers": answers,
        }
        return atomic_write_json(path, data)


_STORES: dict[Path, AnswerStore] = {}


def default_store() -> AnswerStore:
    """The store for $LESSONS_ANSWERS or ./answers.json (one object per path per kernel)."""
    path = default_answers_path().resolve()
    if path not in _STORES:
        _STORES[path] = AnswerStore(path)
    return _STORES[path]


def resolve_store(store: "AnswerStore | str | os.PathLike | bool | None") -> AnswerStore | None:
    """None -> default store; a path -> a store on it; False -> no saving."""
    if store is False:
        return None
    if store is None or store is True:
        return default_store()
    if isinstance(store, AnswerStore):
        return store
    return AnswerStore(store)
