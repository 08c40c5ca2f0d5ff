"""Per-article tables and the values the chapters put in their prose.

The chapters only call these helpers (one line each, see docs/CONVENTIONS.md): every loop
over the articles and every reshaping of a table for a reader lives here, where it is tested.
Tables come back ready to show: named columns a reader understands, no row-number index.
Values for the prose come back as dicts of plain names (see `lessons.book.glue_values`).
"""

from __future__ import annotations

import html
import re

import pandas as pd

from lessons import compare, corpus, language

__all__ = [
    "join_names", "labels", "reports_with", "quotes_table", "loaded_terms_table",
    "scare_quotes_table", "sources_table", "credits_table", "removed_table", "removed_summary",
    "articles_html", "as_written", "figure_tables", "claim_row", "figure_text", "claim_values",
    "figure_counts", "figure_ledger", "hedge_examples", "same_value_figures",
    "same_value_values", "same_value_table", "counters_table", "counter_values", "claim_rows",
    "acled_table", "verdict_table", "lexicon_groups", "word_use", "naming_table",
    "passage_around", "opening", "density_values", "euphemism_table", "reports_using",
    "fragment_terms_table", "verbs_table", "passages_with", "evaluation_values",
    "headline_values", "openings_table", "opening_coverage", "coverage_tables",
    "coverage_values", "split_elements", "gaps_table", "shared_passages", "reuse_values",
    "shared_table", "pair_comparisons_html", "group_with", "variant_values", "pair_passages",
    "agency_values", "limits_table", "limits_values", "highest_row", "conservative_values",
    "vague_values", "open_folder", "count_of", "capitalise_dates", "ledger_table",
    "verdicts_with_reasons", "loaded_words_table", "voice_values", "element_counts", "reuse_table",
    "grouped_quotes", "quote_group_values", "quote_groups_table",
]


# -- small shared pieces -----------------------------------------------------------------

def join_names(names) -> str:
    """'A', 'A and B', 'A, B and C'; 'none' for no names."""
    names = list(names)
    if not names:
        return "none"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def labels(articles: pd.DataFrame) -> dict[str, str]:
    """article_id -> the short label charts and tables use."""
    return dict(zip(articles["article_id"], articles["label"]))


def _in_report_order(names, articles: pd.DataFrame) -> list[str]:
    """The labels among ``names``, in the order of the articles."""
    names = set(names)
    return [label for label in articles["label"] if label in names]


def reports_with(articles: pd.DataFrame, phrase: str, case: bool = False) -> int:
    """How many reports contain ``phrase`` (plain text, not a pattern)."""
    return int(articles["body"].str.contains(phrase, case=case, regex=False).sum())


def _per_article(articles: pd.DataFrame, finder) -> pd.DataFrame:
    """``finder(body)`` for every article, one frame with article_id and label added."""
    frames = [finder(body).assign(article_id=aid, label=label)
              for aid, label, body in zip(articles["article_id"], articles["label"], articles["body"])]
    return pd.concat(frames, ignore_index=True)


def quotes_table(articles: pd.DataFrame, min_words: int = 0) -> pd.DataFrame:
    """Every quotation in every report (`corpus.quotes` + article_id, label), at least
    ``min_words`` words long."""
    table = _per_article(articles, corpus.quotes)
    return table[table["n_words"] >= min_words].reset_index(drop=True)


def loaded_terms_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Every loaded term in every report (`language.find_loaded_terms` + article_id, label)."""
    return _per_article(articles, language.find_loaded_terms)


def scare_quotes_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Every short quoted fragment (`language.scare_quotes`) in every report."""
    return _per_article(articles, language.scare_quotes)


# -- chapter 1: where a report comes from -------------------------------------------------

def sources_table(articles: pd.DataFrame, published: bool = False) -> pd.DataFrame:
    """What the metadata says about each report's origin (``published``: add the date)."""
    columns = ["label", "outlet", *(["published"] if published else []), "headline", "agencies",
               "translated", "via"]
    table = articles.assign(agencies=articles["agencies"].map(", ".join),
                            headline=articles["headline"].map(corpus.shown_headline))[columns]
    return table.rename(columns={"label": "Short name", "outlet": "Outlet", "published": "Date shown",
                                 "headline": "Headline", "agencies": "Agencies named",
                                 "translated": "Translated?", "via": "How it reached us"})


def credits_table(articles: pd.DataFrame, path=None) -> pd.DataFrame:
    """The captions and credit lines the cleaning removed, one row each, by report."""
    credits = corpus.captions(path).merge(articles[["article_id", "label"]], on="article_id")
    # the credit once, in its own column ('... Alamy Stock Photo Alamy Stock Photo' -> the caption's words)
    words = [corpus.caption_without_credit(t, k) for t, k in zip(credits["caption"], credits["credit"])]
    # a line that is only a credit keeps what the page prints before it ('© AFP 2022', not 'AFP 2022')
    credits["credit"] = [_credit_as_printed(t, k) if not w else k
                         for t, k, w in zip(credits["caption"], credits["credit"], words)]
    credits["caption"] = [w or "(a credit line, no caption)" for w in words]
    return credits[["label", "caption", "credit"]].rename(
        columns={"label": "Report", "caption": "Caption (without its credit)", "credit": "Credit"})


def _credit_as_printed(line: str, credit: str) -> str:
    """A credit-only line's credit once, with the mark the page prints before it
    ('© AFP 2022' -> '© AFP 2022'; 'Alamy Stock Photo Alamy Stock Photo' -> 'Alamy Stock Photo')."""
    line, credit = str(line).strip(), str(credit).strip()
    at = line.find(credit) if credit else -1
    return (line[:at] + credit).strip() if at >= 0 else credit


