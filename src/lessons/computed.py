"""Exercises computed from the articles (not written in data/exercises/).

Each builder finds its example in whatever articles it is given, so the question, its
options and its answer all come from the text; `lessons.exercises.show` displays the dict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from lessons import corpus, language
from lessons.datafiles import elements as elements_file

__all__ = ["ceiling_exercise", "voice_exercise", "figures_exercise", "left_out_exercise", "book_exercises",
           "computed_name", "CHAPTER_EXERCISES"]


def computed_name(ex_id) -> str | None:
    """The question a computed exercise asks, if ``ex_id`` is the id of one; else None."""
    for ex in CHAPTER_EXERCISES:
        if isinstance(ex_id, str) and ex.id_pattern.fullmatch(ex_id):
            return ex.question
    return None

KIND_NAMES = ["exact: no hedge", "floor: the true number could be higher",
              "ceiling: the true number could be lower", "estimate: near the number, either side",
              "vague: no number at all"]
KIND_ORDER = ["exact", "at_least", "at_most", "approx", "vague"]


def ceiling_exercise(table: pd.DataFrame, exclude=()) -> dict:
    """'What kind of figure is this?' on the first ceiling ('up to') in `figures_table`
    whose sentence is not in ``exclude`` (sentences a table above already shows)."""
    rows = table[(table["qualifier"] == "at_most") & ~table["sentence"].isin(list(exclude))]
    if rows.empty:
        raise ValueError("ceiling_exercise: no figure with a ceiling ('up to') outside the excluded sentences")
    pick = rows.iloc[0]
    why_not = {
        "exact": f"An exact figure has no hedge. Here '{pick['hedge']}' is a hedge.",
        "at_least": f"A floor says 'at least' or 'more than'. '{pick['hedge']}' limits the number from above, not from below.",
        "approx": f"An estimate ('about', 'around') can be either side. '{pick['hedge']}' rules out a higher number.",
        "vague": f"A vague quantity has no number, like 'dozens'. Here there is one: {pick['text']}.",
    }
    return {
        "id": "figures-classify-computed",
        "type": "choice",
        "prompt": f"{pick['label']} writes: '{pick['sentence']}' What kind of figure is '{pick['text']}'?",
        "options": KIND_NAMES,
        "answer": KIND_ORDER.index(pick["qualifier"]),
        "feedback": [why_not.get(k, f"'{pick['hedge']}' means the true number could be lower, never higher.")
                     for k in KIND_ORDER],
        "explanation": f"'{pick['hedge']}' sets a ceiling: {pick['label']} does not say how many, only that it was not more.",
        "source": f"{pick['article_id']}: '{pick['sentence']}'",
    }


def _both_voice_passages(label: str, body: str):
    """(length, label, passage, terms) for each sentence (widened so that no quotation is
    cut in two) with loaded words in both voices and no term twice."""
    terms = language.find_loaded_terms(body)
    spans = list(zip(terms["start"], terms["end"], terms["voice"]))
    passages = sorted({language.passage_span(body, s.start, s.end) for s in corpus.sentences(body).itertuples()})
    for p0, p1 in passages:
        if {v for a, b, v in spans if a >= p0 and b <= p1} != {"reporter", "quoted"}:
            continue  # a quick look first: only passages with loaded words in both voices
        inside = terms[(terms.start >= p0) & (terms.end <= p1)].drop_duplicates(["term", "voice"])
        if inside["term"].str.lower().is_unique:
            yield p1 - p0, label, body[p0:p1], inside


def voice_exercise(articles: pd.DataFrame) -> dict:
    """'Which loaded word is in the reporter's own voice?' on the shortest sentence of the
    articles with loaded words in both voices."""
    cands = [c for label, body in zip(articles["label"], articles["body"])
             for c in _both_voice_passages(label, body)]
    if not cands:
        raise ValueError("voice_exercise: no sentence has loaded words both inside and outside quotation marks")
    _, where, sentence, inside = min(cands, key=lambda c: c[0])
    none_quoted = "None of them: every loaded word here is inside quotation marks."
    return {
        "id": "language-voice-computed",
        "type": "choice",
        "prompt": f"In this sentence from {where}, which loaded word is in the reporter's own voice? ‘{sentence}’",
        "options": inside["term"].tolist() + [none_quoted],
        "answer": inside["voice"].tolist().index("reporter"),
        "feedback": [
            (f"'{t.term}' is outside the quotation marks, and the sentence does not give it to anyone else, "
             f"so the reporter chose it. {t.note}" if t.voice == "reporter"
             else f"'{t.term}' is inside quotation marks: it is the speaker's word, repeated by the reporter.")
            for t in inside.itertuples()
        ] + ["Look again: one loaded word is outside the quotation marks, and the sentence does not give it to "
             "anyone else, so it is the reporter's own choice."],
        "explanation": "Look for the quotation marks. Words inside them belong to the person quoted. Words outside "
                       "are the reporter's choice, unless the sentence gives them to someone ('those he called', "
                       "'cited Xi as saying').",
        "source": f"{where}: found by lessons.language.find_loaded_terms.",
    }


def figures_exercise(table: pd.DataFrame) -> dict:
    """Chapter 2's computed exercise: `ceiling_exercise` on the first ceiling that the hedge
    table (`tables.hedge_examples`, shown above it) does not show. ``table`` is
    `tables.figure_tables(articles)[0]`."""
    from lessons import tables  # here: lessons.tables imports lessons.compare, which is slow to import

    return ceiling_exercise(table, exclude=tables.hedge_examples(table)["Sentence"])


def left_out_exercise(cov: pd.DataFrame, articles: pd.DataFrame) -> dict:
    """Chapter 4's computed exercise: `compare.coverage_exercise` on the first element the
    reports split on (at least two mention it, two leave it out: `tables.split_elements`).
    ``cov`` is `tables.coverage_tables(articles)[0]`."""
    from lessons import compare, tables

    element = tables.split_elements(cov, len(articles))[0]
    return compare.coverage_exercise(cov, element, labels=tables.labels(articles))


def _figures_from(articles: pd.DataFrame) -> dict:
    from lessons import tables

    return figures_exercise(tables.figure_tables(articles)[0])


def _left_out_from(articles: pd.DataFrame) -> dict:
    from lessons import tables

    return left_out_exercise(tables.coverage_tables(articles)[0], articles)


@dataclass(frozen=True)
class ComputedExercise:
    """An exercise a chapter computes: its id (fixed, or one per element of
    data/compare/elements.yml), the question it asks, and how to build it from the articles
    with the builder the chapter calls (``from_articles``)."""

    id_pattern: re.Pattern
    question: str
    from_articles: Callable[[pd.DataFrame], dict]


# The exercises the chapters compute, in the book's order; the one list that names them.
# data/lessons.yml may list their ids; a lesson box names them from here (computed_name),
# since building them takes a second or more of work; the worksheets build them here
# (book_exercises), with the same builders as the chapters.
CHAPTER_EXERCISES = (
    ComputedExercise(re.compile(r"figures-classify-computed"), "What kind of figure is this?", _figures_from),
    ComputedExercise(re.compile(r"language-voice-computed"), "Which loaded word is in the reporter's own voice?",
                     voice_exercise),
    ComputedExercise(elements_file.LEFT_OUT_ID_RE, "Which reports never mention this part of the story?",
                     _left_out_from),
)


def book_exercises(articles: pd.DataFrame | None = None, problems: list[str] | None = None) -> dict[str, dict]:
    """The exercises the chapters compute, by id, in the book's order, built from the
    articles with the chapters' own builders (`CHAPTER_EXERCISES`: chapter 2's
    `figures_exercise`, chapter 3's `voice_exercise`, chapter 4's `left_out_exercise`).
    The worksheets (`lessons.handouts`) print them; `data/lessons.yml` lists their ids.
    One that these articles cannot give (a teacher's own: no 'up to' figure, say) is left out,
    and why is added to ``problems`` when given."""
    if articles is None:
        articles = corpus.load_articles()
    found = {}
    for computed in CHAPTER_EXERCISES:
        try:
            ex = computed.from_articles(articles)
        except (ValueError, IndexError, KeyError) as err:
            if problems is not None:
                problems.append(str(err)[:300])
            continue
        found[ex["id"]] = ex
    return found
