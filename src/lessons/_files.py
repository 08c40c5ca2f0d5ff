"""One way to read a file and one way to write one, for every module that keeps or reads files.

``read_bounded`` opens the file first and checks what it opened (``fstat`` of the open file),
never the name before opening it: a pipe, a device or a symbolic link put in place of a file
between a check and the read is refused, and never blocks the reader (``O_NONBLOCK``,
``O_NOFOLLOW``). It reads at most ``limit + 1`` bytes, so a file that grows while it is read is
refused too. Each caller keeps its own rules on top: ``accept`` sees the ``stat`` of the open
file (the regex cache's "private to this user"), and callers turn ``Refused.reason`` into their
own messages (``lessons._guard`` names the file, field and line).

``write_atomic`` writes a temporary file in the same folder, flushes it to disk (``fsync``),
moves it into place (``os.replace``) and flushes the folder where the system allows it: a
reader sees the old file or the new one, never half of one, and a crash before the move
leaves the old file as it was.

``find_files`` lists the files of a folder tree without following any symbolic link (to a
folder or a file) and without opening anything: a link, a pipe or a device among them is
listed as skipped, with the reason, and the walk is bounded (files, entries seen, depth).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["Refused", "read_bounded", "check", "write_atomic", "find_files"]

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """A file that was not read; ``reason`` says why in a few words ("file not found", "it is a
    folder, not a file", ...), ``missing`` is True when there is no file at all, ``transient``
    when the system failed to open or read it (too many open files, an I/O error, no
    permission): the file itself may be fine, so a caller must not treat it as damaged."""

    def __init__(self, reason: str, missing: bool = False, transient: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing
        self.transient = transient


def _too_big(size: int, limit: int) -> str:
    return f"it is {size:,} bytes; a file here may be at most {limit:,} bytes"


def _open(path, limit: int, accept: Callable[[os.stat_result], str | None] | None) -> int:
    """An open descriptor of a regular file of at most ``limit`` bytes (checked on the open
    file), or ``Refused``."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise Refused("file not found", missing=True) from None
    except OSError as err:
        if os.path.islink(path):  # O_NOFOLLOW: ELOOP (Linux) or EMLINK (some BSDs)
            raise Refused("it is a symbolic link; copy the file itself here") from None
        raise Refused(f"cannot be read ({err.strerror or err})", transient=True) from None
    except (ValueError, TypeError) as err:  # a NUL in the name
        raise Refused(f"cannot be read ({err})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise Refused("it is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise Refused("it is not a regular file (a pipe, socket or device?)")
        if st.st_size > limit:
            raise Refused(_too_big(st.st_size, limit))
        problem = accept(st) if accept is not None else None
        if problem:
            raise Refused(problem)
    except BaseException:
        os.close(fd)
        raise
    return fd


def check(path, limit: int, accept: Callable[[os.stat_result], str | None] | None = None) -> None:
    """Raise ``Refused`` when ``read_bounded`` would refuse the file as it is now (opens it
    without reading: a pipe does not block)."""
    os.close(_open(path, limit, accept))


def read_bounded(path, limit: int, accept: Callable[[os.stat_result], str | None] | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most ``limit``), or ``Refused``: missing, a
    symbolic link, a folder, a pipe or device, too big (before or while reading), unreadable,
    or refused by ``accept(stat of the open file)``."""
    fd = _open(path, limit, accept)
    try:
        with os.fdopen(fd, "rb") as handle:
            fd = None
            data = handle.read(limit + 1)
    except OSError as err:
        raise Refused(f"cannot be read ({err.strerror or err})", transient=True) from None
    finally:
        if fd is not None:
            os.close(fd)
    if len(data) > limit:
        raise Refused(f"more than {limit:,} bytes; a file here may be at most {limit:,} bytes")
    return data


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entry for a renamed file to disk, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder
    finally:
        os.close(fd)


def write_atomic(path, data: bytes, prefix: str = ".tmp-", suffix: str = "") -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file (mode 0600) in the same folder,
    ``fsync``, ``os.replace``, then ``fsync`` of the folder. The folder must exist. On any
    error the temporary file is removed and the error raised; ``path`` is left as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(path.parent)
    return path


#: ``find_files`` looks at no more than this many names in one tree, and this many folders deep.
MAX_ENTRIES_SEEN = 200_000
MAX_DEPTH = 32


def _kind(entry: os.DirEntry) -> str:
    """'file', 'folder', or why the entry is skipped (never following a link)."""
    try:
        if entry.is_symlink():
            target = "a folder" if entry.is_dir() else "a file"  # this follows the link, to say where it leads
            return f"it is a symbolic link to {target}; it is not followed (copy the files themselves here)"
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_file(follow_symlinks=False):
            return "file"
    except OSError as err:
        return f"it cannot be read ({err.strerror or err})"
    return "it is not a regular file (a pipe, socket or device?)"


def find_files(folder, suffix: str, limit: int, max_depth: int = MAX_DEPTH,
               max_seen: int = MAX_ENTRIES_SEEN) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(the regular files under ``folder`` whose names end with ``suffix``, sorted, at most
    ``limit``; what was skipped, as (path, reason)).

    Nothing is opened and no symbolic link is followed: a link (to a folder, a file, or a loop),
    a pipe, a socket or a device whose name ends with ``suffix`` is skipped with its reason, and
    so is a linked folder of any name. The walk
    stops after ``max_seen`` names or ``max_depth`` folders deep (said in ``skipped``); files
    beyond ``limit`` are listed as one skipped entry."""
    root = Path(folder)
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    stack, seen = [(root, 0)], 0
    while stack:
        here, depth = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = []
                for entry in it:
                    seen += 1
                    if seen > max_seen:
                        break
                    entries.append(entry)
        except OSError as err:
            skipped.append((here, f"the folder cannot be read ({err.strerror or err})"))
            continue
        for entry in entries:
            path = here / entry.name
            kind = _kind(entry)
            if kind == "folder":
                if depth + 1 > max_depth:
                    skipped.append((path, f"it is more than {max_depth} folders deep; not searched"))
                else:
                    stack.append((path, depth + 1))
            elif kind == "file":
                if entry.name.endswith(suffix):
                    found.append(path)
            elif entry.name.endswith(suffix) or "symbolic link to a folder" in kind:
                skipped.append((path, kind))
        if seen > max_seen:
            skipped.append((root, f"more than {max_seen:,} names in this folder tree; the rest were not searched"))
            break
    found.sort()
    if len(found) > limit:
        skipped.append((root, f"{len(found):,} files ending {suffix}; only the first {limit:,} are read"))
        found = found[:limit]
    return found, sorted(skipped, key=lambda item: str(item[0]))
