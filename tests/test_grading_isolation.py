"""Grading that a student cannot cheat, break or use to read the teacher's files (issue 13).

Planted hostile submissions, one for each attack seen on the old grader, graded in one batch with
honest ones (TIMEOUT=40, JOBS=2). Asserts: a planted secret and the host's /etc/passwd appear
nowhere in the gradebook or the grader's output; every honest row has its true score; no hostile
row scores more than its honest answers earn; the batch ends in bounded time; nothing touches
another submission or the gradebook after the run. Also: the sandbox itself (what a notebook can
see), the strict plain-data codec, and the students' self-check messages.

About two minutes: one `otter assign` (figures, without re-running its tests) and about twenty
sandboxed runs, two at a time.
"""

import csv
import json
import secrets
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons import grading, plaindata, sandbox
from lessons.selfcheck import CheckResult, Notebook

TIMEOUT = 40  # CPU seconds (the wall-clock limit is grading.WALL_FACTOR times more); an honest
# notebook takes 5-15 s in the sandbox on a busy two-core machine, a few seconds of CPU
JOBS = 2
FIGURES = grading.MASTERS_DIR / "figures" / "figures.ipynb"
HOST_PASSWD = open("/etc/passwd").read()


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    return grading.build_assignment(FIGURES, tmp_path_factory.mktemp("built"), run_tests=False)


def _with_cell(source_nb, code):
    nb = nbformat.read(source_nb, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(textwrap.dedent(code)))
    return nb


def test_sandbox_is_available_here():
    """CI and this machine must really sandbox: otherwise every test below proves less."""
    mode, why = sandbox.isolation()
    assert mode in ("root", "user"), why


def test_sandbox_hides_the_teachers_files_and_the_network(tmp_path):
    secret = tmp_path / "teacher" / "id_ed25519"
    secret.parent.mkdir()
    secret.write_text("SECRET-" + secrets.token_hex(8))
    secret.chmod(0o644)
    work = tmp_path / "work"
    work.mkdir()
    sandbox.write_etc(tmp_path / "etc", sandbox.SANDBOX_UID)
    probe = textwrap.dedent(f"""
        import os, socket, json
        out = {{}}
        for name, path in [("secret", {str(secret)!r}), ("masters", {str(grading.MASTERS_DIR)!r}),
                           ("build", {str(grading.BUILD_DIR)!r}), ("tmp_parent", {str(tmp_path)!r})]:
            out[name] = os.path.exists(path)
        out["passwd"] = open("/etc/passwd").read()
        try:
            socket.create_connection(("127.0.0.1", 22), timeout=1); out["net"] = True
        except OSError:
            out["net"] = False
        try:
            open({str(tmp_path / "escaped")!r}, "w"); out["wrote_outside"] = True
        except OSError:
            out["wrote_outside"] = False
        open("mine.txt", "w").write("ok")
        out["pids"] = len([p for p in os.listdir("/proc") if p.isdigit()])
        print(json.dumps(out))
    """)
    mode, _ = sandbox.isolation()
    cmd = sandbox.bwrap_command(sandbox.bwrap_binary(), mode, work, tmp_path / "etc",
                                [sys.executable, "-I", "-c", probe], {"PATH": "/usr/bin:/bin"})
    outcome = sandbox.run_bounded(cmd, 30, 100_000)
    seen = json.loads(outcome.output)
    assert seen["secret"] is False and seen["masters"] is False and seen["build"] is False
    assert seen["tmp_parent"] is False and seen["net"] is False and seen["wrote_outside"] is False
    assert seen["passwd"].startswith("student:") and seen["passwd"] != HOST_PASSWD
    assert seen["pids"] <= 3, "a new PID namespace shows only the sandbox's own processes"
    assert (work / "mine.txt").read_text() == "ok" and not (tmp_path / "escaped").exists()


def test_run_bounded_kills_children_that_hold_the_pipe():
    """A child that detaches and keeps stdout open cannot hold the caller past the time limit."""
    code = "import subprocess, sys; subprocess.Popen(['sleep', '60'], start_new_session=True); print('x')"
    started = time.monotonic()
    outcome = sandbox.run_bounded([sys.executable, "-c", code], timeout=5, limit=1000)
    assert time.monotonic() - started < 9 and outcome.output.startswith(b"x")


