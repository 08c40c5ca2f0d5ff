"""The shared preamble of every chapter: chart theme, glued numbers, safe HTML tables.

Chapters start with ``from lessons.book import setup, glue_value, titled, html_table`` and
``setup()``. Keeping this in one module means every chart gets the same accessible palette and
every number in the prose comes from code.
"""

from __future__ import annotations

import html
import json

import altair as alt
import pandas as pd

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour-vision
# deficiencies. Charts must still not rely on colour alone (use shape, stroke or text too).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]  # one hue, light to dark


def _theme() -> dict:
    return {
        "config": {
            "range": {"category": OKABE_ITO, "ordinal": SEQUENTIAL, "heatmap": SEQUENTIAL},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12},
            "axis": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            # legends on top: on a phone the key is seen before the marks, not after a long chart
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260, "orient": "top"},
            "view": {"stroke": None},
            "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        }
    }


# ----------------------------------------------------------------------------- safe charts
# A chart's data can hold text from an article or a teacher's data file. Altair writes the spec
# as JSON into an inline <script>; JSON keeps "</script>" as it is, so such text would end the
# script and run as HTML. Inside a script the JSON therefore never holds <, > or & themselves,
# only their \u escapes: the same strings for JSON.parse and JavaScript, nothing for the HTML
# parser to see. (JSON has these characters only inside strings, so the escape is exact.)
_SCRIPT_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_UNSAFE = str.maketrans(_SCRIPT_ESCAPES)


def script_safe_json(text: str) -> str:
    """JSON text made safe to write inside an HTML <script> (or a JSON data script)."""
    return text.translate(_SCRIPT_UNSAFE)


class ScriptSafeJSONEncoder(json.JSONEncoder):
    """json.dumps(..., cls=ScriptSafeJSONEncoder): JSON with no '</', '<!--' or '-->' in it."""

    def encode(self, o) -> str:
        return script_safe_json(super().encode(o))


def safe_html_renderer(spec: dict, **metadata) -> dict:
    """Altair's HTML renderer with the spec written script-safe (see above): registered and
    enabled as the "lessons" renderer by ``setup()``, so every chart of every chapter uses it."""
    from altair.utils.display import HTMLRenderer

    renderer = HTMLRenderer(mode="vega-lite", template="universal", vega_version=alt.VEGA_VERSION,
                            vegaembed_version=alt.VEGAEMBED_VERSION, vegalite_version=alt.VEGALITE_VERSION)
    # (The embed options are dumped without json_kwds: they are the book's own, set in setup.)
    metadata["json_kwds"] = {**(metadata.get("json_kwds") or {}), "cls": ScriptSafeJSONEncoder}
    return renderer(spec, **metadata)


def setup() -> None:
    """Configure Altair and pandas the same way in every chapter."""
    alt.theme.register("lessons", enable=True)(_theme)
    alt.renderers.register("lessons", safe_html_renderer)
    alt.renderers.enable("lessons")
    alt.renderers.set_embed_options(actions=False)  # the '...' menu fails accessibility checks
    alt.data_transformers.disable_max_rows()
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 200)
    _register_frame_display()


def frame_for_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit to show a reader: a default 0, 1, 2 index dropped (a named or meaningful
    index becomes the first column), and decimal numbers as text for reading ('1,200', not
    '1200.0'; '2.5'). Whole-number columns stay as they are (a year stays 2022)."""
    out = frame.copy()
    if not isinstance(out.index, pd.RangeIndex) or out.index.name is not None:
        out = out.reset_index()
    else:
        out = out.reset_index(drop=True)
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(_reading_number)
    return out


def _reading_number(value) -> str:
    """1200.0 -> '1,200'; 0.25 -> '0.25'; 12.345 -> '12.35'; NaN -> ''."""
    if pd.isna(value):
        return ""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def frame_html(frame: pd.DataFrame, caption: str | None = None) -> str:
    """The HTML a chapter shows for a DataFrame: escaped, no index, numbers for reading.

    Each cell carries its column's name (``data-label``), so on a phone `_static/phone.css`
    can show every row as a card ("Outlet: Al Jazeera") instead of a table wider than the
    screen.
    """
    shown = frame_for_reading(frame)
    names = [html.escape(str(c)) for c in shown.columns]
    head = "".join(f'<th scope="col">{n}</th>' for n in names)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = "".join(f'<td data-label="{n}">{"" if _missing(v) else html.escape(str(v))}</td>'
                        for n, v in zip(names, values))
        rows.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    table = (f'<table class="lx-table lx-cards">{cap}<thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    return f'<div class="lx-table-wrap" tabindex="0">{table}</div>'


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are values, not missing
        return False


def _register_frame_display() -> None:
    """Show any DataFrame left as a cell's last value as `frame_html` would (in Jupyter and in
    the book), not as pandas' raw repr with its 0/1 index and '1200.0'."""
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: nothing to register
        return
    shell = get_ipython()
    if shell is None:
        return
    shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, frame_html)


def format_number(value) -> str:
    """3700 -> '3,700'; 2.5 -> '2.5'; strings pass through."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and abs(value) >= 10**15:
        digits = str(abs(value))  # too long to read as digits, maybe too big for a float
        return f"{'-' if value < 0 else ''}{digits[0]}.{digits[1:4]}e+{len(digits) - 1}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def glue_value(name: str, value, display: bool = False):
    """Glue a number or short text for the prose ({glue:text}`name`), formatted for reading.

    A plain str is glued on purpose: myst-nb reads text/plain with literal_eval, so the quoted
    repr '20,000' comes back as the text 20,000 (an unquoted 20,000 would become a tuple).
    """
    from myst_nb import glue

    text = format_number(value)
    glue(name, text, display=display)
    return text


def titled(chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | None = None):
    """Give a chart the title a reader sees and the description a screen reader announces."""
    heading = alt.TitleParams(text=title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def html_table(frame: pd.DataFrame, caption: str | None = None):
    """Show a DataFrame as an accessible HTML table; every cell is escaped (see `frame_html`)."""
    from IPython.display import HTML

    return HTML(frame_html(frame, caption))
