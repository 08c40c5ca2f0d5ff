"""lessons.charts: every builder returns a titled chart with a description, in Okabe-Ito
colours, and meaning that does not rest on colour alone."""

import re

import pandas as pd
import pytest
from IPython.display import HTML

from lessons import book, charts, compare, corpus, figures, language, tables

OKABE_ITO = set(book.OKABE_ITO) | {"#000000", "#555555", "white", "black", "#E8E8E8", "#F0F0F0"}
OKABE_ITO |= set(book.SEQUENTIAL) | {charts.DENSITY_ZERO_EDGE}  # the theme's one-hue blues; a zero's grey edge


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
    title = " ".join(title) if isinstance(title, list) else title  # a long title is cut into lines
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
    assert frame["claim title"].str.contains(r"\(").all() and frame["claim title"].str.contains("verdict: ").all()
    d = assert_titled(charts.claims_chart(reports, verdicts, articles), "claim by claim")
    assert "shape" in str(d) and "Verdicts: " in d["description"]  # shape, not only colour


def test_naming_and_density_charts(articles):
    d = assert_titled(charts.naming_chart(language.naming(articles), articles), "calls the crowds")
    assert '"shape"' in str(d).replace("'", '"')
    d = assert_titled(charts.density_chart(language.density(articles), articles), "per 1,000 words")
    assert "per_1000" in str(d) and "format" in str(d)  # the number is written in each cell



def test_claims_chart_panel_titles_fit_a_phone(articles):
    """At 390 px a panel title longer than about 30 characters was cut off at the right edge
    ("'Bandits' said to have attacked Almat"): long claim names are wrapped, no word lost; and
    (walk 9: the chart was 2,254 px tall on a phone) in as few lines as fit."""
    _, reports, verdicts = tables.figure_tables(articles)
    frame = charts.claims_frame(reports, verdicts)
    width = lambda line: book.text_width(line, charts.PANEL_TITLE_PX, bold=True)  # noqa: E731
    for label, title in frame[["claim_label", "claim title"]].drop_duplicates().itertuples(index=False):
        lines = title.split("|")
        assert " ".join(lines).startswith(" ".join(label.split()) + " ("), title
        assert all(width(line) <= book.PHONE_TEXT_PX for line in lines), title
        assert "verdict: " in lines[-1] and lines[-1].count("(") >= 1, title  # '(unit) – verdict: x' kept whole
        # no line of the claim's name could have taken the next line's first word
        assert all(width(a + " " + b.split()[0]) > book.PHONE_TEXT_PX for a, b in zip(lines, lines[1:-1])), title
    assert (frame["claim title"].str.count(r"\|") >= 1).any(), "no long panel title to wrap: test is void"


def test_claims_chart_is_compact(articles):
    """Walk 9: twelve panels were 2,254 px tall on a phone. Each report's row is CLAIM_ROW_PX,
    the panels PANEL_GAP_PX apart, and the key comes before them (on top)."""
    import vl_convert as vlc

    _, reports, verdicts = tables.figure_tables(articles)
    d = spec(charts.claims_chart(reports, verdicts, articles))
    assert d["spec"]["height"] == {"step": charts.CLAIM_ROW_PX} and d["spacing"] == charts.PANEL_GAP_PX
    assert d["config"]["legend"]["orient"] == "top"
    svg = vlc.vegalite_to_svg(d)
    height = float(re.search(r'<svg[^>]*height="([\d.]+)"', svg).group(1))
    frame = charts.claims_frame(reports, verdicts)
    # at most 120 px a panel beyond its rows (title lines, axis, gap): 2,282 px before, here
    assert height <= len(frame) * charts.CLAIM_ROW_PX + 120 * frame["claim"].nunique(), height


def test_claims_chart_key_draws_marks_as_the_chart_does(articles):
    """Walk 11: the key showed a hollow circle for 'exact' while every exact mark (and the
    prose) is a filled circle. Drawn with vl-convert, each key symbol has the fill of its kind's
    marks: exact filled black, every other kind open (white)."""
    import vl_convert as vlc

    _, reports, verdicts = tables.figure_tables(articles)
    svg = vlc.vegalite_to_svg(spec(charts.claims_chart(reports, verdicts, articles)))
    key = re.findall(r'role-legend-symbol"[^>]*><path [^>]*?fill="([^"]+)"[^>]*/></g>'
                     r'<g class="mark-text role-legend-label"[^>]*><text [^>]*>([^<]+)</text>', svg)
    shown = {label: fill for fill, label in key}
    assert "exact" in shown and len(shown) >= 3, key
    for qualifier, label in charts.QUALIFIER_LABELS.items():
        if label in shown:
            assert shown[label] == ("#000000" if qualifier == "exact" else "white"), (label, shown[label])


