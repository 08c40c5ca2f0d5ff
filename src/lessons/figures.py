"""Checking figures: find every number in a text, read its hedge and what it counts, and
reconcile what several sources say about the same thing.

``extract_figures(text)`` reads one text; ``figures_table(articles)`` reads every article and
adds the sentence, whether the figure is quoted, and who gave it; ``compare_figures(table)``
groups figures into claims (``data/figures/claims.yml``) and gives a verdict per claim.

Everything event-specific (claims, counting bodies) and every word list (hedges, units, vague
quantities, number words) is data in ``data/figures/``, loaded once and cached, so another
event or another text needs new data, not new code. Extraction is regular expressions
compiled once plus a little token logic around each match: no tagger, no model, no network.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import _yaml
from .datafiles import claims as claims_file, counters as counters_file, tables
from .errors import LessonsDataError, text_arg

__all__ = [
    "extract_figures", "figures_table", "compare_figures", "claim_reports", "conservative_figure",
    "attributions", "counting_body", "assign_claim", "load_claims",
    "FIGURE_COLUMNS", "TABLE_COLUMNS", "COMPARE_COLUMNS", "QUALIFIERS", "VERDICTS",
]
from .paths import REPO_ROOT, data_dir

FIGURE_COLUMNS = [
    "text", "start", "end", "value", "qualifier", "hedge", "unit", "unit_name", "currency",
    "scale", "low", "high", "conservative", "base_value", "counted", "counted_implied", "verb",
]
QUALIFIERS = ("exact", "at_least", "at_most", "approx", "vague", "range")
TABLE_COLUMNS = [
    "article_id", "label", "figure", "sentence", "sentence_start", "in_quote", "speaker",
    "source", "counter", "counter_kind", "when", "in_heading", *FIGURE_COLUMNS, "claim",
]
COMPARE_COLUMNS = [
    "claim", "label", "unit", "n_articles", "articles", "reports", "verdict", "reason",
    "conservative", "conservative_text", "compare_unit", "conservative_from", "checkable", "note",
]
VERDICTS = ("consistent", "differs", "single source", "contradiction")

# Spaces the articles really contain: ordinary, no-break (U+00A0), thin (U+2009), narrow
# no-break (U+202F), figure space (U+2007), punctuation space (U+2008), hair space (U+200A).
_SP = "[ \t\u00a0\u2009\u202f\u2007\u2008\u200a]"
_GROUP_SEP = "[,\u00a0\u2009\u202f\u2007]"  # thousands separators inside one number
_APPROX_TOLERANCE = 0.10  # 'about 2,300' is read as 2,300 +/- 10 %
_SAME_VALUE_TOLERANCE = 0.02  # 180 days vs six months (182.6 days) count as the same


# =========================================================================== data files
def _folder() -> Path:
    folder = data_dir() / "figures"
    return folder if (folder / "lexicon.yml").exists() else REPO_ROOT / "data" / "figures"


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    return tables.rows(path, required)  # lessons.datafiles: one reader, errors name file, line, column


_read_yaml = _yaml.read_file  # one reader for every data file


def _alternation(phrases) -> str:
    """A regex alternation, longest phrase first, spaces matching any space character."""
    parts = []
    for p in sorted(set(phrases), key=len, reverse=True):
        parts.append(re.escape(p).replace(r"\ ", _SP + "+"))
    return "|".join(parts)


def _trie(words) -> str:
    """A regex for a set of words, factored by common prefixes so that the regex engine
    follows one branch per letter instead of trying every word in turn (much faster)."""
    tree: dict = {}
    for w in set(words):
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(tree)


def _float(value: str, path: Path, line: int, field: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise LessonsDataError(f"{path}, line {line}: field '{field}' must be a number, got {value!r}") from None


@dataclass(frozen=True)
class _Grammar:
    """Everything compiled from the data files, built once."""

    cardinals: dict
    scales: dict
    fractions: dict
    multipliers: dict
    months: frozenset
    year_cues: frozenset
    id_cues: frozenset
    function: frozenset
    aux: frozenset
    participles: frozenset
    partitive: frozenset
    hedges: dict  # (phrase, position) -> qualifier
    vague: dict  # phrase -> (scale, conservative, high)
    units: dict  # word -> (unit, unit_name, factor)
    unit_forms: dict  # written form -> key of units
    symbols: dict  # symbol -> code
    master: re.Pattern
    total_before: re.Pattern
    plural_nouns: frozenset
    month_day_before: re.Pattern
    trigger: re.Pattern
    hedge_before: re.Pattern
    hedge_after: re.Pattern
    hedge_prefix: re.Pattern
    symbol_before: re.Pattern
    unit_after: re.Pattern
    compound_after: re.Pattern
    scale_after: re.Pattern
    time_after: re.Pattern
    one_after: re.Pattern
    one_before: re.Pattern
    age_before: re.Pattern
    time_cues: re.Pattern
    reporting: str
    verb_class: dict  # verb -> kind of event ('harm', 'custody'), from lexicon 'verb_classes'
    below_hedges: frozenset  # estimates that sit just under the number ('nearly 400')


def _grammar(folder: str | None = None) -> _Grammar:
    """The compiled grammar of ``folder`` (default: the data folder), built once per folder.
    ``_grammar()`` and ``_grammar(None)`` share one cache entry (lru_cache alone would key them
    apart and build the grammar twice)."""
    return _build_grammar(str(Path(folder) if folder else _folder()))


@lru_cache(maxsize=4)
def _build_grammar(folder: str) -> _Grammar:
    root = Path(folder)
    lex_path = root / "lexicon.yml"
    lex = _read_yaml(lex_path) or {}
    for group in ("cardinals", "scales", "fractions", "multipliers", "months", "year_cues",
                  "identifier_cues", "function_words", "auxiliaries", "participles",
                  "partitive_heads", "time_words", "one_pronoun", "age_cues", "time_cues",
                  "reporting_verbs", "dozen", "total_nouns", "plural_nouns"):
        if group not in lex:
            raise LessonsDataError(f"{lex_path}: group '{group}' is missing")
        if not str(lex[group].get("rationale", "")).strip():
            raise LessonsDataError(f"{lex_path}: group '{group}' has no rationale")

    for group, entry in lex.items():
        items = entry.get("words") if isinstance(entry, dict) else None
        items = list(items) if isinstance(items, (list, dict)) else []
        for key in ("before", "after"):
            items += list(entry.get(key) or []) if isinstance(entry, dict) else []
        bad = [w for w in items if not isinstance(w, str)]
        if bad:
            raise LessonsDataError(f"{lex_path}: group '{group}' has non-text entries {bad!r} "
                                   "(YAML reads on/off/yes/no as true/false: put them in quotes)")

    def words(group):
        return [str(w).lower() for w in lex[group]["words"]]

    cardinals = {str(k).lower(): float(v) for k, v in lex["cardinals"]["words"].items()}
    scales = {str(k): float(v) for k, v in lex["scales"]["words"].items()}
    fractions = {str(k).lower(): float(v) for k, v in lex["fractions"]["words"].items()}
    multipliers = {str(k).lower(): float(v) for k, v in lex["multipliers"]["words"].items()}

    hedge_path = root / "hedges.csv"
    hedges = {}
    below: set = set()  # 'side: below': 'nearly 400' is just under 400, never above
    for line, row in enumerate(_read_csv(hedge_path, ("phrase", "position", "qualifier", "rationale")), start=2):
        if row["qualifier"] not in QUALIFIERS:
            raise LessonsDataError(f"{hedge_path}, line {line}: qualifier {row['qualifier']!r} is not one of {', '.join(QUALIFIERS)}")
        if row["position"] not in ("before", "after", "prefix"):
            raise LessonsDataError(f"{hedge_path}, line {line}: position must be before, after or prefix")
        hedges[(row["phrase"].lower(), row["position"])] = row["qualifier"]
        if (row.get("side") or "").strip() == "below":
            below.add(row["phrase"].lower().strip("-"))

    vague_path = root / "vague.csv"
    vague = {}
    for line, row in enumerate(_read_csv(vague_path, ("phrase", "scale", "conservative", "high", "rationale")), start=2):
        vague[row["phrase"].lower()] = (
            _float(row["scale"], vague_path, line, "scale"),
            _float(row["conservative"], vague_path, line, "conservative"),
            _float(row["high"], vague_path, line, "high"),
        )

    unit_path = root / "units.csv"
    units = {}
    for line, row in enumerate(_read_csv(unit_path, ("word", "unit", "unit_name", "factor", "rationale")), start=2):
        units[row["word"].lower()] = (row["unit"], row["unit_name"], _float(row["factor"], unit_path, line, "factor"))
    symbols = {row["symbol"]: row["code"] for row in _read_csv(root / "currency_symbols.csv", ("symbol", "code", "rationale"))}

    card = _alternation(cardinals)
    small = rf"(?:(?:{card})(?:[-\u2010\u2011]|{_SP}+)(?:{card})|{card})"  # twenty-six, twenty six
    hundred = rf"(?:(?:a|an|{small}){_SP}+hundred(?:{_SP}+(?:and{_SP}+)?{small})?|{small})"
    big_scale = "thousand|million|billion|trillion"
    wordnum = (rf"(?:(?:a|an)(?={_SP}+(?:{big_scale}|hundred|dozen)\b)|{hundred})"
               rf"(?:{_SP}+(?:{big_scale})(?:,?{_SP}+(?:and{_SP}+)?{hundred}(?!{_SP}+(?:{big_scale}|hundred)\b))?)*"
               rf"(?:{_SP}+and{_SP}+a{_SP}+half)?")
    dozen = rf"(?:half{_SP}+a|a|an|{small}|\d+){_SP}+dozen"
    frac_words = _alternation(fractions)
    fraction = (rf"(?:a|an|one|{small}|\d+)(?:[-\u2010\u2011]|{_SP}+)(?:{frac_words})"
                rf"|half\b")
    digits = (rf"\d{{1,3}}(?:{_GROUP_SEP}\d{{3}})+(?!\d)(?:\.\d+)?"
              rf"|\d{{1,3}}(?: \d{{3}})+(?![\d,.\u2009\u00a0]\d)"  # 3 700 (plain spaces, European style)
              rf"|\d+(?:\.\d+)?")
    ratio = rf"(?:{small}|\d+){_SP}+(?:in|out{_SP}+of){_SP}+(?:{small}|\d+)\b"
    vague_alt = _alternation(vague)
    mult = (rf"(?:{small}|\d+(?:\.\d+)?)[-\u2010\u2011]?fold\b"
            rf"|(?:doubl|tripl|quadrupl|quintupl|halv)(?:ed|ing|es)\b|twice\b|thrice\b")
    rng = rf"between{_SP}+(?P<r1>{digits}|{small}){_SP}+and{_SP}+(?P<r2>{digits}|{small})\b"
    skip = "|".join([
        r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?",  # ISO dates
        r"\d{1,2}/\d{1,2}/\d{2,4}",  # 07/01/2022
        r"\d{1,2}:\d{2}(?::\d{2})?(?:" + _SP + r"*(?:[ap]\.?m\.?|GMT|UTC)\b)?",  # 18:30
        r"\d{1,2}\.\d{2}" + _SP + r"*[ap]\.?m\.?",  # 10.30pm
        r"\d{1,2}" + _SP + r"*(?:a\.m\.|p\.m\.|[ap]m\b)",  # 3pm, 9 a.m.
        r"\d+(?:st|nd|rd|th)\b",  # ordinals 10th, 21st
        r"['\u2019]?\d{2}s\b|\d{4}s\b",  # the 1990s, the '90s
        r"\+\d{1,3}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,}",  # +7 727 258 3434
        r"\(\d{2,5}\)" + _SP + r"?\d{3,4}[ \-]?\d{3,4}",  # (01) 234 5678
        r"\d{3}[\-.]\d{3}[\-.]\d{4}",  # 555-123-4567
        r"\d{2,5}[ \-]\d{3,4}[ \-]\d{4}\b",  # 020 7946 0958
        r"[A-Za-z]+[\-\u2010\u2011]?\d+(?:[A-Za-z\d\-]*)",  # MH17, COVID-19, F-16, G20
        r"\d+[A-Za-z]+\d[A-Za-z\d]*",  # 4G5, 3D2 (digits and letters mixed)
    ])
    master = re.compile(
        rf"(?P<skip>(?<![\w.,]){'(?:' + skip + ')'})"
        r"|(?P<slash>(?<![\w/.])\d{1,3}/\d{1,3}(?![\w/]))"
        rf"|(?P<range>\b{rng})"
        rf"|(?P<vague>\b(?:{vague_alt})\b)"
        rf"|(?P<ratio>\b{ratio})"
        rf"|(?P<dozen>\b{dozen}\b)"
        rf"|(?P<fraction>\b(?:{fraction})\b)"
        rf"|(?P<mult>\b(?:{mult}))"
        rf"|(?P<word>\b{wordnum}\b)"
        rf"|(?P<digits>(?<![\w.])(?:{digits}))",
        re.IGNORECASE,
    )

    # Where a figure can start: a digit, a currency sign or '+' before a digit, or one of a few
    # words. Only there is the full pattern tried, so long texts are scanned quickly.
    firsts = set(cardinals) | set(multipliers) | {"half", "between", "twice", "thrice"}
    firsts |= {p.split()[0] for p in vague if not p.startswith(("a ", "an "))}
    a_next = set(fractions) | {"few", "couple", "handful", "dozen", "hundred", "thousand", "million", "billion", "trillion"}
    initials = "".join(sorted({w[0] for w in firsts} | {"a"}))
    trigger = re.compile(
        r"(?=[\d+(" + initials + initials.upper() + r"])"
        r"(?:(?<![\w.,])\d|[+(]\d|\b(?:" + _trie(firsts) + r")\b"
        r"|\ban?(?=" + _SP + r"+(?:" + _trie(a_next) + r")\b))",
        re.IGNORECASE,
    )

    hedge_before = re.compile(
        r"(?:^|(?<=\W))(?P<h>" + _alternation([p for (p, pos) in hedges if pos == "before"]) + r")"
        + _SP + r"+(?:a" + _SP + r"+total" + _SP + r"+of" + _SP + r"+)?[$£€¥₸₽₹]?$",
        re.IGNORECASE,
    )
    hedge_after = re.compile(
        r"(?:[-\u2010\u2011]|" + _SP + r"*)(?P<h>" + _alternation([p.lstrip("-") for (p, pos) in hedges if pos == "after" and p != "plus"])
        + r"|plus)\b|(?P<plus>\+)",
        re.IGNORECASE,
    )
    hedge_prefix = re.compile(r"(?:^|(?<=\W))(?P<h>" + _alternation([p.rstrip("-") for (p, pos) in hedges if pos == "prefix"]) + r")[-\u2010\u2011]$", re.IGNORECASE)
    symbol_before = re.compile(r"(?:^|(?<=[^\w$]))(?P<sym>" + _alternation(symbols) + r")" + _SP + r"?$")
    unit_forms = {}  # every written form -> its entry in units.csv ('pounds sterling' -> 'pound sterling')
    for w, (unit, _, _) in units.items():
        unit_forms[w] = w
        if unit != "percent" and w[-1:] not in ("%", "s"):
            first, _, rest = w.partition(" ")
            unit_forms[w + "s"] = w
            unit_forms[w[:-1] + "ies" if w.endswith("y") and not w.endswith("ey") else w + "s"] = w
            if rest:
                unit_forms[f"{first}s {rest}"] = w
    unit_words = _alternation([f for f in unit_forms if f != "%"])
    unit_after = re.compile(rf"(?:{_SP}*(?P<pct>%)|{_SP}+(?P<unit>{unit_words})\b)", re.IGNORECASE)
    compound_after = re.compile(r"[-\u2010\u2011](?P<word>[a-z]+(?:[-\u2010\u2011][a-z]+)*)", re.IGNORECASE)
    scale_after = re.compile(
        r"(?:(?P<glued>bn|mn|mln|tn|trn|m|k|b)\b|" + _SP + r"+(?P<word>thousand|million|billion|trillion|bn|mn|tn|m)\b)",
        re.IGNORECASE,
    )
    time_after = re.compile(_SP + r"*(?:" + _alternation(words("time_words")) + r")(?![\w])", re.IGNORECASE)
    one = lex["one_pronoun"]
    one_after = re.compile(_SP + r"*(?:" + _alternation([str(w) for w in one["after"]]) + r")\b", re.IGNORECASE)
    one_before = re.compile(r"(?:^|(?<=\W))(?:" + _alternation([str(w) for w in one["before"]]) + r")" + _SP + r"+$", re.IGNORECASE)
    age_before = re.compile(r"(?:^|(?<=\W))(?:" + _alternation([str(w) for w in lex["age_cues"]["before"]]) + r")" + _SP + r"+$", re.IGNORECASE)
    time_cues = re.compile(r"\b(?:" + _alternation(words("time_cues")) + r")\b", re.IGNORECASE)
    return _Grammar(
        cardinals=cardinals, scales=scales, fractions=fractions, multipliers=multipliers,
        months=frozenset(words("months")), year_cues=frozenset(words("year_cues")),
        id_cues=frozenset(words("identifier_cues")), function=frozenset(words("function_words")),
        aux=frozenset(words("auxiliaries")), participles=frozenset(words("participles")),
        partitive=frozenset(words("partitive_heads")), hedges=hedges, vague=vague, units=units, unit_forms=unit_forms,
        symbols=symbols, master=master, trigger=trigger,
        total_before=re.compile(r"\b(?P<noun>" + _alternation(words("total_nouns")) + r")\b[^.;:!?\n]{0,40}?\b(?:at|to|of|was|is|were|are|reached|hit|topped|passed|stood" + _SP + r"+at|rose" + _SP + r"+to|climbed" + _SP + r"+to)" + _SP + r"+$", re.IGNORECASE),
        plural_nouns=frozenset(words("plural_nouns")),
        month_day_before=re.compile(r"\b(?:" + _alternation(words("months")) + r")\.?" + _SP + r"+\d{1,2}," + _SP + r"*$", re.IGNORECASE), hedge_before=hedge_before, hedge_after=hedge_after,
        hedge_prefix=hedge_prefix, symbol_before=symbol_before, unit_after=unit_after,
        compound_after=compound_after, scale_after=scale_after, time_after=time_after,
        one_after=one_after, one_before=one_before, age_before=age_before, time_cues=time_cues,
        reporting=_alternation(words("reporting_verbs")),
        verb_class={str(w).lower(): str(kind) for kind, ws in ((lex.get("verb_classes") or {}).get("words") or {}).items()
                    for w in ws},
        below_hedges=frozenset(below),
    )


# =========================================================================== tokens
_TOKEN = re.compile(
    r"(?P<num>\d[\d,.\u00a0\u2009\u202f]*\d|\d)(?P<numsuffix>[-\u2010\u2011][A-Za-z]+(?:[-\u2010\u2011][A-Za-z]+)*)?"
    r"|(?P<word>[^\W\d_]+(?:['\u2019\-\u2010\u2011][^\W\d_]+)*)"
    r"|(?P<quote>[\u201c\u201d\"\u2018\u2019'\u00ab\u00bb])"
    r"|(?P<punct>[^\s\w])"
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*(?=\s+[A-Z\"'\u201c\u2018(]|\s*$)|\n")


@lru_cache(maxsize=8)
def _sentence_stops(text: str) -> tuple[int, ...]:
    """Where every ``_SENTENCE_END`` match in ``text`` starts (each match is independent of
    where a search begins, so this list answers every search at once)."""
    return tuple(m.start() for m in _SENTENCE_END.finditer(text))


def _next_stop(text: str, pos: int) -> int | None:
    """``_SENTENCE_END.search(text, pos).start()`` in O(log n), or None: many figures in one
    long sentence would otherwise each scan to its end (quadratic)."""
    stops = _sentence_stops(text)
    i = bisect.bisect_left(stops, pos)
    return stops[i] if i < len(stops) else None


def _tokens(text: str, start: int, limit: int = 110):
    """Tokens of text[start:start+limit], within one line, as (kind, text, abs_start, abs_end)."""
    out = []
    stop = min(len(text), start + limit)
    newline = text.find("\n", start, stop)
    if newline >= 0:
        stop = newline
    for m in _TOKEN.finditer(text, start, stop):
        kind = m.lastgroup if m.lastgroup != "numsuffix" else "num"
        if m.group("num") is not None:
            kind = "num"
        out.append((kind, m.group(), m.start(), m.end()))
    return out


def _parse_digits(s: str) -> float:
    return float(re.sub(r"[,\u00a0\u2009\u202f\u2007 ]", "", s))


def _parse_words(s: str, g: _Grammar) -> float | None:
    """'two hundred and fifty thousand' -> 250000; 'twenty-six' -> 26; 'a million' -> 1e6."""
    tokens = re.split(r"[\s\u00a0\u2009\u202f\-\u2010\u2011,]+", s.lower().strip())
    total, current, seen = 0.0, 0.0, False
    half = False
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t in ("a", "an"):
            current = current or 1.0
            if i + 2 < len(tokens) + 1 and i >= 1 and tokens[i - 1] == "and" and i + 1 < len(tokens) and tokens[i + 1] == "half":
                half = True
                i += 2
                continue
        elif t == "and":
            pass
        elif t in g.cardinals:
            current += g.cardinals[t]
            seen = True
        elif t == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif t in ("thousand", "million", "billion", "trillion"):
            total += (current or 1.0) * g.scales[t]
            current = 0.0
            seen = True
        elif t == "half":
            half = True
        elif t:
            return None
        i += 1
    if not seen:
        return None
    if half:
        # 'two and a half million': the half belongs to the last unit before the scale.
        if current:
            current += 0.5
        else:
            # 'two million and a half' is rare; 'two and a half' -> 2.5 handled above
            total += 0.5
    return total + current


# =========================================================================== extraction
@dataclass
class _Fig:
    start: int
    end: int
    value: float
    qualifier: str = "exact"
    hedge: str = ""
    unit: str = "count"
    unit_name: str = ""
    currency: str = ""
    scale: float = 1.0
    low: float = math.nan
    high: float = math.nan
    conservative: float = math.nan
    factor: float = 1.0
    counted: str = ""
    counted_implied: bool = False
    verb: str = ""
    kind: str = "digits"
    np_end: int = -1  # where the counted phrase ends (for coordination)
    compound: str = ""  # '30-member council': 'member'
    tail: str = ""


_YEAR_BEFORE = re.compile(r"\b(?:1[89]|20)\d\d(?:" + _SP + r"+(?:and|or|to)" + _SP + r"+|[\-\u2013/])$")
_PREV_WORD = re.compile(r"([A-Za-z][A-Za-z.'\u2019#]*)" + _SP + r"*$")


def _prev_word(text: str, pos: int) -> str:
    m = _PREV_WORD.search(text, max(0, pos - 24), pos)
    return m.group(1).lower() if m else ""


def _is_year(text: str, s: int, e: int, value: float, g: _Grammar) -> bool:
    raw = text[s:e]
    if not re.fullmatch(r"\d{4}", raw) or not (1000 <= value <= 2199):
        return False
    prev = _prev_word(text, s).rstrip(".,")
    before = text[max(0, s - 3):s]
    if prev in g.year_cues or before.endswith(("mid-", "mid\u2011")) or before.rstrip().endswith(","):
        return True
    # 'the 2019 election', '2019 and 2020', '2019-2020'
    if (prev == "the" and 1900 <= value <= 2100) or _YEAR_BEFORE.search(text, max(0, s - 12), s):
        return True
    nxt = re.match(_SP + r"*([A-Za-z]+)", text[e:e + 30])
    if nxt is None:
        return True
    word = nxt.group(1)
    # '1500 people' counts; '1999 Kazakhstan', '2019 and', '2022 when' are years.
    return word[0].isupper() or word.lower() in g.function


def _is_date_part(text: str, s: int, e: int, value: float, g: _Grammar) -> bool:
    if not math.isfinite(value) or value > 9999 or value != int(value):
        return False
    prev = _prev_word(text, s).rstrip(".")
    if prev in g.months and value <= 31 or prev in g.months and 1000 <= value <= 2199:
        return True
    nxt = re.match(_SP + r"*([A-Za-z]+)", text[e:e + 20])
    if nxt and nxt.group(1).lower().rstrip(".") in g.months and value <= 31 and not re.match(r"(?i)may\b", nxt.group(1)):
        return True
    if nxt and nxt.group(1).lower() == "may" and value <= 31 and re.match(_SP + r"*May\b", text[e:e + 10]):
        return True
    # 'January 5, 2022': the year after 'month day,'
    if 1000 <= value <= 2199 and g.month_day_before.search(text, max(0, s - 20), s):
        return True
    return False


def _is_identifier(text: str, s: int, e: int, g: _Grammar) -> bool:
    before = text[max(0, s - 2):s]
    if before[-1:].isalpha() or re.search(r"[A-Za-z][\-\u2010\u2011]$", before):
        return True
    after = text[e:e + 1]
    prev = _prev_word(text, s)
    if prev in g.id_cues and (prev.endswith(".") or prev in {"#"} or prev not in g.function):
        # 'no. 5', 'flight 17', 'page 4' -- but 'number of' is not a cue without a following digit
        return prev != "number" or bool(re.match(_SP + r"*$", text[s - 1:s]))
    if before.endswith("#") or after == "#":
        return True
    return False


def _scan_right(text: str, fig: _Fig, g: _Grammar) -> int:
    """Scale, units, hyphenated compounds and trailing hedges after the number; new end."""
    e = fig.end
    if fig.kind in ("digits", "word"):
        m = g.scale_after.match(text, e)
        if m:
            word = (m.group("glued") or m.group("word")).lower()
            glued = m.group("glued") is not None
            # '5 m' with a space is metres; '2.3m' glued is million (news style).
            if not (word == "m" and not glued):
                fig.scale = g.scales[word]
                fig.value *= fig.scale
                e = m.end()
                if word in ("thousand", "million", "billion", "trillion"):
                    m2 = re.match(_SP + r"+(thousand|million|billion)\b", text[e:], re.IGNORECASE)
                    if m2:  # 'one hundred thousand million' is rare; 'a thousand million' = 1e9
                        fig.scale *= g.scales[m2.group(1).lower()]
                        fig.value *= g.scales[m2.group(1).lower()]
                        e += m2.end()
    m = g.unit_after.match(text, e)
    if m:
        if m.group("pct"):
            fig.unit, fig.unit_name, fig.factor = "percent", "percent", 1.0
        else:
            word = re.sub(_SP + "+", " ", m.group("unit").lower())
            key = g.unit_forms.get(word, word)
            if key in g.units:
                unit, name, factor = g.units[key]
                fig.unit, fig.unit_name, fig.factor = unit, name, factor
                if unit == "money":
                    fig.currency = name
        e = m.end()
    else:
        m = g.compound_after.match(text, e)
        if m:
            parts = re.split(r"[-\u2010\u2011]", m.group("word").lower())
            head = parts[0]
            if head in g.units or head.rstrip("s") in g.units:
                unit, name, factor = g.units.get(head) or g.units[head.rstrip("s")]
                if parts[1:2] == ["old"]:
                    fig.unit, fig.unit_name, fig.factor = "age", name, 1.0  # 81-year-old
                else:
                    fig.unit, fig.unit_name, fig.factor = unit, name, factor
                    if unit == "money":
                        fig.currency = name
                e = m.end() if parts[1:2] in (["old"], ["long"], []) or len(parts) == 1 else m.start() + 1 + len(head)
            elif head == "fold":
                fig.unit, fig.unit_name = "multiplier", "times"
                e = m.end()
            elif head == "strong":
                e = m.end()  # '20,000-strong army': a count of what follows
            elif head in ("odd", "plus", "ish"):
                pass  # a trailing hedge, read below
            elif head not in g.function and len(parts) == 1 and fig.unit == "count":
                fig.compound = head  # '30-member council', 'a 12-storey block'
                e = m.end()
    # percent written out before the noun: '5 per cent'
    m = g.hedge_after.match(text, e)
    if m:
        if m.group("plus"):
            fig.hedge, fig.qualifier = (fig.hedge + " +").strip(), "at_least"
        else:
            word = m.group("h").lower()
            word_key = re.sub(_SP + "+", " ", word)
            q = g.hedges.get((word_key, "after")) or g.hedges.get(("-" + word_key, "after"))
            if q and not (word_key == "plus" and not re.match(r"[-\u2010\u2011]", text[e:e + 1])):
                fig.hedge = (fig.hedge + " " + word_key).strip()
                fig.qualifier = q
                e = m.end()
    # 'N times as many / more': a multiplier
    m = re.match(_SP + r"+times" + _SP + r"+(?:as|more|higher|larger|bigger|greater|less|smaller|the|over)\b", text[e:e + 30], re.IGNORECASE)
    if m and fig.unit == "count":
        fig.unit, fig.unit_name = "multiplier", "times"
        e += len(re.match(_SP + r"+times", text[e:]).group())
    return e


def _scan_left(text: str, fig: _Fig, g: _Grammar) -> int:
    """Currency symbols and hedges before the number; new start."""
    s = fig.start
    window_start = max(0, s - 36)
    left = text[window_start:s]
    m = g.symbol_before.search(left)
    if m:
        fig.unit, fig.unit_name, fig.currency, fig.factor = "money", g.symbols[m.group("sym")], g.symbols[m.group("sym")], 1.0
        s = window_start + m.start("sym")
        left = text[window_start:s]
    m = g.hedge_prefix.search(left)
    if m:
        fig.hedge = m.group("h").lower()
        fig.qualifier = g.hedges[(fig.hedge + "-", "prefix")]
        return window_start + m.start("h")
    m = g.hedge_before.search(left)
    if m:
        phrase = re.sub(_SP + "+", " ", m.group("h").lower())
        if fig.qualifier == "range":  # 'some 30-45': the range already gives the bounds
            fig.hedge = phrase
        else:
            fig.hedge = (phrase + (" " + fig.hedge if fig.hedge else "")).strip()
            fig.qualifier = g.hedges[(phrase, "before")]
        s = window_start + m.start("h")
    return s


def _counted_phrase(text: str, fig: _Fig, g: _Grammar) -> None:
    """What the figure counts (the noun phrase after it) and what happened (the verb)."""
    toks = _tokens(text, fig.end)
    words: list[str] = []
    i = 0
    end_pos = fig.end
    needs_of = fig.kind in ("vague", "fraction", "mult") or fig.unit in ("percent", "fraction", "multiplier")
    if len(toks) >= 2 and toks[0][0] == "quote" and toks[0][1] in "\u2019'" and toks[1][1].lower() == "s":
        toks = toks[2:]  # "the 16-year-old's mother"

    def is_content(tok) -> bool:
        kind, t = tok[0], tok[1]
        return kind == "word" and t.lower() not in g.function

    def participle(t: str) -> bool:
        low = t.lower()
        return low in g.participles or (low.endswith("ed") and len(low) > 4)

    # 'dozens of people', 'a fifth of global bitcoin mining', '5% of normal', 'two of the ...'
    if toks and toks[0][0] == "word" and toks[0][1].lower() == "of":
        i = 1
        while i < len(toks) and toks[i][0] == "word" and toks[i][1].lower() in {"the", "its", "their", "his", "her", "our", "these", "those", "all", "whom", "them", "which", "it", "us"}:
            if toks[i][1].lower() in {"whom", "them", "which", "it", "us"}:
                i = len(toks)
                break
            i += 1
    skip_phrase = needs_of and fig.unit not in ("duration",) and i == 0
    n_words = 0
    # a vague word takes its noun through 'of' only ('Thousands took to the streets')
    while not skip_phrase and i < len(toks) and n_words < 7:
        kind, t, a, b = toks[i]
        low = t.lower()
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if kind == "quote":
            # possessive after a plural: protesters' demands
            if t in "\u2019'" and words and words[-1].lower().endswith("s") and nxt and is_content(nxt) and text[a - 1:a].isalpha():
                words[-1] += t
            i += 1
            continue
        if kind == "num":
            if re.search(r"[-\u2010\u2011][A-Za-z]", t) and not words:
                i += 1  # '70 24-hour checkpoints': skip the compound modifier
                continue
            break
        if kind == "punct":
            if t in "-\u2010\u2011" and words:
                i += 1
                continue
            break
        if low in g.function:
            if low in ("more", "fewer", "additional", "further") and not words and nxt and is_content(nxt):
                i += 1
                continue
            if low == "of" and words and words[-1].lower() in g.partitive and nxt and (is_content(nxt) or nxt[0] == "quote"):
                words.append(t)
                i += 1
                continue
            if low in ("and", "or", "&") and words and nxt and is_content(nxt) and not participle(nxt[1]):
                nn = toks[i + 2] if i + 2 < len(toks) else None
                if not (nn and nn[0] == "num"):
                    words.append(t)
                    i += 1
                    continue
            break
        if participle(t) and not (nxt and (is_content(nxt) or (nxt[0] == "quote" and i + 2 < len(toks) and is_content(toks[i + 2])))):
            break  # '18 killed in', '3,700 people arrested,'
        if participle(t) and words and not low.endswith("ed"):
            break
        if participle(t) and words and (words[-1].lower().endswith("s") or words[-1].lower() in g.plural_nouns):
            break  # after a plural head a participle is the verb: '1.2 million people needed aid'
        if low.endswith("ing") and words and (nxt is None or (nxt[0] == "word" and nxt[1].lower() in g.function) or nxt[0] == "num"):
            break  # 'people protesting against' (but 'bitcoin mining')
        if g.time_cues.fullmatch(low) or low in g.months:
            break
        words.append(t)
        end_pos = b
        n_words += 1
        i += 1
    # trailing 'and'/'of' cannot end a phrase
    while words and words[-1].lower() in ("and", "or", "of", "&"):
        words.pop()
    if words and fig.unit == "count" and words[0].lower() in {"times"}:
        words = []
    fig.counted = " ".join(w for w in words).strip(" -")
    if fig.compound:
        fig.counted = (fig.compound + " " + fig.counted).strip()
    if not fig.counted and fig.unit == "count":
        # 'the death toll rose to 42', 'put the number of dead at 230'
        m = g.total_before.search(text, max(0, fig.start - 70), fig.start)
        if m:
            fig.counted = re.sub(_SP + "+", " ", m.group("noun").lower())
    fig.np_end = end_pos if words else fig.end
    # the verb: first word after the phrase, skipping auxiliaries and quote marks
    j = i
    while j < len(toks) and (toks[j][0] == "quote" or (toks[j][0] == "word" and toks[j][1].lower() in g.aux)):
        j += 1
    if j < len(toks) and toks[j][0] == "word":
        w = toks[j][1].lower()
        if participle(w) or (not words and w not in g.function and not g.time_cues.fullmatch(w)):
            fig.verb = w
    if not fig.verb:
        # passive or object: 'attacked by 20,000', 'detained about 2,300 people'
        left = text[max(0, fig.start - 40):fig.start]
        m = re.search(r"([A-Za-z]+)" + _SP + r"+(?:by" + _SP + r"+)?[\u201c\"\u2018']?$", left)
        if m and participle(m.group(1)) and not re.fullmatch(g.reporting, m.group(1).lower()):
            fig.verb = m.group(1).lower()
    stop = _next_stop(text, fig.np_end)
    tail_end = len(text) if stop is None else stop
    fig.tail = text[fig.np_end:min(tail_end, fig.np_end + 80)]


def _bounds(fig: _Fig, g: _Grammar) -> None:
    v = fig.value
    q = fig.qualifier
    if q == "vague":
        return
    if q == "exact":
        fig.low = fig.high = v
    elif q == "at_least":
        fig.low, fig.high = v, math.inf
    elif q == "at_most":
        fig.low, fig.high = 0.0, v
    elif q == "approx":
        fig.low, fig.high = v * (1 - _APPROX_TOLERANCE), v * (1 + _APPROX_TOLERANCE)
        if fig.hedge.lower() in g.below_hedges:
            fig.high = v  # 'nearly 400': just under 400, never above
    if q in ("exact", "at_least", "approx"):
        fig.conservative = v
    elif q == "range":
        fig.conservative = fig.low


def _make(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    kind = m.lastgroup
    s, e = m.start(), m.end()
    raw = m.group()
    low = raw.lower()
    if kind == "digits":
        value = _parse_digits(raw)
        fig = _Fig(s, e, value, kind="digits")
        # glued letters that are not a known suffix: an identifier (17A, 3G)
        nxt = text[e:e + 4]
        if re.match(r"[A-Za-z]", nxt) and not g.scale_after.match(text, e) and not re.match(r"(?i)(km|kg|m|mm|cm|ft|mi|h|hrs|s)\b", nxt):
            return None
        if _is_identifier(text, s, e, g):
            return None
        if _is_date_part(text, s, e, value, g) or _is_year(text, s, e, value, g):
            return None
        if g.time_after.match(text, e) and value <= 24:
            return None
        return fig
    if kind == "word":
        value = _parse_words(raw, g)
        if value is None:
            return None
        fig = _Fig(s, e, value, kind="word")
        if low.strip() == "one":
            if g.one_after.match(text, e) or g.one_before.search(text[max(0, s - 20):s]):
                return None
            nxt = _tokens(text, e, 40)
            first = nxt[0] if nxt else None
            hyphen_unit = re.match(r"[-\u2010\u2011]([A-Za-z]+)", text[e:e + 20])
            if hyphen_unit:
                if hyphen_unit.group(1).lower() not in g.unit_forms:
                    return None  # 'one-off', 'one-sided'; but 'one-day', 'one-year-old'
            elif first is None or first[0] != "word" or first[1].lower() in g.function:
                # 'the one that', 'one, two': only a figure before a noun or unit
                return None
        if _is_date_part(text, s, e, value, g):
            return None
        return fig
    if kind == "dozen":
        parts = re.split(_SP + "+", low)
        head = " ".join(parts[:-1])
        if head in ("a", "an"):
            mult = 1.0
        elif head.startswith("half"):
            mult = 0.5
        elif re.fullmatch(r"\d+", head):
            mult = float(head)
        else:
            mult = _parse_words(head, g) or 1.0
        return _Fig(s, e, mult * 12, kind="word")
    if kind == "fraction":
        parts = re.split(r"[-\u2010\u2011]|" + _SP + "+", low)
        if parts == ["half"]:
            # 'half of', 'half the', 'by half', 'nearly half': a fraction; 'the second half' is not
            after_ok = re.match(_SP + r"+(?:of|the|a|an|its|their|his|her|our|all|that|those|these)\b", text[e:e + 8], re.IGNORECASE)
            before_ok = re.search(r"\b(?:by|in|than|nearly|almost|about|around|over|roughly|just|some|only)" + _SP + "+$", text[max(0, s - 12):s], re.IGNORECASE)
            if not (after_ok or before_ok) or re.match(_SP + r"+a" + _SP + r"+dozen", text[e:e + 10], re.IGNORECASE):
                return None
            return _Fig(s, e, 0.5, unit="fraction", unit_name="fraction", kind="fraction")
        num_word, den_word = " ".join(parts[:-1]), parts[-1]
        den = g.fractions[den_word]
        if num_word in ("a", "an", "one"):
            num = 1.0
            # 'a third of' / 'a fifth' is a fraction; 'a third term' is an ordinal
            rest = re.match(_SP + r"*([A-Za-z]+)?", text[e:e + 20])
            nxt_word = (rest.group(1) or "").lower() if rest else ""
            if nxt_word and nxt_word not in g.function and den_word not in ("half", "halves"):
                return None
        elif re.fullmatch(r"\d+", num_word):
            num = float(num_word)
        else:
            num = _parse_words(num_word, g)
            if num is None:
                return None
            if not den_word.endswith("s") and num > 1 and den_word not in ("half",):
                return None  # 'twenty-third', 'the twenty first' are ordinals
        if num_word not in ("a", "an", "one") and not den_word.endswith(("s", "half")) and den_word != "half":
            return None
        return _Fig(s, e, num / den, unit="fraction", unit_name="fraction", kind="fraction")
    if kind == "ratio":
        a, b = re.split(_SP + r"+(?:in|out" + _SP + r"+of)" + _SP + "+", low)
        va = _parse_digits(a) if a[0].isdigit() else _parse_words(a, g)
        vb = _parse_digits(b) if b[0].isdigit() else _parse_words(b, g)
        if not va or not vb or vb >= 1000 or va > vb:
            return None  # '26 in 2019' is not a ratio
        return _Fig(s, e, va / vb, unit="ratio", unit_name="ratio", kind="ratio")
    if kind == "vague":
        key = re.sub(_SP + "+", " ", low)
        scale, conservative, high = g.vague[key]
        fig = _Fig(s, e, math.nan, qualifier="vague", hedge=key, kind="vague")
        fig.low, fig.high, fig.conservative = conservative, high, conservative
        return fig
    if kind == "mult":
        prefix_word = re.split(r"[-\u2010\u2011]?fold", low)[0].strip("-\u2010\u2011 ") if "fold" in low else ""
        if "fold" in low:
            value = _parse_digits(prefix_word) if prefix_word[:1].isdigit() else _parse_words(prefix_word, g)
            if value is None:
                return None
        else:
            value = g.multipliers.get(low)
            if value is None:
                return None
            if low == "twice" and not re.match(_SP + r"+(?:as|the|that|what|more|over|its|their|his|her)\b", text[e:e + 12], re.IGNORECASE):
                fig = _Fig(s, e, 2.0, kind="word")  # 'hit twice': a count of times
                fig.counted = "times"
                return fig
        return _Fig(s, e, float(value), unit="multiplier", unit_name="times", kind="mult")
    if kind == "slash":
        a, b = (float(x) for x in raw.split("/"))
        if not 0 < a < b or not re.match(_SP + r"+of\b", text[e:e + 5]):
            return None  # '24/7', '9/11 attacks', '7/1': not a fraction ('3/4 of' is)
        return _Fig(s, e, a / b, unit="fraction", unit_name="fraction", kind="fraction")
    if kind == "range":
        r1, r2 = m.group("r1"), m.group("r2")
        v1 = _parse_digits(r1) if r1[0].isdigit() else _parse_words(r1, g)
        v2 = _parse_digits(r2) if r2[0].isdigit() else _parse_words(r2, g)
        if v1 is None or v2 is None or v1 >= v2 or (re.fullmatch(r"\d{4}", r1) and re.fullmatch(r"\d{4}", r2)):
            return None  # 'between 2019 and 2022' is a span of years
        fig = _Fig(s, e, v1, qualifier="range", hedge="between", kind="range")
        fig.low, fig.high = v1, v2
        return fig
    return None


def _dash_range(text: str, fig: _Fig, g: _Grammar) -> None:
    """'10-20 people', '10–20': a range with the second number as the top."""
    m = re.match(r"[\u2013\-](\d{1,3}(?:,\d{3})*|\d+)\b(?![\-\u2010\u2011]?[A-Za-z])", text[fig.end:fig.end + 12])
    if m and fig.kind == "digits" and fig.qualifier == "exact" and not re.match(r"\d{4}$", text[fig.start:fig.end]):
        top = _parse_digits(m.group(1)) * fig.scale
        if top > fig.value:
            fig.qualifier, fig.hedge = "range", "-"
            fig.low, fig.high = fig.value, top
            fig.end += m.end()


def _matches(text: str, g: _Grammar):
    """Like ``g.master.finditer(text)``, but the full pattern is tried only where a figure
    can start (``g.trigger``)."""
    pos, n = 0, len(text)
    while pos < n:
        t = g.trigger.search(text, pos)
        if t is None:
            return
        m = g.master.match(text, t.start())
        if m is None or m.end() == m.start():
            pos = t.end()
            continue
        yield m
        pos = m.end()


def _extract(text: str, g: _Grammar) -> list[_Fig]:
    figs: list[_Fig] = []
    last_end = 0
    for m in _matches(text, g):
        if m.lastgroup == "skip" or m.start() < last_end:
            continue
        fig = _make(m, text, g)
        if fig is None:
            continue
        if fig.kind == "vague":
            # 'a few hundred meters': a unit can follow a vague quantity too
            um = g.unit_after.match(text, fig.end)
            if um and um.group("unit"):
                word = re.sub(_SP + "+", " ", um.group("unit").lower())
                key = g.unit_forms.get(word, word)
                if key in g.units:
                    fig.unit, fig.unit_name, fig.factor = g.units[key]
                    fig.end = um.end()
        else:
            fig.end = _scan_right(text, fig, g)
            if fig.kind == "digits":
                _dash_range(text, fig, g)
        fig.start = _scan_left(text, fig, g)
        # ages: 'aged 81', 'who is 81', 'Nazarbayev, 81,'
        if fig.unit == "count" and fig.kind in ("digits", "word") and 1 <= fig.value <= 130:
            left = text[max(0, fig.start - 30):fig.start]
            nxt = re.match(_SP + r"*([A-Za-z]+)", text[fig.end:fig.end + 20])
            no_noun = nxt is None or nxt.group(1).lower() in g.function
            if g.age_before.search(left) and no_noun \
                    or (re.search(r"[A-Za-z]{2,}," + _SP + "*$", left) and re.match(r",", text[fig.end:fig.end + 1])):
                fig.unit, fig.unit_name = "age", "year"
        if fig.unit == "money" and fig.scale == 1.0 and fig.kind == "digits":
            pass
        _bounds(fig, g)
        if fig.qualifier == "vague" and fig.unit == "count":
            pass
        if fig.unit == "count" or fig.kind in ("vague",) or fig.unit in ("percent", "fraction", "multiplier", "ratio"):
            if not fig.counted:
                _counted_phrase(text, fig, g)
        else:
            _counted_phrase(text, fig, g)
        figs.append(fig)
        last_end = fig.end
    _resolve_coordination(text, figs, g)
    return figs


def _resolve_coordination(text: str, figs: list[_Fig], g: _Grammar) -> None:
    """Ellipsis and coordination inside one sentence.

    '26 armed criminals had been killed and 18 wounded': the 18 counts armed criminals too.
    'At least 26 protesters and 18 police officers have been killed': 'at least' and 'killed'
    apply to both. 'dozens of protesters were killed, as well as 18 police': the 18 were killed.
    """
    for k in range(1, len(figs)):
        prev, cur = figs[k - 1], figs[k]
        between = text[prev.end:cur.start]
        if _SENTENCE_END.search(between) or re.search(r"[;:()\u2013\u2014]", between):
            continue
        if prev.unit != cur.unit:
            continue
        if not cur.counted and prev.counted and cur.kind not in ("vague",) and cur.unit == "count" \
                and _same_kind_of_event(prev.verb, cur.verb, g):
            cur.counted = prev.counted
            cur.counted_implied = True
        joined = text[prev.np_end:cur.start]
        if re.fullmatch(r"[\u201d\u2019\"']?" + _SP + r"*(?:and|&)" + _SP + "+", joined):
            if not prev.verb and cur.verb:
                prev.verb = cur.verb
            if cur.qualifier == "exact" and prev.qualifier in ("at_least", "at_most", "approx") and prev.hedge:
                cur.qualifier, cur.hedge = prev.qualifier, prev.hedge
                _bounds(cur, g)
        if not cur.verb and prev.verb and re.fullmatch(r"[\u201d\u2019\"']?" + _SP + r"*[.;]?\s*", cur.tail or ""):
            cur.verb = prev.verb


def _same_kind_of_event(a: str, b: str, g: _Grammar) -> bool:
    """May a figure with verb ``b`` borrow the noun of a figure with verb ``a``? Not when the
    verbs report different kinds of event ('liquidated' / 'detained'): the people may differ."""
    ka, kb = g.verb_class.get(a.lower()), g.verb_class.get(b.lower())
    return ka is None or kb is None or ka == kb


def extract_figures(text: str) -> pd.DataFrame:
    """Every figure in ``text``: one row each, columns ``FIGURE_COLUMNS``.

    ``text[start:end]`` is the figure as written, hedge and unit included ('more than 3,700',
    '$200 million', '180-day'). ``value`` is normalised (3,700 -> 3700; 2.3m -> 2300000; a fifth
    -> 0.2; 5% -> 5 with unit 'percent'), NaN for vague quantities ('dozens'). ``qualifier``:
    exact, at_least, at_most, approx, vague, or range ('between 10 and 20'). ``low``/``high``:
    what the figure allows; ``conservative``: the number a careful counter would record
    (ACLED-style: the figure itself, 12 for 'dozens'). ``base_value``: durations in days,
    distances in metres, weights in kg. ``counted``: what is counted ('armed criminals');
    ``counted_implied`` when it comes from an earlier figure ('... and 18 wounded'). ``verb``:
    what happened to them ('killed'). Dates, years, ordinals, times, phone numbers, identifiers
    and 'one' as a pronoun are not figures.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise LessonsDataError(f"extract_figures: expected text (a string), got {type(text).__name__}")
    g = _grammar()
    rows = []
    for f in _extract(text, g):
        base = f.value * f.factor if not math.isnan(f.value) else math.nan
        # Floats and bools cast here so pandas infers the right dtypes without an astype pass.
        rows.append((text[f.start:f.end], f.start, f.end, float(f.value), f.qualifier, f.hedge, f.unit,
                     f.unit_name, f.currency, float(f.scale), float(f.low), float(f.high),
                     float(f.conservative), float(base), _strip_quotes(f.counted),
                     bool(f.counted_implied), f.verb))
    if not rows:
        # a shallow copy: with copy-on-write (pandas 3) a change to it never reaches the cache
        return _empty_figures().copy(deep=False)
    if len(rows) <= _FAST_ROWS:
        return _small_figures_frame(rows)
    return _figures_frame(rows)


