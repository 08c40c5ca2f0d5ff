"""``extract_figures``: every figure in a text, its hedge, unit and what it counts."""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

from ..errors import LessonsDataError
from ..text import SPACE_CHARS
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
    "measures",
]
_APPROX_TOLERANCE = 0.10  # 'about 2,300' is read as 2,300 +/- 10 %


# =========================================================================== extraction
@dataclass(slots=True)
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
    tail: str | None = ""  # None: the text after the phrase, read when coordination needs it (_tail)


_YEAR_BEFORE = re.compile(r"\b(?:1[89]|20)\d\d(?:" + _SP + r"+(?:and|or|to)" + _SP + r"+|[\-\u2013/])$")
# tried only where a word starts: a start inside a run of letters never comes first (the
# letter before it starts a match whenever it does); the window is cut out of the text, so a
# word cut at the window's start still starts there
_PREV_WORD = re.compile(r"(?<![A-Za-z])([A-Za-z][A-Za-z.'\u2019#]*)" + _SP + r"*$")
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.'\u2019#")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _prev_word(text: str, pos: int) -> str:
    """The word just before ``pos``, lower case: what ``_PREV_WORD.search`` finds in the 24
    characters before it (a test checks they agree), read from the end instead of tried at
    every start. '$' also matches before a final newline; the match is the run of word
    characters before the trailing spaces, from its first letter."""
    w = text[max(0, pos - 24):pos]
    if w.endswith("\n"):
        w = w[:-1]
    w = w.rstrip(SPACE_CHARS)
    i = len(w)
    while i and w[i - 1] in _WORD_CHARS:
        i -= 1
    while i < len(w) and w[i] not in _ASCII_LETTERS:
        i += 1
    return w[i:].lower()


_NEXT_WORD = re.compile(_SP + r"*([A-Za-z]+)")  # the word after a figure (used with a bounded window)
# compiled once: each call of extract_figures would otherwise look them up in re's cache
_SPACE_RUN = re.compile(_SP + "+")
_LETTER_HYPHEN_END = re.compile(r"[A-Za-z][\-\u2010\u2011]$")
_DASH_NUMBER = re.compile(r"[\u2013\-](\d{1,3}(?:,\d{3})*|\d+)\b(?![\-\u2010\u2011]?[A-Za-z])")
_WORD_BY_END = re.compile(r"(?<![A-Za-z])([A-Za-z]+)" + _SP + r"+(?:by" + _SP + r"+)?[\u201c\"\u2018']?$")
_WORD_COMMA_END = re.compile(r"[A-Za-z]{2,}," + _SP + "*$")
_EDGE_QUOTES = re.compile(r"^[\u201c\u201d\"\u2018'\s]+|[\u201c\u201d\"\u2018\u2019'\s,]+$")
_UNIT_GLUED = re.compile(r"(?i)(km|kg|m|mm|cm|ft|mi|h|hrs|s)\b")


def _is_year(text: str, s: int, e: int, value: float, g: _Grammar, prev: str | None = None) -> bool:
    """``prev``: ``_prev_word(text, s)`` when the caller has it already."""
    raw = text[s:e]
    if not (len(raw) == 4 and raw.isdecimal()) or not (1000 <= value <= 2199):
        return False
    prev = (_prev_word(text, s) if prev is None else prev).rstrip(".,")
    before = text[max(0, s - 3):s]
    if prev in g.year_cues or before.endswith(("mid-", "mid\u2011")) or before.rstrip().endswith(","):
        return True
    # 'the 2019 election', '2019 and 2020', '2019-2020'
    if (prev == "the" and 1900 <= value <= 2100) or _YEAR_BEFORE.search(text, max(0, s - 12), s):
        return True
    nxt = _NEXT_WORD.match(text, e, e + 30)
    if nxt is None:
        return True
    word = nxt.group(1)
    # '1500 people' counts; '1999 Kazakhstan', '2019 and', '2022 when', 'its 2024 nominee' are years.
    return word[0].isupper() or word.lower() in g.function or (1900 <= value <= 2100 and not _is_plural(word, g))


# complexity: one test per date form ('5 January', 'January 5, 2022', 'May 5' but not 'may'), in order
def _is_date_part(text: str, s: int, e: int, value: float, g: _Grammar, prev: str | None = None) -> bool:
    if not math.isfinite(value) or value > 9999 or value != int(value):
        return False
    prev = (_prev_word(text, s) if prev is None else prev).rstrip(".")
    if prev in g.months and value <= 31 or prev in g.months and 1000 <= value <= 2199:
        return True
    if value <= 31 and (text[s - 1:s] in ("-", "\u2013") or prev in _SPAN_WORDS):  # a quick test first
        span = _DAY_SPAN_BEFORE.search(text, max(0, s - 16), s)
        if span and span.group(1).lower() in g.months:
            return True  # 'March 9-10', 'March 3 to 5': the last day of a span of days
    nxt = _NEXT_WORD.match(text, e, e + 20)
    if nxt and nxt.group(1).lower().rstrip(".") in g.months and value <= 31 and not re.match(r"(?i)may\b", nxt.group(1)):
        return True
    if nxt and nxt.group(1).lower() == "may" and value <= 31 and re.match(_SP + r"*May\b", text[e:e + 10]):
        return True
    # 'January 5, 2022': the year after 'month day,'
    if 1000 <= value <= 2199 and g.month_day_before.search(text, max(0, s - 20), s):
        return True
    return False


_DAY_SPAN_BEFORE = re.compile(r"([A-Za-z]+)\.?" + _SP + r"+\d{1,2}(?:[\-\u2013]|" + _SP + r"+(?:to|and|or|through)" + _SP + r"+)$")
_SPAN_WORDS = frozenset({"to", "and", "or", "through"})
_GROUP_OF = re.compile(r"\bGroup" + _SP + r"+of" + _SP + r"+$")  # 'Group of 20': a name


_CODE_AFTER = re.compile(r"[-\u2010\u2011][A-Z]{1,3}\b")
_OPEN_QUOTES = "\"'\u201c\u2018"


def _capitalised_before(text: str, pos: int) -> bool:
    """Is the word just before ``pos`` written with a capital?"""
    w = text[max(0, pos - 24):pos].split()
    return bool(w) and w[-1][:1].isupper()


def _cue_names(text: str, q: int, prev: str, g: _Grammar) -> bool:
    """Does the word before (``prev``, ending at ``q``) make the number a name: 'no. 5', 'flight 17',
    'page 4', 'House Bill 350'? Not 'the bill 40 senators backed' (a capitalised cue is a cue only
    when capitalised), nor 'number of' without a following digit."""
    if prev in g.name_cues and not _capitalised_before(text, q):
        return False
    if prev in g.id_cues and (prev.endswith(".") or prev in {"#"} or prev not in g.function):
        return prev != "number" or bool(re.match(_SP + r"*$", text[q - 1:q]))
    return False


