"""How chapters show tables (issue 17): no 0/1 index, numbers for reading, every cell escaped."""

from pathlib import Path

import pandas as pd

from lessons import book


def test_frame_for_reading_hides_default_index_and_formats_decimals():
    frame = pd.DataFrame({"figure": [1200.0, 2.5, None, 0.25], "year": [2022, 2021, 2020, 2019],
                          "text": ["a", "b", "c", "d"]})
    out = book.frame_for_reading(frame)
    assert list(out.columns) == ["figure", "year", "text"]  # no index column
    assert out["figure"].tolist() == ["1,200", "2.5", "", "0.25"]
    assert out["year"].tolist() == [2022, 2021, 2020, 2019]  # whole numbers untouched
    named = book.frame_for_reading(frame.set_index("text"))
    assert list(named.columns)[0] == "text"  # a meaningful index is kept, as a column
    filtered = book.frame_for_reading(frame[frame["year"] < 2022])  # row numbers 1, 2, 3 left over
    assert list(filtered.columns) == ["figure", "year", "text"], "a filtered table shows no 'index' column"


def test_frame_html_escapes_and_has_no_index():
    frame = pd.DataFrame({"x <y>": ["<script>alert(1)</script>"], "n": [1200.0]})
    markup = book.frame_html(frame, caption="A & B")
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "x &lt;y&gt;" in markup
    assert "<caption>A &amp; B</caption>" in markup and "1,200" in markup and "1200.0" not in markup
    assert "<th>0</th>" not in markup and 'class="lx-table-wrap"' in markup
    # JupyterLab loads no lessons.css: the wrapper scrolls by its own (inline) style
    assert f'<div class="lx-table-wrap" tabindex="0" style="{book.TABLE_WRAP_STYLE}">' in markup
    assert "overflow-x: auto" in book.TABLE_WRAP_STYLE and "max-width: 100%" in book.TABLE_WRAP_STYLE


def test_setup_registers_the_display_in_ipython():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        book.setup()
        data, _ = shell.display_formatter.format(pd.DataFrame({"n": [1200.0, 3.5]}))
        assert "1,200" in data["text/html"] and "lx-table" in data["text/html"]
        assert "1200.0" not in data["text/html"]
    finally:
        InteractiveShell.clear_instance()


def test_claim_chart_frame_shows_short_durations_in_hours_and_names_units():
    from lessons.figures import claim_chart_frame

    reports = pd.DataFrame([
        {"claim": "wait", "claim_label": "Waiting time", "label": "A", "article_id": "a", "text": "six hours",
         "unit": "duration", "unit_name": "", "plot_value": 0.25},
        {"claim": "wait", "claim_label": "Waiting time", "label": "B", "article_id": "b", "text": "half a day",
         "unit": "duration", "unit_name": "", "plot_value": 0.5},
        {"claim": "term", "claim_label": "Term", "label": "A", "article_id": "a", "text": "two years",
         "unit": "duration", "unit_name": "", "plot_value": 730.5},
        {"claim": "jail", "claim_label": "Sentence", "label": "A", "article_id": "a", "text": "ten days",
         "unit": "duration", "unit_name": "", "plot_value": 10.0},
        {"claim": "dead", "claim_label": "Killed", "label": "B", "article_id": "b", "text": "12 people",
         "unit": "count", "unit_name": "people", "plot_value": 12.0},
        {"claim": "n", "claim_label": "Arrests", "label": "B", "article_id": "b", "text": "300",
         "unit": "count", "unit_name": "", "plot_value": 300.0},
    ])
    out = claim_chart_frame(reports).set_index(["claim", "report"])
    assert out.loc[("wait", "A"), "value"] == 6 and out.loc[("wait", "A"), "unit_shown"] == "hours"
    assert out.loc[("wait", "B"), "value"] == 12
    assert out.loc[("term", "A"), "unit_shown"] == "years" and round(out.loc[("term", "A"), "value"], 2) == 2
    assert out.loc[("jail", "A"), "unit_shown"] == "days" and out.loc[("jail", "A"), "value"] == 10
    assert out.loc[("dead", "B"), "unit_shown"] == "people" and out.loc[("n", "B"), "unit_shown"] == "count"
    assert claim_chart_frame(reports.iloc[0:0]).empty


def test_frame_html_cells_carry_their_column_for_phone_cards():
    frame = pd.DataFrame({"Outlet": ["Al Jazeera", None], "Words <n>": [3.0, 4.5]})
    markup = book.frame_html(frame)
    assert 'class="lx-table lx-cards"' in markup
    assert '<td data-label="Outlet">Al Jazeera</td>' in markup
    assert '<td data-label="Words &lt;n&gt;">4.5</td>' in markup
    assert '<td data-label="Outlet" class="lx-none"></td>' in markup  # missing shown empty, not 'None'
    css = (book.__file__ and __import__("pathlib").Path(__file__).resolve().parents[1] / "_static" / "phone.css").read_text()
    assert "table.lx-cards" in css and "attr(data-label)" in css


def test_phone_cards_leave_out_what_says_nothing():
    """Walk 11: chapter 3's naming table became 15-line cards on a phone, mostly ': 0'. A cell
    that is empty or a count of 0 is marked for the card to leave out (the desktop table shows
    it); a 0 in a text column is a value; `compact` cards run their cells on in one paragraph."""
    frame = pd.DataFrame({"Word": ["mob", "0"], "TheJournal": [0, 2], "JPost": [1, 0], "Note": ["", "x"]})
    markup = book.frame_html(frame, compact=True)
    assert 'class="lx-table lx-cards lx-cards-compact"' in markup
    assert '<td data-label="TheJournal" class="lx-none">0</td>' in markup  # still in the table
    assert '<td data-label="JPost">1</td>' in markup and '<td data-label="TheJournal">2</td>' in markup
    assert '<td data-label="Note" class="lx-none"></td>' in markup
    assert '<td data-label="Word">0</td>' in markup  # a word '0' is not a count
    assert "lx-cards-compact" not in book.frame_html(frame)
    # a compact card names a cell without the column's closing note; the head keeps it
    noted = book.frame_html(pd.DataFrame({"Said by (if the report says)": ["x"]}), compact=True)
    assert '<td data-label="Said by">x</td>' in noted and ">Said by (if the report says)</th>" in noted
    css = (Path(__file__).resolve().parents[1] / "_static" / "phone.css").read_text()
    assert "td.lx-none { display: none; }" in css and "table.lx-cards-compact td" in css
