"""Run one command and kill everything it leaves behind: ``python -I -m lessons._reap CMD ...``.

The unsandboxed grader (``make grade ISOLATION=none``, or ``auto`` where no sandbox can be
made) starts the student's runner (``lessons._sandbox_run``) through this small process. It
runs no student code. It makes itself the reaper of its orphaned descendants (Linux
``PR_SET_CHILD_SUBREAPER``), so a child that detaches (its own session, a double fork) stays
in its tree even when the runner ends with ``os._exit`` before it could clean up; when the
runner has ended, it kills every descendant still there, reaps them, and exits with the
runner's exit status. The sandbox needs none of this: bubblewrap's PID namespace ends with its
first process. The grader still kills this process's whole tree at a time limit
(``lessons.sandbox.run_bounded``).
"""

from __future__ import annotations

import os
import subprocess
import sys

#: Rounds of "kill every descendant": a descendant forking while it is killed makes new ones.
ROUNDS = 20


def _reap_zombies() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_descendants() -> int:
    """SIGKILL every descendant of this process, again until none is left (at most `ROUNDS`
    times), reaping them; returns how many were killed."""
    import psutil

    me, killed = psutil.Process(), 0
    for _ in range(ROUNDS):
        try:
            alive = [p for p in me.children(recursive=True) if p.status() != psutil.STATUS_ZOMBIE]
        except psutil.Error:
            alive = []
        if not alive:
            break
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
    try:
        code = proc.wait()
    finally:
        kill_descendants()
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.stdout.flush()
    os._exit(main(sys.argv[1:]))
