"""One YAML reader for every data file: fast, bounded, and every problem a LessonsDataError.

libyaml's parser is used when PyYAML has it (about ten times faster on the shipped files, the
same Python objects); on any problem the pure-Python parser runs again to give the precise
error and line. A data file may come from a teacher's folder, so the reader also
* refuses files over ``_guard.MAX_DATA_BYTES`` and anything that is not a regular file;
* refuses YAML aliases (``*name``): ten lines of aliases can stand for billions of values;
* reads a date that does not exist (``published: 2031-13-04``) as the text it is, so the
  checks can say what is wrong with it, instead of failing deep inside PyYAML;
* turns brackets nested too deeply (a RecursionError) into a clear error.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor

from . import _guard
from .errors import LessonsDataError

_CBase = getattr(yaml, "CSafeLoader", None)


def _timestamp(loader, node):
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):  # e.g. month 13: keep the text, the checks report it
        return loader.construct_scalar(node)


class PyLoader(yaml.SafeLoader):
    """yaml.SafeLoader, but an impossible date stays text."""


PyLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

if _CBase is not None:
    class CLoader(_CBase):  # type: ignore[misc, valid-type]
        """yaml.CSafeLoader, but an impossible date stays text."""

    CLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)
else:  # pragma: no cover - PyYAML without libyaml
    CLoader = None


def _where(err) -> str:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    return f", line {mark.line + 1}" if mark else ""


class YAMLProblem(LessonsDataError):
    """A YAML file that cannot be read: ``line`` (or None) and ``problem`` say where and what."""

    def __init__(self, path, line: int | None, problem: str):
        super().__init__(f"{path}{f', line {line}' if line else ''}: {problem}")
        self.line, self.problem = line, problem


def refuse_aliases(text: str, path) -> None:
    """LessonsDataError if the YAML text uses an alias (``*name``), naming its line."""
    if "*" not in text:
        return
    try:
        for event in yaml.parse(text, Loader=CLoader or PyLoader):
            if isinstance(event, yaml.AliasEvent):
                raise YAMLProblem(path, event.start_mark.line + 1,
                                  f"YAML aliases (*{_guard.brief(event.anchor)}) are not allowed in data files; "
                                  "write the value out (put text starting with * in quotes)")
    except yaml.YAMLError:
        return  # the loader below reports the syntax error with its line


MAX_DEPTH = 100  # flow brackets [ { inside each other; the shipped files need 3
_QUOTED = re.compile(r"'[^'\n]*'|\"(?:[^\"\\\n]|\\.)*\"|#[^\n]*")
_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> int | None:
    """The line where flow brackets nest deeper than MAX_DEPTH (quoted text and comments
    aside), or None. Checked before parsing: PyYAML recurses once per level."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    bare = _QUOTED.sub(lambda m: "'" + "\n" * m.group().count("\n") + "'", text)
    depth = 0
    for m in _BRACKETS.finditer(bare):
        depth = depth + 1 if m.group() in "[{" else max(depth - 1, 0)
        if depth > MAX_DEPTH:
            return bare.count("\n", 0, m.start()) + 1
    return None


MAX_BLOCK_DEPTH = 1000  # block levels ('- - - x', indentation); the shipped files need 5
_COMPACT = re.compile(r"(?m)^[ ]*+[-?:][ ]++[-?:](?:[ ]|$)")  # two indicators open a line: '- - x'
_INDICATORS = re.compile(r"[ ]*+((?:[-?:](?:[ ]++|$))*+)")


def _too_deep_blocks(text: str) -> int | None:
    """The line where block collections nest deeper than MAX_BLOCK_DEPTH, or None. libyaml
    builds its nodes recursively in C: 50,000 '- ' on one line (100 kB) crash the process
    (a segmentation fault, no exception). Without two indicators opening one line, nesting
    needs a line per level, and 2 MB hold fewer than 2,000 such levels: no walk is needed."""
    if not _COMPACT.search(text):
        return None
    open_at: list[int] = []  # the columns of the block levels open at this line
    for number, line in enumerate(text.splitlines(), 1):
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        column = len(line) - len(body)
        while open_at and open_at[-1] >= column:
            open_at.pop()
        prefix = _INDICATORS.match(line).group(1)
        open_at += [column + i for i, c in enumerate(prefix) if c in "-?:"]
        open_at.append(column + len(prefix))
        if len(open_at) > MAX_BLOCK_DEPTH:
            return number
    return None


