"""Answers handed in from the HTML book: ``python -m lessons answers FILES_OR_FOLDERS``.

Students download their answers from the book's *My answers* page as one JSON file. This
module reads a folder of those files and writes one gradebook CSV with the columns of
``make grade`` (see `gradebook_columns`).

The files are untrusted data. They are parsed as JSON (size-capped), never executed, and
every score is re-computed from the answers against the keys in ``data/exercises/`` (and,
for exercises a chapter computes with code, the keys in the built book's pages). Anything a
file says about its own score is only compared with the re-computed one: a difference makes
the row ``tampered``. A file that cannot be read becomes a row with its status, never a crash.

Free-text answers (type ``text``) are not scored: each text exercise gets a column
``written: <exercise id>`` after the scored ones, holding what the student wrote (one line,
bounded, never a spreadsheet formula) for the teacher to read and mark by hand. They add
nothing to ``total`` or ``possible``.

One row per student: files with the same student name that answer different exercises (a
file per chapter) are joined into one row (`join_students`); files of one student that answer
some of the same exercises stay rows of their own, for the teacher to choose.

Row status: ``ok``; ``duplicate`` (the same file as another, or the same student with the
same exercises answered: the teacher decides which one counts; both rows keep their scores); ``stale`` (some answers are for an older version of an exercise and are
not scored); ``invalid`` (an answer the exercise cannot take, such as option 7 of 4: the reason
names the exercise, the field, the value and what is allowed; it scores 0); ``tampered``
(claims that do not match, exercises that do not exist, an answered-twice exercise);
``malformed`` (not JSON, not an answers file, too large, another book).

Without ``--out`` the gradebook goes next to the answers (``<folder>/gradebook.csv``, as
``make answers`` writes it); an existing gradebook is never replaced silently: it is kept under
a dated name and the command says so (`lessons.grading.keep_previous`).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import os
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from lessons import _files, _guard
from lessons import exercises as X
from lessons.grading import WRITTEN_PREFIX, gradebook_header, keep_previous
from lessons.paths import REPO_ROOT
from lessons.text import shorten

# The gradebook columns are those of `make grade` (lessons.grading.GRADEBOOK_COLUMNS), with
# the exercises in place of the questions and the student's typed name after 'submission'.
ISOLATION = "not run (data only)"  # the 'isolation' column: nothing in an answer file is run
ASSIGNMENT = "book-exercises"
STUDENT_COLUMN = "student"  # placed after 'submission'

MAX_BYTES = 1_000_000       # a real file with every exercise answered is about 30 kB
MAX_ANSWERS = 1000
MAX_FILES = 5000
STATUS_ORDER = ("ok", "duplicate", "stale", "invalid", "tampered", "malformed")
GRADED_TYPES = ("choice", "multi", "numeric", "words")  # free text is read by the teacher
MAX_WRITTEN = 2000          # characters of one written answer shown in the gradebook

_DATA_LX_RE = re.compile(r'data-lx="([^"]{1,200000})"')
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


# ------------------------------------------------------------------------------ keys
def load_keys(book_html: str | Path | None = None) -> dict[str, dict]:
    """The answer keys by exercise id: every graded exercise in data/exercises (no demo-*),
    plus computed ones found in the built book's pages (``book_html``, optional). Each key
    carries ``_ver``, the version a saved answer must have to be scored."""
    keys: dict[str, dict] = {}
    for ex_id, ex in X.load_exercises().items():
        if ex_id.startswith("demo-") or ex["type"] not in GRADED_TYPES:
            continue
        keys[ex_id] = dict(ex, _ver=X.exercise_version(ex))
    if book_html is not None and Path(book_html).is_dir():
        for ex_id, ex in keys_from_html(book_html).items():
            keys.setdefault(ex_id, ex)
    return keys


def load_written(book_html: str | Path | None = None) -> dict[str, dict]:
    """The free-text exercises by id (data/exercises, plus any the built pages compute), each
    with ``_ver``: their answers go into ``written:`` columns for the teacher to mark."""
    written: dict[str, dict] = {}
    for ex_id, ex in X.load_exercises().items():
        if not ex_id.startswith("demo-") and ex["type"] == "text":
            written[ex_id] = dict(ex, _ver=X.exercise_version(ex))
    if book_html is not None and Path(book_html).is_dir():
        for ex_id, ex in keys_from_html(book_html, types=("text",)).items():
            written.setdefault(ex_id, ex)
    return written


def written_column(ex_id: str) -> str:
    return WRITTEN_PREFIX + ex_id


def _written_text(response: str) -> str:
    """A written answer as one bounded line: line breaks become ' / ', control characters
    spaces, and it never starts like a spreadsheet formula."""
    one_line = re.sub(r"\s*\n\s*", " / ", response.strip())
    if len(one_line) > MAX_WRITTEN:
        one_line = one_line[: MAX_WRITTEN - 1] + "…"
    return _clean(one_line, MAX_WRITTEN)


def keys_from_html(folder: str | Path, types: Iterable[str] = GRADED_TYPES) -> dict[str, dict]:
    """Keys decoded from the quizzes (`data-lx`) of a built book's pages."""
    out: dict[str, dict] = {}
    pages, _ = _files.find_files(folder, ".html", 2000)  # links and pipes skipped, never followed
    for page in pages:
        try:  # the one bounded reader: a file swapped for a pipe or a link is refused, never read
            text = _files.read_bounded(page, 20_000_000).decode("utf-8", errors="replace")
        except _files.Refused:
            continue
        for m in _DATA_LX_RE.finditer(text):
            try:
                rules = X.rules_from_page(json.loads(html.unescape(m.group(1))))
            except (ValueError, TypeError):
                continue
            if rules.get("type") not in types or not isinstance(rules.get("id"), str):
                continue
            ex = {k: rules[k] for k in ("id", "type", "answer", "options", "feedback", "optional",
                                        "tolerance", "unit") if k in rules}
            ex["_ver"] = rules.get("ver")
            out.setdefault(ex["id"], ex)
    return out


