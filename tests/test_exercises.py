"""Exercise machinery: loading and validation, checking, static HTML, widgets, saved answers,
and quiz.js (syntax, and the same verdicts and messages as Python's `check`)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from lessons import exercises as X
from lessons.answers import AnswerStore, atomic_write_json
from lessons.errors import LessonsDataError

ROOT = Path(__file__).resolve().parents[1]
QUIZ_JS = ROOT / "_static" / "quiz.js"
HOSTILE = "<script>alert(1)</script>"

CHOICE = {
    "id": "t-choice", "type": "choice", "prompt": "Pick", "options": ["a", "b", "c"],
    "answer": 1, "feedback": ["no a", "yes b", ""], "explanation": "E", "source": "S",
}
MULTI = {"id": "t-multi", "type": "multi", "prompt": "Pick some",
         "options": ["w", "x", "y", "z"], "answer": [0, 2], "explanation": "E", "source": "S"}
NUMERIC = {"id": "t-num", "type": "numeric", "prompt": "How many", "answer": 3000,
           "tolerance": 0, "explanation": "E", "source": "S"}
NUMERIC_TOL = dict(NUMERIC, id="t-num-tol", answer=2.5, tolerance=0.5)
WORDS = {"id": "t-words", "type": "words", "prompt": "Mark",
         "passage": "The “Rebels,” stormed Kazakhstan’s capital — officials said.",
         "answer": ["rebels", "Kazakhstan's"], "explanation": "E", "source": "S"}
TEXT = {"id": "t-text", "type": "text", "prompt": "Why?",
        "answer": ["Agencies translated the speech; outlets chose 30 different quotes."],
        "explanation": "E", "source": "S"}


def write_yml(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
- id: a-one
  type: choice
  prompt: "Q?"
  options: ["x", "y", "z", "w"]
  answer: 0
  explanation: "E"
  source: "S"
"""


# ------------------------------------------------------------------ loading & validation

def test_shipped_exercises_load_and_demo_has_every_type():
    found = X.load_exercises()
    demo = {k: v for k, v in found.items() if k.startswith("demo-")}
    assert {v["type"] for v in demo.values()} == set(X.TYPES)


def test_the_acled_key_is_the_helpers_most_conservative_reading():
    """figures-acled-dozens types its answer (12); the figures helper reads the prompt's own
    quoted phrase with vague.csv. The two must agree, or the key and the chapter's table differ."""
    from lessons.figures import extract_figures

    ex = X.load_exercises()["figures-acled-dozens"]
    phrase = re.search(r"'([^']*dozens[^']*)'", ex["prompt"]).group(1)
    fig = extract_figures(phrase)
    assert len(fig) == 1 and fig["conservative"].iloc[0] == ex["answer"], (phrase, fig.to_dict("records"))


def test_load_reads_every_file_and_fills_defaults(tmp_path):
    write_yml(tmp_path, "a.yml", GOOD)
    write_yml(tmp_path, "b.yml", """
- id: b-num
  type: numeric
  prompt: "N?"
  answer: 12
  explanation: "E"
  source: "S"
""")
    found = X.load_exercises(tmp_path)
    assert set(found) == {"a-one", "b-num"}
    assert found["b-num"]["tolerance"] == 0


def test_env_var_points_at_another_data_folder(tmp_path, monkeypatch):
    write_yml(tmp_path / "exercises", "x.yml", GOOD)
    monkeypatch.setenv("LESSONS_DATA", str(tmp_path))
    assert list(X.load_exercises()) == ["a-one"]


def test_answer_out_of_range_names_file_entry_id_and_field(tmp_path):
    write_yml(tmp_path, "figures.yml", GOOD + """
- id: figures-x
  type: choice
  prompt: "Q?"
  options: ["a", "b", "c", "d"]
  answer: 5
  explanation: "E"
  source: "S"
""")
    with pytest.raises(LessonsDataError) as err:
        X.load_exercises(tmp_path)
    msg = str(err.value)
    assert "figures.yml, line 14, entry 2 (id 'figures-x'): field 'answer' is 5 but there are only 4 options" in msg


@pytest.mark.parametrize("body, expected", [
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: 0\n  source: s\n",
     "entry 1 (id 'a'): field 'explanation' is missing"),
    ("- id: a\n  type: multi\n  prompt: p\n  answer: [0]\n  explanation: e\n  source: s\n",
     "entry 1 (id 'a'): field 'options' is missing"),
    ("- id: a\n  type: multi\n  prompt: p\n  options: [x, y]\n  answer: [0, 2]\n  explanation: e\n  source: s\n",
     "field 'answer' is 2 but there are only 2 options"),
    ("- id: a\n  type: words\n  prompt: p\n  answer: [x]\n  explanation: e\n  source: s\n",
     "entry 1 (id 'a'): field 'passage' is missing"),
    ("- id: a\n  type: words\n  prompt: p\n  passage: one two\n  answer: [three]\n  explanation: e\n  source: s\n",
     "field 'answer' word 'three' does not appear in the passage"),
    ("- id: a\n  type: numeric\n  prompt: p\n  answer: lots\n  explanation: e\n  source: s\n",
     "field 'answer' is 'lots': must be a number"),
    ("- id: a\n  type: numeric\n  prompt: p\n  answer: 3\n  tolerance: -1\n  explanation: e\n  source: s\n",
     "field 'tolerance' is -1"),
    ("- id: a\n  type: essay\n  prompt: p\n  answer: x\n  explanation: e\n  source: s\n",
     "field 'type' is 'essay'"),
    ("- type: text\n  prompt: p\n  answer: [x]\n  explanation: e\n  source: s\n",
     "entry 1 (no id): field 'id' is missing"),
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: 0\n  feedback: [f]\n  explanation: e\n  source: s\n",
     "field 'feedback' has 1 texts but there are 2 options"),
    ("- id: a\n  type: text\n  prompt: p\n  answer: [x]\n  explanation: e\n  source: s\n  explaination: typo\n",
     "field 'explaination' is not a known field"),
    ("- id: a\n  type: numeric\n  prompt: p\n  answer: 3\n  options: [x, y]\n  explanation: e\n  source: s\n",
     "field 'options' is not used by type 'numeric'"),
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: true\n  explanation: e\n  source: s\n",
     "field 'answer' is True"),
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: [0, 0]\n  explanation: e\n  source: s\n",
     "field 'answer' is [0, 0]: an index is listed twice"),
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: [0, 2]\n  explanation: e\n  source: s\n",
     "field 'answer' is 2 but there are only 2 options"),
    ("- id: a\n  type: choice\n  prompt: p\n  options: [x, y]\n  answer: []\n  explanation: e\n  source: s\n",
     "field 'answer' is []"),
])
def test_validation_errors_name_entry_and_field(tmp_path, body, expected):
    write_yml(tmp_path, "ch.yml", body)
    with pytest.raises(LessonsDataError) as err:
        X.load_exercises(tmp_path)
    assert "ch.yml" in str(err.value)
    assert expected in str(err.value)


def test_duplicate_ids_across_files_name_both_places(tmp_path):
    write_yml(tmp_path, "a.yml", GOOD)
    write_yml(tmp_path, "b.yml", GOOD)
    with pytest.raises(LessonsDataError) as err:
        X.load_exercises(tmp_path)
    msg = str(err.value)
    assert "b.yml, line 2, entry 1 (id 'a-one'): field 'id' 'a-one' is already used by" in msg
    assert "a.yml, entry 1" in msg


def test_duplicate_key_and_bad_yaml_give_line_numbers(tmp_path):
    write_yml(tmp_path, "d.yml", "- id: a\n  id: b\n")
    with pytest.raises(LessonsDataError, match=r"d\.yml, line 2: .*'id' appears twice"):
        X.load_exercises(tmp_path)
    shutil.rmtree(tmp_path)
    write_yml(tmp_path, "e.yml", "- id: [unclosed\n")
    with pytest.raises(LessonsDataError, match=r"e\.yml, line \d+: not valid YAML"):
        X.load_exercises(tmp_path)


