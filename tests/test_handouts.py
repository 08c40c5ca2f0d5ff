"""Lessons of 50 minutes and the printed handouts (issue 17).

The data (`data/lessons.yml`) is checked, rendered into the chapters (content checks on the
notebooks), and printed to PDF; the PDFs' text is read back with pypdf: a worksheet holds every
question of its lesson and none of the keys, its answer sheet holds every key.
"""

from __future__ import annotations

import html
import json
import re
import sys
import textwrap
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from lessons import handouts, plans
from lessons.errors import LessonsDataError
from lessons.exercises import load_exercises

ROOT = Path(__file__).resolve().parents[1]
LESSONS = plans.load_lessons()
EXERCISES = load_exercises()


def squash(text: str) -> str:
    """Text as compared with a PDF's: compatibility forms, no whitespace, no soft breaks."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", text)


# ----------------------------------------------------------------------------- the data
def test_every_lesson_fits_fifty_minutes_and_has_its_parts():
    assert [l["id"] for l in LESSONS] == ["1", "2A", "2B", "3A", "3B", "4"]
    for lesson in LESSONS:
        plan = plans.plan_table(lesson)
        assert plan["minutes"].sum() == 50, lesson["id"]
        assert plan["start"].iloc[0] == 0 and plan["end"].iloc[-1] == 50
        assert (plan["start"].iloc[1:].values == plan["end"].iloc[:-1].values).all()
        assert lesson["objectives"] and lesson["starter"] and lesson["discussion"]
        assert len(lesson["exit_ticket"]) == 3
        from lessons.computed import computed_name

        assert lesson["exercises"] and all(e in EXERCISES or computed_name(e) for e in lesson["exercises"])
        assert "worksheet" in lesson["print"]
        parts = " ".join(plan["part"]).lower()
        assert "starter" in parts and "exit ticket" in parts and "discussion" in parts


def test_chapters_two_and_three_are_two_lessons_each():
    by_chapter = pd.Series([l["chapter"] for l in LESSONS]).value_counts()
    assert by_chapter["02_checking_numbers"] == 2 and by_chapter["03_who_calls_whom_what"] == 2
    assert by_chapter["01_one_speech"] == 1 and by_chapter["04_same_story"] == 1


GOOD = textwrap.dedent("""\
    - id: "9"
      chapter: 01_one_speech
      title: "A test lesson"
      objectives: ["Do a thing."]
      print: [worksheet]
      starter: "Ask a question."
      exercises: [sources-wire-copy]
      parts:
        - {part: "Starter", minutes: 20, computers: "a", paper: "b"}
        - {part: "Exit ticket", minutes: 30, computers: "a", paper: "b"}
      discussion: "Talk."
      exit_ticket:
        - {question: "q1", key: "k1"}
        - {question: "q2", key: "k2"}
        - {question: "q3", key: "k3"}
      source: "a test"
    """)


def test_a_good_lessons_file_passes():
    (lesson,) = plans.validate_lessons(GOOD, "t.yml", set(EXERCISES))
    assert lesson["id"] == "9" and plans.plan_table(lesson)["end"].tolist() == [20, 50]


@pytest.mark.parametrize("change, expected", [
    (("minutes: 30", "minutes: 25"), r"t\.yml, line 1 \(lesson 9\), field 'parts': minutes add up to 45, not 50"),
    (("[sources-wire-copy]", "[no-such-exercise]"), r"field 'exercises': no exercise with id 'no-such-exercise'"),
    (("print: [worksheet]", "print: [slides]"), r"field 'print': unknown handout 'slides'"),
    (("chapter: 01_one_speech", "chapter: ../01_one_speech"), r"field 'chapter': must be a notebook name"),
    (('\n    - {question: "q3", key: "k3"}', ""), r"field 'exit_ticket': must be three items"),
    (('  discussion: "Talk."\n', ""), r"field 'discussion': missing"),
    (("minutes: 20", "minutes: twenty"), r"field 'parts\[0\]\.minutes': must be a whole number"),
    # walk 9: a key that quotes what its question does not ask about
    (('key: "k3"', "key: \"Probably 'armed criminals'\""),
     r"field 'exit_ticket\[2\]\.key': quotes 'armed criminals', which neither its question nor its source holds"),
    (('key: "k3"', 'key: "k3", source: ""'), r"field 'exit_ticket': must be three items"),
    (('title: "A test lesson"', 'title: "A test lesson'), r"t\.yml, line \d+: not valid YAML"),
])
def test_bad_lessons_file_names_file_line_and_field(change, expected):
    old, new = change
    text = GOOD.replace(old, new)
    assert text != GOOD
    with pytest.raises(LessonsDataError, match=expected):
        plans.validate_lessons(text, "t.yml", set(EXERCISES))


def test_a_source_holds_what_a_key_quotes_and_the_question_does_not():
    text = GOOD.replace('key: "k3"', "key: \"Probably 'armed criminals'\", source: \"thejournal: '26 “armed criminals”'\"")
    assert plans.validate_lessons(text, "t.yml", set(EXERCISES))[0]["exit_ticket"][2]["source"]
    # quotation marks of any kind, case and spaces do not matter; a phrase the question holds needs no source
    assert plans.unsourced_quotes("Say “Armed  criminals”.", "26 'armed criminals' died") == []
    assert plans.unsourced_quotes("The answer: 'wounded' and \"killed\".", "Who was killed?") == ["wounded"]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_every_key_quotes_only_its_question_or_its_source(lesson):
    """Walk 9: handout 2A's key named 'armed criminals', which its question did not quote. Every
    phrase a key puts in quotation marks (the exit ticket's key, each exercise's answer line on
    the answer sheet) is in its question (prompt, passage, options) or its source."""
    for i, q in enumerate(lesson["exit_ticket"]):
        assert plans.unsourced_quotes(q["key"], q["question"], q.get("source", "")) == [], (lesson["id"], i)
    for ex in handouts._exercises(lesson):
        where = [ex["prompt"], str(ex.get("passage", "")), *map(str, ex.get("options") or []), str(ex.get("source", ""))]
        assert plans.unsourced_quotes(handouts.answer_text(ex), *where) == [], ex["id"]


def test_second_entry_reports_its_own_line():
    text = GOOD + GOOD.replace('id: "9"', 'id: "10"').replace("minutes: 30", "minutes: 31")
    with pytest.raises(LessonsDataError, match=r"line 17 \(lesson 10\), field 'parts'"):
        plans.validate_lessons(text, "t.yml", set(EXERCISES))


def test_oversized_lessons_file_is_refused(tmp_path):
    (tmp_path / "lessons.yml").write_text("#" * (plans.MAX_BYTES + 1))
    with pytest.raises(LessonsDataError, match="lessons.yml: .*at most"):
        plans.load_lessons(tmp_path, check_exercises=False)


# ----------------------------------------------------------------------------- the chapters
def _cells(notebook: str) -> list[dict]:
    return json.loads((ROOT / "chapters" / f"{notebook}.ipynb").read_text(encoding="utf-8"))["cells"]


SHOW = re.compile(r"""\bshow\(\s*["']([a-z0-9-]{1,80})["']\s*\)""")
SHOW_ANY = re.compile(r"\bshow\(")  # an exercise by id, or one computed by code


@pytest.fixture(scope="module")
def book_computed() -> dict[str, dict]:
    from lessons.computed import book_exercises

    return book_exercises()


def chapter_exercises(chapter: str, computed: dict[str, dict]) -> tuple[set[str], int]:
    """(ids the chapter shows by name, how many exercises it shows in all)."""
    sources = ["".join(c["source"]) for c in _cells(chapter) if c["cell_type"] == "code"]
    return {m for s in sources for m in SHOW.findall(s)}, sum(len(SHOW_ANY.findall(s)) for s in sources)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_each_lesson_is_in_its_chapter_with_objectives_timings_and_exit_ticket(lesson):
    cells = _cells(lesson["chapter"])
    sources = ["".join(c["source"]) for c in cells]
    intro = [i for i, s in enumerate(sources) if f'lesson_intro("{lesson["id"]}")' in s]
    close = [i for i, s in enumerate(sources) if f'lesson_close("{lesson["id"]}")' in s]
    assert len(intro) == 1 and len(close) == 1 and intro[0] < close[0], lesson["id"]
    for i in intro + close:
        assert cells[i]["cell_type"] == "code" and "remove-input" in cells[i]["metadata"].get("tags", [])
    if sum(l["chapter"] == lesson["chapter"] for l in LESSONS) > 1:  # a half: its own heading
        heading = f"## Lesson {lesson['id']}: {lesson['title']}"
        assert heading in sources[intro[0] - 1], f"no heading {heading!r} before the lesson box"
    shown = {m for s in sources for m in SHOW.findall(s)}
    from lessons.computed import computed_name

    named = [e for e in lesson["exercises"] if computed_name(e) is None]
    assert set(named) <= shown, f"exercises not shown in {lesson['chapter']}"
    # what the reader sees: objectives, timings, print list, starter; discussion, exit ticket
    box, end = plans.intro_html(lesson), plans.close_html(lesson)
    for word in ("Objectives", "Timings", "What to print", "Starter"):
        assert word in box
    assert all(f"{p['minutes']} min" in box for p in lesson["parts"])
    assert "Exit ticket" in end and "Discussion" in end
    assert all(q["key"] not in end for q in lesson["exit_ticket"])  # keys only for teachers


@pytest.mark.parametrize("chapter", sorted({l["chapter"] for l in LESSONS}))
def test_every_exercise_of_a_chapter_belongs_to_one_of_its_lessons(chapter, book_computed):
    """The one rule (walk 7: three computed exercises were on no worksheet): every exercise a
    chapter shows, by id or computed by code, is listed in one of its lessons, once.
    tests/test_book.py checks the same on the built pages."""
    named, count = chapter_exercises(chapter, book_computed)
    listed = [e for l in LESSONS if l["chapter"] == chapter for e in l["exercises"]]
    assert len(listed) == len(set(listed)), f"{chapter}: an exercise is listed twice"
    assert named <= set(listed), f"{chapter} shows {sorted(named - set(listed))}, in none of its lessons"
    computed = [e for e in listed if e not in named]
    assert set(computed) <= set(book_computed), \
        f"{chapter}: lessons list {sorted(set(computed) - set(book_computed))}, which no chapter shows"
    unlisted = [e for e in book_computed if not any(e in l["exercises"] for l in LESSONS)]
    assert count == len(listed), (f"{chapter} shows {count} exercises; its lessons list {len(listed)} "
                                  f"(computed exercises in no lesson: {unlisted})")


def test_computed_exercises_are_in_the_lessons_and_on_the_worksheets(book_computed, tmp_path):
    from lessons.computed import computed_name

    listed = {e: l for l in LESSONS for e in l["exercises"]}
    assert set(book_computed) == {"figures-classify-computed", "language-voice-computed",
                                  "same-story-left-out-nazarbayev"}
    for ex_id, ex in book_computed.items():
        lesson = listed[ex_id]
        # the lesson box names it by the question it asks
        name = computed_name(ex_id)
        assert name.lower().removesuffix(" this?").rstrip("?") in ex["prompt"].lower(), ex_id
        assert f"<li>{name}</li>".replace("'", "&#x27;") in plans.intro_html(lesson)
        sheet = handouts.worksheet_html(lesson)
        assert handouts.question_html(lesson["exercises"].index(ex_id) + 1, ex) in sheet
    box = plans.intro_html(plans.get_lesson("4"))
    assert "Exercises in this lesson</strong> (7)" in box
    # an id that is neither in data/exercises nor one a chapter computes is refused
    with pytest.raises(LessonsDataError, match="no exercise with id 'same-story-left-out-'"):
        plans.validate_lessons(GOOD.replace("[sources-wire-copy]", "[same-story-left-out-]"),
                               "t.yml", set(EXERCISES))


def test_teacher_guide_has_a_plan_for_every_lesson():
    nb = json.loads((ROOT / "teachers" / "lesson_plans.ipynb").read_text(encoding="utf-8"))
    text = "\n".join("".join(c["source"]) for c in nb["cells"])
    for lesson in LESSONS:
        assert f'show_plan("{lesson["id"]}")' in text
        plan = plans.plan_html(lesson)
        assert "With computers" in plan and "Without computers" in plan
        assert all(q["key"] in plan.replace("&#x27;", "'") or
                   __import__("html").escape(q["key"]) in plan for q in lesson["exit_ticket"])
        for row in plans.plan_table(lesson).itertuples():
            assert f"{row.start}–{row.end}" in plan
    assert "show_lateral()" in text and "show_handouts()" in text


def test_a_plan_names_its_chapter_by_title_with_a_link_not_a_file_name():
    lesson = plans.get_lesson("3A")
    plan = plans.plan_html(lesson)
    title = plans.chapter_title(lesson["chapter"])
    h1 = [line for c in _cells(lesson["chapter"]) if c["cell_type"] == "markdown"
          for line in "".join(c["source"]).splitlines() if line.startswith("# ")][0]
    assert title == h1[2:] and title != lesson["chapter"]
    assert f'(chapter 3, <a href="../chapters/{lesson["chapter"]}.html">{title}</a>, 50 minutes)' in plan
    assert f"<code>{lesson['chapter']}</code>" not in plan
    # in a live kernel (JupyterLab) the link opens the notebook
    assert f'href="../chapters/{lesson["chapter"]}.ipynb"' in plans.plan_html(lesson, live=True)
    # a name that is no chapter is shown as escaped text: never read, never linked
    for name in ("../../etc/passwd", "<b>x</b>", "99_no_such_chapter"):
        shown = plans.chapter_html(name)
        assert "<a " not in shown and "<b>" not in shown and plans.chapter_title(name) == name


# ----------------------------------------------------------------------------- HTML, escaped
EVIL = '<script>alert("x")</script> & <b>bold</b>'


def test_worksheet_and_answers_escape_exercise_text(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "t.yml").write_text(json.dumps([{
        "id": "t-evil", "type": "choice", "prompt": EVIL, "options": [EVIL, "fine"], "answer": 1,
        "explanation": "because " + EVIL, "source": "invented"}]))
    lesson = dict(plans.validate_lessons(GOOD.replace("sources-wire-copy", "t-evil"), "t.yml", {"t-evil"})[0])
    lesson["exit_ticket"] = [{"question": EVIL, "key": EVIL}] * 3
    for markup in (handouts.worksheet_html(lesson, tmp_path), handouts.answers_html(lesson, tmp_path)):
        assert "<script>" not in markup and "<b>bold" not in markup
        assert "&lt;script&gt;" in markup
    assert "because" not in handouts.worksheet_html(lesson, tmp_path)


def test_numbered_lines_keep_width_and_paragraphs():
    body = ("word " * 50).strip() + "\n\n" + "Second paragraph."
    lines = handouts.numbered_lines(body, width=30)
    assert lines["line"].tolist() == list(range(1, len(lines) + 1))
    assert lines["text"].str.len().max() <= 30
    assert "" in lines["text"].tolist() and lines["text"].iloc[-1] == "Second paragraph."
    assert " ".join(t for t in lines["text"] if t) == " ".join(body.split())


CONTEXT = pd.DataFrame([
    {"id": "a", "name": "Person <A>", "text": "Did a thing & more.", "article_id": "jpost",
     "quote": "A <said> it", "outside_source": ""},
    {"id": "a", "name": "Person <A>", "text": "Did a thing & more.", "article_id": "thejournal",
     "quote": "A did it", "outside_source": ""},
    {"id": "b", "name": "Agency B", "text": "An agency.", "article_id": "aljazeera",
     "quote": "B reported", "outside_source": "An encyclopedia, 'Agency B'"},
])


def test_background_sheet_from_a_context_table():
    markup = handouts.background_html(CONTEXT)
    assert "Person &lt;A&gt;" in markup and "A &lt;said&gt; it" in markup and "<said>" not in markup
    assert markup.count('class="ctx"') == 2  # one block per entry, however many quotes
    assert "JPost: “A &lt;said&gt; it”" in markup and "TheJournal: “A did it”" in markup
    assert "Outside source: An encyclopedia" in markup
    with pytest.raises(LessonsDataError, match="missing column"):
        handouts.background_html(CONTEXT.drop(columns=["quote"]))


def test_lateral_task_has_steps_and_a_rubric():
    task = handouts.load_lateral()
    questions = " ".join(s["question"] for s in task["steps"]).lower()
    assert "search" in questions and "check" in questions and "say about itself" in questions
    assert all(len(r["levels"]) == 3 for r in task["rubric"]) and len(task["rubric"]) >= 4
    assert "<table" in handouts.lateral_body(task, for_book=True)


# ----------------------------------------------------------------------------- the PDFs
@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from browser import support  # the printer starts its own Playwright: not in this thread

    out = tmp_path_factory.mktemp("handouts")
    return out, support.in_thread(handouts.build, out)


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def test_every_handout_is_built_as_a_pdf(built):
    out, report = built
    expected = set(handouts.handouts_table()["file"])
    assert set(report["file"]) == expected
    for name in expected:
        assert (out / name).read_bytes()[:5] == b"%PDF-", name
    assert (report["pages"] >= 1).all()
    # the background sheet is one page, built from lessons.evidence when it is there
    assert report.set_index("file").loc["background-sheet.pdf", "pages"] == 1


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_worksheet_has_every_question_and_no_key(built, lesson, book_computed):
    out, _ = built
    files = plans.handout_files(lesson)
    sheet = squash(pdf_text(out / files["worksheet"]))
    answers = squash(pdf_text(out / files["answers"]))
    for ex_id in lesson["exercises"]:
        ex = EXERCISES.get(ex_id) or book_computed[ex_id]  # computed: as the chapter builds it
        assert squash(handouts.paper_prompt(ex)) in sheet, ex_id
        for option in ex.get("options", []):
            assert squash(option) in sheet
        if ex["type"] == "words":
            assert squash(ex["passage"]) in sheet
        # no key on the worksheet: not the explanation, not a model answer, not the answer line
        assert squash(ex["explanation"]) not in sheet, ex_id
        assert squash("Answer:" + handouts.answer_text(ex)) not in sheet
        if ex["type"] == "text":
            assert all(squash(a) not in sheet for a in ex["answer"])
        # the answer sheet: every key and explanation
        assert squash("Answer:" + handouts.answer_text(ex)) in answers, ex_id
        assert squash(ex["explanation"]) in answers, ex_id
    for q in lesson["exit_ticket"]:
        assert squash(q["question"]) in sheet and squash(q["question"]) in answers
        assert squash(q["key"]) not in sheet
        assert squash("Key:" + q["key"]) in answers
    assert "Answer:" not in sheet and "Key:" not in sheet


def test_article_packet_has_every_article_numbered_with_credits(built):
    from lessons.corpus import load_articles, parts, shown_headline

    out, _ = built
    text = pdf_text(out / "article-packet.pdf")
    flat = squash(text)
    pieces = parts()
    for row in load_articles().itertuples():
        assert squash(shown_headline(row.headline)) in flat
        assert squash(f"Outlet:{row.outlet}") in flat
        lines = handouts.page_lines(pieces[pieces["article_id"] == row.article_id])
        last = lines.iloc[-1]
        assert squash(f"{last.line}{last.text}") in flat, row.article_id  # numbered to the end
        for agency in row.agencies:
            assert squash(agency) in flat
    assert re.search(r"^\s*1\s+\S", text, re.M)


def test_packet_credits_call_the_date_the_date_shown():
    """TheJournal's date is its 'LAST UPDATE', not when it was first published: the packet
    labels every article's date as the date the page shows."""
    from lessons.corpus import load_articles

    row = load_articles().set_index("article_id").loc["thejournal"]
    meta = handouts._credits(row)
    assert "<strong>Date shown:</strong> 2022-01-07" in meta and "Published" not in meta


def test_background_and_lateral_sheets_text(built):
    out, _ = built
    from lessons.evidence import context_table

    flat = squash(pdf_text(out / "background-sheet.pdf"))
    for name in context_table()["name"].unique():
        assert squash(name) in flat
    lateral = squash(pdf_text(out / "lateral-reading-task.pdf"))
    task = handouts.load_lateral()
    assert all(squash(s["question"]) in lateral for s in task["steps"])
    assert all(squash(r["criterion"]) in lateral for r in task["rubric"])


def test_example_zip_is_the_example_folder(tmp_path):
    import zipfile

    path = handouts.write_example_zip(tmp_path)
    names = zipfile.ZipFile(path).namelist()
    example = handouts.EXAMPLE_FOLDER
    expected = {f"my_event/{f.relative_to(example).as_posix()}" for f in example.rglob("*") if f.is_file()}
    assert set(names) == expected and "my_event/articles.yml" in names
    assert any(n.startswith("my_event/raw/") for n in names)
    again = handouts.write_example_zip(tmp_path / ".." / tmp_path.name)
    assert again.read_bytes() == path.read_bytes()  # same files, same bytes
    # the zip checks clean once unzipped
    from lessons.check import ERROR, check_folder

    zipfile.ZipFile(path).extractall(tmp_path / "unzipped")
    assert not [p for p in check_folder(tmp_path / "unzipped" / "my_event") if p.severity == ERROR]


def test_lesson_box_names_its_exercises_instead_of_counting_them():
    lesson = plans.get_lesson("2A")
    box = plans.intro_html(lesson)
    assert "Exercises in this lesson</strong> (5)" in box  # with the computed one
    assert "<li>What does this 18 count?</li>" in box and ": 4.</p>" not in box
    # the question a prompt asks; else its instruction, not a quoted passage after a colon
    assert plans.exercise_name("TheJournal says 'x.' What does it count? Choose one.") == "What does it count?"
    assert plans.exercise_name("Written for this book. Rewrite it: 'A mob of thugs. Bad.'") == "Rewrite it"
    long_name = plans.exercise_name("Why " + "very " * 100 + "long?")
    assert long_name.startswith("Why very") and long_name.endswith("…") and len(long_name) <= 90
    hostile = dict(lesson, exercises=["figures-first-18", "<script>x</script>"])
    assert "<script>x" not in plans.intro_html(hostile) and "&lt;script&gt;x" in plans.intro_html(hostile)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_lists_of_exercises_name_the_question_not_the_widgets_instructions(lesson):
    """Walk 9: lesson 3B's list read 'Click a word to mark it…' (how to work the widget) in
    place of the question. Every name in a lesson's list is part of its question, the prompt
    without the sentences about working the widget; none speaks of unmarking or pressing again."""
    names = re.findall(r"<li>(.*?)</li>", plans.intro_html(lesson).split("Exercises in this lesson")[1])
    assert len(names) == len(lesson["exercises"])
    for ex_id, name in zip(lesson["exercises"], names):
        assert not re.search(r"\bunmark|\b(click|press|tap)(\s+it)?\s+again", name, re.I), (ex_id, name)
        if ex_id in EXERCISES:
            question = " ".join(plans.without_screen_help(EXERCISES[ex_id]["prompt"]).split())
            assert html.unescape(name).rstrip("…") in question, (ex_id, name)


def test_sentences_about_working_the_widget_are_not_the_question():
    # held-out prompts, written for this test
    assert plans.exercise_name("Find the hedges. Tap a word to mark it; tap it again to unmark it.") == \
        "Find the hedges."
    assert plans.exercise_name("Mark the labels. Press a word to mark it, and press it again to take the mark off.") \
        == "Mark the labels."
    assert plans.exercise_name("Click every word that judges.") == "Click every word that judges."  # the question itself
    assert plans.without_screen_help("Mark it. Un-mark nothing. Go.") == "Mark it. Go."


def test_a_pipe_named_lessons_yml_is_refused_not_read(tmp_path):
    """A teacher's folder whose lessons.yml is a pipe: loading it gives a clear error naming the
    file at once (it used to wait for ever, and so did `make handouts`)."""
    import os
    import signal

    from lessons import plans
    from lessons.errors import LessonsDataError

    os.mkfifo(tmp_path / "lessons.yml")

    def hung(*_):
        raise AssertionError("reading the pipe blocked")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with pytest.raises(LessonsDataError, match="lessons.yml"):
            plans._load_lessons(tmp_path, False)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_teacher_s_worksheet_asks_its_computed_questions_about_the_teacher_s_articles(tmp_path):
    """With a teacher's own folder, a computed question (chapter 3's voice exercise) is built from
    that folder's articles, not the book's; one the folder cannot give fails naming the id and why."""
    import shutil

    from lessons import handouts, plans

    folder = tmp_path / "teacher"
    shutil.copytree(ROOT / "examples" / "invented_event", folder)
    shutil.copytree(ROOT / "data" / "exercises", folder / "exercises")
    shutil.copy(ROOT / "data" / "lessons.yml", folder / "lessons.yml")
    lessons = plans.load_lessons(folder)
    voice = next(lesson for lesson in lessons if "language-voice-computed" in lesson["exercises"])
    page = handouts.worksheet_html(voice, folder)
    labels = ("Tarsk Post", "Evening Star", "Sova News")
    assert "sentence from TheJournal" not in page and "from Al Jazeera, which" not in page
    assert any(f"sentence from {label}" in page for label in labels), page[:2000]
    ceiling = next(lesson for lesson in lessons if "figures-classify-computed" in lesson["exercises"])
    with pytest.raises(LessonsDataError, match="figures-classify-computed.*cannot give it"):
        handouts.worksheet_html(ceiling, folder)


def test_the_plans_name_each_worksheet_question_once_in_order():
    """The paper plans say which worksheet questions to do ('questions 4 and 5', '5 to 7'): in a
    lesson that names any, they are questions 1 to n of its n exercises, each once, in order."""
    import re

    from lessons import plans

    named_any = 0
    for lesson in plans.load_lessons():
        nums = []
        for part in lesson["parts"]:
            for m in re.finditer(r"questions? (\d+)(?: (?:to|and) (\d+))?", str(part.get("paper", ""))):
                a, b = int(m.group(1)), int(m.group(2) or m.group(1))
                nums += range(a, b + 1)
        if nums:
            named_any += 1
            assert nums == list(range(1, len(lesson["exercises"]) + 1)), (lesson["id"], nums)
    assert named_any >= 4


# ------------------------------------------------------------- the packet holds the clues
def _packet_texts() -> dict[str, str]:
    """Each article's text as the packet prints it (every line, in order), squashed."""
    from lessons.corpus import load_articles, parts

    pieces = parts()
    return {a: _loose(" ".join(handouts.page_lines(pieces[pieces["article_id"] == a])["text"]))
            for a in load_articles()["article_id"]}


def _loose(text: str) -> str:
    """Squashed, case-folded, without quotation marks: a key may quote 'bitcoin mining' from
    'bitcoin "mining,"' and start 'more than' where the report starts 'More than'."""
    return re.sub("[\"'\u201c\u201d\u2018\u2019,]", "", squash(text).casefold())


def _quoted_clues(source: str, ids: set[str]) -> list[tuple[str, str]]:
    """(article_id, phrase) for each phrase an exercise's ``source`` quotes from named
    articles ("thejournal: '© AFP 2022' and ...; republished and aljazeera: both end with
    'Source link'"); an ellipsis splits a phrase into the parts that are printed."""
    out = []
    for segment in source.split(";"):
        head, sep, rest = segment.partition(":")
        named = [w for w in re.split(r"[\s,]+|\band\b", head) if w in ids]
        if not sep or not named:
            continue
        for phrase in re.findall(r"(?<!\w)'(.+?)'(?!\w)", rest):
            for part in re.split(r"\.\.\.|\u2026", phrase):
                if len(part.strip()) >= 3:
                    out += [(a, part.strip()) for a in named]
    return out


def test_every_clue_a_worksheet_asks_for_is_in_the_article_packet():
    """Lesson 1 asks for '© AFP 2022' at the end of TheJournal's text, 'Source link' and
    'Leave a Reply': the paper packet must print them (not only the cleaned article)."""
    texts = _packet_texts()
    clues = []
    for lesson in LESSONS:
        if "articles" not in lesson["print"]:
            continue
        for ex_id in lesson["exercises"]:
            if ex_id in EXERCISES:
                clues += [(ex_id, a, c) for a, c in _quoted_clues(EXERCISES[ex_id].get("source", ""), set(texts))]
    assert len(clues) >= 15  # the parser found the clues
    missing = [(ex_id, a, c) for ex_id, a, c in clues if _loose(c) not in texts[a]]
    assert not missing, missing
    markup = handouts.packet_html()
    assert "Photo caption: © AFP 2022" not in markup and "Photo caption:" not in markup


def test_the_packet_prints_each_page_in_its_real_order():
    from lessons.corpus import parts

    pieces = parts()
    journal = pieces[pieces["article_id"] == "thejournal"]
    lines = handouts.page_lines(journal)
    text = [t for t in lines["text"] if t]
    # the credit line ends the article's text, after its last paragraph, before the comments
    last_paragraph = journal[journal["kind"] == "paragraph"]["text"].iloc[-1]
    credit = text.index("© AFP 2022")
    assert squash(" ".join(text[:credit])).endswith(squash(last_paragraph))
    assert lines.loc[lines["text"] == "© AFP 2022", "removed"].iloc[0] == "copyright or credit line"
    assert all(lines.loc[lines["text"] != "", "removed"].iloc[credit + 1:] != "")  # then only furniture
    assert lines["line"].tolist() == list(range(1, len(lines) + 1))
    assert lines["text"].str.len().max() <= handouts.LINE_WIDTH
    markup = handouts.packet_html()
    assert all(handouts._e(t) in markup for t in text)  # every line is printed, escaped


def test_a_missing_headline_reads_the_same_everywhere():
    from lessons import corpus, tables

    arts = corpus.load_articles()
    missing = arts[arts["headline"].str.lower() == "unknown"]
    assert len(missing) == 1
    label = missing["label"].iloc[0]
    assert f"{label}: {corpus.NO_HEADLINE}" in handouts.packet_html()
    assert corpus.NO_HEADLINE in tables.sources_table(arts)["Headline"].tolist()
    assert corpus.NO_HEADLINE in tables.openings_table(arts)["Headline"].tolist()
    assert f"{label}: {corpus.NO_HEADLINE}" in tables.articles_html(arts)
    assert "unknown" not in tables.sources_table(arts)["Headline"].tolist()
    assert "unknown" not in tables.openings_table(arts)["Headline"].tolist()


# ------------------------------------------------------------------------ paper wording
def _plain(markup: str) -> str:
    import html as html_module

    return html_module.unescape(re.sub(r"<[^>]+>", " ", markup))


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_paper_says_nothing_of_clicking_and_lists_options_cleanly(lesson):
    """Walk 8: 3B's worksheet said 'underline again to unmark it'; the answer sheets said
    'Click…' where the worksheets say 'Underline'; several options were joined as '….; B.'."""
    for markup in (handouts.worksheet_html(lesson), handouts.answers_html(lesson)):
        text = _plain(markup)
        assert not re.search(r"\bclick|\bunmark|underline again", text, re.I), lesson["id"]
        assert not re.search(r"[.!?];", text), lesson["id"]
    for ex_id in lesson["exercises"]:
        ex = EXERCISES.get(ex_id)
        if ex is not None and ex["type"] == "words":  # the paper prompt still asks for a mark
            assert not re.search(r"\bclick", handouts.paper_prompt(ex), re.I), ex_id
            assert re.search(r"\b(mark|underline)\b", handouts.paper_prompt(ex), re.I), ex_id


def test_paper_prompt_drops_screen_only_sentences():
    ex = {"prompt": "Mark the loaded words. Click a word to mark it; click again to unmark it. Then explain."}
    assert handouts.paper_prompt(ex) == "Mark the loaded words. Then explain."
    assert handouts.paper_prompt({"prompt": "Click on the hedges."}) == "Underline the hedges."


def test_working_space_only_where_there_is_working():
    days, acled = EXERCISES["figures-six-months-in-days"], EXERCISES["figures-acled-dozens"]
    assert handouts.shows_working(days) and "Show how you worked it out" in handouts.question_html(1, days)
    assert not handouts.shows_working(acled) and "Show how you worked it out" not in handouts.question_html(1, acled)


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda l: l["id"])
def test_the_exit_ticket_is_printed_on_one_page(built, lesson):
    from pypdf import PdfReader

    out, _ = built
    pages = [squash(p.extract_text() or "") for p in PdfReader(out / plans.handout_files(lesson)["worksheet"]).pages]
    ticket = [i for i, p in enumerate(pages) if squash("Exit ticket") in p]
    assert len(ticket) == 1, lesson["id"]
    after = pages[ticket[0]].split(squash("Exit ticket"), 1)[1]  # a prompt may repeat a question
    for n, q in enumerate(lesson["exit_ticket"], start=1):
        assert f"{n}.{squash(q['question'])}" in after, (lesson["id"], n)