def test_naming_chart_column_headers_name_their_cells(articles):
    """Vega-Lite 6 draws the column headers of a row-and-column facet with independent y scales
    in the wrong order when the sort is a list of values, while the cells follow the list: the
    reporter's words sat under 'Inside quotation marks'. The columns sort by a key instead, and
    each cell's key names its voice."""
    names = language.naming(articles)
    d = spec(charts.naming_chart(names, articles))
    for grid in d["vconcat"]:
        column = grid["facet"]["column"]
        assert not isinstance(column.get("sort"), list), "a list sort puts the headers in the wrong order"
        assert "split(split(datum.value, '|')[1], '\\n')" in column["header"]["labelExpr"]
    rows = [r for data in d["datasets"].values() for r in data]
    keys = {r[column["field"]].replace("\n", " ") for r in rows}  # a header's lines
    assert sorted(keys) == [f"{i}|{c}" for i, c in enumerate(charts._NAMING_COLUMNS)]
    by_voice = {"reporter": charts._NAMING_COLUMNS[0], "attributed": charts._NAMING_COLUMNS[1],
                "quoted": charts._NAMING_COLUMNS[2]}
    assert all(r[column["field"]].split("|")[1].replace("\n", " ") == by_voice[r["voice"]] for r in rows)


def test_naming_chart_has_one_grid_per_group_without_gaps(articles):
    """Walk 9: a row of the row-and-column grid was as tall as its longest cell, so the crowds'
    few words in the reporters' own voice stood above an empty gap. Each group is its own grid,
    its voices sharing its words (written once, at the left), as tall as its own words."""
    names = language.naming(articles)
    d = spec(charts.naming_chart(names, articles))
    assert len(d["vconcat"]) == names["group"].nunique() == 2
    for grid in d["vconcat"]:
        assert grid.get("resolve", {}).get("scale", {}).get("y") != "independent"
        words = {r["Label"] for r in d["datasets"][grid["data"]["name"]]}
        group = {r["Group"] for r in d["datasets"][grid["data"]["name"]]}
        assert len(group) == 1 and grid["title"]["text"] == group.pop()
        assert 0 < len(words) < names["lemma"].nunique()

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


def test_voice_bars_have_one_panel_per_voice_even_an_empty_one(articles):
    """Walk 9: the template's table had 'attributed' rows, its chart only two panels."""
    terms = tables.loaded_terms_table(articles)
    names = [tables.VOICE_NAMES[v] for v in language.VOICES]
    for shown in (terms, terms[terms["voice"] != "attributed"]):  # no attributed word: its panel stays, at 0
        d = spec(charts.voice_bars_chart(shown))
        rows = d["datasets"][d["data"]["name"]]
        assert sorted({r["voice"] for r in rows}) == sorted(names)
        assert d["encoding"]["row"]["sort"] == names
        assert d["description"].startswith(f"{len(language.VOICES)} panels") and all(n in d["description"] for n in names)
        per_voice = {n: sum(r["words"] for r in rows if r["voice"] == n) for n in names}
        assert per_voice == {tables.VOICE_NAMES[v]: int((shown["voice"] == v).sum()) for v in language.VOICES}


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


