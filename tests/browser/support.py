"""Helpers for the browser tests (tests/test_browser.py): serve the built book on 127.0.0.1,
drive Debian's Chromium with Playwright, and record what a page does.

Everything a page does is recorded once per page and viewport (``visit``); the tests then
assert on the record, so a failure names the page and the exact problem.
"""

from __future__ import annotations

import functools
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


# ----------------------------------------------------------------------------- pages
def toc_pages(book_root: Path = ROOT) -> list[str]:
    """Every page of _toc.yml, as paths of the built HTML files ('chapters/01_x.html')."""
    toc = yaml.safe_load((book_root / "_toc.yml").read_text(encoding="utf-8"))
    files: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    files.append(toc["root"])
    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    walk(toc.get("sections"))
    out = []
    for f in files:
        stem = f.rsplit(".", 1)[0] if f.endswith((".md", ".ipynb", ".rst")) else f
        out.append(stem + ".html")
    return list(dict.fromkeys(out))


# ----------------------------------------------------------------------------- server
class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output clean
        pass


class BookServer:
    """The built book on http://127.0.0.1:<free port>/ in a background thread."""

    def __init__(self, html_dir: Path):
        handler = functools.partial(_QuietHandler, directory=str(html_dir))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "BookServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# ----------------------------------------------------------------------------- links
class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


class LinkChecker:
    """Fetches each page of our host once; answers 'does this link resolve?'."""

    def __init__(self):
        self._pages: dict[str, tuple[int, set[str] | None]] = {}
        self._lock = threading.Lock()

    def _fetch(self, url: str) -> tuple[int, set[str] | None]:
        with self._lock:
            if url in self._pages:
                return self._pages[url]
        try:
            with urllib.request.urlopen(url, timeout=10) as resp:
                status = resp.status
                ids = None
                if "html" in resp.headers.get("Content-Type", ""):
                    parser = _Ids()
                    parser.feed(resp.read().decode("utf-8", "replace"))
                    ids = parser.ids
        except urllib.error.HTTPError as err:
            status, ids = err.code, None
        except OSError:
            status, ids = 0, None
        with self._lock:
            self._pages[url] = (status, ids)
        return status, ids

    def problem(self, href: str) -> str | None:
        """None if the link resolves (HTTP 200 and, for #frag, an element with that id)."""
        url, frag = urldefrag(href)
        status, ids = self._fetch(url)
        if status != 200:
            return f"HTTP {status}"
        if frag and ids is not None and unquote(frag) not in ids and frag not in ids:
            return f"no element with id '{unquote(frag)}'"
        return None


# ----------------------------------------------------------------------------- browser
def launch(playwright):
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `apt-get install -y chromium` "
                           "(`make test` does it)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@dataclass
class Visit:
    """What one page did in one viewport."""

    page: str
    viewport: str
    console_errors: list[str] = field(default_factory=list)
    console_warnings: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    http_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    widgets: dict = field(default_factory=dict)
    images: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    quizzes: list[dict] = field(default_factory=list)
    axe: list[dict] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    screenshot: str = ""
    seconds: float = 0.0
    timings: dict = field(default_factory=dict)
    icons: list[dict] = field(default_factory=list)
    loaded_bytes: int = 0  # every response body from our host (Content-Length), page included
    loaded_files: dict = field(default_factory=dict)


def new_context(browser, base_url: str, viewport: dict, phone: bool = False):
    """A browser context in which every request off our host is blocked and recorded."""
    context = browser.new_context(
        viewport=viewport, base_url=base_url, is_mobile=phone, has_touch=phone,
        device_scale_factor=2 if phone else 1, service_workers="block",
        user_agent=None)
    context.external = []  # type: ignore[attr-defined]

    def route(r):
        host = urlsplit(r.request.url).hostname or ""
        if urlsplit(r.request.url).scheme in ("http", "https", "ws", "wss") and \
                host not in LOCAL_HOSTS:
            context.external.append(r.request.url)  # type: ignore[attr-defined]
            r.abort("blockedbyclient")
        else:
            r.continue_()

    context.route("**/*", route)
    return context


# JavaScript run in the page -------------------------------------------------
JS_WAIT_CHARTS = """() => {
  const boxes = Array.from(document.querySelectorAll('[id^="altair-viz-"], .vega-embed'));
  return boxes.every(b => b.querySelector('svg, canvas') || b.querySelector('.error'));
}"""

