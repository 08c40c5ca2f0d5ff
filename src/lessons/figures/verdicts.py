"""Comparing figures: what each source says about a claim (``claim_reports``), a verdict per
claim (``compare_figures``) and the most conservative figure (``conservative_figure``)."""

from __future__ import annotations

import math
import re

import pandas as pd

from ..errors import LessonsDataError
from .claims import _Claim, load_claims
from .grammar import _SP, _grammar

COMPARE_COLUMNS = [
    "claim", "label", "unit", "n_articles", "articles", "reports", "verdict", "reason",
    "conservative", "conservative_text", "compare_unit", "conservative_from", "checkable", "note",
]
VERDICTS = ("consistent", "differs", "single source", "contradiction")
_SAME_VALUE_TOLERANCE = 0.02  # 180 days vs six months (182.6 days) count as the same


_OTHERS_BEFORE = re.compile(r"\b[A-Z][\w\u2019'\-]+" + _SP + r"++and" + _SP + "++$")


def _others_prefix(row: dict) -> re.Match | None:
    """'Russia and ' just before the figure: the named member the figure does not count.
    Only the last 200 characters before the figure can hold it (a bounded window)."""
    sentence = str(row.get("sentence") or "")
    end = max(0, int(row["start"]) - int(row["sentence_start"]))
    return _OTHERS_BEFORE.search(sentence, max(0, end - 200), end)


def _others_adjust(row: dict) -> int:
    """'five other states' or 'Russia and five allies': one more member than the number."""
    counted = str(row.get("counted") or "").lower()
    if counted.startswith("other "):
        return 1
    return 1 if _others_prefix(row) else 0


def _shown_with_others(row: dict, shown: str, total: float) -> str:
    """A figure that counts one member fewer, shown with the words that say so and the total:
    'five other ex-Soviet states (6 in all)', 'Russia and five ex-Soviet allies (6 in all)'.
    The bare 'five' would misquote the report."""
    prefix = _others_prefix(row)
    counted = str(row.get("counted") or "")
    phrase = f"{prefix.group(0) if prefix else ''}{shown} {counted}".strip()
    return f"{phrase} ({_fmt(total)} in all)" if not math.isnan(total) else phrase


