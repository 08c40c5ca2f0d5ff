"""Evidence as data: the words in the articles behind each statement the book makes by hand.

Two data files, loaded and schema-checked here (bad input gets a ``LessonsDataError`` naming
file, entry and field):

* ``data/evidence.yml``: one entry per hand-written statement about the events:
  ``id, statement, where, evidence: [{article, quote, part?}], inference``.
* ``data/context.yml``: the 'who is who' box: ``id, name, text, evidence: [...],
  outside_source?`` (a citation, required for any fact that no article gives).

A quote must appear verbatim in the cleaned text of its article (``part: body``, the default:
the headline and body), among its photo captions (``part: caption``) or among the lines the
cleaning removed (``part: removed``: date stamps, a copyright line), after the same
normalisation for both sides: Unicode NFC and every run of white space (thin and no-break
spaces included) read as one space. ``check_quotes`` reports each quote found or not.
"""

from __future__ import annotations

import copy
import html
import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import _yaml
from .datafiles import read
from .errors import LessonsDataError
from .paths import data_dir

EVIDENCE_FILE = "evidence.yml"
CONTEXT_FILE = "context.yml"
PARTS = ("body", "caption", "removed")
PHOTO_REASON = "photo caption or credit"  # the cleaning's reason for a photo's caption (lessons.corpus)
MAX_QUOTE = 600          # characters: evidence is a sentence or two, not a page
MAX_ENTRIES = 2000

EVIDENCE_FIELDS = {"id": str, "statement": str, "where": str, "evidence": list, "inference": bool}
CONTEXT_FIELDS = {"id": str, "name": str, "text": str, "evidence": list}
CONTEXT_OPTIONAL = {"outside_source": str}
ITEM_FIELDS = ("article", "quote")
ITEM_OPTIONAL = ("part",)

EVIDENCE_COLUMNS = ["id", "statement", "where", "inference", "article_id", "part", "quote"]
CONTEXT_COLUMNS = ["id", "name", "text", "article_id", "quote", "outside_source"]
CHECK_COLUMNS = ["id", "article_id", "part", "quote", "found", "problem"]

_ID = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_WHITE = re.compile(r"\s+")  # str regex: \s covers U+00A0, U+2009, U+202F and the other spaces


def normalise(text: str) -> str:
    """Text as the evidence check compares it: NFC, white space runs as one space, trimmed."""
    return _WHITE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


# --------------------------------------------------------------------------- loading
def _path(path, name: str) -> Path:
    return Path(path) if path is not None else data_dir() / name


def _check_items(items, where: str) -> list[dict]:
    if not isinstance(items, list) or not items:
        raise LessonsDataError(f"{where}: field evidence must be a non-empty list of {{article, quote}}")
    out = []
    for number, item in enumerate(items, start=1):
        at = f"{where}, evidence item {number}"
        if not isinstance(item, dict):
            raise LessonsDataError(f"{at}: expected 'article: ...' and 'quote: ...', got {item!r:.80}")
        unknown = sorted(set(item) - set(ITEM_FIELDS) - set(ITEM_OPTIONAL))
        if unknown:
            raise LessonsDataError(f"{at}: unknown field(s) {', '.join(map(str, unknown))}; allowed: article, quote, part")
        for field in ITEM_FIELDS:
            value = item.get(field)
            if not isinstance(value, str) or not value.strip():
                raise LessonsDataError(f"{at}: field {field} must be non-empty text")
        if len(item["quote"]) > MAX_QUOTE:
            raise LessonsDataError(f"{at}: field quote is {len(item['quote'])} characters; keep it under {MAX_QUOTE}")
        part = item.get("part", "body")
        if part not in PARTS:
            raise LessonsDataError(f"{at}: field part is {part!r}; use one of {', '.join(PARTS)}")
        out.append({"article": item["article"].strip(), "quote": item["quote"], "part": part})
    return out


def _load(path: Path, fields: dict, optional: dict) -> list[dict]:
    entries = _yaml.read_file(path)
    if not isinstance(entries, list) or not entries:
        raise LessonsDataError(f"{path}: expected a list of entries, one per statement")
    if len(entries) > MAX_ENTRIES:
        raise LessonsDataError(f"{path}: {len(entries)} entries; at most {MAX_ENTRIES}")
    seen: dict[str, int] = {}
    out = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, entry {number}"
        if not isinstance(entry, dict):
            raise LessonsDataError(f"{where}: expected fields such as 'id: ...', got {entry!r:.80}")
        if isinstance(entry.get("id"), str):
            where += f" (id {entry['id']!r})"
        unknown = sorted(set(entry) - set(fields) - set(optional))
        if unknown:
            raise LessonsDataError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}; allowed: {', '.join([*fields, *optional])}")
        for field, kind in fields.items():
            if field not in entry or entry[field] is None:
                raise LessonsDataError(f"{where}: missing field {field}")
            value = entry[field]
            if not isinstance(value, kind) or (kind is str and not value.strip()):
                raise LessonsDataError(f"{where}: field {field} must be {'true or false' if kind is bool else 'non-empty text' if kind is str else 'a list'}, got {value!r:.80}")
        for field, kind in optional.items():
            if field in entry and (not isinstance(entry[field], kind) or not entry[field].strip()):
                raise LessonsDataError(f"{where}: field {field} must be non-empty text when given")
        if not _ID.fullmatch(entry["id"]):
            raise LessonsDataError(f"{where}: field id {entry['id']!r} must be lowercase letters and digits joined by - or _")
        if entry["id"] in seen:
            raise LessonsDataError(f"{where}: duplicated id {entry['id']!r} (also entry {seen[entry['id']]})")
        seen[entry["id"]] = number
        clean = {**entry, "evidence": _check_items(entry["evidence"], where)}
        for field in optional:
            clean.setdefault(field, "")
        out.append(clean)
    return out