def _is_identifier(text: str, s: int, e: int, g: _Grammar, prev_s: str | None = None) -> bool:
    """``prev_s``: ``_prev_word(text, s)`` when the caller has it already."""
    before = text[max(0, s - 2):s]
    if before[-1:].isalpha() or _LETTER_HYPHEN_END.search(before):
        return True
    after = text[e:e + 1]
    if _CODE_AFTER.match(text, e, e + 6):
        return True  # '7-JB', '12-C': a number with a code in capitals is a reference
    q = s - 1 if s > 0 and text[s - 1] in _OPEN_QUOTES else s  # 'reference number "4471"'
    prev = prev_s if q == s and prev_s is not None else _prev_word(text, q)
    if _cue_names(text, q, prev, g) or before.endswith("#") or after == "#":
        return True
    return prev == "of" and bool(_GROUP_OF.search(text, max(0, s - 12), s))


_SCALE_WORDS = ("thousand", "million", "billion", "trillion")
_SECOND_SCALE = re.compile(_SP + r"+(thousand|million|billion)\b", re.IGNORECASE)
_TIMES_AS = re.compile(_SP + r"+times" + _SP + r"+(?:as|more|higher|larger|bigger|greater|less|smaller|the|over)\b", re.IGNORECASE)
_TIMES = re.compile(_SP + r"+times")


def _set_unit(fig: _Fig, unit: str, name: str, factor: float) -> None:
    fig.unit, fig.unit_name, fig.factor = unit, name, factor
    if unit == "money":
        fig.currency = name


def _scan_scale(text: str, fig: _Fig, g: _Grammar, e: int) -> int:
    """'2.3m', '5 million', 'a thousand million': multiply by the scale; new end."""
    m = g.scale_after.match(text, e)
    if not m:
        return e
    word = (m.group("glued") or m.group("word")).lower()
    if word == "m" and m.group("glued") is None:
        return e  # '5 m' with a space is metres; '2.3m' glued is million (news style).
    if word == "mm" and not g.symbol_before.search(text[max(0, fig.start - 4):fig.start]):
        return e  # '$145mm' is finance for million; '5mm' alone is millimetres
    fig.scale = g.scales[word]
    fig.value *= fig.scale
    e = m.end()
    if word in _SCALE_WORDS:
        m2 = _SECOND_SCALE.match(text, e)
        if m2:  # 'one hundred thousand million' is rare; 'a thousand million' = 1e9
            fig.scale *= g.scales[m2.group(1).lower()]
            fig.value *= g.scales[m2.group(1).lower()]
            e = m2.end()
    return e


def _scan_compound(text: str, fig: _Fig, g: _Grammar, e: int) -> int:
    """A hyphenated word after the number: '180-day', '81-year-old', 'threefold' written
    '3-fold', '20,000-strong', '30-member council'; new end."""
    m = g.compound_after.match(text, e)
    if not m:
        return e
    parts = re.split(r"[-\u2010\u2011]", m.group("word").lower())
    head = parts[0]
    if head in g.units or head.rstrip("s") in g.units:
        unit, name, factor = g.units.get(head) or g.units[head.rstrip("s")]
        if parts[1:2] in (["old"], ["olds"]):
            fig.unit, fig.unit_name, fig.factor = "age", name, 1.0  # 81-year-old, 18-year-olds
        else:
            _set_unit(fig, unit, name, factor)
        return m.end() if parts[1:2] in (["old"], ["olds"], ["long"], []) or len(parts) == 1 else m.start() + 1 + len(head)
    if head == "fold":
        fig.unit, fig.unit_name = "multiplier", "times"
        return m.end()
    if head == "strong":
        return m.end()  # '20,000-strong army': a count of what follows
    if head in ("odd", "plus", "ish"):
        return e  # a trailing hedge, read by _scan_hedge_after
    if head not in g.function and len(parts) == 1 and fig.unit == "count":
        fig.compound = head  # '30-member council', 'a 12-storey block'
        return m.end()
    return e


def _scan_unit(text: str, fig: _Fig, g: _Grammar, e: int) -> int:
    """'%', 'percent', 'km', 'pounds sterling' after the number, else a compound; new end."""
    m = g.unit_after.match(text, e)
    if not m:
        return _scan_compound(text, fig, g, e)
    if m.group("pct"):
        fig.unit, fig.unit_name, fig.factor = "percent", "percent", 1.0
    else:
        word = _SPACE_RUN.sub(" ", (m.group("unit") or m.group("glued")).lower())
        key = g.unit_forms.get(word, word)
        if key in g.units:
            _set_unit(fig, *g.units[key])
    return m.end()


_AND_A_HALF = re.compile(_SP + r"+and" + _SP + r"+a" + _SP + r"+half\b", re.IGNORECASE)


def _scan_and_a_half(text: str, fig: _Fig, e: int) -> int:
    """'a week and a half', 'two years and a half': half a unit more than the number; new end."""
    if fig.unit in ("count", "percent", "fraction", "multiplier", "ratio") or fig.kind not in ("digits", "word"):
        return e
    m = _AND_A_HALF.match(text, e)
    if not m:
        return e
    fig.value += 0.5
    return m.end()


def _scan_hedge_after(text: str, fig: _Fig, g: _Grammar, e: int) -> int:
    """'500-odd', '100 or more', '40+': a hedge after the number; new end."""
    m = g.hedge_after.match(text, e)
    if not m:
        return e
    if m.group("plus"):
        fig.hedge, fig.qualifier = (fig.hedge + " +").strip(), "at_least"
        return e
    word_key = _SPACE_RUN.sub(" ", m.group("h").lower())
    q = g.hedges.get((word_key, "after")) or g.hedges.get(("-" + word_key, "after"))
    if q and not (word_key == "plus" and not re.match(r"[-\u2010\u2011]", text[e:e + 1])):
        fig.hedge = (fig.hedge + " " + word_key).strip()
        fig.qualifier = q
        return m.end()
    return e


def _scan_right(text: str, fig: _Fig, g: _Grammar) -> int:
    """Scale, units, hyphenated compounds and trailing hedges after the number; new end."""
    e = fig.end
    if fig.kind in ("digits", "word"):
        e = _scan_scale(text, fig, g, e)
    e = _scan_unit(text, fig, g, e)
    e = _scan_and_a_half(text, fig, e)
    e = _scan_hedge_after(text, fig, g, e)
    # 'N times as many / more': a multiplier
    if fig.unit == "count" and _TIMES_AS.match(text, e, e + 30):
        fig.unit, fig.unit_name = "multiplier", "times"
        e = _TIMES.match(text, e).end()
    return e


_HYPHEN_ENDS = ("-", "\u2010", "\u2011", "-\n", "\u2010\n", "\u2011\n")


