"""Has a data folder changed since its rules were compiled? Asked once per call of
``extract_figures``, so it must cost less than the five ``os.stat`` of the grammar's files.

On Linux the folder and its files carry inotify watches (``inotify_simple``, one inotify
instance for the whole process): the kernel queues an event when a watched file is written,
truncated, replaced, renamed or deleted, before the write returns. So one ``poll`` with no
wait (a fraction of a microsecond) says whether anything happened since the last look. Where
inotify is missing (macOS, Windows, a full table of watches) :meth:`Watch.watch` returns None
and the caller checks every file's stamp, as before. A folder whose watch could not be made is
remembered for the process and not tried again (a full table stays full: each try is a system
call, and the caller asks on every call); when the table of watches is full, no new folder is
tried at all.

The caller still checks the stamps again at least once a second (``RECHECK_SECONDS``): inotify
does not see every change (a file changed on another machine of a network drive, a parent folder
swapped for another under the same name), and a second is as long as such a change goes unseen.
"""

from __future__ import annotations

import errno
import os
import select

RECHECK_SECONDS = 1.0  # the stamps are checked again after this long, events or not
MAX_FOLDERS = 32  # folders watched by one process; past that the caller checks stamps
INotify = None  # inotify_simple's class, imported on first use (its import costs a few ms); False: none


def _inotify_class():
    """inotify_simple's ``INotify`` and the event masks for a file and for a folder, or None
    where it cannot be imported (not Linux)."""
    global INotify
    if INotify is False:
        return None
    if INotify is None:
        try:
            from inotify_simple import INotify as made
        except (ImportError, OSError):  # pragma: no cover - not Linux
            return None
        INotify = made
    from inotify_simple import flags

    # a file: written (also truncated), closed after writing, metadata (mtime), moved or deleted
    file_events = flags.MODIFY | flags.CLOSE_WRITE | flags.ATTRIB | flags.MOVE_SELF | flags.DELETE_SELF
    # the folder: the same for itself and for any file in it, plus files created, deleted or
    # renamed in it (an editor that saves by writing a new file and renaming it over the old)
    folder_events = file_events | flags.CREATE | flags.DELETE | flags.MOVED_FROM | flags.MOVED_TO
    return INotify, file_events, folder_events


class Watch:
    """Watches on data folders, with a count (``generation``) that goes up whenever an event
    came in for any of them: a result computed at generation N is still good while the
    generation is N."""

    def __init__(self) -> None:
        self._inotify = None  # None: not made yet in this process; False: not available
        self._poll = None
        self._masks = None
        self._folders: set = set()
        self._failed: set = set()  # folders whose watch could not be made: not tried again
        self._full = False  # the kernel's table of watches was full: no new folder is tried
        self.generation = 0

    def current(self) -> int | None:
        """The generation now (one ``poll`` with no wait), None when nothing is watched.
        Events waiting are read first, and then the generation has gone up."""
        if not self._inotify:
            return None
        if self._poll.poll(0):
            self._drain()
        return self.generation

    def watch(self, folder: str, files) -> int | None:
        """Watch ``folder`` and its ``files`` (paths), then give the generation from which a
        result built from their contents is good: call it before reading them. None when they
        cannot be watched (the caller then checks their stamps on every call)."""
        if folder not in self._folders and (self._full or folder in self._failed
                                            or len(self._folders) + len(self._failed) >= MAX_FOLDERS):
            return None
        ino = self._instance()
        if ino is None:
            return None
        _, file_events, folder_events = self._masks
        try:
            ino.add_watch(folder, folder_events)
            for path in files:  # the file itself too: a change made through another path (a link)
                if os.path.exists(path):
                    ino.add_watch(path, file_events)
        except OSError as err:  # no more watches, no permission: stamps it is, from now on
            self._folders.discard(folder)
            self._failed.add(folder)
            self._full = self._full or err.errno == errno.ENOSPC
            return None
        self._folders.add(folder)
        return self.current()

    def forget(self) -> None:
        """Close the watches (after a fork: the child must not read the parent's events)."""
        if self._inotify:
            try:
                self._inotify.close()
            except OSError:  # pragma: no cover - already closed
                pass
        self._inotify, self._poll, self._folders = None, None, set()
        self._failed, self._full = set(), False  # a new instance may try again (after a fork: once)
        self.generation += 1

    def _instance(self):
        if self._inotify is None:
            self._masks = _inotify_class()
            try:
                self._inotify = self._masks[0](nonblocking=True) if self._masks else False
            except OSError:  # too many inotify instances for this user, no inotify in the kernel
                self._inotify = False
            if self._inotify:
                self._poll = select.poll()
                self._poll.register(self._inotify.fileno(), select.POLLIN)
        return self._inotify or None

    def _drain(self) -> None:
        try:
            self._inotify.read(timeout=0)
        except OSError:  # pragma: no cover - the descriptor went bad: stop watching
            self.forget()
        self.generation += 1


WATCH = Watch()  # the process's watches (the figures grammar's folders)

if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=WATCH.forget)
