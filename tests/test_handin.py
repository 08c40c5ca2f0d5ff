"""The teacher's command for answers handed in from the HTML book (lessons.handin)."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import exercises as X
from lessons import handin as H

KEYS = H.load_keys()
WRITTEN = H.load_written()


def _answer(ex_id: str, response, **claims) -> dict:
    ex = X.get_exercise(ex_id)
    res = X.check(ex, response)
    rec = {"exercise": ex_id, "page": "chapters/x", "version": X.exercise_version(ex),
           "type": ex["type"], "prompt": ex["prompt"], "response": response,
           "status": res["status"], "correct": res["correct"], "saved": "2026-01-01T00:00:00Z"}
    rec.update(claims)
    return rec


def _file(folder: Path, name: str, answers: list, student="Ada", **extra) -> Path:
    data = {"format": "lessons-answers", "format_version": 1, "book": X.BOOK_ID,
            "book_version": X.book_version(), "student": student,
            "exported": "2026-01-01T00:00:00Z", "answers": answers, **extra}
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "handed_in"
    d.mkdir()
    _file(d, "ada.json", [_answer("sources-wire-copy", 1), _answer("sources-republished", [0, 1]),
                          _answer("figures-six-months-in-days", "183 days"),
                          _answer("figures-explain-detained", "The count grew.\n=SUM(A1) is not a formula here")])
    _file(d, "bob.json", [_answer("sources-wire-copy", 0)], student="=HYPERLINK(\"x\")")
    # edited score: a wrong answer claimed as correct
    _file(d, "carl.json", [_answer("sources-wire-copy", 2, correct=True, status="correct")],
          student="Carl", score=100)
    (d / "corrupt.json").write_text('{"format": "lessons-answers", "answers": [', encoding="utf-8")
    _file(d, "dora.json", [_answer("sources-wire-copy", 1),
                           {"exercise": "sources-no-such-thing", "version": "x", "response": 1}],
          student="Dora")
    _file(d, "eve.json", [dict(_answer("sources-wire-copy", 1), version="0ld")], student="Eve")
    _file(d, "fay.json", [dict(_answer("sources-wire-copy", 1), response="__import__('os')")],
          student="Fay")
    (d / "huge.json").write_bytes(b'{"a": "' + b"x" * (H.MAX_BYTES + 10) + b'"}')
    (d / "list.json").write_text("[1, 2, 3]", encoding="utf-8")
    (d / "latin1.json").write_bytes('{"student": "Jos\xe9"}'.encode("latin-1"))
    return d


def test_book_order_follows_the_lessons_and_keeps_computed_exercises_in_their_chapter():
    lessons = [{"exercises": ["b-one", "b-two"]}, {"exercises": ["a-one"]}]
    assert H.book_order(["a-one", "z-other", "a-computed", "b-two", "b-computed", "b-one"], lessons) == \
        ["b-one", "b-two", "b-computed", "a-one", "a-computed", "z-other"]


def _read(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["submission"]: r for r in csv.DictReader(fh)}


def test_cli_turns_a_folder_into_the_expected_gradebook(folder, tmp_path):
    out = tmp_path / "gradebook.csv"
    proc = subprocess.run([sys.executable, "-m", "lessons", "answers", str(folder), "--out", str(out),
                           "--book", str(tmp_path / "no-built-book")],  # data keys only
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "10 files" in proc.stdout
    rows = _read(out)
    header = next(csv.reader(out.open(encoding="utf-8")))
    assert header[:3] == ["submission", "student", "assignment"]
    from lessons.grading import gradebook_header
    assert header[-5 - len(WRITTEN):-len(WRITTEN)] == ["total", "possible", "status", "reason", "isolation"]
    assert [c for c in header if c != "student"][:-len(WRITTEN)] == gradebook_header(header[3:-5 - len(WRITTEN)])
    # free text is not scored: each text exercise has a column holding what the student wrote
    assert "sources-wire-copy" in header and "language-rewrite-neutral" not in header
    assert header[-len(WRITTEN):] == [H.written_column(w) for w in WRITTEN]
    assert "written: figures-explain-detained" in header
    # the exercises in the order of the book: chapter 1's first, chapter 4's last (walk 7)
    scored = header[3:-5 - len(WRITTEN)]
    chapters = [c.split("-", 1)[0] for c in scored]
    assert list(dict.fromkeys(chapters)) == ["sources", "figures", "language", "same"], chapters
    assert scored.index("figures-first-18") < scored.index("figures-second-18")
    status = {k: r["status"] for k, r in rows.items()}
    assert status == {"ada.json": "ok", "bob.json": "ok", "carl.json": "tampered",
                      "corrupt.json": "malformed", "dora.json": "tampered", "eve.json": "stale",
                      "fay.json": "invalid", "huge.json": "malformed", "list.json": "malformed",
                      "latin1.json": "malformed"}
    ada = rows["ada.json"]
    assert (ada["student"], ada["sources-wire-copy"], ada["sources-republished"],
            ada["figures-six-months-in-days"], ada["total"]) == ("Ada", "1", "1", "1", "3")
    assert ada["possible"] == str(len(KEYS)) and ada["figures-first-18"] == ""
    # the written answer is there to read, on one line, and adds nothing to the score
    assert ada["written: figures-explain-detained"] == "The count grew. / =SUM(A1) is not a formula here"
    assert rows["bob.json"]["written: figures-explain-detained"] == ""
    assert rows["bob.json"]["student"].startswith("'=")  # no formula for the spreadsheet
    carl = rows["carl.json"]
    assert carl["sources-wire-copy"] == "0" and carl["total"] == "0"  # re-computed, not read
    assert "says correct, the answer is incorrect" in carl["reason"] and "'score'" in carl["reason"]
    assert "not valid JSON" in rows["corrupt.json"]["reason"]
    assert "sources-no-such-thing is not an exercise" in rows["dora.json"]["reason"]
    assert rows["dora.json"]["total"] == "1"
    assert rows["eve.json"]["sources-wire-copy"] == "" and "older version" in rows["eve.json"]["reason"]
    assert "sources-wire-copy: field 'response' is \"__import__('os')\"; allowed: an option number from 0 to" \
        in rows["fay.json"]["reason"], rows["fay.json"]["reason"]
    assert "bytes" in rows["huge.json"]["reason"] and rows["huge.json"]["total"] == "0"
    assert "not UTF-8" in rows["latin1.json"]["reason"]



def test_cli_without_book_option_as_make_answers_runs_it(folder, tmp_path):
    """`make answers ANSWERS=dir` gives no --book: the default (the repository's _build/html)
    must be found, not crash (it once read a name the exercises module no longer has)."""
    out = tmp_path / "gradebook.csv"
    proc = subprocess.run([sys.executable, "-m", "lessons", "answers", str(folder), "--out", str(out)],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "10 files" in proc.stdout
    assert _read(out)["ada.json"]["status"] == "ok"

def test_a_file_of_another_book_or_a_missing_file_is_a_row(tmp_path):
    p = _file(tmp_path, "other.json", [], book="another-book")
    rows = H.gradebook_rows([p, tmp_path / "missing.json"], KEYS)
    assert [r["status"] for r in rows] == ["malformed", "malformed"]
    assert "another book" in rows[0]["reason"] and "cannot be read" in rows[1]["reason"]


def test_a_link_or_a_pipe_is_a_row_and_never_read(tmp_path):
    """A link could lead to another student's file (their marks under this name) or to any
    file of the teacher's; a pipe would block. Both are malformed rows, found in a folder too."""
    import os

    (tmp_path / "real").mkdir()
    real = _file(tmp_path / "real", "alice.json", [])
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "mallory.json").symlink_to(real)
    os.mkfifo(tmp_path / "pipe.json")
    def blocked(signum, frame):
        raise AssertionError("opening the pipe blocked")

    old = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(20)
    try:
        rows = H.gradebook_rows([tmp_path / "in", tmp_path / "pipe.json"], KEYS)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert [(r["submission"], r["status"]) for r in rows] == [("mallory.json", "malformed"), ("pipe.json", "malformed")]
    assert "symbolic link" in rows[0]["reason"] and "not a regular file" in rows[1]["reason"]
    assert H.gradebook_rows([real], KEYS)[0]["status"] == "ok"


