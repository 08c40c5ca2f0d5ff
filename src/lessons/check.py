"""Check a folder of articles before using it in the book: report every problem at once.

A teacher's folder has the same layout as the shipped ``data/`` folder::

    my_event/
      articles.yml          one entry per article (required)
      raw/                  the articles as UTF-8 text files (required)
      figures/claims.yml    which figures are about the same thing (optional)
      figures/counters.csv  who counted (optional)
      compare/elements.yml  the elements a report could cover (optional)
      language/lexicon.csv  loaded words to add to the book's lexicon (optional)

``check_folder(path)`` returns a list of ``Problem``s, each naming the file, the line or field,
what is wrong and how to fix it. The loaders in ``lessons.corpus`` (and the skill modules) stop
at the first problem, which is right for a notebook but slow for someone fixing a folder: here
every entry is checked and all problems are listed. The rules are the loaders' rules (same
required fields, same allowed values); after the checks, the real loaders are run as well, so
a folder that passes here also loads in the notebooks.

``python -m lessons check FOLDER`` prints the list (see ``lessons.__main__``).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from . import _guard, _yaml, corpus
from .errors import LessonsDataError
from .paths import REPO_ROOT

SHIPPED_DATA = REPO_ROOT / "data"  # the book's own data: what a teacher's folder adds to

ERROR, WARNING = "error", "warning"

# Optional data files: path inside the folder -> what one entry is (for the summary).
# claims.yml, counters.csv and elements.yml replace the book's (they are about one event);
# lexicon.csv adds to the book's lexicon (a line for a term the book has replaces that line).
OPTIONAL_FILES = {
    "figures/claims.yml": "figure claim(s)",
    "figures/counters.csv": "counter(s)",
    "compare/elements.yml": "coverage element(s)",
    "language/lexicon.csv": "lexicon addition(s)",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a folder: where it is, what is wrong, how to fix it."""

    file: str
    where: str
    problem: str
    fix: str
    severity: str = ERROR

    def __str__(self) -> str:
        head = f"{self.file}, {self.where}" if self.where else self.file
        return f"{self.severity.upper()}: {head}\n    problem: {self.problem}\n    fix: {self.fix}"


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """The problems as a table (``severity, file, where, problem, fix``) for a notebook."""
    rows = [dict(severity=p.severity, file=p.file, where=p.where, problem=p.problem, fix=p.fix) for p in problems]
    return pd.DataFrame(rows, columns=["severity", "file", "where", "problem", "fix"])


# --------------------------------------------------------------------------- reading files
class _Collector:
    """Gathers problems for one file."""

    def __init__(self, out: list[Problem], file: Path):
        self.out, self.file = out, str(file)

    def add(self, where: str, problem: str, fix: str, severity: str = ERROR) -> None:
        self.out.append(Problem(self.file, where, problem, fix, severity))


def _read_text(path: Path, report: _Collector, folder: Path | None = None,
               limit: int = _guard.MAX_DATA_BYTES) -> str | None:
    """The file as text, or None (with a problem) when it cannot be read as UTF-8 text: not a
    regular file, outside `folder` (a symbolic link), too big, binary (NUL bytes), not UTF-8."""
    problem = _guard.file_problem(path, folder, limit)
    if problem:
        fixes = {"file not found": "check that the file exists and that you may read it"}
        report.add("", problem, fixes.get(problem, "replace it with a plain UTF-8 text file inside the folder"))
        return None
    try:
        data = _guard.read_bytes(path, folder, limit)
    except LessonsDataError as err:
        report.add("", str(err).removeprefix(f"{path}: "), "check that the file exists and that you may read it")
        return None
    nul = _guard.text_problem(data)
    if nul:
        report.add(f"line {nul[0]}", nul[1], "save the text as a plain UTF-8 text file (not a word-processor file)")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        report.add(f"line {line}", f"not UTF-8 text (byte {err.start}: {err.reason})",
                   "open the file in a text editor and save it with the encoding 'UTF-8'")
        return None
    return text.removeprefix("\ufeff")


