"""The shared preamble of every chapter: chart theme, numbers for the prose, safe HTML tables.

Every chapter's first cell is the one line ``from lessons.book import *; setup()``. Keeping
this in one module means every chart gets the same accessible palette, every number in the
prose comes from code, and charts draw both in the HTML book and in a live, offline kernel.
"""

from __future__ import annotations

import html
import os
import re

import altair as alt
import pandas as pd

__all__ = ["setup", "glue_value", "titled", "html_table", "format_number", "chart_renderer"]

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
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "labelLimit": 260},
            "view": {"stroke": None},
            "font": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
        }
    }


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
    (``chart_renderer()`` unless given) and explain NameErrors from cells run out of order."""
    alt.theme.register("lessons", enable=True)(_theme)
    chosen = renderer or chart_renderer()
    # the '...' menu fails accessibility checks. One enable() call: set_embed_options()
    # would replace the renderer's other options (offline) instead of adding to them.
    embed = {"actions": False}
    if chosen == "jupyter":  # offline: vl-convert bundles vega into the widget, no CDN
        alt.renderers.enable("jupyter", offline=True, embed_options=embed)
    else:
        alt.renderers.enable("html", embed_options=embed)
    alt.data_transformers.disable_max_rows()
    pd.set_option("display.max_colwidth", 120)
    pd.set_option("display.max_rows", 200)
    shell = _shell()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((NameError,), _name_error_hint)


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
    """Put a number or short text in the prose, formatted for reading; returns the text.

    The text becomes the notebook variable ``name``, which Markdown shows with {eval}`name`:
    jupyterlab-myst evaluates it in a live kernel, myst-nb (execute_notebooks: inline) when
    the book is built, so both show the same text. It is also kept as a myst-nb glue record
    (a plain str: myst-nb and our tests read its quoted repr back with literal_eval).
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
    return text


def titled(chart: alt.TopLevelMixin, title: str, description: str, subtitle: str | None = None):
    """Give a chart the title a reader sees and the description a screen reader announces."""
    heading = alt.TitleParams(text=title, subtitle=subtitle) if subtitle else title
    return chart.properties(title=heading, description=description)


def html_table(frame: pd.DataFrame, caption: str | None = None):
    """Show a DataFrame as an accessible HTML table; every cell is escaped."""
    from IPython.display import HTML

    table = frame.to_html(index=False, escape=True, border=0, classes="lx-table", na_rep="")
    if caption:
        table = table.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    return HTML(f'<div class="lx-table-wrap" tabindex="0">{table}</div>')
