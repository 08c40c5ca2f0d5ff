"""The shared preamble of every chapter: chart theme, numbers for the prose, safe HTML tables.

Every chapter's first cell is the one line ``from lessons.book import *; setup()``. Keeping
this in one module means every chart gets the same accessible palette, every number in the
prose comes from code, and charts draw both in the HTML book and in a live, offline kernel.
"""

from __future__ import annotations

import functools
import gc
import html
import json
import os
import re

import altair as alt
import pandas as pd

__all__ = ["setup", "glue_value", "glue_values", "titled", "html_table", "format_number", "chart_renderer"]

# The names {eval} may read: myst-nb accepts only a plain variable name (its eval_name_regex).
PROSE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,100}")
# LESSONS_CHARTS=html|jupyter forces a renderer; otherwise see chart_renderer().
CHARTS_ENV = "LESSONS_CHARTS"

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


def _display_unvalidated(chart: alt.TopLevelMixin, *args, **kwds):
    """Altair's own display (``TopLevelMixin._repr_mimebundle_``) without its schema check:
    the same spec, the same renderer, the same traceback if the spec cannot be written."""
    from altair.utils import display_traceback

    try:
        spec = chart.to_dict(validate=False, context={"pre_transform": False})
    except Exception:
        display_traceback(in_ipython=True)
        return {}
    renderer = alt.renderers.get()
    return renderer(spec) if renderer else None


def book_chart(builder):
    """Decorator for a chart builder of `lessons.charts`: the chart it returns is shown
    without Altair's schema check (about 0.05 CPU s a chart, decision 51). Every builder's
    chart is checked against the schema by tests/test_charts.py (``to_dict()``), so in the
    book the check only repeats itself. Only the returned object is marked (an attribute of
    its own, not part of the spec): a chart a student makes, or gets by changing a book's
    chart (``.properties()``, ``+``, ``alt.vconcat``: each makes a new chart), is checked on
    display as usual, with Altair's own error."""

    @functools.wraps(builder)
    def build(*args, **kwds):
        chart = builder(*args, **kwds)
        if isinstance(chart, alt.TopLevelMixin):
            # object.__setattr__: Altair's own __setattr__ would put the name into the spec
            object.__setattr__(chart, "_repr_mimebundle_", functools.partial(_display_unvalidated, chart))
        return chart

    return build


def chart_renderer(environ=None) -> str:
    """'jupyter' in a live notebook (JupyterLab, Binder), else 'html'.

    'html' is what the HTML book and nbval need: the page loads vega from the book's own
    offline assets. In a live kernel that renderer would fetch vega from a CDN, so there we use
    Altair's 'jupyter' renderer (an anywidget) whose JavaScript vl-convert bundles locally.
    Jupyter Server starts each notebook kernel with JPY_SESSION_NAME set; myst-nb, nbclient
    and nbval do not. LESSONS_CHARTS=html or =jupyter overrides the guess."""
    env = os.environ if environ is None else environ
    forced = str(env.get(CHARTS_ENV, "")).strip().lower()
    if forced in ("html", "jupyter"):
        return forced
    return "jupyter" if env.get("JPY_SESSION_NAME") else "html"


OUT_OF_ORDER_HINT = (
    "This cell uses a name that an earlier cell defines. Run the cells from the top first: "
    "choose Run > Run All Above (or Kernel > Restart Kernel and Run All Cells)."
)


