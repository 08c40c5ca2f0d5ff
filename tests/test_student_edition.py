"""The student edition (issue 16): `make book` also builds the book without the teacher's
guide, into _build/student/_build/html, from the same config. Its pages
hold no teacher page, no link to one, and no exercise key in plain text."""

from __future__ import annotations

import html
import json
import re
import sys
import time
from pathlib import Path

import pytest
import yaml

from lessons import exercises as X

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import student_edition  # noqa: E402

pytestmark = pytest.mark.book


def test_student_toc_and_config_come_from_the_main_ones(tmp_path):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = json.dumps(student_edition.student_toc(toc))
    assert "teachers/" not in files and "my_answers" in files and "chapters/04_same_story" in files
    cfg = student_edition.student_config(
        yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")), ROOT)
    assert cfg["execute"]["cache"] == str(ROOT / "_build" / ".jupyter_cache")
    assert "teachers" in cfg["exclude_patterns"]
    assert "{doc}" not in cfg["parse"]["myst_substitutions"]["teachers_guide"]
    assert all(Path(p).is_absolute() for p in cfg["sphinx"]["local_extensions"].values())


@pytest.fixture(scope="session")
def student_book(built_book) -> tuple[Path, float]:
    """Build the student edition as `make book` does, after the full one."""
    start = time.monotonic()
    out = ROOT / "_build" / "student"
    try:
        html_dir = student_edition.build(ROOT)
    except SystemExit as err:
        pytest.fail(str(err))
    assert (out / "build-log.txt").is_file()
    return html_dir, time.monotonic() - start


def test_student_edition_has_no_teacher_page(student_book):
    html_dir, _ = student_book
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)
    assert (html_dir / "chapters" / "01_one_speech.html").is_file()
    assert (html_dir / "my_answers.html").is_file()
    assert not (html_dir / "teachers").exists()
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'href="[^"]*teachers/', text), f"{page.name} links to a teacher page"
        # index.html is only a redirect; handouts/ holds the printable sheets, not book pages
        if "<title>" in text and "handouts" not in page.relative_to(html_dir).parts:
            assert "(student edition)" in text, f"{page.name} does not say it is the student edition"


def test_student_edition_holds_no_exercise_key_in_plain_text(student_book):
    html_dir, _ = student_book
    pages = {p: p.read_text(encoding="utf-8") for p in html_dir.rglob("*.html")}
    everything = "\n".join(pages.values())
    plain = html.unescape(everything)
    for ex in X.load_exercises().values():
        secrets = [ex["explanation"], *(ex.get("feedback") or [])]
        if ex["type"] == "text":
            secrets += ex["answer"]
        for s in secrets:
            if len(s) > 20:
                assert s not in plain, f"{ex['id']}: key text in a page: {s[:60]!r}"
    for m in re.finditer(r'data-lx="([^"]+)"', everything):
        rules = json.loads(html.unescape(m.group(1)))
        assert "answer" not in rules and "feedback" not in rules and "models" not in rules


def test_student_edition_build_time_is_small(student_book):
    _, seconds = student_book
    # inline execution runs the notebooks again (about 3 minutes on a quiet 2-core machine)
    assert seconds < 600, f"the student edition took {seconds:.0f} s"


def test_student_edition_has_the_worksheets_but_no_answer_sheet(student_book):
    html_dir, _ = student_book
    handouts = {p.name for p in (html_dir / "handouts").iterdir()}
    assert "lesson-1-worksheet.pdf" in handouts and "article-packet.pdf" in handouts
    assert not [name for name in handouts if "answers" in name], sorted(handouts)
    # every handout a student page links to is there
    for page in html_dir.rglob("*.html"):
        for link in re.findall(r'href="(?:\.\./)*handouts/([^"#?]+)"', page.read_text(encoding="utf-8")):
            assert link in handouts, f"{page.name} links to handouts/{link}, which the student edition lacks"