@dataclass
class _Entry:
    """One item of a YAML list, with the line of the item and of each of its keys."""

    number: int
    line: int
    value: object
    key_lines: dict


def _yaml_entries(path: Path, report: _Collector, what: str, example: str, folder: Path | None = None) -> list[_Entry] | None:
    """A YAML file holding a list, as entries with line numbers; None after a problem."""
    text = _read_text(path, report, path.parent if folder is None else folder)
    if text is None:
        return None
    try:
        _yaml.prechecks(text, path)  # NUL bytes, nesting, aliases: refused before composing
        node = yaml.compose(text, Loader=_yaml.PyLoader)
        data = yaml.load(text, Loader=_yaml.CLoader or _yaml.PyLoader)
    except LessonsDataError as err:
        message = str(err).removeprefix(str(path))
        where, _, problem = message.lstrip(", ").partition(": ")
        report.add(where if where.startswith("line") else "", problem if where.startswith("line") else message.lstrip(": "),
                   "write the values out in full, with a few levels of nesting at most")
        return None
    except RecursionError:
        report.add("", "brackets or indentation nested too deeply to read", "use a few levels of nesting at most")
        return None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        fix = "fix the YAML syntax there: indent with spaces, never tabs; put text containing ': ' or '#' in quotes"
        if "\t" in text:
            fix = "replace the tab characters in this file with spaces; put text containing ': ' or '#' in quotes"
        report.add(where, f"not valid YAML ({problem})", fix)
        return None
    if not isinstance(data, list) or not data or not isinstance(node, yaml.SequenceNode):
        report.add("", f"expected a list of {what}, one entry each, got {type(data).__name__ if data is not None else 'an empty file'}",
                   f"write one entry per item, each starting with '- ', e.g.\n{example}")
        return None
    entries = []
    for number, (item, child) in enumerate(zip(data, node.value), start=1):
        keys = {}
        if isinstance(child, yaml.MappingNode):
            for key_node, _ in child.value:
                keys[str(key_node.value)] = key_node.start_mark.line + 1
        entries.append(_Entry(number, child.start_mark.line + 1, item, keys))
    return entries


def _csv_rows(path: Path, report: _Collector, required: tuple[str, ...], allowed: tuple[str, ...]):
    """Rows of a CSV file as (line, dict); None after a problem with the header or encoding."""
    text = _read_text(path, report, path.parent.parent)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        report.add("line 1", "the file is empty", f"the first line names the columns: {','.join(allowed)}")
        return None
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        report.add("line 1", f"missing column(s) {', '.join(missing)}",
                   f"the first line must name the columns: {','.join(allowed)}")
        return None
    for name in header:
        if name and name not in allowed:
            report.add("line 1", f"unknown column {_guard.brief(name)}{_did_you_mean(name, allowed)}",
                       f"allowed columns: {', '.join(allowed)}")
    rows = []
    line = reader.line_num
    try:
        for values in reader:
            start, line = line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                report.add(f"line {start}", f"{len(values)} values for {len(header)} columns",
                           "put text containing a comma in double quotes, and give every column a value (empty is ,,)")
                continue
            rows.append((start, {h: v.strip() for h, v in zip(header, values)}))
    except csv.Error as err:
        report.add(f"line {reader.line_num}", f"not valid CSV ({err})", "check the quotation marks on that line")
    return rows


def _did_you_mean(name: str, allowed) -> str:
    close = difflib.get_close_matches(str(name), list(allowed), n=1)
    return f" (did you mean {_guard.brief(close[0])}?)" if close else ""


def _regex_problem(pattern: str, flags=re.IGNORECASE) -> str | None:
    """Why a teacher's pattern cannot be used (invalid, too long, may stall), or None."""
    return _guard.regex_problem(pattern, flags)


_REGEX_FIX = ("write a Python regular expression (check brackets and backslashes; in YAML put it "
              "in single quotes, e.g. '\\bpolice\\b')")


