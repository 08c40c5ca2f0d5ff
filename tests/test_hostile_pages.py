"""Hostile text in the built HTML book, in Debian's Chromium: MathJax typesets the book's own
maths only (never "$5 and $10" or \\( \\) in a cell's output or quoted article text), and values
in localStorage that another program wrote (not JSON, the wrong shape, huge, markup, another
book's keys) never run script, never cost the student the other answers, and are named in a
clear message.

Reuses the built book (the shared `built_book` fixture, or BROWSER_TEST_HTML): a page with
hostile outputs is a built chapter page with them added, served next to the book's own files.
"""

from __future__ import annotations

import functools
import json
import sys
import threading
from html import escape as html_escape
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import support  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book]
CHAPTER = "chapters/01_one_speech.html"
BOOK = "one-speech-five-reports"  # lessons.exercises.BOOK_ID
PREFIX = f"lx:v1:{BOOK}:"
HOSTILE = "It cost $5 and $10, not \\(x+y\\) or \\[z\\]"
MARKUP = '<img src=x onerror="window.__lxPwned = 1"><script>window.__lxPwned = 2</script>'


class _Overlay(support._QuietHandler):
    """The built book, plus pages held in memory (`extra`: path -> HTML)."""

    extra: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.extra.get(self.path.split("?")[0].lstrip("/"))
        if body is None:
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _mathjax_config() -> dict:
    """The book's MathJax settings, read from _config.yml as Sphinx reads them."""
    import yaml

    config = yaml.safe_load((support.ROOT / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["mathjax3_config"]


def hostile_chapter(html: str) -> str:
    """A built chapter page with hostile text where a notebook puts output: a set-up cell's
    output above the title (outside the page's first section), a table cell in an output, an
    element of class output_area; and one piece of the book's own maths (to show MathJax ran)."""
    def output(ident: str, inner: str, cls: str = "output text_html") -> str:
        return (f'<div class="cell_output docutils container"><div class="{cls}" id="{ident}">'
                f'{inner}</div></div>')
    table = f"<table><tr><td>{HOSTILE}</td></tr></table>"
    before = output("lx-t-before", table)
    inside = (output("lx-t-table", table) + output("lx-t-area", f"<pre>{HOSTILE}</pre>", "output_area")
              + '<p>Our maths: <span class="math notranslate nohighlight" id="lx-t-math">\\(a^2\\)</span></p>'
              # a quotation whose note (its title, escaped as lessons.corpus writes it) is markup
              + f'<p><span class="lx-quote" id="lx-t-quote" title="{html_escape(MARKUP)}">quoted words</span></p>')
    if "tex-mml-chtml.js" not in html:
        # No page of the book has maths today, so Sphinx loads MathJax on none: add it as Sphinx
        # does on a page with maths (the book's mathjax3_config first, then the offline script)
        # so the test still checks the config a future page with maths would get.
        head = (f"<script>window.MathJax = {json.dumps(_mathjax_config())}</script>"
                '<script defer="defer" src="../_static/offline/mathjax/tex-mml-chtml.js"></script>')
        html = html.replace("</head>", head + "</head>", 1)
    at = html.index("<section")
    html = html[:at] + before + html[at:]
    h1_end = html.index("</h1>", at) + len("</h1>")
    return html[:h1_end] + inside + html[h1_end:]


@pytest.fixture(scope="module")
def server(book_html):
    page = (book_html / CHAPTER).read_text(encoding="utf-8")
    hostile_path = CHAPTER.replace(".html", "_hostile.html")
    handler = type("Overlay", (_Overlay,), {"extra": {hostile_path: hostile_chapter(page).encode("utf-8")}})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(book_html)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    yield url, hostile_path
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def context(chromium, server):
    ctx = support.new_context(chromium, server[0], support.DESKTOP)
    yield ctx
    ctx.close()


def _open(context, url: str):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())
    page.goto(url)
    return page, errors


# ----------------------------------------------------------------------------- MathJax
def test_mathjax_leaves_dollars_and_brackets_in_outputs_as_written(context, server):
    url, hostile_path = server
    page, errors = _open(context, url + hostile_path)
    page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    page.evaluate("() => MathJax.startup.promise")
    page.wait_for_selector("#lx-t-math mjx-container", timeout=20000)  # the book's own maths is typeset
    for ident in ("lx-t-before", "lx-t-table", "lx-t-area"):
        box = page.locator(f"#{ident}")
        assert box.locator("mjx-container").count() == 0, f"{ident}: MathJax typeset an output"
        assert HOSTILE in box.inner_text(), f"{ident} shows {box.inner_text()!r}"
    assert not errors, errors


# ----------------------------------------------------------------------------- notes
def test_a_quotations_note_shows_markup_as_text(context, server):
    """A quotation's note holds article text (a11y.js shows the title on a click or a tap):
    markup in it is shown as written, never run or drawn."""
    url, hostile_path = server
    page, errors = _open(context, url + hostile_path)
    page.click("#lx-t-quote")
    note = page.locator("#lx-note")
    assert note.is_visible() and note.inner_text() == MARKUP, note.inner_text()
    assert note.locator("img, script").count() == 0
    assert page.evaluate("() => window.__lxPwned") is None
    assert page.get_attribute("#lx-t-quote", "aria-describedby") == "lx-note"
    assert not errors, errors


# ----------------------------------------------------------------------------- localStorage
def _record(ex_id: str, **fields) -> str:
    rec = {"id": ex_id, "ver": "v1", "type": "choice", "page": "chapters/01_one_speech",
           "title": "One speech", "prompt": f"Prompt of {ex_id}", "response": 0,
           "answer_text": f"the answer to {ex_id}", "status": "correct", "correct": True,
           "message": "Correct.", "saved": "2026-01-01T00:00:00Z", "book_version": "1"}
    rec.update(fields)
    return json.dumps(rec)


HUGE = "w" * 600_000
STORED = {
    PREFIX + "chapters/01_one_speech:good-one": _record("good-one"),
    PREFIX + "chapters/01_one_speech:markup": _record(
        "markup", prompt=MARKUP, answer_text=MARKUP, message=MARKUP, title=MARKUP,
        notes=[{"text": MARKUP}, "not a note", None]),
    PREFIX + "chapters/01_one_speech:odd-types": _record(
        "odd-types", prompt={"toString": 1}, page={"toString": 1, "valueOf": 1},
        answer_text={"valueOf": 1}, message=[1, 2], saved={"a": 1}, notes="x"),
    PREFIX + "chapters/01_one_speech:huge": _record("huge", answer_text=HUGE, response=HUGE),
    PREFIX + "chapters/01_one_speech:not-json": "{this is not JSON",
    PREFIX + "chapters/01_one_speech:a-list": "[1, 2, 3]",
    PREFIX + "chapters/01_one_speech:a-number": "42",
    PREFIX + "chapters/01_one_speech:no-id": json.dumps({"id": 7, "response": 1}),
    PREFIX + "_page:chapters/01_one_speech": json.dumps({"page": {"toString": 1}, "title": MARKUP, "ids": "x",
                                                         "url": "javascript:window.__lxPwned=3"}),
    f"lx:v1:{BOOK}-2:chapters/01_one_speech:theirs": _record("theirs"),  # another book's answer
}
UNREADABLE = 4  # not-json, a-list, a-number, no-id


def _seed(page, items: dict[str, str]) -> None:
    page.evaluate("items => { localStorage.clear(); for (const [k, v] of Object.entries(items)) "
                  "localStorage.setItem(k, v); }", items)
    page.reload()


def test_my_answers_page_survives_hostile_stored_values(context, server):
    url, _ = server
    page, errors = _open(context, url + "my_answers.html")
    _seed(page, STORED)
    root = page.locator("#lx-my-answers")
    root.locator(".lx-ma-answer").first.wait_for()
    assert page.evaluate("() => window.__lxPwned") is None, "stored markup ran as script"
    assert root.locator("img, script").count() == 0
    shown = {root.locator(".lx-ma-answer").nth(k).get_attribute("data-exercise")
             for k in range(root.locator(".lx-ma-answer").count())}
    assert shown == {"good-one", "markup", "odd-types", "huge"}, shown
    assert "theirs" not in root.inner_text()
    good = root.locator("[data-exercise='good-one']").inner_text()
    assert "the answer to good-one" in good
    assert MARKUP in root.locator("[data-exercise='markup']").inner_text()  # shown as text
    huge = root.locator("[data-exercise='huge']").inner_text()
    assert len(huge) < 5000, "a huge stored answer is shown in full"
    warning = root.locator(".lx-ma-warning").inner_text()
    assert f"{UNREADABLE} saved answers" in warning and "could not be read" in warning, warning
    assert root.locator("h2 a").count() == 0  # the javascript: URL is not a link
    assert not errors, errors
    left = page.evaluate("() => Object.keys(localStorage)")
    assert set(STORED) <= set(left), "a stored value was thrown away"

    page.fill("#lx-ma-name", "Student One")
    with page.expect_download() as dl:
        page.click(".lx-ma-download")
    data = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert {a["exercise"] for a in data["answers"]} == {"good-one", "markup", "odd-types"}
    assert "too long" in page.locator(".lx-ma-message").inner_text()

    page.click(".lx-ma-forget")  # the confirm dialog is accepted
    page.wait_for_function(f"() => localStorage.getItem({PREFIX + 'chapters/01_one_speech:good-one'!r}) === null")
    left = page.evaluate("() => Object.keys(localStorage)")
    assert f"lx:v1:{BOOK}-2:chapters/01_one_speech:theirs" in left, "forgetting this book's answers deleted another book's"
    assert not [k for k in left if k.startswith(PREFIX)], left
    assert not errors, errors


def test_a_damaged_saved_answer_is_named_and_the_others_are_restored(context, server):
    url, _ = server
    page, errors = _open(context, url + CHAPTER)
    page.wait_for_selector(".lx-quiz.lx-ready")
    quizzes = page.evaluate("""() => Array.from(document.querySelectorAll('.lx-quiz.lx-ready')).map(q => {
        const d = JSON.parse(q.getAttribute('data-lx')); return {id: d.id, ver: d.ver, type: d.type}; })""")
    picks = [q for q in quizzes if q["type"] in ("choice", "multi")]
    assert len(quizzes) >= 2 and picks, quizzes
    good = picks[0]
    bad = next(q for q in quizzes if q is not good)
    page_path = "chapters/01_one_speech"
    _seed(page, {
        f"{PREFIX}{page_path}:{good['id']}": _record(good["id"], ver=good["ver"], type=good["type"], page=page_path,
                                                      response=0 if good["type"] == "choice" else [0]),
        f"{PREFIX}{page_path}:{bad['id']}": '{"id": "' + bad["id"] + '", "ver": ',  # cut off: not JSON
        f"{PREFIX}_page:{page_path}": MARKUP,
    })
    page.wait_for_selector(".lx-quiz.lx-ready")
    good_quiz = page.locator(f".lx-quiz[data-lx-id='{good['id']}']")
    bad_quiz = page.locator(f".lx-quiz[data-lx-id='{bad['id']}']")
    assert good_quiz.locator("input[type=radio], input[type=checkbox]").first.is_checked(), \
        "the good answer was not restored"
    assert "(Your saved answer, restored.)" in good_quiz.inner_text()
    assert "could not be read" in bad_quiz.locator(".lx-saved").inner_text()
    assert page.evaluate("() => window.__lxPwned") is None
    assert not errors, errors