def test_top_level_must_be_a_list_and_all_problems_reported(tmp_path):
    write_yml(tmp_path, "m.yml", "id: a\n")
    write_yml(tmp_path, "n.yml", "- id: b\n  type: choice\n")
    with pytest.raises(LessonsDataError) as err:
        X.load_exercises(tmp_path)
    msg = str(err.value)
    assert "m.yml: must be a YAML list" in msg
    assert "n.yml, line 1, entry 1 (id 'b'): field 'prompt' is missing" in msg
    assert "n.yml, line 1, entry 1 (id 'b'): field 'options' is missing" in msg


def test_cache_is_invalidated_when_a_file_changes_and_copies_are_returned(tmp_path):
    p = write_yml(tmp_path, "a.yml", GOOD)
    first = X.load_exercises(tmp_path)
    first["a-one"]["prompt"] = "mutated"
    assert X.load_exercises(tmp_path)["a-one"]["prompt"] == "Q?"
    p.write_text(GOOD.replace("Q?", "Changed question?"), encoding="utf-8")
    os.utime(p, ns=(1, 10**18))
    assert X.load_exercises(tmp_path)["a-one"]["prompt"] == "Changed question?"


def test_unknown_id_suggests_close_matches():
    with pytest.raises(LessonsDataError, match="demo-choice-agency"):
        X.get_exercise("demo-choice-agenc")


def test_show_validates_a_dict():
    with pytest.raises(LessonsDataError, match="exercise passed to show\\(\\) \\(id 't-choice'\\): field 'answer' is 3"):
        X.show(dict(CHOICE, answer=3), store=False)


# ------------------------------------------------------------------ check()

def test_choice():
    assert X.check(CHOICE, 1)["correct"] is True
    assert X.check(CHOICE, 1)["message"] == "✓ Correct. yes b"
    r = X.check(CHOICE, 0)
    assert (r["correct"], r["status"], r["message"]) == (False, "incorrect", "✗ Not quite. no a")
    assert X.check(CHOICE, 2)["message"] == "✗ Not quite. Try again."  # empty feedback text
    assert X.check(CHOICE, None)["status"] == "empty"


def test_multi_counts_right_missing_wrong():
    r = X.check(MULTI, [0, 1])
    assert (r["correct"], r["status"]) == (False, "partial")
    assert (r["right"], r["missing"], r["wrong"]) == ([0], [2], [1])
    assert r["message"] == "✗ Not yet: 1 of 2 right answers chosen; 1 missing; 1 wrong: “x”."
    assert X.check(MULTI, {2, 0})["message"] == "✓ Correct: you chose both right answers."
    assert X.check(MULTI, [3])["status"] == "incorrect"
    # one or three right answers: 'the right answer', 'all 3 right answers', never 'all 1' (walk 7)
    assert X.check(dict(MULTI, answer=[1]), [1])["message"] == "✓ Correct: you chose the right answer."
    assert X.check(dict(MULTI, answer=[0, 1, 2]), [0, 1, 2])["message"] == \
        "✓ Correct: you chose all 3 right answers."
    assert X.check(dict(WORDS, answer=["rebels"]), ["rebels"])["message"] == "✓ Correct: you found the word."
    assert X.check(MULTI, [])["status"] == "empty"
    assert X.check(MULTI, [0, 2, 3])["correct"] is False


@pytest.mark.parametrize("typed, ok", [
    ("3000", True), ("3,000", True), ("3 000", True), ("3\u2009000", True), ("3\u00a0000", True),
    (" 3000.0 ", True), (3000, True), (3000.0, True), ("2999", False), ("30,00", False),
    ("3.000", False),  # a decimal point, not a thousands separator: 3.0
])
def test_numeric_formats(typed, ok):
    assert X.check(NUMERIC, typed)["correct"] is ok


def test_numeric_messages_and_tolerance():
    assert X.check(NUMERIC, "4000")["message"] == "✗ Not quite: your answer is too high."
    assert X.check(NUMERIC, "-5")["message"] == "✗ Not quite: your answer is too low."
    bad = X.check(NUMERIC, "about 3000")
    assert bad["status"] == "invalid" and "“about 3000” is not a number" in bad["message"]
    assert X.check(NUMERIC, "")["status"] == "empty"
    assert X.check(NUMERIC, "1e3")["status"] == "invalid"
    assert X.check(NUMERIC, "nan")["status"] == "invalid"
    assert X.check(NUMERIC, True)["status"] == "invalid"
    assert X.check(NUMERIC_TOL, "3")["correct"] and X.check(NUMERIC_TOL, "2,0")["correct"]
    assert not X.check(NUMERIC_TOL, "3.01")["correct"]
    assert X.parse_number("12%") == 12.0 and X.parse_number("−4") == -4.0


def test_words_case_and_punctuation_insensitive():
    r = X.check(WORDS, ["REBELS", "kazakhstan's", "officials"])
    assert (r["found"], r["missed"], r["extra"]) == (["rebels", "kazakhstan's"], [], ["officials"])
    assert r["message"] == ("✗ Not yet: you found 2 of 2 words (“rebels”, “kazakhstan's”); "
                            "not in the key: “officials”.")
    ok = X.check(WORDS, ["“Rebels,”", "Kazakhstan’s"])
    assert ok["correct"] is True and ok["message"] == "✓ Correct: you found both words."
    miss = X.check(WORDS, ["rebels"])
    assert miss["missed"] == ["kazakhstan's"] and "1 still to find" in miss["message"]
    assert X.check(WORDS, [])["status"] == "empty"
    assert X.check(WORDS, ["stormed"])["status"] == "incorrect"


def test_passage_tokens_offsets_and_dash_split():
    p = WORDS["passage"]
    toks = X.passage_tokens(p)
    assert all(p[t["start"]:t["end"]] == t["text"] for t in toks)
    assert "capital" in [t["word"] for t in toks] and "—" not in [t["word"] for t in toks]


@pytest.mark.parametrize("a, b", [
    ("protest", "protesters"), ("protests", "protesting"), ("kill", "killed"), ("killing", "kills"),
    ("fire", "fired"), ("fires", "firing"), ("stop", "stopped"), ("agree", "agreed"),
    ("rally", "rallies"), ("box", "boxes"), ("process", "processes"), ("officer", "officers"),
    ("time", "times"), ("run", "running"), ("add", "added"), ("call", "called"),
])
def test_a_key_word_matches_its_inflections(a, b):
    assert X.key_stem(a) == X.key_stem(b), (X.key_stem(a), X.key_stem(b))


@pytest.mark.parametrize("a, b", [
    ("us", "use"), ("thin", "thing"), ("kill", "kiln"), ("bus", "busy"), ("sing", "sin"),
    ("red", "re"), ("need", "ne"), ("bus", "bu"), ("news", "newt"),
])
def test_a_key_word_does_not_match_a_different_word(a, b):
    assert X.key_stem(a) != X.key_stem(b), (X.key_stem(a), X.key_stem(b))


def test_an_inflected_idea_is_mentioned():
    """The student's 'protesters were killed' has the ideas 'protest' and 'kill'."""
    ex = {"id": "t-infl", "type": "text", "prompt": "What happened?",
          "answer": ["Police said they would kill anyone at the protest.",
                     "The protest went on; police threatened to kill."],
          "explanation": "E", "source": "S"}
    assert {"protest", "kill"} <= {k["word"] for k in X.keywords(ex["answer"], ex["prompt"])}
    assert {"protest", "kill"} <= set(X.check(ex, "Protesters were killed.")["used"])
    assert X.check(ex, "Use it for us.")["used"] == []


