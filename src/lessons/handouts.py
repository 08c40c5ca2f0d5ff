"""Printable handouts, generated from the project's data (never typed).

For each lesson in `data/lessons.yml`: a student worksheet (its exercises as paper questions
with space to answer, and its exit ticket; no answers) and a matching answer sheet (every key
and explanation). For the whole book: the article packet (the five cleaned articles, line by
line numbered, each with its outlet and credits), the background sheet (from
`lessons.evidence.context_table()`) and the lateral-reading task.

Each handout is one HTML document (every piece of text escaped) with a print stylesheet;
`build()` prints them to PDF with Chromium (Playwright's `page.pdf()`, Debian's
/usr/bin/chromium). `python -m lessons.handouts --out DIR` is what `make handouts` runs.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import string
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd

from lessons.errors import LessonsDataError
from lessons.paths import REPO_ROOT, data_dir
from lessons.plans import handout_files, load_lessons, without_screen_help

__all__ = [
    "worksheet_html", "answers_html", "packet_html", "background_html", "lateral_html",
    "lateral_body", "show_lateral", "handouts_table", "show_handouts",
    "answer_text", "paper_prompt", "write_example_zip", "numbered_lines", "page_lines", "documents", "build", "CHROMIUM",
]

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LINE_WIDTH = 80  # characters per numbered line in the article packet
LETTERS = string.ascii_uppercase

CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.4 "DejaVu Serif", Georgia, serif; color: #000; margin: 0;
       font-variant-ligatures: none; }
h1 { font: bold 17pt/1.2 "DejaVu Sans", Arial, sans-serif; margin: 0 0 2mm; }
h2 { font: bold 13pt/1.2 "DejaVu Sans", Arial, sans-serif; margin: 6mm 0 2mm; break-after: avoid; }
.meta { font: 9.5pt/1.35 "DejaVu Sans", Arial, sans-serif; margin: 0 0 4mm; }
.name { border-bottom: 1px solid #000; display: inline-block; width: 60mm; }
.q { break-inside: avoid; margin: 0 0 5mm; }
.ticket { break-inside: avoid; }
.q p { margin: 0 0 1.5mm; }
.opts { list-style: none; padding-left: 4mm; margin: 0; }
.opts li { margin: 0 0 1mm; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 1px solid #000; margin-right: 2mm; vertical-align: -0.5mm; }
.lines { height: 24mm; background: repeating-linear-gradient(transparent 0 7.6mm, #777 7.6mm 7.9mm); }
.short { height: 9mm; }
.passage { border-left: 2px solid #000; padding: 1mm 3mm; margin: 1mm 0 2mm; line-height: 1.9; }
.key { margin: 0 0 1mm; }
.why { margin: 0; font-size: 10pt; }
.src { font-size: 8.5pt; color: #333; margin: 0.5mm 0 0; }
.article { break-before: page; }
.article:first-of-type { break-before: auto; }
table.ln { border-collapse: collapse; font: 9.6pt/1.38 "DejaVu Sans Mono", monospace; }
table.ln td { padding: 0; vertical-align: top; white-space: pre; }
table.ln td.n { color: #555; width: 11mm; text-align: right; padding-right: 3mm; user-select: none; }
table.ln tr.cut td { color: #555; font-style: italic; }
table.ln tr.why td { font: italic 7.5pt/1.5 "DejaVu Sans", Arial, sans-serif; color: #333; }
.ctx { break-inside: avoid; margin: 0 0 2.2mm; font-size: 9.6pt; line-height: 1.3; }
.ctx p { margin: 0; }
.small { font-size: 8.5pt; }
table.rubric { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
table.rubric th, table.rubric td { border: 1px solid #000; padding: 1.5mm; vertical-align: top; text-align: left; }
"""


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _doc(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def _header(title: str, subtitle: str, student: bool) -> str:
    who = ('<p class="meta">Name: <span class="name">&nbsp;</span> &nbsp; Class: '
           '<span class="name" style="width:30mm">&nbsp;</span></p>' if student else "")
    return f"<h1>{_e(title)}</h1><p class=\"meta\">{_e(subtitle)}</p>{who}"


def _exercises(lesson: dict, folder=None) -> list[dict]:
    from lessons.exercises import load_exercises

    pool = load_exercises(Path(folder) / "exercises" if folder else None)
    if any(i not in pool for i in lesson["exercises"]):  # one a chapter computes
        from lessons.computed import book_exercises

        # built from the articles the worksheet is for: a teacher's folder gets questions on its own
        articles = None
        if folder:
            from lessons.corpus import load_articles

            articles = load_articles(folder)
        problems: list[str] = []
        pool = {**book_exercises(articles, problems), **pool}
    else:
        problems = []
    missing = [i for i in lesson["exercises"] if i not in pool]
    if missing:
        from lessons.errors import LessonsDataError

        why = f" (these articles cannot give it: {problems[0]})" if problems else ""
        raise LessonsDataError(f"lessons.yml (lesson {lesson['id']}), field 'exercises': "
                               f"no exercise with id {missing[0]!r} in the exercises or the chapters{why}")
    return [pool[i] for i in lesson["exercises"]]


# ----------------------------------------------------------------- worksheet and answers
# The one place where on-screen wording becomes paper wording: a sentence about working the
# widget ('click again to unmark it') has no meaning on paper and is left out
# (`plans.without_screen_help`, which the lists of exercises use too); 'click (on)' becomes
# 'underline'. Worksheets and answer sheets both print paper_prompt.
_CLICK = re.compile(r"\b([Cc])lick(?: on)?\b")


def paper_prompt(ex: dict) -> str:
    """The prompt as printed: on paper a student underlines instead of clicking, and nothing
    is said about unmarking."""
    text = without_screen_help(str(ex["prompt"]))
    return _CLICK.sub(lambda m: "Underline" if m.group(1).isupper() else "underline", text)


_WORKING = re.compile(r"\d\s{0,3}[\u00d7\u00f7*/+\u2212=\u2248]\s{0,3}\d")


def shows_working(ex: dict) -> bool:
    """Is there working to show? Only when the key's explanation works something out
    ('6 × 30.4 ≈ 183'); a number read off a rule ('dozens' is 12) has none."""
    return ex.get("type") == "numeric" and bool(_WORKING.search(str(ex.get("explanation", ""))[:5000]))


def question_html(number: int, ex: dict) -> str:
    """One exercise as a paper question with space to answer. Carries no answer."""
    kind = ex["type"]
    parts = [f'<div class="q"><p><strong>{number}.</strong> {_e(paper_prompt(ex))}</p>']
    if kind in ("choice", "multi"):
        hint = "Tick one box." if kind == "choice" else "Tick every box that applies."
        parts.append(f'<p class="small">{hint}</p><ul class="opts">')
        parts += [f'<li><span class="box"></span>{LETTERS[i]}. {_e(o)}</li>'
                  for i, o in enumerate(ex["options"])]
        parts.append("</ul>")
    elif kind == "numeric":
        parts.append('<p>Answer (a number): <span class="name">&nbsp;</span></p>')
        if shows_working(ex):
            parts.append('<p class="small">Show how you worked it out:</p><div class="lines short"></div>')
    elif kind == "words":
        parts.append('<p class="small">Underline the words in this passage:</p>'
                     f'<div class="passage">{_e(ex["passage"])}</div>')
    else:  # text
        parts.append('<div class="lines"></div>')
    parts.append("</div>")
    return "".join(parts)


def answer_text(ex: dict) -> str:
    """The key of an exercise as one line of plain text: `exercises.answer_text`, with the
    letter of each right option (as the worksheet prints them)."""
    from lessons.exercises import answer_text as key

    if ex["type"] == "choice":
        from lessons.exercises import choice_key

        right = choice_key(ex)
        if len(right) > 1:
            return _lettered(ex, right, "or", "Any of ")
        return f"{LETTERS[right[0]]}. {key(ex)}"
    if ex["type"] == "multi":
        return _lettered(ex, sorted(ex["answer"]), "and")
    return " / ".join(key(ex).split("\n"))


def _lettered(ex: dict, indices: list[int], last: str, lead: str = "") -> str:
    """Several options by letter, then their words: 'A and B: “…”, “…”'."""
    from lessons.exercises import join_options

    letters = [LETTERS[i] for i in indices]
    head = letters[0] if len(letters) == 1 else ", ".join(letters[:-1]) + f" {last} " + letters[-1]
    return f"{lead}{head}: " + join_options([ex["options"][i] for i in indices])


def worksheet_html(lesson: dict, folder=None) -> str:
    """The student worksheet: the lesson's exercises and exit ticket, with no answers."""
    body = [_header(f"Lesson {lesson['id']}: {lesson['title']}", "Worksheet. Use the article "
                    "packet: the line numbers help you say where you found something.", True)]
    body += [question_html(i + 1, ex) for i, ex in enumerate(_exercises(lesson, folder))]
    # the exit ticket is cut off and handed in: its three questions stay on one page
    body.append('<section class="ticket"><h2>Exit ticket</h2>')
    body += [f'<div class="q"><p><strong>{i + 1}.</strong> {_e(q["question"])}</p>'
             '<div class="lines short"></div></div>' for i, q in enumerate(lesson["exit_ticket"])]
    body.append("</section>")
    return _doc(f"Lesson {lesson['id']} worksheet", "".join(body))


def answers_html(lesson: dict, folder=None) -> str:
    """The answer sheet: every key and explanation, and the exit ticket's keys."""
    body = [_header(f"Lesson {lesson['id']}: {lesson['title']}", "Answer sheet (for the teacher).", False)]
    for i, ex in enumerate(_exercises(lesson, folder)):
        body.append(
            f'<div class="q"><p><strong>{i + 1}.</strong> {_e(paper_prompt(ex))}</p>'
            f'<p class="key"><strong>Answer:</strong> {_e(answer_text(ex))}</p>'
            f'<p class="why">{_e(ex["explanation"])}</p>'
            f'<p class="src">Source: {_e(ex.get("source", ""))}</p></div>')
    body.append("<h2>Exit ticket</h2>")
    body += [f'<div class="q"><p><strong>{i + 1}.</strong> {_e(q["question"])}</p>'
             f'<p class="key"><strong>Key:</strong> {_e(q["key"])}</p></div>'
             for i, q in enumerate(lesson["exit_ticket"])]
    body.append(f"<h2>Discussion</h2><p>{_e(lesson['discussion'])}</p>")
    return _doc(f"Lesson {lesson['id']} answers", "".join(body))


# ----------------------------------------------------------------- article packet
def numbered_lines(body: str, width: int = LINE_WIDTH) -> pd.DataFrame:
    """An article's text cut into lines of at most `width` characters: `line, text`.

    Paragraphs (separated by a blank line) are kept apart by an empty line, which is numbered
    too, so a line number points at the same place on every printed copy.
    """
    rows: list[str] = []
    for para in body.split("\n\n"):
        para = " ".join(para.split())
        if not para:
            continue
        if rows:
            rows.append("")
        rows += textwrap.wrap(para, width, break_long_words=True, break_on_hyphens=False)
    return pd.DataFrame({"line": range(1, len(rows) + 1), "text": rows})


def _credits(row) -> str:
    def value(x) -> str:
        if isinstance(x, (list, tuple)):
            return ", ".join(map(str, x)) or "none named"
        return "unknown" if x is None or (isinstance(x, float) and pd.isna(x)) or x == "" else str(x)

    # articles.yml's 'published' is the date the page shows (TheJournal's is its 'LAST UPDATE'),
    # not always the first publication: the label says only what we know
    items = [("Outlet", row.outlet), ("Date shown", row.published),
             ("Agencies named", row.agencies), ("Translated", "yes" if row.translated is True
                                                 else "no" if row.translated is False else row.translated),
             ("Via", row.via)]
    out = "".join(f"<strong>{_e(k)}:</strong> {_e(value(v))}<br>" for k, v in items)
    return f'<p class="meta">{out}</p>'


def page_lines(page: pd.DataFrame, width: int = LINE_WIDTH) -> pd.DataFrame:
    """One page as printed in the packet: every piece of the raw page in its real order (its
    ``start``), headline left out (it is the section's title), cut into numbered lines:
    ``line, text, removed``. ``removed`` is the cleaning code's reason for a piece it takes out
    of the article (a photo caption, a credit line such as '\u00a9 AFP 2022', 'Source link', a
    comment box), '' for the article's own text: the clues stay where the page has them.
    Pieces are kept apart by an empty numbered line, as paragraphs in ``numbered_lines``."""
    rows: list[tuple[str, str]] = []
    for piece in page.sort_values("start", kind="stable").itertuples():
        if piece.kind == "headline":
            continue
        reason = str(piece.reason or "") if piece.kind == "removed" else ""
        text = " ".join(str(piece.text).split())
        if not text:
            continue
        if rows:
            rows.append(("", ""))
        rows += [(t, reason) for t in textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False)]
    return pd.DataFrame({"line": range(1, len(rows) + 1), "text": [t for t, _ in rows],
                         "removed": [r for _, r in rows]})


