"""The one bounded reader and the one atomic writer (``lessons._files``) and the three modules
that use them: the data-file guard, the regex cache and the answers store."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from lessons import _files, _guard, _regex_cache
from lessons.answers import AnswerStore, atomic_write_json
from lessons.errors import LessonsDataError


def _in_thread(fn, seconds: float = 20.0):
    """fn()'s result or exception, run in a thread: a read that blocks fails the test instead
    of hanging it."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            out["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the read blocked for more than {seconds} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


# --------------------------------------------------------------------------- the reader
def test_reads_a_regular_file(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"hello")
    assert _files.read_bounded(tmp_path / "a.txt", 5) == b"hello"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(_files.Refused, match="not a regular file"):
        _in_thread(lambda: _files.read_bounded(tmp_path / "pipe", 100))
    with pytest.raises(_files.Refused, match="not a regular file"):
        _in_thread(lambda: _files.check(tmp_path / "pipe", 100))


def test_a_symbolic_link_is_refused(tmp_path):
    (tmp_path / "real.txt").write_bytes(b"x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    with pytest.raises(_files.Refused, match="symbolic link"):
        _files.read_bounded(tmp_path / "link.txt", 100)


def test_missing_folder_and_oversized_files(tmp_path):
    with pytest.raises(_files.Refused) as err:
        _files.read_bounded(tmp_path / "none", 10)
    assert err.value.missing and err.value.reason == "file not found"
    with pytest.raises(_files.Refused, match="folder, not a file"):
        _files.read_bounded(tmp_path, 10)
    (tmp_path / "big").write_bytes(b"x" * 11)
    with pytest.raises(_files.Refused, match="it is 11 bytes; a file here may be at most 10 bytes") as err:
        _files.read_bounded(tmp_path / "big", 10)
    assert not err.value.missing


def test_a_file_that_grows_while_read_is_refused(tmp_path, monkeypatch):
    """fstat saw a small file; more than the limit arrived before the read: refused."""
    path = tmp_path / "growing"
    path.write_bytes(b"x" * 5)
    real_fstat = os.fstat

    def fstat(fd):
        st = real_fstat(fd)
        path.write_bytes(b"x" * 50)  # grows after the check
        return st

    monkeypatch.setattr(_files.os, "fstat", fstat)
    with pytest.raises(_files.Refused, match="more than 10 bytes"):
        _files.read_bounded(path, 10)


def test_accept_sees_the_open_file(tmp_path):
    (tmp_path / "a").write_bytes(b"x")
    seen = []
    with pytest.raises(_files.Refused, match="nope"):
        _files.read_bounded(tmp_path / "a", 10, accept=lambda st: seen.append(st.st_size) or "nope")
    assert seen == [1]


# --------------------------------------------------------------------------- the writer
def test_write_replaces_whole_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "f.json"
    _files.write_atomic(path, b"old")
    _files.write_atomic(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_a_crash_before_the_replace_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "f.json"
    _files.write_atomic(path, b"old")

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "replace", crash)
    with pytest.raises(OSError):
        _files.write_atomic(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]  # the temporary file is gone


def test_the_writer_flushes_file_and_folder(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(_files.os, "fsync", lambda fd: synced.append(os.path.isdir(f"/proc/self/fd/{fd}")) or real(fd))
    _files.write_atomic(tmp_path / "f", b"x")
    assert synced == [False, True]  # the file first, then its folder


# --------------------------------------------------------------------------- the three users
def test_guard_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(LessonsDataError, match=r"pipe\.txt: it is not a regular file"):
        _in_thread(lambda: _guard.read_bytes(tmp_path / "pipe.txt", tmp_path))
    assert "not a regular file" in _in_thread(lambda: _guard.file_problem(tmp_path / "pipe.txt", tmp_path, 100))


def test_guard_follows_a_link_inside_the_folder_and_refuses_one_leading_out(tmp_path):
    folder = tmp_path / "event"
    folder.mkdir()
    (folder / "real.yml").write_bytes(b"a: 1\n")
    (folder / "inner.yml").symlink_to(folder / "real.yml")
    assert _guard.read_bytes(folder / "inner.yml", folder) == b"a: 1\n"
    (tmp_path / "secret").write_bytes(b"x")
    (folder / "out.yml").symlink_to(tmp_path / "secret")
    with pytest.raises(LessonsDataError, match="leads outside the folder"):
        _guard.read_bytes(folder / "out.yml", folder)


def test_guard_oversized_file_gives_the_same_clear_error(tmp_path):
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * 101)
    with pytest.raises(LessonsDataError) as err:
        _guard.read_bytes(path, tmp_path, limit=100)
    assert str(err.value) == f"{path}: it is 101 bytes; a file here may be at most 100 bytes"
    assert _guard.file_problem(path, tmp_path, 100) == "it is 101 bytes; a file here may be at most 100 bytes"


def test_the_regex_cache_refuses_a_fifo_and_a_link(tmp_path):
    where = tmp_path / "c"
    where.mkdir(mode=0o700)
    os.mkfifo(where / "x.sre")
    assert _in_thread(lambda: _regex_cache.read_bounded(where / "x.sre", 100)) is None
    (where / "real").write_bytes(b"abc")
    (where / "real").chmod(0o600)
    (where / "link").symlink_to(where / "real")
    assert _regex_cache.read_bounded(where / "real", 100) == b"abc"
    assert _regex_cache.read_bounded(where / "link", 100) is None


def test_the_regex_cache_writer_keeps_the_old_file_on_a_crash(tmp_path, monkeypatch):
    where = tmp_path / "c"
    assert _regex_cache.write_atomic(where / "f", b"old", 100)
    monkeypatch.setattr(_files.os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(5, "I/O error")))
    assert not _regex_cache.write_atomic(where / "f", b"new", 100)
    assert (where / "f").read_bytes() == b"old"
    assert [p.name for p in where.iterdir()] == ["f"]


def test_answers_survive_a_crash_between_write_and_replace(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    store = AnswerStore(path)
    store.save("q1", "kept")
    before = path.read_bytes()
    monkeypatch.setattr(_files.os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(28, "No space left")))
    with pytest.raises(OSError):
        store.save("q2", "lost in the crash")
    assert path.read_bytes() == before
    monkeypatch.undo()
    assert store.read()["q1"]["response"] == "kept"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json", "answers.json.lock"]


def test_a_fifo_in_place_of_the_answers_file_is_set_aside_without_blocking(tmp_path):
    path = tmp_path / "answers.json"
    os.mkfifo(path)
    store = AnswerStore(path)
    with pytest.warns(UserWarning, match="not a regular file"):
        assert _in_thread(store.read) == {}
    store.save("q", 1)
    assert store.read()["q"]["response"] == 1
    (aside,) = tmp_path.glob("answers.corrupt-*.json")
    assert aside.is_fifo()


def test_answers_are_read_through_a_link(tmp_path):
    real = atomic_write_json(tmp_path / "real.json", {"version": 1, "answers": {"q": {"response": 3}}})
    Path(tmp_path / "answers.json").symlink_to(real)
    assert AnswerStore(tmp_path / "answers.json").read()["q"]["response"] == 3
