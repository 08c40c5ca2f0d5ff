"""Move the code that computes a prose value above the Markdown that shows it (issue 15).

    .venv/bin/python tools/prose_values_first.py [NOTEBOOK ...]   # default: chapters/*.ipynb

myst-nb glue let Markdown name a value that a LATER code cell glued (the text introducing a
table quoted the table's counts). {eval} cannot: JupyterLab's Run All and the book build
evaluate each Markdown cell when they reach it. For each such forward reference this script
splits the later code cell after its last top-level statement that calls glue_value(...) for a
name the Markdown uses, and puts that first part, as a new hidden cell (remove-cell), just
above the Markdown cell. The rest of the cell (its table or chart) stays where it was.
Nothing else changes, so it can be re-run on merged notebooks.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = re.compile(r"\{eval\}`([A-Za-z][A-Za-z0-9_]{0,100})`")


def _src(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _glued(code: str) -> dict[str, int]:
    """{name: end line of the top-level statement that glues it} for one code cell."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return {}
    out = {}
    for stmt in tree.body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "glue_value" \
                    and node.args and isinstance(node.args[0], ast.Constant):
                out.setdefault(str(node.args[0].value), stmt.end_lineno)
    return out


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines:
        lines[-1] = lines[-1].rstrip("\n")
    return lines


def fix_notebook(path: Path) -> int:
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    moved = 0
    i = 0
    while i < len(nb["cells"]):
        cell = nb["cells"][i]
        if cell["cell_type"] != "markdown":
            i += 1
            continue
        wanted = set(EVAL.findall(_src(cell)))
        defined_above = set()
        for c in nb["cells"][:i]:
            if c["cell_type"] == "code":
                defined_above |= set(_glued(_src(c)))
        missing = wanted - defined_above
        target = None
        for j in range(i + 1, len(nb["cells"])):
            c = nb["cells"][j]
            if c["cell_type"] == "code" and missing & set(_glued(_src(c))):
                target = j
                break
        if not missing or target is None:
            i += 1
            continue
        code = _src(nb["cells"][target])
        glued = _glued(code)
        cut = max(end for name, end in glued.items() if name in missing)
        lines = code.splitlines(keepends=True)
        head, tail = "".join(lines[:cut]).rstrip("\n"), "".join(lines[cut:]).lstrip("\n")
        source_cell = nb["cells"][target]
        new = {"cell_type": "code", "execution_count": None,
               "id": f"{source_cell.get('id', 'cell')}-prose"[:64],
               "metadata": {"tags": ["remove-cell"]}, "outputs": [], "source": _lines(head)}
        if tail.strip():
            source_cell["source"] = _lines(tail)
        else:
            del nb["cells"][target]
        nb["cells"].insert(i, new)
        moved += 1
        i += 2
    if moved:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return moved


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        print(f"{path}: {fix_notebook(path)} computation(s) moved above their prose")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