def test_text_is_never_wrong_and_reports_key_words():
    r = X.check(TEXT, "The agency's translation changed the speech.")
    assert r["correct"] is True and r["status"] == "answered"
    assert r["model_answers"] == TEXT["answer"]
    assert set(r["used"]) == {"agencies", "translated", "speech"}
    assert "30" in r["keywords"] and "the" not in r["keywords"]
    assert r["message"].startswith("Compare your answer with the model answer. "
                                   "You mentioned 3 of the 6 ideas a good answer usually has: ")
    nothing = X.check(TEXT, "   ")
    assert nothing["status"] == "empty" and nothing["used"] == []
    unrelated = X.check(TEXT, "I don't know")
    assert unrelated["correct"] is True and unrelated["used"] == []


def test_key_words_are_the_telling_content_words():
    """Walk 11: every word of the model answers was a key word ('2', '300', '000', 'came',
    'know', 'first', 'people', 'report': 37 of them), so a good one-sentence answer got
    '8 of 37'. Key words are content words (no function word, common verb or generic word),
    numbers whole as written, no word the question already uses, words that always come
    together one idea, and at most MAX_KEYWORDS of them, the ones most model answers share."""
    ex = {"id": "t-key", "type": "text", "prompt": "Why do the reports give different numbers of people?",
          "answer": ["We do not know which report came first: about 2,300 people (the health ministry) "
                     "and 1,200 people (the police) were counted at different times.",
                     "The health ministry and the police counted at different times, so the totals grew."],
          "explanation": "E", "source": "S"}
    keys = X.keywords(ex["answer"], ex["prompt"])
    words = [k["word"] for k in keys]
    assert 0 < len(keys) <= X.MAX_KEYWORDS, words
    assert words[:4] == ["health ministry", "police", "counted", "times"], words  # in both answers
    for generic in ("came", "know", "first", "people", "report", "different", "numbers", "2", "300", "000"):
        assert generic not in words, (generic, words)
    assert "2,300" in words, words  # a number as written
    good = "The health ministry counted 2300 at one time and the police later."
    r = X.check(ex, good)
    assert r["used"] == ["health ministry", "police", "counted", "times", "2,300"], r["used"]
    assert f"You mentioned 5 of the {len(keys)} ideas a good answer usually has: health ministry" in r["message"]
    # one word of an idea is enough ('ministry' alone), a plural matches its singular
    assert X.check(ex, "The ministry counts.")["used"] == ["health ministry", "counted"]
    # the book's chapter 2 exercise: at most MAX_KEYWORDS ideas, no fragment of a number
    detained = X.load_exercises()["figures-explain-detained"]
    keys = X.keywords(detained["answer"], detained["prompt"])
    assert len(keys) == X.MAX_KEYWORDS and not {"2", "300", "000", "came", "people"} & {k["word"] for k in keys}


# ------------------------------------------------------------------ static HTML

class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.attrs = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(s: str) -> _Collect:
    c = _Collect()
    c.feed(s)
    return c


@pytest.mark.parametrize("ex", [
    dict(CHOICE, prompt=HOSTILE, options=[HOSTILE, "b\" onclick=\"x", "c"],
         feedback=[HOSTILE, "", ""], explanation=HOSTILE, source=HOSTILE),
    dict(MULTI, options=[HOSTILE, "<img src=x onerror=alert(1)>", "y", "z"]),
    dict(WORDS, passage=f"Hello {HOSTILE} rebels Kazakhstan's", prompt=HOSTILE),
    dict(TEXT, answer=[HOSTILE], prompt=HOSTILE),
    dict(NUMERIC, prompt=HOSTILE, explanation=HOSTILE),
])
def test_static_html_escapes_hostile_text(ex):
    ex = X.validate_exercise(ex)
    out = X.static_html(ex)
    parsed = _parse(out)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert not any(k.startswith("on") for _, a in parsed.attrs for k in a)
    assert HOSTILE in "".join(parsed.text) or HOSTILE in json.dumps(
        [a.get("data-lx") for _, a in parsed.attrs])
    assert "<script>" not in out
    # the rules travel as escaped JSON and parse back to the same exercise data
    rules = json.loads([a for t, a in parsed.attrs if "data-lx" in a][0]["data-lx"])
    assert rules["type"] == ex["type"] and rules["id"] == ex["id"]


def test_static_html_is_accessible_markup():
    for ex in X.load_exercises().values():
        if not ex["id"].startswith("demo-"):
            continue
        out = X.static_html(ex, uid="lx-t")
        p = _parse(out)
        assert "fieldset" in p.tags and "legend" in p.tags
        assert 'aria-live="polite"' in out and 'role="status"' in out
        assert "<summary>Show" in out and '<button type="button" class="lx-check" disabled>' in out
        ids = [a["id"] for t, a in p.attrs if t in ("input", "textarea")]
        labels = [a.get("for") for t, a in p.attrs if t == "label"]
        assert all(i in labels for i in ids), ex["id"]
        if ex["type"] == "words":
            assert 'aria-pressed="false"' in out


def test_static_html_is_inert_until_quiz_js_and_says_to_run_the_cell():
    """JupyterLab shows this HTML when a saved notebook is reopened (no script, no quiz.css,
    maybe sanitised): nothing there may look live, and it says to run the cell. In the book,
    quiz.css hides that note and shows the no-JavaScript one; quiz.js enables the inputs."""
    css = (ROOT / "_static" / "quiz.css").read_text(encoding="utf-8")
    js = QUIZ_JS.read_text(encoding="utf-8")
    assert re.search(r"\.lx-run-note\s*\{\s*display:\s*none\s*!important", css)
    assert re.search(r"\.lx-noscript\s*\{\s*display:\s*block\s*!important", css)
    assert ".disabled = false" in js and "fieldset.lx-fieldset[disabled]" in js
    for ex in X.load_exercises().values():
        out = X.static_html(ex, uid="lx-t")
        p = _parse(out)
        fieldsets = [a for t, a in p.attrs if t == "fieldset"]
        assert len(fieldsets) == 1 and "disabled" in fieldsets[0], ex["id"]
        # every input, textarea and button is in the disabled fieldset, or is Check (disabled)
        body = out.split("</fieldset>")
        assert not re.search(r"<(input|textarea|select)\b", body[1]), ex["id"]
        assert re.findall(r"<button\b[^>]*>", body[1]) == ['<button type="button" class="lx-check" disabled>']
        assert f'<p class="lx-run-note"><strong>{X.RUN_TO_ANSWER}</strong></p>' in body[0]
        assert '<p class="lx-noscript" style="display: none">' in out
    assert "Shift+Enter" in X.RUN_TO_ANSWER and "saved answers come back" in X.RUN_TO_ANSWER


def test_uids_differ_when_the_same_exercise_is_shown_twice():
    a = X.show("demo-choice-agency", store=False)
    b = X.show("demo-choice-agency", store=False)
    assert a.uid != b.uid and f'id="{a.uid}-o0"' in a.html()


# ------------------------------------------------------------------ widget & bundle

def test_mimebundle_has_widget_html_and_text():
    q = X.show("demo-choice-agency", store=False)
    b = q._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(b)
    assert b["application/vnd.jupyter.widget-view+json"]["model_id"] == q.widget.model_id
    assert 'class="lx-quiz lx-type-choice"' in b["text/html"]
    assert "A report ends with" in b["text/plain"]


def test_widget_inputs_per_type():
    import ipywidgets as w
    kinds = {"choice": w.RadioButtons, "multi": w.Checkbox, "numeric": w.Text,
             "text": w.Textarea, "words": w.ToggleButton}
    for ex in (CHOICE, MULTI, NUMERIC, TEXT, WORDS):
        q = X.show(ex, store=False)
        assert all(isinstance(i, kinds[ex["type"]]) for i in q.inputs) and q.inputs


