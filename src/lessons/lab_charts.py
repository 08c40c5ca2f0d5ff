"""Charts in a live notebook (JupyterLab, Binder) that say when they are wider than the page.

In the HTML book, `_static/a11y.js` puts "Scroll sideways to see the whole chart" under a
chart wider than its box. JupyterLab does not load that file, and there a wide chart was cut
off at the right edge of the output with no sign that more was there (walk 7: chapter 3's
naming chart, 1,140 px in a 934 px output). So in a live kernel each chart is shown as a
small box of two widgets: Altair's offline ``JupyterChart``, in a box that scrolls sideways,
and ``ScrollHint``, a line under it that is shown only while the chart is wider than its
box, which the box names as its description (``aria-describedby``) and which makes the box
reachable with the keyboard. The hint's JavaScript imports nothing (no network).

A saved notebook keeps the widget's output, but not the widget: reopened (a later session,
a new Binder, after the kernel died), JupyterLab finds no model and shows the next format of
the output. That is ``text/html`` here (then ``text/plain``): the chart's title, subtitle and
description as text, and that running the cell draws it (``static_summary``), never the
widget's Python repr ("VBox(children=(JupyterChart(..."). The HTML book never uses this
renderer (it draws charts with the "lessons" HTML renderer of ``lessons.book``).
"""

from __future__ import annotations

import html

import anywidget
import ipywidgets
import traitlets

from lessons.exercises import HIDDEN_PREVIEW_CSS  # the one rule, for a notebook with a chart or a quiz

# The same words as the HTML book's hint (_static/a11y.js; a test keeps them equal).
HINT_TEXT = "Scroll sideways to see the whole chart"
BOX_CLASS = "lx-lab-chart"
# What a reopened notebook shows in place of a chart whose widget is gone (decision 43).
RUN_TO_DRAW = "Run this cell (Shift+Enter) to draw the chart."
STATIC_CLASS = "lx-lab-chart-static"

_ESM = r"""
function render({ model, el }) {
  const id = "lx-lab-scroll-hint-" + Math.random().toString(36).slice(2, 10);
  const hint = document.createElement("p");
  hint.id = id;
  hint.className = "lx-scroll-hint";
  hint.hidden = true;
  hint.appendChild(document.createTextNode(model.get("text") + " "));
  const arrow = document.createElement("span");
  arrow.setAttribute("aria-hidden", "true");
  arrow.textContent = "\u2192";
  hint.appendChild(arrow);
  el.appendChild(hint);

  let box = null, pending = false, tries = 0, timer = null;
  const resize = new ResizeObserver(() => schedule());
  const changes = new MutationObserver(() => schedule());
  function update() {
    pending = false;
    if (!box) {
      const group = el.closest(".BOX_CLASS");
      box = group && group.querySelector(".vega-embed");
      if (!box) { if (tries++ < 600) { schedule(); } return; }
      resize.observe(box);
      changes.observe(box, { childList: true, subtree: true, attributes: true });
    }
    const wide = box.scrollWidth > box.clientWidth + 1;
    if (hint.hidden === wide) { hint.hidden = !wide; }
    if (wide && !box.hasAttribute("tabindex")) { box.setAttribute("tabindex", "0"); }
    const described = box.getAttribute("aria-describedby");
    if (wide && described !== id) { box.setAttribute("aria-describedby", id); }
    if (!wide && described === id) { box.removeAttribute("aria-describedby"); }
  }
  function schedule() {
    if (pending) { return; }
    pending = true;
    timer = setTimeout(() => requestAnimationFrame(update), 16);
  }
  window.addEventListener("resize", schedule);
  schedule();
  return () => {
    resize.disconnect();
    changes.disconnect();
    window.removeEventListener("resize", schedule);
    clearTimeout(timer);
  };
}
export default { render };
""".replace("BOX_CLASS", BOX_CLASS)

# Inline styles on the chart (its Layout) make it scroll; these set the hint's look and put
# it right under the chart: the chart's svg or canvas is a block (inline, it left a line's
# descender below it) and the hint has no top margin (tests/test_lab_charts.py measures the gap).
_CSS = f"""
.{BOX_CLASS} {{ max-width: 100%; }}
.{BOX_CLASS} .vega-embed:focus-visible {{ outline: 2px solid #0072B2; outline-offset: 2px; }}
.{BOX_CLASS} .vega-embed > svg, .{BOX_CLASS} .vega-embed > canvas {{ display: block; }}
.{BOX_CLASS} .lx-scroll-hint {{ margin: 0 0 0.5em; font-size: 0.9em; }}
{HIDDEN_PREVIEW_CSS}
"""


class ScrollHint(anywidget.AnyWidget):
    """The line under a live chart: shown only while the chart is wider than its box."""

    _esm = _ESM
    _css = _CSS
    text = traitlets.Unicode(HINT_TEXT).tag(sync=True)


def _texts(value) -> list[str]:
    """A Vega-Lite text (a string or a list of lines) as a list of non-empty lines."""
    items = value if isinstance(value, list) else [value]
    return [str(x).strip() for x in items if isinstance(x, (str, int, float)) and str(x).strip()]


def chart_texts(spec: dict) -> dict:
    """The words a chart's spec gives a reader: title, subtitle lines and description."""
    title = spec.get("title") if isinstance(spec, dict) else None
    subtitle = []
    if isinstance(title, dict):
        subtitle = _texts(title.get("subtitle"))
        title = title.get("text")
    description = spec.get("description") if isinstance(spec, dict) else None
    return {"title": " ".join(_texts(title)), "subtitle": subtitle,
            "description": " ".join(_texts(description))}


def static_summary(spec: dict) -> dict:
    """``text/html`` and ``text/plain`` for a chart whose widget is not there (a reopened
    notebook): what the chart is, in words, and that running the cell draws it. Escaped."""
    t = chart_texts(spec)
    title = t["title"] or "A chart"
    # the subtitle's lines are one text cut for a phone's width (`book.titled`): one paragraph
    # again here, so no sentence breaks mid-way (walk 11: "the way a / hedge lets...")
    subtitle = [" ".join(t["subtitle"])] if t["subtitle"] else []
    lines = [f"Chart: {title}", *subtitle] + ([t["description"]] if t["description"] else [])
    parts = [f"<p><strong>Chart: {html.escape(title)}</strong></p>"]
    parts += [f"<p>{html.escape(line)}</p>" for line in subtitle]
    if t["description"]:
        parts.append(f"<p>{html.escape(t['description'])}</p>")
    parts.append(f'<p class="lx-run-note"><em>{html.escape(RUN_TO_DRAW)}</em></p>')
    return {"text/html": f'<div class="{STATIC_CLASS}">{"".join(parts)}</div>',
            "text/plain": "\n".join(lines + [RUN_TO_DRAW])}


def lab_chart_renderer(spec: dict, **metadata):
    """Altair renderer for a live kernel: the offline ``JupyterChart`` in a box that scrolls
    sideways, with a ``ScrollHint`` under it. Options as Altair's 'jupyter' renderer."""
    from altair import Chart, JupyterChart

    JupyterChart.enable_offline(offline=bool(metadata.get("offline", False)))
    chart = JupyterChart(chart=Chart.from_dict(spec), embed_options=metadata.get("embed_options"),
                         layout=ipywidgets.Layout(max_width="100%", overflow="auto"))
    group = ipywidgets.VBox([chart, ScrollHint()], layout=ipywidgets.Layout(max_width="100%"))
    group.add_class(BOX_CLASS)
    bundle = dict(group._repr_mimebundle_() or {})
    bundle.update(static_summary(spec))
    return bundle
