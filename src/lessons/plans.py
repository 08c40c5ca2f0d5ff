"""Lessons of 50 minutes, from one data file (`data/lessons.yml`).

The same data gives the lesson box at the top of each half-chapter (`lesson_intro`), the
discussion prompt and exit ticket at its end (`lesson_close`), the minute-by-minute plans in
the teacher's guide (`plan_table`, `show_plan`) and the printed handouts (`lessons.handouts`).
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
from pathlib import Path

import pandas as pd
import yaml

from lessons import _files, _guard
from lessons.datafiles import read as _read
from lessons.errors import LessonsDataError
from lessons.paths import data_dir

__all__ = [
    "LESSON_MINUTES", "HANDOUTS", "lessons_path", "load_lessons", "validate_lessons", "get_lesson",
    "plan_table", "exit_ticket_table", "lessons_table", "handout_files", "lesson_intro",
    "lesson_close", "show_plan", "chapter_title",
]

LESSON_MINUTES = 50
# What a lesson may ask a teacher to print, and how the handout is called on paper.
HANDOUTS = {
    "worksheet": "Student worksheet (one per student)",
    "answers": "Answer sheet (for the teacher, or to hand out after the worksheet)",
    "articles": "Article packet: the five articles, line-numbered (one per pair)",
    "background": "Background sheet: who is who in the five reports (one per student)",
    "lateral": "Lateral-reading task (one per student)",
}
REQUIRED = ("id", "chapter", "title", "objectives", "print", "starter", "exercises", "parts",
            "discussion", "exit_ticket", "source")
# An exit ticket's item: its question and key; 'source' says where a quotation in the key comes
# from when the question does not hold it (an article, or 'written for this key').
TICKET_FIELDS = ("question", "key", "source")
PART_FIELDS = ("part", "minutes", "computers", "paper")
MAX_BYTES = 1_000_000  # a lessons file is a few kB; refuse anything absurd before parsing
HANDOUTS_URL = "../handouts/"  # from a page in chapters/ or teachers/ to the built PDFs
CHAPTERS_URL = "../chapters/"  # from a page in teachers/ to a chapter
# A chapter is a notebook name in chapters/ (no folders, no dots): anything else is shown as
# text, never read or linked.
CHAPTER_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,79}")
MAX_NOTEBOOK_BYTES = 20_000_000  # a chapter notebook without outputs is a few hundred kB


def lessons_path(folder: str | os.PathLike | None = None) -> Path:
    return Path(folder) / "lessons.yml" if folder else data_dir() / "lessons.yml"


def _nonempty(x) -> bool:
    return isinstance(x, str) and bool(x.strip())


# libyaml's parser when PyYAML has it: the same Python objects, several times faster (the
# lesson boxes of every chapter read this file); the pure-Python one gives precise errors.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _entry_lines(text: str) -> list[int]:
    """1-based line of each top-level list item (for messages); [] if not a list."""
    try:
        node = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return []
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [item.start_mark.line + 1 for item in node.value]


def _problems(entry, exercise_ids: set[str] | None) -> list[tuple[str, str]]:
    if not isinstance(entry, dict):
        return [("(entry)", "each lesson must be a mapping with " + ", ".join(REQUIRED))]
    out = [(f, "missing") for f in REQUIRED if f not in entry]
    out += [(f, "unknown field") for f in entry if f not in REQUIRED]
    for f in ("id", "chapter", "title", "starter", "discussion", "source"):
        if f in entry and not _nonempty(entry[f] if f != "id" else str(entry[f])):
            out.append((f, "must be non-empty text"))
    if _nonempty(entry.get("chapter")) and not CHAPTER_NAME.fullmatch(entry["chapter"]):
        out.append(("chapter", "must be a notebook name in chapters/ without .ipynb "
                               "(letters, digits, _ and -)"))
    objectives = entry.get("objectives")
    if "objectives" in entry and (not isinstance(objectives, list) or not objectives
                                  or not all(_nonempty(o) for o in objectives)):
        out.append(("objectives", "must be a non-empty list of text lines"))
    printed = entry.get("print")
    if "print" in entry:
        if not isinstance(printed, list) or not printed:
            out.append(("print", f"must be a list of: {', '.join(HANDOUTS)}"))
        else:
            out += [("print", f"unknown handout {p!r} (one of: {', '.join(HANDOUTS)})")
                    for p in printed if p not in HANDOUTS]
    exercises = entry.get("exercises")
    if "exercises" in entry:
        if not isinstance(exercises, list) or not all(_nonempty(e) for e in exercises):
            out.append(("exercises", "must be a list of exercise ids"))
        elif exercise_ids is not None:
            out += [("exercises", f"no exercise with id {e!r} in data/exercises/ "
                                  "(nor one a chapter computes: lessons.computed.COMPUTED)")
                    for e in exercises if e not in exercise_ids and _computed_name(e) is None]
    parts = entry.get("parts")
    if "parts" in entry:
        if not isinstance(parts, list) or not parts:
            out.append(("parts", "must be a list of timed parts"))
        else:
            total = 0
            for i, part in enumerate(parts):
                if not isinstance(part, dict) or set(part) != set(PART_FIELDS):
                    out.append((f"parts[{i}]", f"needs exactly the fields {', '.join(PART_FIELDS)}"))
                    continue
                if not isinstance(part["minutes"], int) or isinstance(part["minutes"], bool) or part["minutes"] <= 0:
                    out.append((f"parts[{i}].minutes", "must be a whole number of minutes above 0"))
                    continue
                if not all(_nonempty(part[f]) for f in ("part", "computers", "paper")):
                    out.append((f"parts[{i}]", "part, computers and paper must be non-empty text"))
                total += part["minutes"]
            if total != LESSON_MINUTES and not any(k.startswith("parts[") for k, _ in out):
                out.append(("parts", f"minutes add up to {total}, not {LESSON_MINUTES}"))
    ticket = entry.get("exit_ticket")
    if "exit_ticket" in entry:
        if (not isinstance(ticket, list) or len(ticket) != 3
                or not all(isinstance(q, dict) and {"question", "key"} <= set(q) <= set(TICKET_FIELDS)
                           and all(_nonempty(q[f]) for f in q) for q in ticket)):
            out.append(("exit_ticket", "must be three items, each with a 'question' and a 'key' "
                                       "(and, if the key quotes words the question does not, a 'source')"))
        else:
            out += [(f"exit_ticket[{i}].key", f"quotes {phrase!r}, which neither its question nor its "
                                              "source holds: a key expects only what its question asks. "
                                              "Quote the words in the question, or say in 'source' where "
                                              "they come from")
                    for i, q in enumerate(ticket)
                    for phrase in unsourced_quotes(q["key"], q["question"], q.get("source", ""))]
    return out


def _quote_form(text: str) -> str:
    """Text compared as a reader compares quotations: any quotation mark or apostrophe alike,
    case and runs of spaces ignored."""
    return " ".join(re.sub("[\"'\u2018\u2019\u201c\u201d]", "'", str(text)[:20_000]).casefold().split())


def unsourced_quotes(key: str, *where: str) -> list[str]:
    """The phrases a key puts in quotation marks (``corpus.quotes``, the one reader of quotation
    marks) that none of `where` (its question, passage, options, source) holds. A key expects only
    what its question asks for (walk 9: 2A's key named 'armed criminals', its question did not)."""
    from lessons.corpus import quotes

    held = " | ".join(_quote_form(w) for w in where)
    found = quotes(str(key)[:5000])["text"]
    return list(dict.fromkeys(q for q in found if _quote_form(q) not in held))


def _computed_name(ex_id) -> str | None:
    from lessons.computed import computed_name

    return computed_name(ex_id)


def _parse(text: str):
    """The YAML text's data: libyaml's parser, and on a problem the pure-Python one again
    (same objects), whose error names the line precisely."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def validate_lessons(text: str, label: str = "lessons.yml",
                     exercise_ids: set[str] | None = None) -> list[dict]:
    """Parse and check a lessons file; every problem in one LessonsDataError (file, line, field)."""
    try:
        data = _parse(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise LessonsDataError(f"{label}{where}: not valid YAML ({getattr(err, 'problem', err)})") from None
    if not isinstance(data, list) or not data:
        raise LessonsDataError(f"{label}: must be a list of lessons")
    lines = _entry_lines(text)
    messages, seen = [], set()
    for i, entry in enumerate(data):
        line = f", line {lines[i]}" if i < len(lines) else ""
        name = f"lesson {entry.get('id')!s}" if isinstance(entry, dict) else f"entry {i + 1}"
        for field, problem in _problems(entry, exercise_ids):
            messages.append(f"{label}{line} ({name}), field '{field}': {problem}")
        if isinstance(entry, dict) and "id" in entry:
            if str(entry["id"]) in seen:
                messages.append(f"{label}{line}, field 'id': {entry['id']!s} is given twice")
            seen.add(str(entry["id"]))
    if messages:
        raise LessonsDataError("\n".join(messages))
    for entry in data:
        entry["id"] = str(entry["id"])
    return data


def load_lessons(folder: str | os.PathLike | None = None, check_exercises: bool = True) -> list[dict]:
    """The lessons, checked (exercise ids must exist in the exercises folder).

    Read once per process while the files stay the same (each chapter asks four times)."""
    path = lessons_path(folder)
    files = [path]
    if check_exercises:
        from lessons.exercises import exercises_dir

        ex_dir = Path(folder) / "exercises" if folder else exercises_dir()
        files += sorted(ex_dir.glob("*.y*ml"))
    return _read.cached_build("lessons.load_lessons", files,
                              lambda: _load_lessons(folder, check_exercises), check_exercises)


def _load_lessons(folder, check_exercises: bool) -> list[dict]:
    path = lessons_path(folder)
    try:  # the one bounded reader: a pipe, a link out of the folder or a huge file is refused
        text = _guard.read_bytes(path, None, MAX_BYTES).decode("utf-8")
    except UnicodeDecodeError as err:
        raise LessonsDataError(f"{path}: not UTF-8 text (byte {err.start})") from None
    ids = None
    if check_exercises:
        from lessons.exercises import load_exercises

        ids = set(load_exercises(Path(folder) / "exercises" if folder else None))
    return validate_lessons(text, str(path), ids)


def _chapter_path(chapter) -> Path | None:
    from lessons.paths import REPO_ROOT

    name = str(chapter)
    if not CHAPTER_NAME.fullmatch(name):
        return None
    path = REPO_ROOT / "chapters" / f"{name}.ipynb"
    return path if path.is_file() else None


@functools.lru_cache(maxsize=32)
def _h1(path: str, mtime_ns: int, size: int) -> str:
    """The first '# ' heading of a notebook's Markdown cells ('' if none or unreadable)."""
    if size > MAX_NOTEBOOK_BYTES:
        return ""
    try:
        cells = json.loads(_files.read_bounded(path, MAX_NOTEBOOK_BYTES).decode("utf-8")).get("cells") or []
    except (_files.Refused, ValueError, AttributeError, RecursionError):
        return ""
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "markdown":
            source = cell.get("source")
            text = "".join(source) if isinstance(source, list) else str(source or "")
            for line in text.splitlines():
                if line.startswith("# ") and line[2:].strip():
                    return line[2:].strip()[:200]
    return ""


def chapter_title(chapter) -> str:
    """A chapter's title for a reader (the H1 of chapters/<chapter>.ipynb), not its file
    name; the name itself when there is no such notebook or it has no H1."""
    path = _chapter_path(chapter)
    if path is None:
        return str(chapter)
    st = path.stat()
    return _h1(str(path), st.st_mtime_ns, st.st_size) or str(chapter)


def chapter_html(chapter, live: bool = False) -> str:
    """'chapter 3, <a>Who calls whom what</a>' (escaped): the number from the file name's
    leading digits, the title linked to the chapter's page (its notebook in a live kernel)."""
    title = chapter_title(chapter)
    digits = re.match(r"\d{1,3}", str(chapter))
    number = f"chapter {int(digits.group())}, " if digits else "chapter "
    if _chapter_path(chapter) is None:
        return f"{number}{_e(title)}"
    target = f"{CHAPTERS_URL}{chapter}{'.ipynb' if live else '.html'}"
    return f'{number}<a href="{_e(target)}">{_e(title)}</a>'


def get_lesson(lesson_id: str, folder=None) -> dict:
    for lesson in load_lessons(folder):
        if lesson["id"] == str(lesson_id):
            return lesson
    raise LessonsDataError(f"{lessons_path(folder)}: no lesson with id {lesson_id!r}")


def slug(lesson_id: str) -> str:
    return "lesson-" + "".join(c for c in str(lesson_id).lower() if c.isalnum())


def handout_files(lesson: dict) -> dict[str, str]:
    """Handout kind -> PDF file name (as `lessons.handouts.build` writes them)."""
    names = {"articles": "article-packet.pdf", "background": "background-sheet.pdf",
             "lateral": "lateral-reading-task.pdf"}
    s = slug(lesson["id"])
    names.update(worksheet=f"{s}-worksheet.pdf", answers=f"{s}-answers.pdf")
    return names


def plan_table(lesson: dict) -> pd.DataFrame:
    """Minute by minute: `start, end, minutes, part, computers, paper` (minutes from 0)."""
    rows, t = [], 0
    for part in lesson["parts"]:
        rows.append({"start": t, "end": t + part["minutes"], "minutes": part["minutes"],
                     "part": part["part"], "computers": part["computers"], "paper": part["paper"]})
        t += part["minutes"]
    return pd.DataFrame(rows, columns=["start", "end", "minutes", "part", "computers", "paper"])


def exit_ticket_table(lesson: dict) -> pd.DataFrame:
    return pd.DataFrame([{"number": i + 1, "question": q["question"], "key": q["key"]}
                         for i, q in enumerate(lesson["exit_ticket"])],
                        columns=["number", "question", "key"])


def lessons_table(folder=None) -> pd.DataFrame:
    """One row per lesson: `lesson, chapter, title, exercises, minutes`."""
    return pd.DataFrame([{"lesson": l["id"], "chapter": l["chapter"], "title": l["title"],
                          "exercises": len(l["exercises"]),
                          "minutes": int(plan_table(l)["minutes"].sum())}
                         for l in load_lessons(folder)],
                        columns=["lesson", "chapter", "title", "exercises", "minutes"])


# ------------------------------------------------------------------ HTML views (escaped)
def _e(text) -> str:
    return html.escape(str(text))


def _print_list(lesson: dict, teacher: bool) -> str:
    files = handout_files(lesson)
    kinds = list(lesson["print"]) + (["answers"] if teacher and "answers" not in lesson["print"] else [])
    items = "".join(f'<li><a href="{HANDOUTS_URL}{files[k]}">{_e(HANDOUTS[k])}</a> (PDF)</li>'
                    for k in kinds)
    return f"<ul>{items}</ul>"


# A sentence that only says how to work the on-screen widget ('Click a word to mark it; click
# again to unmark it.'): the widget shows its own hint, paper has no clicks, and a list of
# exercises must name the question, not this (walk 9: lesson 3B's list read 'Click a word to
# mark it…'). Such a sentence speaks of undoing a mark: pressing again, or unmarking.
_SCREEN_ONLY = re.compile(r"(?:^|(?<=[.!?])\s++)[^.!?]{0,200}\b(?:(?:click|press|tap)(?:\s+it)?\s+again|un-?mark)"
                          r"[^.!?]{0,200}[.!?]", re.I)


def without_screen_help(prompt: str) -> str:
    """The prompt without its sentences about working the widget (`_SCREEN_ONLY`)."""
    return _SCREEN_ONLY.sub("", str(prompt)[:5000]).strip()


def exercise_name(prompt: str, limit: int = 90) -> str:
    """A short name for an exercise: the question its prompt asks (its last sentence that ends
    with '?', else its last sentence before any quoted passage: the instruction), cut at
    `limit` characters. Sentences about working the widget are not the question
    (`without_screen_help`)."""
    text = " ".join(without_screen_help(" ".join(str(prompt).split())[:2000]).split())

    def split(t: str) -> list[str]:
        found = [m.group().strip().lstrip("'\"‘’“”) ") for m in re.finditer(r"[^.?!]{1,1000}+[.?!]*", t)]
        return [x for x in found if x]

    sentences = split(text)
    questions = [q for q in sentences if q.endswith("?")]
    if questions:
        name = questions[-1]
    else:  # 'Rewrite it neutrally: 'Police said ...'' -> the instruction, not the passage
        before = split(re.split(r":\s*+['‘\"“]", text, maxsplit=1)[0])
        name = before[-1] if before else text
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def _exercise_list(lesson: dict, folder=None) -> str:
    """The lesson's exercises by name, in order (the id where no prompt is found)."""
    from lessons.exercises import load_exercises

    try:
        found = load_exercises(Path(folder) / "exercises" if folder else None)
    except LessonsDataError:
        found = {}
    items = "".join(f"<li>{_e(exercise_name(found[i]['prompt']) if i in found else _computed_name(i) or i)}</li>"
                    for i in lesson["exercises"])
    return f"<ol>{items}</ol>"


def intro_html(lesson: dict, folder=None) -> str:
    objectives = "".join(f"<li>{_e(o)}</li>" for o in lesson["objectives"])
    timings = "".join(f"<li>{_e(p['part'])}: {p['minutes']} min</li>" for p in lesson["parts"])
    return (
        f'<section class="lx-lesson" aria-label="Lesson {_e(lesson["id"])}">'
        f'<p class="lx-lesson-title"><strong>Lesson {_e(lesson["id"])}: {_e(lesson["title"])}</strong>'
        f' ({LESSON_MINUTES} minutes)</p>'
        f"<p><strong>Objectives.</strong> By the end you can:</p><ul>{objectives}</ul>"
        f"<p><strong>Timings.</strong></p><ol>{timings}</ol>"
        f"<p><strong>What to print.</strong></p>{_print_list(lesson, teacher=False)}"
        f"<p><strong>Starter.</strong> {_e(lesson['starter'])}</p>"
        f"<p><strong>Exercises in this lesson</strong> ({len(lesson['exercises'])}):</p>"
        f"{_exercise_list(lesson, folder)}"
        "</section>"
    )


def close_html(lesson: dict) -> str:
    questions = "".join(f"<li>{_e(q['question'])}</li>" for q in lesson["exit_ticket"])
    return (
        f'<section class="lx-lesson" aria-label="End of lesson {_e(lesson["id"])}">'
        f"<p><strong>Discussion (lesson {_e(lesson['id'])}).</strong> {_e(lesson['discussion'])}</p>"
        f"<p><strong>Exit ticket.</strong> Answer in a sentence or two each, on paper:</p>"
        f"<ol>{questions}</ol></section>"
    )


def plan_html(lesson: dict, live: bool = False) -> str:
    """The teacher's plan: objectives, print list, minute-by-minute plan for both rooms, keys.
    The chapter by its title, linked (``live``: to the notebook, for JupyterLab)."""
    plan = plan_table(lesson)
    rows = "".join(
        f'<tr><td data-label="Minutes">{r.start}–{r.end}</td><td data-label="Part">{_e(r.part)}</td>'
        f'<td data-label="With computers">{_e(r.computers)}</td>'
        f'<td data-label="Without computers">{_e(r.paper)}</td></tr>' for r in plan.itertuples())
    objectives = "".join(f"<li>{_e(o)}</li>" for o in lesson["objectives"])
    keys = "".join(f"<li>{_e(q['question'])}<br><em>Key:</em> {_e(q['key'])}</li>"
                   for q in lesson["exit_ticket"])
    return (
        f'<section class="lx-lesson">'
        f"<p><strong>Lesson {_e(lesson['id'])}: {_e(lesson['title'])}</strong> "
        f"({chapter_html(lesson['chapter'], live)}, {LESSON_MINUTES} minutes).</p>"
        f"<p><strong>Objectives.</strong></p><ul>{objectives}</ul>"
        f"<p><strong>Print.</strong></p>{_print_list(lesson, teacher=True)}"
        f"<p><strong>Starter.</strong> {_e(lesson['starter'])}</p>"
        '<div class="lx-table-wrap" tabindex="0"><table class="lx-table lx-cards">'
        f"<caption>Lesson {_e(lesson['id'])}, minute by minute</caption>"
        "<thead><tr><th>Minutes</th><th>Part</th><th>With computers</th><th>Without computers</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        f"<p><strong>Discussion.</strong> {_e(lesson['discussion'])}</p>"
        f"<p><strong>Exit ticket and keys.</strong></p><ol>{keys}</ol>"
        f"<p><small>Rests on: {_e(lesson['source'])}.</small></p></section>"
    )


def _display(markup: str):
    from IPython.display import HTML

    return HTML(markup)


def lesson_intro(lesson_id: str, folder=None):
    """The box at the start of a lesson: objectives, timings, what to print, the starter."""
    return _display(intro_html(get_lesson(lesson_id, folder), folder))


def lesson_close(lesson_id: str, folder=None):
    """The end of a lesson: the discussion prompt and the exit ticket (no keys)."""
    return _display(close_html(get_lesson(lesson_id, folder)))


def show_plan(lesson_id: str, folder=None):
    """The teacher's minute-by-minute plan, with the exit ticket's keys."""
    from lessons.book import chart_renderer

    return _display(plan_html(get_lesson(lesson_id, folder), live=chart_renderer() == "jupyter"))
