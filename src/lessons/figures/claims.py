"""The figures data folder: where it is, its CSV reader, the claims map (``claims.yml``),
the counting bodies (``counters.csv``), and which claim a figure belongs to."""

from __future__ import annotations

from pathlib import Path

from .. import _yaml
from ..datafiles import claims as claims_file
from ..datafiles import counters as counters_file
from ..datafiles import tables
from ..paths import REPO_ROOT, data_dir


# =========================================================================== data files
def _folder() -> Path:
    folder = data_dir() / "figures"
    return folder if (folder / "lexicon.yml").exists() else REPO_ROOT / "data" / "figures"


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    return tables.rows(path, required)  # lessons.datafiles: one reader, errors name file, line, column


_read_yaml = _yaml.read_file  # one reader for every data file


def _counters(folder: str | None = None):
    """(pattern, counter, kind) per row of ``counters.csv``, cached by the file's (path, mtime, size)."""
    return counters_file.load((Path(folder) if folder else _folder()) / "counters.csv")


_Claim = claims_file.Claim  # the claims map's rules: lessons.datafiles.claims


def load_claims(path: str | None = None) -> tuple[_Claim, ...]:
    """The claims map (``data/figures/claims.yml``), validated; errors name the entry and field.
    Cached by the file's (path, mtime, size): another folder or a changed file is read again."""
    return claims_file.load(Path(path) if path else _folder() / "claims.yml")


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
