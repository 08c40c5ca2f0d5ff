"""Every figure about the events that an assignment or a teacher's page states says which
report it comes from, and is in that report (walk 5: "Only the president gave the figure of
20,000 'bandits'" named no article).

A paragraph states a figure from the reports when `extract_figures` finds in it a number with
the same value and the same counted word (its last word: 'bandits') as a figure that
`figures_table` finds in one of the five articles. Such a paragraph must name (outside code,
by label or article_id) at least one article, and every figure must be in a named one.

A wrong value is caught too (walk 7): when a paragraph states a number for a word that the
reports count ('people', 'criminals', 'troops'), some report must give that number for that
word, and (by the rule above) the paragraph must name it. So "TheJournal says 26 people died"
fails (TheJournal counts 26 'armed criminals', and its 'people' figures are other numbers),
and so does "TheJournal says 27 'armed criminals' were killed"."""

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


def counted_words() -> dict[str, dict[str, set[float]]]:
    """counted word -> article_id -> the values that article gives for it."""
    held, _ = article_figures()
    words: dict[str, dict[str, set[float]]] = {}
    for (value, word), ids in held.items():
        for a in ids:
            words.setdefault(word, {}).setdefault(a, set()).add(value)
    return words


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


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


def wrong_values(paragraph: str) -> list[str]:
    """The figures in `paragraph` whose counted word the reports count but whose number no
    report gives for that word, each with the numbers the reports do give ([] if none)."""
    held, labels = article_figures()
    words = counted_words()
    wrong = []
    for row in extract_figures(CODE.sub(" ", paragraph)).itertuples():
        key = _key(row.value, row.counted)
        if key and key not in held and key[1] in words:
            given = "; ".join(f"{labels[a]}: {', '.join(_number(v) for v in sorted(values))}"
                              for a, values in sorted(words[key[1]].items()))
            wrong.append(f"{row.text} {key[1]} (no report gives it; the reports give {given})")
    return wrong


def test_the_rule_catches_an_unsourced_figure_and_accepts_a_sourced_one():
    assert unsourced("Only the president gave the figure of 20,000 'bandits'.")
    assert unsourced("JPost says 20,000 'bandits' attacked.")  # JPost does not give it
    assert not unsourced("Al Jazeera quotes the president: up to 20,000 'bandits' attacked.")
    assert not unsourced("Count the loaded terms per 1,000 words.")  # not a figure of the reports


def test_the_rule_catches_a_wrong_value_for_a_counted_word():
    # TheJournal counts 26 'armed criminals'; its 'people' figures are other numbers
    assert wrong_values("TheJournal says 26 people died.")
    assert wrong_values("TheJournal says 27 'armed criminals' were killed.")
    assert wrong_values("Police said 50 troops arrived.")  # no article named, no report gives it
    assert not wrong_values("TheJournal says 26 'armed criminals' were killed.")
    assert not wrong_values("Write three to five sentences about two reports.")  # not counted words
    message = wrong_values("TheJournal says 26 people died.")[0]
    assert "TheJournal: " in message and "2,300" in message  # what the report does give


def test_a_wrong_value_planted_in_a_real_page_fails():
    """Each paragraph of the pages that states a report's figure, with that number changed by
    one, fails the page test; the page as it is passes."""
    held, _ = article_figures()
    planted = 0
    for path in PAGES:
        for p in paragraphs(path):
            prose = CODE.sub(" ", p)
            for row in extract_figures(prose).itertuples():
                key = _key(row.value, row.counted)
                if key not in held or not re.fullmatch(r"[0-9][0-9,]{0,12}", row.text):
                    continue
                changed = prose[:row.start] + _number(row.value + 1) + prose[row.end:]
                assert not wrong_values(prose), (path.name, prose[:120])
                assert wrong_values(changed), f"{path.name}: a wrong value is not caught: {changed[:160]}"
                planted += 1
    assert planted >= 2  # the pages state report figures (the 'bandits', the 'armed criminals')


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_figure_names_a_report_that_gives_it(path):
    bad = [(p[:120], miss) for p in paragraphs(path) if (miss := unsourced(p))]
    assert not bad, f"{path.relative_to(ROOT)}: name the report each figure comes from: {bad}"
    wrong = [(p[:120], w) for p in paragraphs(path) if (w := wrong_values(p))]
    assert not wrong, f"{path.relative_to(ROOT)}: a number no report gives for what it counts: {wrong}"
