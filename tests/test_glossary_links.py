"""Glossary terms in the chapters: links that JupyterLab shows and the book resolves as terms.

A {term} role showed plain text in JupyterLab and logged a console error per term at every
render (a notebook holds no glossary to resolve it against). The chapters link to the glossary
page instead (`lessons.glossary`), and `_ext/glossary_links.py` makes each link the term's
cross-reference in the book. tests/test_lab.py counts the console errors in JupyterLab.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lessons import glossary

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "teachers").glob("*.ipynb"))
TERMS = glossary.glossary_terms((ROOT / "glossary.md").read_text(encoding="utf-8"))


def _markdown(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"]


def test_the_glossary_has_its_terms():
    assert len(TERMS) >= 40 and {"News agency", "Outlet", "Wire copy", "Reporter's voice"} <= set(TERMS)
    assert len({glossary.anchor(t) for t in TERMS}) == len(TERMS)  # one anchor per term


def test_anchor_and_role_to_link():
    assert glossary.anchor("Reporter's voice") == "term-reporter-s-voice"
    text, n = glossary.role_to_link("many {term}`outlets <outlet>` and {term}`wire copy`.")
    assert n == 2 and text == ("many [outlets](../glossary.md#term-outlet) and "
                               "[wire copy](../glossary.md#term-wire-copy).")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_link_terms_to_the_glossary_and_use_no_term_role(path):
    anchors = {glossary.anchor(t) for t in TERMS}
    for i, source in enumerate(_markdown(path)):
        assert "{term}" not in source, f"{path.name} markdown cell {i}: a {{term}} role; run tools/glue_to_eval.py"
        assert source.count("glossary.md") == len(glossary.LINK.findall(source)), \
            f"{path.name} markdown cell {i}: a glossary link not of the form [word](../glossary.md#term-...)"
        for text, anchor in glossary.LINK.findall(source):
            assert anchor in anchors, f"{path.name} markdown cell {i}: [{text}] links to {anchor}, no such term"


def test_the_book_makes_each_link_the_terms_cross_reference(tmp_path):
    """A small Sphinx project with the extension: a link is rendered as {term} renders it (the
    same href and classes); an anchor no term has is a warning (the book builds with -W)."""
    (tmp_path / "chapters").mkdir()
    (tmp_path / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT / '_ext')!r})\n"
        "extensions = ['myst_parser', 'glossary_links']\nnitpicky = True\n", encoding="utf-8")
    (tmp_path / "index.md").write_text("# Home\n\n```{toctree}\nglossary\nchapters/page\n```\n", encoding="utf-8")
    (tmp_path / "glossary.md").write_text("# Glossary\n\n```{glossary}\nWire copy\n  Agency text.\n\n"
                                          "Reporter's voice\n  The reporter's words.\n```\n", encoding="utf-8")
    (tmp_path / "chapters" / "page.md").write_text(
        "# Page\n\nA: [wire copy](../glossary.md#term-wire-copy).\n\nB: {term}`wire copy`.\n\n"
        "C: [voice](../glossary.md#term-reporter-s-voice).\n\nD: [gone](../glossary.md#term-no-such-term).\n",
        encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", str(tmp_path), str(tmp_path / "_build")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    html = (tmp_path / "_build" / "chapters" / "page.html").read_text(encoding="utf-8")
    link = '<a class="reference internal" href="../glossary.html#term-Wire-copy"><span class="xref std std-term">wire copy</span></a>'
    assert f"<p>A: {link}.</p>" in html and f"<p>B: {link}.</p>" in html
    assert 'href="../glossary.html#term-Reporter-s-voice"><span class="xref std std-term">voice</span>' in html
    assert "term not in glossary: 'term-no-such-term'" in run.stderr