# Read once per version of the file (path, modification time, size): a chapter shows the
# evidence of several statements, one toggle at a time, from the same file.
@read.cached(maxsize=4)
def _evidence_file(path: Path) -> list[dict]:
    return _load(path, EVIDENCE_FIELDS, {})


@read.cached(maxsize=4)
def _context_file(path: Path) -> list[dict]:
    return _load(path, CONTEXT_FIELDS, CONTEXT_OPTIONAL)


def load_evidence(path=None) -> list[dict]:
    """The entries of ``evidence.yml`` (checked), each item with its ``part`` filled in."""
    return copy.deepcopy(_evidence_file(_path(path, EVIDENCE_FILE)))  # a copy: the caller may change it


def load_context(path=None) -> list[dict]:
    """The entries of ``context.yml`` (checked); ``outside_source`` is '' when not given."""
    return copy.deepcopy(_context_file(_path(path, CONTEXT_FILE)))


def evidence_table(path=None) -> pd.DataFrame:
    """One row per evidence item: ``id, statement, where, inference, article_id, part, quote``."""
    rows = [
        {"id": e["id"], "statement": normalise(e["statement"]), "where": e["where"], "inference": e["inference"],
         "article_id": item["article"], "part": item["part"], "quote": item["quote"]}
        for e in load_evidence(path) for item in e["evidence"]
    ]
    return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)


def context_table(path=None) -> pd.DataFrame:
    """The context box as data, one row per evidence item:
    ``id, name, text, article_id, quote, outside_source`` (outside_source '' when none)."""
    rows = [
        {"id": e["id"], "name": e["name"], "text": normalise(e["text"]), "article_id": item["article"],
         "quote": item["quote"], "outside_source": e["outside_source"]}
        for e in load_context(path) for item in e["evidence"]
    ]
    return pd.DataFrame(rows, columns=CONTEXT_COLUMNS)


# --------------------------------------------------------------------------- the check
def article_texts(articles_path=None) -> dict[tuple[str, str], str]:
    """``{(article_id, part): normalised text}``: 'body' is the cleaned headline and body,
    'caption' the photo captions (with their credits) the cleaning kept apart, 'removed' the
    pieces the cleaning removed (date stamps, 'Source link', newsletter boxes, a copyright line
    such as '© AFP 2022': that line is about the text, not a photo, so it is not a 'caption')."""
    from . import corpus  # the corpus's own cleaning decides what the article says

    articles = corpus.load_articles(articles_path)
    pieces = corpus.parts(articles_path)
    captions = corpus.captions(articles_path)
    photo = pieces[(pieces["kind"] == "removed") & (pieces["reason"] == PHOTO_REASON)]
    photo_starts = set(zip(photo["article_id"], photo["start"]))
    captions = captions[[(a, s) in photo_starts for a, s in zip(captions["article_id"], captions["start"])]]
    texts = {}
    for row in articles.itertuples():
        heads = pieces[(pieces["article_id"] == row.article_id) & (pieces["kind"] == "headline")]["text"]
        texts[(row.article_id, "body")] = normalise("\n\n".join([*heads, row.body]))
        caps = captions[captions["article_id"] == row.article_id]["caption"]
        texts[(row.article_id, "caption")] = "\n".join(normalise(c) for c in caps)
        gone = pieces[(pieces["article_id"] == row.article_id) & (pieces["kind"] == "removed")]["text"]
        texts[(row.article_id, "removed")] = "\n".join(normalise(g) for g in gone)
    return texts


def quote_found(article_id: str, quote: str, part: str = "body", articles_path=None, texts=None) -> bool:
    """Whether ``quote`` appears verbatim (after ``normalise``) in that part of that article."""
    texts = texts if texts is not None else article_texts(articles_path)
    text = texts.get((article_id, part))
    needle = normalise(quote)
    return bool(text) and bool(needle) and needle in text