def test_the_time_limit_is_cpu_time_of_the_whole_process_tree():
    """An endless loop, in the process or in a child it starts, stops at the CPU limit; a process
    that waits uses no CPU time and is not stopped by it (only by the wall-clock limit)."""
    loop = [sys.executable, "-c", "while True: pass"]
    child_loop = [sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-c', 'while True: pass'])"]
    for cmd in (loop, child_loop):
        started = time.monotonic()
        outcome = sandbox.run_bounded(cmd, timeout=120, limit=1000, cpu_limit=2)
        assert outcome.timed_out and outcome.limit == "cpu", outcome
        assert 2 <= outcome.cpu_seconds < 10 and time.monotonic() - started < 120
    waits = sandbox.run_bounded([sys.executable, "-c", "import time; time.sleep(3); print('done')"],
                                timeout=60, limit=1000, cpu_limit=1)
    assert not waits.timed_out and waits.limit == "" and waits.output == b"done\n", waits
    sleeps = sandbox.run_bounded([sys.executable, "-c", "import time; time.sleep(60)"], timeout=2, limit=1000, cpu_limit=30)
    assert sleeps.timed_out and sleeps.limit == "wall", sleeps


def test_a_detached_grandchild_is_counted_and_killed():
    """A notebook forks a child that forks again and exits at once (the grandchild is orphaned),
    then only waits: the grader's runner keeps orphans in its tree (a child subreaper), so the
    grandchild's CPU time counts against the limit, and the runner kills what is left."""
    code = (
        "import os, sys, time\n"
        "from lessons._sandbox_run import _keep_orphans\n"
        "_keep_orphans()\n"
        "if os.fork() == 0:\n"
        "    if os.fork() == 0:\n"
        "        while True: pass\n"
        "    os._exit(0)\n"
        "os.wait()\n"
        "time.sleep(60)\n")
    started = time.monotonic()
    outcome = sandbox.run_bounded([sys.executable, "-c", code], timeout=50, limit=1000, cpu_limit=2)
    assert outcome.timed_out and outcome.limit == "cpu", outcome
    assert time.monotonic() - started < 40


def test_the_runner_kills_what_the_notebook_left_running(tmp_path):
    """Processes a notebook starts and leaves running (detached in their own session too) are
    killed when the runner ends, so none outlives the grading."""
    import psutil

    from lessons import _sandbox_run

    pidfile = tmp_path / "pid"
    code = ("import subprocess, sys\n"
            "from lessons._sandbox_run import _keep_orphans, _kill_descendants\n"
            "_keep_orphans()\n"
            f"p = subprocess.Popen(['sleep', '120'], start_new_session=True)\n"
            f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
            "_kill_descendants()\n")
    assert callable(_sandbox_run._kill_descendants)
    subprocess.run([sys.executable, "-c", code], timeout=60, check=True)
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie":
        time.sleep(0.1)
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"


_DETACH_AND_EXIT = """
import os, time
pid = os.fork()
if pid == 0:
    os.setsid()  # its own session: out of the runner's process group
    if os.fork() == 0:
        time.sleep(120)
    os._exit(0)
os.waitpid(pid, 0)
"""


def _wait_gone(pid: int, seconds: float = 10) -> bool:
    import psutil

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        time.sleep(0.1)
    return False


def _kill(pid: int) -> None:
    import os
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def test_unsandboxed_runs_leave_no_process_behind_after_os_exit(tmp_path):
    """Without a sandbox, a notebook that starts a detached process (a double fork into a
    session of its own) and then ends the runner with os._exit, so that the runner cannot
    clean up, leaves nothing running: lessons._reap kills it."""
    import psutil

    pidfile = tmp_path / "pid"
    code = (_DETACH_AND_EXIT.replace("time.sleep(120)", f"open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(120)")
            + "time.sleep(1)\nos._exit(0)\n")
    outcome = sandbox.run_bounded(grading.unsandboxed_command([sys.executable, "-c", code]), timeout=30, limit=1000)
    pid = int(pidfile.read_text())
    try:
        assert _wait_gone(pid), f"process {pid} ({psutil.Process(pid).cmdline()}) outlived the run"
        assert not outcome.timed_out and outcome.returncode == 0, outcome
    finally:
        _kill(pid)


def test_at_a_time_limit_the_reaper_kills_a_detached_walker_first(tmp_path):
    """At the time limit the grader sends the reaper SIGTERM before it kills the group, so a
    detached process that keeps forking a child and exiting (its pid changes every few ms)
    does not outlive the run (before: the group kill took the reaper first, and the walker's
    new children went to init). The walker stops itself after 8 s whatever happens."""
    beat = tmp_path / "beat"
    runner = tmp_path / "runner.py"
    runner.write_text(
        "import os, time\nSTOP = time.time() + 8\n"
        "if os.fork() == 0:\n    os.setsid()\n    while time.time() < STOP:\n"
        f"        open({str(beat)!r}, 'w').write('x')\n        time.sleep(0.002)\n"
        "        if os.fork() != 0:\n            os._exit(0)\n    os._exit(0)\ntime.sleep(60)\n")
    outcome = sandbox.run_bounded(grading.unsandboxed_command([sys.executable, str(runner)]), 2.0, 1000)
    ended = time.time()
    time.sleep(1.0)
    assert outcome.timed_out, outcome
    assert beat.stat().st_mtime < ended + 0.5, "the walker kept running after the run was killed"


_ONE_VANISHES = textwrap.dedent("""
    import os, sys, time
    import psutil
    from lessons import _reap
    sleeper = os.fork()
    if sleeper == 0:
        time.sleep(30)
        os._exit(0)
    time.sleep(0.1)
    real, calls = psutil.Process.status, [0]
    def status(self):
        calls[0] += 1
        if calls[0] == 1:  # the first descendant listed 'has just ended'
            raise psutil.NoSuchProcess(self.pid)
        return real(self)
    psutil.Process.status = status
    killed = _reap.kill_descendants()
    psutil.Process.status = real
    try:
        os.kill(sleeper, 0)
        alive = True
    except ProcessLookupError:
        alive = False  # killed and reaped
    print(killed, alive)
    if alive:
        os.kill(sleeper, 9)
""")


def test_the_reaper_kills_the_others_when_one_descendant_ends_while_listed():
    """A descendant that ends between the listing and its status check is left out, not a
    reason to kill nothing (before: one psutil error emptied the whole list). Run in a child
    process: the reaper kills every descendant of the process it runs in."""
    out = subprocess.run([sys.executable, "-c", _ONE_VANISHES], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    killed, alive = out.stdout.split()
    assert int(killed) >= 1 and alive == "False", out.stdout


def test_grading_without_a_sandbox_kills_what_a_notebook_leaves_running(figures, tmp_path):
    """`make grade ISOLATION=none`: the same notebook, graded. No process of it survives."""
    pidfile = tmp_path / "pid"
    cell = (_DETACH_AND_EXIT.replace("time.sleep(120)", f"open({str(pidfile)!r}, 'w').write(str(os.getpid())); time.sleep(120)")
            + "time.sleep(1)\nos._exit(0)\n")
    nbformat.write(_with_cell(figures["solution"], cell), tmp_path / "detach.ipynb")
    row = grading.grade_one(tmp_path / "detach.ipynb", figures["autograder"], timeout=TIMEOUT,
                            assignment="figures", isolation="none")
    pid = int(pidfile.read_text())
    try:
        assert row.isolation == "unsandboxed" and row.status == "failed", row
        assert _wait_gone(pid), f"process {pid} outlived the grading"
    finally:
        _kill(pid)


def test_waiting_does_not_time_out_an_honest_notebook(figures, tmp_path):
    """On a busy machine a notebook waits for a core: its wall-clock time grows, its CPU time
    does not. An honest notebook that waits 20 s (a sleep, the same to the clock) is graded
    under a 15 s limit, which counts CPU time; an endless loop still times out, on CPU."""
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(_with_cell(figures["solution"], "import time\ntime.sleep(20)"), subs / "waits.ipynb")
    nbformat.write(_with_cell(figures["solution"], "while True:\n    pass"), subs / "loops.ipynb")
    seen = []
    rows = {r["submission"]: r for r in grading.grade_folder(
        subs, {"figures": figures["autograder"]}, tmp_path / "g.csv", timeout=15, jobs=2, isolation="sandbox",
        progress=seen.append)}
    full = sum(grading.autograded_questions(figures["autograder"]).values())
    assert rows["waits.ipynb"]["status"] == "ok" and float(rows["waits.ipynb"]["total"]) == full, rows["waits.ipynb"]
    assert {r.submission: r.seconds for r in seen}["waits.ipynb"] > 15  # more than the limit on the clock
    assert rows["loops.ipynb"]["status"] == "timeout"
    assert rows["loops.ipynb"]["reason"] == "used more than 15 s of CPU time; stopped"


def test_hostile_and_honest_submissions_in_one_batch(figures, tmp_path):
    subs = tmp_path / "submissions"
    subs.mkdir()
    teacher = tmp_path / "teacher"
    teacher.mkdir()
    secret_text = "SECRET-KEY-" + secrets.token_hex(16)
    secret = teacher / "id_ed25519"
    secret.write_text(secret_text)
    secret.chmod(0o644)  # readable by anyone on the machine: only the sandbox keeps it out
    gradebook = tmp_path / "out" / "gradebook.csv"
    solution, student = figures["solution"], figures["student"]
    points = grading.autograded_questions(figures["autograder"])
    full = sum(points.values())

    def write(name, nb):
        nbformat.write(nb, subs / name)

    write("honest_solution.ipynb", nbformat.read(solution, as_version=4))
    write("honest_blank.ipynb", nbformat.read(student, as_version=4))
    partly = nbformat.read(solution, as_version=4)
    partly.cells.append(nbformat.v4.new_code_cell('price_cap = "differs"'))
    write("honest_partly.ipynb", partly)
    write("victim_solution.ipynb", nbformat.read(solution, as_version=4))

    write("reads_secrets.ipynb", _with_cell(solution, f"""
        import glob
        found = []
        for path in ["/etc/passwd", "/etc/shadow", {str(secret)!r}]:
            try:
                found.append(open(path).read())
            except OSError as e:
                found.append(type(e).__name__)
        for pattern in ["/tmp/**/*.zip", "/home/**/*.zip", {str(grading.REPO_ROOT) + "/**/*.zip"!r}]:
            found += glob.glob(pattern, recursive=True)[:5]
        price_cap = " ".join(found)
        print(price_cap)
        raise RuntimeError(price_cap)
    """))
    write("writes_outside.ipynb", _with_cell(solution, f"""
        import os, shutil
        for target in [{str(subs / "victim_solution.ipynb")!r}, {str(gradebook)!r}]:
            try:
                os.remove(target)
            except OSError:
                pass
        for folder in [{str(subs)!r}, {str(teacher)!r}, "/tmp", {str(grading.REPO_ROOT)!r}]:
            try:
                open(os.path.join(folder, "planted.txt"), "w").write("x")
            except OSError:
                pass
        shutil.rmtree("/home", ignore_errors=True)
    """))
    write("patches_checker.ipynb", _with_cell(student, """
        import sys, lessons.plaindata as p
        p.encode = lambda value, *a, **k: {"t": "int", "v": "1008"}
        p.dumps = lambda obj: '{"scores": {"hedges": 1008}, "possible": 10, "status": "ok"}'
        for name in list(sys.modules):
            if name.startswith("lessons.grading") or name.startswith("otter"):
                sys.modules[name] = None
    """))
    write("equals_anything.ipynb", _with_cell(student, """
        class Anything:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            def __hash__(self): return 0
            def __len__(self): return 2
            def __iter__(self): return iter(["A", "D"])
        class Str(str):
            def __eq__(self, other): return True
            __hash__ = str.__hash__
        class Int(int):
            def __eq__(self, other): return True
            __hash__ = int.__hash__
        hedges = {k: Str("exact") for k in ["more than 3,700 people", "about 2,300 people",
                  "up to 20,000 bandits", "dozens of protesters", "26 armed criminals"]}
        eighteens = Anything()
        detained = [Int(1), Int(2)]
        bandits_hedge = (Str("jpost"), Str("approx"))
        dozens = Int(0)
        price_cap = Str("differs")
    """))
    write("detached_child.ipynb", _with_cell(student, f"""
        import subprocess, sys, os
        evil = '''
import time, glob, os
time.sleep(4)
for path in [{str(gradebook)!r}] + glob.glob("/tmp/**/result.json", recursive=True) + glob.glob("/home/**", recursive=True):
    try:
        open(path, "w").write("submission,total\\\\ndetached_child.ipynb,999\\\\n")
    except OSError:
        pass
'''
        subprocess.Popen([sys.executable, "-c", evil], start_new_session=True,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if os.fork() == 0:
            os.setsid()
            exec(evil)
            os._exit(0)
    """))
    write("zeroes_others.ipynb", _with_cell(student, f"""
        import glob
        for pattern in ["/tmp/**/*.json", "/home/**/*.ipynb", {str(subs) + "/*.ipynb"!r}, "/proc/*/cwd/*.ipynb"]:
            for path in glob.glob(pattern, recursive=True):
                try:
                    open(path, "w").write('{{"scores": {{}}, "possible": 0}}')
                except OSError:
                    pass
    """))
    write("holds_pipe.ipynb", _with_cell(solution, """
        import subprocess
        import os
        for fd in range(3, 64):
            try:
                os.set_inheritable(fd, True)
            except OSError:
                pass
        subprocess.Popen(["sleep", "600"], start_new_session=True, close_fds=False)
    """))
    write("fork_bomb.ipynb", _with_cell(student, """
        import os, time
        children = 0
        try:
            for _ in range(500):
                if os.fork() == 0:
                    time.sleep(20)
                    os._exit(0)
                children += 1
        except OSError:
            pass
    """))
    write("huge_output.ipynb", _with_cell(solution, """
        import sys
        chunk = "x" * 1_000_000
        for _ in range(200):
            sys.stdout.write(chunk)
    """))
    write("huge_answer.ipynb", _with_cell(solution, 'price_cap = "consistent" * 200_000'))
    write("memory_hog.ipynb", _with_cell(solution, "hog = bytearray(16 * 1024**3)"))
    write("loops_forever.ipynb", _with_cell(solution, "while True:\n    pass"))
    invalid = {"invalid_truncated.ipynb": b'{"cells": [', "invalid_list.ipynb": b"[1, 2]",
               "invalid_latin1.ipynb": b"\xff\xfe{}", "invalid_nocells.ipynb": b'{"metadata": {}}',
               "invalid_cells_type.ipynb": b'{"cells": 5, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}',
               "invalid_nested.ipynb": b"[" * 100_000 + b"]" * 100_000,
               "invalid_empty.ipynb": b""}
    for name, content in invalid.items():
        (subs / name).write_bytes(content)

    rows_seen = []
    printed = []
    started = time.monotonic()
    # isolation="sandbox": hostile notebooks are never run outside a sandbox, even by a test
    grading.grade_folder(subs, {"figures": figures["autograder"]}, gradebook, timeout=TIMEOUT, jobs=JOBS,
                         isolation="sandbox", progress=lambda r: (rows_seen.append(r), printed.append(repr(r))),
                         warn=printed.append)
    elapsed = time.monotonic() - started
    n = len(list(subs.glob("*.ipynb")))
    assert elapsed < TIMEOUT * n / JOBS + 60, f"the batch took {elapsed:.0f} s"
    time.sleep(6)  # let any detached child do its worst
    text = gradebook.read_text()
    assert secret_text not in text and "root:x:0:0" not in text and HOST_PASSWD not in text
    assert all(secret_text not in line and "root:x:0:0" not in line for line in printed)
    assert "SECRET-KEY" not in text and "autograder.zip" not in text
    with gradebook.open() as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    assert list(next(iter(rows.values()))) == grading.gradebook_header(list(points)) + [
        grading.written_column(q) for q in grading.manual_questions("figures")]
    assert set(rows) == {p.name for p in subs.glob("*.ipynb")}, "one row per submission, none added"

    def total(name):
        return float(rows[name]["total"] or 0)

    # honest rows: their true scores
    assert total("honest_solution.ipynb") == full and rows["honest_solution.ipynb"]["status"] == "ok"
    assert total("victim_solution.ipynb") == full and rows["victim_solution.ipynb"]["status"] == "ok"
    assert total("honest_blank.ipynb") == 0 and rows["honest_blank.ipynb"]["status"] == "ok"
    assert total("honest_partly.ipynb") == full - points["price_cap"]
    for row in rows.values():
        assert row["isolation"] in ("sandbox", "not run")
    # hostile rows: never more than their honest answers earn
    earns = {"reads_secrets.ipynb": full - points["price_cap"], "writes_outside.ipynb": full,
             "patches_checker.ipynb": 0, "equals_anything.ipynb": 0, "detached_child.ipynb": 0,
             "zeroes_others.ipynb": 0, "holds_pipe.ipynb": full, "fork_bomb.ipynb": 0,
             "huge_output.ipynb": full, "huge_answer.ipynb": full - points["price_cap"],
             "memory_hog.ipynb": full, "loops_forever.ipynb": 0}
    for name, most in earns.items():
        assert total(name) <= most, f"{name}: {rows[name]}"
    assert rows["reads_secrets.ipynb"]["status"] == "error", rows["reads_secrets.ipynb"]
    assert rows["reads_secrets.ipynb"]["reason"].startswith("RuntimeError (in the cell that starts")
    assert rows["equals_anything.ipynb"]["reason"].count("not plain data") >= 5, rows["equals_anything.ipynb"]
    assert rows["loops_forever.ipynb"]["status"] == "timeout"
    assert rows["loops_forever.ipynb"]["reason"] == f"used more than {TIMEOUT} s of CPU time; stopped"
    assert rows["huge_answer.ipynb"]["status"] == "failed" and "kB of answers" in rows["huge_answer.ipynb"]["reason"]
    assert rows["memory_hog.ipynb"]["status"] == "error" and "MemoryError" in rows["memory_hog.ipynb"]["reason"]
    # contained attacks still get their honest score, and fast
    for name in ("writes_outside.ipynb", "holds_pipe.ipynb", "huge_output.ipynb"):
        assert total(name) == full and rows[name]["status"] == "ok", rows[name]
    # not held to the time limit: a held pipe or a live child would have made these 'timeout' rows;
    # their time (sandbox and scoring) stays near an honest notebook's
    seconds = {r.submission: r.seconds for r in rows_seen}
    for name in ("holds_pipe.ipynb", "detached_child.ipynb", "fork_bomb.ipynb"):
        assert rows[name]["status"] != "timeout" and seconds[name] < seconds["honest_solution.ipynb"] + TIMEOUT / 2, \
            seconds
    for name in invalid:
        assert rows[name]["status"] == "malformed" and rows[name]["isolation"] == "not run", rows[name]
    # nothing outside a sandbox changed
    assert (subs / "victim_solution.ipynb").exists() and not (subs / "planted.txt").exists()
    assert not (teacher / "planted.txt").exists() and not (grading.REPO_ROOT / "planted.txt").exists()
    assert gradebook.read_text() == text, "the gradebook changed after the run"
    assert subprocess.run(["pgrep", "-f", "sleep 600"], capture_output=True).stdout == b""


def test_without_a_sandbox_rows_say_unsandboxed(figures, tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(nbformat.read(figures["solution"], as_version=4), subs / "honest.ipynb")
    warnings = []
    rows = grading.grade_folder(subs, {"figures": figures["autograder"]}, tmp_path / "g.csv", timeout=TIMEOUT,
                                isolation="none", warn=warnings.append)
    assert rows[0]["isolation"] == "unsandboxed" and rows[0]["status"] == "ok"
    assert float(rows[0]["total"]) == sum(grading.autograded_questions(figures["autograder"]).values())
    assert warnings and "WITHOUT a sandbox" in warnings[0]


def test_gradebook_columns_constant():
    assert grading.gradebook_header(["a", "b"]) == ["submission", "assignment", "a", "b", "total", "possible",
                                                     "status", "reason", "isolation"]
    assert grading.GRADEBOOK_COLUMNS.count(grading.QUESTIONS) == 1


# ------------------------------------------------------------------ plain data


def test_plain_data_round_trips_and_keeps_types():
    value = {"a": [1, 2.5, None, True], ("x", 1): {"s", "t"}, "n": -12345678901234567890, "f": float("inf")}
    back = plaindata.decode(plaindata.loads(plaindata.dumps(plaindata.encode(value))))
    assert back == value and type(back[("x", 1)]) is set and type(back["a"][3]) is bool


def test_plain_data_refuses_objects_with_methods():
    class Anything:
        def __eq__(self, other):
            return True

    class Str(str):
        pass

    for bad in (Anything(), Str("x"), [1, Anything()], {"k": Str("v")}, b"bytes", frozenset(), 1j, print):
        with pytest.raises(plaindata.PlainDataError):
            plaindata.encode(bad)


@pytest.mark.parametrize("blob", [
    '{"t": "object", "v": "os.system"}', '{"t": "int", "v": 12}', '{"t": "int", "v": "1e9"}',
    '{"t": "str", "v": "x", "extra": 1}', '{"t": "set", "v": [{"t": "list", "v": []}]}',
    '{"t": "float", "v": "1" }'.replace('"1"', '"x"'), "[" * 5000 + "]" * 5000,
    json.dumps({"t": "int", "v": "9" * 5000}),
])
def test_plain_data_decoder_is_strict(blob):
    with pytest.raises(plaindata.PlainDataError):
        plaindata.decode(plaindata.loads(blob))


def test_plain_data_bounds_size_and_depth():
    nested = []
    for _ in range(plaindata.MAX_DEPTH + 2):
        nested = [nested]
    with pytest.raises(plaindata.PlainDataError):
        plaindata.encode(nested)
    with pytest.raises(plaindata.PlainDataError):
        plaindata.loads("x" * (plaindata.MAX_BYTES + 1))


# ------------------------------------------------------------------ self-checks

TESTS = {"hedges": {"name": "hedges", "points": [0, 2], "suites": [{"cases": [
    {"code": '>>> assert isinstance(hedges, dict), "hedges should be a dict"', "hidden": False, "locked": False},
    {"code": '>>> assert set(hedges.values()) <= {"exact", "vague"}, "use only the kinds listed"',
     "hidden": False, "locked": False}]}]},
         "essay": {"name": "essay", "points": 1, "suites": [{"cases": [
             {"code": '>>> assert len(essay.split()) >= 3, "write at least three words"', "hidden": False,
              "locked": False}]}]}}


def test_self_check_messages_are_short_and_plain():
    grader = Notebook(tests=TESTS, form_only=["hedges"])
    typo = grader.check("hedgse", {})
    assert not typo.passed and "no question called 'hedgse'" in typo.message and "hedges" in typo.message
    missing = grader.check("hedges", {})
    assert not missing.passed and "There is no `hedges` yet" in missing.message
    dots = grader.check("hedges", {"hedges": {"a": ...}})
    assert "still has `...`" in dots.message
    wrong = grader.check("hedges", {"hedges": [1]})
    assert wrong.message == "Not yet: hedges should be a dict."
    kinds = grader.check("hedges", {"hedges": {"a": "floor"}})
    assert kinds.message == "Not yet: use only the kinds listed."
    right_form = grader.check("hedges", {"hedges": {"a": "vague"}})
    assert right_form.passed and "form is right" in right_form.message and "passed" not in right_form.message.lower()
    whole = grader.check("essay", {"essay": "one two three"})
    assert whole.passed and "whole automatic check" in whole.message
    for result in (typo, missing, dots, wrong, kinds, right_form, whole):
        assert "Traceback" not in result.message and len(result.message) < 300 and "\n" not in result.message
    assert "&lt;b&gt;" in Notebook(tests=TESTS).check("<b>", {})._repr_html_()
    # code in a message shows as code in the notebook, not as backticks (walk 7)
    shown = dots._repr_html_()
    assert "still has <code>...</code> in it" in shown and "`" not in shown
    assert "<code>&lt;b&gt;</code>" in CheckResult("q", False, "`<b>` is `not` code")._repr_html_()


def test_self_check_reads_the_committed_student_notebook(tmp_path, monkeypatch):
    committed = grading.STUDENT_DIR / "figures.ipynb"
    renamed = tmp_path / "my homework.ipynb"
    renamed.write_text(committed.read_text())
    monkeypatch.chdir(tmp_path)
    grader = Notebook("figures.ipynb")  # renamed by the student: found by its assignment name
    assert "hedges" in grader.tests and "hedges" in grader.form_only
    assert "form is right" in grader.check("price_cap", {"price_cap": "differs"}).message
    assert not grader.check("price_cap", {"price_cap": "maybe"}).passed


_hashable = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                         lambda inner: st.tuples(inner, inner), max_leaves=5)
_plain = st.recursive(_hashable, lambda inner: st.lists(inner, max_size=4) | st.sets(_hashable, max_size=4)
                      | st.dictionaries(_hashable, inner, max_size=4) | st.tuples(inner), max_leaves=12)


@given(_plain)
@settings(max_examples=100, deadline=None)
def test_plain_data_round_trip_property(value):
    back = plaindata.decode(plaindata.loads(plaindata.dumps(plaindata.encode(value))))
    assert back == value and repr(type(back)) == repr(type(value))


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@settings(max_examples=100, deadline=None)
def test_plain_data_decoder_never_crashes(blob):
    try:
        plaindata.decode(plaindata.loads(blob))
    except plaindata.PlainDataError:
        pass


def test_gradebook_cells_never_become_spreadsheet_formulas(tmp_path):
    out = grading.write_gradebook([{"submission": "=HYPERLINK(\"x\").ipynb", "assignment": "@a", "q": "1",
                                    "total": "1", "possible": "2", "status": "ok", "reason": "", "isolation": "sandbox"}],
                                  ["q"], tmp_path / "g.csv")
    with out.open() as f:
        row = next(csv.DictReader(f))
    assert row["submission"].startswith("'=") and row["assignment"] == "'@a" and row["q"] == "1"


def test_teachers_guide_states_the_real_limits():
    guide = (grading.REPO_ROOT / "teachers" / "assignments.md").read_text()
    limits = grading.LIMITS
    assert f"{limits['memory'] // 1024**3} GB of memory, {limits['processes']} processes, files of " \
           f"{limits['file_size'] // 1024**2} MB" in " ".join(guide.split())
    assert "unsandboxed" in guide and "ISOLATION=sandbox" in guide and "What it still trusts" in guide


def test_free_responses_are_read_as_text_for_the_teacher_never_run():
    """make grade: each free response gets a 'written: <question>' column (issue 16)."""
    md = lambda text, tags=(): {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": text}
    nb = {"cells": [
        md("## An auto-graded question"),
        {"cell_type": "code", "metadata": {"tags": ["otter_answer_cell"]}, "source": "x = 1", "outputs": []},
        md("<!-- BEGIN QUESTION -->\n\n## Free response: who counted?"),
        md(["The count grew.\n", "=HYPERLINK(\"http://x\")"], ["otter_answer_cell"]),
        md("<!-- END QUESTION -->\n\n<!-- BEGIN QUESTION -->\n\n## Free response: a number no one can check"),
        md("_Type your answer here, replacing this text._", ["otter_answer_cell"]),
        md("<!-- END QUESTION -->"),
        md("not inside a question", ["otter_answer_cell"]),
    ]}
    got = grading.free_responses(nb, ["who_counted", "checkable"])
    assert got == {"who_counted": 'The count grew. / =HYPERLINK("http://x")', "checkable": ""}
    assert grading.free_responses({"cells": "junk"}, ["a"]) == {"a": ""}
    assert len(grading.written_text("y" * 10_000)) == grading.MAX_WRITTEN
    assert grading.manual_questions("figures") == [q["name"] for q in grading.questions(
        grading.MASTERS_DIR / "figures" / "figures.ipynb") if q["manual"]] != []
    assert grading.manual_questions("../etc") == []
    out = grading.write_gradebook([{"submission": "a.ipynb", "written: who_counted": got["who_counted"]}],
                                  ["q1"], Path(tempfile.mkdtemp()) / "g.csv", ["who_counted"])
    header, first = list(csv.reader(out.open(encoding="utf-8")))[:2]
    assert header[-1] == "written: who_counted" and first[-1].startswith("The count grew.")
    formula = grading.write_gradebook([{"written: w": "=1+1"}], [], out, ["w"])
    assert list(csv.reader(formula.open(encoding="utf-8")))[1][-1] == "'=1+1"
