"""Classroom assignments: build them with `otter assign` and grade a folder of submissions.

`make assignments` turns each master notebook in `assignments/<name>/<name>.ipynb` into a student
notebook and an autograder zip under `build/assignments/<name>/`. `make grade SUBMISSIONS=<folder>`
grades every `.ipynb` in the folder with otter's local runner (what `otter run` does, no Docker),
one subprocess per submission with a wall-clock time limit, and writes ONE gradebook CSV:

    submission, assignment, <one column per auto-graded question>, total, possible, status, reason

`status` is `ok` (ran cleanly), `error` (a cell raised; the other answers still count and
`reason` names the first error), `timeout` (killed after the time limit; no scores),
`malformed` (not a readable notebook) or `failed` (grading could not run; `reason` says why).
One bad submission never stops the run.

Grading executes student code. Run it in a throwaway container or VM, or at least as a separate
user with no secrets: the subprocess gets a minimal environment and a temporary working folder,
but that is not a sandbox.
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
DEFAULT_TIMEOUT = 120  # seconds per submission; a normal run takes about 5-10 s
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
    cmd = [_otter(), "assign", str(master), str(target)]
    if not run_tests:
        cmd.append("--no-run-tests")
    done = subprocess.run(cmd, cwd=master.parent, capture_output=True, text=True)
    failed = "❌" in done.stdout or "Test case failed" in done.stdout or "Traceback" in done.stderr
    if done.returncode != 0 or failed:
        raise RuntimeError(f"otter assign {master} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    zips = sorted((target / "autograder").glob(f"{name}-autograder_*.zip"))
    if len(zips) != 1:
        raise RuntimeError(f"otter assign {master}: expected one autograder zip, found {zips}")
    zip_path = target / f"{name}-autograder.zip"
    zips[0].rename(zip_path)
    return {"student": target / "student" / f"{name}.ipynb",
            "solution": target / "autograder" / f"{name}.ipynb",
            "autograder": zip_path}


def build_all(out: Path | str = BUILD_DIR, folder: Path | str | None = None,
              run_tests: bool = True) -> dict[str, dict[str, Path]]:
    """Build every master notebook; return {name: paths}."""
    return {m.stem: build_assignment(m, Path(out), run_tests=run_tests) for m in masters(folder)}


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
    question, part, setup_names = None, None, []
    for i, cell in enumerate(nb.cells):
        text = cell.source.strip()
        if cell.cell_type == "raw":
            if text.startswith("# BEGIN QUESTION"):
                question = _question_config(text)["name"]
                found[question] = {}
            elif text == "# END QUESTION":
                question = None
            elif text.startswith("# BEGIN "):
                part = text.removeprefix("# BEGIN ").lower()
            elif text.startswith("# END "):
                part = None
            continue
        if cell.cell_type != "code" or part not in (None, "solution"):
            continue
        exec(compile(cell.source, f"{master.name}, cell {i}", "exec"), scope)  # noqa: S102 (our own masters)
        for node in ast.parse(cell.source).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            for name in (t.id for t in targets if isinstance(t, ast.Name) and not t.id.startswith("_")):
                if question is not None and part == "solution" and not _is_literal(node.value):
                    found[question][name] = scope[name]
                elif question is None and name.isupper():
                    found["_setup"][name] = scope[name]
    return found


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
# Grading one submission
# ----------------------------------------------------------------------------------


@dataclass
class Row:
    submission: str
    assignment: str = ""
    status: str = "failed"
    reason: str = ""
    scores: dict[str, float] = field(default_factory=dict)
    possible: float | None = None
    seconds: float = 0.0

    @property
    def total(self) -> float | None:
        return round(sum(self.scores.values()), 4) if self.scores else None


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_REASON else text[: _MAX_REASON - 1] + "…"


def read_submission(path: Path) -> tuple[dict | None, str]:
    """(notebook JSON, "") for a readable notebook, else (None, why it is malformed)."""
    import nbformat

    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return None, f"cannot read the file: {e}"
    try:
        nb = json.loads(raw)
    except json.JSONDecodeError as e:
        return None, f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
    if not isinstance(nb, dict) or "cells" not in nb:
        return None, "valid JSON but not a notebook (no 'cells')"
    try:
        nbformat.validate(nbformat.reads(raw, as_version=4))
    except Exception as e:  # nbformat raises several types
        return None, f"not a valid notebook: {_short(e)}"
    return nb, ""


def assignment_of(nb: dict) -> str | None:
    """The assignment name `otter assign` stored in the notebook's metadata, if any."""
    metadata = nb.get("metadata") if isinstance(nb, dict) else None
    otter = metadata.get("otter") if isinstance(metadata, dict) else None
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    return name if isinstance(name, str) else None


