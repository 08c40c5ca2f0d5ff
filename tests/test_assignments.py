"""Assignments (otter-grader): masters build and their solutions pass every test, hidden tests and
solutions never reach students, blank notebooks fail, and grading a folder of planted submissions
gives exactly the expected gradebook, and the committed student notebooks (for Binder) are what
`make assignments` builds. Planted submissions are generated here, never committed; the hostile
ones are in test_grading_isolation.py.

About three minutes: `otter assign` checks each master's solutions (~15 s each) and one batch of
sandboxed runs (~5-15 s each, two at a time) plus one submission that loops until the time limit."""

import csv
import json
import os
import re
import signal
import zipfile

import nbformat
import pytest
import yaml

from lessons import grading

ROOT = grading.REPO_ROOT
MASTERS = grading.masters()
NAMES = [m.stem for m in MASTERS]
LOOP_TIMEOUT = 60  # CPU seconds; a normal submission takes 5-20 s on a busy two-core machine


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build every assignment; otter assign runs the solutions against all tests and we fail if any fails."""
    return grading.build_all(tmp_path_factory.mktemp("assignments"))


def test_every_skill_has_an_assignment():
    assert set(NAMES) == {"figures", "language", "compare", "capstone"}
    for master in MASTERS:
        nb = nbformat.read(master, as_version=4)
        assert nb.cells[0].cell_type == "raw" and nb.cells[0].source.startswith("# ASSIGNMENT CONFIG")
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{master}: strip outputs"
        kinds = {q["manual"] for q in grading.questions(master)}
        assert kinds == {True, False}, f"{master.name}: mix auto-graded and free-response questions"


def test_rubrics_cover_every_free_response():
    rubrics = yaml.safe_load((ROOT / "assignments" / "rubrics.yml").read_text())
    manual = {q["name"]: (m.stem, q["points"]) for m in MASTERS for q in grading.questions(m) if q["manual"]}
    assert set(rubrics) == set(manual)
    for name, rubric in rubrics.items():
        assert rubric["assignment"] == manual[name][0]
        points = [level["points"] for level in rubric["levels"]]
        assert points[0] == manual[name][1], f"{name}: top level must be worth the question's points"
        assert points == sorted(points, reverse=True) and points[-1] == 0
        assert all(level["descriptor"].strip() and level["example"].strip() for level in rubric["levels"])


def test_key_values_show_what_the_solutions_compute():
    """The teacher's keys print computed answers and the set-up lists that some questions grade."""
    figures = grading.key_values(ROOT / "assignments" / "figures" / "figures.ipynb")
    detained = figures["detained"]["detained"]
    assert isinstance(detained, list) and len(detained) >= 2 and detained == sorted(set(detained))
    assert "eighteens" not in figures["eighteens"], "a typed literal is already readable in the code"
    language = grading.key_values(ROOT / "assignments" / "language" / "language.ipynb")
    assert len(language["_setup"]["SENTENCES"]) == 4 and "_crowd" not in language["top_quoted_label"]
    capstone = grading.key_values(ROOT / "assignments" / "capstone" / "capstone.ipynb")
    assert set(capstone["my_counts"]) == {"my_hedged", "my_reporter_terms"}


def test_build_writes_student_notebook_and_autograder(built):
    assert set(built) == set(NAMES)
    for name, paths in built.items():
        assert paths["student"].name == f"{name}.ipynb" and paths["autograder"].exists()
        auto = {q["name"] for q in grading.questions(ROOT / "assignments" / name / f"{name}.ipynb") if not q["manual"]}
        assert set(grading.autograded_questions(paths["autograder"])) == auto


def test_committed_student_notebooks_are_up_to_date(built):
    """`assignments/student/<name>.ipynb` (what Binder opens) equals what `make assignments` builds."""
    committed = sorted(p.stem for p in grading.STUDENT_DIR.glob("*.ipynb"))
    assert committed == sorted(built), "run `make assignments` and commit assignments/student/"
    for name, paths in built.items():
        fresh = json.loads(paths["student"].read_text())
        assert json.loads((grading.STUDENT_DIR / f"{name}.ipynb").read_text()) == fresh, \
            f"assignments/student/{name}.ipynb is stale: run `make assignments` and commit it"
        sources = [c["source"] for c in nbformat.read(paths["student"], as_version=4).cells]
        assert any("from lessons.selfcheck import Notebook" in src for src in sources)
        assert not any("otter.Notebook" in src for src in sources)


