"""Guards for what a teacher's folder brings in: files that stay inside the folder and are not
too big, YAML without aliases, and regular expressions that cannot stall.

Every problem raises ``LessonsDataError`` naming the file and field; values are quoted with
``brief`` (at most a few dozen characters), so a hostile value never floods a message.
"""

from __future__ import annotations

import re
import reprlib
import signal
import threading
import time
import unicodedata
from pathlib import Path

from . import _files, _regex_cache
from .errors import LessonsDataError

#: Size limits, in bytes. The book's longest article is about 10 KB; its biggest data file 60 KB.
MAX_ARTICLE_BYTES = 2_000_000
MAX_DATA_BYTES = 2_000_000
MAX_NAME_BYTES = 255  # what most file systems allow for one name
MAX_PATTERN_CHARS = 2000
#: A user regular expression must finish its test texts within this many seconds of CPU time
#: (the process's own time: other programs on a busy machine do not count).
PATTERN_TEST_SECONDS = 1.0

_brief = reprlib.Repr()
_brief.maxstring = 60
_brief.maxother = 60
_brief.maxlist = _brief.maxtuple = _brief.maxdict = _brief.maxset = 4
_brief.maxlevel = 2


def brief(value) -> str:
    """A short repr for messages: long text cut with '...', deep lists shown as [...]."""
    return _brief.repr(value)


def printable(text, keep: str = "") -> str:
    """`text` safe to show in a terminal or a one-line message: line breaks, escape sequences
    (ESC), bidi overrides and other invisible controls become their escapes (\\n, \\x1b,
    \\u202e), so a file name or a value cannot fake, recolour or reorder lines. Characters in
    `keep` (e.g. "\\n" for a multi-line fix) stay as they are."""
    return "".join(c if c in keep or unicodedata.category(c) not in _INVISIBLE else repr(c)[1:-1]
                   for c in str(text))


_INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}  # controls, format (bidi, zero-width), surrogates, line breaks


# --------------------------------------------------------------------------- file names and files
def name_problem(name) -> str | None:
    """Why `name` cannot be a plain file name inside a folder, or None."""
    if not isinstance(name, str) or not name.strip():
        return "it is empty"
    if "\x00" in name:
        return "it contains a NUL character"
    if any(ord(c) < 32 for c in name):
        return "it contains a control character (a line break or tab?)"
    if len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_BYTES} bytes"
    if name in (".", "..") or "/" in name or "\\" in name:
        return "it is a path, not a plain file name"
    if name.startswith("."):
        return "it starts with '.' (a hidden file)"
    return None


def inside(path: Path, folder: Path) -> bool:
    """Does `path`, with every symbolic link followed, stay inside `folder`?"""
    try:
        real, root = Path(path).resolve(), Path(folder).resolve()
    except (OSError, RuntimeError):
        return False
    return real == root or root in real.parents


def _opened(path: Path, folder: Path | None) -> tuple[Path | None, str | None]:
    """(the real path to open, None), or (None, why not): a path leading outside `folder`.
    The links are followed here, once, and the file is then opened without following any
    (O_NOFOLLOW): a link swapped in after this check is refused, not followed."""
    try:
        real = Path(path).resolve()
        root = Path(folder).resolve() if folder is not None else None
    except (OSError, RuntimeError, ValueError) as err:
        return None, f"cannot be read ({getattr(err, 'strerror', None) or err})"
    if root is not None and real != root and root not in real.parents:
        return None, f"it leads outside the folder {folder} (a symbolic link?); copy the file itself into the folder"
    return real, None


def file_problem(path: Path, folder: Path | None, limit: int) -> str | None:
    """Why `path` cannot be read as a data file of `folder` (None: fine to read). The file is
    opened and the open file checked (``lessons._files``), so a pipe never blocks."""
    real, problem = _opened(path, folder)
    if problem:
        return problem
    try:
        _files.check(real, limit)
    except _files.Refused as err:
        return err.reason
    return None


def read_checked(path: Path, folder: Path | None = None, limit: int = MAX_DATA_BYTES) -> tuple[bytes | None, str | None]:
    """(the file's bytes, None), or (None, why it cannot be read: the words of ``file_problem``)."""
    real, problem = _opened(path, folder)
    if problem:
        return None, problem
    try:
        return _files.read_bounded(real, limit), None
    except _files.Refused as err:
        return None, err.reason


def read_bytes(path: Path, folder: Path | None = None, limit: int = MAX_DATA_BYTES) -> bytes:
    """The file's bytes, after the checks of ``file_problem``; LessonsDataError otherwise."""
    data, problem = read_checked(path, folder, limit)
    if problem:
        raise LessonsDataError(f"{path}: {problem}")
    return data


def text_problem(data: bytes) -> tuple[int, str] | None:
    """(line, problem) when the bytes are not plain text: NUL bytes (a binary file)."""
    at = data.find(b"\x00")
    if at >= 0:
        return data[:at].count(b"\n") + 1, f"contains a NUL byte (byte {at}): this is not a text file"
    return None


# --------------------------------------------------------------------------- regular expressions
_UNBOUNDED = 10  # a repeat allowing more than this many copies counts as unbounded


