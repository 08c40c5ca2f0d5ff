"""``articles.yml`` and ``raw/``: the articles of one event and what is known about each.

``articles.yml`` is a YAML list, one entry per article (the fields below); ``raw/`` holds each
article as a UTF-8 text file, byte for byte as it reached us, named by the entry's
``source_file``. An article must still have text after cleaning (``lessons.corpus.clean_text``
takes away captions, adverts and links). Where an article does not say something, the entry
says ``unknown``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .. import _guard
from . import read
from .read import WARNING, Entry, FileReport, Problem, did_you_mean

METADATA_FILE = "articles.yml"
RAW_FOLDER = "raw"
REQUIRED_FIELDS = (
    "article_id", "source_file", "outlet", "published", "headline",
    "agencies", "language", "translated", "via", "provenance",
)
OPTIONAL_FIELDS = ("label", "notes")
#: At most this many articles in one folder: the chapters compare every article with every
#: other, so a class's set is a handful (the book has five); 8,000 once took two minutes to check.
MAX_ARTICLES = 100
MAX_AGENCIES = read.MAX_ITEMS
MAX_UNLISTED = 20  # raw files not in articles.yml named one by one; the rest counted in one warning
FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
TRANSLATED_VALUES = ("yes", "no", "likely", "unknown")
TEXT_FIELDS = ("outlet", "headline", "language", "via", "provenance", "label")
ID_RE = re.compile(r"[a-z][a-z0-9_]*")
HINTS = {
    "article_id": "a short name: lowercase letters, digits and _ (e.g. city_paper)",
    "source_file": "the file name inside raw/, e.g. 001_city_paper.txt",
    "outlet": "who published it, or unknown",
    "published": 'the date as "YYYY-MM-DD" (in quotes), or unknown',
    "headline": "the headline as printed, in quotes, or unknown",
    "agencies": "a list of news agencies the text credits, e.g. [AFP, Reuters], or []",
    "language": "the language of the text, e.g. en",
    "translated": 'one of "yes", "no", "likely", "unknown" (in quotes)',
    "via": "how the text reached you, e.g. the outlet's own site",
    "provenance": "the evidence in the text for where it comes from, or unknown",
    "label": "a short name for charts, e.g. City Paper",
    "notes": "any notes for teachers",
}
EXAMPLE = """- article_id: city_paper
  label: City Paper
  source_file: 001_city_paper.txt
  outlet: The City Paper
  published: "2024-05-01"
  headline: "..."
  agencies: []
  language: en
  translated: "no"
  via: the outlet's own site
  provenance: unknown"""


def is_date(value) -> bool:
    """A date, 'YYYY-MM-DD' text of a real date, or 'unknown'."""
    if isinstance(value, dt.date) or str(value) == "unknown":
        return True
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        return False
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "article"
    return slug if slug[0].isalpha() else f"a_{slug}"


def raw_files(folder: Path) -> list[Path]:
    """The files in the folder's raw/ (hidden files aside)."""
    raw = Path(folder) / RAW_FOLDER
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith(".")) if raw.is_dir() else []


def read_article(path, folder=None) -> str:
    """One raw article as text, exactly as in the file; LessonsDataError for a missing,
    undecodable, too big or binary file, or (given `folder`) one that leads outside it."""
    report = FileReport(path)
    text = read.read_text(Path(path), report, Path(folder) if folder is not None else None,
                          _guard.MAX_ARTICLE_BYTES, strip_bom=False)
    read.first_error(report.problems)
    return text


def _fields_problems(e: Entry, report: FileReport, name: str) -> None:
    entry = e.value
    for field in REQUIRED_FIELDS:
        if field not in entry:
            report.add(f"line {e.line}, {name}", f"missing field {field}",
                       f"add '{field}: ...': {HINTS[field]} (write 'unknown' when the text does not tell)")
        elif entry[field] in (None, ""):
            report.add(e.at(name, field), f"{field} is empty", f"give {HINTS[field]}")
    for field in entry:
        if field not in FIELDS:
            report.add(e.at(name, field), f"unknown field {_guard.brief(field)}{did_you_mean(field, FIELDS)}",
                       f"rename or remove it; allowed fields: {', '.join(FIELDS)}")
    _value_problems(e, report, name)


