"""Hide in JupyterLab what the book hides (walk 5): cell tags -> standard cell metadata.

    .venv/bin/python tools/lab_hide.py [--check] [NOTEBOOK ...]   # default: chapters/ teachers/

The book hides cells by tag (remove-cell, remove-input, hide-input, remove-output, hide-output);
JupyterLab ignores tags, so a student saw the set-up code and the glue cells' outputs ('98',
dicts of prose values). JupyterLab and Notebook 7 read the standard metadata
`jupyter.source_hidden` and `jupyter.outputs_hidden` and collapse the input or output (a
click on the blue bar shows it again). The rule, from the tags:

  remove-cell                         source_hidden and outputs_hidden (set-up and glue only)
  remove-input, hide-input            source_hidden (the output is the lesson: a table, a chart)
  remove-output, hide-output          outputs_hidden

JupyterLab re-opens a collapsed output when the cell runs (Run All), so outputs_hidden alone
does not hide a glue cell's result: `lessons.book.glue_value`/`glue_values` return values that
display nothing (tests/test_lab.py checks what a student sees after Run All).

Only metadata changes (the notebook stays output-free, the JSON as nbformat writes it), so git
merges it with other edits; run it after tagging a cell. `--check` changes nothing and exits 1
listing the cells whose metadata is missing (tests/test_lab_hidden.py runs the same check).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ("chapters", "teachers")
HIDE_SOURCE = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
HIDE_OUTPUTS = {"remove-cell", "remove-output", "hide-output", "hide-cell"}


def wanted(tags) -> dict:
    """The `jupyter` metadata a cell with these tags needs ({} when the book shows it all)."""
    tags = set(tags or ())
    out = {}
    if tags & HIDE_SOURCE:
        out["source_hidden"] = True
    if tags & HIDE_OUTPUTS:
        out["outputs_hidden"] = True
    return out


def missing(nb) -> list[tuple[int, str, dict]]:
    """(cell index, cell id, metadata it lacks) for each code cell the book hides."""
    out = []
    for k, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        need = wanted(cell.metadata.get("tags"))
        have = cell.metadata.get("jupyter", {})
        lack = {key: value for key, value in need.items() if have.get(key) is not value}
        if lack:
            out.append((k, cell.get("id", ""), lack))
    return out


def apply(nb) -> int:
    """Add the missing metadata in place; return how many cells changed."""
    gaps = missing(nb)
    for k, _id, lack in gaps:
        nb.cells[k].metadata.setdefault("jupyter", {}).update(lack)
    return len(gaps)


def notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a) for a in args]
    return sorted(p for d in DEFAULT for p in (ROOT / d).glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in argv
    paths = notebooks([a for a in argv if a != "--check"])
    problems = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        if check:
            for k, cell_id, lack in missing(nb):
                print(f"{path}: cell {k} ({cell_id}) needs jupyter metadata {lack}")
                problems += 1
        elif apply(nb):
            nbformat.write(nb, path)
            print(f"{path}: hidden cells marked for JupyterLab")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
