"""Chart builders for the chapters: each returns a titled Altair chart.

Every chart has a title a reader sees and a description a screen reader announces
(`lessons.book.titled`); each builder is a `lessons.book.book_chart` (shown without
repeating Altair's schema check, which tests/test_charts.py makes on every builder);
colours are Okabe-Ito (the preamble's theme sets them as the default, the few fixed ones
below are from the same palette), and meaning never rests on colour alone (shapes, ticks
or numbers carry it too).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from lessons import compare, language
from lessons.book import PHONE_TEXT_PX, SEQUENTIAL, book_chart, text_width, titled, wrap_px
from lessons.text import shorten as text_shorten

__all__ = ["claims_frame", "claims_chart", "naming_chart", "density_chart", "coverage_chart",
           "claim_points_chart", "voice_bars_chart", "coverage_grid_chart", "reuse_pairs_chart",
           "quote_groups_chart", "reuse_views"]

# Okabe-Ito
BLACK, BLUE, VERMILION, GREEN, PURPLE, ORANGE = "#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"

QUALIFIER_LABELS = {"exact": "exact", "at_least": "floor (more than, at least)",
                    "at_most": "ceiling (up to)", "approx": "estimate (about, nearly)",
                    "vague": "vague word (dozens)", "range": "range (between)"}
SHAPES = dict(zip(QUALIFIER_LABELS, ["circle", "triangle-right", "triangle-left", "diamond", "square", "stroke"]))
COLOURS = dict(zip(QUALIFIER_LABELS, [BLACK, BLUE, VERMILION, GREEN, PURPLE, ORANGE]))
FILLS = {q: BLACK if q == "exact" else "white" for q in QUALIFIER_LABELS}  # only an exact mark is filled
PANEL_TITLE_PX = 12  # the claims chart's panel titles (bold), cut into lines by book.wrap_px
CLAIM_ROW_PX = 17  # a report's row in a panel of the claims chart: the mark and its label above
PANEL_GAP_PX = 10  # between two panels of the claims chart
NOT_NAMED = "not named"  # a tooltip's 'Who said so' when the sentence names no source
TOOLTIP_CHARS = 160  # a sentence in a tooltip: cut at a word with '…' after this many characters


def shorten(text, limit: int = TOOLTIP_CHARS) -> str:
    """A tooltip's sentence: `text` cut at a word with '…' after `limit` characters
    (`lessons.text.shorten`)."""
    return text_shorten(text, limit)

def _who_said(source: pd.Series) -> pd.Series:
    """A figure's source for a tooltip: the name, or 'not named' (never an empty line)."""
    return source.fillna("").astype(str).str.strip().replace("", NOT_NAMED)


