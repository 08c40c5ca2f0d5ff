"""The figures grammar knows its data folder changed without reading every file's stamp on
every call (issue 20): the folder and its files are watched (inotify), one ``poll`` a call.
What a teacher edits is still seen by the very next call (``tests/test_rule_caches.py`` edits
in place; here: a file replaced by renaming, a change made through a hard link, a fork), the
stamps are read again at least once a second in case a change went unseen, and without
inotify every call reads the stamps, as before."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

from lessons.figures import extract_figures
from lessons.figures import grammar as grammar_module
from lessons.figures import watch as watch_module

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
VAGUE = "The flood left scores upon scores of families without a home."
ROW = 'scores upon scores,20,40,200,"A test phrase: two score or more."\n'


def seen(text: str = VAGUE) -> bool:
    return "scores upon scores" in {t.lower() for t in extract_figures(text)["text"]}


def count_stats(monkeypatch) -> list:
    calls: list = []
    real = os.stat

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", counting)
    return calls


def test_calls_read_no_stamp_while_nothing_changed(data, monkeypatch):
    monkeypatch.setattr(grammar_module, "RECHECK_SECONDS", 3600.0)
    extract_figures("Police said 164 people died.")  # the full check: watches, then stamps
    calls = count_stats(monkeypatch)
    for _ in range(20):
        assert len(extract_figures("Police said 164 people died.")) == 1
    assert calls == [], f"{len(calls)} os.stat in 20 calls: {sorted(set(calls))}"


def test_a_file_replaced_by_renaming_is_seen(data):
    """Editors often save by writing a new file and renaming it over the old one."""
    assert not seen()
    vague = data / "figures" / "vague.csv"
    new = vague.with_name("vague.csv.tmp")
    new.write_text(vague.read_text(encoding="utf-8") + ROW, encoding="utf-8")
    os.replace(new, vague)
    assert seen()


def test_a_change_through_a_hard_link_elsewhere_is_seen(data, tmp_path):
    """The file is watched itself, not only through its folder."""
    assert not seen()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = elsewhere / "vague.csv"
    os.link(data / "figures" / "vague.csv", link)
    with open(link, "a", encoding="utf-8", newline="") as handle:
        handle.write(ROW)
    assert seen()


def test_a_deleted_lexicon_falls_back_to_the_shipped_folder_at_once(data):
    shutil.copy(data / "figures" / "vague.csv", data / "figures" / "vague.orig")
    with open(data / "figures" / "vague.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(ROW)
    assert seen()
    (data / "figures" / "lexicon.yml").unlink()  # the folder is no longer a figures folder
    assert not seen()


def test_stamps_are_read_again_after_a_second_even_without_an_event(data, monkeypatch):
    """A change inotify cannot see (another machine's, on a network drive) waits a second at most."""
    assert not seen()
    clock = [grammar_module.time.monotonic() + 10_000.0]  # past any memo's time: stamps are read
    monkeypatch.setattr(grammar_module.time, "monotonic", lambda: clock[0])
    assert not seen()  # the memo is now timed on the fake clock
    monkeypatch.setattr(watch_module.WATCH, "current", lambda: watch_module.WATCH.generation)
    with open(data / "figures" / "vague.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(ROW)
    assert not seen(), "no event and no time passed: the grammar is the one kept"
    clock[0] += grammar_module.RECHECK_SECONDS + 0.01
    assert seen()


def test_without_inotify_every_call_reads_the_stamps(data, monkeypatch):
    monkeypatch.setattr(watch_module, "INotify", False)  # as where inotify_simple cannot be imported
    watch_module.WATCH.forget()
    try:
        assert not seen()
        calls = count_stats(monkeypatch)
        assert not seen()
        assert len(calls) >= len(grammar_module.GRAMMAR_FILES)
        with open(data / "figures" / "vague.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write(ROW)
        assert seen()
    finally:
        monkeypatch.undo()
        watch_module.WATCH.forget()


def _child_edits(folder: str, queue) -> None:
    os.environ["LESSONS_DATA"] = folder
    with open(Path(folder) / "figures" / "vague.csv", "a", encoding="utf-8", newline="") as handle:
        handle.write(ROW)
    queue.put(seen())


def test_a_forked_child_does_not_take_the_parents_events(data):
    """After a fork the child watches on its own: were the descriptor shared, the child's read
    of an event would hide it from the parent."""
    assert not seen()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_edits, args=(str(data), queue))
    child.start()
    child_saw = queue.get(timeout=60)
    child.join(60)
    assert child_saw, "the child did not see its own edit"
    assert seen(), "the parent missed the edit its child made"


def test_a_full_table_of_watches_is_tried_once_then_stamps(data, monkeypatch):
    """When the kernel's table of inotify watches is full, ``add_watch`` fails: it used to be
    tried again on every call (a system call per call, forever). The failure is remembered for
    the process and the stamps are read instead, so an edit is still seen at once."""
    import errno

    from inotify_simple import INotify

    attempts: list = []

    class FullTable(INotify):
        def add_watch(self, path, mask):
            attempts.append(path)
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(watch_module, "INotify", FullTable)
    watch_module.WATCH.forget()
    try:
        assert not seen()
        for _ in range(20):
            assert not seen()
        assert len(attempts) == 1, f"add_watch tried {len(attempts)} times in 21 calls"
        other = data.parent / "other"  # a second folder is not tried either: the table is full
        shutil.copytree(data, other)
        monkeypatch.setenv("LESSONS_DATA", str(other))
        assert not seen()
        assert len(attempts) == 1, "a new folder was tried although the table of watches is full"
        monkeypatch.setenv("LESSONS_DATA", str(data))
        calls = count_stats(monkeypatch)
        with open(data / "figures" / "vague.csv", "a", encoding="utf-8", newline="") as handle:
            handle.write(ROW)
        assert seen(), "the edit was missed: the stamps were not read"
        assert len(calls) >= len(grammar_module.GRAMMAR_FILES)
    finally:
        monkeypatch.undo()
        watch_module.WATCH.forget()


def test_a_folder_that_cannot_be_watched_is_not_tried_again(data, monkeypatch):
    """Another failure (no permission) is remembered for that folder only."""
    import errno

    from inotify_simple import INotify

    attempts: list = []

    class NoPermission(INotify):
        def add_watch(self, path, mask):
            attempts.append(str(path))
            if str(path).startswith(str(data)):
                raise OSError(errno.EACCES, "Permission denied")
            return super().add_watch(path, mask)

    monkeypatch.setattr(watch_module, "INotify", NoPermission)
    watch_module.WATCH.forget()
    try:
        for _ in range(10):
            assert not seen()
        assert len(attempts) == 1, f"add_watch tried {len(attempts)} times in 10 calls"
        other = data.parent / "other"
        shutil.copytree(data, other)
        monkeypatch.setenv("LESSONS_DATA", str(other))
        assert not seen()
        assert any(a.startswith(str(other)) for a in attempts), "another folder was not watched"
    finally:
        monkeypatch.undo()
        watch_module.WATCH.forget()
