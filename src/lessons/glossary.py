"""Links from the chapters' prose to the glossary: one form that the book and JupyterLab both read.

A chapter names a glossary term with a Markdown link to the glossary page,
``[outlets](../glossary.md#term-outlet)``. JupyterLab (jupyterlab-myst) shows a plain link that
opens ``glossary.md``; a ``{term}`` role instead showed plain text there and logged "Cross
reference target was not found" once per term at every render, since a notebook holds no
glossary. The book (``_ext/glossary_links.py``) turns each such link into the term's own
cross-reference, as ``{term}`` made: a link to the definition, checked at build time.
"""

from __future__ import annotations

import re

GLOSSARY_DOC = "glossary"  # the glossary page's name in the book (glossary.md)
PREFIX = "term-"
# a link from a chapter (one folder down) to a glossary term: [text](../glossary.md#term-...)
LINK = re.compile(r"\[([^\[\]\n]{1,100})\]\(\.\./glossary\.md#(term-[a-z0-9-]{1,100})\)")
# the role the chapters no longer use: {term}`text` or {term}`text <term>`
ROLE = re.compile(r"\{term\}`([^`\n<]{1,100}?)(?:\s*<([^`\n>]{1,100})>)?`")


def anchor(term: str) -> str:
    """The fragment that names ``term`` in a link: 'term-' and its words in lower case,
    joined by '-' ("Reporter's voice" -> 'term-reporter-s-voice')."""
    return PREFIX + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def link(text: str, term: str | None = None) -> str:
    """The Markdown link that shows ``text`` and points to ``term`` (default: ``text``)."""
    return f"[{text}](../glossary.md#{anchor(term or text)})"


def role_to_link(markdown: str) -> tuple[str, int]:
    """``markdown`` with each {term} role written as a glossary link; and how many."""
    return ROLE.subn(lambda m: link(m.group(1).strip(), (m.group(2) or m.group(1)).strip()), markdown)


def glossary_terms(text: str) -> list[str]:
    """The terms a ``{glossary}`` block of glossary.md defines: its lines that start at the
    block's margin (the definitions are indented under them)."""
    terms, inside = [], False
    for line in text.splitlines():
        if re.match(r"\s*(```|:::)\{glossary\}", line):
            inside = True
        elif inside and re.match(r"\s*(```|:::)\s*$", line):
            inside = False
        elif inside and line.strip() and not line[:1].isspace() and not line.startswith(":"):
            terms.append(line.strip())
    return terms