# '\ud800' in a double-quoted value gives half a UTF-16 pair, a character no UTF-8 file,
# page or notebook can hold: the notebook that shows it fails deep inside Jupyter.
_SURROGATE = re.compile(r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})")


def prechecks(text: str, path) -> None:
    """What is refused before any parsing: NUL bytes, brackets nested too deep, aliases, and
    escapes of half a character (a UTF-16 surrogate, e.g. '\\ud83d')."""
    at = text.find("\x00")
    if at >= 0:
        raise YAMLProblem(path, text.count(chr(10), 0, at) + 1, "contains a NUL byte: this is not a text file")
    half = _SURROGATE.search(text) if "\\" in text else None
    if half:
        raise YAMLProblem(path, text.count(chr(10), 0, half.start()) + 1,
                          f"{half.group()} is half of a character (a UTF-16 surrogate), which no text file can hold; "
                          "type the character itself, or write it as \\U0001F600 (eight digits)")
    deep = _too_deep(text)
    if deep:
        raise YAMLProblem(path, deep, f"brackets nested more than {MAX_DEPTH} deep; a data file needs only a few levels")
    deep = _too_deep_blocks(text)
    if deep:
        raise YAMLProblem(path, deep, f"lists or sections nested more than {MAX_BLOCK_DEPTH} deep "
                          "(e.g. '- - - ...'); a data file needs only a few levels")
    refuse_aliases(text, path)


def load_text(text: str, path) -> object:
    """The YAML text's data; LessonsDataError naming `path` (and line) for any problem."""
    prechecks(text, path)
    if CLoader is not None:
        try:
            return yaml.load(text, Loader=CLoader)
        except Exception:  # let the pure-Python parser produce the usual error (or result)
            pass
    try:
        return yaml.load(text, Loader=PyLoader)
    except yaml.YAMLError as err:
        raise LessonsDataError(f"{path}{_where(err)}: not valid YAML ({_guard.brief(getattr(err, 'problem', None) or str(err))})") from None
    except RecursionError:
        raise LessonsDataError(f"{path}: brackets or indentation nested too deeply to read") from None
    except (ValueError, TypeError, OverflowError) as err:
        raise LessonsDataError(f"{path}: a value cannot be read ({_guard.brief(str(err))})") from None


def parse(text: str, path) -> tuple[object, object]:
    """The YAML text's data and its node tree (``yaml.Node``s carry each value's line), from
    one parse; ``YAMLProblem`` (a LessonsDataError with ``line`` and ``problem``) for any problem."""
    prechecks(text, path)
    if CLoader is not None:
        loader = CLoader(text)
        try:
            node = loader.get_single_node()
            return (loader.construct_document(node) if node is not None else None), node
        except Exception:  # the pure-Python parser below gives the usual error (or result)
            pass
        finally:
            loader.dispose()
    loader = PyLoader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        problem = _guard.brief(getattr(err, "problem", None) or str(err).splitlines()[0])
        raise YAMLProblem(path, mark.line + 1 if mark else None, f"not valid YAML ({problem})") from None
    except RecursionError:
        raise YAMLProblem(path, None, "brackets or indentation nested too deeply to read") from None
    except (ValueError, TypeError, OverflowError) as err:
        raise YAMLProblem(path, None, f"a value cannot be read ({_guard.brief(str(err))})") from None
    finally:
        loader.dispose()


def safe_load(text: str):
    """``yaml.safe_load(text)`` with this module's rules (no aliases, bounded, clear errors)."""
    return load_text(text, "<text>")


def _file_text(path, folder=None) -> str:
    data = _guard.read_bytes(Path(path), Path(folder) if folder is not None else None, _guard.MAX_DATA_BYTES)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise LessonsDataError(f"{path}: not UTF-8 text (byte {err.start}: {err.reason}); save the file as UTF-8") from None
    return text.removeprefix("\ufeff")


def read_file(path, folder=None):
    """A data file's YAML, with a LessonsDataError naming the file (and line) for bad input.
    With `folder`, the file must also resolve inside it (no symbolic links leading out)."""
    return load_text(_file_text(path, folder), path)


def read_file_nodes(path, folder=None) -> tuple[object, object]:
    """``read_file``'s data and its node tree (each value's line), as :func:`parse` gives them."""
    return parse(_file_text(path, folder), path)