def _figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """The general path: pandas infers every column's dtype from the rows."""
    return pd.DataFrame(rows, columns=FIGURE_COLUMNS)


_FAST_ROWS = 64  # up to this many figures (one sentence, a paragraph) the frame is built directly


@lru_cache(maxsize=1)
def _figure_layout() -> tuple:
    """Made once: the column index, the text dtype pandas infers, and the column positions
    of each fixed dtype (building these is most of the cost of a one-row frame)."""
    text = pd.DataFrame([("x",)]).dtypes.iloc[0]
    fixed: dict = {}
    for k, name in enumerate(FIGURE_COLUMNS):
        if name in _FIGURE_DTYPES:
            fixed.setdefault(_FIGURE_DTYPES[name], []).append(k)
    others = [k for k, name in enumerate(FIGURE_COLUMNS) if name not in _FIGURE_DTYPES]
    return pd.Index(FIGURE_COLUMNS), text, {d: np.array(ks) for d, ks in fixed.items()}, others


def _small_figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """The same frame as :func:`_figures_frame`, built from its blocks with the dtypes known
    in advance (numbers, flags) or decided as pandas decides them (a text column is ``str``
    unless every value is None, then ``object``). A test checks both paths agree."""
    from pandas.api.internals import create_dataframe_from_blocks

    columns, text, fixed, others = _figure_layout()
    n = len(rows)
    values = list(zip(*rows))
    blocks = [(np.array([values[k] for k in ks], dtype=d), ks) for d, ks in fixed.items()]
    texts, flat = [], []
    for k in others:
        v = values[k]
        if all(x is None for x in v):
            blocks.append((np.array([v], dtype=object), np.array([k])))
        else:
            texts.append(k)
            flat.extend(v)
    if texts:  # one conversion for every text column, then a view of it per column
        strings = pd.array(flat, dtype=text)
        blocks.extend((strings[i * n : (i + 1) * n], np.array([k])) for i, k in enumerate(texts))
    return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(n), columns=columns)


