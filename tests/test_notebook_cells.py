"""The chapters only call the package (issue 18): the one shared preamble first, then code
cells of at most three lines that call helpers. Logic (loops over the articles, reshaping a
table, building a chart, defining a function, checking a result) lives in `src/lessons/`,
where it is tested; the prose's claims about results are checked in tests/, not in cells.

A cell may break the rule only where its code is itself the lesson (a reader is meant to
read it): it is listed in ALLOWED with the reason."""

import ast
import io
import tokenize
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "teachers").glob("*.ipynb"))
PREAMBLE = "from lessons.book import *; setup()"
MAX_LINES = 3

# (notebook, cell id) -> why this cell may be longer, loop or define something. Keep it short.
ALLOWED: dict[tuple[str, str], str] = {}


def code_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]


def counted_lines(source: str) -> list[int]:
    """Line numbers that count towards the limit: not blank, not only a comment, not part of
    an import (imports name where the helpers come from; they do no work)."""
    tree = ast.parse(source)
    imports = {n for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))
               for n in range(node.lineno, node.end_lineno + 1)}
    code = set()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                            tokenize.DEDENT, tokenize.ENDMARKER):
            code.update(range(tok.start[0], tok.end[0] + 1))
    return sorted(code - imports)


def logic(source: str) -> list[str]:
    """What a chapter cell must not do itself: define functions or classes, loop (a `for`
    statement or a comprehension: over the articles, or anything else), or assert."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            found.append(f"defines {getattr(node, 'name', 'a lambda')}")
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            found.append("a loop")
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            found.append("a comprehension (a loop)")
        elif isinstance(node, ast.Assert):
            found.append("an assert (a test: put it in tests/)")
        elif isinstance(node, ast.Attribute) and node.attr in ("itertuples", "iterrows", "concat"):
            found.append(f".{node.attr} (a per-article loop: use a lessons.tables helper)")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_is_the_one_preamble(path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "code" and first.source == PREAMBLE, (
        f"{path.name}: the first cell must be exactly {PREAMBLE!r}, found {first.source[:80]!r}")
    assert "remove-cell" in first.metadata.get("tags", []), f"{path.name}: tag the preamble remove-cell"
    others = [i for i, cell in code_cells(path)[1:] if "setup()" in cell.source]
    assert not others, f"{path.name}: cells {others} call setup() again; the preamble does it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_short_helper_calls(path):
    long, busy = [], []
    for i, cell in code_cells(path):
        key = (f"{path.parent.name}/{path.name}", cell.get("id"))
        if key in ALLOWED:
            continue
        lines = counted_lines(cell.source)
        if len(lines) > MAX_LINES:
            long.append(f"cell {i} ({cell.get('id')}): {len(lines)} lines")
        if found := logic(cell.source):
            busy.append(f"cell {i} ({cell.get('id')}): {', '.join(dict.fromkeys(found))}")
    assert not long, (f"{path.name}: code cells over {MAX_LINES} lines (move the logic into a "
                      f"lessons helper, or list the cell in ALLOWED with its reason): {long}")
    assert not busy, f"{path.name}: logic in code cells (move it into lessons): {busy}"


def test_allow_list_entries_are_needed_and_explained():
    for (notebook, cell_id), reason in ALLOWED.items():
        assert len(reason.split()) >= 5, f"{notebook} {cell_id}: say why the code itself teaches"
        cells = {c.get("id"): c for _, c in code_cells(ROOT / notebook)}
        assert cell_id in cells, f"ALLOWED lists {notebook} {cell_id}, which no longer exists"
        source = cells[cell_id].source
        assert len(counted_lines(source)) > MAX_LINES or logic(source), (
            f"ALLOWED lists {notebook} {cell_id}, which keeps the rule now: remove the entry")
        assert not cells[cell_id].metadata.get("tags") or "remove-input" not in cells[cell_id].metadata["tags"], (
            f"{notebook} {cell_id}: a cell whose code teaches must be shown (not remove-input)")


@pytest.mark.parametrize("source, lines", [
    ("from a import b\nimport c\n\nx = b(1)  # note\n# only a comment\n", [4]),
    ("from a import (\n    b,\n    c,\n)\nf(b,\n  c)\n", [5, 6]),
    ("x = '''one\n\ntwo'''\n", [1, 2, 3]),
])
def test_counted_lines(source, lines):
    assert counted_lines(source) == lines


@pytest.mark.parametrize("source", [
    "def f():\n    pass",
    "pd.concat([f(r.body) for r in articles.itertuples()])",
    "for r in rows:\n    show(r)",
    "assert share > 50",
    "x = {k: v for k, v in pairs}",
    "articles.iterrows()",
])
def test_logic_is_found(source):
    assert logic(source)


def test_a_helper_call_is_not_logic():
    assert logic('html_table(tables.sources_table(articles), caption="The reports")') == []