def caption_piece_count(path=None) -> int:
    """How many pieces the cleaning removed as photo captions or credits (a page may print a
    caption twice, so this can be more than the captions)."""
    return int((corpus.removed_parts(path)["reason"] == "photo caption or credit").sum())


def removed_table(articles: pd.DataFrame, path=None) -> pd.DataFrame:
    """Every piece the cleaning removed (`corpus.removed_parts`) with its report's label."""
    return corpus.removed_parts(path).merge(articles[["article_id", "label"]], on="article_id")


def removed_summary(removed: pd.DataFrame) -> pd.DataFrame:
    """How many pieces were removed from each report, for each reason."""
    summary = removed.groupby(["label", "reason"]).size().rename("pieces").reset_index()
    return summary.rename(columns={"label": "Report", "reason": "Why it was removed", "pieces": "Pieces"})


def articles_html(articles: pd.DataFrame) -> str:
    """Each report as a closed <details> with its quotations marked (text escaped)."""
    parts = [corpus.QUOTE_LEGEND]
    for label, headline, body in zip(articles["label"], articles["headline"], articles["body"]):
        title = f"{label}: {corpus.shown_headline(headline)}"
        parts.append(f'<details class="lx-article"><summary>{html.escape(title)}</summary>'
                     f"{corpus.article_html(body)}</details>")
    return "\n".join(parts)


# -- chapter 2: checking figures ----------------------------------------------------------

HEDGED = ("at_least", "at_most", "approx", "range")


def as_written(counted: str, sentence: str) -> str:
    """The counted noun with the quotation marks the sentence puts around it, if any:
    the book keeps a source's label as the source's word ('“armed criminals”')."""
    for left, right in (("\u201c", "\u201d"), ("\u2018", "\u2019"), ('"', '"')):
        if counted and f"{left}{counted}{right}" in sentence:
            return f"\u201c{counted}\u201d"
    return counted


def figure_tables(articles: pd.DataFrame):
    """(table, reports, verdicts): every figure, the figures grouped into claims, one
    verdict per claim (`figures.figures_table`, `claim_reports`, `compare_figures`)."""
    from lessons import figures

    table = figures.figures_table(articles)
    return table, figures.claim_reports(table), figures.compare_figures(table)


def claim_row(reports: pd.DataFrame, claim: str, article: str | None = None,
              qualifier: str | None = None) -> pd.Series:
    """The first row of ``reports`` for a claim (in one report, with one qualifier)."""
    rows = reports[reports["claim"] == claim]
    if article is not None:
        rows = rows[rows["article_id"] == article]
    if qualifier is not None:
        rows = rows[rows["qualifier"] == qualifier]
    if rows.empty:
        raise KeyError(f"no figure for claim {claim!r} in {article or 'any report'}"
                       + (f" with qualifier {qualifier!r}" if qualifier else ""))
    return rows.iloc[0]


def figure_text(reports: pd.DataFrame, claim: str, article: str, qualifier: str | None = None) -> str:
    """The figure as written in one report (e.g. 'more than 3,000')."""
    return claim_row(reports, claim, article, qualifier)["text"]


def claim_values(reports: pd.DataFrame, verdicts: pd.DataFrame, claim: str, picks: dict) -> dict:
    """{key: the figure as written} for each ``picks`` entry (key -> article_id, or
    (article_id, qualifier)), and ``verdict``: the claim's verdict."""
    values = {}
    for key, pick in picks.items():
        article, qualifier = pick if isinstance(pick, tuple) else (pick, None)
        values[key] = figure_text(reports, claim, article, qualifier)
    values["verdict"] = verdicts.set_index("claim").loc[claim, "verdict"]
    return values


def figure_counts(table: pd.DataFrame, reports: pd.DataFrame, verdicts: pd.DataFrame) -> dict:
    """How many figures, reports, claims, hedges; and the first hedge shared by two numbers
    ('At least 26 protesters and 18 police officers': shown, label, sentence)."""
    shared_hedge = reports[reports["shown"].str.startswith("[")].iloc[0]
    return {
        "n_figures": len(table),
        "n_articles": table["article_id"].nunique(),
        "n_claims": len(verdicts),
        "n_compared": int((verdicts["n_articles"] > 1).sum()),
        "n_hedged": int(table["qualifier"].isin(HEDGED).sum()),
        "n_vague": int((table["qualifier"] == "vague").sum()),
        "n_exact": int((table["qualifier"] == "exact").sum()),
        "shared_shown": shared_hedge["shown"],
        "shared_label": shared_hedge["label"],
        "shared_sentence": shared_hedge["sentence"],
    }