_FIGURE_DTYPES = {"start": "int64", "end": "int64", "value": "float64", "low": "float64",
                  "high": "float64", "conservative": "float64", "base_value": "float64",
                  "scale": "float64", "counted_implied": "bool"}


@lru_cache(maxsize=1)
def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=_FIGURE_DTYPES.get(name, "str")) for name in FIGURE_COLUMNS})


def _strip_quotes(s: str) -> str:
    return re.sub(r"^[\u201c\u201d\"\u2018'\s]+|[\u201c\u201d\"\u2018\u2019'\s,]+$", "", s)


# =========================================================================== who counted
_PRONOUN_SUBJECT = {"it", "he", "she", "they", "this", "that"}


@lru_cache(maxsize=4)
def _attribution_patterns(folder: str | None = None):
    g = _grammar(folder)
    verbs = g.reporting
    # Linear on any input: a lazy name that may hold spaces must end on a non-space character
    # before the spaces that follow it, runs of spaces are possessive (``++``), words are
    # bounded (``{0,40}``), so no start position re-reads a long run of spaces or letters.
    sp = _SP + "++"
    according = re.compile(r"\b[Aa]ccording" + sp + r"to" + sp + r"(?P<name>[^,.;:\u201c\"]{1,79}?[^,.;:\u201c\"\s])(?=" + _SP + r"*+(?:[,.;:]|$|\u201d))")
    cited_as = re.compile(r"(?P<via>[A-Z][\w\u2019'\-]{0,40}+(?:" + sp + r"[\w\u2019'\-]{1,40}+){0,5}?)" + sp + r"(?:has" + sp + r"|had" + sp + r")?(?:cited|quoted)" + sp + r"(?P<name>[^,.;]{1,79}?[^,.;\s])" + sp + r"as" + sp + r"saying")
    cited_by = re.compile(r"(?P<name>[A-Z][^,.;]{1,80}?)," + _SP + r"*+(?:as" + sp + r")?(?:cited|quoted)" + sp + r"by" + sp + r"(?P<via>[^,.;]{2,60}?)," + _SP + r"*+(?:" + verbs + r")\b")
    with_saying = re.compile(r"\bwith" + sp + r"(?P<name>[^,.;]{1,59}?[^,.;\s])" + sp + r"(?:saying|reporting|estimating|claiming)\b")
    subject_verb = re.compile(r"(?P<name>[^,.;:\u201c\u201d\"]{1,89}?[^,.;:\u201c\u201d\"\s])" + sp + r"(?:(?:has|have|had|was|were|also|earlier|later|then|now)" + sp + r"){0,2}(?P<verb>" + verbs + r")\b(?!" + _SP + r"++(?:by|to)\b)")
    verb_subject = re.compile(r"(?:^|[,\u201d\"]" + _SP + r"*+)(?P<verb>said|says|reported|claimed|added)" + sp + r"(?P<name>(?:[A-Z][\w\u2019'.\-]{0,40}+)(?:" + sp + r"[A-Z][\w\u2019'.\-]{0,40}+){0,5})")
    return according, cited_as, cited_by, with_saying, subject_verb, verb_subject