def _name_error_hint(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: the usual error output, then what to do about it.

    IPython ignores the handler's return value, so it shows the traceback itself (the kernel
    still reports the cell as failed, so the book build and nbval still stop on it)."""
    stb = list(shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset))
    name = getattr(value, "name", None)
    head = f"'{name}' is not defined yet. " if name else ""
    stb += ["", head + OUT_OF_ORDER_HINT]
    shell._showtraceback(etype, value, stb)
    return stb


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    return get_ipython()


def setup(renderer: str | None = None) -> None:
    """Configure Altair and pandas the same way in every chapter; choose the chart renderer
    (``chart_renderer()`` unless given) and explain NameErrors from cells run out of order.

    In the HTML book and nbval, charts use the "lessons" renderer (Altair's HTML renderer with
    the spec written script-safe, see above); in a live kernel, Altair's offline 'jupyter'
    widget, whose spec travels as widget data and never through an inline script, in a box
    that scrolls sideways with a hint under a chart wider than the notebook."""
    alt.theme.register("lessons", enable=True)(_theme)
    chosen = renderer or chart_renderer()
    # the '...' menu fails accessibility checks
    embed = {"actions": False}
    if chosen == "jupyter":
        # One enable() call: set_embed_options() would replace the renderer's other options
        # (offline) instead of adding to them. Offline: vl-convert bundles vega, no CDN.
        # "lessons-jupyter" is Altair's 'jupyter' widget in a box that scrolls sideways and
        # says so under a chart wider than the notebook (lessons.lab_charts).
        from lessons.lab_charts import lab_chart_renderer

        alt.renderers.register("lessons-jupyter", lab_chart_renderer)
        alt.renderers.enable("lessons-jupyter", offline=True, embed_options=embed)
    else:
        alt.renderers.register("lessons", safe_html_renderer)
        alt.renderers.enable("lessons")
        alt.renderers.set_embed_options(**embed)
    alt.data_transformers.disable_max_rows()
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 200)
    _register_frame_display()
    shell = _shell()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((NameError,), _name_error_hint)
    # What the imports made (modules, pandas, Altair's schema classes) lives as long as the
    # kernel: frozen, the garbage collector stops walking it again at every full collection
    # (Python's gc.freeze). New objects, a student's too, are collected as usual. Decision 51.
    gc.freeze()


def frame_for_reading(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy fit to show a reader: an unnamed index dropped (0, 1, 2, or the row numbers
    left over after filtering a table: they mean nothing to a reader), a named index kept as
    the first column(s), and decimal numbers as text for reading ('1,200', not
    '1200.0'; '2.5'). Whole-number columns stay as they are (a year stays 2022)."""
    out = frame.copy()
    if any(name is not None for name in out.index.names):
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


TABLE_WRAP_STYLE = "overflow-x: auto; max-width: 100%"


_CARD_NOTE = re.compile(r"\s*\([^()]{1,80}\)\s*$")
CARD_NONE_CLASS = "lx-none"  # a cell a phone's card leaves out: empty, or a count of 0
COMPACT_CARDS_CLASS = "lx-cards-compact"  # cards whose lines after the first run on, ' · ' between