# complexity: one comparable value, low and high per figure, each NaN-safe
def claim_reports(table: pd.DataFrame) -> pd.DataFrame:
    """One row per claim, article and distinct figure: what each source says.

    Adds ``compare_value`` (the figure in comparable units: days for durations, plus one for
    'five *other* states'), ``compare_low``/``compare_high`` (what it allows) and
    ``plot_value`` (the value, or the conservative reading for vague words).
    """
    claims = {c.claim: c for c in load_claims()}
    if "claim" not in table.columns:
        raise LessonsDataError("claim_reports: the table has no 'claim' column (use figures_table(articles))")
    rows = []
    for r in table[table["claim"].astype(bool)].to_dict("records"):
        c = claims.get(r["claim"])
        if c is None:
            continue
        factor = 1.0
        if r["unit"] == "duration" and not math.isnan(r["value"]) and r["value"]:
            factor = r["base_value"] / r["value"]
        extra = _others_adjust(r) if c.others_plus_one else 0
        low = r["low"] * factor + extra if not math.isnan(r["low"]) else math.nan
        high = r["high"] * factor + extra if not math.isnan(r["high"]) else math.nan
        value = r["value"] * factor + extra if not math.isnan(r["value"]) else math.nan
        rows.append({**r, "claim_label": c.label, "compare_value": value, "compare_low": low,
                     "compare_high": high, "others_added": extra,
                     "plot_value": value if not math.isnan(value) else r["conservative"],
                     "shown": _shown_with_others(r, _shown(r), value) if extra else _shown(r)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return pd.DataFrame(columns=[*table.columns, "claim_label", "compare_value", "compare_low", "compare_high", "others_added", "plot_value", "shown"])
    keep = frame.drop_duplicates(["claim", "article_id", "value", "qualifier", "unit_name", "counted"])
    keep = keep[~keep.apply(lambda r: _repeats_body(r, keep), axis=1)] if "in_heading" in keep.columns else keep
    return keep.reset_index(drop=True)


def _shown(r: dict) -> str:
    """The figure as written, with a hedge it shares with an earlier number in brackets:
    'At least 26 protesters and 18 police officers' gives '[at least] 18'."""
    text, hedge = str(r["text"]), str(r.get("hedge") or "")
    if hedge and r.get("qualifier") != "vague" and hedge.lower() not in text.lower():
        return f"[{hedge}] {text}"
    return text


def _repeats_body(r: pd.Series, frame: pd.DataFrame) -> bool:
    """A figure on a heading line ('2,300 detained') that repeats a figure of the same claim in
    the same article's running text: one fact, so it is not listed twice."""
    if not bool(r.get("in_heading")):
        return False
    same = frame[(frame["claim"] == r["claim"]) & (frame["article_id"] == r["article_id"]) & ~frame["in_heading"].astype(bool)]
    return any(_same(v, r["plot_value"]) for v in same["plot_value"])


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "?"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def _short(recs: list[dict]) -> str:
    return ", ".join(f"'{_shown(r)}' ({r['label']})" for r in _one_per_article(recs))


def _describe(r: dict) -> str:
    where = r.get("label") or r["article_id"]
    who = f", {r['source']}" if r.get("source") else ""
    counted = ""
    if r.get("counted") and r["unit"] == "count":
        # a noun the sentence puts in quotation marks keeps them: the words are the source's
        word = r["counted"]
        quoted = re.search("[\u201c\u2018\"']" + re.escape(word).replace(r"\ ", "[\u201d\u2019\"'\\s]*") + "[\u201d\u2019\"']", str(r.get("sentence") or ""))
        counted = f" \u201c{word}\u201d" if quoted else f" {word}"
        if r.get("counted_implied"):
            counted += " (noun from earlier in the sentence)"
    return f"{where}: '{_shown(r)}'{counted}{who}"


def _same(a: float, b: float) -> bool:
    if math.isnan(a) or math.isnan(b):
        return False
    return abs(a - b) <= _SAME_VALUE_TOLERANCE * max(abs(a), abs(b), 1e-9)


# What a reason says decides the verdict: one rule for both. Each step of ``_verdict`` names
# the kind of agreement it found; the verdict is looked up here, never written beside a reason.
VERDICT_OF_KIND = {
    "same": "consistent",      # the same figure everywhere, perhaps in other words or units
    "hedged": "consistent",    # the same number, a hedge in some reports ('at least 18' and '18')
    "overlap": "consistent",   # the figures allow one common value once the hedges are read
    "one vague word": "consistent",  # every source says only 'dozens'
    "vague words": "differs",  # only vague words, and not the same ones
    "close": "differs",        # close but not the same
    "running total": "differs",  # a running total, dated or counted differently
    "single": "single source",
    "cannot": "contradiction",  # no one value fits every figure
}


# complexity: one sentence of reason per way the same figure is written differently
def _same_everywhere(recs: list[dict]) -> tuple[str, str]:
    """Every source gives the same value (after units): ``(kind, reason)``, a hedge named."""
    qualifiers = {r["qualifier"] for r in recs}
    if len(qualifiers) == 1:
        forms = {(r["unit_name"], r["others_added"]) for r in recs}
        if len(forms) > 1:
            how = "; ".join(f"{r['label']} '{r['text']}{' ' + r['counted'] if r['unit'] == 'count' else ''}'" for r in _one_per_article(recs))
            plus = " (counting the country named alongside 'other' or 'X and')" if any(r["others_added"] for r in recs) else ""
            return "same", f"the same figure expressed differently{plus}: {how}"
        return "same", "every source gives the same figure"
    hedged = sorted({r["label"] for r in recs if r["qualifier"] != "exact"})
    plain = sorted({r["label"] for r in recs if r["qualifier"] == "exact"})
    hedges = sorted({r["hedge"] for r in recs if r["hedge"]})
    return "hedged", (f"the same number, but only some reports give it with a hedge: {', '.join(repr(h) for h in hedges)} in "
                      f"{', '.join(hedged)}; no hedge in {', '.join(plain) or 'none'}")


def _only_vague(recs: list[dict]) -> tuple[str, str]:
    words = sorted({r["hedge"] for r in recs})
    if len(words) == 1:
        return "one vague word", f"every source says only '{words[0]}'"
    return "vague words", f"only vague words ({', '.join(words)})"


def _overlap(recs: list[dict]) -> bool:
    """Do all the figures allow one common value?"""
    lows = [r["compare_low"] for r in recs if not math.isnan(r["compare_low"])]
    highs = [r["compare_high"] for r in recs if not math.isnan(r["compare_high"])]
    return (max(lows) if lows else -math.inf) <= (min(highs) if highs else math.inf)


def _side_reasons(recs: list[dict], exact_like: list[dict]) -> list[str]:
    """What else differs: the names of what is counted, a vague word beside numbers."""
    reasons = []
    counted = sorted({r["counted"] for r in recs if r["counted"] and not r.get("counted_implied")})
    if len(counted) > 1:
        reasons.append("the sources name the people or things differently (" + ", ".join(repr(c) for c in counted) + ")")
    if any(r["qualifier"] == "vague" for r in recs) and exact_like:
        vague_labels = sorted({r["label"] for r in recs if r["qualifier"] == "vague"})
        reasons.append(f"{', '.join(vague_labels)} gives only a vague word, not a number")
    return reasons


def _all_same(values: list[float]) -> bool:
    return all(_same(v, values[0]) for v in values)


def _overlap_reason(exact_like: list[dict]) -> tuple[str, str]:
    """Figures that allow one common value: ``(kind, reason)``."""
    if any(r["qualifier"] != "exact" for r in exact_like):
        return "overlap", f"the figures agree once the hedges are read: {_short(exact_like)}"
    if _all_same([r["compare_value"] for r in exact_like]):
        return "same", f"the numbers are the same: {_short(exact_like)}"
    return "close", "the figures are close but not the same"


def _running_total(claim: _Claim, recs: list[dict], exact_like: list[dict]) -> str:
    """A running total (a cumulative claim) dated or counted differently, told from lowest to
    highest with why the higher ones are likely; '' when the claim is no such total."""
    counters = {r["counter"] for r in recs if r["counter"]}
    whens = {r["when"] for r in recs}
    if not (claim.cumulative and (len(counters) > 1 or len(whens) > 1)):
        return ""
    ordered = sorted(exact_like, key=lambda r: r["compare_low"])
    groups: dict = {}  # one entry per figure as written, lowest first
    for r in _one_per_article(ordered):
        who = r["label"] + (f" ('{r['when']}')" if r["when"] else "")
        groups.setdefault(_shown(r).lower(), (_shown(r), []))[1].append(who)
    story = "; ".join(f"{' and '.join(whos)}: '{text}'" for text, whos in groups.values())
    why = []
    if len(whens) > 1:
        why.append("later updates (the reports date their figures differently)")
    if len(counters) > 1:
        why.append("different counting bodies (" + ", ".join(sorted(counters)) + ")")
    return ("a running total, which can only grow. From lowest to highest: " + story
            + ". The higher figures are likely " + " and ".join(why))


def _verdict(claim: _Claim, reports: pd.DataFrame, recs: list[dict] | None = None) -> tuple[str, str]:
    """``(verdict, reason)``; the verdict follows from the kind of reason (``VERDICT_OF_KIND``).
    ``recs``: ``reports.to_dict("records")`` when the caller already has it."""
    kind, reason = _reason(claim, reports.to_dict("records") if recs is None else recs)
    return VERDICT_OF_KIND[kind], reason


def _reason(claim: _Claim, recs: list[dict]) -> tuple[str, str]:
    """``(kind, reason)``: how the figures of one claim agree or differ."""
    articles = list(dict.fromkeys(r["article_id"] for r in recs))
    if len(articles) == 1:
        return "single", f"only {list(dict.fromkeys(r['label'] for r in recs))[0]} gives this figure"
    exact_like = [r for r in recs if r["qualifier"] != "vague"]
    # 1. the same value everywhere (after units): consistent
    if exact_like and len(exact_like) == len(recs) and _all_same([r["compare_value"] for r in recs]):
        return _same_everywhere(recs)
    if not exact_like:
        return _only_vague(recs)
    # 2. do all the figures allow one common value? Then they agree; what else differs is said
    reasons = _side_reasons(recs, exact_like)
    if _overlap(recs):
        kind, first = _overlap_reason(exact_like)
        return kind, "; ".join([first, *reasons])
    # 3. a running total may grow between reports; otherwise the figures contradict
    total = _running_total(claim, recs, exact_like)
    if total:
        return "running total", "; ".join([total, *reasons])
    return "cannot", f"these figures cannot all be true of the same thing at the same time: {_short(exact_like)}"


def _one_per_article(recs: list[dict]) -> list[dict]:
    seen, out = set(), []
    for r in recs:
        key = (r["article_id"], r["text"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


def conservative_figure(reports: pd.DataFrame) -> tuple[float, str]:
    """The most conservative figure for one claim, ACLED-style.

    Among specific figures (exact, 'at least', 'about', ranges) the lowest; a vague word counts
    only when no source gives a number ('dozens' = 12). 'Up to' figures are ceilings, not counts.
    """
    specific = reports[reports["qualifier"].isin(["exact", "at_least", "approx", "range"])]
    if not specific.empty:
        values = specific["compare_low"].where(specific["qualifier"] != "approx", specific["compare_value"])
        values = values.where(specific["qualifier"] != "range", specific["compare_low"])
        values = pd.to_numeric(values, errors="coerce").dropna()  # a figure without a value cannot be the lowest
        if not values.empty:
            i = values.idxmin()
            return float(values[i]), f"{specific.loc[i, 'label']}: '{specific.loc[i, 'text']}'"
    vague = reports[reports["qualifier"] == "vague"]
    vague = vague[pd.to_numeric(vague["conservative"], errors="coerce").notna()]
    if not vague.empty:
        i = pd.to_numeric(vague["conservative"]).idxmin()
        return float(vague.loc[i, "conservative"]), f"{vague.loc[i, 'label']}: '{vague.loc[i, 'text']}' counted as {_fmt(vague.loc[i, 'conservative'])}"
    if reports["qualifier"].isin(["exact", "at_least", "approx", "range", "vague"]).any():
        return math.nan, "no figure with a value: no count"
    return math.nan, "only ceilings ('up to'): no count"


def _conservative_records(recs: list[dict]) -> tuple[float, str] | None:
    """``conservative_figure`` for the usual case (specific figures, none missing), on plain
    records; None when the pandas version must decide (vague words only, missing values)."""
    specific = [r for r in recs if r["qualifier"] in ("exact", "at_least", "approx", "range")]
    if not specific:
        return None
    values = [r["compare_value"] if r["qualifier"] == "approx" else r["compare_low"] for r in specific]
    if any(not isinstance(v, float) or math.isnan(v) for v in values):
        return None
    i = values.index(min(values))  # the first of the lowest, as idxmin
    return float(values[i]), f"{specific[i]['label']}: '{specific[i]['text']}'"


def _conservative_reading(claim: _Claim, recs: list[dict], value: float, source: str) -> tuple[str, str]:
    """How to read the conservative figure, for people: ``(reading, source)``.

    An estimate stays an estimate ('about 2,500'; 'nearly 400' gives 'just under 400', because
    the true number is below it); a vague word shows its word ('12 (dozens)'); 'five other
    states' says where the extra one comes from. A claim no one could check is not counted.
    """
    if not claim.checkable:
        return "not counted: a claim no one could check", source
    if value is None or math.isnan(value):
        return "\u2013", source
    chosen = next((r for r in recs if source.startswith(f"{r['label']}: '{r['text']}'")), None)
    if chosen is None:
        return _fmt(value), source
    g = _grammar()
    hedge = str(chosen.get("hedge") or "").lower()
    if chosen["qualifier"] == "vague":
        reading = f"{_fmt(value)} ('{chosen['text']}')"
    elif chosen["qualifier"] == "approx" and hedge in g.below_hedges:
        reading = f"just under {_fmt(value)}"
    elif chosen["qualifier"] == "approx":
        reading = f"about {_fmt(value)}"
    else:
        reading = _fmt(value)
    if chosen.get("others_added"):
        counted = str(chosen.get("counted") or "")
        extra = ("the country they are 'other' than" if counted.lower().startswith("other ")
                 else "the country named before 'and'")
        source = f"{chosen['label']}: '{chosen['text']} {counted}'".rstrip() + f", plus {extra}"
    return reading, source


def _compare_unit(reports: pd.DataFrame) -> str:
    units = set(reports["unit"])
    if units == {"duration"}:
        return "days"
    names = [n for n in dict.fromkeys(reports["unit_name"]) if n]
    return names[0] if names else next(iter(units))


def compare_figures(table: pd.DataFrame) -> pd.DataFrame:
    """Per claim, what each source says and a verdict.

    ``verdict``: 'consistent' (figures that agree: the same figure, perhaps in other units, 180
    days and six months, or with a hedge that allows it, 'at least 18' and '18'), 'differs'
    (with ``reason``: only vague words, a later update, a different counting body), 'single source', or 'contradiction' (figures that cannot both be
    true of the same thing at the same time). What is counted decides the claim, so the same
    number for different people ('26 killed and 18 wounded' / '18 killed') is never compared.
    ``conservative``: the ACLED-style figure (see ``conservative_figure``).
    """
    claims = load_claims()
    reports = claim_reports(table)
    rows = []
    # one groupby instead of a boolean filter per claim (same rows, same order, same index)
    by_claim = dict(iter(reports.groupby("claim", sort=False))) if not reports.empty else {}
    # the records once for the whole table (to_dict per claim costs more than the verdicts)
    records: dict[str, list[dict]] = {}
    for r in reports.to_dict("records") if not reports.empty else []:
        records.setdefault(r["claim"], []).append(r)
    for c in claims:
        sub = by_claim.get(c.claim)
        if sub is None or sub.empty:
            continue
        recs = records[c.claim]
        verdict, reason = _verdict(c, sub, recs)
        fast = _conservative_records(recs)
        conservative, source = fast if fast is not None else conservative_figure(sub)
        reading, source = _conservative_reading(c, recs, conservative, source)
        text = "; ".join(_describe(r) for r in _one_per_article(recs))
        labels = list(dict.fromkeys(r["label"] for r in recs))
        rows.append(dict(claim=c.claim, label=c.label, unit=c.unit, n_articles=len(labels),
                         articles=", ".join(labels), reports=text, verdict=verdict, reason=reason,
                         conservative=conservative, conservative_text=reading, compare_unit=_compare_unit(sub),
                         conservative_from=source,
                         checkable=c.checkable, note=c.checkable_rationale))
    return pd.DataFrame(rows, columns=COMPARE_COLUMNS)