@pytest.mark.parametrize("where", ["built", "committed"])
def test_hidden_tests_and_solutions_never_reach_students(built, where):
    for name, paths in built.items():
        student_path = paths["student"] if where == "built" else grading.STUDENT_DIR / f"{name}.ipynb"
        student_text = student_path.read_text()
        student = json.loads(student_text)
        public = student["metadata"]["otter"]["tests"]
        hidden_cases = []
        with zipfile.ZipFile(paths["autograder"]) as z:
            for member in z.namelist():
                if member.startswith("tests/"):
                    scope = {}
                    exec(z.read(member).decode(), scope)
                    hidden_cases += [c["code"] for s in scope["test"]["suites"] for c in s["cases"] if c["hidden"]]
        assert hidden_cases, f"{name}: every assignment has hidden tests"
        for q in public.values():
            assert not any(c["hidden"] for s in q["suites"] for c in s["cases"]), f"{name}: hidden case in metadata"
        for code in hidden_cases:
            assert code.strip() not in student_text and json.dumps(code)[1:-1] not in student_text
        sources = "\n".join(c["source"] if isinstance(c["source"], str) else "".join(c["source"])
                            for c in student["cells"])
        for line in _solution_lines(ROOT / "assignments" / name / f"{name}.ipynb"):
            assert line not in sources, f"{name}: solution line {line!r} leaked to students"
        assert "Made-up example" not in sources, f"{name}: the sample article is the capstone's solution"
        assert "Marked by your teacher" not in student_text, f"{name}: free-response solution leaked"