_SP_CHARS = " \t\u00a0\u2009\u202f\u2007\u2008\u200a"


def _last_char(text: str, end: int, spaces: str | None = None) -> str:
    """The last character of ``text[:end]`` that is not white space (or not one of
    ``spaces``), '' if none: like ``text[:end].strip()[-1:]`` without copying the prefix."""
    i = end - 1
    while i >= 0 and (text[i] in spaces if spaces is not None else text[i].isspace()):
        i -= 1
    return text[i] if i >= 0 else ""


def _clean_subject(name: str) -> str:
    name = re.sub(_SP + "+", " ", name).strip(" ,.\u201c\u201d\"'")
    # keep the last clause: 'On Friday, the Russian defence ministry' -> 'the Russian defence ministry'
    name = re.split(r"\b(?:that|and|but|while|after|before|as|when|with)\s", name)[-1].strip()
    name = re.sub(r"^(?:On|In|Late|Early)\s+\w+\s*", "", name).strip()
    words = name.split()
    if len(words) > 8:
        name = " ".join(words[-8:])
    return name


def attributions(sentence: str) -> pd.DataFrame:
    """Who a sentence says gave its information: ``start, end, source, direction``.

    ``direction`` is 'forward' when the attribution comes first ('The ministry said 26 ...',
    'According to NetBlocks, ...') and 'backward' when it follows the words it attributes
    ('..., according to officials', '..., Tokayev said.'). 'X cited Y as saying' and
    'Y, cited by X, said' give 'Y (via X)'.
    """
    sentence = text_arg(sentence, "attributions")
    frame = pd.DataFrame(_attribution_rows(sentence), columns=["start", "end", "source", "direction"])
    return frame.sort_values("start", ignore_index=True)


