"""Plain data across a trust boundary: a strict, size-bounded JSON encoding with type tags.

A student's answers leave the grading sandbox in this form and nothing else. Only `None`, `bool`,
`int`, `float`, `str`, `list`, `tuple`, `set` and `dict` are allowed, by *exact* type: a subclass
of `int` or an object that says it equals anything cannot be encoded, and the decoder only ever
builds these built-in types. Every value is tagged, so a tuple stays a tuple and a set a set:

    {"t": "int", "v": "12"}   {"t": "set", "v": [{"t": "str", "v": "A"}]}   {"t": "dict", "v": [[k, v], ...]}

Bounds (bytes, nesting, items, digits of an int) keep a hostile blob from costing the grader
more than a moment. Both sides raise `PlainDataError` (a `ValueError`) that names the problem.
"""

from __future__ import annotations

import json
import math

MAX_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_ITEMS = 100_000
MAX_INT_DIGITS = 1000
PLAIN_TYPES = (type(None), bool, int, float, str, list, tuple, set, dict)
_TAGS = {"none", "bool", "int", "float", "str", "list", "tuple", "set", "dict"}


class PlainDataError(ValueError):
    """A value is not plain data, or an encoded blob is malformed or too large."""


def type_name(value) -> str:
    """A short, safe name for a value's type (for messages; never the value itself)."""
    name = getattr(type(value), "__name__", "?")
    name = name if isinstance(name, str) else "?"
    return name if name.isidentifier() and len(name) <= 40 else "an unusual type"


def encode(value, _depth: int = 0, _count: list | None = None):
    """The tagged form of a plain value; `PlainDataError` for anything else."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise PlainDataError(f"more than {MAX_ITEMS} items")
    if _depth > MAX_DEPTH:
        raise PlainDataError(f"nested more than {MAX_DEPTH} deep")
    kind = type(value)
    if value is None:
        return {"t": "none"}
    if kind is bool:
        return {"t": "bool", "v": value}
    if kind is int:
        if abs(value).bit_length() > MAX_INT_DIGITS * 3.33:
            raise PlainDataError(f"an int with more than {MAX_INT_DIGITS} digits")
        return {"t": "int", "v": str(value)}
    if kind is float:
        return {"t": "float", "v": repr(value)}
    if kind is str:
        return {"t": "str", "v": value}
    if kind in (list, tuple, set):
        items = sorted(value, key=_order) if kind is set else value
        return {"t": kind.__name__, "v": [encode(v, _depth + 1, count) for v in items]}
    if kind is dict:
        return {"t": "dict", "v": [[encode(k, _depth + 1, count), encode(v, _depth + 1, count)]
                                   for k, v in value.items()]}
    raise PlainDataError(f"{type_name(value)} is not plain data")


def _order(value):
    return (type(value).__name__, repr(value)) if type(value) in PLAIN_TYPES else ("", "")


def decode(node, _depth: int = 0, _count: list | None = None):
    """Rebuild a value from its tagged form, accepting nothing but the tags above."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_ITEMS:
        raise PlainDataError(f"more than {MAX_ITEMS} items")
    if _depth > MAX_DEPTH:
        raise PlainDataError(f"nested more than {MAX_DEPTH} deep")
    if type(node) is not dict or type(node.get("t")) is not str or node["t"] not in _TAGS:
        raise PlainDataError("not a tagged value")
    tag = node["t"]
    if set(node) != ({"t"} if tag == "none" else {"t", "v"}):
        raise PlainDataError(f"a {tag} with unexpected fields")
    if tag == "none":
        return None
    v = node["v"]
    if tag == "bool" and type(v) is bool:
        return v
    if tag == "int" and type(v) is str and 0 < len(v) <= MAX_INT_DIGITS + 1 \
            and (v.isdigit() or (v[0] == "-" and v[1:].isdigit())) and v.isascii():
        return int(v)
    if tag == "float" and type(v) is str and len(v) <= 40:
        try:
            number = float(v)
        except ValueError:
            raise PlainDataError("a float that is not a number") from None
        if math.isfinite(number) or v in ("nan", "inf", "-inf"):
            return number
    if tag == "str" and type(v) is str:
        return v
    if tag in ("list", "tuple", "set") and type(v) is list:
        items = [decode(x, _depth + 1, count) for x in v]
        if tag == "list":
            return items
        try:
            return tuple(items) if tag == "tuple" else set(items)
        except TypeError:
            raise PlainDataError("a set of unhashable items") from None
    if tag == "dict" and type(v) is list:
        out = {}
        for pair in v:
            if type(pair) is not list or len(pair) != 2:
                raise PlainDataError("a dict entry that is not a pair")
            key = decode(pair[0], _depth + 1, count)
            try:
                out[key] = decode(pair[1], _depth + 1, count)
            except TypeError:
                raise PlainDataError("a dict with an unhashable key") from None
        return out
    raise PlainDataError(f"a malformed {tag}")


def dumps(obj) -> str:
    """JSON text for an already-tagged structure (or any JSON-able dict of them)."""
    return json.dumps(obj, ensure_ascii=True, allow_nan=False, separators=(",", ":"))


def loads(text: str | bytes):
    """Parse JSON text of at most `MAX_BYTES`; `PlainDataError` when it is not."""
    if len(text) > MAX_BYTES:
        raise PlainDataError(f"larger than {MAX_BYTES} bytes")
    try:
        return json.loads(text)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise PlainDataError("not valid JSON") from None


def holds_ellipsis(value, depth: int = 0) -> bool:
    """True where an answer still holds the prompt's `...` (alone, or inside a list, tuple,
    set or dict, keys too); looks 5 levels deep. The sandbox runner and the students'
    self-check both use it, so an unanswered question is named the same way in both."""
    if value is Ellipsis:
        return True
    if depth > 5:
        return False
    if type(value) in (list, tuple, set):
        return any(holds_ellipsis(v, depth + 1) for v in value)
    if type(value) is dict:
        return any(holds_ellipsis(k, depth + 1) or holds_ellipsis(v, depth + 1) for k, v in value.items())
    return False
