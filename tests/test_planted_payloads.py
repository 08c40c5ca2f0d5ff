"""Hostile text in a teacher's folder never runs as script, and a teacher's edits are never
hidden by the execution cache.

One tiny book (the template notebook on a folder with planted payloads, see
tests/fixtures/planted.py) is built in a temporary folder with the book's own configuration
and extension, then opened in Chromium: no payload runs, every chart is drawn, and the
payloads show as plain text. Then an article is edited and the book built again: the page
must show the new text (the template is always executed, never taken from the cache).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import support  # noqa: E402
from fixtures.planted import PAYLOADS, notebook_for, plant

ROOT = Path(__file__).resolve().parents[1]
PAGE = "chapters/template_your_articles.html"

pytestmark = pytest.mark.book


def _write_book(book: Path, folder: Path) -> None:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["exclude_patterns"] = ["_build", "**/.ipynb_checkpoints"]
    config["sphinx"]["local_extensions"] = {"offline_assets": str(ROOT / "_ext"), "fresh_data": str(ROOT / "_ext")}
    config["sphinx"]["config"]["offline_assets_node_modules"] = str(ROOT / "node_modules")
    (book / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (book / "_toc.yml").write_text(yaml.safe_dump({
        "format": "jb-book", "root": "intro",
        "chapters": [{"file": "your_own_articles"}, {"file": "chapters/template_your_articles"},
                     {"file": "glossary"}]}), encoding="utf-8")
    (book / "intro.md").write_text("# Planted payloads\n\nA test book.\n", encoding="utf-8")
    (book / "your_own_articles.md").write_text("# Your own articles\n\nA stub.\n", encoding="utf-8")
    shutil.copy(ROOT / "glossary.md", book / "glossary.md")
    (book / "chapters").mkdir()
    notebook_for(folder, book / "chapters" / "template_your_articles.ipynb")


def _build(book: Path, *options: str) -> str:
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", *options, str(book)], cwd=book, capture_output=True, text=True, timeout=900)
    (book / "build-log.txt").write_text(result.stdout + "\n" + result.stderr)
    assert result.returncode == 0, f"build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    page = book / "_build" / "html" / PAGE
    assert page.exists(), f"{page} was not built"
    return result.stdout


@pytest.fixture(scope="module")
def planted_book(tmp_path_factory):
    base = tmp_path_factory.mktemp("planted")
    folder = plant(base / "folder")
    book = base / "book"
    book.mkdir()
    _write_book(book, folder)
    log = _build(book, "--all")  # as `make book` does
    return book, folder, log


HOOKS = """
window.__alerts = [];
window.alert = function (m) { window.__alerts.push(String(m)); };
window.confirm = window.prompt = window.alert;
"""

JS_RAN = """() => ({
  alerts: window.__alerts,
  handlers: Array.from(document.querySelectorAll('[onerror], [onload]'))
     .filter(e => /alert/.test((e.getAttribute('onerror') || '') + (e.getAttribute('onload') || '')))
     .map(e => e.outerHTML.slice(0, 120)),
  text: document.body.innerText,
})"""


def _chart_scripts(html: str) -> list[tuple[str, dict]]:
    """Every Altair chart script as the HTML parser cuts it (up to the first '</script'), with
    the spec it hands to vega-embed. A script cut short by text in the data fails here."""
    out = []
    for body in re.findall(r"<script[^>]*>(.*?)</script", html, flags=re.S | re.I):
        if "vegaEmbed" not in body:
            continue
        assert "<!--" not in body, "a chart's script holds '<!--'"
        tail = body.rstrip()
        assert tail.endswith(");") and "})(" in tail, f"a chart's script was cut short: ...{tail[-200:]}"
        spec, _ = json.JSONDecoder().raw_decode(tail[tail.rindex("})(") + 3:])
        out.append((body, spec))
    return out


def _in_own_thread(work):
    """Run `work` in a new thread: Playwright's sync API refuses a thread whose asyncio loop
    is taken (the browser tests' session-wide Playwright holds the main thread's)."""
    out = {}

    def run():
        try:
            out["value"] = work()
        except BaseException as exc:  # re-raised below
            out["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(300)
    if "error" in out:
        raise out["error"]
    assert "value" in out, "the browser visit did not finish in 300 s"
    return out["value"]


def test_no_payload_runs_and_every_chart_is_drawn(planted_book):
    book, _, _ = planted_book
    html_dir = book / "_build" / "html"
    html = (html_dir / PAGE).read_text(encoding="utf-8")
    n_charts = len(set(re.findall(r'id="(altair-viz-[0-9a-f]+)"', html)))
    assert n_charts >= 4, f"expected the template's charts, found {n_charts}"
    assert len(_chart_scripts(html)) == n_charts, "not every chart has a whole script"
    sync_api = pytest.importorskip("playwright.sync_api")

    def visit():
        with support.BookServer(html_dir) as server, sync_api.sync_playwright() as p:
            browser = support.launch(p)
            try:
                context = support.new_context(browser, server.url, support.DESKTOP)
                context.add_init_script(HOOKS)
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(server.url + PAGE, wait_until="load")
                page.wait_for_function(support.JS_WAIT_CHARTS, timeout=60_000)
                return page.evaluate(support.JS_CHARTS), page.evaluate(JS_RAN), errors
            finally:
                browser.close()

    charts, ran, errors = _in_own_thread(visit)
    assert ran["alerts"] == [], f"payloads executed: alert() called with {ran['alerts']}"
    assert ran["handlers"] == [], f"payload elements made it into the page: {ran['handlers']}"
    assert not errors, f"script errors on the page: {errors[:3]}"
    assert len(charts) >= n_charts
    not_drawn = [c["id"] for c in charts if not c["drawn"] or c["error"]]
    assert not not_drawn, f"{len(not_drawn)} of {len(charts)} charts not drawn: {not_drawn}"
    text = ran["text"]
    for where in ("article", "quote", "claim"):
        assert PAYLOADS[where] in text, f"the {where} payload is not shown as text"


def test_payloads_reach_the_charts_as_data(planted_book):
    """Each chart's data still holds the text exactly (escaped for the script, not removed)."""
    book, _, _ = planted_book
    html = (book / "_build" / "html" / PAGE).read_text(encoding="utf-8")
    decoded = json.dumps([spec for _, spec in _chart_scripts(html)], ensure_ascii=False)
    for where in ("article", "claim", "element"):
        assert PAYLOADS[where] in decoded, f"the {where} payload is missing from the charts' data"


@pytest.mark.parametrize("options", [("--all",), ()], ids=["make-book", "incremental"])
def test_an_edited_article_is_analysed_again(planted_book, options):
    """`make book` (--all) and a plain incremental `jupyter-book build` both show the edit."""
    book, folder, first_log = planted_book
    raw = folder / "raw" / "001_tarsk_daily_post.txt"  # shown in full on the page
    marker = f"The ferry to Lunden{len(options)} carried 77 people out of the town."
    raw.write_text(raw.read_text(encoding="utf-8").replace("Police said looters", f"{marker}\nPolice said looters", 1), encoding="utf-8")
    log = _build(book, *options)
    html = (book / "_build" / "html" / PAGE).read_text(encoding="utf-8")
    assert "template_your_articles" not in " ".join(
        line for line in log.splitlines() if "Using cached notebook" in line), "the template came from the cache"
    assert f"Lunden{len(options)}" in html, "the page still shows the analysis of the old articles"