def _attribution_rows(sentence: str) -> list[dict]:
    """The rows of ``attributions`` in the order found (not yet sorted by start)."""
    according, cited_as, cited_by, with_saying, subject_verb, verb_subject = _attribution_patterns()
    rows = []
    taken_starts: list[int] = []  # the spans already taken, disjoint and sorted by start
    taken_ends: list[int] = []

    def free(a, b):
        i = bisect.bisect_left(taken_starts, b)  # spans that start before b
        return i == 0 or taken_ends[i - 1] <= a

    def add(a, b, source, direction):
        source = source.strip()
        if source and free(a, b):
            i = bisect.bisect_left(taken_starts, a)
            taken_starts.insert(i, a)
            taken_ends.insert(i, b)
            rows.append(dict(start=a, end=b, source=source, direction=direction))

    for m in cited_as.finditer(sentence):
        add(m.start(), m.end(), f"{_clean_subject(m.group('name'))} (via {_clean_subject(m.group('via'))})",
            "forward" if re.match(_SP + r"*(?:that\b|[a-z0-9])", sentence[m.end():m.end() + 6]) else "backward")
    for m in cited_by.finditer(sentence):
        add(m.start(), m.end(), f"{_clean_subject(m.group('name'))} (via {_clean_subject(m.group('via'))})", "forward")
    for m in according.finditer(sentence):
        before = _last_char(sentence, m.start())
        direction = "forward" if not before or before in ".:" else "backward"
        add(m.start(), m.end(), _clean_subject(m.group("name")), direction)
    for m in with_saying.finditer(sentence):
        add(m.start(), m.end(), _clean_subject(m.group("name")), "forward")
    for m in verb_subject.finditer(sentence):
        add(m.start("verb"), m.end(), _clean_subject(m.group("name")), "backward")
    for m in subject_verb.finditer(sentence):
        name = _clean_subject(m.group("name"))
        if not name or re.search(r"\d", name) or re.search(r"\b(?:been|be|being|is|was|were|are|widely)$", name, re.IGNORECASE):
            continue  # passive: 'unrest has been reported'
        if len(name.split()) > 6 and not re.search(r"[A-Z]", name[1:]):
            continue  # a long lowercase clause is not a speaker
        after = sentence[m.end():m.end() + 30]
        # backward: ', Tokayev said.' / ', the ministry said, after ...'
        trailing = re.match(_SP + r"*(?:$|[,.;]|in\b|on\b|at\b|late\b|earlier\b|yesterday\b|today\b|after\b|as\b)", after)
        start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
        # The character before the name, over spaces (led_by_comma) or any white space.
        led_by_comma = _last_char(sentence, start, _SP_CHARS) in (",", "\u201d", '"')
        led = led_by_comma or _last_char(sentence, m.start("name")) in (",", "\u201d", '"')
        direction = "backward" if trailing and led else "forward"
        add(start, m.end(), name, direction)
    return rows