JS_CHARTS = """() => {
  const boxes = Array.from(new Set(document.querySelectorAll('[id^="altair-viz-"], .vega-embed')));
  return boxes.map(b => {
    const g = b.querySelector('svg.marks, canvas.marks, svg, canvas');
    const r = g ? g.getBoundingClientRect() : null;
    // vega puts the chart's description on the embed container (role graphics-document)
    const doc = b.matches('[role="graphics-document"]') ? b : b.querySelector('[role="graphics-document"]');
    const title = b.querySelector('[aria-roledescription="title"]');
    return {
      id: b.id || b.className,
      drawn: !!g && r.width > 10 && r.height > 10,
      kind: g ? g.tagName.toLowerCase() : null,
      error: (b.querySelector('.error') || {}).textContent || null,
      label: doc ? (doc.getAttribute('aria-label') || '') : '',
      title: title ? (title.getAttribute('aria-label') || title.textContent || '') : '',
      actions: !!b.querySelector('details, .vega-actions'),
    };
  });
}"""

JS_WIDGETS = """() => {
  const state = document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length;
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  const rendered = views.filter(s => {
    const box = s.previousElementSibling;
    return box && box.classList.contains('widget-subarea') && box.querySelector('.jupyter-widgets, .widget-inline-hbox, .lm-Widget, .p-Widget');
  }).length;
  return {state, views: views.length, rendered};
}"""

JS_WAIT_WIDGETS = """() => {
  const views = Array.from(document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]'));
  return views.every(s => s.previousElementSibling && s.previousElementSibling.classList.contains('widget-subarea')
                          && s.previousElementSibling.children.length > 0);
}"""

# Every visible Font Awesome icon (the theme's <i>/<span class="fa-...">): its box, and
# whether its glyph is really in the icon font. The glyph is drawn on a canvas in the icon's
# font and in a generic font: a glyph missing from the (subset) icon font falls back to the
# same system font both times, so the two drawings are the same (or blank).
JS_ICONS = """async () => {
  const draw = (glyph, font) => {
    const c = document.createElement('canvas'); c.width = 64; c.height = 64;
    const g = c.getContext('2d'); g.font = font; g.fillStyle = '#000'; g.textBaseline = 'top';
    g.fillText(glyph, 8, 8);
    return g.getImageData(0, 0, 64, 64).data;
  };
  const out = [];
  for (const el of document.querySelectorAll('i[class*="fa-"], span[class*="fa-"]')) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!(r.width > 0 && r.height > 0) || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    const before = getComputedStyle(el, '::before');
    const glyph = (before.content || '').replace(/^["']|["']$/g, '');
    let ink = 0, differs = false;
    if (glyph && glyph !== 'none' && glyph !== 'normal') {
      const font = `${before.fontWeight} 40px ${before.fontFamily}`;
      await document.fonts.load(font, glyph);
      const a = draw(glyph, font), b = draw(glyph, `${before.fontWeight} 40px monospace`);
      for (let i = 3; i < a.length; i += 4) { if (a[i]) ink++; if (a[i] !== b[i]) differs = true; }
    }
    out.push({icon: String(el.className), width: Math.round(r.width), height: Math.round(r.height),
              glyph: glyph && glyph.codePointAt(0) ? glyph.codePointAt(0).toString(16) : '',
              font: before.fontFamily, ink, drawn: ink > 20 && differs});
  }
  return out;
}"""

JS_IMAGES = """() => Array.from(document.querySelectorAll('img')).map(i => ({
  src: i.getAttribute('src'),
  alt: i.getAttribute('alt'),
  decorative: i.getAttribute('role') === 'presentation' || i.getAttribute('aria-hidden') === 'true',
  loaded: i.complete && i.naturalWidth > 0,
}))"""

JS_LINKS = """() => Array.from(document.querySelectorAll('a[href], link[rel=stylesheet][href]'))
  .map(a => a.href).filter(h => h.startsWith(location.origin))"""