def _widget_html(widget) -> str:
    """Every HTML text of a widget tree, in order."""
    out = [widget.value] if hasattr(widget, "value") and isinstance(widget.value, str) else []
    for child in getattr(widget, "children", ()):
        out.append(_widget_html(child))
    return "\n".join(out)


def test_how_to_answer_is_shown_once():
    """Walk 11: a multi exercise said 'Choose all that apply.' in its prompt and again under it;
    a words exercise said 'Click a word to mark it; click again...' and then 'Press each word...'.
    Every multi and words exercise of the book (the data's and the computed ones) shows how to
    answer once, in the book's quiz and in the widget, and its prompt does not say it."""
    from lessons import computed
    from lessons.datafiles.exercises import HOW_TO_ANSWER, SAYS_HOW

    every = list(X.load_exercises().values()) + list(computed.book_exercises().values())
    shown = [ex for ex in every if ex["type"] in HOW_TO_ANSWER]
    assert {ex["type"] for ex in shown} == {"multi", "words"}
    for ex in shown:
        how, says = HOW_TO_ANSWER[ex["type"]], SAYS_HOW[ex["type"]]
        assert not says.search(ex["prompt"]), ex["id"]
        static = html.unescape(re.sub(r"<[^>]+>", " ", X.static_html(ex)))
        widget = html.unescape(re.sub(r"<[^>]+>", " ", _widget_html(X.show({k: v for k, v in ex.items() if not k.startswith("_")}, store=False).widget)))
        for where, text in (("book", static), ("widget", widget)):
            saying = [part for part in re.split(r"(?<=[.!?])\s", text) if says.search(part)]
            assert text.count(how) == 1 and len(saying) == 1, (ex["id"], where, saying)


def test_widget_check_shows_icon_and_words():
    q = X.show(CHOICE, store=False)
    q.input.value = 0
    assert q.check()["correct"] is False
    assert "✗ Not quite." in q.feedback.value
    q.input.value = 1
    q.check()
    assert "✓ Correct." in q.feedback.value and "E" in q.feedback.value
    q.reveal()
    assert "Answer:" in q.answer_box.value and "b" in q.answer_box.value


def test_widget_escapes_hostile_text():
    q = X.show(dict(CHOICE, prompt=HOSTILE, feedback=[HOSTILE, "", ""]), store=False)
    q.input.value = 0
    q.check()
    assert HOSTILE not in q.feedback.value and html.escape(HOSTILE) in q.feedback.value
    assert all(HOSTILE not in c.value for c in q.widget.children if hasattr(c, "value")
               and isinstance(c.value, str))


# ------------------------------------------------------------------ saved answers

def test_store_round_trip_and_restore_after_restart(tmp_path):
    path = tmp_path / "answers.json"
    q = X.show(MULTI, store=path)
    q.inputs[0].value = True
    q.inputs[3].value = True
    q.check()
    w = X.show(WORDS, store=path)
    for b in w.inputs:
        b.value = b._lx_word == "rebels"
    w.check()
    saved = json.loads(path.read_text(encoding="utf-8"))["answers"]
    assert saved["t-multi"]["response"] == [0, 3] and saved["t-multi"]["correct"] is False
    assert saved["t-words"]["response"] == ["rebels"] and "saved" in saved["t-words"]
    # "restart": new store object, new widgets on the same file
    q2 = X.show(MULTI, store=AnswerStore(path))
    assert [cb.value for cb in q2.inputs] == [True, False, False, True]
    assert "Your saved answer" in q2.feedback.value
    w2 = X.show(WORDS, store=AnswerStore(path))
    assert {b._lx_word for b in w2.inputs if b.value} == {"rebels"}


def test_text_saved_as_typed_and_numeric_restored(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    monkeypatch.setenv("LESSONS_ANSWERS", str(path))
    t = X.show(TEXT)
    t.input.value = "My draft"
    assert AnswerStore(path).get("t-text")["response"] == "My draft"
    n = X.show(NUMERIC)
    n.input.value = "3 000"
    n.check()
    assert X.show(NUMERIC).input.value == "3 000"
    assert X.show(TEXT).input.value == "My draft"


def test_default_store_is_answers_json_in_cwd(tmp_path, monkeypatch):
    monkeypatch.delenv("LESSONS_ANSWERS", raising=False)
    monkeypatch.chdir(tmp_path)
    q = X.show(CHOICE)
    q.input.value = 1
    q.check()
    assert json.loads((tmp_path / "answers.json").read_text())["answers"]["t-choice"]["correct"]


def test_store_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    store = AnswerStore(path)
    store.save("one", 1, {"correct": True, "status": "correct"})
    before = path.read_bytes()

    def boom(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.save("two", 2, {"correct": False, "status": "incorrect"})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.json", "answers.json.lock"]  # no temp file left


def test_widget_reports_a_failed_save(tmp_path, monkeypatch):
    q = X.show(CHOICE, store=tmp_path / "answers.json")
    monkeypatch.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(OSError("read-only")))
    q.input.value = 1
    q.check()
    assert "could not be saved" in q.notice.value and "read-only" in q.notice.value


@pytest.mark.parametrize("garbage", [b"{not json", b"[1, 2]", b"\xff\xfe", b'{"answers": 3}'])
def test_corrupt_file_is_set_aside_and_reported(tmp_path, garbage):
    path = tmp_path / "answers.json"
    path.write_bytes(garbage)
    with pytest.warns(UserWarning, match="could not be read"):
        q = X.show(CHOICE, store=path)
    assert "could not be read" in q.notice.value and "answers.corrupt-" in q.notice.value
    aside = list(tmp_path.glob("answers.corrupt-*.json"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage
    q.input.value = 1
    q.check()
    assert json.loads(path.read_text())["answers"]["t-choice"]["response"] == 1
    assert aside[0].read_bytes() == garbage  # never overwritten


@pytest.mark.parametrize("saved", [5, 2.5, True, "x", {"a": 1}, None])
def test_a_saved_response_of_the_wrong_type_is_ignored(tmp_path, saved):
    """A hand-edited or hostile answers.json: a tick-box or word answer that is not a list
    must not stop the widget (the chapter cell) from showing; other answers stay saved."""
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"version": 1, "answers": {
        "t-multi": {"response": saved, "status": "answered"},
        "t-words": {"response": saved, "status": "answered"},
        "other": {"response": "keep me"}}}), encoding="utf-8")
    q = X.show(MULTI, store=path)
    w = X.show(WORDS, store=path)
    assert not any(cb.value for cb in q.inputs) and not any(b.value for b in w.inputs)
    q.inputs[0].value = True
    q.check()
    answers = json.loads(path.read_text(encoding="utf-8"))["answers"]
    assert answers["t-multi"]["response"] == [0] and answers["other"]["response"] == "keep me"


def test_an_answers_file_that_is_a_pipe_is_set_aside_not_read(tmp_path):
    """Reading a FIFO waits for a writer for ever: the kernel would hang. Run in a child."""
    os.mkfifo(tmp_path / "answers.json")
    code = ("import sys, warnings; warnings.simplefilter('ignore')\n"
            "from lessons.answers import AnswerStore\n"
            "s = AnswerStore(sys.argv[1]); print(s.read(), s.problem)\n"
            "s.save('a', 1); print(s.read()['a']['response'])\n")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "answers.json")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "not a regular file" in out.stdout and out.stdout.rstrip().endswith("1")
    assert len(list(tmp_path.glob("answers.corrupt-*.json"))) == 1


def test_two_corrupt_files_in_the_same_second_both_kept(tmp_path):
    path = tmp_path / "answers.json"
    for junk in (b"{1", b"{2"):
        path.write_bytes(junk)
        with pytest.warns(UserWarning):
            AnswerStore(path).read()
    kept = sorted(p.read_bytes() for p in tmp_path.glob("answers.corrupt-*.json"))
    assert kept == [b"{1", b"{2"]


