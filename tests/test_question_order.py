"""Questions come before the material that answers them (issue 16).

A question whose answer the book has just written in its own prose tests reading, not
thinking. Over the built chapter pages (the prose with every {eval} value filled in), for
each quiz this test takes the book's prose since the previous quiz (Markdown only: tables,
charts and evidence toggles are material to reason from, and so are the articles) and looks
for the quiz's key in it:

* a numeric answer written as a number in that prose ('about 183 days');
* a run of RUN words from the key (the right options, their feedback, the explanation, the
  model answers) that the prose also has, unless the run is in the question itself, in a
  wrong option or in one of the five articles (quoting the material is fine).

An exercise may be allowed below with a reason (a summary task that asks the student to put
the chapter's reasoning in their own words, for example).
"""

from __future__ import annotations

import html
import json
import re

import pytest
from bs4 import BeautifulSoup

from lessons import corpus
from lessons import exercises as X

RUN = 5  # words: shorter shared runs are ordinary phrases ('the interior ministry said')

# exercise id: why a key in the prose above it is fine
ALLOW = {
    "figures-explain-detained": "asks the student to explain, in their own words, the reasoning the "
                                "section has just shown (a summary task, not a test of reading)",
    "language-said-or-boasted": "asks about an invented sentence ('boasted') that the text does not show: "
                                "the text teaches the rule on 'ridiculed', the question applies it",
    "language-limits": "asks about invented sentences, different from the chapter's table: the text "
                       "states the principle, the question applies it to new cases",
    "same-story-agency-afp": "the text above teaches the rule (a shared sentence points to a shared agency "
                             "text); which agency it is, the question asks and the text above does not say",
}

_WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z]+)?")


def words(text: str) -> list[str]:
    text = html.unescape(text).lower().replace("’", "'").replace(",", "")
    return [w.replace("'", "") for w in _WORD.findall(text.replace("’", "'"))]


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    ws = words(text)
    return {tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)}


def key_parts(rules: dict) -> tuple[list[str], list[str]]:
    """(key texts, wrong-option texts) of a quiz's decoded rules."""
    typ = rules.get("type")
    options, feedback = rules.get("options") or [], rules.get("feedback") or []
    reveal = rules.get("reveal") or {}
    key, wrong = [reveal.get("explanation", "")], []
    if typ in ("choice", "multi"):
        right = rules["answer"] if isinstance(rules["answer"], list) else [rules["answer"]]
        for i, opt in enumerate(options):
            (key if i in right else wrong).append(opt)
            if i in right and i < len(feedback):
                key.append(feedback[i])
    elif typ == "text":
        key += list(rules.get("models") or [])
    return key, wrong


def _number_forms(value: float) -> set[str]:
    v = float(value)
    if v.is_integer():
        return {f"{int(v)}", f"{int(v):,}"}
    return {f"{v:g}", f"{v:,}"}


def giveaways(page: str, material: str = "") -> list[str]:
    """Problems on one built page: a quiz whose key is in the prose since the previous quiz.
    ``material``: text a run may share without counting (the articles)."""
    soup = BeautifulSoup(page, "html.parser")
    main = soup.find("main") or soup
    material_runs = runs(material)
    problems, prose = [], []
    for el in main.find_all(["p", "li", "div"]):
        classes = el.get("class") or []
        if el.name == "div" and "lx-quiz" in classes:
            rules = X.rules_from_page(json.loads(el["data-lx"]))
            ex_id = rules["id"]
            above = " ".join(prose)
            prose = []
            if ex_id in ALLOW:
                continue
            if rules["type"] == "numeric":
                for form in _number_forms(rules["answer"]):
                    if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", above):
                        problems.append(f"{ex_id}: the answer {form} is in the text just above the question")
                        break
            key, wrong = key_parts(rules)
            skip = runs(rules.get("prompt", "")) | material_runs
            for w in wrong:
                skip |= runs(w)
            shared = set().union(*(runs(k) for k in key)) & runs(above) - skip if key else set()
            if shared:
                sample = " ".join(sorted(shared)[0])
                problems.append(f"{ex_id}: the key's words '{sample}' are in the text just above the question")
        elif el.name in ("p", "li") and not el.find_parent(class_=["cell", "lx-quiz", "admonition-show-the-evidence"]):
            if el.name == "p" and el.find_parent("li"):
                continue  # the list item already holds its paragraph
            prose.append(el.get_text(" "))
    return problems


def _quiz(ex: dict) -> str:
    return X.static_html(X.validate_exercise(ex))


NUMERIC = {"id": "t-days", "type": "numeric", "prompt": "How many days are six months?",
           "answer": 183, "tolerance": 3, "explanation": "Six months are about 183 days.", "source": "s"}
CHOICE = {"id": "t-why", "type": "choice", "prompt": "Why do the counts differ?",
          "options": ["Someone lied.", "The count grew from one day to the next."], "answer": 1,
          "feedback": ["No.", "Right: a running total grows over time."],
          "explanation": "A running total grows over time.", "source": "s"}


def _page(*parts: str) -> str:
    return "<html><body><main>" + "".join(parts) + "</main></body></html>"


def test_a_key_in_the_prose_just_above_is_caught_and_one_below_is_not():
    above = _page("<p>Six months is about 183 days.</p>", _quiz(NUMERIC),
                  "<p>The reports suggest the count grew from one day to the next.</p>", _quiz(CHOICE))
    problems = giveaways(above)
    assert any(p.startswith("t-days: the answer 183") for p in problems)
    assert any(p.startswith("t-why: the key's words") for p in problems)
    below = _page("<p>Six months: how long is that?</p>", _quiz(NUMERIC),
                  "<p>Six months is about 183 days.</p>", _quiz(CHOICE),
                  "<p>The reports suggest the count grew from one day to the next.</p>")
    assert giveaways(below) == []


def test_quoting_the_articles_or_the_question_and_showing_tables_is_not_a_giveaway():
    page = _page('<p>The page says "the count grew from one day to the next".</p>', _quiz(CHOICE))
    assert giveaways(page, material="Officials: the count grew from one day to the next.") == []
    in_prompt = dict(CHOICE, prompt="The count grew from one day to the next. Why?")
    assert giveaways(_page("<p>the count grew from one day to the next</p>", _quiz(in_prompt))) == []
    table = _page('<div class="cell"><p>Six months is about 183 days.</p></div>', _quiz(NUMERIC))
    assert giveaways(table) == []
    assert giveaways(_page("<p>It took 1830 days.</p>", _quiz(NUMERIC))) == []  # not the same number


def test_the_allow_list_is_short_and_names_real_exercises():
    known = set(X.load_exercises())
    assert len(ALLOW) <= 5 and set(ALLOW) <= known
    assert all(len(reason) > 40 for reason in ALLOW.values())


@pytest.mark.book
def test_no_question_sits_below_the_text_that_answers_it(built_book):
    material = "\n".join(corpus.load_articles()["body"])
    problems = []
    for page in sorted((built_book / "chapters").glob("0*.html")):
        problems += [f"{page.name}: {p}" for p in giveaways(page.read_text(encoding="utf-8"), material)]
    assert not problems, "\n".join(problems)