_CLAUSE_BREAK = re.compile(r",\s*(?:after|but|although|though|whereas|despite)\b|;")


def _source_for(attr: pd.DataFrame, pos: int, sentence: str = "") -> str:
    """The attribution that covers a figure at ``pos`` in its sentence.

    A backward attribution after the figure ('..., officials said') wins; otherwise the last
    forward one before it ('The ministry said ...'), unless a new clause ('..., after days of
    protests left dozens dead') starts in between: that part is the reporter's own voice.
    """
    return _source_in(attr.to_dict("records"), pos, sentence)


def _source_in(attr: list[dict], pos: int, sentence: str = "") -> str:
    """``_source_for`` on the attribution rows as a list of dicts sorted by start (the same
    rules, without building a DataFrame per figure)."""
    if not attr:
        return ""
    after = [a for a in attr if a["start"] >= pos and a["direction"] == "backward"]
    forward_before = [a for a in attr if a["end"] <= pos and a["direction"] == "forward"]
    if after:
        first = after[0]
        # a forward attribution between the figure and the backward one takes over
        if not any(pos < a["start"] < first["start"] and a["direction"] == "forward" for a in attr):
            return first["source"]
    if forward_before:
        last = forward_before[-1]
        if _CLAUSE_BREAK.search(sentence[int(last["end"]):pos]):
            return ""
        return last["source"]
    return ""