def test_keys_of_computed_exercises_come_from_the_built_pages(tmp_path):
    ex = X.validate_exercise({"id": "figures-classify-computed", "type": "choice", "prompt": "P?",
                              "options": ["a", "b", "c"], "answer": 2, "explanation": "E.",
                              "source": "S."})
    (tmp_path / "page.html").write_text(f"<html><body>{X.static_html(ex)}</body></html>",
                                        encoding="utf-8")
    keys = H.load_keys(tmp_path)
    assert keys["figures-classify-computed"]["answer"] == 2
    rec = {"exercise": ex["id"], "version": X.exercise_version(ex), "response": 2}
    p = _file(tmp_path, "a.json", [rec])
    row = H.gradebook_rows([p], keys)[0]
    assert (row["status"], row["figures-classify-computed"]) == ("ok", 1)


def test_written_answers_are_kept_for_the_teacher_not_scored_and_made_safe(tmp_path):
    ex_id = "figures-explain-detained"
    long = "x" * (H.MAX_WRITTEN + 50)
    files = [
        _file(tmp_path, "a.json", [_answer(ex_id, "=HYPERLINK(\"http://evil\")")], student="A"),
        _file(tmp_path, "b.json", [_answer(ex_id, long)], student="B"),
        _file(tmp_path, "c.json", [dict(_answer(ex_id, "old text"), version="0ld")], student="C"),
        _file(tmp_path, "d.json", [dict(_answer(ex_id, "x"), response={"not": "text"})], student="D"),
    ]
    rows = {r["submission"]: r for r in H.gradebook_rows(files, KEYS, WRITTEN)}
    col = H.written_column(ex_id)
    assert rows["a.json"][col].startswith("'=") and rows["a.json"]["status"] == "ok"
    assert rows["a.json"]["total"] == 0 and rows["a.json"]["possible"] == len(KEYS)
    assert len(rows["b.json"][col]) == H.MAX_WRITTEN and rows["b.json"][col].endswith("…")
    assert rows["c.json"][col] == "(older version of the question) old text"
    assert rows["c.json"]["status"] == "stale"
    assert rows["d.json"][col] == "" and rows["d.json"]["status"] == "invalid"  # an object where a text belongs
    assert "field 'response' is {\"not\": \"text\"}; allowed: a text" in rows["d.json"]["reason"]
    # computed text exercises found in the built pages get a column too
    ex = X.validate_exercise({"id": "figures-text-computed", "type": "text", "prompt": "Why?",
                              "answer": ["Because."], "explanation": "E.", "source": "S."})
    (tmp_path / "page.html").write_text(f"<html><body>{X.static_html(ex)}</body></html>", encoding="utf-8")
    assert "figures-text-computed" in H.load_written(tmp_path)
    assert "figures-text-computed" not in H.load_keys(tmp_path)


