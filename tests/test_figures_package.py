"""The shape of the lessons.figures package (issue 18): what it exports, how its modules depend
on each other, and how complex its functions may be (measured with radon; the same rule holds
for lessons.datafiles)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lessons import datafiles, figures

PACKAGE = Path(figures.__file__).parent
MEASURED = [PACKAGE, Path(datafiles.__file__).parent]  # packages held to the complexity rule
# Bottom first: a module may import only modules earlier in this list.
LAYERS = ["watch", "claims", "grammar", "extraction", "sources", "ledger", "verdicts", "charts"]
MAX_COMPLEXITY = 15  # radon's cyclomatic complexity
MAX_LINES = 60
REASON = "# complexity:"


def test_every_module_is_in_a_layer():
    assert sorted(p.stem for p in PACKAGE.glob("*.py") if p.stem != "__init__") == sorted(LAYERS)


@pytest.mark.parametrize("name", [
    "extract_figures", "figures_table", "compare_figures", "claim_reports", "conservative_figure",
    "attributions", "counting_body", "assign_claim", "load_claims", "claim_chart_frame",
    "FIGURE_COLUMNS", "TABLE_COLUMNS", "COMPARE_COLUMNS", "QUALIFIERS", "VERDICTS",
    # private names that tests and tools use
    "_folder", "_read_csv", "_counters", "_grammar", "_source_for", "_FAST_ROWS",
    "_figures_frame", "_small_figures_frame",
])
def test_names_stay_importable_from_lessons_figures(name):
    assert hasattr(figures, name)


def test_public_functions_belong_to_lessons_figures():
    """help() and the grader's helper cache find them as lessons.figures functions."""
    for name in figures.__all__:
        obj = getattr(figures, name)
        if callable(obj) and hasattr(obj, "__module__") and not isinstance(obj, type):
            assert obj.__module__ == "lessons.figures", name


def test_setting_a_name_on_the_package_reaches_its_users(monkeypatch):
    """Replacing a function on lessons.figures changes what the package's own code calls."""
    calls = []
    original = figures.extract_figures
    monkeypatch.setattr(figures, "extract_figures", lambda text: (calls.append(text), original(text))[1])
    from lessons.corpus import load_articles

    figures.figures_table(load_articles().head(1))
    assert calls, "figures_table did not call the replaced extract_figures"
    monkeypatch.undo()
    assert figures.ledger.extract_figures is original


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add((node.module or "").split(".")[0])
            found.update(a.name for a in node.names if node.module is None)
    return found - {""}


@pytest.mark.parametrize("module", LAYERS)
def test_modules_import_only_the_layers_below(module):
    allowed = set(LAYERS[:LAYERS.index(module)])
    used = _imports(PACKAGE / f"{module}.py")
    assert used <= allowed, f"{module} imports {sorted(used - allowed)} (allowed: {sorted(allowed)})"


def _functions(package: Path):
    from radon.complexity import cc_visit

    for path in sorted(package.glob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for block in cc_visit("\n".join(lines)):
            if block.letter == "C":  # classes: their methods are listed on their own
                continue
            yield path.name, block, lines


@pytest.mark.parametrize("package", MEASURED, ids=lambda p: p.name)
def test_functions_are_small_or_say_why(package):
    """No function over MAX_LINES lines or MAX_COMPLEXITY without a '# complexity:' line above it."""
    too_big = []
    for name, block, lines in _functions(package):
        first = block.lineno - 1
        while first > 0 and lines[first - 1].lstrip().startswith("@"):
            first -= 1  # the reason goes above the decorators
        reason = first > 0 and lines[first - 1].lstrip().startswith(REASON)
        size = block.endline - block.lineno + 1
        if (block.complexity > MAX_COMPLEXITY or size > MAX_LINES) and not reason:
            too_big.append(f"{name}:{block.lineno} {block.fullname} complexity {block.complexity}, {size} lines")
    assert not too_big, "\n".join(too_big)


def test_the_check_sees_a_complex_function(tmp_path):
    """The measure itself: a function with 20 branches is reported as more than the limit."""
    from radon.complexity import cc_visit

    body = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(20))
    (block,) = cc_visit(f"def f(x):\n{body}\n    return -1\n")
    assert block.complexity > MAX_COMPLEXITY
