"""Every figure about the events that an assignment or a teacher's page states says which
report it comes from, and is in that report (walk 5: "Only the president gave the figure of
20,000 'bandits'" named no article).

A paragraph states a figure from the reports when `extract_figures` finds in it a number with
the same value and the same counted word (its last word: 'bandits') as a figure that
`figures_table` finds in one of the five articles. Such a paragraph must name (outside code,
by label or article_id) at least one article, and every figure must be in a named one."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from lessons.corpus import load_articles
from lessons.figures import extract_figures, figures_table

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p for p in (ROOT / "assignments").glob("*/*.ipynb") if p.parent.name != "student")
PAGES += sorted((ROOT / "teachers").glob("*.md")) + sorted((ROOT / "teachers").glob("*.ipynb"))
CODE = re.compile(r"```.*?```|`[^`\n]{0,400}`", re.S)


def _key(value, counted) -> tuple | None:
    words = str(counted or "").split()
    if value != value or not words:  # NaN or nothing counted
        return None
    return float(value), words[-1].lower().strip("'’\"”")


@lru_cache(maxsize=1)
def article_figures() -> tuple[dict, dict]:
    """(figure key -> article_ids that hold it, article_id -> label)."""
    articles = load_articles()
    held: dict[tuple, set] = {}
    for row in figures_table(articles).itertuples():
        key = _key(row.value, row.counted)
        if key:
            held.setdefault(key, set()).add(row.article_id)
    return held, dict(zip(articles.article_id, articles.label))


def paragraphs(path: Path) -> list[str]:
    if path.suffix == ".md":
        texts = [path.read_text(encoding="utf-8")]
    else:
        texts = [c.source for c in nbformat.read(path, 4).cells if c.cell_type == "markdown"]
    return [p for text in texts for p in re.split(r"\n\s*\n", text) if p.strip()]


def unsourced(paragraph: str) -> list[str]:
    """The figures in `paragraph` that no article it names holds ([] if it states none)."""
    held, labels = article_figures()
    prose = CODE.sub(" ", paragraph)
    named = {a for a, label in labels.items()
             if re.search(rf"\b{re.escape(label)}\b", prose) or re.search(rf"\b{a}\b", prose)}
    missing = []
    for row in extract_figures(prose).itertuples():
        key = _key(row.value, row.counted)
        if key in held and not held[key] & named:
            missing.append(f"{row.text} {key[1]} (in {', '.join(sorted(labels[a] for a in held[key]))})")
    return missing


def test_the_rule_catches_an_unsourced_figure_and_accepts_a_sourced_one():
    assert unsourced("Only the president gave the figure of 20,000 'bandits'.")
    assert unsourced("JPost says 20,000 'bandits' attacked.")  # JPost does not give it
    assert not unsourced("Al Jazeera quotes the president: up to 20,000 'bandits' attacked.")
    assert not unsourced("Count the loaded terms per 1,000 words.")  # not a figure of the reports


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_figure_names_a_report_that_gives_it(path):
    bad = [(p[:120], miss) for p in paragraphs(path) if (miss := unsourced(p))]
    assert not bad, f"{path.relative_to(ROOT)}: name the report each figure comes from: {bad}"
