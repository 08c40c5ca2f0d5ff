"""The answers store never loses an answer: saves from several processes and threads are merged
under a lock, and a hostile or broken file is set aside with a message, never a crash."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lessons.answers import AnswerStore, lock_path
from lessons.errors import LessonsDataError

SRC = Path(__file__).resolve().parents[1] / "src"

WRITER = """
import sys
sys.path.insert(0, {src!r})
from lessons.answers import AnswerStore
store = AnswerStore({path!r})
for i in range({n}):
    store.save(f"{prefix}-{{i}}", i, {{"correct": i % 2 == 0, "status": "answered"}})
"""


def _saved(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))["answers"]


@pytest.mark.parametrize("processes, saves", [(2, 300), (4, 100)])
def test_processes_saving_to_one_store_lose_nothing(tmp_path, processes, saves):
    path = tmp_path / "answers.json"
    start = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-c", WRITER.format(src=str(SRC), path=str(path), n=saves,
                                                                     prefix=f"p{k}")])
               for k in range(processes)]
    assert [w.wait(timeout=240) for w in workers] == [0] * processes
    saved = _saved(path)
    expected = {f"p{k}-{i}" for k in range(processes) for i in range(saves)}
    assert set(saved) == expected, f"lost {len(expected - set(saved))} of {len(expected)} answers"
    assert all(saved[f"p0-{i}"]["response"] == i for i in range(saves))
    assert time.perf_counter() - start < 240
    assert not list(tmp_path.glob("*.tmp")), "temporary files left behind"


def test_threads_in_one_process_lose_nothing(tmp_path):
    path = tmp_path / "answers.json"
    errors = []

    def work(k):
        store = AnswerStore(path)  # one store per thread, as two widgets would have
        try:
            for i in range(100):
                store.save(f"t{k}-{i}", i)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert len(_saved(path)) == 400


def test_last_writer_of_an_exercise_wins_and_others_are_kept(tmp_path):
    path = tmp_path / "answers.json"
    a, b = AnswerStore(path), AnswerStore(path)
    a.save("q1", "first")
    b.save("q2", "other")
    a.save("q1", "second")
    saved = _saved(path)
    assert saved["q1"]["response"] == "second" and saved["q2"]["response"] == "other"
    assert lock_path(path).exists() and lock_path(path).name == "answers.json.lock"


HOSTILE = {
    "nested brackets (400 KB)": b'{"answers": ' + b"[" * 400_000 + b"}",
    "5,000-digit integer": b'{"version": 1, "answers": {"q": {"response": ' + b"7" * 5000 + b"}}}",
    "too big": b'{"answers": {}, "pad": "' + b"x" * 6_000_000 + b'"}',
    "NUL bytes": b"\x00" * 100,
}


@pytest.mark.parametrize("content", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_file_is_set_aside_and_new_answers_saved(tmp_path, content):
    path = tmp_path / "answers.json"
    path.write_bytes(content)
    store = AnswerStore(path)
    start = time.perf_counter()
    with pytest.warns(UserWarning, match="could not be read"):
        assert store.read() == {}
    assert time.perf_counter() - start < 5
    assert "moved to answers.corrupt-" in store.pop_problem()
    aside = list(tmp_path.glob("answers.corrupt-*.json"))
    assert len(aside) == 1 and aside[0].read_bytes() == content  # nothing lost
    store.save("q", 1)
    assert _saved(path)["q"]["response"] == 1


def test_a_folder_in_place_of_the_file_is_set_aside(tmp_path):
    path = tmp_path / "answers.json"
    path.mkdir()
    (path / "keep.txt").write_text("mine")
    store = AnswerStore(path)
    with pytest.warns(UserWarning, match="it is a folder"):
        store.save("q", 2)
    assert _saved(path)["q"]["response"] == 2
    aside = list(tmp_path.glob("answers.corrupt-*.json"))
    assert len(aside) == 1 and (aside[0] / "keep.txt").read_text() == "mine"


def test_a_response_json_cannot_hold_changes_nothing(tmp_path):
    path = tmp_path / "answers.json"
    store = AnswerStore(path)
    store.save("q", 1)
    before = path.read_bytes()
    with pytest.raises(LessonsDataError, match="cannot be saved as JSON"):
        store.save("q", 10 ** 5000)  # str() of such an int raises ValueError in Python >= 3.11
    with pytest.raises(LessonsDataError):
        store.save("q", object())
    assert path.read_bytes() == before


def test_an_answer_saved_before_the_feedback_was_edited_still_loads(tmp_path):
    """Walk 7 took the doubled 'Right.' out of the feedback: saved answers are keyed by exercise
    id and a version that leaves feedback out, so one saved before the edit is restored (widget)
    and scored (an answers file from the HTML book)."""
    from lessons import exercises as X
    from lessons import handin as H

    ex = X.get_exercise("sources-wire-copy")
    key = X.choice_key(ex)[0]
    before = dict(ex, feedback=[("Right. " + f if i == key else f) for i, f in enumerate(ex["feedback"])])
    path = tmp_path / "answers.json"
    AnswerStore(path).save(ex["id"], key, X.check(before, key), before)
    widget = X.show(ex["id"], store=AnswerStore(path))
    assert widget.input.value == key and "Your saved answer" in widget.feedback.value
    assert "Right." not in widget.feedback.value
    record = {"exercise": ex["id"], "version": X.exercise_version(before), "response": key}
    file = tmp_path / "ada.json"
    file.write_text(json.dumps({"format": "lessons-answers", "format_version": 1, "book": X.BOOK_ID,
                                "book_version": X.book_version(), "student": "Ada",
                                "answers": [record]}), encoding="utf-8")
    row = H.gradebook_rows([file], H.load_keys())[0]
    assert (row["status"], row[ex["id"]]) == ("ok", 1)


def test_a_passing_system_error_never_sets_good_answers_aside(tmp_path, monkeypatch):
    """Too many open files (or an I/O error) while a save reads answers.json: the save fails with
    OSError and the student's file stays where it is, whole; it is not moved aside as damaged."""
    import errno

    from lessons import _files

    path = tmp_path / "answers.json"
    store = AnswerStore(path)
    store.save("ex-1", 1)
    store.save("ex-2", [0, 2])
    real_open = _files.os.open

    def failing_open(name, flags, *args, **kwargs):
        if str(name).endswith("answers.json"):
            raise OSError(errno.EMFILE, "Too many open files")
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(_files.os, "open", failing_open)
    with pytest.raises(OSError):
        store.save("ex-3", 2)
    monkeypatch.setattr(_files.os, "open", real_open)
    assert sorted(p.name for p in tmp_path.glob("answers*.json")) == ["answers.json"]
    assert sorted(AnswerStore(path).read()) == ["ex-1", "ex-2"]
