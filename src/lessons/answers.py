"""Saved answers: a student's responses survive a kernel restart.

One small JSON file (default `answers.json` in the working directory, i.e. beside the
notebook; override with $LESSONS_ANSWERS or by passing a path). Every write goes to a
temporary file in the same folder and is then moved into place with `os.replace`, so the
file is never half-written. A file that cannot be read is moved aside
(`answers.corrupt-<timestamp>.json`) and reported, never silently overwritten.

File format::

    {"version": 1,
     "answers": {"<exercise id>": {"type": "choice", "prompt": "...", "response": 1,
                                   "correct": true, "status": "correct",
                                   "saved": "2025-01-01T12:00:00+00:00"}}}
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
DEFAULT_NAME = "answers.json"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def atomic_write_json(path: str | os.PathLike, data: Any) -> Path:
    """Write `data` as JSON to `path` atomically: temp file in the same folder, fsync, os.replace."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
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

    def read(self) -> dict[str, dict]:
        """All saved answers, keyed by exercise id. A corrupt file is set aside (see `problem`)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._set_aside(f"not valid JSON: {exc}")
            return {}
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            self._set_aside("it is JSON but has no 'answers' table")
            return {}
        return {str(k): v for k, v in data["answers"].items() if isinstance(v, dict)}

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
        answers = self.read()  # re-read: keeps answers saved by another notebook
        record: dict[str, Any] = {"response": response, "saved": _now()}
        if result is not None:
            record["correct"] = bool(result.get("correct"))
            record["status"] = result.get("status")
        if exercise is not None:
            record["type"] = exercise.get("type")
            record["prompt"] = exercise.get("prompt")
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
