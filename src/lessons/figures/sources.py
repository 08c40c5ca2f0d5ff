"""Who gave a figure: the attribution in its sentence (``attributions``) and the counting body
behind a source (``counting_body``)."""

from __future__ import annotations

import re

import pandas as pd

from .. import text as _text
from ..errors import text_arg
from .claims import _counters
from .grammar import _grammar

# =========================================================================== who counted
# The attribution grammar is the text layer's (lessons.text), one copy for every skill; the
# reporting verbs are this folder's (data/figures/lexicon.yml), as before.
_clean_subject = _text.clean_subject
_PRONOUN_SUBJECT = {"it", "he", "she", "they", "this", "that"}


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
    return _text.attribution_rows(sentence, verbs=_grammar(None).reporting)


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



# 'It' resolved from the sentence before, as the ledger's "Who gave it" column says it.
_IT_HEAD, _IT_TAIL = "It (the ", ", named in the sentence before)"


def _resolve_it(previous: str) -> str:
    """'It said its force would number about 2,500': when the sentence before names exactly one
    counting body (``counters.csv``), the body 'It' stands for ('CSTO'); otherwise ''."""
    found = {counter for regex, counter, _ in _counters() if regex.search(previous)}
    return found.pop() if len(found) == 1 else ""


def it_source(body: str) -> str:
    """The "Who gave it" text of an 'It': 'It (the CSTO, named in the sentence before)' when
    ``body`` (from ``_resolve_it``) names one, else 'It'."""
    return f"{_IT_HEAD}{body}{_IT_TAIL}" if body else "It"


def short_source(source: str, source_body: str = "") -> str:
    """A source short enough to stand in brackets after a figure: the body a resolved 'It'
    stands for ('the CSTO', from the table's ``source_body``), any other source as written."""
    return f"the {source_body}" if source_body else source
