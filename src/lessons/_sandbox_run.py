"""Runs INSIDE the grading sandbox: execute one student notebook, export its answers as plain data.

    python -I -m lessons._sandbox_run NOTEBOOK NAMES_JSON LIMITS_JSON

Nothing here is trusted by the grader. The student's code runs in this same process (an IPython
shell, like a kernel without sockets), so it can change anything below; all it can gain is to
choose the answers it reports, which it could have typed anyway. The grader decodes the report
strictly (`lessons.plaindata`) and scores it in another process that has never run student code.

The report is one JSON object written to the original standard output; the notebook's own
output goes to /dev/null. Limits (memory, processes, CPU, file size, open files) are set with
hard rlimits before the first cell runs; when started as root inside the sandbox (the grader's
root mode) it first drops to the unprivileged uid/gid it is given.
"""

from __future__ import annotations

import json
import os
import resource
import sys


def _drop_and_limit(limits: dict) -> None:
    uid = limits.get("uid")
    if uid is not None and os.getuid() == 0:
        os.setgroups([])
        os.setgid(int(limits["gid"]))
        os.setuid(int(uid))  # clears every capability; cannot be undone
    for name, value in (("RLIMIT_AS", limits.get("memory")), ("RLIMIT_NPROC", limits.get("processes")),
                        ("RLIMIT_CPU", limits.get("cpu")), ("RLIMIT_FSIZE", limits.get("file_size")),
                        ("RLIMIT_NOFILE", limits.get("open_files")), ("RLIMIT_CORE", 0)):
        if value is not None:
            resource.setrlimit(getattr(resource, name), (int(value), int(value)))


def _plain(value):
    """numpy scalars become Python numbers (a convenience for honest answers); all else as is."""
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(value, numpy.generic):
        try:
            return value.item()
        except Exception:
            return value
    if type(value) in (list, tuple):
        return type(value)(_plain(v) for v in value)
    if type(value) is set:
        return {_plain(v) for v in value}
    if type(value) is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


def _keep_orphans() -> None:
    """Make this process the reaper of its orphaned descendants (Linux PR_SET_CHILD_SUBREAPER):
    a child that double-forks stays in this process's tree, so the grader still counts its CPU
    time and still kills it at the end. Elsewhere a no-op."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # 36 = PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _kill_descendants() -> None:
    """SIGKILL every process the notebook started that is still running (with
    :func:`_keep_orphans`, detached ones too), so none outlives the grading."""
    try:
        import psutil

        for child in psutil.Process().children(recursive=True):
            try:
                child.kill()
            except psutil.Error:
                pass
    except Exception:  # no psutil, or the process table cannot be read: the grader's kill remains
        pass


def main(argv: list[str]) -> None:
    notebook, names_json, limits_json = argv
    with open(notebook, encoding="utf-8") as f:
        nb = json.load(f)
    names = json.loads(names_json)
    limits = json.loads(limits_json)
    report = os.fdopen(os.dup(1), "w", encoding="ascii")
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    _keep_orphans()
    _drop_and_limit(limits)

    from IPython.core.interactiveshell import InteractiveShell

    from lessons import plaindata

    shell = InteractiveShell.instance(colors="nocolor")
    errors = []
    for index, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        try:
            result = shell.run_cell(source, store_history=False)
            error = result.error_before_exec or result.error_in_exec
        except BaseException as e:  # SystemExit and friends from student code
            error = e
        if error is not None:
            errors.append({"cell": index, "type": plaindata.type_name(error)})
    answers, rejected = {}, {}
    for name in names:
        if name not in shell.user_ns:
            continue
        value = shell.user_ns[name]
        try:
            answers[name] = plaindata.encode(_plain(value))
        except Exception:
            rejected[name] = "ellipsis" if plaindata.holds_ellipsis(value) else plaindata.type_name(value)
    report.write(plaindata.dumps({"errors": errors[:50], "answers": answers, "rejected": rejected}))
    report.flush()
    _kill_descendants()
    os._exit(0)  # no atexit hooks from student code


if __name__ == "__main__":
    main(sys.argv[1:])