def _counters(folder: str | None = None):
    """(pattern, counter, kind) per row of ``counters.csv``, cached by the file's (path, mtime, size)."""
    return counters_file.load((Path(folder) if folder else _folder()) / "counters.csv")


def _without_via(source: str) -> str:
    """``re.sub(r"\\s*\\(via [^)]*\\)$", "", source)`` without a regex: the first '(via ' after
    the last ')' but one, when the text ends with ')' (linear; the regex re-read long runs)."""
    if not source.endswith(")"):
        return source
    i = source.find("(via ", source.rfind(")", 0, len(source) - 1) + 1, len(source) - 1)
    return source if i < 0 else source[:i].rstrip()


def counting_body(source: str) -> tuple[str, str]:
    """Map a source as written ('Kazakhstan's interior ministry') to a counting body and its
    kind, through ``data/figures/counters.csv``. Relayed figures ('X (via Interfax)') are
    credited to X, who counted; unknown sources are returned as written."""
    source = text_arg(source, "counting_body")
    if not source:
        return "", ""
    if source.lower() in _PRONOUN_SUBJECT:
        return f"not named ('{source}')", "unclear"
    counted_by = _without_via(source)
    for regex, counter, kind in _counters():
        if regex.search(counted_by):
            return counter, kind
    return counted_by, ""