def test_export_answers_writes_everything(tmp_path):
    store = AnswerStore(tmp_path / "answers.json")
    store.save("a", 1, {"correct": True, "status": "correct"}, CHOICE)
    store.save("b", "text", {"correct": True, "status": "answered"}, TEXT)
    out = X.export_answers(tmp_path / "my_answers.json", store=store)
    data = json.loads(Path(out).read_text(encoding="utf-8"))
    assert out.is_absolute() and data["count"] == 2
    assert data["answers"]["a"]["prompt"] == "Pick" and data["answers"]["b"]["response"] == "text"
    btn = X.export_button(tmp_path / "again.json", store=store)
    assert btn.export() is not None and "Saved 2 answers" in btn.output.value
    assert "text/html" in btn._repr_mimebundle_()


def test_atomic_write_json_round_trip(tmp_path):
    p = atomic_write_json(tmp_path / "sub" / "x.json", {"é": [1, "<b>"]})
    assert json.loads(p.read_text(encoding="utf-8")) == {"é": [1, "<b>"]}


# ------------------------------------------------------------------ quiz.js

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


@needs_node
def test_quiz_js_has_no_syntax_errors():
    subprocess.run([NODE, "--check", str(QUIZ_JS)], check=True, capture_output=True)


def test_quiz_js_rule_names_match_python_types():
    src = QUIZ_JS.read_text(encoding="utf-8")
    types = re.search(r"var TYPES = \[([^\]]*)\]", src).group(1)
    assert re.findall(r'"(\w+)"', types) == list(X.TYPES)
    block = src[src.index("var rules = {"):src.index("function check(")]
    assert re.findall(r"^    (\w+): function", block, re.M) == list(X.TYPES)
    assert "innerHTML" not in src and "eval(" not in src and "http" not in src.split("*/", 1)[1]


CHOICE_ANY = dict(CHOICE, id="t-choice-any", answer=[0, 2])  # several defensible options

CASES = [
    (CHOICE, [None, 0, 1, 2]),
    (CHOICE_ANY, [None, 0, 1, 2, "2"]),
    (MULTI, [[], [0], [0, 2], [2, 0], [1], [0, 1, 2], [3, 1]]),
    (dict(MULTI, id="t-multi-one", answer=[1]), [[1], [0]]),  # 'the right answer' (walk 7)
    (dict(MULTI, id="t-multi-three", answer=[0, 1, 2]), [[0, 1, 2], [0]]),
    (NUMERIC, ["", "  ", "3000", "3,000", "3 000", "3\u2009000", "3\u00a0000", "2999", "3.000",
               "30,00", "abc", "1e3", "−3000", "3000%", "+3000", ".5", "3,5", "x" * 60, 3000]),
    (NUMERIC_TOL, ["2", "1.99", "3", "3.0001", "2,5"]),
    (WORDS, [[], ["rebels"], ["REBELS", "kazakhstan’s"], ["officials"], ["rebels", "the"]]),
    (dict(WORDS, id="t-words-one", answer=["rebels"]), [["rebels"]]),
    (TEXT, ["", "  ", "I don't know", "Agencies translate; outlets choose quotes; 30!",
            "TRANSLATION of the agency's 30 quotes", "ÉCOLE naïve café"]),
    (X.validate_exercise(dict(TEXT, id="t-text2", answer=["Naïve café owners’ 2,000 claims", "Zweite"])),
     ["naive cafe", "Naïve CAFÉ owners' claims", "zweiten 2"]),
    (dict(MULTI, id="t-multi-opt", optional=[1], feedback=["fw", "fx", "", "fz"]),
     [[0, 2], [0, 1, 2], [0, 1], [3], [1], []]),
    (dict(NUMERIC, id="t-num-unit", answer=183, unit="days"),
     ["183 days", "183days", "183 day", "183 months", "one hundred and eighty-three days",
      "twelve", "about 183", "183 DAYS", "3,000 people", "ninety nine", "x1"]),
    (dict(WORDS, id="t-words-opt", optional=["stormed"]),
     [["rebels", "kazakhstan's"], ["rebels", "kazakhstan's", "stormed"], ["stormed"]]),
    (dict(TEXT, id="t-rewrite", original="A mob of thugs smashed windows.", avoid=["mob", "thugs"]),
     ["A mob of thugs smashed windows.", "a group smashed windows", "Thugs smashed windows",
      'Police said a "mob of thugs" smashed windows.', "A MOB OF THUGS smashed windows!",
      # words of the lexicon that are not on the exercise's own list (walk 8)
      "They are all lying, it wreaked havoc", 'They are all "lying", it caused damage',
      "A mob of thugs wreaked havoc.", "Rioters wrought havoc on the terrorist's car"]),
    (dict(TEXT, id="t-rewrite2", original="Prices soared.", answer=["Prices rose."]),
     ["Prices soared.", "prices  SOARED", "Prices rose by 10%."]),
]


def _shared_forms(js: str) -> str:
    """The string the shared forms file gives window.lxLoadedForms (one JSON string)."""
    m = re.fullmatch(r"/\*.*?\*/\nwindow\.lxLoadedForms = (\"[^\n]*\");\n", js, re.S)
    assert m, js[:200]
    return json.loads(m.group(1))


# node: quiz.js with the book's shared forms file run first, as a page with a rewrite runs it
NODE_WITH_FORMS = (
    "const q = require(process.argv[1]);"
    "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
    "const page = {}; new Function('window', input.forms_js)(page);"
    "q.setLoadedForms(page.lxLoadedForms);"
)


@needs_node
def test_quiz_js_checks_exactly_like_python():
    jobs, expected = [], []
    for ex, responses in CASES:
        ex = X.validate_exercise(ex)
        rules = X._rules(ex)
        for resp in responses:
            js_resp = [X.normalise_word(w) for w in resp] if ex["type"] == "words" else resp
            jobs.append({"rules": rules, "response": js_resp})
            expected.append(X.check(ex, resp))
    script = NODE_WITH_FORMS + (
        "process.stdout.write(JSON.stringify(input.jobs.map(j => q.check(j.rules, j.response))));")
    forms_js = X.loaded_forms_js(X.rewrite_forms())
    out = subprocess.run([NODE, "-e", script, str(QUIZ_JS)], input=json.dumps({"jobs": jobs, "forms_js": forms_js}),
                         capture_output=True, text=True, check=True).stdout
    got = json.loads(out)
    assert len(got) == len(expected)
    for job, py, js in zip(jobs, expected, got):
        assert py == js, (job, py, js)


# ------------------------------------------------------------------ properties (hypothesis)

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st

ANY_TEXT = st.text(min_size=1, max_size=80).filter(lambda s: s.strip())
RESPONSES = st.one_of(st.none(), st.integers(), st.floats(), st.text(max_size=30),
                      st.lists(st.one_of(st.integers(), st.text(max_size=10)), max_size=5))


@settings(max_examples=60, deadline=None)
@given(prompt=ANY_TEXT, opts=st.lists(ANY_TEXT, min_size=2, max_size=4), extra=ANY_TEXT)
def test_property_static_html_never_leaks_markup(prompt, opts, extra):
    choice = {k: v for k, v in CHOICE.items() if k != "feedback"}
    for ex in (dict(choice, prompt=prompt + HOSTILE, options=opts, answer=0),
               dict(TEXT, prompt=prompt, answer=[extra + HOSTILE], explanation=extra)):
        out = X.static_html(X.validate_exercise(ex))
        parsed = _parse(out)
        assert "script" not in parsed.tags
        assert not any(k.startswith("on") for _, a in parsed.attrs for k in a)
        assert out == X.static_html(X.validate_exercise(ex), uid=re.search(r'id="([^"]+)"', out).group(1))