def _page_table(row, lines: pd.DataFrame) -> str:
    """The numbered lines; each run of removed lines under a small unnumbered label."""
    out, label = [], None
    for n, text, reason in zip(lines["line"], lines["text"], lines["removed"]):
        if not text:  # the empty line between pieces carries no label
            out.append(f'<tr><td class="n">{n}</td><td></td></tr>')
            continue
        if reason and reason != label:
            out.append(f'<tr class="why"><td class="n"></td><td>[removed from the article by the cleaning code: {_e(reason)}]</td></tr>')
        label = reason or None
        cls = ' class="cut"' if reason else ""
        out.append(f'<tr{cls}><td class="n">{n}</td><td>{_e(text)}</td></tr>')
    return f'<table class="ln" aria-label="{_e(row.label)}, numbered lines">{"".join(out)}</table>'


def packet_html(folder=None) -> str:
    """The five articles, each page in its real order with its captions and credit lines, each
    line numbered, with the outlet and credits from ``articles.yml``."""
    from lessons.corpus import load_articles, parts, shown_headline

    arts = load_articles(folder)
    pieces = parts(folder)
    body = []
    for row in arts.itertuples():
        lines = page_lines(pieces[pieces["article_id"] == row.article_id])
        body.append(
            f'<section class="article"><h1>{_e(row.label)}: {_e(shown_headline(row.headline))}</h1>'
            f'<p class="meta">Article packet: <strong>{_e(row.label)}</strong> '
            f"(id <code>{_e(row.article_id)}</code>). The whole page in its order, words unchanged. "
            "Lines in grey are not part of the article (captions, credit lines, adverts, comment "
            "boxes): the chapters' cleaning code removes them, and they are clues to where the "
            "report comes from. The text is not ours: it remains the copyright of its "
            "publisher and agencies, and is printed for teaching, criticism and review.</p>"
            f"{_credits(row)}{_page_table(row, lines)}</section>")
    return _doc("Article packet", "".join(body))


