"""The figures data folder: where it is, its CSV reader, the claims map (``claims.yml``),
the counting bodies (``counters.csv``), and which claim a figure belongs to."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import _guard, _yaml
from ..errors import LessonsDataError
from ..paths import REPO_ROOT, data_dir


# =========================================================================== data files
def _folder() -> Path:
    folder = data_dir() / "figures"
    return folder if (folder / "lexicon.yml").exists() else REPO_ROOT / "data" / "figures"


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    try:
        with _guard.open_text(path) as handle:  # bounded, UTF-8, no NUL bytes
            rows = list(csv.DictReader(handle))
    except csv.Error as err:
        raise LessonsDataError(f"{path}: not valid CSV ({err})") from None
    for number, row in enumerate(rows, start=2):
        for name in required:
            if not (row.get(name) or "").strip():
                raise LessonsDataError(f"{path}, line {number}: field '{name}' is empty")
    return rows


_read_yaml = _yaml.read_file  # one reader for every data file


@lru_cache(maxsize=4)
def _counters(folder: str | None = None):
    root = Path(folder) if folder else _folder()
    path = root / "counters.csv"
    out = []
    for line, row in enumerate(_read_csv(path, ("pattern", "counter", "kind", "rationale")), start=2):
        # a teacher's pattern: checked for syntax that can stall and for speed (lessons._guard)
        out.append((_guard.user_regex(row["pattern"], re.IGNORECASE, f"{path}, line {line}, column pattern"),
                    row["counter"], row["kind"]))
    return tuple(out)


# =========================================================================== claims
@dataclass(frozen=True)
class _Claim:
    claim: str
    label: str
    unit: str
    cumulative: bool
    checkable: bool
    checkable_rationale: str
    others_plus_one: bool
    rules: tuple  # tuple of dicts of compiled conditions


_CONDITIONS = ("counted", "verb", "before", "after", "sentence", "not_counted")


@lru_cache(maxsize=4)
def load_claims(path: str | None = None) -> tuple[_Claim, ...]:
    """The claims map (``data/figures/claims.yml``), validated; errors name the entry and field."""
    file = Path(path) if path else _folder() / "claims.yml"
    entries = _read_yaml(file)
    if not isinstance(entries, list):
        raise LessonsDataError(f"{file}: expected a list of claims")
    out, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{file}, claim {number}"
        if not isinstance(entry, dict):
            raise LessonsDataError(f"{where}: expected fields such as 'claim: ...'")
        for field in ("claim", "label", "unit", "rules", "rationale"):
            if not entry.get(field):
                raise LessonsDataError(f"{where} ({entry.get('claim', '?')}): field '{field}' is missing or empty")
        if entry["claim"] in seen:
            raise LessonsDataError(f"{where}: duplicated claim id {entry['claim']!r}")
        seen.add(entry["claim"])
        rules = []
        for r_number, rule in enumerate(entry["rules"], start=1):
            if not isinstance(rule, dict) or not rule:
                raise LessonsDataError(f"{where} ({entry['claim']}), rule {r_number}: expected conditions such as 'verb: killed'")
            unknown = set(rule) - set(_CONDITIONS) - {"no_counted"}
            if unknown:
                raise LessonsDataError(f"{where} ({entry['claim']}), rule {r_number}: unknown condition(s) {', '.join(sorted(unknown))}; allowed: {', '.join(_CONDITIONS)}, no_counted")
            compiled = {}
            for key, pattern in rule.items():
                if key == "no_counted":
                    compiled[key] = bool(pattern)
                    continue
                compiled[key] = _guard.user_regex(  # a teacher's pattern (lessons._guard)
                    str(pattern), re.IGNORECASE, f"{where} ({_guard.brief(entry['claim'])}), rule {r_number}, field '{key}'")
            rules.append(compiled)
        out.append(_Claim(
            claim=str(entry["claim"]), label=str(entry["label"]), unit=str(entry["unit"]),
            cumulative=bool(entry.get("cumulative", False)), checkable=bool(entry.get("checkable", True)),
            checkable_rationale=str(entry.get("checkable_rationale", "")).strip(),
            others_plus_one=bool(entry.get("others_plus_one", False)), rules=tuple(rules),
        ))
    return tuple(out)


def assign_claim(row: dict, claims=None, *, _memo: dict | None = None) -> str:
    """The first claim in ``claims.yml`` whose rule matches this figure, or ''.
    ``_memo`` (internal) caches the sentence-wide tests for figures of one sentence."""
    claims = load_claims() if claims is None else claims
    fields = {
        "counted": str(row.get("counted") or ""),
        "verb": str(row.get("verb") or ""),
        "before": str(row.get("_before") or ""),
        "after": str(row.get("_after") or ""),
        "sentence": str(row.get("sentence") or ""),
    }
    for c in claims:
        if c.unit == row.get("unit") and any(_rule_holds(rule, fields, _memo) for rule in c.rules):
            return c.claim
    return ""


def _condition_holds(key: str, cond, fields: dict, memo: dict | None) -> bool:
    """One condition of a claim rule on one figure's fields."""
    if key == "no_counted":
        return (not fields["counted"]) == cond
    if key == "not_counted":
        return not cond.search(fields["counted"])
    if key == "sentence" and memo is not None:
        memo_key = (id(cond), fields["sentence"])
        if memo_key not in memo:
            memo[memo_key] = bool(cond.search(fields["sentence"]))
        return memo[memo_key]
    return bool(cond.search(fields[key]))


def _rule_holds(rule: dict, fields: dict, memo: dict | None) -> bool:
    """Every condition of the rule holds (checked in order, stopping at the first that fails)."""
    return all(_condition_holds(key, cond, fields, memo) for key, cond in rule.items())
