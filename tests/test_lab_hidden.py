"""What the book hides, JupyterLab hides too (walk 5: a student saw the set-up code and the glue
cells' outputs, '98' and dicts). Every code cell tagged remove-*/hide-* in chapters/ and
teachers/ carries the standard `jupyter.source_hidden` / `jupyter.outputs_hidden` metadata that
`tools/lab_hide.py` writes from its tags."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from IPython.core.formatters import DisplayFormatter

from lessons import book

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_hide  # noqa: E402

NOTEBOOKS = lab_hide.notebooks([])


def test_the_rule_follows_the_tags():
    assert lab_hide.wanted(["remove-cell"]) == {"source_hidden": True, "outputs_hidden": True}
    assert lab_hide.wanted(["remove-input"]) == {"source_hidden": True}
    assert lab_hide.wanted(["hide-input"]) == {"source_hidden": True}
    assert lab_hide.wanted(["remove-output"]) == {"outputs_hidden": True}
    assert lab_hide.wanted([]) == {} and lab_hide.wanted(None) == {}


def test_apply_adds_only_metadata_and_check_then_passes(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["remove-cell"]}),
        nbformat.v4.new_code_cell("show()", metadata={"tags": ["remove-input"]}),
        nbformat.v4.new_code_cell("print(1)"),
        nbformat.v4.new_markdown_cell("Text", metadata={"tags": ["remove-cell"]})])
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    assert lab_hide.main(["--check", str(path)]) == 1
    assert lab_hide.main([str(path)]) == 0
    after = nbformat.read(path, 4)
    assert [c.metadata.get("jupyter") for c in after.cells] == [
        {"source_hidden": True, "outputs_hidden": True}, {"source_hidden": True}, None, None]
    assert [c.source for c in after.cells] == [c.source for c in nb.cells]
    assert all(c.get("outputs", []) == [] for c in after.cells)
    assert lab_hide.main(["--check", str(path)]) == 0


def test_the_notebooks_are_found():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_one_speech.ipynb", "template_your_articles.ipynb", "lesson_plans.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_hidden_cell_is_hidden_in_lab(path):
    nb = nbformat.read(path, 4)
    gaps = lab_hide.missing(nb)
    assert not gaps, (f"{path.relative_to(ROOT)}: run `.venv/bin/python tools/lab_hide.py`; "
                      f"cells without Lab metadata: {gaps[:5]}")


def test_glue_calls_echo_nothing_but_eval_reads_text(monkeypatch):
    """JupyterLab re-opens a collapsed output when a cell runs, so a glue cell must show no
    output at all; the variable {eval} reads must still display as its text."""
    shell = type("Shell", (), {"user_ns": {}})()
    monkeypatch.setattr(book, "_shell", lambda: shell)
    monkeypatch.setattr("myst_nb.glue", lambda *a, **k: None)
    fmt = DisplayFormatter()
    one = book.glue_value("n_x", 98)
    many = book.glue_values({"a": 3700}, prefix="p_")
    assert one == "98" and many == {"p_a": "3,700"}
    assert fmt.format(one) == ({}, {}) and fmt.format(many) == ({}, {})
    assert type(shell.user_ns["n_x"]) is str and fmt.format(shell.user_ns["n_x"])[0]["text/plain"] == "'98'"


ASSIGNED_GLUE = re.compile(r"^\s*[\w, ]+=\s*(?:book\.)?glue_values?\(", re.M)


@pytest.mark.parametrize("path", sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "teachers").glob("*.ipynb"))
                         + sorted((ROOT / "assignments").glob("*/*.ipynb")), ids=lambda p: p.name)
def test_no_notebook_assigns_a_glue_result(path):
    """glue_value returns a str that displays nothing; assigned, {eval} of it would show empty."""
    nb = nbformat.read(path, 4)
    bad = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and ASSIGNED_GLUE.search(c.source)]
    assert not bad, f"{path.relative_to(ROOT)}: cells {bad} assign a glue result; use the glued name instead"


def test_the_assigned_glue_check_can_fail():
    assert ASSIGNED_GLUE.search('x = glue_value("x", 3)') and ASSIGNED_GLUE.search("a, b = book.glue_values(v)")
    assert not ASSIGNED_GLUE.search('glue_value("x", 3)')
