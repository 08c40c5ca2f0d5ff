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