# --------------------------------------------------------------------------- articles.yml
_FIELD_HINTS = {
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
}
_ARTICLE_EXAMPLE = """- article_id: city_paper
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


def _check_metadata(folder: Path, out: list[Problem]) -> tuple[list[dict], set[str] | None]:
    """Check articles.yml entry by entry; returns the entries whose text can be checked and every
    source_file named (None when the file could not be read at all)."""
    path = folder / corpus.METADATA_FILE
    report = _Collector(out, path)
    if not path.exists():
        report.add("", "metadata file not found",
                   f"create {corpus.METADATA_FILE} in {folder} with one entry per article, e.g.\n{_ARTICLE_EXAMPLE}")
        return [], None
    entries = _yaml_entries(path, report, "articles", _ARTICLE_EXAMPLE)
    if entries is None:
        return [], None
    allowed = corpus.REQUIRED_FIELDS + corpus.OPTIONAL_FIELDS
    seen_ids: dict[str, int] = {}
    seen_files: dict[str, int] = {}
    usable = []  # entries whose source_file names a file in raw/ (their texts get checked)
    for e in entries:
        entry = e.value
        if not isinstance(entry, dict):
            report.add(f"line {e.line}, entry {e.number}", f"expected fields such as 'article_id: ...', got {_guard.brief(entry)}",
                       f"write the entry as 'field: value' lines, e.g.\n{_ARTICLE_EXAMPLE}")
            continue
        article_id = str(entry.get("article_id") or "")
        name = f"entry {e.number}" + (f" (article_id {_guard.brief(article_id)})" if article_id else "")

        def at(field: str) -> str:
            return f"line {e.key_lines.get(field, e.line)}, {name}, field {field}"

        for field in corpus.REQUIRED_FIELDS:
            if field not in entry:
                report.add(f"line {e.line}, {name}", f"missing field {field}",
                           f"add '{field}: ...': {_FIELD_HINTS[field]} (write 'unknown' when the text does not tell)")
            elif entry[field] in (None, ""):
                report.add(at(field), f"field {field} is empty", f"give {_FIELD_HINTS[field]}")
        for field in entry:
            if field not in allowed:
                report.add(at(field), f"unknown field {_guard.brief(field)}{_did_you_mean(field, allowed)}",
                           f"rename or remove it; allowed fields: {', '.join(allowed)}")
        if article_id:
            if not re.fullmatch(r"[a-z][a-z0-9_]*", article_id):
                report.add(at("article_id"), f"article_id {_guard.brief(article_id)} has characters that are not allowed",
                           f"use {_FIELD_HINTS['article_id']}; suggestion: {_suggest_id(article_id)}")
            elif article_id in seen_ids:
                report.add(at("article_id"), f"article_id {_guard.brief(article_id)} is used twice (also entry {seen_ids[article_id]})",
                           "give every article its own article_id")
            else:
                seen_ids[article_id] = e.number
        if "translated" in entry and entry["translated"] not in (None, ""):
            value = entry["translated"]
            if str(value) not in corpus.TRANSLATED_VALUES:
                hint = ""
                if isinstance(value, bool):
                    hint = f" (YAML reads an unquoted {'no' if not value else 'yes'} as {value}: put it in quotes)"
                report.add(at("translated"), f"translated is {_guard.brief(value)}{hint}", f"use {_FIELD_HINTS['translated']}")
        if "agencies" in entry and entry["agencies"] is not None:
            agencies = entry["agencies"]
            if not isinstance(agencies, list):
                report.add(at("agencies"), f"agencies must be a list, got {_guard.brief(agencies)}", f"write {_FIELD_HINTS['agencies']}")
            elif not all(isinstance(a, str) and a.strip() for a in agencies):
                report.add(at("agencies"), "every agency must be a name", f"write {_FIELD_HINTS['agencies']}")
        for field in ("outlet", "headline", "language", "via", "provenance", "label"):
            value = entry.get(field)
            if value not in (None, "") and not isinstance(value, (str, int, float)):
                report.add(at(field), f"{field} must be text, got {type(value).__name__}",
                           f"write {_FIELD_HINTS[field]} (put it in quotes if it contains ': ' or starts with [ or {{)")
        published = entry.get("published")
        if published not in (None, "") and not _is_date(published):
            report.add(at("published"), f"published is {_guard.brief(published)}, not a date",
                       f"write {_FIELD_HINTS['published']}", WARNING)
        source = entry.get("source_file")
        source_ok = False
        if source not in (None, ""):
            source = str(source)
            bad_name = _guard.name_problem(source)
            file_problem = None if bad_name else _guard.file_problem(
                folder / corpus.RAW_FOLDER / source, folder, _guard.MAX_ARTICLE_BYTES)
            if bad_name:
                safe = "".join(c for c in Path(source.replace("\x00", "")).name if c.isprintable())[:60]
                report.add(at("source_file"), f"source_file {_guard.brief(source)} is not a plain file name: {bad_name}",
                           f"put the file in {corpus.RAW_FOLDER}/ and give only its name, e.g. {safe or 'article.txt'}")
            elif file_problem and file_problem != "file not found":
                report.add(at("source_file"), f"{corpus.RAW_FOLDER}/{source}: {file_problem}",
                           f"put the article itself, as a UTF-8 text file, in {folder / corpus.RAW_FOLDER}")
            elif file_problem:
                near = _did_you_mean(source, [p.name for p in _raw_files(folder)])
                report.add(at("source_file"), f"{corpus.RAW_FOLDER}/{source} not found{near}",
                           f"copy the article into {folder / corpus.RAW_FOLDER} under that name, or correct the name")
            else:
                source_ok = True
                if source in seen_files:
                    report.add(at("source_file"), f"{source} is also the source_file of entry {seen_files[source]}",
                               "each entry should have its own text file; check for a copy-paste slip", WARNING)
            seen_files.setdefault(source, e.number)
        if source_ok:
            usable.append(entry)
    named = {str(e.value.get("source_file")) for e in entries if isinstance(e.value, dict)}
    return usable, named


def _is_date(value) -> bool:
    import datetime as dt

    if isinstance(value, dt.date) or str(value) == "unknown":
        return True
    try:
        dt.date.fromisoformat(str(value))
    except ValueError:
        return False
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)))


def _suggest_id(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "article"
    return slug if slug[0].isalpha() else f"a_{slug}"


def _raw_files(folder: Path) -> list[Path]:
    raw = folder / corpus.RAW_FOLDER
    return sorted(p for p in raw.iterdir() if p.is_file() and not p.name.startswith(".")) if raw.is_dir() else []


def _check_raw(folder: Path, entries: list[dict], named: set[str] | None, out: list[Problem]) -> int:
    """Check the article text of every usable entry; returns how many are fine. Files in raw/
    that no entry names are reported as warnings."""
    raw = folder / corpus.RAW_FOLDER
    if not raw.is_dir():
        _Collector(out, raw).add("", "folder not found", f"create {raw} and put one UTF-8 text file per article in it")
        return 0
    if not _guard.inside(raw, folder):
        _Collector(out, raw).add("", f"the folder {corpus.RAW_FOLDER}/ leads outside {folder} (a symbolic link?)",
                                 f"make {corpus.RAW_FOLDER}/ a real folder inside {folder} and copy the articles into it")
        return 0
    fine = 0
    for entry in entries:
        path = raw / str(entry["source_file"])
        report = _Collector(out, path)
        text = _read_text(path, report, folder, _guard.MAX_ARTICLE_BYTES)
        if text is None:
            continue
        if not text.strip():
            report.add("line 1", "the file is empty", "paste the article's text into it (headline first, then the paragraphs)")
            continue
        cleaned = corpus.clean_text(text)
        if not cleaned.body.strip():
            report.add("", "no article text left after cleaning: every line was taken for page furniture "
                       "(captions, adverts, links)",
                       "make sure the paragraphs of the article are in the file, one per line")
            continue
        fine += 1
    for path in _raw_files(folder) if named is not None else []:
        if path.name not in named:
            _Collector(out, path).add("", "this file is not listed in articles.yml, so it is not used",
                                      f"add an entry with 'source_file: {path.name}', or move the file out of {corpus.RAW_FOLDER}/",
                                      WARNING)
    return fine


# --------------------------------------------------------------------------- optional data files
_ELEMENT_EXAMPLE = """- id: storm-damage
  label: Damage from the storm
  signals: [damage*, destroyed, flooded]
  rationale: Why this belongs to the story and why these words signal it."""


def _check_elements(path: Path, out: list[Problem]) -> int:
    report = _Collector(out, path)
    entries = _yaml_entries(path, report, "story elements", _ELEMENT_EXAMPLE, path.parent.parent)
    if entries is None:
        return 0
    allowed = ("id", "label", "signals", "requires", "rationale")
    seen: dict[str, int] = {}
    for e in entries:
        el = e.value
        if not isinstance(el, dict):
            report.add(f"line {e.line}, element {e.number}", f"expected fields such as 'id: ...', got {_guard.brief(el)}",
                       f"write each element like\n{_ELEMENT_EXAMPLE}")
            continue
        name = f"element {e.number}" + (f" ({el['id']})" if isinstance(el.get("id"), str) else "")

        def at(field: str) -> str:
            return f"line {e.key_lines.get(field, e.line)}, {name}, field {field}"

        for key in ("id", "label", "rationale"):
            if not isinstance(el.get(key), str) or not el[key].strip():
                report.add(at(key), f"field {key} is missing or empty",
                           {"id": "add 'id: a-short-name' (kebab-case)", "label": "add 'label: ...', a short name for tables",
                            "rationale": "add 'rationale: ...': why the element belongs to the story and why its signals fit"}[key])
        for key in el:
            if key not in allowed:
                report.add(at(key), f"unknown field {_guard.brief(key)}{_did_you_mean(key, allowed)}", f"allowed fields: {', '.join(allowed)}")
        if isinstance(el.get("id"), str):
            if el["id"] in seen:
                report.add(at("id"), f"id {_guard.brief(el['id'])} is used twice (also element {seen[el['id']]})", "give every element its own id")
            seen.setdefault(el["id"], e.number)
        for key in ("signals", "requires"):
            if key == "requires" and key not in el:
                continue
            v = el.get(key)
            if not isinstance(v, list) or not v or not all(isinstance(s, str) and s.strip() for s in v):
                report.add(at(key), f"field {key} must be a non-empty list of words or phrases, got {_guard.brief(v)}",
                           f"write e.g. '{key}: [flood*, storm surge]' (quote words such as 'yes', 'no', 'on')")
    return len(entries)


_CLAIM_EXAMPLE = """- claim: people-killed
  label: People killed
  unit: count
  cumulative: true
  checkable: true
  rules:
    - counted: '\\b(people|residents)\\b'
      verb: '\\b(killed|dead|died)\\b'
  rationale: Why these words mean this claim, citing the articles."""
_RULE_REGEX_KEYS = ("counted", "verb", "before", "after", "sentence", "not_counted")
_RULE_KEYS = (*_RULE_REGEX_KEYS, "no_counted")
_CLAIM_KEYS = ("claim", "label", "unit", "rules", "rationale", "cumulative", "checkable", "checkable_rationale",
               "others_plus_one")


def _check_claims(path: Path, out: list[Problem]) -> int:
    report = _Collector(out, path)
    entries = _yaml_entries(path, report, "figure claims", _CLAIM_EXAMPLE, path.parent.parent)
    if entries is None:
        return 0
    seen: dict[str, int] = {}
    for e in entries:
        claim = e.value
        if not isinstance(claim, dict):
            report.add(f"line {e.line}, claim {e.number}", f"expected fields such as 'claim: ...', got {_guard.brief(claim)}",
                       f"write each claim like\n{_CLAIM_EXAMPLE}")
            continue
        name = f"claim {e.number}" + (f" ({claim['claim']})" if isinstance(claim.get("claim"), str) else "")

        def at(field: str) -> str:
            return f"line {e.key_lines.get(field, e.line)}, {name}, field {field}"

        for key in ("claim", "label", "unit", "rationale"):
            if not isinstance(claim.get(key), str) or not claim[key].strip():
                report.add(at(key), f"field {key} is missing or empty",
                           {"claim": "add 'claim: a-short-name' (kebab-case)", "label": "add 'label: ...', a short name for tables",
                            "unit": "add 'unit: count' (or duration, percent, money, ...)",
                            "rationale": "add 'rationale: ...': why these words mean this claim, citing the articles"}[key])
        for key in claim:
            if key not in _CLAIM_KEYS:
                report.add(at(key), f"unknown field {_guard.brief(key)}{_did_you_mean(key, _CLAIM_KEYS)}", f"allowed fields: {', '.join(_CLAIM_KEYS)}")
        for key in ("cumulative", "checkable", "others_plus_one"):
            if key in claim and not isinstance(claim[key], bool):
                report.add(at(key), f"{key} must be true or false, got {_guard.brief(claim[key])}", f"write '{key}: true' or '{key}: false'")
        if isinstance(claim.get("claim"), str):
            if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", claim["claim"]):
                report.add(at("claim"), f"claim {_guard.brief(claim['claim'])} is not kebab-case", "use lowercase words joined by -, e.g. people-killed")
            if claim["claim"] in seen:
                report.add(at("claim"), f"claim {_guard.brief(claim['claim'])} is used twice (also claim {seen[claim['claim']]})", "give every claim its own name")
            seen.setdefault(claim["claim"], e.number)
        rules = claim.get("rules")
        if not isinstance(rules, list) or not rules:
            report.add(at("rules"), "rules must be a non-empty list of conditions",
                       "add 'rules:' with at least one '- counted: ...' (see the example in docs)")
            continue
        for r_number, rule in enumerate(rules, start=1):
            where = f"{at('rules')}, rule {r_number}"
            if not isinstance(rule, dict) or not rule:
                report.add(where, f"a rule must be conditions such as 'counted: ...', got {_guard.brief(rule)}", f"conditions: {', '.join(_RULE_KEYS)}")
                continue
            for key, value in rule.items():
                if key not in _RULE_KEYS:
                    report.add(where, f"unknown condition {_guard.brief(key)}{_did_you_mean(key, _RULE_KEYS)}", f"conditions: {', '.join(_RULE_KEYS)}")
                elif key == "no_counted":
                    if not isinstance(value, bool):
                        report.add(where, f"no_counted must be true or false, got {_guard.brief(value)}", "write 'no_counted: true'")
                elif not isinstance(value, str) or not value:
                    report.add(where, f"condition {key} must be a regular expression, got {_guard.brief(value)}", _REGEX_FIX)
                else:
                    err = _regex_problem(value)
                    if err:
                        report.add(where, f"condition {key} {_guard.brief(value)}: {err}", _REGEX_FIX)
    return len(entries)


def _check_counters(path: Path, out: list[Problem]) -> int:
    report = _Collector(out, path)
    columns = ("pattern", "counter", "kind", "rationale")
    rows = _csv_rows(path, report, columns, columns)
    if rows is None:
        return 0
    for line, row in rows:
        for key in columns:
            if not row.get(key):
                report.add(f"line {line}, column {key}", f"{key} is empty", "give every column a value")
        if row.get("pattern"):
            err = _regex_problem(row["pattern"])
            if err:
                report.add(f"line {line}, column pattern", f"{_guard.brief(row['pattern'])}: {err}", _REGEX_FIX)
    return len(rows)


try:  # the language module's own rules, when it is installed
    from .language import CATEGORIES as LEXICON_CATEGORIES, LEXICON_COLUMNS, POS as LEXICON_POS
except ImportError:  # pragma: no cover - keeps the checker usable while language.py is missing
    LEXICON_COLUMNS = ("term", "category", "neutral", "note", "source", "pos", "forms",
                       "skip_if_preceded_by", "skip_if_followed_by")
    LEXICON_CATEGORIES = ("label", "euphemism", "attribution", "intensifier", "distancing", "descriptor", "comment")
    LEXICON_POS = ("noun", "verb", "adj", "fixed")
LEXICON_FILLED = ("term", "category", "note", "source", "pos")
_LEXICON_FIXES = {
    "term": "write the word or phrase",
    "category": f"use one of {', '.join(LEXICON_CATEGORIES)}",
    "note": "say in a sentence a student can read why the word is loaded",
    "source": "say where the entry comes from (a style guide, or 'own reasoned entry')",
    "pos": f"use one of {', '.join(LEXICON_POS)} (fixed: match the phrase exactly, no inflections)",
}


def _check_lexicon(path: Path, out: list[Problem]) -> int:
    report = _Collector(out, path)
    rows = _csv_rows(path, report, LEXICON_COLUMNS, LEXICON_COLUMNS)
    if rows is None:
        return 0
    if not rows:
        report.add("line 2", "no entries", "add one line per loaded word under the header, or delete the file")
    is_shipped = path.resolve() == (SHIPPED_DATA / "language" / "lexicon.csv").resolve()
    shipped = {} if is_shipped else _shipped_terms()
    seen: dict[str, int] = {}
    for line, row in rows:
        for key in LEXICON_FILLED:
            if not row.get(key):
                report.add(f"line {line}, column {key}", f"{key} is empty", _LEXICON_FIXES[key])
        term = row.get("term", "")
        key = _term_key(term)
        if term and not key:
            report.add(f"line {line}, column term", f"term {_guard.brief(term)} has no letters", _LEXICON_FIXES["term"])
        elif key in seen:
            report.add(f"line {line}, column term", f"{_guard.brief(term)} is listed twice (also line {seen[key]})", "keep one row per term")
        elif key in shipped:
            report.add(f"line {line}, column term", f"{_guard.brief(term)} is already in the book's lexicon (line {shipped[key]}); "
                       "your line replaces it for your articles", "nothing to do if you meant to change its note or category",
                       WARNING)
        if key:
            seen.setdefault(key, line)
        category = row.get("category")
        if category and category not in LEXICON_CATEGORIES:
            report.add(f"line {line}, column category", f"unknown category {_guard.brief(category)}{_did_you_mean(category, LEXICON_CATEGORIES)}",
                       _LEXICON_FIXES["category"])
        pos = row.get("pos")
        if pos and pos not in LEXICON_POS:
            report.add(f"line {line}, column pos", f"unknown pos {_guard.brief(pos)}{_did_you_mean(pos, LEXICON_POS)}", _LEXICON_FIXES["pos"])
        for key_ in ("skip_if_preceded_by", "skip_if_followed_by"):
            if row.get(key_):
                err = _regex_problem(row[key_])
                if err:
                    report.add(f"line {line}, column {key_}", f"{_guard.brief(row[key_])}: {err}", _REGEX_FIX)
    return len(rows)


def _term_key(term: str) -> str:
    """How the language module tells two terms apart (case, hyphens, spaces folded)."""
    try:
        from .language import _key
        return _key(term)
    except ImportError:  # pragma: no cover
        return re.sub(r"[\s\-]+", " ", term.lower()).strip()


def _shipped_terms() -> dict[str, int]:
    path = SHIPPED_DATA / "language" / "lexicon.csv"
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            return {_term_key(row["term"]): reader.line_num for row in reader if row.get("term")}
    except (OSError, KeyError, csv.Error):
        return {}


_OPTIONAL_CHECKS = {
    "figures/claims.yml": _check_claims,
    "figures/counters.csv": _check_counters,
    "compare/elements.yml": _check_elements,
    "language/lexicon.csv": _check_lexicon,
}


# --------------------------------------------------------------------------- the whole folder
@dataclass
class Report:
    """What ``check_folder`` found: the problems and a count of what is in the folder."""

    folder: Path
    problems: list[Problem]
    articles: int = 0
    data_files: dict | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} error(s) and {len(self.warnings)} warning(s) in {self.folder}. "
                    "Fix the errors and run the check again; nothing was changed.")
        extra = ", ".join(f"{n} {OPTIONAL_FILES[name]}" for name, n in (self.data_files or {}).items())
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return f"OK: {self.folder} has {self.articles} article(s){', ' + extra if extra else ''}{warn}."


def check(path) -> Report:
    """Check a folder of articles and its optional data files; every problem is listed."""
    folder = Path(path)
    problems: list[Problem] = []
    if not folder.is_dir():
        _Collector(problems, folder).add("", "folder not found",
                                         "give the path of a folder holding articles.yml and raw/ (see your_own_articles)")
        return Report(folder, problems)
    entries, named = _check_metadata(folder, problems)
    fine = _check_raw(folder, entries, named, problems)
    counts = {}
    for name, checker in _OPTIONAL_CHECKS.items():
        file = folder / name
        if file.exists():
            counts[name] = checker(file, problems)
    report = Report(folder, problems, fine, counts)
    if report.ok:
        # The real loaders must agree: a folder that passes here loads in the notebooks.
        for problem in _load_with_the_modules(folder):
            problems.append(problem)
    return report


def check_folder(path) -> list[Problem]:
    """Every problem in a folder of articles (empty list: the folder is fine)."""
    return check(path).problems


def _load_with_the_modules(folder: Path) -> list[Problem]:
    found = []
    try:
        corpus.load_articles(folder)
    except LessonsDataError as err:
        found.append(Problem(str(folder / corpus.METADATA_FILE), "", str(err), "correct the file and field the message names"))
    elements = folder / "compare" / "elements.yml"
    if elements.exists():
        try:
            from . import compare
            compare.load_elements(elements)
        except ImportError:
            pass
        except LessonsDataError as err:
            found.append(Problem(str(elements), "", str(err), "correct the element the message names"))
    return found


# --------------------------------------------------------------------------- using a folder
def _merge_lexicon(additions: Path, target: Path) -> None:
    """The book's lexicon with the folder's lines added (a line for a known term replaces it)."""
    shipped = SHIPPED_DATA / "language" / "lexicon.csv"
    with open(additions, newline="", encoding="utf-8-sig") as handle:
        extra = [{c: (row.get(c) or "").strip() for c in LEXICON_COLUMNS} for row in csv.DictReader(handle)
                 if any((v or "").strip() for v in row.values() if isinstance(v, str))]
    replaced = {_term_key(row["term"]) for row in extra}
    with open(shipped, newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if _term_key(row["term"]) not in replaced]
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(LEXICON_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows + extra)


def prepare(folder, target=None) -> Path:
    """A complete data folder for a teacher's folder: the book's data (word lists, rules) with
    the folder's articles and data files in their place. Raises ``LessonsDataError`` listing
    the problems when the folder has errors. Returns the new folder (a temporary one unless
    ``target`` is given); point ``$LESSONS_DATA`` at it, or call ``use_folder``.
    """
    import shutil
    import tempfile

    folder = Path(folder)
    report = check(folder)
    if report.errors:
        listed = "\n".join(str(p) for p in report.errors[:10])
        more = f"\n... and {len(report.errors) - 10} more" if len(report.errors) > 10 else ""
        raise LessonsDataError(f"{folder}: {len(report.errors)} problem(s) "
                               f"(run: python -m lessons check {folder})\n{listed}{more}")
    target = Path(target) if target is not None else Path(tempfile.mkdtemp(prefix="lessons-event-"))
    if target.resolve() == SHIPPED_DATA.resolve():
        raise LessonsDataError(f"{target}: this is the book's own data folder; choose another target")
    shutil.copytree(SHIPPED_DATA, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(corpus.RAW_FOLDER, corpus.METADATA_FILE, "answers*.json"))
    shutil.copy2(folder / corpus.METADATA_FILE, target / corpus.METADATA_FILE)
    # never copy what leads outside the folder (an unlisted symbolic link is only a warning above)
    shutil.copytree(folder / corpus.RAW_FOLDER, target / corpus.RAW_FOLDER, dirs_exist_ok=True,
                    ignore=lambda where, names: [n for n in names if not _guard.inside(Path(where) / n, folder)])
    for name in OPTIONAL_FILES:
        source = folder / name
        if not source.exists() or source.resolve() == (SHIPPED_DATA / name).resolve():
            continue
        if name == "language/lexicon.csv":
            _merge_lexicon(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def use_folder(folder) -> Path:
    """Check ``folder``, build its data folder (``prepare``) and make every helper use it by
    setting ``$LESSONS_DATA``. Call it first in a notebook, before any other helper."""
    import os

    data = prepare(folder)
    os.environ["LESSONS_DATA"] = str(data)
    return data