# =========================================================================== the table
def figures_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Every figure in every article body, with its article, sentence and source.

    ``articles``: the DataFrame from ``lessons.corpus.load_articles()`` (needs ``article_id`` and
    ``body``; ``label`` is used when present). Adds ``sentence`` (its text), ``in_quote`` and
    ``speaker`` (from ``lessons.corpus.quotes``), ``source`` (who gave the number: the quote's
    speaker, or the attribution in the sentence), ``counter`` and ``counter_kind`` (the
    counting body, from ``counters.csv``), ``when`` (time words such as 'yesterday' that date the
    figure) and ``claim`` (from ``claims.yml``; '' when no claim fits).
    """
    from . import corpus

    for column in ("article_id", "body"):
        if column not in getattr(articles, "columns", []):
            raise LessonsDataError(f"figures_table: the articles table has no '{column}' column (use lessons.corpus.load_articles())")
    g = _grammar()
    headings = _heading_texts()
    rows = []
    for _, art in articles.iterrows():
        body = art["body"] if isinstance(art["body"], str) else ""
        label = art["label"] if "label" in articles.columns else art["article_id"]
        if not isinstance(label, str) or not label.strip():
            label = str(art["article_id"])  # a missing label: the id names the article
        figs = extract_figures(body)
        if figs.empty:
            continue
        # Plain lists, not DataFrame filters per figure: the same lookups, far less overhead.
        sents = list(corpus.sentences(body).itertuples(index=False, name=None))
        quotes = list(corpus.quotes(body)[["start", "end", "speaker"]].itertuples(index=False, name=None))
        fig_starts = [int(s) for s in figs["start"]]
        # Lookups by bisection and caches per sentence and per line: a long body with many
        # figures must not rescan its sentences, quotations or lines once per figure.
        sent_starts = [s[0] for s in sents]
        containing = _containing_quotes(quotes, figs["start"].tolist(), figs["end"].tolist())
        newlines = [m.start() for m in re.finditer("\n", body)]
        attr_cache: dict[int, list[dict]] = {}
        when_cache: dict[int, str] = {}
        heading_cache: dict[int, bool] = {}
        article_headings = headings.get(art["article_id"], ())
        for number, fig in enumerate(figs.itertuples(index=False), start=1):
            k = bisect.bisect_right(sent_starts, fig.start) - 1  # the last sentence starting at or before it
            hit = sents[k] if k >= 0 else None
            s_start = int(hit[0]) if hit is not None else 0
            s_text = hit[2] if hit is not None else body
            inside = containing[number - 1]
            in_quote = inside is not None
            speaker = inside[2] if in_quote else ""
            if s_start not in attr_cache:
                attr_cache[s_start] = sorted(_attribution_rows(s_text), key=lambda a: a["start"])
            source = _source_in(attr_cache[s_start], fig.start - s_start, s_text)
            if in_quote and speaker:
                source = speaker
            if source.lower() == "it" and hit is not None:
                source = _resolve_it(sents[k - 1][2]) if k > 0 else source
            counter, kind = counting_body(source)
            if s_start not in when_cache:
                when_cache[s_start] = ", ".join(dict.fromkeys(m.group().lower() for m in g.time_cues.finditer(s_text)))
            when = when_cache[s_start]
            line_no = bisect.bisect_left(newlines, fig.start)
            if line_no not in heading_cache:
                heading_cache[line_no] = _in_heading(body, fig.start, article_headings)
            record = fig._asdict()
            record.update(article_id=art["article_id"], label=label, figure=f"{art['article_id']}-{number}",
                          sentence=s_text, sentence_start=s_start, in_quote=in_quote, speaker=speaker,
                          source=source, counter=counter, counter_kind=kind, when=when,
                          in_heading=heading_cache[line_no])
            record["_before"] = body[max(0, fig.start - 40):fig.start]
            record["_after"] = _after_text(body, fig.end, fig_starts, number)
            rows.append(record)
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "_before", "_after"])
    memo: dict = {}  # figures in one sentence share the sentence-wide conditions
    table["claim"] = [assign_claim(r, _memo=memo) for r in table.to_dict("records")] if len(table) else []
    return table.drop(columns=["_before", "_after"])


def _containing_quotes(quotes: list[tuple], starts: list[int], ends: list[int]) -> list[tuple | None]:
    """For each figure span, the first quotation (in ``quotes`` order, sorted by start) that
    contains it, or None. One sweep: only quotations still open at a figure are examined
    (quotations nest at most a level or two, so that set stays small)."""
    order = sorted(range(len(starts)), key=lambda i: starts[i])
    out: list[tuple | None] = [None] * len(starts)
    active: list[tuple[int, tuple]] = []  # (position in quotes, quote) opened so far, not yet closed
    j = 0
    for i in order:
        s, e = starts[i], ends[i]
        while j < len(quotes) and quotes[j][0] <= s:
            active.append((j, quotes[j]))
            j += 1
        active = [(n, q) for n, q in active if q[1] >= s]
        out[i] = next((q for _, q in active if q[1] >= e), None)
    return out


def _heading_texts() -> dict:
    """Headline and crosshead lines of the shipped articles, by article_id (from the cleaning
    record, ``lessons.corpus.parts``); empty when the corpus cannot be read."""
    from . import corpus

    try:
        frame = corpus.parts()
    except (LessonsDataError, OSError):
        return {}
    frame = frame[frame["kind"].isin(["crosshead", "headline"])]
    out: dict = {}
    for aid, text in zip(frame["article_id"], frame["text"]):
        out.setdefault(aid, set()).add(re.sub(r"\s+", " ", str(text)).strip())
    return out


def _in_heading(body: str, pos: int, headings) -> bool:
    """Is the figure at ``pos`` on a heading line (a crosshead such as '2,300 detained')?
    A line counts as a heading when the cleaning record says so, or when it is short (at most
    eight words) and has no sentence punctuation at its end."""
    start = body.rfind("\n", 0, pos) + 1
    end = body.find("\n", pos)
    line = re.sub(r"\s+", " ", body[start:end if end >= 0 else len(body)]).strip()
    if line in headings:
        return True
    return len(line.split()) <= 8 and not re.search(r"[.!?:;,\u201d\"'\u2019)]$", line)


def _resolve_it(previous: str) -> str:
    """'It said its force would number about 2,500': when the sentence before names exactly one
    counting body (``counters.csv``), 'It' is that body; otherwise 'It' stays unresolved."""
    found = {counter for regex, counter, _ in _counters() if regex.search(previous)}
    return f"It (the {found.pop()}, named in the sentence before)" if len(found) == 1 else "It"


def _after_text(body: str, end: int, fig_starts: list[int], number: int) -> str:
    """The words after a figure, up to the next figure or the end of its sentence.
    ``fig_starts``: the start of every figure in ``body``, in order; ``number`` counts from 1."""
    stop = _next_stop(body, end)
    limit = len(body) if stop is None else stop
    if number < len(fig_starts):
        limit = min(limit, fig_starts[number])
    return body[end:limit]


# =========================================================================== claims
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
        if c.unit != row.get("unit"):
            continue
        for rule in c.rules:
            ok = True
            for key, cond in rule.items():
                if key == "no_counted":
                    ok = (not fields["counted"]) == cond
                elif key == "not_counted":
                    ok = not cond.search(fields["counted"])
                elif key == "sentence" and _memo is not None:
                    memo_key = (id(cond), fields["sentence"])
                    if memo_key not in _memo:
                        _memo[memo_key] = bool(cond.search(fields["sentence"]))
                    ok = _memo[memo_key]
                else:
                    ok = bool(cond.search(fields[key]))
                if not ok:
                    break
            if ok:
                return c.claim
    return ""


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


def _verdict(claim: _Claim, reports: pd.DataFrame, recs: list[dict] | None = None) -> tuple[str, str]:
    """``recs``: ``reports.to_dict("records")`` when the caller already has it."""
    recs = reports.to_dict("records") if recs is None else recs
    articles = list(dict.fromkeys(r["article_id"] for r in recs))
    labels = list(dict.fromkeys(r["label"] for r in recs))
    if len(articles) == 1:
        return "single source", f"only {labels[0]} gives this figure"
    values = [r["compare_value"] for r in recs]
    exact_like = [r for r in recs if r["qualifier"] != "vague"]
    # 1. the same value everywhere (after units): consistent
    if exact_like and len(exact_like) == len(recs) and all(_same(v, values[0]) for v in values):
        qualifiers = {r["qualifier"] for r in recs}
        if len(qualifiers) == 1:
            forms = {(r["unit_name"], r["others_added"]) for r in recs}
            if len(forms) > 1:
                how = "; ".join(f"{r['label']} '{r['text']}{' ' + r['counted'] if r['unit'] == 'count' else ''}'" for r in _one_per_article(recs))
                plus = " (counting the country named alongside 'other' or 'X and')" if any(r["others_added"] for r in recs) else ""
                return "consistent", f"the same figure expressed differently{plus}: {how}"
            return "consistent", "every source gives the same figure"
        hedged = sorted({r["label"] for r in recs if r["qualifier"] != "exact"})
        plain = sorted({r["label"] for r in recs if r["qualifier"] == "exact"})
        hedges = sorted({r["hedge"] for r in recs if r["hedge"]})
        return "differs", (f"same number, but only some reports give it with a hedge: {', '.join(repr(h) for h in hedges)} in "
                           f"{', '.join(hedged)}; no hedge in {', '.join(plain) or 'none'}")
    if not exact_like:
        words = sorted({r["hedge"] for r in recs})
        if len(words) == 1:
            return "consistent", f"every source says only '{words[0]}'"
        return "differs", f"only vague words ({', '.join(words)})"
    # 2. do all the figures allow one common value?
    lows = [r["compare_low"] for r in recs if not math.isnan(r["compare_low"])]
    highs = [r["compare_high"] for r in recs if not math.isnan(r["compare_high"])]
    overlap = (max(lows) if lows else -math.inf) <= (min(highs) if highs else math.inf)
    reasons = []
    counted = sorted({r["counted"] for r in recs if r["counted"] and not r.get("counted_implied")})
    if len(counted) > 1:
        reasons.append("the sources name the people or things differently (" + ", ".join(repr(c) for c in counted) + ")")
    if any(r["qualifier"] == "vague" for r in recs) and exact_like:
        vague_labels = sorted({r["label"] for r in recs if r["qualifier"] == "vague"})
        reasons.append(f"{', '.join(vague_labels)} gives only a vague word, not a number")
    if overlap:
        hedged = sorted({r["label"] for r in exact_like if r["qualifier"] != "exact"})
        if hedged:
            reasons.insert(0, f"the figures agree once the hedges are read: {_short(exact_like)}")
        else:
            reasons.insert(0, "the figures are close but not the same")
        return "differs", "; ".join(reasons)
    counters = {r["counter"] for r in recs if r["counter"]}
    whens = {r["when"] for r in recs}
    if claim.cumulative and (len(counters) > 1 or len(whens) > 1):
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
        reasons.insert(0, "a running total, which can only grow. From lowest to highest: " + story
                       + ". The higher figures are likely " + " and ".join(why))
        return "differs", "; ".join(reasons)
    return "contradiction", f"these figures cannot all be true of the same thing at the same time: {_short(exact_like)}"


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

    ``verdict``: 'consistent' (the same figure, perhaps in other units: 180 days and six
    months), 'differs' (with ``reason``: a hedge added or dropped, a vague word, a later update,
    a different counting body), 'single source', or 'contradiction' (figures that cannot both be
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


def claim_chart_frame(reports: pd.DataFrame) -> pd.DataFrame:
    """What a claim chart draws, one row per report and figure, with the unit on show:
    `claim, claim_label, report, value, unit_shown, figure` (+ `qualifier`, `source` and the
    figure's `sentence`, for the tooltip, if there).

    Durations come in days (``plot_value``); a claim whose figures are all under a day is
    drawn in hours (six hours is 6, not 0.25), one whose figures are all a year or more in
    years. Other units keep their name ('people'); no name means a plain count.
    """
    cols = ["claim", "claim_label", "report", "value", "unit_shown", "figure"]
    if reports.empty:
        return pd.DataFrame(columns=cols + ["qualifier", "source"])
    out = reports.assign(report=reports["label"] if "label" in reports else reports["article_id"],
                         figure=reports["text"], value=reports["plot_value"].astype(float))
    unit_name = out["unit_name"].fillna("").astype(str) if "unit_name" in out else pd.Series("", index=out.index)
    out["unit_shown"] = unit_name.replace({"": "count", "year": "years"})
    duration = out["unit"] == "duration"
    longest = out.groupby("claim")["value"].transform("max")
    shortest = out.groupby("claim")["value"].transform("min")
    hours = duration & (longest < 1)
    years = duration & (shortest >= 365)
    days = duration & ~hours & ~years
    out.loc[hours, "value"] = out.loc[hours, "value"] * 24
    out.loc[years, "value"] = out.loc[years, "value"] / 365.25
    out.loc[hours, "unit_shown"] = "hours"
    out.loc[years, "unit_shown"] = "years"
    out.loc[days, "unit_shown"] = "days"
    extra = [c for c in ("qualifier", "source", "sentence") if c in out.columns]
    return out[cols + extra].reset_index(drop=True)