def _safe_env(home: Path) -> dict[str, str]:
    """A minimal environment for student code: no tokens or credentials from ours."""
    env = {"PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/bin", "/bin"]),
           "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg"}
    for keep in ("LESSONS_DATA", "SYSTEMROOT"):
        if keep in os.environ:
            env[keep] = os.environ[keep]
    return env


def _kill_tree(pid: int) -> None:
    """Kill a process and all its descendants (the Jupyter kernel runs in its own session)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=10)


def grade_one(path: Path | str, autograder: Path | str, timeout: float = DEFAULT_TIMEOUT,
              assignment: str = "") -> Row:
    """Grade one notebook in a subprocess with a time limit. Never raises for a bad submission."""
    path = Path(path)
    row = Row(submission=path.name, assignment=assignment)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lessons-grade-") as tmp:
        tmp = Path(tmp)
        result_file = tmp / "result.json"
        # otter's init cell opens the notebook by its assigned name: students often rename files.
        name = assignment or Path(autograder).name.removesuffix("-autograder.zip")
        (tmp / "submission").mkdir()
        copy = shutil.copy(path, tmp / "submission" / f"{name}.ipynb")
        cmd = [sys.executable, "-m", "lessons.grading", "_one", str(copy),
               str(Path(autograder).resolve()), str(result_file)]
        proc = subprocess.Popen(cmd, cwd=tmp, env=_safe_env(tmp), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, errors="replace")
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(proc.pid)
            proc.communicate()
            row.status, row.reason = "timeout", f"still running after {timeout:g} s; stopped"
            row.seconds = round(time.monotonic() - started, 1)
            return row
        row.seconds = round(time.monotonic() - started, 1)
        if not result_file.exists():
            tail = [line for line in (log or "").splitlines() if line.strip()][-3:]
            row.status, row.reason = "failed", _short(f"the grader stopped (exit {proc.returncode}): "
                                                      + " | ".join(tail))
            return row
        result = json.loads(result_file.read_text())
    if result.get("failure"):
        row.status, row.reason = "failed", _short(result["failure"])
        return row
    row.scores = {q: float(s) for q, s in result["scores"].items()}
    row.possible = float(result["possible"])
    if result["errors"]:
        row.status, row.reason = "error", _short(result["errors"][0])
    else:
        row.status, row.reason = "ok", ""
    return row


def _grade_in_child(submission: str, autograder: str, result_file: str) -> None:
    """Runs in the subprocess: otter's local runner, then a small JSON for the parent."""
    import contextlib
    import io

    from otter.run import main as otter_run

    out: dict = {}
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            results = otter_run(submission, autograder=autograder, output_dir=None, no_logo=True)
        if results.has_catastrophic_failure():
            out["failure"] = f"otter could not grade it: {results.catastrophic_error}"
        else:
            out["scores"] = {name: results.get_score(name) for name in sorted(results.test_files)}
            out["possible"] = results.possible
            out["errors"] = _cell_errors(results.notebook)
    except Exception as e:  # report, never crash the batch
        out = {"failure": f"{type(e).__name__}: {e}"}
    Path(result_file).write_text(json.dumps(out))


