"""lessons.book: the shared preamble (renderer choice, prose values, out-of-order hint)."""

import html
import re
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from lessons import book


@pytest.mark.parametrize("env, expected", [
    ({}, "html"),                                                  # myst-nb, nbclient, nbval
    ({"JPY_SESSION_NAME": "chapters/01_one_speech.ipynb"}, "jupyter"),   # a JupyterLab kernel
    ({"JPY_SESSION_NAME": "x.ipynb", "LESSONS_CHARTS": "html"}, "html"),  # forced
    ({"LESSONS_CHARTS": " Jupyter "}, "jupyter"),
    ({"LESSONS_CHARTS": "vega", "JPY_SESSION_NAME": ""}, "html"),  # unknown value: the guess
])
def test_chart_renderer(env, expected):
    assert book.chart_renderer(env) == expected


def test_setup_enables_the_chosen_renderer_with_embed_options():
    try:
        book.setup("jupyter")
        assert alt.renderers.active == "lessons-jupyter"  # the 'jupyter' widget, scrolling (walk 7)
        assert alt.renderers.options.get("offline") is True
        assert alt.renderers.options["embed_options"] == {"actions": False}
        book.setup("html")
        assert alt.renderers.active == "lessons"  # the script-safe HTML renderer (issue 12)
        assert alt.renderers.options["embed_options"] == {"actions": False}
    finally:
        book.setup("html")


def test_jupyter_renderer_bundles_vega_without_a_cdn():
    """The live-kernel renderer ships its JavaScript: no import from another host."""
    from altair import JupyterChart

    JupyterChart.enable_offline(True)
    esm = JupyterChart._esm
    assert len(esm) > 100_000
    assert "esm.sh" not in esm and "cdn.jsdelivr" not in esm and "import " not in esm.split("\n", 1)[0]


def test_live_charts_scroll_sideways_and_say_so():
    """In a live kernel a chart is a box of Altair's offline JupyterChart, made to scroll
    sideways, and a hint widget under it with the book's own words (walk 7: a wide chart was
    cut off in JupyterLab with no sign that more was there)."""
    import re

    import ipywidgets
    from altair import JupyterChart

    from lessons import lab_charts

    try:
        book.setup("jupyter")
        chart = alt.Chart(pd.DataFrame({"x": range(60), "y": range(60)})).mark_bar().encode(x="x:N", y="y")
        bundle = chart._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        view = data["application/vnd.jupyter.widget-view+json"]
        group = ipywidgets.Widget.widgets[view["model_id"]]
        assert isinstance(group, ipywidgets.VBox) and lab_charts.BOX_CLASS in group._dom_classes
        live, hint = group.children
        assert isinstance(live, JupyterChart) and live.embed_options == {"actions": False}
        assert (live.layout.overflow, live.layout.max_width) == ("auto", "100%")
        assert isinstance(hint, lab_charts.ScrollHint) and hint.text == lab_charts.HINT_TEXT
    finally:
        book.setup("html")
    esm = str(lab_charts.ScrollHint._esm)
    assert not re.search(r"\bimport\b|https?:", esm)  # nothing fetched: works offline
    a11y = (Path(__file__).resolve().parents[1] / "_static" / "a11y.js").read_text(encoding="utf-8")
    assert f'"{lab_charts.HINT_TEXT} "' in a11y  # the HTML book says the same


def test_a_reopened_charts_subtitle_is_one_paragraph():
    """Walk 11: a reopened notebook's chart summary put each subtitle line in its own
    paragraph, so a sentence cut for a phone's width broke mid-way ("the way a / hedge lets").
    The lines `titled` cut are one paragraph again, joined with spaces, in HTML and plain text."""
    from lessons import lab_charts

    words = "Shape = kind of hedge; dashed line = the way a hedge lets the number go; label = the report's words"
    chart = book.titled(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q"),
                        title="A title", description="A chart of one point, for the test of its summary.",
                        subtitle=words)
    spec = chart.to_dict()
    assert len(spec["title"]["subtitle"]) >= 2, "the subtitle was not cut into lines: test is void"
    summary = lab_charts.static_summary(spec)
    paragraphs = re.findall(r"<p>(.*?)</p>", summary["text/html"])
    assert html.escape(words) in paragraphs, paragraphs
    assert words in summary["text/plain"].splitlines()


class _Shell:
    def __init__(self):
        self.user_ns = {}


def test_glue_value_defines_the_prose_variable(monkeypatch):
    shell = _Shell()
    monkeypatch.setattr(book, "_shell", lambda: shell)
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    assert book.glue_value("fig_n", 3700) == "3,700"
    assert shell.user_ns["fig_n"] == "3,700"
    assert book.glue_value("fig_share", 2.45) == "2.5" and shell.user_ns["fig_share"] == "2.5"
    for bad in ("fig n", "1st", "a.b", "x[0]", "", "_private"):
        with pytest.raises(ValueError, match="plain variable name"):
            book.glue_value(bad, 1)


def test_name_error_hint_shows_the_error_and_what_to_do():
    shown = []

    class TB:
        def structured_traceback(self, etype, value, tb, tb_offset=None):
            return ["Traceback", f"{etype.__name__}: {value}"]

    class Shell:
        InteractiveTB = TB()

        def _showtraceback(self, etype, value, stb):
            shown.append(stb)

    try:
        table  # noqa: F821 - the point of the test
    except NameError as exc:
        stb = book._name_error_hint(Shell(), NameError, exc, exc.__traceback__)
    assert shown == [stb]
    assert stb[:2] == ["Traceback", "NameError: name 'table' is not defined"]
    assert "'table' is not defined yet" in stb[-1] and "Run All Above" in stb[-1]


def test_star_import_gives_the_preamble():
    namespace = {}
    exec("from lessons.book import *", namespace)
    assert {"setup", "glue_value", "titled", "html_table"} <= set(namespace)


def test_glue_values_glues_each_name_with_its_prefix(monkeypatch):
    shell = _Shell()
    monkeypatch.setattr(book, "_shell", lambda: shell)
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    assert book.glue_values({"n": 3700, "who": "AFP"}, prefix="fig_") == {"fig_n": "3,700", "fig_who": "AFP"}
    assert shell.user_ns == {"fig_n": "3,700", "fig_who": "AFP"}
    with pytest.raises(ValueError, match="plain variable name"):
        book.glue_values({"a b": 1})


def test_setup_freezes_what_the_imports_made():
    """Decision 51: after setup() the collector no longer walks the objects made so far (the
    imports' modules and classes); a chapter's own objects are still collected."""
    import gc

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    book.setup("html")
    assert gc.get_freeze_count() > 10_000
    made = [[] for _ in range(3)]
    made[0].append(made)  # a cycle made after setup: still collected
    del made
    assert gc.collect() > 0