def _may_end_in_symbol(left: str, ends: frozenset | None) -> bool:
    """Can ``g.symbol_before`` match in ``left``? Its match ends at the end of ``left`` (or
    before a final newline, as ``$`` does) with a symbol and at most one space: a cheap test
    of the last characters that skips the search where it cannot match."""
    if ends is None:
        return True
    for w in ((left, left[:-1]) if left.endswith("\n") else (left,)):
        last = w[-1:]
        if last in ends or (last and last in SPACE_CHARS and w[-2:-1] in ends):
            return True
    return False


_CURRENCY_SIGNS = "$£€¥₸₽₹"  # the optional sign of ``g.hedge_before``, between the hedge and the number


def _may_end_in_hedge(left: str, g: _Grammar) -> bool:
    """Can ``g.hedge_before`` match in ``left``? Its match ends (at the end, or before a final
    newline, as ``$`` does) with a hedge's last word (or 'of'), spaces and at most one sign.
    A cheap look at the last characters; text that is not ASCII there is always searched
    (the pattern ignores case as Unicode does, which ``lower`` does not always follow)."""
    t = left[:-1] if left.endswith("\n") else left
    if t[-1:] and t[-1] in _CURRENCY_SIGNS:
        t = t[:-1]
    core = t.rstrip(SPACE_CHARS)
    if len(core) == len(t):
        return False  # no space before the number (or the sign): no hedge of this kind
    tail = core[-g.hedge_end_len:] if g.hedge_end_len else core
    return not tail.isascii() or not g.hedge_ends or tail.lower().endswith(g.hedge_ends)


def _scan_left(text: str, fig: _Fig, g: _Grammar) -> int:
    """Currency symbols and hedges before the number; new start. The symbol and the glued
    prefix hedge are searched for only where the last characters allow a match."""
    s = fig.start
    window_start = max(0, s - 36)
    left = text[window_start:s]
    m = g.symbol_before.search(left) if _may_end_in_symbol(left, g.symbol_ends) else None
    if m:
        fig.unit, fig.unit_name, fig.currency, fig.factor = "money", g.symbols[m.group("sym")], g.symbols[m.group("sym")], 1.0
        s = window_start + m.start("sym")
        left = text[window_start:s]
    m = g.hedge_prefix.search(left) if left.endswith(_HYPHEN_ENDS) else None  # it ends on a hyphen
    if m:
        fig.hedge = m.group("h").lower()
        fig.qualifier = g.hedges[(fig.hedge + "-", "prefix")]
        return window_start + m.start("h")
    m = g.hedge_before.search(left) if _may_end_in_hedge(left, g) else None
    if m and fig.unit == "count" and _about_is_preposition(text, window_start + m.start("h"), m.group("h"), g):
        m = None
    if m:
        phrase = _SPACE_RUN.sub(" ", m.group("h").lower())
        if fig.qualifier == "range":  # 'some 30-45': the range already gives the bounds
            fig.hedge = phrase
        else:
            fig.hedge = (phrase + (" " + fig.hedge if fig.hedge else "")).strip()
            fig.qualifier = g.hedges[(phrase, "before")]
        s = window_start + m.start("h")
    return s


def _about_is_preposition(text: str, s: int, hedge: str, g: _Grammar) -> bool:
    """'worries about two things', 'talked about 30 pupils': after a verb or adjective of
    talking, thinking or caring (lexicon 'about_topic_words'), 'about' says what of, not how many."""
    return hedge.lower() == "about" and _prev_word(text, s) in g.about_words


_OF_DETERMINERS = frozenset({"the", "its", "their", "his", "her", "our", "these", "those", "all"})
_OF_PRONOUNS = frozenset({"whom", "them", "which", "it", "us"})  # 'two of them': no noun follows
_MORE_WORDS = ("more", "fewer", "additional", "further")  # '20 more people': the noun follows
_JOINERS = ("and", "or", "&")
_NEEDS_OF_KINDS = ("vague", "fraction", "mult")
_SCALE_HEADS = frozenset({"dozen", "hundred", "thousand", "million", "billion", "trillion"})
_NEEDS_OF_UNITS = ("percent", "fraction", "multiplier")
_MAX_PHRASE_WORDS = 7


def _is_content(tok, g: _Grammar) -> bool:
    return tok[0] == "word" and tok[1].lower() not in g.function


def _is_participle(word: str, g: _Grammar) -> bool:
    low = word.lower()
    return low in g.participles or (low.endswith("ed") and len(low) > 4)


def _phrase_tokens(text: str, fig: _Fig) -> list:
    """The tokens after the figure, past a possessive ("the 16-year-old's mother")."""
    toks = _tokens(text, fig.end)
    if len(toks) >= 2 and toks[0][0] == "quote" and toks[0][1] in "\u2019'" and toks[1][1].lower() == "s":
        return toks[2:]
    return toks


def _after_of(toks: list) -> int:
    """Where the noun starts after 'of' and its determiners ('dozens of the people'): 0 when the
    phrase does not start with 'of', ``len(toks)`` after a pronoun ('two of them')."""
    if not (toks and toks[0][0] == "word" and toks[0][1].lower() == "of"):
        return 0
    i = 1
    while i < len(toks) and toks[i][0] == "word":
        low = toks[i][1].lower()
        if low in _OF_PRONOUNS:
            return len(toks)
        if low not in _OF_DETERMINERS:
            break
        i += 1
    return i


# One step of the noun phrase reads the token at ``i`` and says what to do with it:
# 'word' (a word of the phrase), 'last' (its last word), 'keep' (a joining word kept inside it: 'members of',
# 'and'), 'glue' (an apostrophe added to the last word), 'skip' (ignored) or 'stop'.
def _step_quote(text: str, toks: list, i: int, words: list, g: _Grammar) -> str:
    _, t, a, _ = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    # possessive after a plural: protesters' demands
    if t in "\u2019'" and words and words[-1].lower().endswith("s") and nxt and _is_content(nxt, g) \
            and text[a - 1:a].isalpha():
        return "glue"
    return "skip"


def _step_num(text: str, toks: list, i: int, words: list, g: _Grammar) -> str:
    # '70 24-hour checkpoints': skip the compound modifier
    return "skip" if re.search(r"[-\u2010\u2011][A-Za-z]", toks[i][1]) and not words else "stop"


def _step_punct(text: str, toks: list, i: int, words: list, g: _Grammar) -> str:
    # a hyphen glued to the word before may join a compound; one after a space ('voters - and')
    # or doubled ('senators -- two of them') is a dash, which ends the phrase
    a = toks[i][2]
    dash = text[a - 1:a].isspace() or text[a + 1:a + 2] in ("-", "") or text[a + 1:a + 2].isspace()
    return "skip" if toks[i][1] in "-\u2010\u2011" and words and not dash else "stop"


