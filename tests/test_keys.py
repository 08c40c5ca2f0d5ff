"""lessons.keys: the teacher's answer keys, every text escaped."""

from lessons import keys
from lessons.exercises import load_exercises


def test_exercise_key_escapes_and_marks_the_answer():
    e = {"id": "x-1", "type": "choice", "prompt": "Pick <b>one</b>", "options": ["<i>a</i>", "b"], "answer": 1,
         "explanation": "Because & so", "source": "invented"}
    page = keys.exercise_key_html(e)
    assert "<b>one</b>" not in page and "&lt;b&gt;one&lt;/b&gt;" in page and "&lt;i&gt;a&lt;/i&gt;" in page
    assert "<strong>✓ b</strong>" in page and "Because &amp; so" in page


def test_exercise_keys_group_by_chapter():
    pages = keys.exercise_keys_html()
    shown = [e for e in load_exercises().values() if not e["id"].startswith("demo-")]
    assert pages[0].startswith("<h2>One speech, five reports</h2>")
    assert sum(p.count("class='lx-key'") for p in pages) == len(shown)
    other = keys.exercise_keys_html([{"id": "zz-1", "type": "numeric", "prompt": "p", "answer": 2,
                                      "explanation": "e", "source": "s"}])
    assert other[0].startswith("<h2>Other exercises</h2>")


def test_assignment_keys_one_per_master():
    from lessons.grading import masters

    pages = keys.assignment_keys_html()
    assert len(pages) == len(list(masters())) and pages[0].startswith("<h2>Checking the numbers")
    assert all("<script" not in p for p in pages)


def test_a_sets_value_is_shown_in_a_stable_order():
    assert keys._shown_value({"jpost", "aljazeera"}) == "{'aljazeera', 'jpost'}"
    assert keys._shown_value({1, "a"}) == "{'a', 1}"  # items that do not compare: by their text
    assert keys._shown_value([3, 1]) == "[3, 1]" and keys._shown_value(set()) == "set()"
