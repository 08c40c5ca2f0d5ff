"""Answer keys accept "the sentence does not say" where the sentence does not say.

TheJournal writes that 26 "armed criminals" had been killed "and 18 wounded": the 18 have no noun
of their own (`figures_table` marks it `counted_implied`). Chapter 2 and its exercise call
"armed criminals" a guess and accept "the sentence does not say"; a key that marks that answer
wrong states the guess as a fact. These tests run the figures assignment's hidden test (taken
from the master, our own code) on planted answers, and check the exit-ticket key's words."""

from __future__ import annotations

import nbformat
import pytest
import yaml

from lessons import grading
from lessons.corpus import load_articles
from lessons.figures import figures_table

ROOT = grading.REPO_ROOT


def _hidden_tests(master: str, question: str) -> list[str]:
    """The hidden test cells of one question of an assignment master."""
    nb = nbformat.read(ROOT / "assignments" / master / f"{master}.ipynb", as_version=4)
    cells, inside = [], False
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.startswith("# BEGIN QUESTION"):
            inside = f"name: {question}" in cell.source
        elif cell.cell_type == "raw" and cell.source.startswith("# END QUESTION"):
            inside = False
        elif inside and cell.cell_type == "code" and "hidden: true" in cell.source:
            cells.append(cell.source)
    assert cells, f"{master}: no hidden test for {question!r}"
    return cells


def _passes(code: list[str], **answers) -> bool:
    scope = dict(answers)
    try:
        for source in code:
            exec(compile(source, "<hidden test>", "exec"), scope)  # noqa: S102 (our own master's test)
    except AssertionError:
        return False
    return True


def test_the_18_wounded_have_an_implied_noun():
    """The premise: the figures helper says the noun of TheJournal's "18 wounded" is only implied."""
    t = figures_table(load_articles())
    rows = t[(t["article_id"] == "thejournal") & (t["value"] == 18) & (t["verb"] == "wounded")]
    assert len(rows) and rows["counted_implied"].all()


@pytest.mark.parametrize("answer, fair", [
    ({"A", "D"}, True),   # security forces killed; 'armed criminals' wounded (the borrowed noun)
    ({"A", "E"}, True),   # security forces killed; wounded, the sentence does not say who
    ({"A", "C"}, False),  # 'armed criminals' killed: the 18 were wounded
    ({"B", "E"}, False),  # security forces wounded: the 18 security officers were killed
    ({"D", "E"}, False),
])
def test_eighteens_accepts_the_sentence_does_not_say(answer, fair):
    assert _passes(_hidden_tests("figures", "eighteens"), eighteens=answer) is fair


def test_exit_ticket_key_on_the_18_says_the_sentence_does_not_say():
    lessons = yaml.safe_load((ROOT / "data" / "lessons.yml").read_text(encoding="utf-8"))
    keys = [t["key"] for lesson in lessons for t in lesson.get("exit_ticket") or []
            if "18 wounded" in t["question"]]
    assert keys, "the exit ticket on '26 were killed and 18 wounded' is gone"
    for key in keys:
        assert "does not say" in key and ("probably" in key.lower() or "guess" in key)