# ------------------------------------------------------------------------------ one file
def _clean(text: Any, limit: int = 100) -> str:
    """A one-line, bounded string that a spreadsheet will not run as a formula."""
    s = _CONTROL_RE.sub(" ", str(text)).strip()[:limit]
    return "'" + s if s[:1] in ("=", "+", "-", "@") else s


def _value(response: Any) -> str:
    """A response as a short, printable, one-line text for a reason."""
    try:
        text = json.dumps(response, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(response).__name__
    return _clean(shorten(text, 59), 60)


def _is_index(value: Any, n: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < n


def _shape_problem(ex: dict, response: Any) -> str | None:
    """Why `response` cannot be an answer to `ex`, naming the field, the value and what is
    allowed (None when its shape is fine). Option numbers count from 0, as the file stores them."""
    typ = ex["type"]
    got = f"field 'response' is {_value(response)}"
    if typ in ("choice", "multi"):
        n = len(ex.get("options") or [])
        allowed = f"an option number from 0 to {n - 1} ({n} options, counted from 0)"
        if typ == "choice":
            return None if _is_index(response, n) else f"{got}; allowed: {allowed}"
        if isinstance(response, list) and len(response) <= n and all(_is_index(i, n) for i in response):
            return None
        return f"{got}; allowed: a list of at most {n} option numbers, each from 0 to {n - 1}"
    if typ == "numeric":
        ok = (isinstance(response, str) and len(response) <= 200) or (
            isinstance(response, (int, float)) and not isinstance(response, bool))
        return None if ok else f"{got}; allowed: a number, or a text of at most 200 characters"
    if typ == "words":
        ok = isinstance(response, list) and len(response) <= 500 and all(
            isinstance(w, str) and len(w) <= 100 for w in response)
        return None if ok else f"{got}; allowed: a list of at most 500 words, each at most 100 characters"
    return f"type {_value(typ)} is not a graded exercise"


def grade_file(path: str | Path, keys: dict[str, dict],
               written: dict[str, dict] | None = None) -> dict:
    """One gradebook row (a dict) for one answers file; never raises for bad content.
    ``written`` (from `load_written`): free-text exercises whose answers the row keeps, as
    text, under ``row["written"]``."""
    path = Path(path)
    written = written or {}
    row: dict[str, Any] = {"submission": _clean(path.name, 200), STUDENT_COLUMN: "",
                           "assignment": ASSIGNMENT, "scores": {}, "written": {}, "status": "ok",
                           "reason": [], "isolation": ISOLATION}

    def fail(status: str, why: str) -> dict:
        row["status"] = status
        row["reason"].append(why)
        return row

    if os.path.islink(path):  # it could lead to another student's file or the teacher's
        return fail("malformed", "a symbolic link, not an answers file: copy the file itself")
    try:  # the one bounded reader: a pipe put in the folder never blocks grading
        raw = _files.read_bounded(path, MAX_BYTES)  # O_NOFOLLOW: a link swapped in is refused
    except _files.Refused as exc:
        return fail("malformed", f"cannot be read: {exc.reason}")
    row["sha256"] = hashlib.sha256(raw).hexdigest()  # the same file handed in twice (duplicates)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return fail("malformed", "not UTF-8 text")
    except (json.JSONDecodeError, RecursionError) as exc:
        return fail("malformed", f"not valid JSON ({getattr(exc, 'msg', 'too deeply nested')})")
    if not isinstance(data, dict) or data.get("format") != "lessons-answers":
        return fail("malformed", "not an answers file from the book's My answers page "
                                 "(no \"format\": \"lessons-answers\")")
    if data.get("book") != X.BOOK_ID:
        return fail("malformed", f"answers for another book ({_clean(data.get('book'), 60)!r})")
    answers = data.get("answers")
    if not isinstance(answers, list):
        return fail("malformed", "field 'answers' is not a list")
    if len(answers) > MAX_ANSWERS:
        return fail("malformed", f"{len(answers)} answers; at most {MAX_ANSWERS} expected")
    row[STUDENT_COLUMN] = _clean(data.get("student") or "")
    if not row[STUDENT_COLUMN]:
        row["reason"].append("no student name")

    problems: dict[str, list[str]] = {"tampered": [], "invalid": [], "stale": []}
    seen: set[str] = set()
    for n, ans in enumerate(answers, start=1):
        if not isinstance(ans, dict) or not isinstance(ans.get("exercise"), str):
            problems["tampered"].append(f"answer {n} has no exercise id")
            continue
        ex_id = _clean(ans["exercise"], 80)
        if ex_id in seen:
            problems["tampered"].append(f"{ex_id} answered twice")
            continue
        seen.add(ex_id)
        if ans["exercise"] in written:
            text_ex = written[ans["exercise"]]
            response = ans.get("response")
            if not isinstance(response, str) or len(response) > 20_000:
                problems["invalid"].append(f"{ex_id}: field 'response' is {_value(response)}; "
                                           "allowed: a text of at most 20,000 characters")
                continue
            if ans.get("version") != text_ex["_ver"]:
                problems["stale"].append(f"{ex_id} was answered in an older version of the exercise")
                response = "(older version of the question) " + response
            row["written"][ans["exercise"]] = _written_text(response)
            continue
        ex = keys.get(ans["exercise"])
        if ex is None:
            if not ans["exercise"].startswith("demo-") and ans.get("type") != "text":
                problems["tampered"].append(f"{ex_id} is not an exercise of this book")
            continue
        if ans.get("version") != ex["_ver"]:
            problems["stale"].append(f"{ex_id} was answered in an older version of the exercise")
            continue
        response = ans.get("response")
        shape = _shape_problem(ex, response)
        if shape:
            problems["invalid"].append(f"{ex_id}: {shape}")
            row["scores"][ans["exercise"]] = 0
            continue
        result = X.check(ex, response)
        score = 1 if result["correct"] else 0
        row["scores"][ans["exercise"]] = score
        claimed = ans.get("correct")
        if ("correct" in ans and claimed is not bool(score)) or \
                ("status" in ans and ans.get("status") != result["status"]):
            problems["tampered"].append(
                f"{ex_id}: the file says {_clean(ans.get('status', claimed), 20)}, "
                f"the answer is {result['status']}")
    for key in ("score", "total", "points"):
        if key in data:
            problems["tampered"].append(f"the file carries its own '{key}' (ignored)")
    for status in ("tampered", "invalid", "stale"):  # the worst one names the row
        if problems[status]:
            row["status"] = status
            break
    row["reason"] += problems["tampered"] + problems["invalid"] + problems["stale"]
    return row


# ------------------------------------------------------------------------------ folders
NOT_ANSWERS = "not an answers file (the book's answer files end .json): skipped"


def _own_file(path: Path, ours: Iterable[Path]) -> bool:
    """A gradebook this command wrote (``gradebook.csv`` or one kept under a dated name,
    `lessons.grading.keep_previous`): not a stray file to report."""
    return any(path.parent == o.parent and path.suffix == o.suffix and
               (path.stem == o.stem or path.stem.startswith(o.stem + ".kept-")) for o in ours)


def answer_files(paths: Iterable[str | Path], skipped: list[tuple[Path, str]] | None = None,
                 ours: Iterable[Path] = ()) -> list[Path]:
    """Every *.json in the folders given (and their sub-folders) and every file given by name.

    Inside a folder nothing is followed or opened while looking (``lessons._files.find_files``):
    a folder that is a symbolic link (elsewhere, or a loop) is not searched, and what could not
    be searched is added to `skipped`, as (path, reason), for the caller to tell the teacher;
    so is every other file found there (``notes.txt``: walk 9 found it skipped silently), except
    the gradebooks in `ours`. Every name ending .json is listed, whatever it is: a link, a pipe
    or a device becomes a row saying why it was not read (the bounded reader opens nothing it
    should not)."""
    out: list[Path] = []
    ours = [Path(o) for o in ours]
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found, passed = _files.find_files(p, "", MAX_FILES)
            named = [q for q, _ in passed if q != p and q.name.endswith(".json")]
            out += sorted([q for q in found if q.name.endswith(".json")] + named)
            if skipped is not None:
                skipped += [(q, why) for q, why in passed if q not in named]
                skipped += [(q, NOT_ANSWERS) for q in found
                            if not q.name.endswith(".json") and not _own_file(q, ours)]
        else:
            out.append(p)
    return list(dict.fromkeys(out))[:MAX_FILES]


def book_order(ids: Iterable[str], lessons: list[dict] | None = None) -> list[str]:
    """Exercise ids in the order of the book (walk 7: the gradebook began with chapter 4):
    as the lessons of data/lessons.yml list them; an exercise a chapter computes (not listed)
    right after the last listed one of its chapter (same first word: 'figures', 'same');
    any other at the end, in the order given."""
    from lessons.plans import load_lessons

    listed = [e for lesson in (load_lessons(check_exercises=False) if lessons is None else lessons)
              for e in lesson.get("exercises") or []]
    place = {e: k for k, e in reversed(list(enumerate(listed)))}
    last = {e.split("-", 1)[0]: k for k, e in enumerate(listed)}
    ids = list(dict.fromkeys(ids))

    def rank(item):
        k, ex_id = item
        if ex_id in place:
            return (place[ex_id], 0, k)
        chapter = last.get(ex_id.split("-", 1)[0])
        return (chapter, 1, k) if chapter is not None else (len(listed), 2, k)

    return [ex_id for _, ex_id in sorted(enumerate(ids), key=rank)]


def gradebook_columns(keys: dict[str, dict], written: Iterable[str] = ()) -> list[str]:
    """`make grade`'s columns (one place: lessons.grading), plus the student's name, then one
    ``written: <id>`` column per free-text exercise (to read and mark by hand); exercises in
    the order of the book (`book_order`)."""
    header = gradebook_header(book_order(keys))
    return header[:1] + [STUDENT_COLUMN] + header[1:] + [written_column(w) for w in book_order(written)]


def _student_key(row: dict) -> str:
    """A student's name as rows are matched: case and spaces ignored ('' when none)."""
    return " ".join(str(row.get(STUDENT_COLUMN) or "").casefold().split())


def _answered(row: dict) -> frozenset:
    return frozenset(row["scores"]) | frozenset(row["written"])


def join_students(graded: list[dict], repeated: Iterable[int] = ()) -> list[dict]:
    """One row per student: the rows of `grade_file` with the same student name (case and
    spaces ignored) whose files answer different exercises (no exercise in two of them: a
    file per chapter, or from two computers) become one row, in the place of the first. Its
    submission names every file ('a.json + b.json'); scores and written answers are all of the
    files'; its status is the worst of theirs (`STATUS_ORDER`); each file's reasons keep their
    file's name. Files that answer some of the same exercises stay rows of their own (the
    teacher chooses; `duplicates` names them), and so do malformed files, files without a name
    and the rows in `repeated` (duplicates)."""
    repeated = set(repeated)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(graded):
        if i not in repeated and r["status"] != "malformed" and _student_key(r) and _answered(r):
            groups.setdefault(_student_key(r), []).append(i)
    joined: dict[int, dict] = {}
    gone: set[int] = set()
    for members in groups.values():
        sets = [_answered(graded[i]) for i in members]
        if len(members) < 2:
            continue
        if sum(map(len, sets)) != len(frozenset().union(*sets)):  # an exercise in two files
            for i in members:
                others = ", ".join(graded[j]["submission"] for j in members if j != i)
                graded[i]["reason"].append(f"the same student as {others}, with some of the same "
                                           "exercises: not joined, choose which answers count")
            continue
        rows = [graded[i] for i in members]
        first = rows[0]
        joined[members[0]] = {
            "submission": " + ".join(r["submission"] for r in rows), STUDENT_COLUMN: first[STUDENT_COLUMN],
            "assignment": first["assignment"], "isolation": first["isolation"],
            "scores": {k: v for r in rows for k, v in r["scores"].items()},
            "written": {k: v for r in rows for k, v in r["written"].items()},
            "status": max((r["status"] for r in rows), key=STATUS_ORDER.index),
            "reason": [f"{len(rows)} files of one student, for different exercises"]
                      + [f"{r['submission']}: {why}" for r in rows for why in r["reason"]]}
        gone.update(members[1:])
    return [joined.get(i, r) for i, r in enumerate(graded) if i not in gone]


def duplicates(graded: list[dict]) -> dict[int, str]:
    """{index: why} for the rows of `grade_file` that repeat another: the same bytes, or the
    same student name (case and spaces ignored) with the same exercises answered. Every row of
    such a group is named, each with the others' file names: the teacher chooses."""
    groups: dict[tuple, list[int]] = {}
    for i, r in enumerate(graded):
        if r.get("sha256"):
            groups.setdefault(("file", r["sha256"]), []).append(i)
        name, answered = _student_key(r), _answered(r)
        if name and answered:
            groups.setdefault(("student", name, answered), []).append(i)
    why: dict[int, list[str]] = {}
    for key, members in groups.items():
        if len(members) < 2:
            continue
        for i in members:
            others = ", ".join(graded[j]["submission"] for j in members if j != i)
            text = (f"the same file as {others}" if key[0] == "file"
                    else f"the same student and exercises as {others}")  # the status says 'duplicate' 
            if not any(others in w for w in why.get(i, [])):  # one reason per other file
                why.setdefault(i, []).append(text)
    return {i: "; ".join(w) for i, w in why.items()}


def gradebook_rows(paths: Iterable[str | Path], keys: dict[str, dict],
                   written: dict[str, dict] | None = None,
                   skipped: list[tuple[Path, str]] | None = None,
                   ours: Iterable[Path] = ()) -> list[dict]:
    """One flat dict per file (per student when one student's files answer different
    exercises: `join_students`), with every column of `gradebook_columns`; what was not read
    while looking in the folders goes to `skipped` (see `answer_files`; `ours`: the gradebooks
    not to report); a file that repeats another (`duplicates`) says so in its status (when it
    was ok, the reason then says only which file: never 'duplicate: duplicate: ...' on the
    screen) or, when it has another status, in its reason."""
    graded = [grade_file(path, keys, written) for path in answer_files(paths, skipped, ours)]
    repeated = duplicates(graded)
    for i, why in repeated.items():
        r = graded[i]
        if r["status"] == "ok":
            r["status"] = "duplicate"
            r["reason"].append(why)
        else:
            r["reason"].append("also a duplicate: " + why)
    graded = join_students(graded, repeated)
    rows = []
    for r in graded:
        flat = {"submission": r["submission"], STUDENT_COLUMN: r[STUDENT_COLUMN],
                "assignment": r["assignment"]}
        for ex_id in keys:
            flat[ex_id] = r["scores"].get(ex_id, "")
        flat["total"] = sum(r["scores"].values())
        flat["possible"] = len(keys)
        flat["status"] = r["status"]
        flat["reason"] = _clean("; ".join(r["reason"]), 500)
        flat["isolation"] = r["isolation"]
        for ex_id in written or {}:
            flat[written_column(ex_id)] = r["written"].get(ex_id, "")
        rows.append(flat)
    return rows


def write_gradebook(rows: list[dict], columns: list[str], out: str | Path) -> Path:
    """The gradebook CSV, written atomically (``lessons._files.write_atomic``)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return _files.write_atomic(out, buffer.getvalue().encode("utf-8"), prefix=f".{out.name}.", suffix=".part")


def default_out(paths: Iterable[str | Path]) -> Path:
    """Where the gradebook goes without --out: ``gradebook.csv`` in the first folder given, or
    beside the first file given (next to the answers, as ``make answers`` writes it)."""
    first = Path(next(iter(paths)))
    return (first if first.is_dir() else first.parent) / "gradebook.csv"


def missing_paths(paths: Iterable[str | Path]) -> list[str]:
    """The paths given that do not exist (checked before anything is written or created)."""
    return [str(p) for p in paths if not os.path.lexists(p)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lessons answers",
        description="Grade answer files downloaded from the book's My answers page into one "
                    "gradebook CSV (the columns of make grade). Scores are re-computed from "
                    "the answers; nothing in the files is run.")
    parser.add_argument("paths", nargs="+", metavar="FILES_OR_FOLDER",
                        help="answer files (.json) or folders holding them")
    parser.add_argument("--out", default=None,
                        help="the CSV to write (default: gradebook.csv in the first folder given, "
                             "or beside the first file); an existing one is kept under a dated name")
    parser.add_argument("--book", default=None,
                        help="the built book (default: _build/html if it exists), for the keys "
                             "of exercises that chapters compute with code")
    args = parser.parse_args(argv)
    missing = missing_paths(args.paths)
    if missing:  # nothing is created: a typo in the folder's name must not look like success
        for path in missing:
            print(f"python -m lessons answers: {_guard.printable(path)[:300]} does not exist "
                  "(no such file or folder); nothing was graded or written", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else default_out(args.paths)
    book = args.book
    if book is None:
        default = REPO_ROOT / "_build" / "html"
        book = default if default.is_dir() else None
    keys = load_keys(book)
    written = load_written(book)
    skipped: list[tuple[Path, str]] = []
    files = answer_files(args.paths, skipped, ours=[out])
    rows = gradebook_rows(files, keys, written)
    kept = keep_previous(out)
    out = write_gradebook(rows, gradebook_columns(keys, written), out)
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUS_ORDER}
    n_files = len(files)
    print(f"{n_files} files" + (f", {len(rows)} rows (a student's files for different exercises are one row)"
                                 if n_files != len(rows) else "") + ": "
          + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    print(f"Gradebook: {_guard.printable(str(out))[:300]}")
    if kept:
        print(f"  the gradebook that was there is kept as {_guard.printable(str(kept))[:300]}")
    for path, why in skipped[:50]:
        print(f"  not read: {_guard.printable(str(path))[:300]}: {why}")
    if len(skipped) > 50:
        print(f"  ... and {len(skipped) - 50} more not read")
    if written:
        print(f"  {len(written)} free-text exercises are not scored: read and mark the "
              f"'{WRITTEN_PREFIX}...' columns")
    for r in rows:
        if r["status"] != "ok":
            print(f"  {r['submission']}: {r['status']}: {r['reason']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