@settings(max_examples=150, deadline=None)
@given(response=RESPONSES)
def test_property_check_never_crashes_and_is_deterministic(response):
    for ex in (CHOICE, MULTI, NUMERIC, WORDS, TEXT):
        r = X.check(ex, response)
        assert isinstance(r["correct"], bool) and isinstance(r["message"], str)
        assert r == X.check(ex, response)
        if ex["type"] == "text" and r["correct"] is False:
            assert r["status"] == "empty"  # free text is never marked wrong


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_property_passage_tokens_and_parse_number(text):
    for t in X.passage_tokens(text):
        assert 0 <= t["start"] < t["end"] <= len(text) and text[t["start"]:t["end"]] == t["text"]
    v = X.parse_number(text)
    assert v is None or (isinstance(v, float) and v == v and abs(v) != float("inf"))


@needs_node
def test_quiz_js_parses_numbers_and_words_like_python_on_random_input():
    import random
    rng = random.Random(20240101)
    alphabet = "0123456789,. -+%−\u2009\u00a0ab'’éÉ"
    samples = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9))) for _ in range(400)]
    # words with the endings key_stem takes off (and the letters its rule looks at)
    ends = ["", "s", "es", "ies", "ches", "sses", "xes", "ing", "ed", "er", "ers", "e", "ss", "ll", "pp"]
    samples += [" ".join("".join(rng.choice("abeilpstxzéy") for _ in range(rng.randint(0, 5)))
                         + rng.choice(ends) + rng.choice(ends) for _ in range(6)) for _ in range(300)]
    script = (
        "const q = require(process.argv[1]);"
        "const xs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(xs.map(s => [q.parseNumber(s),"
        " q.tokens(s).map(q.stem), q.keyTokens(s).map(q.keyStem)])));"
    )
    got = json.loads(subprocess.run([NODE, "-e", script, str(QUIZ_JS)], input=json.dumps(samples),
                                    capture_output=True, text=True, check=True).stdout)
    for s, (num, stems, key_stems) in zip(samples, got):
        assert X.parse_number(s) == num, s
        assert [X._stem(t) for t in X._tokens(s)] == stems, s
        assert [X.key_stem(t) for t in X.key_tokens(s)] == key_stems, s


def test_answers_are_saved_as_the_student_works_before_check(tmp_path):
    """A choice made without pressing Check survives a kernel restart (a new Quiz on the same file)."""
    from lessons.exercises import show

    exercise = {"id": "demo-draft", "type": "multi", "prompt": "Pick", "options": ["a", "b", "c"],
                "answer": [0, 2], "explanation": "Because.", "source": "test"}
    store = tmp_path / "answers.json"
    first = show(exercise, store=store)
    first.inputs[2].value = True
    again = show(exercise, store=store)
    assert again.response() == [2]
    assert "(Your saved answer.)" not in again.feedback.value  # a draft is not a checked answer
    again.check()
    assert show(exercise, store=store).response() == [2]


# ------------------------------------------------------------------ issue 16: classroom use

def test_multi_gives_the_note_of_every_option_chosen_or_missed():
    ex = X.validate_exercise(dict(MULTI, feedback=["fw", "fx", "fy", ""]))
    r = X.check(ex, [0, 1])
    assert r["notes"] == [{"option": 0, "chosen": True, "text": "fw"},
                          {"option": 1, "chosen": True, "text": "fx"},
                          {"option": 2, "chosen": False, "text": "fy"}]
    assert X.check(ex, [0, 2])["notes"][1]["text"] == "fy"


def test_optional_options_and_words_are_neither_required_nor_wrong():
    ex = X.validate_exercise(dict(MULTI, optional=[1]))
    assert X.check(ex, [0, 2])["correct"] and X.check(ex, [0, 1, 2])["correct"]
    assert not X.check(ex, [0, 1])["correct"] and not X.check(ex, [0, 1, 2, 3])["correct"]
    w = X.validate_exercise(dict(WORDS, optional=["stormed"]))
    assert X.check(w, ["rebels", "kazakhstan's", "stormed"])["correct"]
    with pytest.raises(LessonsDataError, match="'optional'.*also in 'answer'"):
        X.validate_exercise(dict(MULTI, optional=[0]))


def test_the_issues_defensible_answers_are_accepted():
    assert X.check(X.get_exercise("sources-republished"), [0, 1])["correct"]
    assert X.check(X.get_exercise("same-story-translation-words"), ["whoever", "destroyed"])["correct"]
    assert X.check(X.get_exercise("same-story-translation-words"),
                   ["whoever", "does", "destroyed"])["correct"]
    days = X.get_exercise("figures-six-months-in-days")
    assert X.check(days, "183 days")["correct"] and X.check(days, "one hundred and eighty-three")["correct"]
    assert X.check(days, "183 weeks")["status"] == "invalid"


def test_a_rewrite_is_checked_against_the_whole_lexicon():
    """'They are all lying, it wreaked havoc' was 'No loaded word left' for the rewrite of a
    sentence whose own words to avoid are 'mob' and 'thugs'."""
    ex = X.get_exercise("language-rewrite-label")
    r = X.check(ex, "They are all lying, it wreaked havoc")
    assert r["status"] == "incorrect" and r["kept"] == ["lying", "wreaked havoc"]
    assert X.check(ex, 'Police said "a mob of thugs" smashed the windows.')["status"] == "answered"
    assert X.check(ex, "A mob of thugs wreaked havoc.")["kept"] == ["mob", "thugs", "wreaked havoc"]
    for model in ex["answer"]:  # the model answers pass their own check
        assert X.check(ex, model)["status"] == "answered", model
    # the book's quiz.js gets the same forms from one shared file, not from each exercise's rules
    assert X._rules(ex)["loaded"] == {"from": "lexicon"}
    shared = _shared_forms(X.loaded_forms_js(X.rewrite_forms()))
    assert shared.split("|") == list(X.rewrite_forms()) and "wreaked havoc" in shared.split("|")
    assert X.lexicon_left("the havoc they wreaked", ["wreaked havoc", "havoc"]) == ["havoc"]


def test_a_model_answer_adds_no_fact():
    """A neutral rewrite keeps the facts: a model answer uses no content word that is not in
    the original (or a neutral word for one of the words it replaces)."""
    ex = X.get_exercise("language-rewrite-label")
    original = set(X._tokens(ex["original"]))
    from lessons.datafiles import key_skip_words as ksw
    groups = ksw._parse(ROOT / "data" / ksw.FILE)[0]
    function_words = {w for g in groups if g["group"] == "function words" for w in g["words"]}
    for model in ex["answer"]:
        new = set(X._tokens(model)) - original - function_words
        assert new <= {"group", "people", "were", "did", "it"}, (model, new)


def test_a_choice_with_several_defensible_options_accepts_each_of_them():
    ex = X.validate_exercise(CHOICE_ANY)
    assert [X.check(ex, i)["correct"] for i in range(3)] == [True, False, True]
    assert X.check(ex, 2)["message"] == "✓ Correct."  # empty feedback: no note
    assert X.answer_text(ex) == "Any of these: \u201ca\u201d, \u201cc\u201d"
    from lessons import handouts
    assert handouts.answer_text(ex) == "Any of A or C: \u201ca\u201d, \u201cc\u201d"
    # issue 14: the borrowed noun of '26 "armed criminals" had been killed and 18 wounded'
    first18 = X.get_exercise("figures-first-18")
    right = [i for i in range(len(first18["options"])) if X.check(first18, i)["correct"]]
    texts = " | ".join(first18["options"][i] for i in right)
    assert len(right) == 3 and "Probably" in texts and "does not say" in texts and "cannot tell" in texts
    assert not any(X.check(first18, i)["correct"] for i in range(len(first18["options"]))
                   if "killed" in first18["options"][i] or "hospital" in first18["options"][i])