def _value_problems(e: Entry, report: FileReport, name: str) -> None:
    """The values of the fields that have rules: translated, agencies, the texts, published."""
    entry = e.value
    if entry.get("translated") not in (None, "") and str(entry["translated"]) not in TRANSLATED_VALUES:
        value = entry["translated"]
        hint = ""
        if isinstance(value, bool):
            hint = f" (YAML reads an unquoted {'no' if not value else 'yes'} as {value}: put it in quotes)"
        report.add(e.at(name, "translated"), f"translated is {_guard.brief(value)}{hint}", f"use {HINTS['translated']}")
    agencies = entry.get("agencies")
    if agencies is not None:
        if not isinstance(agencies, list):
            report.add(e.at(name, "agencies"), f"agencies must be a list, got {_guard.brief(agencies)}", f"write {HINTS['agencies']}")
        elif len(agencies) > MAX_AGENCIES:
            report.add(e.at(name, "agencies"), f"{len(agencies):,} agencies; an article may credit at most {MAX_AGENCIES}",
                       "list only the agencies the text credits")
        elif not all(isinstance(a, str) and a.strip() for a in agencies):
            report.add(e.at(name, "agencies"), "every agency must be a name", f"write {HINTS['agencies']}")
    _text_problems(e, report, name)
    published = entry.get("published")
    if published not in (None, "") and not is_date(published):
        report.add(e.at(name, "published"), f"published is {_guard.brief(published)}, not a date",
                   f"write {HINTS['published']}", WARNING)


def _text_problems(e: Entry, report: FileReport, name: str) -> None:
    """The text fields: text (not a list or a table), and no invisible character."""
    for field in TEXT_FIELDS:
        value = e.value.get(field)
        if value not in (None, "") and not isinstance(value, (str, int, float)):
            report.add(e.at(name, field), f"{field} must be text, got {type(value).__name__}",
                       f"write {HINTS[field]} (put it in quotes if it contains ': ' or starts with [ or {{)")
        elif isinstance(value, str) and _guard.printable(value, "\n\t") != value:
            hidden = next(c for c in value if _guard.printable(c, "\n\t") != c)
            report.add(e.at(name, field), f"{field} holds an invisible character ({_guard.printable(hidden)}: "
                       "a bidi override, a zero-width space or a control), so two names that look the same "
                       "can differ, or text can show in another order", f"retype {field} without it", WARNING)


def _source_problem(folder: Path, e: Entry, report: FileReport, name: str) -> Path | None:
    """The entry's raw file when it can be read; else None (with a problem)."""
    source = e.value.get("source_file")
    if source in (None, ""):
        return None
    source = str(source)
    bad_name = _guard.name_problem(source)
    path = folder / RAW_FOLDER / source
    problem = None if bad_name else _guard.file_problem(path, folder, _guard.MAX_ARTICLE_BYTES)
    if bad_name:
        safe = "".join(c for c in Path(source.replace("\x00", "")).name if c.isprintable())[:60]
        report.add(e.at(name, "source_file"), f"source_file {_guard.brief(source)} is not a plain file name: {bad_name}",
                   f"put the file in {RAW_FOLDER}/ and give only its name, e.g. {safe or 'article.txt'}")
    elif problem == "file not found":
        near = did_you_mean(source, [p.name for p in raw_files(folder)])
        report.add(e.at(name, "source_file"), f"{RAW_FOLDER}/{source} not found{near}",
                   f"copy the article into {folder / RAW_FOLDER} under that name, or correct the name")
    elif problem:
        report.add(e.at(name, "source_file"), f"{RAW_FOLDER}/{source}: {problem}",
                   f"put the article itself, as a UTF-8 text file, in {folder / RAW_FOLDER}")
    else:
        return path
    return None


def _id_problem(e: Entry, report: FileReport, name: str, article_id: str, seen_ids: dict[str, int]) -> None:
    """An article_id in the allowed characters and not used by an earlier entry."""
    if not ID_RE.fullmatch(article_id):
        report.add(e.at(name, "article_id"), f"article_id {_guard.brief(article_id)} has characters that are not allowed",
                   f"use {HINTS['article_id']}; suggestion: {_suggest_id(article_id)}")
    elif article_id in seen_ids:
        report.add(e.at(name, "article_id"), f"article_id {_guard.brief(article_id)} is used twice "
                   f"(also entry {seen_ids[article_id]})", "give every article its own article_id")
    else:
        seen_ids[article_id] = e.number