# Horizontal overflow: the page must not scroll sideways, and nothing visible in the main
# text may stick out of the viewport unless it sits in a container that scrolls by itself
# (a wide table or chart in an overflow-x:auto box is fine; text cut off is not).
JS_OVERFLOW = """() => {
  const vw = document.documentElement.clientWidth;
  const main = document.querySelector('main') || document.body;
  const inScroller = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (['auto', 'scroll'].includes(s.overflowX)) {
        const r = a.getBoundingClientRect();
        return r.right <= vw + 1 && r.left >= -1;
      }
    }
    return false;
  };
  const bad = new Set();
  const out = [];
  for (const el of main.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right <= vw + 1 && r.left >= -1) continue;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.position === 'fixed') continue;
    if (el.closest('[aria-hidden="true"], .visually-hidden, .sr-only')) continue;
    if (inScroller(el)) continue;
    let p = el.parentElement, nested = false;
    for (; p; p = p.parentElement) { if (bad.has(p)) { nested = true; break; } }
    bad.add(el);
    if (nested) continue;  // report the outermost element only
    const cls = typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} [${Math.round(r.left)}..${Math.round(r.right)}] ${(el.textContent || '').trim().slice(0, 50)}`);
  }
  return {
    viewport: vw,
    scrollWidth: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    offenders: out.slice(0, 15),
    count: out.length,
  };
}"""