# ----------------------------------------------------------------- background sheet
CONTEXT_COLUMNS = ["id", "name", "text", "article_id", "quote", "outside_source"]


def background_html(table: pd.DataFrame) -> str:
    """One page on the event from `lessons.evidence.context_table()`: each fact, the article
    quote(s) it rests on, and any outside source."""
    missing = [c for c in CONTEXT_COLUMNS if c not in table.columns]
    if missing:
        raise LessonsDataError(f"context table: missing column(s) {', '.join(missing)}")
    from lessons.corpus import load_articles

    try:
        labels = dict(zip(load_articles()["article_id"], load_articles()["label"]))
    except Exception:  # a teacher's folder without the five articles: show the ids
        labels = {}
    body = [_header("Background: who is who in the five reports",
                    "Every statement names the article it comes from (or the outside source).", True
                    ).replace('<p class="meta">Name', '<p class="meta" hidden>Name')]
    for _, group in table.groupby("id", sort=False):
        first = group.iloc[0]
        quotes = []
        for r in group.itertuples():
            if isinstance(r.quote, str) and r.quote.strip():
                who = labels.get(r.article_id, r.article_id)
                quotes.append(f"{_e(who)}: “{_e(r.quote)}”")
        outside = first.outside_source
        extra = (f'<br><span class="small">Outside source: {_e(outside)}</span>'
                 if isinstance(outside, str) and outside.strip() else "")
        body.append(f'<div class="ctx"><p><strong>{_e(first["name"])}.</strong> {_e(first["text"])}</p>'
                    f'<p class="small">{"; ".join(quotes)}{extra}</p></div>')
    return _doc("Background sheet", "".join(body))