# complexity: one test per way a small word joins a noun phrase ('more', 'of', 'and'), in the order they apply
def _step_function_word(toks: list, i: int, words: list, g: _Grammar) -> str:
    low = toks[i][1].lower()
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if low in _MORE_WORDS and not words and nxt and _is_content(nxt, g):
        return "skip"
    if low == "of" and words and words[-1].lower() in g.partitive and nxt and (_is_content(nxt, g) or nxt[0] == "quote"):
        return "keep"
    if low in _JOINERS and words and nxt and _is_content(nxt, g) and not _is_participle(nxt[1], g):
        after = toks[i + 2] if i + 2 < len(toks) else None
        # '148 passengers and six crew': a number word after 'and' starts a figure of its own
        if not (after and after[0] == "num") and nxt[1].lower() not in g.cardinals:
            return "keep"
    return "stop"


# complexity: one test per kind of word that ends a noun phrase (participle, -ing verb, time word), in order
def _ends_phrase(toks: list, i: int, words: list, g: _Grammar) -> bool:
    """A content word that is not part of the noun phrase: a verb or a time word."""
    t = toks[i][1]
    low = t.lower()
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if _is_participle(t, g):
        if not (nxt and (_is_content(nxt, g) or (nxt[0] == "quote" and i + 2 < len(toks) and _is_content(toks[i + 2], g)))):
            return True  # '18 killed in', '3,700 people arrested,'
        if words and not low.endswith("ed"):
            return True
        if words and (words[-1].lower().endswith("s") or words[-1].lower() in g.plural_nouns):
            return True  # after a plural head a participle is the verb: '1.2 million people needed aid'
    if low.endswith("ing") and words and (nxt is None or (nxt[0] == "word" and nxt[1].lower() in g.function) or nxt[0] == "num"):
        return True  # 'people protesting against' (but 'bitcoin mining')
    return bool(g.time_cues.fullmatch(low)) or low in g.months


def _proper_modifiers(words: list) -> bool:
    """'U.S.', 'Iraqi': the phrase so far is a name used as an adjective (capitalised, not plural)."""
    return bool(words) and all(w[:1].isupper() and not w.endswith("s") for w in words)


def _is_plural(word: str, g: _Grammar) -> bool:
    """'students', 'people': a plural noun ('bus', 'glass', 'virus', 'crisis' are not)."""
    low = word.lower()
    return low in g.plural_nouns or (len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "is")))


def _verb_after_plural(toks: list, i: int, words: list, g: _Grammar) -> bool:
    """After a plural head noun a lower-case word is its verb, not more of the noun: nouns in
    English compounds come before the head ('fire engines'), so '40 students sat the exam',
    '1,400 employees work from home', '40 trucks carrying aid' end at the plural. A word that
    ends in -s ('arms dealers', 'news agencies') or is followed by another content word
    (other than after -ing) may still be a noun, and stays in the phrase."""
    if not (words and _is_plural(words[-1], g)):
        return False
    t = toks[i][1]
    if not t[:1].islower() or t.lower().endswith("s"):
        return False
    if t.lower().endswith("ing"):
        return True
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    return nxt is None or nxt[0] in ("num", "punct") or (nxt[0] == "word" and nxt[1].lower() in g.function)


def _step_word(text: str, toks: list, i: int, words: list, g: _Grammar) -> str:
    if toks[i][1].lower() in g.function:
        return _step_function_word(toks, i, words, g)
    if _verb_after_plural(toks, i, words, g):
        return "stop"
    if not _ends_phrase(toks, i, words, g):
        return "word"
    if _is_participle(toks[i][1], g) and not toks[i][1].lower().endswith("ed") and _proper_modifiers(words):
        return "last"  # 'Thousands of U.S. dead were buried': 'dead' is the noun, the phrase ends
    return "stop"


_STEPS = {"quote": _step_quote, "num": _step_num, "punct": _step_punct, "word": _step_word}


def _noun_phrase(text: str, toks: list, i: int, g: _Grammar) -> tuple[list[str], int, int]:
    """The words of the noun phrase from token ``i``: ``(words, next token, end of the last word)``
    (end -1 when no word was taken)."""
    words: list[str] = []
    end_pos, n_words = -1, 0
    while i < len(toks) and n_words < _MAX_PHRASE_WORDS:
        action = _STEPS[toks[i][0]](text, toks, i, words, g)
        if action == "stop":
            break
        if action == "glue":
            words[-1] += toks[i][1]
        elif action in ("keep", "word", "last"):
            words.append(toks[i][1])
        if action in ("word", "last"):
            end_pos, n_words = toks[i][3], n_words + 1
        i += 1
        if action == "last":
            break
    return words, i, end_pos


def _trimmed(words: list[str], fig: _Fig) -> list[str]:
    """A phrase cannot end on 'and' or 'of'; 'N times' is a multiplier, not a count of times;
    a price is followed by what it buys, not by a label in capitals."""
    while words and words[-1].lower() in ("and", "or", "of", "&"):
        words = words[:-1]
    if words and fig.unit == "count" and words[0].lower() == "times" and len(words) > 1:
        return []  # 'three times champion'; 'played 40 times in the city' counts times
    if words and fig.unit == "money" and words[0][:1].isupper():
        return []  # '$6.20 Buy New': a label in capitals after a price, not what it pays for
    return words


def _verb_after(toks: list, j: int, words: list[str], g: _Grammar) -> str:
    """The first word after the phrase, over auxiliaries and quote marks: a participle, or any
    content word when the figure has no noun ('18 died')."""
    while j < len(toks) and (toks[j][0] == "quote" or (toks[j][0] == "word" and toks[j][1].lower() in g.aux)):
        j += 1
    if j < len(toks) and toks[j][0] == "word" and toks[j][1].lower() not in g.function \
            and _verb_after_plural(toks, j, words, g):
        return _verb_of_plural(toks, j, g)
    if j < len(toks) and toks[j][0] == "word":
        w = toks[j][1].lower()
        if _is_participle(w, g) or (not words and w not in g.function and not g.time_cues.fullmatch(w)):
            return w
    return ""


def _verb_of_plural(toks: list, j: int, g: _Grammar) -> str:
    """The verb that ended a plural noun phrase: the word itself ('40 students sat'), or after
    an -ing clause the participle that follows it ('40 trucks carrying aid crossed')."""
    w = toks[j][1].lower()
    if not w.endswith("ing"):
        return w
    for k in range(j + 1, min(len(toks), j + 5)):
        if toks[k][0] != "word":
            break
        if _is_participle(toks[k][1], g):
            return toks[k][1].lower()
    return ""


def _verb_before(text: str, fig: _Fig, g: _Grammar) -> str:
    """Passive or object: 'attacked by 20,000', 'detained about 2,300 people'."""
    left = text[max(0, fig.start - 40):fig.start]
    m = _WORD_BY_END.search(left)
    if m and _is_participle(m.group(1), g) and not re.fullmatch(g.reporting, m.group(1).lower()):
        return m.group(1).lower()
    return ""


_PER_RATE = re.compile(_SP + r"+per" + _SP + r"+(million|thousand|hundred|capita|head|\d{1,3}(?:,\d{3})+|\d+)\b", re.IGNORECASE)