def _cell_errors(nb) -> list[str]:
    """'Name: message (in the cell that starts "...")' for each cell that raised."""
    errors = []
    for cell in (nb.cells if nb is not None else []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first = next((line.strip() for line in cell.get("source", "").splitlines() if line.strip()), "")
                errors.append(f"{output.get('ename')}: {output.get('evalue')} (in the cell that starts {first[:60]!r})")
    return errors


# ----------------------------------------------------------------------------------
# Grading a folder
# ----------------------------------------------------------------------------------


def find_autograders(folder: Path | str = BUILD_DIR) -> dict[str, Path]:
    """{assignment name: autograder zip} found under a build folder."""
    return {p.name.removesuffix("-autograder.zip"): p
            for p in sorted(Path(folder).glob("*/*-autograder.zip"))}


def grade_folder(submissions: Path | str, autograders: Path | str | dict = BUILD_DIR,
                 out_csv: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 jobs: int = 1, assignment: str | None = None, progress=None) -> list[dict]:
    """Grade every `.ipynb` in `submissions`; write one gradebook CSV; return its rows.

    The assignment of each submission is read from its metadata (`otter.assignment_name`);
    pass `assignment` to force one (for notebooks whose metadata was lost).
    """
    folder = Path(submissions)
    if not folder.is_dir():
        raise FileNotFoundError(f"SUBMISSIONS={folder} is not a folder")
    zips = autograders if isinstance(autograders, dict) else find_autograders(autograders)
    if not zips:
        raise FileNotFoundError(f"no autograder zips under {autograders}: run `make assignments` first")
    paths = sorted(p for p in folder.glob("*.ipynb") if p.is_file())

    def work(path: Path) -> Row:
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
                return Row(submission=path.name, assignment=name, status="failed",
                           reason=f"no autograder for assignment '{name}' (have: {', '.join(zips)})")
            row = grade_one(path, zips[name], timeout=timeout, assignment=name)
        except Exception as e:  # never stop the batch
            row = Row(submission=path.name, status="failed", reason=_short(f"{type(e).__name__}: {e}"))
        if progress:
            progress(row)
        return row

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        rows = list(pool.map(work, paths))

    questions: dict[str, dict[str, float]] = {}
    for name in sorted({r.assignment for r in rows if r.assignment in zips}):
        questions[name] = autograded_questions(zips[name])
    columns = [q for name in questions for q in questions[name]]
    columns = list(dict.fromkeys(columns))
    records = []
    for r in rows:
        possible = r.possible
        if possible is None and r.assignment in questions:
            possible = sum(questions[r.assignment].values())
        record = {"submission": r.submission, "assignment": r.assignment}
        for q in columns:
            record[q] = _fmt(r.scores.get(q)) if r.scores else ""
        record.update({"total": _fmt(r.total), "possible": _fmt(possible),
                       "status": r.status, "reason": r.reason})
        records.append(record)
    if out_csv:
        out_csv = Path(out_csv)
        out_csv.parent.mkdir(parents=True, exist_ok=True)
        header = ["submission", "assignment", *columns, "total", "possible", "status", "reason"]
        with out_csv.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(records)
    return records


def _fmt(value) -> str:
    if value is None:
        return ""
    value = round(float(value), 2)
    return str(int(value)) if value.is_integer() else str(value)


# ----------------------------------------------------------------------------------
# Command line (used by the Makefile)
# ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_one"]:
        _grade_in_child(*argv[1:4])
        return 0
    parser = argparse.ArgumentParser(prog="python -m lessons.grading", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assign", help="build student notebooks and autograder zips")
    a.add_argument("--out", default=str(BUILD_DIR))
    a.add_argument("--no-run-tests", action="store_true", help="skip checking the solutions")
    g = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    g.add_argument("submissions")
    g.add_argument("--autograders", default=str(BUILD_DIR))
    g.add_argument("--out", default=None, help="gradebook CSV (default: <submissions>/gradebook.csv)")
    g.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    g.add_argument("--jobs", type=int, default=2)
    g.add_argument("--assignment", default=None)
    args = parser.parse_args(argv)

    if args.command == "assign":
        for name, paths in build_all(args.out, run_tests=not args.no_run_tests).items():
            print(f"{name}: student notebook {paths['student']}\n{' ' * len(name)}  autograder {paths['autograder']}")
        return 0

    out = Path(args.out) if args.out else Path(args.submissions) / "gradebook.csv"

    def progress(row: Row) -> None:
        print(f"  {row.submission}: {row.status} {_fmt(row.total)} {row.reason}".rstrip(), flush=True)

    rows = grade_folder(args.submissions, args.autograders, out, timeout=args.timeout, jobs=args.jobs,
                        assignment=args.assignment, progress=progress)
    counts = {s: sum(r["status"] == s for r in rows) for s in STATUSES}
    print(f"Graded {len(rows)} notebook(s): " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    print(f"Gradebook: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