def claims_frame(reports: pd.DataFrame, verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct figure of a claim two or more reports give, placed for the dot
    plot: x (days, or years when the reports speak of a year or more), x_to (where the
    hedge lets the number go), row (offset within a report), claim title and hedge kind."""
    shared_claims = verdicts[verdicts["n_articles"] > 1]
    plot = reports[reports["claim"].isin(shared_claims["claim"])].copy()
    plot = plot.drop_duplicates(["claim", "label", "text"])
    plot["hedge kind"] = plot["qualifier"].map(QUALIFIER_LABELS)
    plot["who said"] = _who_said(plot["source"]) if "source" in plot else NOT_NAMED
    plot["counts shown"] = plot["counted"].fillna("").astype(str).str.strip().replace("", "not said")
    plot["x"] = plot["plot_value"]
    long_time = (plot["unit"] == "duration") & (plot.groupby("claim")["plot_value"].transform("min") >= 365)
    plot.loc[long_time, "x"] = plot["plot_value"] / 365.25
    plot["x_to"] = plot["x"]
    plot.loc[plot["qualifier"] == "at_least", "x_to"] = plot["x"] * 1.12
    plot.loc[plot["qualifier"] == "at_most", "x_to"] = plot["x"] * 0.88
    plot["row"] = plot.groupby(["claim", "label"]).cumcount()
    plot["unit shown"] = plot["unit"].map({"duration": "days"}).where(~long_time, "years")
    plot["unit shown"] = plot["unit shown"].fillna(plot["unit_name"].replace({"year": "years"})).replace("", "count")
    # '|': a new line. A panel's title is the claim cut into lines that fit a 390 px phone
    # (`book.wrap_px`), then '(unit) – verdict: ...' on its last line if it fits there, else on
    # its own: as few lines as read well, as each line is height the twelve panels add up
    verdict_of = shared_claims.set_index("claim")["verdict"]
    tails = "(" + plot["unit shown"] + ") – verdict: " + plot["claim"].map(verdict_of)
    plot["claim title"] = [_panel_title(label, tail) for label, tail in zip(plot["claim_label"], tails)]
    return plot


def _panel_title(label: str, tail: str) -> str:
    """A claims-chart panel title: `label` in lines that fit a phone, `tail` kept whole."""
    lines = wrap_px(label, PHONE_TEXT_PX, PANEL_TITLE_PX, bold=True) or [""]
    joined = f"{lines[-1]} {tail}".strip()
    if text_width(joined, PANEL_TITLE_PX, bold=True) <= PHONE_TEXT_PX:
        return "|".join(lines[:-1] + [joined])
    return "|".join(lines + [tail])


@book_chart
def claims_chart(reports: pd.DataFrame, verdicts: pd.DataFrame, articles: pd.DataFrame):
    """Chapter 2's dot plot: one panel per shared claim, one row per report, the mark's
    shape the kind of hedge, a dashed line the way the hedge lets the number go."""
    plot = claims_frame(reports, verdicts)
    shared_claims = verdicts[verdicts["n_articles"] > 1]
    # the legend lists only the kinds of figure that the chart shows
    kinds = [q for q in QUALIFIER_LABELS if q in set(plot["qualifier"])]
    domain = [QUALIFIER_LABELS[q] for q in kinds]
    x_scale = alt.Scale(zero=True, nice=True)
    x_axis = alt.Axis(format=",.0f", tickCount=3, labelOverlap=True, tickSize=3, labelPadding=2)
    base = alt.Chart().encode(
        y=alt.Y("label:N", title=None, sort=list(articles["label"])),
        yOffset=alt.YOffset("row:O"),
    )
    hedge_line = base.mark_rule(strokeDash=[4, 3], strokeWidth=2, color="#555555").encode(
        x=alt.X("x:Q", title=None, scale=x_scale, axis=x_axis), x2="x_to:Q")
    points = base.mark_point(size=140, strokeWidth=2.5, opacity=1).encode(
        x=alt.X("x:Q", title=None, scale=x_scale, axis=x_axis),
        shape=alt.Shape("hedge kind:N", scale=alt.Scale(domain=domain, range=[SHAPES[q] for q in kinds]), title="Kind of figure"),
        stroke=alt.Stroke("hedge kind:N", scale=alt.Scale(domain=domain, range=[COLOURS[q] for q in kinds]), title="Kind of figure"),
        # the fill is a field of the same legend, so the key draws each kind as the marks do:
        # exact filled black, every other kind open (walk 11: the key showed a hollow circle)
        fill=alt.Fill("hedge kind:N", scale=alt.Scale(domain=domain, range=[FILLS[q] for q in kinds]), title="Kind of figure"),
        tooltip=[alt.Tooltip("label:N", title="Report"), alt.Tooltip("shown:N", title="Figure as written"),
                 alt.Tooltip("counts shown:N", title="Counts"), alt.Tooltip("who said:N", title="Who said so"),
                 alt.Tooltip("hedge kind:N", title="Kind")],
    )
    # dy=-10: the label sits above the dashed hedge line, never struck through by it; it ends
    # just left of its mark, so it stays inside the panel (every axis starts at zero)
    labels = base.mark_text(align="right", dx=-6, dy=-10, fontSize=11).encode(
        x=alt.X("x:Q", title=None, scale=x_scale, axis=x_axis), text="shown:N")
    header = alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start", labelFontWeight="bold",
                        labelOrient="top", labelFontSize=PANEL_TITLE_PX, labelLimit=PHONE_TEXT_PX + 10,
                        labelPadding=4, labelExpr="split(datum.value, '|')")
    # walk 9: twelve panels were 2,254 px tall on a phone; each panel's overhead (title lines,
    # padding, the gap) is now as small as reads well, and the key comes first (legends on top)
    chart = alt.layer(hedge_line, points, labels, data=plot).properties(
        width=250, height=alt.Step(CLAIM_ROW_PX)).facet(
        row=alt.Row("claim title:N", title=None, header=header), spacing=PANEL_GAP_PX,
    ).resolve_scale(x="independent", y="independent").configure_legend(orient="top", columns=1)
    summary = "; ".join(f"{r.label}: {r.verdict}" for r in shared_claims.itertuples())
    return titled(
        chart,
        title="What each report says, claim by claim",
        description=("Dot plot, one panel per claim, one row per report; every axis starts at zero. "
                     "Mark shape shows the hedge: filled circle exact, right triangle a floor, left "
                     "triangle a ceiling, diamond an estimate, open square a vague word, drawn at a "
                     "cautious low number (ACLED's rule). Each mark is "
                     "labelled with the report's own words. Verdicts: " + summary + "."),
        subtitle=["Shape = kind of hedge; dashed line = the way a hedge", "lets the number go; label = the report's words"])


# Cell sizes that keep the chapter 3 and 4 grids inside the book's text column (688 px at a
# desktop width of 1280 px; tests/test_charts.py measures the drawn width); on a phone the
# wider charts scroll sideways, as before.
BOOK_COLUMN_PX = 688
NAMING_STEP = 21
NAMING_LABEL_PX = 90  # the widest word label of the naming chart; a longer one takes two lines
NAMING_FONT_PX = 12  # the theme's axis labels
NAMING_HEADER_PX = 11  # the naming chart's column headers
NAMING_ROW_PX, NAMING_TALL_ROW_PX = 24, 30  # a row of the naming chart: one line of label, two
DENSITY_STEP = 40
COVERAGE_STEP = 76
DENSITY_WHITE_TEXT = 0.6  # white numbers on the darker cells (past 60% of the square-root scale)
DENSITY_COLOURS = SEQUENTIAL[1:]  # above zero: the theme's blues without their near-white
DENSITY_ZERO_EDGE = "#999999"  # the edge of a zero's white square (3:1 against the page)


# Columns of the naming chart, one per voice of lessons.language.VOICES, left to right.
_NAMING_COLUMNS = ("In the reporter's own words", "Given to someone, no quotation marks", "Inside quotation marks")


def label_width(text: str, font_px: float = NAMING_FONT_PX) -> float:
    """How wide an axis label is drawn, at most, in px (`lessons.book.text_width`)."""
    return text_width(text, font_px)


def label_lines(label: str, limit_px: float = NAMING_LABEL_PX) -> list[str]:
    """A word's label as the lines an axis shows: one line when it fits in `limit_px`
    (``label_width``), else two, split at the space that makes the wider line narrowest. A
    single word too long for the line stays whole (the axis cuts it; the tooltip has it)."""
    words = label.split()
    if len(words) < 2 or label_width(label) <= limit_px:
        return [label]
    splits = [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
    return list(min(splits, key=lambda pair: max(map(label_width, pair))))


@book_chart
def naming_chart(names: pd.DataFrame, articles: pd.DataFrame):
    """Chapter 3: what each report calls the crowds and the forces, by voice (`language.naming`)."""
    order = list(articles["label"])
    plot = names.assign(
        Voice=names["voice"].map(dict(zip(("reporter", "attributed", "quoted"), _NAMING_COLUMNS))),
        Word=names["lemma"],
        Group=names["group"].map({"crowd": "Words for the crowds", "forces": "Words for security forces and troops"}),
        Kind=names["loaded"].map({True: "loaded word (square)", False: "plain word (circle)"}),
        # the axis shows the word on one or two lines ('\n' sorts like the space it replaces)
        Label=names["lemma"].map(lambda word: "\n".join(label_lines(str(word)))),
    )
    two_lines = plot["Label"].str.contains("\n", regex=False).any()
    # The columns are ordered by a key that sorts ('0|In the reporter's ...'), the header shows the
    # words after '|': Vega-Lite 6 draws the column headers of a row-and-column facet with
    # independent y scales in the wrong order when the sort is a list of values (the cells follow it)
    # A header is cut into lines as wide as its column of dots ('\n' between them): the words are
    # written once, at the left, so a column is no wider than its dots
    column_px = NAMING_STEP * max(1, plot["label"].nunique())
    plot["Column"] = plot["voice"].map({v: f"{i}|" + "\n".join(wrap_px(c, column_px, NAMING_HEADER_PX))
                                        for i, (v, c) in enumerate(zip(("reporter", "attributed", "quoted"), _NAMING_COLUMNS))})
    base = alt.Chart().encode(
        x=alt.X("label:N", title=None, sort=order, axis=alt.Axis(labelAngle=-45)),  # the reports' names say it
        # a label too long for NAMING_LABEL_PX is on two lines (label_lines); only a single word
        # too long for a line ends in '…' (the tooltip has the whole word)
        y=alt.Y("Label:N", title=None, sort="ascending",
                axis=alt.Axis(labelLimit=NAMING_LABEL_PX, labelExpr="split(datum.value, '\\n')", labelLineHeight=13)),
    )
    tooltip = [alt.Tooltip("label:N", title="Report"), alt.Tooltip("Word:N", title="Word"), alt.Tooltip("Voice:N", title="Voice"),
               alt.Tooltip("count:Q", title="Times")]
    points = base.mark_point(filled=True, size=260, opacity=1).encode(
        # the legend under the grid, not beside it (the width is the book column's)
        shape=alt.Shape("Kind:N", title="Kind of word", scale=alt.Scale(range=["square", "circle"]),
                        legend=alt.Legend(orient="bottom")),
        color=alt.Color("Kind:N", title="Kind of word", scale=alt.Scale(range=[VERMILION, BLUE]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=tooltip,
    )
    # the number on a dot shows the dot's tooltip too (a tap lands on the number)
    counts = base.mark_text(fontSize=10, fontWeight="bold", color="white").encode(text="count:Q", tooltip=tooltip)
    # One grid per group of words, one above the other, each as tall as its own words (walk 9:
    # a row of a row-and-column facet is as tall as its longest cell, so the crowds' few words
    # of the reporters' own stood above an empty gap). In a grid the three voices share the
    # words: a word a voice never uses is an empty row, which is itself what the chart shows,
    # and the words are written once, at the left (the chart is narrower on a phone).
    height = alt.Step(NAMING_TALL_ROW_PX if two_lines else NAMING_ROW_PX)
    grids = [alt.layer(points, counts, data=plot[plot["Group"] == group])  # cells sized to fit the book's 688 px column
             .properties(width=alt.Step(NAMING_STEP), height=height)
             .facet(column=alt.Column("Column:N", title=None, sort="ascending",
                                      header=alt.Header(labelExpr="split(split(datum.value, '|')[1], '\\n')",
                                                        labelFontSize=NAMING_HEADER_PX)))
             .properties(title=alt.TitleParams(group, anchor="start", fontSize=13))
             for group in dict.fromkeys(plot["Group"].sort_values(ascending=False))]  # the crowds first
    chart = alt.vconcat(*grids, spacing=24)
    return titled(
        chart,
        title="What each report calls the crowds and the security forces and troops",
        subtitle="Left: words the reporters chose. Middle: words given to someone without quotation marks. Right: words inside quotation marks. Squares are loaded words; the number is how many times.",
        description=("Dot chart in a grid. Columns: the reporter's own words, words given to a speaker without quotation "
                     "marks (reported speech), and words inside quotation marks. "
                     "Rows: words for the crowds, and words for security forces and troops. Each row of dots is one word, "
                     "each column of dots one report; the number in a dot is how many times the word appears. "
                     "Loaded words such as bandit and terrorist are squares, plain words such as protester are circles. "
                     "Most loaded words for the crowds are inside quotation marks; in the reporters' own words the "
                     "crowds are mostly protesters and demonstrators."),
    )


@book_chart
def density_chart(dens: pd.DataFrame, articles: pd.DataFrame):
    """Chapter 3: loaded words per 1,000 words by kind, voice and report (`language.density`)."""
    heat = dens[dens["voice"].isin(["reporter", "quoted"])].assign(  # the two voices with enough words
        Voice=dens["voice"].map({"reporter": "Reporter's own words", "quoted": "Inside quotation marks"}),
        Kind=dens["category"].map(language.CATEGORY_NAMES),
    )
    kinds = [language.CATEGORY_NAMES[c] for c in language.CATEGORIES]
    base = alt.Chart().encode(
        x=alt.X("label:N", title="Report", sort=list(articles["label"]), axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("Kind:N", title=None, sort=kinds),
    )
    tooltip = [alt.Tooltip("label:N", title="Report"), alt.Tooltip("Kind:N", title="Kind"), alt.Tooltip("Voice:N", title="Voice"),
               alt.Tooltip("n_terms:Q", title="Loaded words"), alt.Tooltip("voice_words:Q", title="Words in this voice"),
               alt.Tooltip("per_1000:Q", title="Per 1,000 words", format=".1f")]
    cells = base.mark_rect().encode(
        # square root: the reporters' own words (a few per 1,000) are visibly shaded beside the
        # quotations (tens per 1,000); one blue hue, light to dark, reads without colour vision.
        # A zero is a white square with a grey edge (none), and the scale starts at a light blue
        # that stands out from it, so the smallest number above zero is still seen
        color=alt.condition(
            "datum.per_1000 == 0", alt.value("white"),
            alt.Color("per_1000:Q", title="Per 1,000 words", legend=alt.Legend(title=["Per 1,000 words", "(white: none)"]),
                      scale=alt.Scale(type="sqrt", zero=True, range=DENSITY_COLOURS))),
        stroke=alt.condition("datum.per_1000 == 0", alt.value(DENSITY_ZERO_EDGE), alt.value("white")),
        tooltip=tooltip,
    )
    numbers = base.mark_text(fontSize=11).encode(  # the number in a cell shows the cell's tooltip too
        text=alt.Text("per_1000:Q", format=".1f"), tooltip=tooltip,
        color=alt.condition(f"sqrt(datum.per_1000) > {DENSITY_WHITE_TEXT} * sqrt({max(1.0, float(heat['per_1000'].max()))})",
                            alt.value("white"), alt.value("black")),
    )
    chart = (alt.layer(cells, numbers, data=heat)
             .properties(width=alt.Step(DENSITY_STEP), height=alt.Step(26))
             .facet(column=alt.Column("Voice:N", title=None, sort=["Reporter's own words", "Inside quotation marks"])))
    return titled(
        chart,
        title="Loaded words per 1,000 words, by voice",
        subtitle="Each cell: loaded words of one kind per 1,000 words in that voice. Darker means more (a square-root scale, so small numbers show); a white square means none. The number is written in the cell.",
        description=("Two grids of numbers, one for the reporters' own words and one for words inside quotation marks. "
                     "Rows are kinds of loaded word (labels, euphemisms, verbs of saying, intensifiers, distancing markers, "
                     "loaded descriptions, comment); columns are the five reports. Each cell gives loaded words per 1,000 "
                     "words in that voice, and is shaded darker for higher numbers; a cell with none is white. Labels and euphemisms are much denser "
                     "inside quotation marks than in the reporters' own words."),
    )


@book_chart
def coverage_chart(cov: pd.DataFrame, articles: pd.DataFrame, elements: list[dict]):
    """Chapter 4: which report mentions which part of the story (`compare.coverage` with a
    'Report' column); a tick or a dash in each square, not colour alone."""
    by_element = cov.groupby("element")["covered"].sum()
    n_single = len(compare.only_one_source(cov))
    heat = cov.assign(
        Mentioned=cov["covered"].map({True: "mentioned", False: "not mentioned"}),
        mark=cov["covered"].map({True: "✓", False: "–"}),
        Sentence=cov["sentence"].map(shorten).replace("", "none"),
    )
    base = alt.Chart(heat).encode(
        x=alt.X("Report:N", sort=list(articles["label"]), title=None, axis=alt.Axis(orient="top", labelAngle=0)),
        y=alt.Y("label:N", sort=[e["label"] for e in elements], title=None),
    )
    # the tick or dash written on a square shows the square's tooltip too: a tap or a pointer
    # in the middle of a square lands on it (walk 9: there nothing showed)
    tooltip = [alt.Tooltip("Report:N", title="Report"), alt.Tooltip("label:N", title="Part of the story"),
               alt.Tooltip("Mentioned:N", title="Mentioned"), alt.Tooltip("Sentence:N", title="First sentence")]
    squares = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("Mentioned:N", title="In the report?",
                        scale=alt.Scale(domain=["mentioned", "not mentioned"], range=[BLUE, "#E8E8E8"])),
        tooltip=tooltip,
    )
    marks = base.mark_text(fontSize=15, fontWeight="bold").encode(
        text="mark:N",
        color=alt.condition(alt.datum.covered, alt.value("white"), alt.value("black")),
        tooltip=tooltip,
    )
    chart = (squares + marks).properties(width=alt.Step(COVERAGE_STEP), height=alt.Step(24))
    return titled(
        chart,
        title="Which report mentions which part of the story",
        description=(
            f"A grid with the {len(articles)} reports as columns and {len(elements)} parts of the story as rows. "
            "A tick and a dark blue square mean the report has at least one sentence about that part; "
            "a dash and a light grey square mean it has none. "
            f"{int((by_element == len(articles)).sum())} parts are in every report; "
            f"{n_single} are in only one report."
        ),
    )


# -- the template: any folder of articles ---------------------------------------------------

def _note(text: str):
    from IPython.display import HTML

    return HTML(f"<p>{text}</p>")


@book_chart
def claim_points_chart(points: pd.DataFrame):
    """One small chart per claim (`figures.claim_chart_frame`): its label once (the title),
    its unit on the axis, one line per report, so two reports with the same figure never
    hide each other. With no claims, a sentence saying so instead of a chart."""
    if points.empty:
        return _note("No figure belongs to a claim, so there is nothing to chart.")
    points = points.copy()
    extra = []
    if "qualifier" in points:
        points["kind"] = points["qualifier"].map(lambda q: QUALIFIER_LABELS.get(q, str(q).replace("_", " ")))
        extra.append(alt.Tooltip("kind:N", title="Kind"))
    if "source" in points:
        points["who said"] = _who_said(points["source"])
        extra.append(alt.Tooltip("who said:N", title="Who said so"))
    if "sentence" in points:
        points["sentence_shown"] = points["sentence"].map(shorten)
        extra.append(alt.Tooltip("sentence_shown:N", title="Sentence"))
    tooltip = [alt.Tooltip("report:N", title="Report"), alt.Tooltip("figure:N", title="Figure as written"), *extra]
    panels = [
        alt.Chart(group, title=label).mark_point(size=120, filled=True).encode(
            x=alt.X("value:Q", title=f"Figure ({group['unit_shown'].iloc[0]})", axis=alt.Axis(format=",~f", tickMinStep=1)),
            y=alt.Y("report:N", title=None),
            shape=alt.Shape("report:N", legend=None),
            color=alt.Color("report:N", legend=None),
            tooltip=tooltip,
        ).properties(width=300)
        for label, group in points.groupby("claim_label", sort=False)
    ]
    return titled(alt.vconcat(*panels), title="What each report says, claim by claim",
                  description="One small chart per claim, its unit on the axis; one line per report with a mark "
                              "at the figure it gives. Marks far apart are figures that differ.")


@book_chart
def voice_bars_chart(terms: pd.DataFrame):
    """Loaded words per report (`tables.loaded_terms_table`), one panel per voice of
    `language.VOICES` (reporter, attributed, quoted), each named as the table names it
    (`tables.VOICE_NAMES`); a voice with no word still has its panel, its bars at 0."""
    from lessons.tables import VOICE_NAMES

    names = [VOICE_NAMES.get(v, v) for v in language.VOICES]
    reports = list(dict.fromkeys(terms["label"]))
    found = terms.groupby(["label", "voice"]).size()
    counts = pd.DataFrame([{"report": r, "voice": VOICE_NAMES.get(v, v), "words": int(found.get((r, v), 0))}
                           for v in language.VOICES for r in reports], columns=["report", "voice", "words"])
    chart = alt.Chart(counts).mark_bar().encode(
        x=alt.X("words:Q", title="Loaded words (count)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("report:N", title=None),
        color=alt.Color("voice:N", legend=None, sort=names),  # the panel titles name the voice
        row=alt.Row("voice:N", title=None, sort=names, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=[alt.Tooltip("report:N", title="Report"), alt.Tooltip("voice:N", title="Voice"),
                 alt.Tooltip("words:Q", title="Loaded words")],
    )
    return titled(chart, title="Loaded words in each report, by voice",
                  description=f"{len(names)} panels, one per voice ({'; '.join(names)}); one bar per report "
                              "giving how many loaded words it has in that voice.")


@book_chart
def coverage_grid_chart(cov: pd.DataFrame):
    """Which report covers which story element (`tables.coverage_tables`): yes or no written
    in each cell, dark when yes."""
    cov = cov.assign(report=cov["Report"], covered_text=cov["covered"].map({True: "yes", False: "no"}),
                     sentence_shown=cov["sentence"].map(shorten).replace("", "none"))
    cov = cov.drop(columns=["Report"])
    base = alt.Chart(cov).encode(
        x=alt.X("report:N", title=None, axis=alt.Axis(labelAngle=-40, labelAlign="right", labelLimit=140)),
        y=alt.Y("label:N", title=None, sort=list(dict.fromkeys(cov["label"]))),
    )
    tooltip = [alt.Tooltip("report:N", title="Report"), alt.Tooltip("label:N", title="Part of the story"),
               alt.Tooltip("covered_text:N", title="Covered?"),
               alt.Tooltip("sentence_shown:N", title="First sentence")]  # on the square and on its word
    chart = base.mark_rect(stroke="white").encode(
        color=alt.Color("covered_text:N", title="Covered?", scale=alt.Scale(domain=["yes", "no"], range=[BLUE, "#F0F0F0"])),
        tooltip=tooltip,
    ) + base.mark_text().encode(
        text="covered_text:N",
        color=alt.condition(alt.datum.covered_text == "yes", alt.value("white"), alt.value("black")),
        tooltip=tooltip,
    )
    return titled(chart, title="Which report covers which element of the story",
                  description="A grid: one row per story element, one column per report; each cell says yes or no "
                              "(and is dark when yes). Tap or hover over a cell to read the sentence that covers it.")


@book_chart
def reuse_pairs_chart(reuse: pd.DataFrame, articles: pd.DataFrame):
    """Words in shared passages (`compare.find_reuse`) per pair of reports, written at each
    bar's end. With no shared passage, a sentence saying so instead of a chart."""
    if reuse.empty:
        return _note("No two reports share a passage.")
    names = dict(zip(articles["article_id"], articles["label"]))
    pairs = reuse.assign(pair=reuse["article_a"].map(names) + " and " + reuse["article_b"].map(names))
    per_pair = pairs.groupby("pair")["n_words"].sum().rename("words").reset_index()
    chart = alt.Chart(per_pair).mark_bar().encode(
        x=alt.X("words:Q", title="Words in shared passages"),
        y=alt.Y("pair:N", title=None, sort="-x"),
        tooltip=[alt.Tooltip("pair:N", title="Reports"), alt.Tooltip("words:Q", title="Words shared")],
    ) + alt.Chart(per_pair).mark_text(align="left", dx=3).encode(x="words:Q", y=alt.Y("pair:N", sort="-x"), text="words:Q")
    return titled(chart, title="How much wording each pair of reports shares",
                  description="One bar per pair of reports that share passages; its length, also written at "
                              "its end, is the number of words in the shared passages.")


@book_chart
def quote_groups_chart(quotes: pd.DataFrame):
    """How many reports quote each statement (`tables.grouped_quotes`)."""
    sizes = quotes.groupby("group").agg(reports=("label", "nunique"), first=("text", "first")).reset_index()
    sizes["statement"] = "Group " + sizes["group"].astype(str) + ": " + sizes["first"].map(lambda t: shorten(t, 50))
    chart = alt.Chart(sizes).mark_bar().encode(
        x=alt.X("reports:Q", title="Reports quoting it", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("statement:N", title=None, sort="-x"),
        tooltip=[alt.Tooltip("statement:N", title="Statement"), alt.Tooltip("reports:Q", title="Reports quoting it")],
    )
    return titled(chart, title="How many reports quote each statement",
                  description="One bar per group of quotations (its first words as the label); its length is the "
                              "number of reports that quote that statement.")


def reuse_views(reuse: pd.DataFrame, articles: pd.DataFrame) -> tuple:
    """What the template shows on shared passages: the chart of `reuse_pairs_chart` and the
    passages as a table, or only the sentence saying there are none."""
    from lessons.book import html_table
    from lessons.tables import reuse_table

    if reuse.empty:
        return (reuse_pairs_chart(reuse, articles),)
    return (reuse_pairs_chart(reuse, articles),
            html_table(reuse_table(reuse, articles), caption="Shared passages (/ marks a new paragraph)"))