def _rate_after(text: str, fig: _Fig) -> None:
    """'684 deaths per million', '12 cases per 100,000': a rate, not a count."""
    rate = _PER_RATE.match(text, fig.np_end, fig.np_end + 30)
    if rate:
        fig.unit, fig.unit_name = "ratio", "per " + rate.group(1).lower()


def _needs_of(fig: _Fig) -> bool:
    """Does the figure take its noun through 'of' only? A vague word does ('Thousands took to
    the streets'), but not one that ends in a scale word ('several thousand farmers', 'a few
    hundred fans'); nor does a fraction, a multiplier or a percentage."""
    if fig.kind == "vague":
        return fig.hedge.rsplit(" ", 1)[-1] not in _SCALE_HEADS
    return fig.kind in _NEEDS_OF_KINDS or fig.unit in _NEEDS_OF_UNITS


def _counted_phrase(text: str, fig: _Fig, g: _Grammar) -> None:
    """What the figure counts (the noun phrase after it) and what happened (the verb)."""
    toks = _phrase_tokens(text, fig)
    i = _after_of(toks)
    if _needs_of(fig) and fig.unit != "duration" and i == 0:
        words, end_pos = [], -1
    else:
        words, i, end_pos = _noun_phrase(text, toks, i, g)
    words = _trimmed(words, fig)
    if fig.kind == "vague" and words and _vague_money(fig, words[-1], end_pos, g):
        words = []
    fig.counted = " ".join(words).strip(" -")
    if fig.compound:
        fig.counted = fig.compound  # '30-member council', 'a 1,200-page bill': the number counts members, pages
    if not fig.counted and fig.unit == "count":
        # 'the death toll rose to 42', 'put the number of dead at 230'
        m = g.total_before.search(text, max(0, fig.start - 70), fig.start)
        if m:
            fig.counted = re.sub(_SP + "+", " ", m.group("noun").lower())
    fig.np_end = end_pos if words else fig.end
    if words and fig.unit == "count":
        _rate_after(text, fig)
    fig.verb = _verb_after(toks, i, words, g) or _verb_before(text, fig, g)
    fig.tail = None  # read by _tail when needed: most figures never need it


def _vague_money(fig: _Fig, head: str, end_pos: int, g: _Grammar) -> bool:
    """'billions of dollars', 'tens of millions of taxpayer dollars': a vague quantity of a
    currency is a sum of money, written up to the currency's name. True when it is one."""
    low = head.lower()
    entry = g.units.get(g.unit_forms.get(low, low))
    if fig.unit != "count" or entry is None or entry[0] != "money":
        return False
    _set_unit(fig, *entry)
    fig.end = end_pos
    return True


def _tail(text: str, fig: _Fig) -> str:
    """Up to 80 characters after the counted phrase, within its sentence."""
    if fig.tail is None:
        stop = _next_stop(text, fig.np_end)
        tail_end = len(text) if stop is None else stop
        fig.tail = text[fig.np_end:min(tail_end, fig.np_end + 80)]
    return fig.tail


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


