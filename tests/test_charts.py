"""lessons.charts: every builder returns a titled chart with a description, in Okabe-Ito
colours, and meaning that does not rest on colour alone."""

import re

import pandas as pd
import pytest
from IPython.display import HTML

from lessons import book, charts, compare, corpus, figures, language, tables

OKABE_ITO = set(book.OKABE_ITO) | {"#000000", "#555555", "white", "black", "#E8E8E8", "#F0F0F0"}


@pytest.fixture(scope="module")
def articles():
    return corpus.load_articles()


def spec(chart) -> dict:
    return chart.to_dict()


def colours(d) -> set:
    """Every colour literal of a chart spec (range lists and value fields)."""
    found = set()
    if isinstance(d, dict):
        for k, v in d.items():
            if isinstance(v, str) and v.startswith("#"):
                found.add(v)
            elif k in ("range",) and isinstance(v, list):
                found.update(x for x in v if isinstance(x, str) and x.startswith("#"))
            else:
                found |= colours(v)
    elif isinstance(d, list):
        for x in d:
            found |= colours(x)
    return found


def assert_titled(chart, title_part):
    d = spec(chart)
    title = d["title"]["text"] if isinstance(d["title"], dict) else d["title"]
    assert title_part in title
    assert len(d["description"].split()) >= 10, "a screen reader needs a real description"
    assert colours(d) <= OKABE_ITO, f"colours outside the palette: {colours(d) - OKABE_ITO}"
    return d


def test_claims_frame_and_chart(articles):
    table, reports, verdicts = tables.figure_tables(articles)
    frame = charts.claims_frame(reports, verdicts)
    shared = set(verdicts.loc[verdicts["n_articles"] > 1, "claim"])
    assert set(frame["claim"]) == shared
    floors = frame[frame["qualifier"] == "at_least"]
    assert (floors["x_to"] > floors["x"]).all()  # a floor's line points up
    assert frame["claim title"].str.contains(r"\|\(").all() and frame["claim title"].str.contains("verdict: ").all()
    d = assert_titled(charts.claims_chart(reports, verdicts, articles), "claim by claim")
    assert "shape" in str(d) and "Verdicts: " in d["description"]  # shape, not only colour


def test_naming_and_density_charts(articles):
    d = assert_titled(charts.naming_chart(language.naming(articles), articles), "calls the crowds")
    assert '"shape"' in str(d).replace("'", '"')
    d = assert_titled(charts.density_chart(language.density(articles), articles), "per 1,000 words")
    assert "per_1000" in str(d) and "format" in str(d)  # the number is written in each cell



def test_claims_chart_panel_titles_fit_a_phone(articles):
    """At 390 px a panel title longer than about 30 characters was cut off at the right edge
    ("'Bandits' said to have attacked Almat"): long claim names are wrapped, no word lost."""
    _, reports, verdicts = tables.figure_tables(articles)
    frame = charts.claims_frame(reports, verdicts)
    for label, title in frame[["claim_label", "claim title"]].drop_duplicates().itertuples(index=False):
        lines = title.split("|")[:-1]  # the last line is '(unit) – verdict: ...'
        assert " ".join(lines) == " ".join(label.split()), title
        assert all(len(line) <= charts.TITLE_LINE for line in lines), title
    assert (frame["claim_label"].str.len() > charts.TITLE_LINE).any(), "no long claim name to wrap: test is void"


def test_naming_chart_column_headers_name_their_cells(articles):
    """Vega-Lite 6 draws the column headers of a row-and-column facet with independent y scales
    in the wrong order when the sort is a list of values, while the cells follow the list: the
    reporter's words sat under 'Inside quotation marks'. The columns sort by a key instead, and
    each cell's key names its voice."""
    names = language.naming(articles)
    d = spec(charts.naming_chart(names, articles))
    column = d["facet"]["column"]
    assert not isinstance(column.get("sort"), list), "a list sort puts the headers in the wrong order"
    rows = [r for data in d["datasets"].values() for r in data]
    keys = {r[column["field"]] for r in rows}
    assert sorted(keys) == [f"{i}|{c}" for i, c in enumerate(charts._NAMING_COLUMNS)]
    by_voice = {"reporter": charts._NAMING_COLUMNS[0], "attributed": charts._NAMING_COLUMNS[1],
                "quoted": charts._NAMING_COLUMNS[2]}
    assert all(r[column["field"]].split("|")[1] == by_voice[r["voice"]] for r in rows)
    assert "split(datum.value, '|')[1]" in column["header"]["labelExpr"]

def test_coverage_chart(articles):
    cov, single, _ = tables.coverage_tables(articles)
    d = assert_titled(charts.coverage_chart(cov, articles, compare.load_elements()), "mentions which part")
    assert f"{len(single)} are in only one report" in d["description"]
    assert "✓" in str(d["datasets"]) or "✓" in str(d)


def test_template_charts(articles):
    ledger = figures.figures_table(articles)
    points = figures.claim_chart_frame(figures.claim_reports(ledger))
    assert_titled(charts.claim_points_chart(points), "claim by claim")
    empty = charts.claim_points_chart(points.iloc[:0])
    assert isinstance(empty, HTML) and "nothing to chart" in empty.data
    assert_titled(charts.voice_bars_chart(tables.loaded_terms_table(articles)), "by voice")
    cov = tables.coverage_tables(articles)[0]
    d = assert_titled(charts.coverage_grid_chart(cov), "covers which element")
    assert "covered_text" in str(d)
    quotes = tables.grouped_quotes(articles)
    assert_titled(charts.quote_groups_chart(quotes), "quote each statement")


def test_reuse_views(articles):
    reuse = compare.find_reuse(articles)
    chart, table = charts.reuse_views(reuse, articles)
    assert_titled(chart, "pair of reports")
    assert "Shared passages" in table.data
    (note,) = charts.reuse_views(reuse.iloc[:0], articles)
    assert isinstance(note, HTML) and "No two reports share a passage" in note.data


def _drawn_width(chart) -> float:
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    return float(re.search(r'width="([\d.]+)"', svg).group(1))


def test_chapter_grids_fit_the_desktop_column(articles):
    """Walk 8: chapter 3's word chart was 1140 px and chapter 4's grid 748 px in a 688 px
    column at 1280 px wide (a one-line subtitle and a side legend set the width)."""
    cov, _, _ = tables.coverage_tables(articles)
    for name, chart in (("naming", charts.naming_chart(language.naming(articles), articles)),
                        ("density", charts.density_chart(language.density(articles), articles)),
                        ("coverage", charts.coverage_chart(cov, articles, compare.load_elements()))):
        assert _drawn_width(chart) <= charts.BOOK_COLUMN_PX, name


def test_density_scale_shows_small_cells(articles):
    """The reporters' own words (a few per 1,000) were white beside quotations (tens per
    1,000): the colour scale is a square root, so they are shaded."""
    dens = language.density(articles)
    d = spec(charts.density_chart(dens, articles))
    scale = d["spec"]["layer"][0]["encoding"]["color"]["scale"]
    assert scale["type"] == "sqrt" and scale.get("zero") is True
    small = dens.loc[dens["voice"] == "reporter", "per_1000"].max()
    assert (small / dens["per_1000"].max()) ** 0.5 >= 0.3  # at least a third of the way to dark


def test_long_subtitles_are_cut_into_lines():
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    titled_chart = book.titled(chart, "T", "D", subtitle="word " * 60)
    lines = titled_chart.to_dict()["title"]["subtitle"]
    assert isinstance(lines, list) and len(lines) > 1 and max(map(len, lines)) <= book.SUBTITLE_CHARS