@pytest.mark.parametrize("typed, value", [
    ("183 days", 183.0), ("3,000 people", 3000.0), ("twelve", 12.0), ("Twenty-one", 21.0),
    ("two thousand three hundred", 2300.0), ("about 3000", None), ("days 183", None),
    ("twelve monkeys bananas", None), ("x" * 300, None),
])
def test_parse_number_accepts_units_and_number_words(typed, value):
    assert X.parse_number(typed) == value


def test_rewrite_exercise_never_rewards_the_original_and_checks_loaded_words():
    for ex_id in ("language-rewrite-neutral", "language-rewrite-label"):
        ex = X.get_exercise(ex_id)
        r = X.check(ex, ex["original"])
        assert (r["correct"], r["status"]) == (False, "incorrect") and "loaded" in r["message"]
        assert X.check(ex, ex["answer"][0])["correct"], ex_id
    label = X.get_exercise("language-rewrite-label")
    assert X.check(label, 'Police said a "mob of thugs" smashed shop windows.')["correct"]
    # in a kernel, lessons.language also finds loaded words that the exercise does not list
    neutral = X.get_exercise("language-rewrite-neutral")
    k = X.check_in_kernel(neutral, "Terrorists and bandits marched in the country since the weekend.")
    assert k["status"] == "incorrect" and k["kept"]
    # a word to watch alone ('claimed') is not shown in a text, but a rewrite should avoid it too
    k = X.check_in_kernel(neutral, "The ministry claimed that crowds marched in the country since the weekend.")
    assert k["status"] == "incorrect" and "claimed" in k["message"]


def test_page_holds_no_key_in_plain_text_and_decodes_to_the_rules():
    for ex in X.load_exercises().values():
        page = X.static_html(ex)
        hidden = [ex["explanation"], ex["source"]] + list(ex.get("feedback") or [])
        if ex["type"] == "text":
            hidden += ex["answer"]
        for secret in hidden:
            if secret.strip() and len(secret) > 12:
                assert html.escape(secret) not in page and secret not in page, (ex["id"], secret)
        rules = json.loads(html.unescape(re.search(r'data-lx="([^"]+)"', page).group(1)))
        assert "answer" not in rules and "feedback" not in rules
        full = X.rules_from_page(rules)
        assert {k: full[k] for k in X._rules(ex)} == X._rules(ex)
        assert full["reveal"]["explanation"] == ex["explanation"]
        assert 'class="lx-reveal" hidden' in page  # 'Show answer' only after an attempt


@needs_node
def test_quiz_js_decodes_the_page_rules_like_python():
    exs = [X.validate_exercise(e) for e in (CHOICE, MULTI, NUMERIC, WORDS, TEXT,
                                            dict(TEXT, id="t-u", answer=["Naïve “café” — 2,000 €"]))]
    script = (
        "global.atob = s => Buffer.from(s, 'base64').toString('binary');"
        "const q = require(process.argv[1]);"
        "const xs = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(xs.map(x => q.decode(x))));"
    )
    got = json.loads(subprocess.run([NODE, "-e", script, str(QUIZ_JS)],
                                    input=json.dumps([X.page_rules(e) for e in exs]),
                                    capture_output=True, text=True, check=True).stdout)
    for ex, js in zip(exs, got):
        assert js == X.rules_from_page(X.page_rules(ex))


def test_widget_offers_show_answer_only_after_an_attempt(tmp_path):
    q = X.show(dict(CHOICE), store=tmp_path / "a.json")
    assert q.reveal_button.layout.display == "none"
    q.input.value = 0
    q.check()
    assert q.reveal_button.layout.display != "none"
    m = X.show(X.validate_exercise(dict(MULTI, feedback=["fw", "fx", "fy", ""])), store=False)
    m.inputs[1].value = True
    m.check()
    assert "You chose “x”: fx" in m.feedback.value and "You left out “w”: fw" in m.feedback.value
# ------------------------------------------------------------------ numeric Check (issue 15)

def test_numeric_late_draft_never_wipes_the_checked_result(tmp_path):
    path = tmp_path / "answers.json"
    q = X.show(NUMERIC, store=path)
    assert q.input.continuous_update is True  # the kernel sees the text as it is typed
    q.input.value = "3,000"
    assert q.check()["correct"] is True
    saved = AnswerStore(path).get("t-num")
    assert saved["response"] == "3,000" and saved["status"] == "correct"
    q._draft_changed({"new": "3,000"})  # a value update that arrives after the click
    assert AnswerStore(path).get("t-num")["status"] == "correct"
    q.input.value = "12"  # typing again is a draft (no result until Check)
    draft = AnswerStore(path).get("t-num")
    assert draft["response"] == "12" and "status" not in draft


def test_numeric_check_ten_values_in_a_row(tmp_path):
    q = X.show(NUMERIC, store=tmp_path / "answers.json")
    for value in (2990, 3010, 3000, 2989, 3000, 3011, 2988, 3012, 3000, 2987):
        q.input.value = str(value)
        result = q.check()
        assert result["value"] == value and result["correct"] is (value == 3000)
        assert AnswerStore(tmp_path / "answers.json").get("t-num")["response"] == str(value)


# ------------------------------------------------------------------ live numeric box (issue 15)
# In a live notebook the numeric box is one anywidget whose Check message carries the text typed
# (lessons.numeric_box), so the kernel checks the value typed even when the box's own value
# update arrives after the click. Here the front end's messages are fed in as the kernel gets them.