def frame_html(frame: pd.DataFrame, caption: str | None = None, compact: bool = False) -> str:
    """The HTML a chapter shows for a DataFrame: escaped, no index, numbers for reading.

    Each cell carries its column's name (``data-label``), so on a phone `_static/phone.css`
    can show every row as a card ("Outlet: Al Jazeera") instead of a table wider than the
    screen. A card leaves out the cells that say nothing (empty, or a number that is 0:
    `CARD_NONE_CLASS`); the desktop table shows every cell. `compact`: a card's cells run on
    in one paragraph ("Word: bandit · TheJournal: quoted: 4 · JPost: quoted: 1"), for a
    table of many columns or many rows (walk 11: chapter 3's naming table was 12,110 px of
    cards on a phone, mostly ': 0').
    """
    shown = frame_for_reading(frame)
    names = [html.escape(str(c)) for c in shown.columns]
    # a compact card names a cell by its column without a closing note in brackets ('Said by',
    # not 'Said by (if the report says)'): the table's head keeps the whole name
    labels = [html.escape(_CARD_NOTE.sub("", str(c)) or str(c)) for c in shown.columns] if compact else names
    numeric = [c in frame.columns and pd.api.types.is_numeric_dtype(frame[c]) for c in shown.columns]
    head = "".join(f'<th scope="col">{n}</th>' for n in names)
    rows = []
    for values in shown.itertuples(index=False, name=None):
        cells = []
        for n, v, is_number in zip(labels, values, numeric):
            text = "" if _missing(v) else str(v)
            none = not text.strip() or (is_number and text.strip() == "0")
            cls = f' class="{CARD_NONE_CLASS}"' if none else ""
            cells.append(f'<td data-label="{n}"{cls}>{html.escape(text)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    classes = "lx-table lx-cards" + (f" {COMPACT_CARDS_CLASS}" if compact else "")
    table = (f'<table class="{classes}">{cap}<thead><tr>{head}</tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>')
    # The scrolling is inline too: JupyterLab loads no lessons.css, and its sanitiser keeps
    # these two properties (a wide table scrolled off the notebook there; decision 43).
    return f'<div class="lx-table-wrap" tabindex="0" style="{TABLE_WRAP_STYLE}">{table}</div>'


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


class _Quiet:
    """A cell that ends with a glue call shows nothing (walk 5: JupyterLab showed '98' and dicts
    under hidden cells, and Run All re-opens a collapsed output). The value is still a str or a
    dict; the notebook variable {eval} reads stays a plain str, so it displays as text."""

    def _ipython_display_(self):
        return None


class ProseText(_Quiet, str):
    """The text `glue_value` returns."""


class ProseValues(_Quiet, dict):
    """The names and texts `glue_values` returns."""


def glue_value(name: str, value, display: bool = False):
    """Put a number or short text in the prose, formatted for reading; returns the text.

    The text becomes the notebook variable ``name``, which Markdown shows with {eval}`name`:
    jupyterlab-myst evaluates it in a live kernel, myst-nb (execute_notebooks: inline) when
    the book is built, so both show the same text. It is also kept as a myst-nb glue record
    (a plain str: myst-nb and our tests read its quoted repr back with literal_eval).

    The return value is a ``ProseText``: a str that displays nothing, so a cell ending in this
    call shows no stray output in JupyterLab. Use the variable ``name`` in prose, not the return
    value: ``x = glue_value("x", ...)`` would make ``x`` that silent str, and {eval}`x` empty
    (a test checks that no notebook assigns a glue result).
    """
    from myst_nb import glue

    if not isinstance(name, str) or not PROSE_NAME.fullmatch(name):
        raise ValueError(f"glue_value: {name!r} is not a plain variable name "
                         "(letters, digits and _, starting with a letter), which {eval} needs")
    text = format_number(value)
    glue(name, text, display=display)
    shell = _shell()
    if shell is not None:
        shell.user_ns[name] = text
    return ProseText(text)


def glue_values(values: dict, prefix: str = "") -> dict:
    """`glue_value` for each name and value of ``values`` (the name is ``prefix + name``):
    a helper computes a chapter's prose values, one call puts them all in the prose."""
    return ProseValues({prefix + name: str(glue_value(prefix + name, value)) for name, value in values.items()})


# A line of a chart's title or subtitle fits a 390 px phone's text column (about 350 px): a
# wide chart scrolls sideways inside its box, but its title, drawn from the left edge, is read
# whole without scrolling (walk 9: chapter 3's and chapter 4's titles were cut off).
PHONE_TEXT_PX = 330
TITLE_FONT_PX, SUBTITLE_FONT_PX = 15, 12  # the theme's title and subtitle (config.title)
_NARROW_LETTERS, _WIDE_LETTERS = frozenset("fijlrt .,;:'-’()"), frozenset("mwMW")


def text_width(text: str, font_px: float = 12, bold: bool = False) -> float:
    """How wide `text` is drawn, at most, in px: each letter at the width it has in the widest
    common sans-serif (DejaVu Sans, the font of Chromium on Linux; others are narrower),
    rounded up: i, l, t and the like 0.4 em, m and w 1 em, other capitals 0.8 em, wide (East
    Asian) characters 1 em, any other letter 0.65 em; bold 8% wider."""
    import unicodedata

    def em(c: str) -> float:
        if c in _NARROW_LETTERS:
            return 0.4
        if c in _WIDE_LETTERS or unicodedata.east_asian_width(c) in "WF":
            return 1.0
        return 0.8 if c.isupper() or c.isdigit() else 0.65
    return font_px * sum(map(em, text)) * (1.08 if bold else 1.0)


def wrap_px(text: str, max_px: float = PHONE_TEXT_PX, font_px: float = SUBTITLE_FONT_PX,
            bold: bool = False) -> list[str]:
    """`text` cut at spaces into lines no wider than `max_px` (`text_width`); a single word
    wider than that stays whole on its own line."""
    lines: list[str] = []
    for word in str(text)[:5000].split():
        if lines and text_width(lines[-1] + " " + word, font_px, bold) <= max_px:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def titled(chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | list[str] | None = None):
    """Give a chart the title a reader sees and the description a screen reader announces.
    The title and subtitle are cut into lines that fit a phone (`PHONE_TEXT_PX`): one line of
    Vega text never wraps, so a long one would run past the screen, or make the chart as wide
    as the sentence. A subtitle given as lines is joined and cut again."""
    lines = wrap_px(title, PHONE_TEXT_PX, TITLE_FONT_PX, bold=True)
    text = lines[0] if len(lines) == 1 else lines
    if subtitle is not None and not isinstance(subtitle, str):
        subtitle = " ".join(subtitle)
    subtitle = wrap_px(subtitle, PHONE_TEXT_PX, SUBTITLE_FONT_PX) if subtitle else None
    if subtitle:
        heading = alt.TitleParams(text=text, subtitle=subtitle)
    else:
        heading = alt.TitleParams(text=text) if len(lines) > 1 else title
    return chart.properties(title=heading, description=description)


def html_table(frame: pd.DataFrame, caption: str | None = None, compact: bool = False):
    """Show a DataFrame as an accessible HTML table; every cell is escaped (see `frame_html`;
    `compact`: shorter cards on a phone)."""
    from IPython.display import HTML

    return HTML(frame_html(frame, caption, compact=compact))