def context_table_or_none() -> pd.DataFrame | None:
    """`lessons.evidence.context_table()` if that module (and data/context.yml) is there."""
    try:
        from lessons.evidence import context_table  # type: ignore[import-not-found]
    except ImportError:
        return None
    return context_table()


def background_placeholder_html() -> str:
    return _doc("Background sheet", _header(
        "Background: who is who in the five reports",
        "This sheet is built from data/context.yml (the facts file with each fact's evidence). "
        "That file is not in this copy of the book yet; read chapter 1, 'The event in brief'.", False))


# ----------------------------------------------------------------- lateral reading
def load_lateral(folder=None) -> dict:
    from lessons._yaml import read_file

    path = (Path(folder) if folder else data_dir()) / "lateral_reading.yml"
    data = read_file(path)
    if not isinstance(data, dict):
        raise LessonsDataError(f"{path}: must be a mapping with title, intro, steps, rubric")
    for field in ("title", "intro", "steps", "rubric", "source"):
        if field not in data:
            raise LessonsDataError(f"{path}, field '{field}': missing")
    for i, step in enumerate(data["steps"]):
        if not isinstance(step, dict) or not {"question", "prompts"} <= set(step):
            raise LessonsDataError(f"{path}, field 'steps[{i}]': needs 'question' and 'prompts'")
    for i, row in enumerate(data["rubric"]):
        if not isinstance(row, dict) or not {"criterion", "levels"} <= set(row) or len(row["levels"]) != 3:
            raise LessonsDataError(f"{path}, field 'rubric[{i}]': needs 'criterion' and three 'levels'")
    return data


