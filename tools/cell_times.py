"""Per-cell wall and CPU time of a notebook run in a fresh kernel (issue 20).

    .venv/bin/python tools/cell_times.py chapters/03_who_calls_whom_what.ipynb
    .venv/bin/python tools/cell_times.py chapters/03_*.ipynb --profile 5,7 --top 25
    .venv/bin/python tools/cell_times.py chapters/*.ipynb --floor     # the imports-only floor too

The notebook runs with nbclient, as the build does, with two IPython event hooks added in
the kernel (``pre_run_cell``/``post_run_cell``): they record each cell's wall time
(``time.perf_counter``) and the kernel's CPU time (``time.process_time``), which a loaded
machine disturbs far less. ``--profile`` runs cProfile inside the kernel for the listed cells
(their numbers in the table) and prints the top functions by cumulative time. The hooks are
set and read by extra cells that are not in the table; the notebook file is never written.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_HOOKS = """
import time as _ct_time, cProfile as _ct_cp, pstats as _ct_ps, io as _ct_io
_ct_rows, _ct_profile = [], set(%(profile)r)
_ct_state = {'wall': _ct_time.perf_counter(), 'cpu': _ct_time.process_time(), 'prof': None}
def _ct_pre(info):
    n = len(_ct_rows)
    _ct_state.update(wall=_ct_time.perf_counter(), cpu=_ct_time.process_time(), prof=None)
    if n in _ct_profile:
        _ct_state['prof'] = _ct_cp.Profile(); _ct_state['prof'].enable()
def _ct_post(result):
    wall = _ct_time.perf_counter() - _ct_state['wall']; cpu = _ct_time.process_time() - _ct_state['cpu']
    text = ''
    if _ct_state.get('prof') is not None:
        _ct_state['prof'].disable(); s = _ct_io.StringIO()
        _ct_ps.Stats(_ct_state['prof'], stream=s).sort_stats('cumulative').print_stats(%(top)d)
        text = s.getvalue()
    _ct_rows.append({'wall': wall, 'cpu': cpu, 'profile': text})
get_ipython().events.register('pre_run_cell', _ct_pre)
get_ipython().events.register('post_run_cell', _ct_post)
"""

_READ = """
get_ipython().events.unregister('pre_run_cell', _ct_pre)
get_ipython().events.unregister('post_run_cell', _ct_post)
import json as _ct_json; print('CELLTIMES' + _ct_json.dumps(_ct_rows[1:]))
"""


def cell_times(path: Path, profile: set[int] = frozenset(), top: int = 20, floor: bool = False) -> dict:
    """Run ``path`` in a fresh kernel; return its per-cell rows and the whole run's wall time.

    ``floor``: run the imports-only notebook the benchmark uses instead of the chapter."""
    import nbclient
    import nbformat

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from harness import notebook_imports

    nb = nbformat.read(path, as_version=4)
    if floor:
        body = [nbformat.v4.new_code_cell(notebook_imports(nb))]
    else:
        body = [copy.deepcopy(c) for c in nb.cells if c.cell_type == "code"]
    # the hook cell itself is row 0 (dropped); the chapter's first code cell is row 1
    hooks = nbformat.v4.new_code_cell(_HOOKS % {"profile": sorted(i + 1 for i in profile), "top": top})
    run = nbformat.v4.new_notebook(metadata=copy.deepcopy(nb.metadata))
    run.cells = [hooks, *body, nbformat.v4.new_code_cell(_READ)]
    t0 = time.perf_counter()
    nbclient.NotebookClient(run, kernel_name="python3", timeout=600,
                            resources={"metadata": {"path": str(path.parent)}}).execute()
    total = time.perf_counter() - t0
    out = "".join(o.get("text", "") for o in run.cells[-1].outputs)
    rows = json.loads(out.split("CELLTIMES", 1)[1])
    for i, (row, cell) in enumerate(zip(rows, body)):
        row["cell"] = i
        row["source"] = " ".join(cell.source.split())[:70]
    return {"notebook": path.name, "total_wall": total, "rows": rows}


def _print(result: dict) -> None:
    rows = result["rows"]
    print(f"\n## {result['notebook']}: whole run {result['total_wall']:.2f} s wall "
          f"(kernel start-up included); cells {sum(r['wall'] for r in rows):.2f} s wall, "
          f"{sum(r['cpu'] for r in rows):.2f} s CPU\n")
    print("| cell | wall s | CPU s | source |")
    print("|---|---|---|---|")
    for r in rows:
        src = r["source"].replace("|", "\\|")
        print(f"| {r['cell']} | {r['wall']:.3f} | {r['cpu']:.3f} | `{src}` |")
    for r in rows:
        if r["profile"]:
            print(f"\n### cProfile of cell {r['cell']}\n```\n{r['profile']}\n```")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--profile", default="", help="comma-separated cell numbers to run under cProfile")
    ap.add_argument("--top", type=int, default=20, help="functions shown per profiled cell")
    ap.add_argument("--floor", action="store_true", help="also run each imports-only floor")
    ap.add_argument("--json", type=Path, help="write every result to this file")
    args = ap.parse_args(argv)
    profile = {int(x) for x in args.profile.split(",") if x.strip()}
    results = []
    for path in args.notebooks:
        if args.floor:
            fl = cell_times(path, floor=True)
            print(f"\n## floor of {path.name}: {fl['total_wall']:.2f} s wall, "
                  f"imports cell {fl['rows'][0]['wall']:.2f} s wall, {fl['rows'][0]['cpu']:.2f} s CPU")
            results.append({**fl, "notebook": f"floor:{path.name}"})
        res = cell_times(path, profile, args.top)
        _print(res)
        results.append(res)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
