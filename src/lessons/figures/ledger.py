"""``figures_table``: every figure of every article, with its sentence, quotation, source,
counting body, date words and claim."""

from __future__ import annotations

import bisect
import re

import pandas as pd

from ..errors import LessonsDataError
from ..text import is_heading_line
from .claims import assign_claim
from .extraction import FIGURE_COLUMNS, extract_figures
from .grammar import _grammar, _next_stop
from .sources import _attribution_rows, _resolve_it, _source_in, counting_body, it_source

TABLE_COLUMNS = [
    "article_id", "label", "figure", "sentence", "sentence_start", "in_quote", "speaker",
    "source", "source_body", "counter", "counter_kind", "when", "in_heading", *FIGURE_COLUMNS, "claim",
]


# =========================================================================== the table
def figures_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Every figure in every article body, with its article, sentence and source.

    ``articles``: the DataFrame from ``lessons.corpus.load_articles()`` (needs ``article_id`` and
    ``body``; ``label`` is used when present). Adds ``sentence`` (its text), ``in_quote`` and
    ``speaker`` (from ``lessons.corpus.quotes``), ``source`` (who gave the number: the quote's
    speaker, or the attribution in the sentence), ``source_body`` (the counting body an 'It'
    stands for when the sentence before names one, as in 'It (the CSTO, named in the sentence
    before)'; '' for any other source), ``counter`` and ``counter_kind`` (the
    counting body, from ``counters.csv``), ``when`` (time words such as 'yesterday' that date the
    figure) and ``claim`` (from ``claims.yml``; '' when no claim fits).
    """
    for column in ("article_id", "body"):
        if column not in getattr(articles, "columns", []):
            raise LessonsDataError(f"figures_table: the articles table has no '{column}' column (use lessons.corpus.load_articles())")
    g = _grammar()
    rows = []
    for _, art in articles.iterrows():
        label = art["label"] if "label" in articles.columns else art["article_id"]
        if not isinstance(label, str) or not label.strip():
            label = str(art["article_id"])  # a missing label: the id names the article
        rows += _article_records(art, label, g, _known_headings(art))
    table = pd.DataFrame(rows, columns=[*TABLE_COLUMNS, "_before", "_after"])
    memo: dict = {}  # figures in one sentence share the sentence-wide conditions
    table["claim"] = [assign_claim(r, _memo=memo) for r in table.to_dict("records")] if len(table) else []
    return table.drop(columns=["_before", "_after"])


class _Article:
    """One article body's lookups for its figures: sentences, quotations and lines found by
    bisection, attributions, date words and headings cached per sentence and per line (a long
    body with many figures must not rescan them once per figure). Plain lists, not DataFrame
    filters per figure: the same lookups, far less overhead."""

    def __init__(self, body: str, figs: pd.DataFrame, g, headings) -> None:
        from .. import corpus

        self.body, self.g, self.headings = body, g, headings
        self.sents = list(corpus.sentences(body).itertuples(index=False, name=None))
        self.sent_starts = [s[0] for s in self.sents]
        quotes = list(corpus.quotes(body)[["start", "end", "speaker"]].itertuples(index=False, name=None))
        self.containing = _containing_quotes(quotes, figs["start"].tolist(), figs["end"].tolist())
        self.fig_starts = [int(s) for s in figs["start"]]
        self.newlines = [m.start() for m in re.finditer("\n", body)]
        self.attr: dict[int, list[dict]] = {}
        self.whens: dict[int, str] = {}
        self.heading_lines: dict[int, bool] = {}

    def sentence(self, pos: int) -> tuple[int, int, str]:
        """``(k, start, text)`` of the last sentence starting at or before ``pos`` (k -1, the
        whole body, when none does)."""
        k = bisect.bisect_right(self.sent_starts, pos) - 1
        if k < 0:
            return k, 0, self.body
        return k, int(self.sents[k][0]), self.sents[k][2]

    def source(self, k: int, s_start: int, s_text: str, pos: int, speaker: str) -> tuple[str, str]:
        """Who gives the figure at ``pos``: the quotation's speaker, else the sentence's
        attribution; and the body an 'It' stands for when the sentence before names one
        (``(source, source_body)``, the body '' for any other source)."""
        if s_start not in self.attr:
            self.attr[s_start] = sorted(_attribution_rows(s_text), key=lambda a: a["start"])
        source = _source_in(self.attr[s_start], pos - s_start, s_text)
        if speaker:
            source = speaker
        if source.lower() == "it" and k > 0:
            body = _resolve_it(self.sents[k - 1][2])
            return it_source(body), body
        return source, ""

    def when(self, s_start: int, s_text: str) -> str:
        if s_start not in self.whens:
            self.whens[s_start] = ", ".join(dict.fromkeys(m.group().lower() for m in self.g.time_cues.finditer(s_text)))
        return self.whens[s_start]

    def in_heading(self, pos: int) -> bool:
        line_no = bisect.bisect_left(self.newlines, pos)
        if line_no not in self.heading_lines:
            self.heading_lines[line_no] = is_heading_line(self.body, pos, known=self.headings)
        return self.heading_lines[line_no]


def _article_records(art, label: str, g, headings) -> list[dict]:
    """The ledger rows of one article: one per figure, with ``_before``/``_after`` for the claims."""
    body = art["body"] if isinstance(art["body"], str) else ""
    figs = extract_figures(body)
    if figs.empty:
        return []
    index = _Article(body, figs, g, headings)
    rows = []
    for number, fig in enumerate(figs.itertuples(index=False), start=1):
        k, s_start, s_text = index.sentence(fig.start)
        inside = index.containing[number - 1]
        speaker = inside[2] if inside is not None else ""
        source, source_body = index.source(k, s_start, s_text, fig.start, speaker)
        counter, kind = counting_body(source)
        record = fig._asdict()
        record.update(article_id=art["article_id"], label=label, figure=f"{art['article_id']}-{number}",
                      sentence=s_text, sentence_start=s_start, in_quote=inside is not None, speaker=speaker,
                      source=source, source_body=source_body, counter=counter, counter_kind=kind, when=index.when(s_start, s_text),
                      in_heading=index.in_heading(fig.start))
        record["_before"] = body[max(0, fig.start - 40):fig.start]
        record["_after"] = _after_text(body, fig.end, index.fig_starts, number)
        rows.append(record)
    return rows


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


def _known_headings(art) -> frozenset:
    """The headline and crossheads of one article: its ``headings`` (``load_articles()``,
    from the cleaning record, spaces normalised); none when the table has no such column."""
    known = art.get("headings") if hasattr(art, "get") else None
    if not isinstance(known, (tuple, list, set, frozenset)):
        return frozenset()
    return frozenset(k for k in known if isinstance(k, str))


def _after_text(body: str, end: int, fig_starts: list[int], number: int) -> str:
    """The words after a figure, up to the next figure or the end of its sentence.
    ``fig_starts``: the start of every figure in ``body``, in order; ``number`` counts from 1."""
    stop = _next_stop(body, end)
    limit = len(body) if stop is None else stop
    if number < len(fig_starts):
        limit = min(limit, fig_starts[number])
    return body[end:limit]