def _live_numeric(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONS_WIDGETS", "live")
    return X.show(NUMERIC, store=tmp_path / "answers.json")


def test_live_widgets_guess_and_override():
    from lessons.numeric_box import live_widgets
    assert live_widgets({"JPY_SESSION_NAME": "/work/ch.ipynb"}) is True
    assert live_widgets({}) is False  # myst-nb, nbclient, nbval: plain ipywidgets
    assert live_widgets({"JPY_SESSION_NAME": "x", "LESSONS_WIDGETS": "plain"}) is False
    assert live_widgets({"LESSONS_WIDGETS": "live"}) is True


def test_live_numeric_checks_the_text_sent_with_the_click(tmp_path, monkeypatch):
    import anywidget
    q = _live_numeric(tmp_path, monkeypatch)
    assert isinstance(q.input, anywidget.AnyWidget) and q.check_button.layout.display == "none"
    assert "Check" == q.input.button_label and q.input.continuous_update is True
    store = tmp_path / "answers.json"
    for value in (2990, 3010, 3000, 2989, 3000, 3011, 2988, 3012, 3000, 2987):
        q.input.value = str(value)[:-1]  # the box's last value update is still held back
        q.input._handle_custom_msg({"event": "check", "value": str(value)}, [])
        want = X.check(NUMERIC, str(value))
        assert q.last_result["value"] == value and q.last_result["correct"] is (value == 3000)
        assert f'<span class="lx-w-checked-value">{value}</span>' in q.feedback.value
        assert html.escape(want["message"]) in q.feedback.value
        saved = AnswerStore(store).get("t-num")
        assert saved["response"] == str(value) and saved["status"] == want["status"]
        q.input.value = str(value)  # the held-back update arrives late: the result stays
        assert AnswerStore(store).get("t-num")["status"] == want["status"]
    # after a restart the box shows the last answer checked, with its feedback
    again = X.show(NUMERIC, store=AnswerStore(store))
    assert again.input.value == "2987" and "Your saved answer" in again.feedback.value
    assert "too low" in again.feedback.value


def test_live_numeric_ignores_bad_messages_and_escapes_and_bounds_text(tmp_path, monkeypatch):
    from lessons.numeric_box import MAX_TYPED
    q = _live_numeric(tmp_path, monkeypatch)
    for bad in ("check", ["check"], {"event": "click"}, {"event": "check", "value": 3000},
                {"event": "check"}):
        q.input._handle_custom_msg(bad, [])
    assert q.last_result is None and AnswerStore(tmp_path / "answers.json").get("t-num") is None
    q.input._handle_custom_msg({"event": "check", "value": HOSTILE}, [])
    assert q.last_result["status"] == "invalid"
    assert HOSTILE not in q.feedback.value and html.escape(HOSTILE)[:30] in q.feedback.value
    q.input._handle_custom_msg({"event": "check", "value": "9" * (MAX_TYPED * 50)}, [])
    assert len(AnswerStore(tmp_path / "answers.json").get("t-num")["response"]) == MAX_TYPED
    q.input.value = "1" * (MAX_TYPED * 50)  # a draft synced from the page is cut too
    assert len(q.input.value) == MAX_TYPED


def test_plain_numeric_feedback_names_the_value_checked(tmp_path):
    q = X.show(NUMERIC, store=False)
    q.input.value = "3,010"
    q.check()
    assert '<span class="lx-w-checked-value">3,010</span>' in q.feedback.value
    assert "too high" in q.feedback.value


def test_book_version_is_worked_out_once_per_version_of_the_exercise_files(tmp_path, monkeypatch):
    """Every quiz carries the book's version: it is computed once, and again when an exercise
    file changes (a changed prompt is another version), a file is added, or none is valid."""
    folder = tmp_path / "exercises"
    shutil.copytree(X.exercises_dir(), folder)
    monkeypatch.setattr(X, "exercises_dir", lambda: folder)
    first = X.book_version()
    assert first == X.book_version() and "+" in first
    calls = []
    real = X.load_exercises
    monkeypatch.setattr(X, "load_exercises", lambda *a: (calls.append(a), real(*a))[1])
    assert X.book_version() == first and not calls  # from the cache
    path = sorted(folder.glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    assert 'prompt: "' in text
    path.write_text(text.replace('prompt: "', 'prompt: "Now: ', 1), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    second = X.book_version()
    assert calls and second != first and "+" in second and second.split("+")[0] == first.split("+")[0]
    path.write_text("- id: [broken\n", encoding="utf-8")
    assert X.book_version() == first.split("+")[0]  # no valid exercises: the package version alone


# ------------------------------------------------------------------ feedback wording (walk 7)
# A praise word a feedback note may not start with: the checker already says 'Correct.' (or
# 'Not quite.'), so 'Right.' after it reads "✓ Correct. Right. ..." (or contradicts it).
PRAISE = re.compile(r"(?i)(?:right|correct|yes|exactly|well done|good job|great)\b")
VERDICT = re.compile(r"\W{0,3}(?:Correct|Not quite)[.:]\s*+")


def praise_twice(message: str) -> bool:
    """True when the checker's verdict is followed by a second praise word."""
    m = VERDICT.match(message)
    return bool(m) and bool(PRAISE.match(message, m.end()))


def test_praise_twice_is_caught():
    assert praise_twice("✓ Correct. Right. A copyright line names who owns the text.")
    assert praise_twice("✗ Not quite. Yes: it is a floor.")
    assert not praise_twice("✓ Correct. A copyright line names who owns the text.")
    assert not praise_twice("✓ Correct. Rightly or not, the report says so.")


def test_no_feedback_shown_starts_with_two_praise_words():
    shown = [(ex_id, i, X.check(ex, i)["message"]) for ex_id, ex in X.load_exercises().items()
             if ex["type"] == "choice" for i in range(len(ex["options"]))]
    assert len(shown) > 40  # every option of every choice exercise
    doubled = [(ex_id, i, msg) for ex_id, i, msg in shown if praise_twice(msg)]
    assert not doubled, doubled


def test_feedback_is_not_part_of_a_saved_answers_identity():
    """Editing feedback text keeps an exercise's version, so answers saved before stay valid."""
    for ex in X.load_exercises().values():
        old = dict(ex, feedback=["Right. " + f for f in ex.get("feedback") or []])
        assert X.exercise_version(old) == X.exercise_version(ex), ex["id"]
    ex = X.get_exercise("sources-wire-copy")
    assert X.exercise_version(dict(ex, prompt=ex["prompt"] + "?")) != X.exercise_version(ex)


def test_rewrite_rules_name_the_shared_forms_and_the_page_does_not_grow_with_the_lexicon():
    """Decision 51: each rewrite exercise carried the lexicon's 3,759 forms (47 KB) in its
    rules; now the page names the shared file's contents and the build links the file."""
    for ex_id in ("language-rewrite-neutral", "language-rewrite-label"):
        ex = X.get_exercise(ex_id)
        page = X.static_html(ex)
        assert X.LOADED_FORMS_ATTR in page and len(page) < 10_000, (ex_id, len(page))
        run = "|".join(X.rewrite_forms()[10:13])  # three forms in a row, as the rules held them
        assert run not in page and run not in json.dumps(X.page_rules(ex), ensure_ascii=False)
    assert X.LOADED_FORMS_ATTR not in X.static_html(X.validate_exercise(TEXT))  # no rewrite: no file
    # the file is script-safe whatever a teacher's lexicon holds
    js = X.loaded_forms_js(["a </script><b>", "x&y", "pipe|dropped"])
    assert "<" not in js.split("*/", 1)[1] and "&" not in js.split("*/", 1)[1]
    assert _shared_forms(js) == "a </script><b>|x&y"


@needs_node
def test_quiz_js_without_the_shared_file_checks_the_exercises_own_words():
    """A page saved alone (no _static file): the rewrite is still checked, against the
    exercise's own words, as the kernel does when the lexicon cannot be read."""
    ex = X.validate_exercise(dict(TEXT, id="t-rw", original="A mob of thugs smashed windows.", avoid=["mob", "thugs"]))
    rules = X._rules(ex)
    script = ("const q = require(process.argv[1]);"
              "const r = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "process.stdout.write(JSON.stringify([q.check(r, 'Thugs were lying'), q.check(r, 'They were lying')]));")
    got = json.loads(subprocess.run([NODE, "-e", script, str(QUIZ_JS)], input=json.dumps(rules),
                                    capture_output=True, text=True, check=True).stdout)
    assert got[0]["kept"] == ["thugs"] and got[1]["status"] == "answered"
    with_forms = NODE_WITH_FORMS + "process.stdout.write(JSON.stringify(q.check(input.rules, 'They were lying')));"
    got = json.loads(subprocess.run([NODE, "-e", with_forms, str(QUIZ_JS)],
                                    input=json.dumps({"rules": rules, "forms_js": X.loaded_forms_js(X.rewrite_forms())}),
                                    capture_output=True, text=True, check=True).stdout)
    assert got["kept"] == ["lying"] and got == X.check(ex, "They were lying")


def test_the_build_writes_the_shared_forms_once_and_links_them_only_where_needed(tmp_path):
    """_ext/quiz_data.py: the file in _static from the lexicon, a script tag on a page with a
    rewrite exercise and on no other page."""
    import importlib.util
    import types

    spec = importlib.util.spec_from_file_location("quiz_data", Path(__file__).resolve().parents[1] / "_ext" / "quiz_data.py")
    qd = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(qd)
    added = []
    app = types.SimpleNamespace(builder=types.SimpleNamespace(format="html", outdir=str(tmp_path)),
                                add_js_file=lambda name, **kw: added.append(name))
    qd.on_page(app, "chapters/x", "page.html", {"body": X.static_html(X.validate_exercise(TEXT))}, None)
    assert added == []
    qd.on_page(app, "chapters/x", "page.html", {"body": X.static_html(X.get_exercise("language-rewrite-label"))}, None)
    assert added == [X.LOADED_FORMS_FILE]
    qd.on_build_finished(app, None)
    written = (tmp_path / "_static" / X.LOADED_FORMS_FILE).read_text(encoding="utf-8")
    assert _shared_forms(written).split("|") == list(X.rewrite_forms())