def _walk(items, inside_repeat: bool) -> str | None:
    from re import _constants as C  # the stdlib's own parser: the exact syntax `re` uses
    from re import _parser as P

    for op, av in items:
        if op in (C.GROUPREF, C.GROUPREF_EXISTS):
            return "back-references (\\1, (?P=name)) are not allowed"
        if op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, body = av
            if inside_repeat and high > 1:
                return "a repeat inside a repeat, e.g. (a+)+, can take exponential time"
            problem = _walk(body, inside_repeat or high > _UNBOUNDED)
            if problem:
                return problem
        elif op == C.BRANCH:
            if inside_repeat and len(av[1]) > 1:
                return "alternatives inside a repeat, e.g. (a|ab)*, can take exponential time"
            for branch in av[1]:
                problem = _walk(branch, inside_repeat)
                if problem:
                    return problem
        elif op == C.SUBPATTERN:
            problem = _walk(av[-1], inside_repeat)
            if problem:
                return problem
        elif op in (C.ASSERT, C.ASSERT_NOT):
            problem = _walk(av[1], inside_repeat)
            if problem:
                return problem
        elif op == C.ATOMIC_GROUP or op == C.POSSESSIVE_REPEAT:
            continue  # no backtracking into them
        elif isinstance(av, P.SubPattern):
            problem = _walk(av, inside_repeat)
            if problem:
                return problem
    return None


class _TooSlow(Exception):
    pass


def _test_texts(pattern: str) -> list[str]:
    """Texts on which a slow pattern shows it: long runs of one character (spaces, no-break
    spaces, letters, digits, quotes), of a word and a space, and of the pattern's own words."""
    n = 300  # about a long sentence: teachers' patterns run on sentences and short windows
    words = re.findall(r"[A-Za-z]{2,}", pattern)[:3]
    runs = [" ", "\u00a0", "a", "A", "1", "'", '"', ".", "a ", "ab", "1,"] + [w + " " for w in words]
    return [(r * (n // len(r)))[:n] + "!" for r in runs]


def _time_bounded_test(compiled: re.Pattern, pattern: str) -> bool:
    """False when matching the test texts takes longer than PATTERN_TEST_SECONDS of CPU time.
    The limit is enforced with a virtual-time timer signal in the main thread (CPython's
    matcher checks signals); elsewhere the syntax rules alone apply."""
    texts = _test_texts(pattern)
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return True

    def stop(signum, frame):
        raise _TooSlow

    old_handler = signal.signal(signal.SIGVTALRM, stop)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_VIRTUAL, PATTERN_TEST_SECONDS)
    started = time.process_time()
    try:
        for text in texts:
            compiled.search(text)
        return True
    except _TooSlow:
        return False
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, old_handler)
        if old_delay:  # give back someone else's timer, minus our time
            signal.setitimer(signal.ITIMER_VIRTUAL, max(old_delay - (time.process_time() - started), 0.001), old_interval)


def regex_problem(pattern, flags: int = 0) -> str | None:
    """Why `pattern` cannot be used as a teacher's regular expression, or None.
    A pattern found fine is remembered for the process (at most 10,000), and between kernels
    by its digest (``lessons._regex_cache``): its parse, syntax walk and speed test run once,
    whether a data file's check, its loader or a matcher asks. A rejected one is never kept."""
    if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_PATTERN_CHARS:
        return _regex_problem(pattern, flags)
    key = (pattern, int(flags))
    if key in _FINE_PATTERNS:
        return None
    known = _regex_cache.known_fine(pattern, flags)
    problem = None if known else _regex_problem(pattern, flags)
    if problem is None:
        if len(_FINE_PATTERNS) < 10_000:
            _FINE_PATTERNS.add(key)
        if not known:
            _regex_cache.remember_fine(pattern, flags)
    return problem


_FINE_PATTERNS: set = set()


def _regex_problem(pattern, flags: int = 0) -> str | None:
    if not isinstance(pattern, str) or not pattern:
        return f"a regular expression must be non-empty text, got {brief(pattern)}"
    if len(pattern) > MAX_PATTERN_CHARS:
        return f"it is {len(pattern):,} characters long; at most {MAX_PATTERN_CHARS} are allowed"
    try:
        compiled = re.compile(pattern, flags)
        from re import _parser

        problem = _walk(_parser.parse(pattern, flags), False)
    except re.error as err:
        return f"not a valid regular expression ({err})"
    except RecursionError:
        return "brackets nested too deeply"
    if problem:
        return problem
    if not _time_bounded_test(compiled, pattern):
        return f"it took more than {PATTERN_TEST_SECONDS} s on a test text of 300 characters (it may take hours on a long one)"
    return None


_COMPILED: dict[tuple[str, int], re.Pattern] = {}


def user_regex(pattern, flags: int = 0, where: str = "") -> re.Pattern:
    """Compile a regular expression from a data file, after the checks of ``regex_problem``."""
    key = (pattern, flags) if isinstance(pattern, str) else None
    if key in _COMPILED:
        return _COMPILED[key]
    problem = regex_problem(pattern, flags)
    if problem:
        raise LessonsDataError(f"{where}: {brief(pattern)}: {problem}" if where else f"{brief(pattern)}: {problem}")
    _COMPILED[key] = compiled = re.compile(pattern, flags)
    return compiled
