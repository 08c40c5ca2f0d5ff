"""quiz_data: the data the book's quizzes share, written once into the built book (decision 51).

A rewrite exercise is checked against every form of the lexicon (``lessons.exercises.
rewrite_forms``: 3,759 words and phrases, 47 KB). Each exercise used to carry them in its
rules, so a page grew with the lexicon. This extension

* writes them once, from the data the notebooks read (``lessons.language.loaded_forms``; a
  teacher's folder through ``LESSONS_DATA`` too), to ``_static/lx-lexicon-forms.js`` of the
  built book (``lessons.exercises.loaded_forms_js``);
* links that file from every page with a rewrite exercise (its quiz carries
  ``data-lx-forms="lexicon"``), before quiz.js reads it, and from no other page.

The file is a plain script (it sets ``window.lxLoadedForms``), so it loads from a web server
and from ``file://`` alike, from the book itself, never from another host.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _names():
    from lessons import exercises

    return exercises


def on_page(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    ex = _names()
    if ex.LOADED_FORMS_ATTR in (context.get("body") or ""):
        # a plain (not deferred) script: it has run before quiz.js checks a restored answer
        app.add_js_file(ex.LOADED_FORMS_FILE, priority=400)


def on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    ex = _names()
    target = Path(app.builder.outdir) / "_static" / ex.LOADED_FORMS_FILE
    text = ex.loaded_forms_js(ex.rewrite_forms())
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    logger.info(f"quiz_data: {target.name} ({len(text.encode('utf-8')):,} bytes)")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", on_page, priority=800)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
