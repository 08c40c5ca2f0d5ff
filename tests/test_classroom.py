"""The HTML book as a classroom tool (issue 16), in Debian's Chromium: answers kept in the
browser and restored with their feedback, 'Show answer' only after an attempt, the My answers
page (download, print, escaping), the teacher's command on real downloads, and file://."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import support  # noqa: E402

from lessons import handin  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.book]
CHAPTERS = ["chapters/01_one_speech.html", "chapters/02_checking_numbers.html",
            "chapters/03_who_calls_whom_what.html", "chapters/04_same_story.html"]
GRADED = ("choice", "multi", "numeric", "words")


@pytest.fixture(scope="module")
def server(book_html):
    with support.BookServer(book_html) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(chromium):
    return chromium


def _answer(quiz, rules: dict, right: bool):
    """Answer one quiz rightly or wrongly and press Check; return the response given."""
    kind, key = rules["type"], rules["answer"]
    optional = rules.get("optional") or []
    if kind == "choice":
        n = quiz.locator("input[type=radio]").count()
        accepted = key if isinstance(key, list) else [key]  # several defensible options
        pick = accepted[0] if right else next(k for k in range(n) if k not in accepted)
        quiz.locator(f"label[for='{quiz.locator('input[type=radio]').nth(pick).get_attribute('id')}']").click()
        response = pick
    elif kind == "multi":
        boxes = quiz.locator("input[type=checkbox]")
        picks = sorted(key) if right else [next(k for k in range(boxes.count())
                                                if k not in key and k not in optional)]
        for k in picks:
            boxes.nth(k).check()
        response = picks
    elif kind == "numeric":
        value = key if right else float(key) + float(rules.get("tolerance") or 0) + 1000
        value = int(value) if float(value).is_integer() else value
        quiz.locator("input.lx-number").fill(str(value))
        response = str(value)
    else:  # words
        words = quiz.locator(".lx-word")
        marked = []
        for k in range(words.count()):
            w = words.nth(k).get_attribute("data-word")
            wanted = (w in key) if right else (w not in key and w not in optional and not marked)
            if wanted and w not in marked:
                words.nth(k).click()
                marked.append(w)
        response = sorted(marked)
    quiz.locator(".lx-check").click()
    return response


def _answer_three(page) -> dict[str, dict]:
    """Answer the first three graded quizzes of a chapter, the second one wrongly."""
    done: dict[str, dict] = {}
    quizzes = page.locator(".lx-quiz")
    for i in range(quizzes.count()):
        quiz = quizzes.nth(i)
        rules = support.quiz_rules(quiz)
        if rules.get("type") not in GRADED:
            continue
        assert quiz.locator(".lx-reveal").is_hidden(), f"{rules['id']}: 'Show answer' before an attempt"
        right = len(done) != 1
        response = _answer(quiz, rules, right)
        feedback = quiz.locator(".lx-feedback").inner_text().strip()
        assert feedback.startswith("\u2713" if right else "\u2717"), (rules["id"], feedback)
        assert quiz.locator(".lx-reveal").is_visible(), f"{rules['id']}: no 'Show answer' after an attempt"
        done[rules["id"]] = {"index": i, "right": right, "response": response, "feedback": feedback,
                             "type": rules["type"]}
        if len(done) == 3:
            break
    assert len(done) == 3, f"fewer than three graded exercises on {page.url}"
    return done


@pytest.fixture(scope="module")
def classroom(browser, server, tmp_path_factory):
    """One student: three answers per chapter (one wrong), then a reload of each chapter;
    then the My answers page, with a download."""
    ctx = browser.new_context(base_url=server.url, accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    answered, restored, untouched_reveals = {}, {}, {}
    for chapter in CHAPTERS:
        page.goto(server.url + chapter, wait_until="load")
        untouched_reveals[chapter] = page.evaluate(
            "() => Array.from(document.querySelectorAll('.lx-quiz')).map(q => ["
            " q.querySelector('.lx-reveal').hidden, q.querySelector('.lx-reveal-body').textContent])")
        answered[chapter] = _answer_three(page)
        page.reload(wait_until="load")
        quizzes = page.locator(".lx-quiz")
        restored[chapter] = {
            ex_id: {"feedback": quizzes.nth(a["index"]).locator(".lx-feedback").inner_text().strip(),
                    "reveal": quizzes.nth(a["index"]).locator(".lx-reveal").is_visible(),
                    "state": quizzes.nth(a["index"]).evaluate(
                        "q => Array.from(q.querySelectorAll('input:checked, .lx-word[aria-pressed=true], "
                        "input.lx-number')).map(e => e.value || e.getAttribute('data-word'))")}
            for ex_id, a in answered[chapter].items()}
    page.goto(server.url + "my_answers.html", wait_until="load")
    page.fill("#lx-ma-name", "Ada Lovelace")
    with page.expect_download() as dl:
        page.click(".lx-ma-download")
    out = tmp_path_factory.mktemp("downloads") / "ada.json"
    dl.value.save_as(out)
    shown = page.locator("#lx-my-answers").inner_text()
    page.emulate_media(media="print")
    printed = page.evaluate(
        "() => ({sidebar: getComputedStyle(document.querySelector('.bd-sidebar-primary') || document.body).display,"
        " actions: getComputedStyle(document.querySelector('.lx-ma-actions')).display,"
        " answers: document.querySelectorAll('.lx-ma-answer').length,"
        " name: document.querySelector('.lx-ma-print-name').textContent})")
    support.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.pdf(path=str(support.SCREENSHOTS.parent / "my_answers.pdf"))
    ctx.close()
    return {"answered": answered, "restored": restored, "download": out, "shown": shown,
            "printed": printed, "errors": errors, "untouched": untouched_reveals}


def test_show_answer_is_absent_before_any_attempt(classroom):
    for chapter, quizzes in classroom["untouched"].items():
        assert quizzes, f"{chapter}: no quizzes"
        assert all(hidden and not body.strip() for hidden, body in quizzes), chapter


def test_answers_survive_a_reload_with_their_feedback(classroom):
    assert not classroom["errors"]
    for chapter, answers in classroom["answered"].items():
        assert sum(not a["right"] for a in answers.values()) == 1
        for ex_id, a in answers.items():
            back = classroom["restored"][chapter][ex_id]
            first_line = a["feedback"].splitlines()[0]
            assert back["feedback"].startswith(first_line), (ex_id, back["feedback"])
            assert "(Your saved answer, restored.)" in back["feedback"], ex_id
            assert back["reveal"], f"{ex_id}: 'Show answer' not offered after the restore"
            assert back["state"], f"{ex_id}: the inputs were not restored"


def test_my_answers_page_lists_progress_and_feedback(classroom):
    shown = classroom["shown"]
    assert "Progress per chapter" in shown
    for answers in classroom["answered"].values():
        for a in answers.values():
            assert a["feedback"].splitlines()[0] in shown
    assert "3 of" in shown


def test_my_answers_gives_each_note_the_quizs_prefix(classroom):
    """Walk 8: the quiz says 'You chose “…”: ' before an option's note; My answers showed
    the bare note. Every such line of the quiz is on My answers as the quiz wrote it."""
    shown = classroom["shown"]
    lines = [line.strip() for answers in classroom["answered"].values() for a in answers.values()
             for line in a["feedback"].splitlines() if line.strip().startswith(("You chose ", "You left out "))]
    assert lines, "no answer with a note per option: the test checks nothing"
    for line in lines:
        assert line in shown, line


def test_my_answers_lists_several_options_cleanly(classroom):
    assert not re.search(r"[.!?];", classroom["shown"])


def test_print_view_shows_answers_without_navigation(classroom):
    p = classroom["printed"]
    assert p["sidebar"] == "none" and p["actions"] == "none"
    assert p["answers"] == 12 and p["name"] == "Name: Ada Lovelace"
    assert (support.SCREENSHOTS.parent / "my_answers.pdf").stat().st_size > 5000


def test_download_holds_exactly_the_answers_given(classroom):
    data = json.loads(classroom["download"].read_text(encoding="utf-8"))
    assert data["format"] == "lessons-answers" and data["student"] == "Ada Lovelace"
    assert data["book_version"] and data["exported"][:2] == "20"
    given = {ex_id: a for answers in classroom["answered"].values() for ex_id, a in answers.items()}
    got = {a["exercise"]: a for a in data["answers"]}
    assert set(got) == set(given) and len(data["answers"]) == 12
    for ex_id, a in given.items():
        assert got[ex_id]["response"] == a["response"], ex_id
        assert got[ex_id]["correct"] is a["right"], ex_id


def test_teachers_command_grades_the_downloads(classroom, book_html, tmp_path):
    folder = tmp_path / "handed_in"
    folder.mkdir()
    good = json.loads(classroom["download"].read_text(encoding="utf-8"))
    (folder / "ada.json").write_text(json.dumps(good), encoding="utf-8")
    edited = json.loads(json.dumps(good))
    edited["student"] = "Bea"
    for a in edited["answers"]:
        a["correct"], a["status"] = True, "correct"   # every answer claimed right
    (folder / "bea.json").write_text(json.dumps(edited), encoding="utf-8")
    (folder / "corrupt.json").write_text(classroom["download"].read_text()[:200], encoding="utf-8")
    out = tmp_path / "gradebook.csv"
    assert handin.main([str(folder), "--out", str(out), "--book", str(book_html)]) == 0
    rows = {r["submission"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["ada.json"]["status"] == "ok" and rows["ada.json"]["student"] == "Ada Lovelace"
    assert rows["ada.json"]["total"] == "8"            # 12 answers, 4 of them wrong
    assert rows["bea.json"]["status"] == "tampered" and rows["bea.json"]["total"] == "8"
    assert rows["corrupt.json"]["status"] == "malformed"
    for answers in classroom["answered"].values():
        for ex_id, a in answers.items():
            assert rows["ada.json"][ex_id] == ("1" if a["right"] else "0"), ex_id


def test_my_answers_shows_stored_text_as_text(browser, server):
    ctx = browser.new_context(base_url=server.url)
    page = ctx.new_page()
    page.goto(server.url + "my_answers.html")
    evil = {"id": "evil", "ver": "1", "page": "chapters/x", "title": "<img src=x onerror=\"window.pwned=1\">",
            "prompt": "<b>bold</b>", "response": 1, "answer_text": "<script>window.pwned=1</script>",
            "status": "correct", "correct": True, "message": "<i>m</i>", "saved": "2026",
            "notes": [{"text": "<img src=y onerror=\"window.pwned=2\">"}]}
    page.evaluate("r => localStorage.setItem('lx:v1:one-speech-five-reports:chapters/x:evil', JSON.stringify(r))", evil)
    page.reload()
    root = page.locator("#lx-my-answers")
    assert root.locator("img, b, script, i").count() == 0
    assert "<b>bold</b>" in root.inner_text() and "<i>m</i>" in root.inner_text()
    assert page.evaluate("() => window.pwned") is None
    ctx.close()


def test_quiz_works_and_says_so_when_storage_is_unavailable(browser, server):
    ctx = browser.new_context(base_url=server.url)
    ctx.add_init_script("Object.defineProperty(window, 'localStorage', "
                        "{get() { throw new DOMException('denied', 'SecurityError'); }});")
    page = ctx.new_page()
    errors: list[str] = []
    # the theme's own scripts throw on a missing localStorage; ours must not
    page.on("pageerror", lambda e: errors.append(e.stack or str(e))
            if re.search(r"quiz\.js|my_answers\.js", e.stack or "") else None)
    page.goto(server.url + CHAPTERS[0])
    quiz = page.locator(".lx-quiz").first
    assert "not keeping your answers" in quiz.locator(".lx-saved").inner_text()
    _answer(quiz, support.quiz_rules(quiz), right=True)
    assert quiz.locator(".lx-feedback").inner_text().startswith("\u2713")
    page.goto(server.url + "my_answers.html")
    assert "does not let the book keep answers" in page.locator("#lx-my-answers").inner_text()
    assert not errors
    ctx.close()


def test_answers_are_kept_from_file_urls(browser, book_html):
    ctx = browser.new_context()
    page = ctx.new_page()
    url = (book_html / CHAPTERS[0]).resolve().as_uri()
    page.goto(url)
    quiz = page.locator(".lx-quiz").first
    _answer(quiz, support.quiz_rules(quiz), right=True)
    page.reload()
    assert "(Your saved answer, restored.)" in page.locator(".lx-quiz").first.locator(".lx-feedback").inner_text()
    ctx.close()


def test_a_changed_exercise_does_not_restore_a_stale_answer(browser, server):
    ctx = browser.new_context(base_url=server.url)
    page = ctx.new_page()
    page.goto(server.url + CHAPTERS[0])
    quiz = page.locator(".lx-quiz").first
    rules = support.quiz_rules(quiz)
    _answer(quiz, rules, right=True)
    page.evaluate("""() => { for (let i = 0; i < localStorage.length; i++) {
        const k = localStorage.key(i);
        if (k.endsWith(':sources-wire-copy')) {
          const r = JSON.parse(localStorage.getItem(k)); r.ver = 'older'; localStorage.setItem(k, JSON.stringify(r)); } } }""")
    page.reload()
    quiz = page.locator(".lx-quiz").first
    assert quiz.locator("input:checked").count() == 0
    assert "has changed since you answered it" in quiz.locator(".lx-saved").inner_text()
    assert quiz.locator(".lx-reveal").is_hidden()
    ctx.close()