def _luminance(colour: str) -> float:
    """WCAG relative luminance of '#rrggbb', 'rgb(r, g, b)' or 'white'."""
    if colour == "white":
        return 1.0
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)] if colour.startswith("#") else \
        [int(x) for x in re.findall(r"\d+", colour)[:3]]
    lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_density_zero_cells_are_white_and_small_ones_shaded(articles):
    """A zero was the scale's palest blue (#f7fbff), close to the smallest numbers: a zero now
    reads as none at a glance (white, a grey edge), the legend says so, and every number above
    zero is a blue that stands out from white (the scale starts at a light blue)."""
    import vl_convert as vlc

    dens = language.density(articles)
    d = spec(charts.density_chart(dens, articles))
    encoding = d["spec"]["layer"][0]["encoding"]
    assert encoding["color"]["condition"] == {"test": "datum.per_1000 == 0", "value": "white"}
    assert "(white: none)" in encoding["color"]["legend"]["title"]
    svg = vlc.vegalite_to_svg(charts.density_chart(dens, articles).to_dict())
    cells = re.findall(r'aria-label="Report: [^"]*Per 1,000 words: ([\d.]+);[^"]*"[^>]*fill="([^"]+)" stroke="([^"]+)"', svg)
    shown = dens[dens["voice"].isin(["reporter", "quoted"])]
    assert len(cells) == len(shown) and (shown["per_1000"] == 0).sum() > 0
    for value, fill, stroke in cells:
        if float(value) == 0:
            assert (fill, stroke) == ("white", charts.DENSITY_ZERO_EDGE), (value, fill)
        else:  # lighter than white by 1.3:1 at least (the old scale's palest was 1.04:1)
            assert 1.05 / (_luminance(fill) + 0.05) >= 1.3, (value, fill)
    assert (1.05 / (_luminance(charts.DENSITY_ZERO_EDGE) + 0.05)) >= 2.8  # the edge is seen on a white page


def test_naming_labels_wrap_at_a_space_not_cut():
    """Chapter 3's word chart cut labels over 90 px with '…' ('law enforcement', 'forces of
    law and order'): a label that does not fit takes two lines, split at a space."""
    assert charts.label_lines("police") == ["police"]
    assert charts.label_lines("demonstrators") == ["demonstrators"]  # one word: it stays whole
    for label in ("law enforcement", "forces of law and order", "security officer", "riot police of the city"):
        lines = charts.label_lines(label)
        assert len(lines) == 2 and " ".join(lines) == label, lines
        assert max(map(charts.label_width, lines)) <= charts.NAMING_LABEL_PX, lines
    lines = charts.label_lines("an extraordinarily long name for the security forces of a country")
    assert len(lines) == 2 and charts.label_width(lines[0]) > charts.NAMING_LABEL_PX  # two lines at most
    # the estimate is an upper bound for the widest common font (DejaVu Sans, measured in Chromium)
    assert charts.label_width("law enforcement") >= 101 and charts.label_width("forces of law") >= 76


def test_naming_chart_shows_whole_labels_in_the_column(articles):
    """For the five articles' words no label is cut (the drawn SVG has no '…'), each is on at
    most two lines that fit the label column, and the chart still fits the book's column."""
    import vl_convert as vlc

    names = language.naming(articles)
    chart = charts.naming_chart(names, articles)
    d = spec(chart)
    axis = d["vconcat"][0]["spec"]["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelLimit"] == charts.NAMING_LABEL_PX and "split(datum.value" in axis["labelExpr"]
    labels = {r["Label"] for data in d["datasets"].values() for r in data}
    assert {label.replace("\n", " ") for label in labels} == set(names["lemma"])
    assert any("\n" in label for label in labels), "no label on two lines: the test checks nothing"
    for label in labels:
        assert all(charts.label_width(line) <= charts.NAMING_LABEL_PX for line in label.split("\n")) \
            or "\n" not in label, label
    svg = vlc.vegalite_to_svg(chart.to_dict())
    assert "…" not in svg
    assert _drawn_width(chart) <= charts.BOOK_COLUMN_PX


def test_long_subtitles_are_cut_into_lines():
    import altair as alt

    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")
    titled_chart = book.titled(chart, "T", "D", subtitle="word " * 60)
    lines = titled_chart.to_dict()["title"]["subtitle"]
    assert isinstance(lines, list) and len(lines) > 1
    assert max(book.text_width(line, book.SUBTITLE_FONT_PX) for line in lines) <= book.PHONE_TEXT_PX


def _every_chart(articles) -> dict:
    """One chart from each builder of `lessons.charts`, drawn from the five articles."""
    table, reports, verdicts = tables.figure_tables(articles)
    cov = tables.coverage_tables(articles)[0]
    ledger = figures.figures_table(articles)
    return {
        "claims_chart": charts.claims_chart(reports, verdicts, articles),
        "naming_chart": charts.naming_chart(language.naming(articles), articles),
        "density_chart": charts.density_chart(language.density(articles), articles),
        "coverage_chart": charts.coverage_chart(cov, articles, compare.load_elements()),
        "claim_points_chart": charts.claim_points_chart(figures.claim_chart_frame(figures.claim_reports(ledger))),
        "voice_bars_chart": charts.voice_bars_chart(tables.loaded_terms_table(articles)),
        "coverage_grid_chart": charts.coverage_grid_chart(cov),
        "reuse_pairs_chart": charts.reuse_pairs_chart(compare.find_reuse(articles), articles),
        "quote_groups_chart": charts.quote_groups_chart(tables.grouped_quotes(articles)),
    }