def _solution_lines(master):
    """Lines of the master's solutions that assign an answer (marked `# SOLUTION` or in a block)."""
    lines = []
    for cell in nbformat.read(master, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        block = False
        for line in cell.source.splitlines():
            if line.startswith("# BEGIN SOLUTION"):
                block = True
            elif line.startswith("# END SOLUTION"):
                block = False
            elif (block or line.rstrip().endswith("# SOLUTION")) and " = " in line \
                    and not line.rstrip().endswith(('{', '[', '(', '"""')):  # openers also begin prompts
                lines.append(line.replace("# SOLUTION", "").strip())
    assert lines, f"{master}: no solutions found"
    return lines


def _answer_cell(nb, variable):
    for cell in nb.cells:
        if cell.cell_type == "code" and re.match(rf"\s*{variable}\s*=", cell.source):
            return cell
    raise AssertionError(f"no cell assigns {variable}")


def test_grading_a_folder_gives_the_expected_gradebook(built, tmp_path):
    """Solutions score full marks, blanks score zero on every auto-graded question, and each
    planted failure becomes one row with its status; the batch never stops."""
    subs = tmp_path / "submissions"
    subs.mkdir()
    for name, paths in built.items():
        (subs / f"{name}_solution.ipynb").write_text(paths["solution"].read_text())
        (subs / f"{name}_blank.ipynb").write_text(paths["student"].read_text())
    solution = nbformat.read(built["figures"]["solution"], as_version=4)

    partly = nbformat.from_dict(json.loads(json.dumps(solution)))
    _answer_cell(partly, "price_cap").source = 'price_cap = "differs"'
    nbformat.write(partly, subs / "partly_correct.ipynb")

    raises = nbformat.from_dict(json.loads(json.dumps(solution)))
    _answer_cell(raises, "dozens").source = 'dozens = int("a dozen")'
    nbformat.write(raises, subs / "raises.ipynb")

    loops = nbformat.from_dict(json.loads(json.dumps(solution)))
    _answer_cell(loops, "eighteens").source = "while True:\n    pass"
    nbformat.write(loops, subs / "loops_forever.ipynb")

    (subs / "malformed.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "x = 1"')
    wrong = nbformat.from_dict(json.loads(json.dumps(solution)))
    wrong.metadata["otter"]["assignment_name"] = "homework-from-another-course"
    nbformat.write(wrong, subs / "other_assignment.ipynb")
    (subs / "notes.txt").write_text("not a notebook: ignored")

    zips = {n: p["autograder"] for n, p in built.items()}
    out = tmp_path / "gradebook.csv"
    grading.grade_folder(subs, zips, out, timeout=LOOP_TIMEOUT, jobs=2)
    with out.open() as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
        header = rows and list(next(iter(rows.values())))

    points = {n: grading.autograded_questions(z) for n, z in zips.items()}
    questions = [q for n in sorted(points) for q in points[n]]
    written = [f"written: {q}" for n in sorted(points) for q in grading.manual_questions(n)]
    assert written, "the assignments have free responses: each gets a column to read and mark"
    assert header == ["submission", "assignment", *questions, "total", "possible", "status", "reason", "isolation",
                      *written]

    def fmt(x):
        return str(int(x)) if float(x).is_integer() else str(x)

    def row(sub, name, scores, status, reason="", isolation="sandbox"):
        cells = {q: "" for q in questions}
        cells.update({q: fmt(v) for q, v in scores.items()})
        total = fmt(sum(scores.values())) if scores else ""
        possible = fmt(sum(points[name].values())) if name in points else ""
        return {"submission": sub, "assignment": name, **cells, "total": total, "possible": possible,
                "status": status, "reason": reason, "isolation": isolation, **dict.fromkeys(written, "")}

    fig = points["figures"]
    expected = {}
    for name in points:
        expected[f"{name}_solution.ipynb"] = row(f"{name}_solution.ipynb", name, points[name], "ok")
        expected[f"{name}_blank.ipynb"] = row(f"{name}_blank.ipynb", name, dict.fromkeys(points[name], 0), "ok")
    expected["partly_correct.ipynb"] = row("partly_correct.ipynb", "figures", {**fig, "price_cap": 0}, "ok")
    expected["raises.ipynb"] = row("raises.ipynb", "figures", {**fig, "dozens": 0}, "error",
                                   "ValueError (in the cell that starts 'dozens = int(\"a dozen\")')")
    expected["loops_forever.ipynb"] = row("loops_forever.ipynb", "figures", {}, "timeout",
                                          f"used more than {LOOP_TIMEOUT} s of CPU time; stopped")
    expected["malformed.ipynb"] = row("malformed.ipynb", "", {}, "malformed", rows["malformed.ipynb"]["reason"],
                                      "not run")
    assert rows["malformed.ipynb"]["reason"].startswith("not valid JSON")
    expected["other_assignment.ipynb"] = row(
        "other_assignment.ipynb", "homework-from-another-course", {}, "failed",
        "no autograder for assignment 'homework-from-another-course' (have: capstone, compare, figures, language)",
        "not run")
    assert rows == expected


def test_read_submission_rejects_what_is_not_a_notebook(tmp_path):
    cases = {"truncated.ipynb": '{"cells": [', "list.ipynb": "[1, 2]", "latin1.ipynb": b"\xff\xfe{}",
             "nocells.ipynb": '{"metadata": {}}'}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        nb, why = grading.read_submission(path)
        assert nb is None and why, name
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), good)
    assert grading.read_submission(good)[0] is not None
    big = tmp_path / "big.ipynb"
    with open(big, "wb") as f:
        f.truncate(grading._MAX_SUBMISSION + 1)  # sparse
    assert grading.read_submission(big) == (None, f"larger than {grading._MAX_SUBMISSION // 2**20} MB")
    os.mkfifo(tmp_path / "pipe.ipynb")  # refused at once by the bounded reader, never read (it would block)
    assert grading.read_submission(tmp_path / "pipe.ipynb") == (
        None, "cannot read the file: it is not a regular file (a pipe, socket or device?)")


_ZMQ_NOISE = ("[IPKernelApp] WARNING | Kernel is running over TCP without encryption.\n"
              "ERROR:tornado.general:Uncaught exception in ZMQStream callback\n"
              "Traceback (most recent call last):\n"
              '  File "zmqstream.py", line 585, in _log_error\n'
              "    f.result()\n"
              "zmq.error.ZMQError: Socket operation on non-socket\n")