def _metadata(folder: Path, out: list[Problem]) -> tuple[list[tuple[dict, Path]], set[str] | None]:
    """(entries whose text can be read, with their raw file; every source_file named, or None
    when articles.yml could not be read)."""
    path = folder / METADATA_FILE
    report = FileReport(path, out)
    if not path.exists():
        report.add("", "metadata file not found",
                   f"create {METADATA_FILE} in {folder} with one entry per article, e.g.\n{EXAMPLE}")
        return [], None
    entries = read.yaml_entries(path, report, "articles", EXAMPLE, folder, limit=MAX_ARTICLES)
    if entries is None:
        return [], None
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    usable = []
    for e in entries:
        if not isinstance(e.value, dict):
            report.add(f"line {e.line}, entry {e.number}", f"expected fields such as 'article_id: ...', got {_guard.brief(e.value)}",
                       f"write the entry as 'field: value' lines, e.g.\n{EXAMPLE}")
            continue
        before = len(out)
        article_id = str(e.value.get("article_id") or "")
        name = f"entry {e.number}" + (f" (article_id {_guard.brief(article_id)})" if article_id else "")
        _fields_problems(e, report, name)
        if article_id:
            _id_problem(e, report, name, article_id, seen_ids)
        raw = _source_problem(folder, e, report, name)
        if raw is not None:
            if raw.name in seen_files:
                report.add(e.at(name, "source_file"), f"{raw.name} is also the source_file of entry {seen_files[raw.name]}",
                           "each entry should have its own text file; check for a copy-paste slip", WARNING)
            seen_files.setdefault(raw.name, e.number)
            errors = [p for p in out[before:] if p.severity != WARNING]
            usable.append((e.value, raw, not errors))
    named = {str(e.value.get("source_file")) for e in entries if isinstance(e.value, dict)}
    return usable, named


def listed_files(folder) -> list[str]:
    """The source_file of every entry of the folder's articles.yml: the raw files it uses."""
    _, named = _metadata(Path(folder), [])
    return sorted(named or [])


def _parse(folder: Path) -> tuple[list[tuple[dict, object]], list[Problem]]:
    """(the articles that are fine, as (entry, cleaned article); every problem)."""
    from ..corpus import clean_text  # the cleaning rules are the corpus module's

    out: list[Problem] = []
    if not folder.is_dir():
        FileReport(folder, out).add("", "folder not found",
                                "give the path of a folder holding articles.yml and raw/ (see your_own_articles)")
        return [], out
    usable, named = _metadata(folder, out)
    raw = folder / RAW_FOLDER
    if not raw.is_dir():
        FileReport(raw, out).add("", "folder not found", f"create {raw} and put one UTF-8 text file per article in it")
        return [], out
    if not _guard.inside(raw, folder):
        FileReport(raw, out).add("", f"the folder {RAW_FOLDER}/ leads outside {folder} (a symbolic link?)",
                             f"make {RAW_FOLDER}/ a real folder inside {folder} and copy the articles into it")
        return [], out
    fine = []
    for entry, path, entry_ok in usable:
        report = FileReport(path, out)
        text = read.read_text(path, report, folder, _guard.MAX_ARTICLE_BYTES, strip_bom=False)  # offsets index the file
        if text is None:
            continue
        if not text.strip():
            report.add("line 1", "the file is empty", "paste the article's text into it (headline first, then the paragraphs)")
            continue
        cleaned = clean_text(text)
        if not cleaned.body.strip():
            report.add("", "no article text left after cleaning: every line was taken for page furniture "
                       "(captions, adverts, links)", "make sure the paragraphs of the article are in the file, one per line")
            continue
        if entry_ok:
            fine.append((entry, cleaned))
    unlisted = [p for p in raw_files(folder) if p.name not in named] if named is not None else []
    for path in unlisted[:MAX_UNLISTED]:
        FileReport(path, out).add("", "this file is not listed in articles.yml, so it is not used",
                                  f"add an entry with 'source_file: {_guard.printable(path.name)}', or move the file out of {RAW_FOLDER}/",
                                  WARNING)
    if len(unlisted) > MAX_UNLISTED:
        FileReport(raw, out).add("", f"{len(unlisted) - MAX_UNLISTED:,} more files are not listed in articles.yml, so they are not used",
                                 f"move the files you do not use out of {RAW_FOLDER}/", WARNING)
    return fine, out


def _build(fine: list) -> list[tuple[dict, object]]:
    """(entry, cleaned article) for every article, in the order of articles.yml;
    LessonsDataError for the first problem. ``lessons.corpus.load_articles`` caches the result."""
    return fine


# problems(folder), survey(folder) -> (how many articles are fine, every problem), load(folder):
# a folder (articles.yml and raw/), not one file; not cached here (the corpus caches its frame).
problems, survey, load = read.data_file(_parse, _build, cache=False)