def figure_ledger(reports: pd.DataFrame, verdicts: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per claim that two or more reports give, one column per report: what each
    says (who gave the number in brackets; – when the report does not say)."""
    from lessons.figures.sources import short_source

    shared = verdicts[verdicts["n_articles"] > 1]["claim"]
    said: dict = {}
    for r in reports[reports["claim"].isin(shared)].itertuples():
        who = f" ({short_source(r.source, r.source_body)})" if r.source else ""  # '(the CSTO)', not '(It (the CSTO, ...))
        said.setdefault((r.claim_label, r.label), []).append(f"{r.shown}{who}")
    claims_shown = list(dict.fromkeys(claim for claim, _ in said))
    return pd.DataFrame({"Claim": claims_shown, **{
        label: ["; ".join(dict.fromkeys(said[(claim, label)])) if (claim, label) in said else "–"
                for claim in claims_shown]
        for label in articles["label"]}})


HEDGE_KINDS = {"exact": "exact (no hedge)", "at_least": "floor", "at_most": "ceiling",
               "approx": "estimate", "vague": "vague quantity"}


def hedge_examples(table: pd.DataFrame) -> pd.DataFrame:
    """The first figure of each kind of hedge in the reports."""
    present = set(table["qualifier"])
    examples = (table[table["qualifier"].isin(list(HEDGE_KINDS))]
                .drop_duplicates("qualifier")
                .assign(kind=lambda t: t["qualifier"].map(HEDGE_KINDS))
                .set_index("qualifier").loc[[k for k in HEDGE_KINDS if k in present]]
                .reset_index())
    return examples[["kind", "text", "counted", "label", "sentence"]].rename(columns={
        "kind": "Kind", "text": "Figure", "counted": "What it counts", "label": "Report",
        "sentence": "Sentence"})


def same_value_figures(table: pd.DataFrame, article: str, value: float) -> pd.DataFrame:
    """The figures of one report with the same value, one per claim."""
    return table[(table["article_id"] == article) & (table["value"] == value)].drop_duplicates("claim")


def same_value_values(same: pd.DataFrame) -> dict:
    """The first two figures of `same_value_figures`: a (text, counted, verb, sentence) and
    b (counted, verb); the counted noun keeps the report's quotation marks."""
    a, b = same.iloc[0], same.iloc[1]
    return {"a": a["text"], "a_counted": as_written(a["counted"], a["sentence"]), "a_verb": a["verb"],
            "a_sentence": a["sentence"], "b_counted": as_written(b["counted"], b["sentence"]),
            "b_verb": b["verb"]}


def same_value_table(same: pd.DataFrame) -> pd.DataFrame:
    """The figures of `same_value_figures` side by side, in the report's words."""
    shown = same.assign(counted=[as_written(c, s) for c, s in zip(same["counted"], same["sentence"])],
                        implied=same["counted_implied"].map({True: "borrowed from earlier in the sentence (an inference)",
                                                             False: "next to the number"}))
    return shown[["text", "counted", "implied", "verb", "source", "sentence"]].rename(columns={
        "text": "Figure", "counted": "What it counts (in the report's words)",
        "implied": "Where the noun is", "verb": "What happened",
        "source": "Who said so", "sentence": "Sentence"})


def counters_table(table: pd.DataFrame) -> pd.DataFrame:
    """Who gave the figures that belong to a claim: figures and reports per counter."""
    claimed = table[table["claim"] != ""]
    counters = (claimed[claimed["counter"] != ""]
                .groupby(["counter", "counter_kind"])
                .agg(figures=("text", "count"), reports=("label", lambda s: ", ".join(dict.fromkeys(s))))
                .reset_index().sort_values("figures", ascending=False))
    return counters.rename(columns={"counter": "Who counted", "counter_kind": "Kind",
                                    "figures": "Figures", "reports": "Reports"})


def counter_values(table: pd.DataFrame) -> dict:
    """How many figures belong to a claim, how many counters gave them, how many have no source."""
    claimed = table[table["claim"] != ""]
    return {"n_claimed": len(claimed), "n_counters": len(counters_table(table)),
            "n_unsourced": int((claimed["source"] == "").sum())}


def claim_rows(reports: pd.DataFrame, claim: str) -> pd.DataFrame:
    """What each report says about one claim, lowest figure first."""
    rows = (reports[reports["claim"] == claim].sort_values("compare_low", kind="stable")
            [["label", "shown", "source", "when"]])
    return rows.rename(columns={"label": "Report", "shown": "Figure", "source": "Who said so",
                                "when": "Time words in the sentence"})


def highest_row(reports: pd.DataFrame, claim: str) -> pd.Series:
    """The row of a claim with the highest low end (the latest count, for a count that grew)."""
    rows = reports[reports["claim"] == claim]
    if rows.empty:
        raise KeyError(f"no figure for claim {claim!r}")
    return rows.sort_values("compare_low").iloc[-1]


def conservative_values(verdicts: pd.DataFrame, numbers: dict, texts: dict | None = None,
                        total: tuple = ()) -> dict:
    """The most conservative figure of claims (ACLED-style): {key: number} for ``numbers``
    (key -> claim), {key: figure as written} for ``texts``, and 'sum': the numbers of the
    keys in ``total`` added up."""
    claims = verdicts.set_index("claim")
    values = {key: claims.loc[claim, "conservative"] for key, claim in numbers.items()}
    values.update({key: claims.loc[claim, "conservative_text"] for key, claim in (texts or {}).items()})
    if total:
        values["sum"] = sum(values[key] for key in total)
    return values


def vague_values(words) -> dict:
    """{word: the number the figure helper reads 'WORD of people' as, conservatively}:
    the book's rule for vague words (ACLED-style, e.g. 12 for 'dozens')."""
    from lessons import figures

    return {word: figures.extract_figures(f"{word} of people")["conservative"].iloc[0] for word in words}


def acled_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The most conservative figure for each counted claim, and where it comes from."""
    acled = verdicts[verdicts["unit"] == "count"][["label", "reports", "conservative_text", "conservative_from"]]
    return acled.rename(columns={"label": "Claim", "reports": "What the reports say",
                                 "conservative_text": "Conservative figure", "conservative_from": "Taken from"})


def verdict_table(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The code's verdict on each claim, and why."""
    return verdicts[["label", "articles", "verdict", "reason"]].rename(columns={
        "label": "Claim", "articles": "Reports", "verdict": "Verdict", "reason": "Why"})


# -- chapter 3: loaded language -----------------------------------------------------------

def lexicon_groups(lexicon: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """(table, note): entries and a few examples per kind of loaded word, and a sentence on
    the patterns ('*-backed') that are not single words."""
    shown = lexicon["term"].where(~lexicon["term"].str.startswith("*-"), "[a name]" + lexicon["term"].str[1:])
    cats = (lexicon.assign(shown=shown).groupby("category")
            .agg(entries=("term", "size"), examples=("shown", lambda t: ", ".join(list(t)[:5])))
            .reindex(list(language.CATEGORIES)).reset_index())
    patterns = lexicon[lexicon["term"].str.startswith("*-")]
    note = "".join(
        f" The {language.CATEGORY_NAMES[p.category]} include a pattern, not a single word: "
        f"'[a name]{p.term[1:]}' (for example Moscow{p.term[1:]})."
        for p in patterns.itertuples()
    )
    cats["category"] = cats["category"].map(language.CATEGORY_NAMES)
    return cats.rename(columns={"category": "Kind of loaded word", "entries": "Entries",
                                "examples": "A few examples"}), note


def word_use(names: pd.DataFrame, lemmas, articles: pd.DataFrame, group: str = "crowd") -> dict:
    """For each lemma of `language.naming` in one group: '<lemma>_quoted' and
    '<lemma>_reporter' (times inside and outside quotation marks: the reporter's own words and
    words given to someone without quotation marks), '<lemma>_own' (the reporter's own words
    only), '<lemma>_reports' (reports using it),
    '<lemma>_quoted_reports' and '<lemma>_outside_reports' (which ones, in report order);
    and 'loaded_<group>_quoted_share': the percentage of loaded words that are quoted."""
    rows = names[names["group"] == group]
    values = {}
    for lemma in lemmas:
        mine = rows[rows["lemma"] == lemma]
        quoted, reporter = mine[mine["voice"] == "quoted"], mine[mine["voice"] != "quoted"]  # outside quotation marks
        values[f"{lemma}_quoted"] = int(quoted["count"].sum())
        values[f"{lemma}_reporter"] = int(reporter["count"].sum())
        values[f"{lemma}_own"] = int(mine.loc[mine["voice"] == "reporter", "count"].sum())
        values[f"{lemma}_reports"] = mine["article_id"].nunique()
        values[f"{lemma}_quoted_reports"] = ", ".join(_in_report_order(quoted["label"], articles))
        values[f"{lemma}_outside_reports"] = " and ".join(_in_report_order(reporter["label"], articles))
    loaded = rows[rows["loaded"]]
    total = loaded["count"].sum()
    values[f"loaded_{group}_quoted_share"] = round(100 * loaded.loc[loaded["voice"] == "quoted", "count"].sum()
                                                   / total) if total else 0
    return values


# The three voices of lessons.language.VOICES, in table words.
VOICE_SHORT = {"reporter": "own words", "attributed": "given to someone", "quoted": "quoted"}
VOICE_NAMES = {"reporter": "reporter's own words", "attributed": "given to someone, no quotation marks",
               "quoted": "inside quotation marks"}


def naming_table(names: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Times each report uses each word for the crowds and the forces, by voice."""
    order = list(articles["label"])
    wide = (names.assign(word=names["lemma"] + names["loaded"].map({True: " (loaded)", False: ""}))
            .pivot_table(index=["group", "word"], columns=["voice", "label"], values="count",
                         aggfunc="sum", fill_value=0))
    wide = wide.reindex(columns=pd.MultiIndex.from_product([list(VOICE_SHORT), order]), fill_value=0)
    wide.columns = [f"{lab}: {VOICE_SHORT[v]}" for v, lab in wide.columns]
    wide = wide.reset_index().rename(columns={"group": "Who", "word": "Word"})
    wide["Who"] = wide["Who"].map({"crowd": "crowds", "forces": "security forces and troops"})
    return wide


def _body(articles: pd.DataFrame, article_id: str) -> str:
    bodies = articles.set_index("article_id")["body"]
    if article_id not in bodies.index:
        raise KeyError(f"no article {article_id!r}")
    return bodies[article_id]


def passage_around(articles: pd.DataFrame, article_id: str, needle: str) -> str:
    """The paragraph of one report holding ``needle``, with the paragraphs before and after."""
    paras = _body(articles, article_id).split("\n\n")
    i = next((k for k, p in enumerate(paras) if needle in p), None)
    if i is None:
        raise KeyError(f"{article_id}: no paragraph holds {needle!r}")
    return "\n\n".join(paras[max(i - 1, 0):i + 2])


def opening(articles: pd.DataFrame, article_id: str, paragraphs: int = 1) -> str:
    """The first paragraphs of one report."""
    return "\n\n".join(_body(articles, article_id).split("\n\n")[:paragraphs])


def density_values(dens: pd.DataFrame, per: int = 1000) -> dict:
    """Loaded words per ``per`` words in each voice (`language.density`), over all reports."""
    words = dens.drop_duplicates(["article_id", "voice"]).groupby("voice")["voice_words"].sum()
    terms = dens.groupby("voice")["n_terms"].sum()
    return {"per_words": per,
            **{f"per{per}_{v}": round(per * terms.get(v, 0) / words[v], 1) if words.get(v) else 0.0
               for v in ("reporter", "quoted")}}


def euphemism_table(found: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Each euphemism found, by voice, with the reports that use it."""
    order = list(articles["label"])
    euph = found[found["category"] == "euphemism"]
    table = (euph.assign(word=euph["term"].str.lower())
             .groupby(["word", "voice"])["label"].agg(lambda s: ", ".join(sorted(set(s), key=order.index)))
             .reset_index())
    table["voice"] = table["voice"].map(VOICE_NAMES)
    return table.rename(columns={"word": "Euphemism", "voice": "Voice", "label": "Reports"})


def reports_using(found: pd.DataFrame, lemmas, articles: pd.DataFrame, category: str | None = None) -> str:
    """The reports (in report order) where a loaded term with one of ``lemmas`` is found."""
    rows = found if category is None else found[found["category"] == category]
    return ", ".join(_in_report_order(rows.loc[rows["lemma"].isin(list(lemmas)), "label"], articles))


def _inside(terms: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    return terms[(terms["start"] >= start) & (terms["end"] <= end)]


def fragment_terms_table(articles: pd.DataFrame) -> pd.DataFrame:
    """Each short quoted fragment (possible scare quotes), who said it, and the loaded
    words inside it."""
    rows = []
    for label, body in zip(articles["label"], articles["body"]):
        terms = language.find_loaded_terms(body)
        for q in language.scare_quotes(body).itertuples():
            inside = _inside(terms, q.start, q.end)["term"]
            rows.append({"Report": label, "Quoted words": q.text.strip(" ,."),
                         "Said by (if the report says)": q.speaker or "not named",
                         "Loaded words inside": ", ".join(inside) or "none"})
    return pd.DataFrame(rows, columns=["Report", "Quoted words", "Said by (if the report says)",
                                       "Loaded words inside"])


def verbs_table(verbs: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Verbs of saying in the reporters' own words (`language.attribution_verbs`), by report."""
    vt = verbs.pivot_table(index=["kind", "verb"], columns="label", values="count", aggfunc="sum", fill_value=0)
    vt = vt.reindex(columns=list(articles["label"]), fill_value=0).reset_index()
    vt.columns.name = None  # no stray "label" header above the table
    vt["kind"] = vt["kind"].map({"neutral": "neutral", "judging": "judges the speaker"})
    return vt.rename(columns={"kind": "Kind of verb", "verb": "Verb"})


def verb_values(verbs: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """Chapter 3's prose values on verbs of saying, from `language.attribution_verbs`:
    'n_neutral_verbs' and 'n_judging_verbs' (times, in the reporters' own words),
    'judging_verbs' (each judging verb with the reports that use it: the words of
    `verbs_table`) and 'judging_given' (judging verbs the program gives to a speaker instead,
    so that they are in no count, with their report)."""
    judging = verbs[verbs["kind"] == "judging"]
    given = [f'"{t.term}" ({label})' for label, body in zip(articles["label"], articles["body"])
             for t in language.find_loaded_terms(body).itertuples()
             if t.category == "attribution" and t.voice != "reporter"]
    named = [f'"{verb}" ({", ".join(rows["label"])})' for verb, rows in judging.groupby("verb", sort=False)]
    return {"n_neutral_verbs": int(verbs.loc[verbs["kind"] == "neutral", "count"].sum()),
            "n_judging_verbs": int(judging["count"].sum()),
            "judging_verbs": "; ".join(named) or "none", "judging_given": "; ".join(given) or "none"}


def marked_words(passages: pd.DataFrame, lemmas) -> str:
    """Which of ``lemmas`` the word list marks in the 'Passage' column (`passages_with`), each
    with its group, in order of first use: "'eliminated', euphemism; 'destroyed', intensifier"
    ('none of these words' when it marks none)."""
    terms = language.find_loaded_terms(" ".join(passages["Passage"])).drop_duplicates("lemma")
    terms = terms[terms["lemma"].isin(list(lemmas))]
    return "; ".join(f"'{t.term}', {t.category}" for t in terms.itertuples()) or "none of these words"

def _marks(terms: pd.DataFrame) -> str:
    return ", ".join(f"{x.term} ({x.voice})" for x in terms.itertuples()) or "none"


def passages_with(articles: pd.DataFrame, word: str) -> pd.DataFrame:
    """Each sentence holding ``word`` (widened to whole quotations), in every report, with
    the loaded words found in it (voice decided on the whole report)."""
    rows = []
    for label, body in zip(articles["label"], articles["body"]):
        terms = language.find_loaded_terms(body)
        spans = sorted({language.passage_span(body, s.start, s.end)
                        for s in corpus.sentences(body).itertuples() if word in s.text})
        for p0, p1 in spans:
            rows.append({"Report": label, "Passage": body[p0:p1],
                         "Loaded words the program finds": _marks(_inside(terms, p0, p1))})
    return pd.DataFrame(rows, columns=["Report", "Passage", "Loaded words the program finds"])


def evaluation_values(result: dict) -> dict:
    """`language.evaluate` as prose values: items, precision, recall and voice (per cent), misses."""
    return {"items": result["items"], "precision": round(100 * result["precision"]),
            "recall": round(100 * result["recall"]), "voice": round(100 * result["voice_accuracy"]),
            "misses": result["misses"]}


# -- chapter 4: comparing sources ---------------------------------------------------------

def _openings(articles: pd.DataFrame, path=None) -> pd.DataFrame:
    """``standfirst`` and ``lead`` of each report, indexed by article_id, from the articles
    table itself: the line under the headline (a paragraph of kind 'standfirst', see
    ``corpus.load_articles``' ``paragraph_kinds``) is not the first paragraph. A table
    without ``paragraph_kinds`` counts every paragraph as a paragraph."""
    rows = []
    kinds_col = articles["paragraph_kinds"] if "paragraph_kinds" in articles else [None] * len(articles)
    for article_id, body, kinds in zip(articles["article_id"], articles["body"], kinds_col):
        paragraphs = [p for p in str(body).split("\n\n")]
        kinds = list(kinds) if kinds is not None and len(kinds) == len(paragraphs) else ["paragraph"] * len(paragraphs)
        first = {k: next((p for p, kk in zip(paragraphs, kinds) if kk == k and p.strip()), "")
                 for k in ("standfirst", "paragraph")}
        rows.append({"article_id": article_id, "standfirst": first["standfirst"], "lead": first["paragraph"]})
    return pd.DataFrame(rows, columns=["article_id", "standfirst", "lead"]).set_index("article_id")


def openings_table(articles: pd.DataFrame, path=None) -> pd.DataFrame:
    """Each report's headline, the line under it (standfirst, '–' if none) and first paragraph."""
    opening = _openings(articles, path)
    return pd.DataFrame({"Report": articles["label"].to_numpy(), "Headline": articles["headline"].map(corpus.shown_headline).to_numpy(),
                         "Line under the headline (standfirst)": opening["standfirst"].replace("", "–").to_numpy(),
                         "First paragraph": opening["lead"].to_numpy()})


def standfirst_names(articles: pd.DataFrame, path=None) -> str:
    """The reports that print a standfirst the cleaning can tell apart, joined for prose."""
    opening = _openings(articles, path)
    names = labels(articles)
    return join_names(names[a] for a in opening.index[opening["standfirst"] != ""])


def headline_values(articles: pd.DataFrame, patterns: dict) -> dict:
    """'n_headline_<key>': headlines matching each pattern (case-insensitive regex of the
    chapter); 'n_headlines_known'; 'no_headline': the reports without one."""
    values = {f"n_headline_{key}": int(articles["headline"].str.contains(pattern, case=False).sum())
              for key, pattern in patterns.items()}
    known = articles["headline"].str.lower() != "unknown"
    values["n_headlines_known"] = int(known.sum())
    values["no_headline"] = ", ".join(articles.loc[~known, "label"]) or "none"
    return values


def opening_coverage(articles: pd.DataFrame, element_id: str) -> str:
    """The reports whose first paragraph covers one story element, joined for prose."""
    element = [e for e in compare.load_elements() if e["id"] == element_id]
    firsts = pd.DataFrame({"article_id": articles["article_id"].to_numpy(),
                           "body": _openings(articles)["lead"].to_numpy()})
    cov = compare.coverage(firsts, element)
    names = labels(articles)
    return join_names(names[a] for a, c in zip(cov["article_id"], cov["covered"]) if c)


def coverage_tables(articles: pd.DataFrame):
    """(cov, single, gaps): `compare.coverage`, `only_one_source` and `left_out`, each with
    the report's label in a column 'Report'."""
    names = labels(articles)
    cov = compare.coverage(articles)
    cov["Report"] = cov["article_id"].map(names)
    single = compare.only_one_source(cov)
    single["Report"] = single["article_id"].map(names)
    return cov, single, compare.left_out(cov)


def coverage_values(articles: pd.DataFrame, cov: pd.DataFrame, single: pd.DataFrame, gaps: pd.DataFrame) -> dict:
    """Story elements, those in every report, those in only one; the report(s) leaving out most."""
    by_element = cov.groupby("element")["covered"].sum()
    most_gaps = gaps.groupby("article_id").size()
    top_gap = int(most_gaps.max()) if len(most_gaps) else 0
    names = labels(articles)
    top = [names[a] for a in most_gaps.index if most_gaps[a] == top_gap]
    return {
        "n_elements": len(compare.load_elements()),
        "n_all_five": int((by_element == len(articles)).sum()),
        "n_single": len(single),
        "single_list": "; ".join(f"{r.label} ({r.Report})" for r in single.itertuples()),
        "most_gaps_report": join_names(top),
        "most_gaps_verb": "each leave out" if len(top) > 1 else "leaves out",
        "most_gaps_n": top_gap,
    }


def split_elements(cov: pd.DataFrame, n_articles: int) -> list[str]:
    """Element ids (in the elements file's order) that at least two reports mention and at
    least two leave out: good questions, since the reports split on them."""
    counts = cov.groupby("element")["covered"].sum()
    return [e["id"] for e in compare.load_elements() if 2 <= counts.get(e["id"], 0) <= n_articles - 2]


def gaps_table(gaps: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per report: the parts of the story it leaves out, and which reports have them."""
    names = labels(articles)
    return (gaps.assign(Report=gaps["article_id"].map(names),
                        Others=gaps["covered_by"].map(lambda ids: ", ".join(names[i] for i in ids)))
            .groupby("Report", sort=False)
            .apply(lambda d: "; ".join(f"{r.label} (in {r.Others})" for r in d.itertuples()),
                   include_groups=False)
            .rename("Left out (and which reports have it)").reset_index())


def shared_passages(articles: pd.DataFrame) -> pd.DataFrame:
    """`compare.find_reuse` with the agencies both reports name, and labels A and B."""
    names = labels(articles)
    shared = compare.passage_agencies(compare.find_reuse(articles), articles)
    shared["A"] = shared["article_a"].map(names)
    shared["B"] = shared["article_b"].map(names)
    return shared


def reuse_values(shared: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """Shared passages, pairs of reports that share one (of all pairs), and the longest one."""
    n = len(articles)
    values = {"n_passages": len(shared), "n_pairs": shared[["A", "B"]].drop_duplicates().shape[0],
              "n_pairs_all": n * (n - 1) // 2}
    if len(shared):
        top = shared.sort_values("n_words", ascending=False).iloc[0]
        values.update(top_words=int(top["n_words"]), top_a=top["A"], top_b=top["B"])
    return values


def pair_passages(shared: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """The shared passages of one pair of reports (article ids, in find_reuse's order)."""
    return shared[(shared["article_a"] == a) & (shared["article_b"] == b)]


def agency_values(articles: pd.DataFrame, article_id: str, agency: str, prefix: str = "") -> dict:
    """'<prefix>agencies': the agencies one report names; '<prefix>names_<agency>': 'also
    names' or 'does not name'."""
    named = articles.set_index("article_id").loc[article_id, "agencies"]
    return {f"{prefix}agencies": join_names(named),
            f"{prefix}names_{agency.lower()}": "also names" if agency in named else "does not name"}


def shared_table(shared: pd.DataFrame) -> pd.DataFrame:
    """The shared passages side by side ('/' marks a new paragraph)."""
    view = shared[["A", "B", "shared_agencies", "score", "a_text", "b_text"]].rename(columns={
        "A": "Report A", "B": "Report B", "shared_agencies": "Agencies both name",
        "score": "Match (1 = the same words, once differences in spelling, quotation marks and word endings are ignored)",
        "a_text": "Passage in A", "b_text": "Passage in B"})
    view["Agencies both name"] = view["Agencies both name"].map(lambda a: ", ".join(a) or "none")
    for col in ["Passage in A", "Passage in B"]:
        view[col] = view[col].str.replace(r"\s*\n\s*", " / ", regex=True)
    return view


def pair_comparisons_html(shared: pd.DataFrame, articles: pd.DataFrame, picks) -> str:
    """`compare.compare_html` for the first passage of each (a, b, phrase) pick whose text
    in a holds the phrase; picks with no such passage are left out."""
    names = labels(articles)
    parts = []
    for a, b, phrase in picks:
        rows = pair_passages(shared, a, b)
        rows = rows[rows["a_text"].str.contains(phrase, regex=False)]
        if len(rows):
            parts.append(compare.compare_html(rows.iloc[0]["a_text"], rows.iloc[0]["b_text"], names[a], names[b]))
    return "\n".join(parts)


def group_with(variants: pd.DataFrame, phrase: str):
    """The group of `compare.quote_variants` that most reports quote with ``phrase`` in it."""
    hits = variants[variants["text"].str.contains(phrase, regex=False)].groupby("group")["label"].nunique()
    if hits.empty:
        raise KeyError(f"no quotation holds {phrase!r}")
    return hits.idxmax()


def variant_values(variants: pd.DataFrame, articles: pd.DataFrame, groups: dict, without: tuple,
                   paraphrase: tuple) -> dict:
    """Prose values on quoted statements:
    'n_quote_groups' (statements two or more reports quote); 'n_<key>_versions' for each
    group in ``groups``; 'no_<word>_version': the versions of group ``without[0]`` that lack
    the word ``without[1]``; '<key>_paraphrase': the reports that mention ``paraphrase[1]``
    without quoting group ``paraphrase[0]`` (key: the group's key)."""
    sizes = variants.groupby("group")["label"].nunique()
    values = {"n_quote_groups": int((sizes >= 2).sum())}
    values.update({f"n_{key}_versions": int(sizes.loc[group]) for key, group in groups.items()})
    key, word = without
    rows = variants[variants["group"] == groups[key]]
    lacking = rows.loc[~rows["text"].str.contains(rf"\b{re.escape(word)}\b"), "label"]
    values[f"no_{word}_version"] = join_names(f"{n}'s version" for n in lacking)
    key, word = paraphrase
    quoted = set(variants.loc[variants["group"] == groups[key], "label"])
    others = [label for label, body in zip(articles["label"], articles["body"])
              if label not in quoted and corpus.sentences(body)["text"].str.contains(rf"\b{re.escape(word)}").any()]
    values[f"{key}_paraphrase"] = ((join_names(others) + (" paraphrases it" if len(others) == 1 else " paraphrase it"))
                                   if others else "no other report mentions it")
    return values


# -- chapter 3: what a word list cannot do ---------------------------------------------------

WRITTEN = "Written for this book"


def _limit_entries(path) -> tuple[dict, ...]:
    """The passages of limits.yml, checked by ``lessons.datafiles.limits`` (as ``lessons check`` does)."""
    from lessons.datafiles import limits as limits_file

    return limits_file.load(path)


def limits_table(articles: pd.DataFrame, path=None) -> pd.DataFrame:
    """Each passage of data/language/limits.yml, what the word list marks in it (voice
    decided on the whole report for a passage from one) and what a careful reader sees."""
    from lessons.paths import data_dir

    path = path or data_dir() / "language" / "limits.yml"
    names, rows = labels(articles), []
    for entry in _limit_entries(path):
        if "text" in entry:
            text, where, terms = entry["text"], WRITTEN, language.find_loaded_terms(entry["text"])
        else:
            body = _body(articles, entry["article"])
            s = corpus.sentences(body)
            hit = s[s["text"].str.contains(entry["find"], regex=False)]
            if hit.empty:
                raise KeyError(f"{path}: no sentence of {entry['article']} holds {entry['find']!r}")
            p0, p1 = language.passage_span(body, hit.iloc[0]["start"], hit.iloc[0]["end"])
            text, where, terms = body[p0:p1], names[entry["article"]], _inside(language.find_loaded_terms(body), p0, p1)
        rows.append({"Passage": text, "From": where,
                     "What the program marks": ", ".join(
                         f"{x.term} ({x.voice})"
                         for x in terms.itertuples()) or "nothing",
                     "What a careful reader sees": entry["reader"]})
    return pd.DataFrame(rows, columns=["Passage", "From", "What the program marks", "What a careful reader sees"])


def limits_values(limits: pd.DataFrame) -> dict:
    """How many passages of `limits_table` come from the reports and how many were written."""
    from_reports = int((limits["From"] != WRITTEN).sum())
    return {"n_limits_reports": from_reports, "n_limits_written": len(limits) - from_reports}


# -- the template: your own articles --------------------------------------------------------

def open_folder(folder):
    """Check a teacher's folder (relative paths: to the working folder, else the book's
    root) and make every helper read it (`check.use_folder`); returns the check's report.

    A folder with errors shows the problems as a table and stops the notebook (SystemExit
    with the summary), before any helper reads it."""
    from pathlib import Path

    from IPython.display import display

    from lessons.book import html_table
    from lessons.check import check, problems_table, use_folder
    from lessons.paths import REPO_ROOT

    path = Path(folder).expanduser()
    if not path.is_absolute() and not path.exists():
        path = REPO_ROOT / path
    report = check(path)
    if report.errors:
        display(html_table(problems_table(report.problems), caption="Problems in the folder: fix these first"))
        raise SystemExit(report.summary())
    use_folder(path)  # every helper now reads this folder's articles and data files
    return report


def count_of(n: int, word: str, plural: str | None = None) -> str:
    """count_of(1, 'group') -> '1 group'; count_of(2, 'group') -> '2 groups'."""
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


DAY_OR_MONTH = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|"
                          r"february|march|april|may|june|july|august|september|october|november|"
                          r"december)\b")


def capitalise_dates(text) -> str:
    """'on tuesday' -> 'on Tuesday' (the figure helper gives dates in lower case)."""
    return DAY_OR_MONTH.sub(lambda m: m.group(1).capitalize(), str(text))


# the words chapter 2 uses for the figure helper's hedge codes
HEDGE_NAMES = {"exact": "exact", "at_least": "floor", "at_most": "ceiling", "approx": "estimate",
               "vague": "vague quantity", "range": "range"}


def ledger_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """Every figure of `figures.figures_table` for a reader: its hedge in words (with the
    hedge's own words) and its claim's label (from the claims file of the folder in use)."""
    from lessons import figures

    claim_labels = {c.claim: c.label for c in figures.load_claims()}
    shown = ledger.assign(
        qualifier=[HEDGE_NAMES.get(q, q) + (f" ({h})" if h else "") for q, h in zip(ledger["qualifier"], ledger["hedge"])],
        claim=ledger["claim"].map(lambda c: claim_labels.get(c, c) if c else ""),
    )
    return shown[["label", "text", "qualifier", "unit_name", "counted", "source", "claim", "sentence"]].rename(
        columns={"label": "Report", "text": "Figure as written", "qualifier": "Hedge", "unit_name": "Unit",
                 "counted": "Counts", "source": "Who gave it", "claim": "Claim", "sentence": "Sentence"})


def verdicts_with_reasons(verdicts: pd.DataFrame) -> pd.DataFrame:
    """The verdicts of `figures.compare_figures`, reasons with capitalised dates, and the
    most careful figure."""
    return verdicts.assign(reason=verdicts["reason"].map(capitalise_dates))[
        ["label", "articles", "verdict", "reason", "conservative_from"]].rename(
        columns={"label": "Claim", "articles": "Reports", "verdict": "Verdict", "reason": "Why",
                 "conservative_from": "Most careful figure (from)"})


def loaded_words_table(terms: pd.DataFrame) -> pd.DataFrame:
    """Every loaded word of `loaded_terms_table`, its voice (in the words of `VOICE_NAMES`, as
    the chart names its panels) and a plainer alternative. The speaker is whoever the text gives
    the word to: quoted, or attributed without quotation marks."""
    table = terms[["label", "term", "category", "voice", "speaker", "neutral"]]
    table = table.assign(voice=table["voice"].map(VOICE_NAMES).fillna(table["voice"]))
    return table.rename(columns={"label": "Report", "term": "Word", "category": "Kind", "voice": "Voice",
                                 "speaker": "Whose word", "neutral": "A plainer word"})


def voice_values(terms: pd.DataFrame) -> dict:
    """How many loaded words were found, how many voices a word can be in
    (`language.VOICES`: reporter, attributed, quoted) and how many words are in each voice
    (``n_<voice>``)."""
    return {"n_loaded": len(terms), "n_voices": len(language.VOICES),
            **{f"n_{v}": int((terms["voice"] == v).sum()) for v in language.VOICES}}


def element_counts(cov: pd.DataFrame, n_articles: int) -> dict:
    """Story elements; how many every report covers; how many only one covers."""
    per_element = cov.groupby("element")["covered"].sum()
    return {"n_elements": cov["element"].nunique(), "n_all": int((per_element == n_articles).sum()),
            "n_one": int((per_element == 1).sum())}


def reuse_table(reuse: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The passages of `compare.find_reuse` for a reader ('/' marks a new paragraph)."""
    names = labels(articles)
    shown = reuse.assign(pair=reuse["article_a"].map(names) + " and " + reuse["article_b"].map(names),
                         **{c: reuse[c].str.replace(r"\s*\n\s*", " / ", regex=True) for c in ["a_text", "b_text"]})
    return shown[["pair", "n_words", "a_text", "b_text"]].rename(
        columns={"pair": "Reports", "n_words": "Words", "a_text": "In the first", "b_text": "In the second"})


def grouped_quotes(articles: pd.DataFrame, min_words: int = 2) -> pd.DataFrame:
    """The outer quotations of at least ``min_words`` words in every report, each with the
    group of quotations rendering the same statement (`compare.group_quotes`, counted from 1)."""
    quotes = quotes_table(articles, min_words=min_words)
    quotes = quotes[~quotes["nested"].astype(bool)].reset_index(drop=True)
    quotes["group"] = [g + 1 for g in compare.group_quotes(quotes["text"].tolist())] if len(quotes) else []
    return quotes


def quote_group_values(quotes: pd.DataFrame) -> dict:
    """Quotations, groups, groups that two or more reports quote; and the same as prose."""
    spread = quotes.groupby("group")["label"].nunique()
    n_groups, n_multi = int(quotes["group"].nunique()), int((spread > 1).sum())
    return {"n_quotes": len(quotes), "n_groups": n_groups, "n_multi": n_multi,
            "quotes_in_groups": f"{count_of(len(quotes), 'quotation')} in {count_of(n_groups, 'group')}",
            "multi_groups": count_of(n_multi, "group") + (" is" if n_multi == 1 else " are")}


def quote_groups_table(quotes: pd.DataFrame) -> pd.DataFrame:
    """The quotations of `grouped_quotes`, group by group."""
    return quotes.sort_values(["group", "label"])[["group", "label", "speaker", "text"]].rename(
        columns={"group": "Group", "label": "Report", "speaker": "Speaker (if named)", "text": "Quoted words"})