def _tooltips(d) -> list:
    """Every tooltip channel of a chart spec, each a list of field definitions."""
    found = []
    if isinstance(d, dict):
        for k, v in d.items():
            if k == "tooltip" and v is not None:
                found.append(v if isinstance(v, list) else [v])
            else:
                found += _tooltips(v)
    elif isinstance(d, list):
        for x in d:
            found += _tooltips(x)
    return found


SNAKE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)+$")


def test_every_tooltip_has_plain_titles_and_readable_values(articles):
    """Walk 11: the template's tooltips read 'qualifier: at_least', 'covered_text: yes',
    'source:' with nothing after it. Every tooltip field of every chart builder has a title
    a reader understands (written out, capitalised, no underscore), and no value it shows is
    a code (snake_case) or empty."""
    built = _every_chart(articles)
    builders = {n for n in dir(charts) if n.endswith("_chart") and callable(getattr(charts, n))
                and getattr(getattr(charts, n), "__module__", None) == charts.__name__}
    assert builders <= set(built), f"builders the test does not draw: {builders - set(built)}"
    for name, chart in built.items():
        d = spec(chart)
        groups = _tooltips(d)
        assert groups, f"{name}: no tooltip"
        rows = [r for data in d.get("datasets", {}).values() for r in data]
        for group in groups:
            for field in group:
                assert isinstance(field, dict) and field.get("title"), f"{name}: a tooltip field with no title: {field}"
                title = field["title"]
                assert not SNAKE.match(title) and "_" not in title and title[0].isupper(), f"{name}: raw title {title!r}"
                values = [r.get(field["field"]) for r in rows if field["field"] in r]
                assert values, f"{name}: tooltip field {field['field']!r} has no data"
                if field.get("type") == "nominal":
                    bad = {v for v in values if not str(v).strip() or SNAKE.match(str(v))}
                    assert not bad, f"{name}: {title!r} shows codes or nothing: {sorted(map(str, bad))[:5]}"


@pytest.mark.parametrize("text, limit, expected", [
    ("short sentence", 160, "short sentence"),
    ("the president authorised his forces to fire", 30, "the president authorised his…"),
    ("one, two, three", 10, "one, two…"),
    ("x" * 20, 8, "x" * 8 + "…"),
    (None, 10, ""),
])
def test_shorten_cuts_at_a_word_with_an_ellipsis(text, limit, expected):
    assert charts.shorten(text, limit) == expected


def _same_page(bundle: dict) -> dict:
    """A chart's bundle with the id Altair draws at random for each display left out."""
    return {k: re.sub(r"altair-viz-[0-9a-f]+", "ID", v) for k, v in bundle.items()}


def test_book_charts_show_without_repeating_the_schema_check(articles, monkeypatch, capsys):
    """Decision 51: a builder's chart is displayed without Altair's schema check (the tests
    above check every builder's spec); the page is the same. A chart a student makes, or
    makes from a book chart, is still checked and still gets Altair's own error."""
    import altair as alt
    from altair.utils import schemapi

    book.setup("html")
    chart = charts.density_chart(language.density(articles), articles)
    checked = alt.TopLevelMixin._repr_mimebundle_(chart)  # Altair's own display, with the check
    checks = []  # the classes whose spec is checked against the schema
    real = schemapi.SchemaBase.validate.__func__
    monkeypatch.setattr(schemapi.SchemaBase, "validate",
                        classmethod(lambda cls, *a, **k: checks.append(cls.__name__) or real(cls, *a, **k)))
    shown = chart._repr_mimebundle_()
    assert "FacetChart" not in checks and _same_page(shown) == _same_page(checked)
    changed = chart.properties(description="Changed.")  # a new chart: checked as usual
    assert _same_page(changed._repr_mimebundle_())["text/html"] != _same_page(checked)["text/html"]
    assert "FacetChart" in checks
    # a student's chart with a wrong value (set as an attribute, so only the display checks it)
    mine = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_point().encode(x="a:Q")
    mine.width = "wide"
    assert mine._repr_mimebundle_() == {}
    said = capsys.readouterr()
    assert "SchemaValidationError" in said.out + said.err and "invalid value for `width`" in said.out + said.err