def test_kernel_shutdown_noise_is_not_a_failed_build():
    """otter's kernel can log a ZMQ traceback when it shuts down on a loaded machine: not a
    failing solution. The build is judged by otter's exit code and its own report."""
    passed = f"[INFO otter.assign.main] Running tests\n{_ZMQ_NOISE}[INFO otter.assign.main] {grading.OTTER_PASSED}\n"
    assert grading.build_problem(0, passed) is None
    assert grading.build_problem(0, _ZMQ_NOISE, run_tests=False) is None
    failed = _ZMQ_NOISE + "RuntimeError: Some autograder tests failed in the autograder notebook:\n    ❌ Test case failed\n"
    assert grading.build_problem(1, failed) == "otter assign exited with 1"
    assert "did not report" in grading.build_problem(0, _ZMQ_NOISE)  # no word that the tests passed


def _tiny_master(folder, solution: str):
    """A one-question master notebook whose test wants x == 2 (the solution sets x)."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

    config = ("# ASSIGNMENT CONFIG\nname: tiny\ninit_cell: true\ncheck_all_cell: false\nexport_cell: false\n"
              "run_tests: true\ngenerate:\n  pdf: false\ntests:\n  files: false\n  ok_format: true")
    cells = [new_raw_cell(config), new_raw_cell("# BEGIN QUESTION\nname: q1"), new_markdown_cell("Set x to 2."),
             new_raw_cell("# BEGIN SOLUTION"), new_code_cell(f"x = {solution}  # SOLUTION"), new_raw_cell("# END SOLUTION"),
             new_raw_cell("# BEGIN TESTS"), new_code_cell("assert x == 2"), new_raw_cell("# END TESTS"),
             new_raw_cell("# END QUESTION")]
    nb = new_notebook(cells=cells, metadata=nbformat.read(MASTERS[0], as_version=4).metadata)
    path = folder / "tiny" / "tiny.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_a_failing_solution_fails_the_build(tmp_path):
    """otter assign runs the solutions against the tests: a wrong solution stops the build with
    otter's report; the right one builds (about 20 s each)."""
    with pytest.raises(RuntimeError, match=r"(?s)exited with 1.*Test case failed"):
        grading.build_assignment(_tiny_master(tmp_path / "wrong", "3"), tmp_path / "out_wrong")
    paths = grading.build_assignment(_tiny_master(tmp_path / "right", "2"), tmp_path / "out_right")
    assert paths["autograder"].exists()


def test_grading_with_a_relative_autograder_folder(tmp_path, monkeypatch):
    """`make grade` passes `--autograders build/assignments`, relative to the repository, and the
    scorer runs in another folder: a right answer must still be scored (about 30 s)."""
    paths = grading.build_assignment(_tiny_master(tmp_path / "masters", "2"), tmp_path / "build")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "student.ipynb").write_text(paths["solution"].read_text())
    monkeypatch.chdir(tmp_path)
    rows = grading.grade_folder("subs", "build", "gradebook.csv", timeout=LOOP_TIMEOUT)
    assert [(r["status"], r["total"]) for r in rows] == [("ok", "1")], rows


def test_read_submission_refuses_a_link_or_a_pipe(tmp_path):
    """A student's zip can hold a symbolic link: to the master notebook (full marks) or to any
    file of the teacher's. A pipe would block the grader. Neither is read."""
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), good)
    (tmp_path / "link.ipynb").symlink_to(good)
    os.mkfifo(tmp_path / "pipe.ipynb")
    nb, why = grading.read_submission(tmp_path / "link.ipynb")
    assert nb is None and "symbolic link" in why
    def blocked(signum, frame):
        raise AssertionError("opening the pipe blocked")

    old = signal.signal(signal.SIGALRM, blocked)
    signal.alarm(20)
    try:
        nb, why = grading.read_submission(tmp_path / "pipe.ipynb")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert nb is None and "not a regular file" in why
    assert grading.read_submission(good)[0] is not None


def test_progress_lines_cannot_be_faked_by_a_file_name():
    """A name with a line break, an escape sequence or a bidi override is shown escaped."""
    shown = grading.printable("alice.ipynb: ok 10\n  bob\x1b[2K\u202egpj.ipynb")
    assert "\n" not in shown and "\x1b" not in shown and "\u202e" not in shown
    assert shown == "alice.ipynb: ok 10\\n  bob\\x1b[2K\\u202egpj.ipynb"
    assert grading.printable("café – ok") == "café – ok"