JS_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(0, 2).join(' ')),
  }));
}"""


def quiz_rules(quiz) -> dict:
    """A quiz's rules with its key: the page carries the key encoded (`k` in data-lx), and
    quiz.js's decode() restores it, as a student's browser does."""
    return quiz.evaluate("el => { const r = JSON.parse(el.getAttribute('data-lx') || '{}');"
                         " return r.k ? window.lxQuiz.decode(r) : r; }")


def exercise_quizzes(page) -> list[dict]:
    """Answer every static quiz on the page rightly, pressing its Check button (the first quiz
    of each type also once wrongly); record the feedback text the student sees."""
    results = []
    tried_wrong: set[str] = set()
    quizzes = page.locator(".lx-quiz")
    for i in range(quizzes.count()):
        quiz = quizzes.nth(i)
        rules = quiz_rules(quiz)
        kind = rules.get("type")
        answer = rules.get("answer")
        try_wrong = kind not in tried_wrong
        tried_wrong.add(kind)
        rec = {"id": rules.get("id") or quiz.get_attribute("id"), "type": kind,
               "ready": quiz.get_attribute("data-lx-ready") == "1", "wrong": None, "right": None}
        feedback = quiz.locator(".lx-feedback")
        check = quiz.locator(".lx-check")

        def read():
            page.wait_for_timeout(30)
            return feedback.inner_text().strip()

        if kind == "choice":
            options = quiz.locator("input[type=radio]")
            n = options.count()
            accepted = answer if isinstance(answer, list) else [answer]  # several defensible options
            wrong = next((k for k in range(n) if k not in accepted), None)
            if wrong is not None and try_wrong:
                quiz.locator(f"label[for='{options.nth(wrong).get_attribute('id')}']").click()
                check.click()
                rec["wrong"] = read()
            quiz.locator(f"label[for='{options.nth(accepted[0]).get_attribute('id')}']").click()
            check.click()
            rec["right"] = read()
        elif kind == "multi":
            boxes = quiz.locator("input[type=checkbox]")
            n = boxes.count()
            wrong = next((k for k in range(n) if k not in answer), None)
            if wrong is not None and try_wrong:
                boxes.nth(wrong).check()
                check.click()
                rec["wrong"] = read()
                boxes.nth(wrong).uncheck()
            for k in answer:
                boxes.nth(k).check()
            check.click()
            rec["right"] = read()
        elif kind == "numeric":
            field_ = quiz.locator("input.lx-number")
            if try_wrong:
                field_.fill(str(float(answer) + abs(float(rules.get("tolerance") or 0)) + 1000))
                check.click()
                rec["wrong"] = read()
            value = answer if not float(answer).is_integer() else int(answer)
            field_.fill(str(value))
            field_.press("Enter")
            rec["right"] = read()
        elif kind == "words":
            words = quiz.locator(".lx-word")
            # a wrong attempt: mark only a word that is not in the key, if there is one
            key = set(answer or [])
            n = words.count()
            extra = next((k for k in range(n) if words.nth(k).get_attribute("data-word") not in key), None)
            if extra is not None and try_wrong:
                words.nth(extra).click()
                check.click()
                rec["wrong"] = read()
                words.nth(extra).click()
            for k in range(n):
                if words.nth(k).get_attribute("data-word") in key and \
                        words.nth(k).get_attribute("aria-pressed") != "true":
                    words.nth(k).click()
            check.click()
            rec["right"] = read()
        elif kind == "text":
            area = quiz.locator("textarea")
            area.fill("My answer: the report names its source.")
            check.click()
            rec["right"] = read()
        results.append(rec)
    return results


def visit(context, url: str, page_name: str, viewport_name: str, *, full: bool) -> Visit:
    """Load one page and record everything the tests check. ``full``: also run the quizzes,
    axe and link collection (the desktop visit); the phone visit checks layout only."""
    start = time.monotonic()
    rec = Visit(page=page_name, viewport=viewport_name)
    page = context.new_page()
    def on_console(m):
        where = (m.location or {}).get("url", "")
        if m.type == "error":
            rec.console_errors.append(f"{m.text} @ {where}")
        elif m.type == "warning":
            rec.console_warnings.append(f"{m.text} @ {where}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: rec.page_errors.append(str(e)))
    page.on("requestfailed", lambda r: rec.failed_requests.append(
        f"{r.url} ({r.failure})") if urlsplit(r.url).hostname in LOCAL_HOSTS else None)
    page.on("response", lambda r: rec.http_errors.append(f"{r.status} {r.url}")
            if r.status >= 400 else None)

    def on_response(r):
        if urlsplit(r.url).hostname in LOCAL_HOSTS and r.status < 400:
            size = int(r.headers.get("content-length") or 0)
            rec.loaded_files[urlsplit(r.url).path] = size
            rec.loaded_bytes = sum(rec.loaded_files.values())

    page.on("response", on_response)
    n_external = len(context.external)
    lap_start = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        rec.timings[name] = round(now - lap_start[0], 2)
        lap_start[0] = now

    page.goto(url, wait_until="load")
    lap("load")
    try:
        page.wait_for_load_state("networkidle", timeout=15000)
    except Exception:  # noqa: BLE001 - recorded by the checks below
        pass
    try:
        page.wait_for_function(JS_WAIT_CHARTS, timeout=15000)
    except Exception:  # noqa: BLE001
        pass
    try:
        page.wait_for_function(JS_WAIT_WIDGETS, timeout=15000)
    except Exception:  # noqa: BLE001
        pass
    # MathJax typesets asynchronously
    page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    lap("settle")
    rec.charts = page.evaluate(JS_CHARTS)
    rec.widgets = page.evaluate(JS_WIDGETS)
    rec.images = page.evaluate(JS_IMAGES)
    rec.icons = page.evaluate(JS_ICONS)
    rec.overflow = page.evaluate(JS_OVERFLOW)
    lap("inspect")

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / (page_name.replace("/", "__").removesuffix(".html") +
                          ("" if viewport_name == "desktop" else f"-{viewport_name}") + ".jpg")
    # JPEG at CSS pixels: a long chapter takes ~1.4 s instead of ~3-7 s as a PNG
    page.screenshot(path=str(shot), full_page=True, type="jpeg", quality=75, scale="css",
                    animations="disabled", caret="hide")
    rec.screenshot = str(shot)
    lap("screenshot")

    if full:
        rec.links = sorted(set(page.evaluate(JS_LINKS)))
        rec.quizzes = exercise_quizzes(page)
        lap("quizzes")
        page.add_script_tag(path=str(AXE))
        rec.axe = page.evaluate(JS_AXE)
        lap("axe")
    page.wait_for_timeout(100)  # let late console messages arrive
    rec.external_requests = list(context.external[n_external:])
    page.close()
    rec.seconds = round(time.monotonic() - start, 2)
    return rec


def in_thread(function, *args, **kwargs):
    """Run `function` in a thread of its own and return its result (or raise its error).

    Code that starts its own sync Playwright (the handouts printer) cannot run in the test
    thread while the session's shared browser (tests/conftest.py `chromium`) is alive."""
    import threading

    box: dict = {}

    def run():
        try:
            box["result"] = function(*args, **kwargs)
        except BaseException as err:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = err

    worker = threading.Thread(target=run, name="own-playwright")
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]
