"""Fast YAML reading for the data files: libyaml's parser when PyYAML has it.

The C parser reads the shipped files about ten times faster and builds the very same Python
objects (the same SafeConstructor runs on its events). On any problem it gives way to the
pure-Python ``yaml.safe_load``, so callers see exactly the errors (and line numbers) they
always did.
"""

from __future__ import annotations

import yaml

from .errors import LessonsDataError

_CLoader = getattr(yaml, "CSafeLoader", None)


def safe_load(text: str):
    """``yaml.safe_load(text)``, faster; same result, same exceptions."""
    if _CLoader is not None:
        try:
            return yaml.load(text, Loader=_CLoader)
        except Exception:  # let the pure-Python parser produce the usual error (or result)
            pass
    return yaml.safe_load(text)


MISS = object()


def fast_file(path) -> object:
    """The parsed YAML file, or ``MISS`` when anything at all goes wrong (file missing, not
    UTF-8, invalid YAML, no libyaml): the caller then takes its usual, slower path, which
    raises its usual, precise error."""
    if _CLoader is None:
        return MISS
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle.read(), Loader=_CLoader)
    except Exception:
        return MISS


def read_file(path):
    """A data file's YAML, with a LessonsDataError naming the file (and line) for bad input."""
    data = fast_file(path)
    if data is not MISS:
        return data
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError:
        raise LessonsDataError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise LessonsDataError(f"{path}: not UTF-8 text (byte {err.start}: {err.reason}); save the file as UTF-8") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise LessonsDataError(f"{path}{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
