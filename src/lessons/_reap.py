"""Run one command and kill everything it leaves behind: ``python -I -m lessons._reap CMD ...``.

The unsandboxed grader (``make grade ISOLATION=none``, or ``auto`` where no sandbox can be
made) starts the student's runner (``lessons._sandbox_run``) through this small process. It
runs no student code. It makes itself the reaper of its orphaned descendants (Linux
``PR_SET_CHILD_SUBREAPER``), so a child that detaches (its own session, a double fork) stays
in its tree even when the runner ends with ``os._exit`` before it could clean up; when the
runner has ended, it kills every descendant still there, reaps them, and exits with the
runner's exit status. At a time limit the grader first sends this process SIGTERM, so it kills
the descendants while it is still their reaper, and only then kills the whole group
(``lessons.sandbox.run_bounded``). The sandbox needs none of this: bubblewrap's PID namespace
ends with its first process.

This is a best effort, not a security boundary: student code runs as the same user, so it can
kill this process, and a process that forks and exits fast enough can slip between two listings
of /proc. Only the sandbox (``ISOLATION=sandbox``) contains hostile code; without it, grade only
notebooks you trust (decision 35).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys

#: Listings of "kill every descendant": a descendant forking while it is killed makes new ones.
ROUNDS = 40
#: Listings in a row that must find no descendant before the reaper stops.
QUIET = 3


def _reap_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _alive_descendants(me) -> list:
    """Every descendant still running; one that ends while it is listed is left out (not an error)."""
    import psutil

    try:
        children = me.children(recursive=True)
    except psutil.Error:
        return []
    alive = []
    for child in children:
        try:
            if child.status() != psutil.STATUS_ZOMBIE:
                alive.append(child)
        except psutil.Error:
            pass
    return alive


def kill_descendants() -> int:
    """SIGKILL every descendant of this process, again until `QUIET` listings in a row find none
    (at most `ROUNDS` listings), reaping them; returns how many were killed. One listing is not
    enough: a process that forks and exits is gone when it is read, and its child was not listed."""
    import psutil

    me, killed, quiet = psutil.Process(), 0, 0
    for _ in range(ROUNDS):
        alive = _alive_descendants(me)
        if not alive:
            quiet += 1
            if quiet >= QUIET:
                break
            _reap_zombies()
            continue
        quiet = 0
        for child in alive:
            try:
                child.kill()
                killed += 1
            except psutil.Error:
                pass
        psutil.wait_procs(alive, timeout=1)
        _reap_zombies()
    _reap_zombies()
    return killed


def main(argv: list[str]) -> int:
    from lessons._sandbox_run import _keep_orphans

    if not argv:
        print("usage: python -I -m lessons._reap CMD [ARGS...]", file=sys.stderr)
        return 2
    _keep_orphans()
    proc = subprocess.Popen(argv)  # stdin, stdout and stderr are this process's

    def _on_term(signum, frame):  # the grader's time limit: kill the tree while we still reap it
        kill_descendants()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, _on_term)
    try:
        code = proc.wait()
    finally:
        kill_descendants()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.stdout.flush()
    os._exit(main(sys.argv[1:]))
