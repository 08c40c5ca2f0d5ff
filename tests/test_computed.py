"""lessons.computed: exercises whose question and answer come from the articles given."""

import pandas as pd
import pytest

from lessons import computed, corpus, exercises, figures


def test_ceiling_exercise_on_a_hand_made_table():
    table = pd.DataFrame({
        "qualifier": ["at_most", "at_most", "exact"], "sentence": ["Up to 40 hurt.", "Up to 9 fled.", "Two died."],
        "hedge": ["up to", "up to", ""], "text": ["up to 40", "up to 9", "Two"], "label": ["Alpha"] * 3,
        "article_id": ["a"] * 3})
    ex = computed.ceiling_exercise(table, exclude=["Up to 40 hurt."])
    assert "Up to 9 fled." in ex["prompt"] and ex["options"][ex["answer"]].startswith("ceiling")
    assert len(ex["feedback"]) == len(ex["options"]) and ex["source"] == "a: 'Up to 9 fled.'"
    exercises.validate_exercise(ex)  # a well-formed exercise (raises LessonsDataError if not)
    with pytest.raises(ValueError, match="no figure with a ceiling"):
        computed.ceiling_exercise(table, exclude=["Up to 40 hurt.", "Up to 9 fled."])


def test_voice_exercise_on_invented_text():
    articles = pd.DataFrame({"label": ["Alpha", "Beta"], "body": [
        "The mayor said the “thugs” had been dealt with. It was a brutal crackdown, he added, on “thugs”.",
        "Nothing loaded here at all."]})
    ex = computed.voice_exercise(articles)
    exercises.validate_exercise(ex)
    answer = ex["options"][ex["answer"]]
    assert ex["type"] == "choice" and "Alpha" in ex["prompt"]
    assert answer.lower() != "thugs" and "outside the quotation marks" in ex["feedback"][ex["answer"]]
    assert not ex["feedback"][ex["answer"]].startswith("Yes")  # the checker says "Correct." already
    # words outside quotation marks can still be someone else's: reported speech ('those he called')
    assert "unless the sentence gives them to someone" in ex["explanation"]
    assert "does not give it to anyone else" in ex["feedback"][ex["answer"]]
    with pytest.raises(ValueError, match="no sentence"):
        computed.voice_exercise(articles.iloc[1:])


def test_computed_exercises_on_the_articles():
    articles = corpus.load_articles()
    table = figures.figures_table(articles)
    for ex in (computed.ceiling_exercise(table), computed.voice_exercise(articles)):
        exercises.validate_exercise(ex)
        assert 0 <= ex["answer"] < len(ex["options"]) and len(ex["feedback"]) == len(ex["options"])


def test_computed_feedback_does_not_praise_twice():
    """The checker says 'Correct.' first: a computed note starts with its reason, not 'Right'."""
    from test_exercises import praise_twice

    articles = corpus.load_articles()
    table = figures.figures_table(articles)
    for ex in (computed.ceiling_exercise(table), computed.voice_exercise(articles)):
        messages = [exercises.check(ex, i)["message"] for i in range(len(ex["options"]))]
        assert messages[ex["answer"]].startswith("✓ Correct.")
        assert not any(praise_twice(m) for m in messages), messages


def test_the_chapters_build_their_computed_exercises_with_the_builders_the_worksheets_use():
    """One list of builders (computed.CHAPTER_EXERCISES): each chapter that shows a computed
    exercise calls the builder book_exercises calls, never the steps again by hand."""
    import json
    import re
    from pathlib import Path

    chapters = Path(__file__).resolve().parents[1] / "chapters"
    code = {p.name: "\n".join("".join(c["source"]) for c in json.loads(p.read_text(encoding="utf-8"))["cells"]
                              if c["cell_type"] == "code") for p in chapters.glob("[0-9]*.ipynb")}
    builders = {"figures_exercise": "02_checking_numbers.ipynb", "voice_exercise": "03_who_calls_whom_what.ipynb",
                "left_out_exercise": "04_same_story.ipynb"}
    for name, chapter in builders.items():
        assert re.search(rf"\bshow\(computed\.{name}\(", code[chapter]), (name, chapter)
    steps = re.compile(r"\b(ceiling_exercise|coverage_exercise|split_elements)\(")
    assert not [(n, m) for n, c in code.items() for m in steps.findall(c)], "a chapter repeats a builder's steps"
    assert len(computed.CHAPTER_EXERCISES) == len(builders)


def test_book_exercises_are_the_chapters_exercises():
    from lessons import tables

    articles = corpus.load_articles()
    built = computed.book_exercises(articles)
    cov = tables.coverage_tables(articles)[0]
    chapter = [computed.figures_exercise(tables.figure_tables(articles)[0]), computed.voice_exercise(articles),
               computed.left_out_exercise(cov, articles)]
    assert list(built.values()) == chapter
    for ex in chapter:
        exercises.validate_exercise(ex)
        assert computed.computed_name(ex["id"]) is not None


def test_the_left_out_id_is_one_rule():
    """compare.coverage_exercise makes the id that computed_name recognises, from the one
    pattern in the elements file's module; a longer or odd id is not one."""
    from lessons.datafiles import elements

    assert elements.left_out_id("fuel-prices") == "same-story-left-out-fuel-prices"
    assert computed.computed_name(elements.left_out_id("a" * elements.ID_MAX))
    for bad in ("a" * (elements.ID_MAX + 1), "Fuel", "fuel--prices", "-fuel", "fuel prices", ""):
        assert computed.computed_name(elements.LEFT_OUT_PREFIX + bad) is None, bad