def test_a_pipe_in_place_of_an_answers_file_is_malformed_without_blocking(tmp_path):
    """The answers file is read by the one bounded reader (lessons._files): a pipe is refused at
    once, never read (a read from a pipe would wait for a writer forever)."""
    import os
    import threading

    os.mkfifo(tmp_path / "pipe.json")
    out = {}
    worker = threading.Thread(target=lambda: out.update(row=H.grade_file(tmp_path / "pipe.json", {})), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "grading blocked on a pipe"
    assert out["row"]["status"] == "malformed" and "not a regular file" in " ".join(out["row"]["reason"]), out["row"]


def test_duplicates_are_flagged_not_dropped(tmp_path):
    """Walk 8: two identical files from one student gave two ok rows and no warning."""
    d = tmp_path / "in"
    d.mkdir()
    first = _file(d, "ada.json", [_answer("sources-wire-copy", 1)], student="Ada")
    (d / "ada (1).json").write_bytes(first.read_bytes())  # the same download, twice
    _file(d, "ada-again.json", [_answer("sources-wire-copy", 0)], student=" ada ")  # same student, same exercises
    _file(d, "bob.json", [_answer("sources-wire-copy", 1)], student="Bob")
    _file(d, "ben.json", [_answer("sources-wire-copy", 1), _answer("sources-republished", [0])], student="Bob")
    rows = {r["submission"]: r for r in H.gradebook_rows([d], KEYS, WRITTEN)}
    assert rows["ada.json"]["status"] == rows["ada (1).json"]["status"] == "duplicate"
    assert "the same file as ada (1).json" in rows["ada.json"]["reason"]
    assert "the same student and exercises as" in rows["ada-again.json"]["reason"]
    assert "ada.json" in rows["ada-again.json"]["reason"]
    assert rows["ada-again.json"]["status"] == "duplicate"
    # the scores stay: the teacher chooses which file counts
    assert rows["ada.json"]["total"] == 1 and rows["ada-again.json"]["total"] == 0
    # one student, different exercises: two hand-ins, not duplicates
    assert rows["bob.json"]["status"] == rows["ben.json"]["status"] == "ok"


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [
    [sys.executable, "-m", "lessons", "answers"],
    ["make", "--no-print-directory", "-C", str(ROOT), "answers"],
    ["make", "--no-print-directory", "-C", str(ROOT), "grade"],
], ids=["cli", "make-answers", "make-grade"])
def test_a_missing_folder_is_named_and_nothing_is_created(command, tmp_path):
    """Walk 9: `make answers ANSWERS=<typo>` created the folder, wrote an empty gradebook and
    said nothing was wrong (exit 0)."""
    missing = tmp_path / "no such folder"
    arg = ([str(missing)] if command[-1] == "answers" and command[0] != "make"
           else [("ANSWERS=" if command[-1] == "answers" else "SUBMISSIONS=") + str(missing)])
    proc = subprocess.run(command + arg, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode != 0
    assert str(missing) in proc.stderr and "does not exist" in proc.stderr, proc.stderr
    assert list(tmp_path.iterdir()) == []  # no folder, no gradebook


def test_grading_command_refuses_a_missing_submissions_folder(tmp_path, capsys):
    from lessons import grading

    assert grading.main(["grade", str(tmp_path / "gone"), "--autograders", str(tmp_path)]) == 1
    assert f"SUBMISSIONS={tmp_path / 'gone'} does not exist" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_an_out_of_range_option_is_invalid_and_says_what_is_allowed(tmp_path):
    """Walk 9: option 7 of a 4-option question was called 'tampered'. It is an invalid answer:
    the reason names the exercise, the field, the value and what is allowed."""
    n = len(X.get_exercise("sources-wire-copy")["options"])
    p = _file(tmp_path, "gil.json", [dict(_answer("sources-wire-copy", 1), response=n + 3, correct=False,
                                          status="incorrect")], student="Gil")
    row = H.grade_file(p, KEYS, WRITTEN)
    assert row["status"] == "invalid" and row["scores"]["sources-wire-copy"] == 0
    assert row["reason"] == [f"sources-wire-copy: field 'response' is {n + 3}; allowed: an option "
                             f"number from 0 to {n - 1} ({n} options, counted from 0)"]
    multi = [e for e, ex in KEYS.items() if ex["type"] == "multi"][0]
    m = len(KEYS[multi]["options"])
    p = _file(tmp_path, "hal.json", [dict(_answer(multi, [0]), response=[0, m])], student="Hal")
    reason = " ".join(H.grade_file(p, KEYS, WRITTEN)["reason"])
    assert f"{multi}: field 'response' is [0, {m}]; allowed: a list of at most {m} option numbers" in reason


def test_a_duplicate_says_duplicate_once_and_stray_files_are_listed(tmp_path):
    """Walk 9: the screen read 'duplicate: duplicate: ...', and notes.txt was skipped silently."""
    d = tmp_path / "in"
    d.mkdir()
    first = _file(d, "ada.json", [_answer("sources-wire-copy", 1)], student="Ada")
    (d / "ada copy.json").write_bytes(first.read_bytes())
    (d / "notes.txt").write_text("who handed in late", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "lessons", "answers", str(d), "--book", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "duplicate: duplicate" not in proc.stdout
    assert "ada.json: duplicate: the same file as ada copy.json" in proc.stdout, proc.stdout
    assert f"not read: {d / 'notes.txt'}: not an answers file" in proc.stdout, proc.stdout
    assert "gradebook.csv" not in proc.stdout.split("Gradebook:")[0]  # its own gradebook is no stray file


def test_without_out_the_gradebook_goes_beside_the_answers_and_an_old_one_is_kept(folder, tmp_path):
    """Walk 9: without --out the gradebook landed in the current folder, and a second run
    replaced the first one silently."""
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    run = [sys.executable, "-m", "lessons", "answers", str(folder), "--book", str(tmp_path / "none")]
    proc = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = folder / "gradebook.csv"
    assert f"Gradebook: {out}" in proc.stdout and list(elsewhere.iterdir()) == []
    first = out.read_bytes()
    proc = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=elsewhere)
    kept = sorted(folder.glob("gradebook.kept-*.csv"))
    assert len(kept) == 1 and kept[0].read_bytes() == first and out.exists()
    assert f"kept as {kept[0]}" in proc.stdout, proc.stdout
    assert "not read" not in proc.stdout  # neither gradebook is listed as a stray file


def test_one_students_files_for_two_chapters_are_one_row(tmp_path):
    """Review: a student who handed in a file per chapter got two gradebook rows. Files with
    the same name and different exercises are one row with every answer; files with an
    exercise in common stay two rows, each saying so (nothing is lost or chosen for the
    teacher)."""
    d = tmp_path / "in"
    d.mkdir()
    _file(d, "ada-ch1.json", [_answer("sources-wire-copy", 1), _answer("sources-republished", [0, 1])])
    _file(d, "ada-ch2.json", [_answer("figures-six-months-in-days", "183 days"),
                              _answer("figures-explain-detained", "The count grew.")], student=" ADA ")
    _file(d, "bob-1.json", [_answer("sources-wire-copy", 1)], student="Bob")
    _file(d, "bob-2.json", [_answer("sources-wire-copy", 0), _answer("sources-republished", [0])], student="Bob")
    _file(d, "cy.json", [_answer("sources-wire-copy", 1)], student="Cy")
    proc = subprocess.run([sys.executable, "-m", "lessons", "answers", str(d), "--book", str(tmp_path / "none")],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.startswith("5 files, 4 rows (a student's files for different exercises are one row): 4 ok"), proc.stdout
    with open(d / "gradebook.csv", encoding="utf-8", newline="") as fh:
        rows = {r["submission"]: r for r in csv.DictReader(fh)}
    assert set(rows) == {"ada-ch1.json + ada-ch2.json", "bob-1.json", "bob-2.json", "cy.json"}
    ada = rows["ada-ch1.json + ada-ch2.json"]
    expected = {e: H.grade_file(d / f, KEYS, WRITTEN)["scores"][e] for f, e in [
        ("ada-ch1.json", "sources-wire-copy"), ("ada-ch1.json", "sources-republished"),
        ("ada-ch2.json", "figures-six-months-in-days")]}
    assert {e: int(ada[e]) for e in expected} == expected
    assert int(ada["total"]) == sum(expected.values()) and ada["status"] == "ok"
    assert ada[H.written_column("figures-explain-detained")] == "The count grew."
    assert ada["student"] == "Ada" and "2 files of one student" in ada["reason"]
    # an exercise in both of Bob's files: two rows, both scores kept, each names the other
    assert rows["bob-1.json"]["sources-wire-copy"] != rows["bob-2.json"]["sources-wire-copy"]
    assert "the same student as bob-2.json" in rows["bob-1.json"]["reason"]
    assert "the same student as bob-1.json" in rows["bob-2.json"]["reason"]
    assert rows["cy.json"]["reason"] == ""


def test_a_joined_row_keeps_the_worst_status_and_each_files_reasons(tmp_path):
    a = _file(tmp_path, "a.json", [_answer("sources-wire-copy", 1)])
    b = _file(tmp_path, "b.json", [_answer("figures-six-months-in-days", "183 days"),
                                   dict(_answer("sources-republished", [0]), version="0ld")])
    (row,) = H.join_students([H.grade_file(p, KEYS, WRITTEN) for p in (a, b)])
    assert row["submission"] == "a.json + b.json" and row["status"] == "stale"
    assert any(r.startswith("b.json: sources-republished was answered in an older version") for r in row["reason"])
    # a duplicate is not joined with anything
    rows = H.join_students([H.grade_file(p, KEYS, WRITTEN) for p in (a, b)], repeated={1})
    assert [r["submission"] for r in rows] == ["a.json", "b.json"]
