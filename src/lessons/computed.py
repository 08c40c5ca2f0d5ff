"""Exercises computed from the articles (not written in data/exercises/).

Each builder finds its example in whatever articles it is given, so the question, its
options and its answer all come from the text; `lessons.exercises.show` displays the dict.
"""

from __future__ import annotations

import re

import pandas as pd

from lessons import corpus, language

__all__ = ["ceiling_exercise", "voice_exercise", "book_exercises", "computed_name"]

# The ids of the exercises the chapters compute (fixed, or one per element of
# data/compare/elements.yml) and the question each asks. data/lessons.yml may list them;
# a lesson box names them from here, since building them takes a second or more of work.
COMPUTED = (
    (re.compile(r"figures-classify-computed"), "What kind of figure is this?"),
    (re.compile(r"language-voice-computed"), "Which loaded word is in the reporter's own voice?"),
    (re.compile(r"same-story-left-out-[a-z0-9][a-z0-9-]{0,60}"),
     "Which reports never mention this part of the story?"),
)


def computed_name(ex_id) -> str | None:
    """The question a computed exercise asks, if ``ex_id`` is the id of one; else None."""
    for pattern, name in COMPUTED:
        if isinstance(ex_id, str) and pattern.fullmatch(ex_id):
            return name
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
            (f"'{t.term}' is outside the quotation marks, so the reporter chose it. {t.note}" if t.voice == "reporter"
             else f"'{t.term}' is inside quotation marks: it is the speaker's word, repeated by the reporter.")
            for t in inside.itertuples()
        ] + ["Look again: one loaded word is outside the quotation marks, so it is the reporter's own choice."],
        "explanation": "Look for the quotation marks. Words inside them belong to the person quoted; words outside are the reporter's choice.",
        "source": f"{where}: found by lessons.language.find_loaded_terms.",
    }


def book_exercises(articles: pd.DataFrame | None = None, problems: list[str] | None = None) -> dict[str, dict]:
    """The exercises the chapters compute, by id, in the book's order, built from the
    articles as the chapters build them (chapter 2: the first ceiling the hedge table does not
    show; chapter 3: `voice_exercise`; chapter 4: the first element the reports split on).
    The worksheets (`lessons.handouts`) print them; `data/lessons.yml` lists their ids.
    One that these articles cannot give (a teacher's own: no 'up to' figure, say) is left out,
    and why is added to ``problems`` when given."""
    from lessons import compare, tables  # here: lessons.tables imports lessons.compare

    if articles is None:
        articles = corpus.load_articles()

    def ceiling():
        table = tables.figure_tables(articles)[0]
        return ceiling_exercise(table, exclude=tables.hedge_examples(table)["Sentence"])

    def left_out():
        cov = tables.coverage_tables(articles)[0]
        return compare.coverage_exercise(cov, tables.split_elements(cov, len(articles))[0],
                                         labels=tables.labels(articles))

    found = {}
    for build in (ceiling, lambda: voice_exercise(articles), left_out):
        try:
            ex = build()
        except (ValueError, IndexError, KeyError) as err:
            if problems is not None:
                problems.append(str(err)[:300])
            continue
        found[ex["id"]] = ex
    return found