def check_quotes(entries: list[dict], articles_path=None) -> pd.DataFrame:
    """One row per evidence item of ``entries`` (from ``load_evidence`` or ``load_context``):
    ``id, article_id, part, quote, found, problem`` (problem '' when the quote is found)."""
    texts = article_texts(articles_path)
    known = {article for article, _ in texts}
    rows = []
    for entry in entries:
        for item in entry["evidence"]:
            article, part, quote = item["article"], item.get("part", "body"), item["quote"]
            if article not in known:
                problem = f"unknown article {article!r}; articles: {', '.join(sorted(known))}"
            elif not quote_found(article, quote, part, texts=texts):
                problem = f"quote not found in the cleaned {part} of {article!r}"
            else:
                problem = ""
            rows.append({"id": entry["id"], "article_id": article, "part": part, "quote": quote,
                         "found": problem == "", "problem": problem})
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------- showing it
_PART_NOTE = {"body": "", "caption": " (photo caption)", "removed": " (a line the cleaning removed from the page)"}


def _labels(articles_path=None) -> dict[str, str]:
    from . import corpus

    articles = corpus.load_articles(articles_path)
    return dict(zip(articles["article_id"], articles["label"]))


def _quote_items(items, labels) -> str:
    lines = [
        f"<li><b>{html.escape(labels.get(i['article'], i['article']))}</b>{_PART_NOTE[i.get('part', 'body')]}: "
        f"“{html.escape(normalise(i['quote']))}”</li>"
        for i in items
    ]
    return f"<ul>{''.join(lines)}</ul>"


def evidence_html(ids, path=None, articles_path=None) -> str:
    """A 'show the evidence' toggle (HTML ``<details>``) for the statements ``ids``: each
    statement, marked when it is an inference, with the words of each article behind it.
    Everything shown is escaped."""
    entries = {e["id"]: e for e in load_evidence(path)}
    unknown = [i for i in ids if i not in entries]
    if not ids or unknown:
        where = _path(path, EVIDENCE_FILE)
        raise LessonsDataError(f"{where}: no entry with id {', '.join(map(repr, unknown)) or '(none given)'}")
    labels = _labels(articles_path)
    blocks = []
    for i in ids:
        e = entries[i]
        kind = "Inference (the reports suggest it; they do not say it)" if e["inference"] else "Statement"
        blocks.append(f'<p class="lx-evidence-statement"><i>{kind}:</i> {html.escape(normalise(e["statement"]))}</p>'
                      + _quote_items(e["evidence"], labels))
    return ('<details class="lx-evidence"><summary>Show the evidence: the words in the reports</summary>'
            + "".join(blocks) + "</details>")


def show_evidence(*ids, path=None, articles_path=None):
    """Display ``evidence_html`` in a notebook (and in the built book)."""
    from IPython.display import HTML

    return HTML(evidence_html(list(ids), path, articles_path))


def context_html(path=None, articles_path=None) -> str:
    """The 'who is who' box: one line per name, each with a toggle showing the articles' words,
    and any fact from outside the articles marked with its source. Everything shown is escaped."""
    labels = _labels(articles_path)
    rows = []
    for e in load_context(path):
        outside = (f'<p class="lx-outside"><i>From outside the five articles:</i> {html.escape(e["outside_source"])}</p>'
                   if e["outside_source"] else "")
        rows.append(f"<dt>{html.escape(e['name'])}</dt><dd><p>{html.escape(normalise(e['text']))}</p>"
                    f'<details class="lx-evidence"><summary>Where the reports say so</summary>'
                    f"{_quote_items(e['evidence'], labels)}{outside}</details></dd>")
    return ('<div class="admonition note lx-context" role="note"><p class="admonition-title">Who is who</p>'
            f"<dl>{''.join(rows)}</dl></div>")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~$])")


def _md(text: str) -> str:
    """Text safe inside MyST Markdown: markup characters escaped, HTML escaped."""
    return _MD_SPECIAL.sub(r"\\\1", normalise(text))


def evidence_markdown(ids, path=None, articles_path=None) -> str:
    """The same toggle as ``evidence_html``, as a MyST dropdown admonition for a ``.md`` page
    (which runs no code). The page holds a copy; ``tests/test_evidence_pages.py`` checks the copy
    equals this output, so regenerate it after changing ``evidence.yml``."""
    entries = {e["id"]: e for e in load_evidence(path)}
    unknown = [i for i in ids if i not in entries]
    if not ids or unknown:
        raise LessonsDataError(f"{_path(path, EVIDENCE_FILE)}: no entry with id {', '.join(map(repr, unknown)) or '(none given)'}")
    labels = _labels(articles_path)
    lines = ["```{admonition} Show the evidence: the words in the reports", ":class: dropdown", ""]
    for i in ids:
        e = entries[i]
        kind = "Inference (the reports suggest it; they do not say it)" if e["inference"] else "Statement"
        lines.append(f"*{kind}:* {_md(e['statement'])}")
        lines.append("")
        for item in e["evidence"]:
            lines.append(f"- **{_md(labels.get(item['article'], item['article']))}**{_PART_NOTE[item['part']]}: “{_md(item['quote'])}”")
        lines.append("")
    lines.append("```")
    return "\n".join(lines)
