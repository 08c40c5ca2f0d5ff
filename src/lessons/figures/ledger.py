"""``figures_table``: every figure of every article, with its sentence, quotation, source,
counting body, date words and claim."""

from __future__ import annotations

import bisect
import re

import pandas as pd

from ..errors import LessonsDataError
from .claims import assign_claim
from .extraction import FIGURE_COLUMNS, extract_figures
from .grammar import _grammar, _next_stop
from .sources import _attribution_rows, _resolve_it, _source_in, counting_body

TABLE_COLUMNS = [
    "article_id", "label", "figure", "sentence", "sentence_start", "in_quote", "speaker",
    "source", "counter", "counter_kind", "when", "in_heading", *FIGURE_COLUMNS, "claim",
]


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
    from .. import corpus

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
    from .. import corpus

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



def _after_text(body: str, end: int, fig_starts: list[int], number: int) -> str:
    """The words after a figure, up to the next figure or the end of its sentence.
    ``fig_starts``: the start of every figure in ``body``, in order; ``number`` counts from 1."""
    stop = _next_stop(body, end)
    limit = len(body) if stop is None else stop
    if number < len(fig_starts):
        limit = min(limit, fig_starts[number])
    return body[end:limit]