def lateral_body(task: dict, for_book: bool = False) -> str:
    """The task's steps and rubric as an HTML fragment (all text escaped)."""
    body = [] if for_book else [_header(task["title"], task["intro"], True)]
    if for_book:
        body.append(f"<p>{_e(task['intro'])}</p>")
    for i, step in enumerate(task["steps"]):
        prompts = "".join(f"<li>{_e(p)}</li>" for p in step["prompts"])
        space = "" if for_book else '<div class="lines"></div>'
        body.append(f'<div class="q"><p><strong>{i + 1}. {_e(step["question"])}</strong></p>'
                    f'<ul class="small">{prompts}</ul>{space}</div>')
    head = "".join(f'<th scope="col">{_e(h)}</th>'
                   for h in ("Criterion", "Beginning (1)", "Developing (2)", "Secure (3)"))
    rows = "".join(f"<tr><th scope=\"row\">{_e(r['criterion'])}</th>"
                   + "".join(f"<td>{_e(x)}</td>" for x in r["levels"]) + "</tr>" for r in task["rubric"])
    table = (f'<table class="{"lx-table" if for_book else "rubric"}"><caption>Rubric: how the '
             f"task is marked</caption><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    if for_book:
        table = f'<div class="lx-table-wrap" tabindex="0">{table}</div>'
    body.append(("" if for_book else "<h2>How this task is marked</h2>") + table)
    body.append(f'<p class="src">Rests on: {_e(task["source"])}.</p>')
    return "".join(body)


def lateral_html(task: dict) -> str:
    return _doc(task["title"], lateral_body(task))


def show_lateral(folder=None):
    """The lateral-reading task and its rubric in the book (teacher's guide)."""
    from IPython.display import HTML

    return HTML(lateral_body(load_lateral(folder), for_book=True))


# ----------------------------------------------------------------- build
def handouts_table(folder=None) -> pd.DataFrame:
    """Every handout: `file, lesson, kind, title` (what the book's lists link to)."""
    from lessons.plans import HANDOUTS

    rows = []
    for lesson in load_lessons(folder):
        files = handout_files(lesson)
        for kind in ("worksheet", "answers"):
            rows.append({"file": files[kind], "lesson": lesson["id"], "kind": kind,
                         "title": f"Lesson {lesson['id']}: {HANDOUTS[kind].split(' (')[0].lower()}"})
    files = handout_files({"id": "x"})
    for kind in ("articles", "background", "lateral"):
        rows.append({"file": files[kind], "lesson": "all", "kind": kind, "title": HANDOUTS[kind].split(" (")[0]})
    return pd.DataFrame(rows, columns=["file", "lesson", "kind", "title"])


def documents(folder=None) -> dict[str, str]:
    """File name -> HTML of every handout."""
    docs: dict[str, str] = {}
    for lesson in load_lessons(folder):
        files = handout_files(lesson)
        docs[files["worksheet"]] = worksheet_html(lesson, folder)
        docs[files["answers"]] = answers_html(lesson, folder)
    files = handout_files({"id": "x"})
    docs[files["articles"]] = packet_html(folder)
    table = context_table_or_none() if folder is None else None
    docs[files["background"]] = background_html(table) if table is not None else background_placeholder_html()
    docs[files["lateral"]] = lateral_html(load_lateral(folder))
    return docs


def show_handouts(folder=None, lesson: str | None = None):
    """Links to the printed handouts (all, or one lesson's and the shared ones)."""
    from IPython.display import HTML

    from lessons.plans import HANDOUTS_URL

    table = handouts_table(folder)
    if lesson is not None:
        table = table[table["lesson"].isin([str(lesson), "all"])]
    items = "".join(f'<li><a href="{HANDOUTS_URL}{_e(r.file)}">{_e(r.title)}</a> (PDF)</li>'
                    for r in table.itertuples())
    return HTML(f'<ul class="lx-handouts">{items}</ul>')


EXAMPLE_FOLDER = REPO_ROOT / "examples" / "invented_event"
EXAMPLE_ZIP = "your-own-articles-example.zip"
MAX_EXAMPLE_BYTES = 2_000_000


def write_example_zip(out: str | os.PathLike, folder: Path = EXAMPLE_FOLDER) -> Path:
    """The example folder as a zip a teacher downloads and unzips ("my_event/..."), so the
    book's web page can offer a ready folder to copy. Hidden files are left out; the same
    files always give the same bytes (fixed dates)."""
    import zipfile

    target = Path(out) / EXAMPLE_ZIP
    files = sorted(f for f in Path(folder).rglob("*")
                   if f.is_file() and not any(part.startswith(".") for part in f.relative_to(folder).parts))
    total = sum(f.stat().st_size for f in files)
    if total > MAX_EXAMPLE_BYTES:
        raise LessonsDataError(f"{folder}: {total} bytes, more than {MAX_EXAMPLE_BYTES} for the example zip")
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            info = zipfile.ZipInfo(f"my_event/{f.relative_to(folder).as_posix()}", date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, f.read_bytes())
    return target


def build(out: str | os.PathLike, folder=None, html_too: bool = True) -> pd.DataFrame:
    """Write every handout as PDF (and its HTML) into `out`: `file, pages, bytes, seconds`."""
    from playwright.sync_api import sync_playwright

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    docs = documents(folder)
    write_example_zip(out)
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make browser` (apt-get install -y chromium)")
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        page = browser.new_page()
        # the handouts are self-contained: refuse any request (no fonts or images from anywhere)
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("data:")
                   else route.continue_())
        for name, markup in docs.items():
            t0 = time.perf_counter()
            pdf_path = out / name
            if html_too:
                pdf_path.with_suffix(".html").write_text(markup, encoding="utf-8")
            page.set_content(markup, wait_until="load")
            page.pdf(path=str(pdf_path), format="A4", print_background=True,
                     prefer_css_page_size=True, display_header_footer=True,
                     header_template="<span></span>",
                     footer_template='<div style="font-size:8pt;width:100%;text-align:center">'
                                     '<span class="title"></span> · page <span class="pageNumber"></span>'
                                     ' of <span class="totalPages"></span></div>')
            data = pdf_path.read_bytes()
            rows.append({"file": name, "pages": data.count(b"/Type /Page") - data.count(b"/Type /Pages"),
                         "bytes": len(data), "seconds": round(time.perf_counter() - t0, 2)})
        browser.close()
    return pd.DataFrame(rows, columns=["file", "pages", "bytes", "seconds"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lessons.handouts", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(REPO_ROOT / "_build" / "html" / "handouts"))
    parser.add_argument("--folder", default=None, help="a data folder (default: the shipped data)")
    args = parser.parse_args(argv)
    try:
        report = build(args.out, args.folder)
    except LessonsDataError as err:
        print(f"handouts: {err}", file=sys.stderr)
        return 1
    print(report.to_string(index=False))
    print(f"{len(report)} handouts in {args.out} ({report['seconds'].sum():.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