def _make_digits(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'3,700', '2.5': a number in digits, unless it is an identifier, a date, a year or a time."""
    s, e = m.start(), m.end()
    raw = m.group()
    value = _parse_digits(raw)
    fig = _Fig(s, e, value, kind="digits")
    # glued letters that are not a known suffix: an identifier (17A, 3G)
    nxt = text[e:e + 4]
    if nxt[:1].isascii() and nxt[:1].isalpha() and not g.scale_after.match(text, e) and not _UNIT_GLUED.match(nxt):
        return None
    prev = _prev_word(text, s)  # read once for the three tests below
    if _is_identifier(text, s, e, g, prev):
        return None
    if _is_date_part(text, s, e, value, g, prev) or _is_year(text, s, e, value, g, prev):
        return None
    if g.time_after.match(text, e) and value <= 24:
        return None
    return fig


def _make_word(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'twenty-six', 'a million': a number in words; 'one' only before a noun or unit."""
    s, e = m.start(), m.end()
    raw = m.group()
    low = raw.lower()
    value = _parse_words(raw, g)
    if value is None and low in ("a", "an"):
        value = _one_and_a_half_unit(text, e, g)
    if value is None:
        return None
    if low.strip() == "one" and not _one_is_a_figure(text, s, e, g):
        return None
    if _is_date_part(text, s, e, value, g):
        return None
    return _Fig(s, e, value, kind="word")


def _one_and_a_half_unit(text: str, e: int, g: _Grammar) -> float | None:
    """'a week and a half': one of a unit (the half is added by _scan_and_a_half), else None."""
    um = g.unit_after.match(text, e)
    return 1.0 if um and um.group("unit") and _AND_A_HALF.match(text, um.end()) else None


def _one_is_a_figure(text: str, s: int, e: int, g: _Grammar) -> bool:
    """'one' counts only before a noun or unit: not 'the one that', 'one, two', 'one-off'."""
    if g.one_after.match(text, e) or g.one_before.search(text[max(0, s - 20):s]):
        return False
    hyphen_unit = re.match(r"[-\u2010\u2011]([A-Za-z]+)", text[e:e + 20])
    if hyphen_unit:
        return hyphen_unit.group(1).lower() in g.unit_forms  # 'one-day', 'one-year-old'; not 'one-sided'
    nxt = _tokens(text, e, 40)
    first = nxt[0] if nxt else None
    if first is not None and first[1].lower() == "per":
        return True  # 'one per cent', 'one per household': a count or a share, never the pronoun
    return not (first is None or first[0] != "word" or first[1].lower() in g.function)


def _make_dozen(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'two dozen', 'half a dozen': twelve times the word before."""
    s, e = m.start(), m.end()
    low = m.group().lower()
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


# complexity: the English fraction forms ('half', 'a third', 'two-thirds', 'twenty-third') in one place
def _make_fraction(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'a fifth of', 'two-thirds', 'half of': a fraction, not an ordinal ('a third term')."""
    s, e = m.start(), m.end()
    low = m.group().lower()
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


def _make_ratio(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'one in five', '3 out of 10'."""
    s, e = m.start(), m.end()
    low = m.group().lower()
    a, b = re.split(_SP + r"+(?:in|out" + _SP + r"+of)" + _SP + "+", low)
    va = _parse_digits(a) if a[0].isdigit() else _parse_words(a, g)
    vb = _parse_digits(b) if b[0].isdigit() else _parse_words(b, g)
    if not va or not vb or vb >= 1000 or va > vb:
        return None  # '26 in 2019' is not a ratio
    return _Fig(s, e, va / vb, unit="ratio", unit_name="ratio", kind="ratio")


def _make_vague(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'dozens', 'a few hundred': no value, but a conservative reading and a top."""
    s, e = m.start(), m.end()
    low = m.group().lower()
    key = re.sub(_SP + "+", " ", low)
    scale, conservative, high = g.vague[key]
    fig = _Fig(s, e, math.nan, qualifier="vague", hedge=key, kind="vague")
    fig.low, fig.high, fig.conservative = conservative, high, conservative
    return fig


def _make_mult(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'threefold', 'doubled', 'twice as many': a multiplier ('hit twice' is a count)."""
    s, e = m.start(), m.end()
    low = m.group().lower()
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


def _make_slash(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'3/4 of': a fraction ('24/7', '9/11' are not)."""
    s, e = m.start(), m.end()
    raw = m.group()
    a, b = (float(x) for x in raw.split("/"))
    if not 0 < a < b or not re.match(_SP + r"+of\b", text[e:e + 5]):
        return None  # '24/7', '9/11 attacks', '7/1': not a fraction ('3/4 of' is)
    return _Fig(s, e, a / b, unit="fraction", unit_name="fraction", kind="fraction")


def _make_range(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """'between 10 and 20': a range (a span of years is not)."""
    s, e = m.start(), m.end()
    r1, r2 = m.group("r1"), m.group("r2")
    v1 = _parse_digits(r1) if r1[0].isdigit() else _parse_words(r1, g)
    v2 = _parse_digits(r2) if r2[0].isdigit() else _parse_words(r2, g)
    if v1 is None or v2 is None or v1 >= v2 or (re.fullmatch(r"\d{4}", r1) and re.fullmatch(r"\d{4}", r2)):
        return None  # 'between 2019 and 2022' is a span of years
    fig = _Fig(s, e, v1, qualifier="range", hedge="between", kind="range")
    fig.low, fig.high = v1, v2
    return fig


_MAKERS = {"digits": _make_digits, "word": _make_word, "dozen": _make_dozen, "fraction": _make_fraction, "ratio": _make_ratio, "vague": _make_vague, "mult": _make_mult, "slash": _make_slash, "range": _make_range}


def _make(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """The figure a match of ``g.master`` stands for, or None when it is not a figure: one
    small function per kind of match (the named group that matched)."""
    maker = _MAKERS.get(m.lastgroup)
    return maker(m, text, g) if maker is not None else None


def _dash_range(text: str, fig: _Fig, g: _Grammar) -> None:
    """'10-20 people', '10–20': a range with the second number as the top."""
    m = _DASH_NUMBER.match(text[fig.end:fig.end + 12])
    if m and fig.kind == "digits" and fig.qualifier == "exact" and not re.match(r"\d{4}$", text[fig.start:fig.end]):
        top = _parse_digits(m.group(1)) * fig.scale
        if top > fig.value:
            fig.qualifier, fig.hedge = "range", "-"
            fig.low, fig.high = fig.value, top
            fig.end += m.end()
            if fig.unit == "count":  # '3-5 days': the unit follows the top of the range
                fig.end = _scan_unit(text, fig, g, fig.end)


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
            # a '(' or '+' that starts nothing: the number after it may ('(27%)', 'Bluefield (10,400)')
            pos = t.start() + 1 if text[t.start()] in "(+" else t.end()
            continue
        yield m
        pos = m.end()


def _vague_unit(text: str, fig: _Fig, g: _Grammar) -> None:
    """'a few hundred meters': a unit can follow a vague quantity too."""
    um = g.unit_after.match(text, fig.end)
    if um and um.group("unit"):
        word = re.sub(_SP + "+", " ", um.group("unit").lower())
        key = g.unit_forms.get(word, word)
        if key in g.units:
            fig.unit, fig.unit_name, fig.factor = g.units[key]
            fig.end = um.end()


def _is_age(text: str, fig: _Fig, g: _Grammar) -> bool:
    """'aged 81', 'who is 81', 'Nazarbayev, 81,': a count that is a person's age."""
    if not (fig.unit == "count" and fig.kind in ("digits", "word") and 1 <= fig.value <= 130):
        return False
    left = text[max(0, fig.start - 30):fig.start]
    nxt = re.match(_SP + r"*([A-Za-z]+)", text[fig.end:fig.end + 20])
    no_noun = nxt is None or nxt.group(1).lower() in g.function
    return bool(g.age_before.search(left) and no_noun
                or (_WORD_COMMA_END.search(left) and re.match(r",", text[fig.end:fig.end + 1])))


_COUNTED_KEPT_UNITS = ("count", "percent", "fraction", "multiplier", "ratio")  # a counted noun set by _make stays


def _read_figure(m: re.Match, text: str, g: _Grammar) -> _Fig | None:
    """One match of the grammar read out: its figure with the words around it, or None."""
    fig = _make(m, text, g)
    if fig is None:
        return None
    if fig.kind == "vague":
        _vague_unit(text, fig, g)
    else:
        fig.end = _scan_right(text, fig, g)
        if fig.kind == "digits":
            _dash_range(text, fig, g)
    fig.start = _scan_left(text, fig, g)
    if _is_age(text, fig, g):
        fig.unit, fig.unit_name = "age", "year"
    _bounds(fig, g)
    if not (fig.counted and (fig.unit in _COUNTED_KEPT_UNITS or fig.kind == "vague")):
        _counted_phrase(text, fig, g)
    return fig


def _extract(text: str, g: _Grammar) -> list[_Fig]:
    figs: list[_Fig] = []
    last_end = 0
    for m in _matches(text, g):
        if m.lastgroup == "skip" or m.start() < last_end:
            continue
        fig = _read_figure(m, text, g)
        if fig is None:
            continue
        figs.append(fig)
        last_end = fig.end
    _resolve_coordination(text, figs, g)
    _parallel_parentheses(text, figs)
    return figs


_CLAUSE_MARKS = re.compile(r"[;:()\u2013\u2014]")
_JUST_AND = re.compile(r"[\u201d\u2019\"']?" + _SP + r"*(?:and|&)" + _SP + "+")
_OR_TO = re.compile(_SP + r"+(?:or|to)" + _SP + "+")
_OF = re.compile(_SP + r"+of" + _SP + "+")
_NOTHING_MORE = re.compile(r"[\u201d\u2019\"']?" + _SP + r"*[.;]?\s*")


_LETTERS = re.compile(r"[A-Za-z]+")


def _new_clause(between: str, g: _Grammar) -> bool:
    """A comma, then a verb of its own: the words between two figures start a new clause."""
    comma = between.rfind(",")
    return comma >= 0 and any(_is_participle(w, g) for w in _LETTERS.findall(between, comma))


def _borrow_noun(text: str, prev: _Fig, cur: _Fig, g: _Grammar) -> None:
    """'26 armed criminals had been killed and 18 wounded': the 18 counts armed criminals too."""
    if _new_clause(text[prev.np_end:cur.start], g):
        return  # '40 senators, then the House rejected 105': a new clause with its own verb
    if not cur.counted and prev.counted and cur.kind != "vague" and cur.unit == "count" \
            and _same_kind_of_event(prev.verb, cur.verb, g):
        cur.counted = prev.counted
        cur.counted_implied = True


def _borrow_back(text: str, prev: _Fig, cur: _Fig) -> None:
    """'two or three witnesses', 'dozens to hundreds of homes', '12 of 40 stores': the first counts
    what the second does."""
    if not prev.counted and cur.counted and prev.unit == "count" and cur.unit == "count" \
            and (_OR_TO.fullmatch(text, prev.end, cur.start) or _OF.fullmatch(text, prev.end, cur.start)):
        prev.counted, prev.counted_implied = cur.counted, True


_OWN_ARTICLE = re.compile(r"(?i)an?" + _SP)  # 'a dozen', 'a hundred': a figure with its own determiner


def _share_across_and(text: str, prev: _Fig, cur: _Fig, g: _Grammar) -> None:
    """'At least 26 protesters and 18 police officers have been killed': the hedge and the verb
    apply to both. Not the hedge to a figure with its own article ('some 15 ambulances and a
    dozen fire engines': the dozen is not 'some')."""
    if not prev.verb and cur.verb:
        prev.verb = cur.verb
    if _OWN_ARTICLE.match(text, cur.start, cur.end):
        return
    if cur.qualifier == "exact" and prev.qualifier in ("at_least", "at_most", "approx") and prev.hedge:
        cur.qualifier, cur.hedge = prev.qualifier, prev.hedge
        _bounds(cur, g)


def _resolve_coordination(text: str, figs: list[_Fig], g: _Grammar) -> None:
    """Ellipsis and coordination inside one sentence, between figures of one unit.

    '26 armed criminals had been killed and 18 wounded': the 18 counts armed criminals too.
    'At least 26 protesters and 18 police officers have been killed': 'at least' and 'killed'
    apply to both. 'dozens of protesters were killed, as well as 18 police': the 18 were killed.
    """
    for k in range(1, len(figs)):
        prev, cur = figs[k - 1], figs[k]
        between = text[prev.end:cur.start]
        if _SENTENCE_END.search(between) or _CLAUSE_MARKS.search(between) or prev.unit != cur.unit:
            continue
        _borrow_noun(text, prev, cur, g)
        _borrow_back(text, prev, cur)
        if _JUST_AND.fullmatch(text, prev.np_end, cur.start):
            _share_across_and(text, prev, cur, g)
        if not cur.verb and prev.verb and _NOTHING_MORE.fullmatch(_tail(text, cur)):
            cur.verb = prev.verb


_IN_PARENS = re.compile(_SP + r"*\)")


def _parallel_parentheses(text: str, figs: list[_Fig]) -> None:
    """'Italy (684 deaths per million), Spain (830)': a bare number in parentheses after a list
    item measures what the first item's figure did, when that one stood in parentheses too."""
    for k in range(1, len(figs)):
        first, cur = figs[k - 1], figs[k]
        bare = cur.kind == "digits" and cur.unit == "count" and not cur.counted and cur.qualifier == "exact"
        if bare and text[cur.start - 1:cur.start] == "(" and _IN_PARENS.match(text, cur.end) \
                and text[first.start - 1:first.start] == "(" and (first.counted or first.unit != "count") \
                and _SENTENCE_END.search(text, first.end, cur.start) is None:
            cur.unit, cur.unit_name, cur.factor, cur.currency = first.unit, first.unit_name, first.factor, first.currency
            cur.counted, cur.counted_implied = first.counted, bool(first.counted)


def _same_kind_of_event(a: str, b: str, g: _Grammar) -> bool:
    """May a figure with verb ``b`` borrow the noun of a figure with verb ``a``? Not when the
    verbs report different kinds of event ('liquidated' / 'detained'): the people may differ."""
    ka, kb = g.verb_class.get(a.lower()), g.verb_class.get(b.lower())
    return ka is None or kb is None or ka == kb


_PLURAL_UNITS = ("duration", "age")  # 'three days', 'aged 81 years': the unit in the plural


def _measures(f: _Fig, counted: str | None = None) -> str:
    """What the figure counts or measures, in one column: the counted noun of a count (or of
    a share: '5% of voters'), else the unit of a measurement ('days', 'km', 'USD')."""
    counted = _strip_quotes(f.counted) if counted is None else counted  # the caller's, when it has it
    if f.unit == "count" or (counted and f.unit in _COUNTED_KEPT_UNITS):
        return counted  # '26 protesters', '5% of voters': what is counted
    name = f.currency or f.unit_name or f.unit
    if f.unit in _PLURAL_UNITS and f.value != 1 and not name.endswith("s"):
        return "centuries" if name == "century" else name + "s"
    return name


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
    what happened to them ('killed'). ``measures``: one place that always says what the figure
    counts or measures: the counted noun, else its unit ('days', 'km', 'USD', 'percent').
    Dates, years, ordinals, times, phone numbers, identifiers and 'one' as a pronoun are not
    figures.
    """
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise LessonsDataError(f"extract_figures: expected text (a string), got {type(text).__name__}")
    g = _grammar()
    rows = []
    for f in _extract(text, g):
        base = f.value * f.factor if not math.isnan(f.value) else math.nan
        counted = _strip_quotes(f.counted)
        # Floats and bools cast here so pandas infers the right dtypes without an astype pass.
        rows.append((text[f.start:f.end], f.start, f.end, float(f.value), f.qualifier, f.hedge, f.unit,
                     f.unit_name, f.currency, float(f.scale), float(f.low), float(f.high),
                     float(f.conservative), float(base), counted,
                     bool(f.counted_implied), f.verb, _measures(f, counted)))
    if not rows:
        return _no_figures()
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


@lru_cache(maxsize=1)
def _block_makers() -> tuple | None:
    """pandas' block and manager constructors, or None when this pandas has other internals."""
    try:
        from pandas._libs.internals import BlockPlacement
        from pandas.core.internals.blocks import get_block_type, new_block
        from pandas.core.internals.managers import BlockManager
    except ImportError:  # pragma: no cover - another pandas
        return None
    return BlockPlacement, new_block, BlockManager, get_block_type


class _Kit(NamedTuple):
    """What every small frame is made of, built once: per fixed dtype (numbers, flags) its numpy
    dtype, column positions, placement and block class; the text columns' positions and
    placements; the block classes of text and object columns; a one-value text array (its
    ``_from_backing_data`` wraps values without checking them again); where each column
    sits among the blocks (``blknos``, ``blklocs``), the same for every frame because the
    blocks are always made in one order; and, per fixed dtype, (dtype, how many columns,
    placement, block class, a getter of those columns' values from one row), plus a getter
    of a row's text values: a row's values are read straight into each block's array."""

    groups: tuple
    texts: tuple
    text_placements: tuple
    text_block: type
    object_block: type
    template: object
    blknos: np.ndarray
    blklocs: np.ndarray
    fixed: tuple
    text_of: object


def _getter(ks) -> object:
    """The values at positions ``ks`` of a row, as a tuple (one position: the value alone)."""
    return operator.itemgetter(*(int(k) for k in ks))


@lru_cache(maxsize=1)
def _block_kit() -> _Kit | None:
    """The :class:`_Kit`, or None without pandas' internals or a text array backed by a
    numpy array of objects (another pandas, another string storage)."""
    makers = _block_makers()
    if makers is None:  # pragma: no cover - another pandas
        return None
    placement, _, _, block_type = makers
    _, text, fixed, others = _figure_layout()
    template = pd.array(["x"], dtype=text)
    if not hasattr(template, "_ndarray"):  # pragma: no cover - another string storage
        return None
    groups = tuple((np.dtype(d), ks, placement(ks), block_type(np.dtype(d))) for d, ks in fixed.items())
    blknos = np.empty(len(FIGURE_COLUMNS), dtype=np.intp)
    blklocs = np.empty(len(FIGURE_COLUMNS), dtype=np.intp)
    for b, (_, ks, _, _) in enumerate(groups):
        blknos[ks], blklocs[ks] = b, np.arange(len(ks))
    blknos[others], blklocs[others] = np.arange(len(groups), len(groups) + len(others)), 0
    return _Kit(groups, tuple(others), tuple(placement(slice(k, k + 1)) for k in others), block_type(text),
                block_type(np.dtype(object)), template, blknos, blklocs,
                tuple((d, len(ks), pl, klass, _getter(ks)) for d, ks, pl, klass in groups), _getter(others))


@lru_cache(maxsize=_FAST_ROWS)
def _row_index(n: int) -> pd.RangeIndex:
    """The row labels 0..n-1, made once per n; each frame gets a view of it."""
    return pd.RangeIndex(n)


def _frame_from_blocks(blocks: list, n: int, columns: pd.Index) -> pd.DataFrame:
    """A DataFrame from ``(values, column positions)`` blocks that cover every column once.

    The blocks are made right, so pandas' own checks are skipped (they cost more than the
    extraction of one sentence); without its internals (another pandas) the public
    ``create_dataframe_from_blocks`` does the same with the checks."""
    makers = _block_makers()
    if makers is None:  # pragma: no cover - another pandas
        from pandas.api.internals import create_dataframe_from_blocks

        return create_dataframe_from_blocks(blocks, index=pd.RangeIndex(n), columns=columns)
    placement, new_block, manager_type, _ = makers
    made = tuple(new_block(v, placement(k), ndim=2) for v, k in blocks)
    return _frame_from_made(made, n, columns)


def _frame_from_made(made: tuple, n: int, columns: pd.Index, kit: _Kit | None = None) -> pd.DataFrame:
    manager_type = _block_makers()[2]
    # views: a frame's own index objects (setting ``.name`` on one must not reach the next frame)
    manager = manager_type(made, [columns.view(), _row_index(n).view()], verify_integrity=False)
    if kit is not None:  # the blocks are in the kit's order: where each column sits is known (copies: pandas edits them)
        manager._blknos, manager._blklocs = kit.blknos.copy(), kit.blklocs.copy()
    return pd.DataFrame._from_mgr(manager, axes=manager.axes)


def _text_blocks(values: list, n: int, kit: _Kit) -> list:
    """One block per text column when some value is not a ``str``, as pandas decides: a column
    of None only is ``object``, a column with some None is ``str`` with NaN."""
    text = _figure_layout()[1]
    out = []
    for k, pl in zip(kit.texts, kit.text_placements):
        v = values[k]
        if all(x is None for x in v):
            out.append(kit.object_block(np.array([v], dtype=object), ndim=2, placement=pl))
        else:
            out.append(kit.text_block(pd.array(list(v), dtype=text), ndim=2, placement=pl))
    return out


def _small_figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """The same frame as :func:`_figures_frame`, built from its blocks with the dtypes known
    in advance (numbers, flags) or decided as pandas decides them (a text column is ``str``
    unless every value is None, then ``object``). A test checks both paths agree.

    Each block's array is made from a flat run of values (no per-column lists, no nested
    lists for numpy to walk): one row, the most common result, is read in one step per block."""
    kit = _block_kit()
    if kit is None:  # pragma: no cover - another pandas
        return _small_frame_public(rows)
    n = len(rows)
    if n == 1:
        row = rows[0]
        made = [klass(np.array(get(row), dtype=d).reshape(width, 1), ndim=2, placement=pl)
                for d, width, pl, klass, get in kit.fixed]
        texts = kit.text_of(row)
    else:
        made = [klass(np.array([get(r) for r in rows], dtype=d).reshape(n, width).T.copy(), ndim=2, placement=pl)
                for d, width, pl, klass, get in kit.fixed]
        texts = [v for r in rows for v in kit.text_of(r)]
    if all(type(x) is str for x in texts):  # as extraction makes them: one object table, a view per column
        table = np.array(texts, dtype=object).reshape(n, len(kit.texts)).T.copy()
        wrap, block = kit.template._from_backing_data, kit.text_block
        made += [block(wrap(table[i]), ndim=2, placement=pl) for i, pl in enumerate(kit.text_placements)]
    else:
        made += _text_blocks(list(zip(*rows)), n, kit)
    return _frame_from_made(tuple(made), n, _figure_layout()[0], kit)


def _no_figures() -> pd.DataFrame:
    """A new frame with no rows, the same as :func:`_empty_figures` (a test checks), made
    from empty blocks: half the cost of copying the cached one."""
    kit = _block_kit()
    if kit is None:  # pragma: no cover - another pandas or storage
        # a shallow copy: with copy-on-write (pandas 3) a change to it never reaches the cache
        return _empty_figures().copy(deep=False)
    made = [klass(np.empty((len(ks), 0), dtype=d), ndim=2, placement=pl) for d, ks, pl, klass in kit.groups]
    empty = kit.template._from_backing_data
    made += [kit.text_block(empty(np.empty(0, dtype=object)), ndim=2, placement=pl) for pl in kit.text_placements]
    return _frame_from_made(tuple(made), 0, _figure_layout()[0], kit)


def _small_frame_public(rows: list[tuple]) -> pd.DataFrame:  # pragma: no cover - another pandas
    """:func:`_small_figures_frame` through pandas' public block API (its checks included)."""
    columns, text, fixed, others = _figure_layout()
    n = len(rows)
    values = list(zip(*rows))
    blocks = [(np.array([values[k] for k in ks], dtype=d), ks) for d, ks in fixed.items()]
    for k in others:
        v = values[k]
        blocks.append((np.array([v], dtype=object) if all(x is None for x in v) else pd.array(list(v), dtype=text),
                       slice(k, k + 1)))
    return _frame_from_blocks(blocks, n, columns)


_FIGURE_DTYPES = {"start": "int64", "end": "int64", "value": "float64", "low": "float64",
                  "high": "float64", "conservative": "float64", "base_value": "float64",
                  "scale": "float64", "counted_implied": "bool"}


@lru_cache(maxsize=1)
def _empty_figures() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=_FIGURE_DTYPES.get(name, "str")) for name in FIGURE_COLUMNS})


def _strip_quotes(s: str) -> str:
    return _EDGE_QUOTES.sub("", s)

