"""Who gave a figure: the attribution in its sentence (``attributions``) and the counting body
behind a source (``counting_body``)."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import pandas as pd

from ..errors import text_arg
from .claims import _counters
from .grammar import _SP, _grammar

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
        found = _subject_verb(sentence, m)
        if found is not None:
            add(*found)
    return rows


def _subject_verb(sentence: str, m: re.Match) -> tuple[int, int, str, str] | None:
    """A match of 'NAME said' as ``(start, end, source, direction)``, or None when the name is
    no speaker (a passive, a long lowercase clause)."""
    name = _clean_subject(m.group("name"))
    if not name or re.search(r"\d", name) or re.search(r"\b(?:been|be|being|is|was|were|are|widely)$", name, re.IGNORECASE):
        return None  # passive: 'unrest has been reported'
    if len(name.split()) > 6 and not re.search(r"[A-Z]", name[1:]):
        return None  # a long lowercase clause is not a speaker
    after = sentence[m.end():m.end() + 30]
    # backward: ', Tokayev said.' / ', the ministry said, after ...'
    trailing = re.match(_SP + r"*(?:$|[,.;]|in\b|on\b|at\b|late\b|earlier\b|yesterday\b|today\b|after\b|as\b)", after)
    start = m.start("name") + (len(m.group("name")) - len(m.group("name").lstrip()))
    # The character before the name, over spaces (led_by_comma) or any white space.
    led_by_comma = _last_char(sentence, start, _SP_CHARS) in (",", "\u201d", '"')
    led = led_by_comma or _last_char(sentence, m.start("name")) in (",", "\u201d", '"')
    direction = "backward" if trailing and led else "forward"
    return start, m.end(), name, direction


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



def _resolve_it(previous: str) -> str:
    """'It said its force would number about 2,500': when the sentence before names exactly one
    counting body (``counters.csv``), 'It' is that body; otherwise 'It' stays unresolved."""
    found = {counter for regex, counter, _ in _counters() if regex.search(previous)}
    return f"It (the {found.pop()}, named in the sentence before)" if len(found) == 1 else "It"
