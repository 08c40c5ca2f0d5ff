"""A chart wider than the notebook in JupyterLab scrolls sideways and says so (walk 7).

Before, chapter 3's naming chart (1,140 px) was cut off at the right edge of a 934 px output
in JupyterLab with no sign that more was there: the hint of the HTML book (`_static/a11y.js`)
is not loaded in Lab. A small notebook with one wide and one narrow chart is opened in the
project's JupyterLab (`tests/browser/lab.py`) and run as a student would (Run All). The wide
chart must sit inside its output and scroll, with "Scroll sideways to see the whole chart"
visible under it (its description, reachable by keyboard); the narrow chart shows no hint
until the window is made narrower than it. About 30-60 s on the shared machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import lab, support  # noqa: E402

from lessons.lab_charts import HINT_TEXT  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.lab]

WIDE, NARROW = 1800, 480  # px: wider than any notebook column, and narrower than a desktop's

CELLS = [
    "from lessons.book import *; setup()",
    "import altair as alt\nimport pandas as pd\n"
    "data = pd.DataFrame({'word': [f'w{k:02d}' for k in range(40)], 'n': range(40)})",
    f"titled(alt.Chart(data).mark_bar().encode(x='word:N', y='n:Q').properties(width={WIDE}),\n"
    "       title='A wide chart', description='Forty bars, one per word; wider than the notebook.')",
    f"titled(alt.Chart(data).mark_bar().encode(x='word:N', y='n:Q').properties(width={NARROW}),\n"
    "       title='A narrow chart', description='Forty bars, one per word; fits a desktop notebook.')",
]

JS_CHARTS = """() => Array.from(window.jupyterapp.shell.currentWidget.content.node
    .querySelectorAll('.jp-OutputArea-output .vega-embed')).map(box => {
  const out = box.closest('.jp-OutputArea-output').getBoundingClientRect();
  const r = box.getBoundingClientRect();
  const group = box.closest('.lx-lab-chart');
  const hint = group && group.querySelector('.lx-scroll-hint');
  const g = box.querySelector('svg.marks, canvas.marks, svg, canvas');
  const bottom = g ? g.getBoundingClientRect().bottom : r.bottom;
  // the hint's first line: from the chart's lowest pixel to the top of the hint's text
  const gap = hint && !hint.hidden ? Math.round(hint.getBoundingClientRect().top - bottom) : null;
  return {gap,
          scrollWidth: box.scrollWidth, clientWidth: box.clientWidth,
          inside: r.left >= out.left - 1 && r.right <= out.right + 1,
          hint: hint ? {shown: !hint.hidden && hint.offsetParent !== null, text: hint.textContent,
                        id: hint.id} : null,
          describedBy: box.getAttribute('aria-describedby'), tabindex: box.getAttribute('tabindex'),
          title: (box.querySelector('[aria-roledescription="title"]') || {}).textContent || ''};
})"""


@pytest.fixture(scope="module")
def notebook(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("nb") / "wide_chart.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path


def charts(page) -> list[dict]:
    page.wait_for_function("""() => {
      const boxes = window.jupyterapp.shell.currentWidget.content.node.querySelectorAll('.jp-OutputArea-output .vega-embed');
      return boxes.length === 2 && Array.from(boxes).every(b => b.querySelector('svg, canvas'));
    }""", timeout=120_000, polling=500)
    page.wait_for_timeout(500)  # the hint follows the chart's drawing by a frame
    return page.evaluate(JS_CHARTS)


def test_a_wide_chart_scrolls_in_lab_with_a_hint(tmp_path, chromium, notebook):
    with lab.LabServer(tmp_path, [notebook]) as server:
        context, page = lab.open_lab(chromium, server, support.DESKTOP)
        page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
                      f"chapters/{notebook.name}")
        page.wait_for_function(lab.JS_READY, timeout=180_000)
        page.evaluate(lab.JS_RUN_ALL)
        page.wait_for_function(lab.JS_DONE, timeout=300_000, polling=500)
        wide, narrow = charts(page)
        page.screenshot(path=str(tmp_path / "lab_wide_chart.png"))

        assert wide["title"].startswith("A wide chart") and narrow["title"].startswith("A narrow chart")
        # the wide chart: inside its output, scrolls, and says so in words, as its description
        assert wide["scrollWidth"] >= WIDE > wide["clientWidth"], wide
        assert wide["inside"], f"the wide chart sticks out of its output: {wide}"
        assert wide["hint"] and wide["hint"]["shown"], f"no visible scroll hint under the wide chart: {wide}"
        assert wide["hint"]["text"].startswith(HINT_TEXT)
        # right under the chart (it sat 6 px below the drawing: an inline svg's descender and
        # the hint's top margin), never over it
        assert 0 <= wide["gap"] <= 2, f"the hint is {wide['gap']} px below the chart"
        assert wide["describedBy"] == wide["hint"]["id"] and wide["tabindex"] == "0"
        # it really scrolls: the far right of the chart can be brought into view
        scrolled = page.evaluate("""() => { const b = window.jupyterapp.shell.currentWidget.content.node
            .querySelector('.jp-OutputArea-output .vega-embed'); b.scrollLeft = b.scrollWidth; return b.scrollLeft; }""")
        assert scrolled >= wide["scrollWidth"] - wide["clientWidth"] - 1 > 0
        # the narrow chart: no hint while it fits
        assert narrow["scrollWidth"] <= narrow["clientWidth"] + 1 and narrow["inside"], narrow
        assert narrow["hint"] and not narrow["hint"]["shown"] and narrow["describedBy"] is None

        # a narrower window: now the narrow chart does not fit either, and says so
        page.set_viewport_size({"width": 560, "height": 900})
        page.wait_for_function("""() => Array.from(window.jupyterapp.shell.currentWidget.content.node
            .querySelectorAll('.lx-scroll-hint')).every(h => !h.hidden)""", timeout=30_000, polling=250)
        wide, narrow = page.evaluate(JS_CHARTS)
        assert narrow["hint"]["shown"] and narrow["inside"] and narrow["describedBy"] == narrow["hint"]["id"]
        assert 0 <= narrow["gap"] <= 2 and 0 <= wide["gap"] <= 2, (narrow["gap"], wide["gap"])
        page.screenshot(path=str(tmp_path / "lab_wide_chart_narrow_window.png"))
        context.close()
