"""``extract_figures``: every figure in a text, its hedge, unit and what it counts."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ..errors import LessonsDataError
from .grammar import (
    _SENTENCE_END,
    _SP,
    _Grammar,
    _grammar,
    _next_stop,
    _parse_digits,
    _parse_words,
    _tokens,
)

FIGURE_COLUMNS = [
    "text", "start", "end", "value", "qualifier", "hedge", "unit", "unit_name", "currency",
    "scale", "low", "high", "conservative", "base_value", "counted", "counted_implied", "verb",
]
_APPROX_TOLERANCE = 0.10  # 'about 2,300' is read as 2,300 +/- 10 %


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

