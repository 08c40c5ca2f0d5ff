"""lessons.datafiles.read.cached_build: data parsed once per process, read again when a file changes."""

from __future__ import annotations

import os

import pytest

from lessons import plans
from lessons.datafiles import read as _read
from lessons.errors import LessonsDataError


@pytest.fixture(autouse=True)
def fresh():
    _read.clear_built()
    yield
    _read.clear_built()


def test_built_once_while_the_file_stays_the_same(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    calls = []

    def build():
        calls.append(1)
        return {"text": f.read_text()}

    assert _read.cached_build("t", [f], build) == {"text": "one"}
    assert _read.cached_build("t", [f], build) == {"text": "one"}
    assert len(calls) == 1
    # a different name or extra key is a different result
    _read.cached_build("other", [f], build)
    _read.cached_build("t", [f], build, "extra")
    assert len(calls) == 3


def test_an_edited_file_is_read_again(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    build = lambda: f.read_text()  # noqa: E731
    assert _read.cached_build("t", [f], build) == "one"
    f.write_text("two, longer")  # size changes
    assert _read.cached_build("t", [f], build) == "two, longer"
    st = f.stat()
    f.write_text("three, long")  # same size: the modification time tells
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    assert _read.cached_build("t", [f], build) == "three, long"


def test_callers_get_copies(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    first = _read.cached_build("t", [f], lambda: {"items": [1, 2]})
    first["items"].append(3)
    assert _read.cached_build("t", [f], lambda: {"items": []}) == {"items": [1, 2]}


def test_errors_are_not_cached(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")

    def bad():
        raise LessonsDataError("a.txt, line 1: bad")

    with pytest.raises(LessonsDataError):
        _read.cached_build("t", [f], bad)
    assert _read.cached_build("t", [f], lambda: "fixed") == "fixed"


def test_bounded(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("x")
    for i in range(_read.MAX_BUILT * 3):
        _read.cached_build("t", [f], lambda: i, i)
    assert len(_read._built) <= _read.MAX_BUILT


def test_lessons_read_once_and_again_after_an_edit(tmp_path, monkeypatch):
    src = plans.lessons_path().read_text(encoding="utf-8")
    (tmp_path / "lessons.yml").write_text(src, encoding="utf-8")
    first = plans.load_lessons(tmp_path, check_exercises=False)
    assert first == plans.validate_lessons(src, "lessons.yml")  # the same result as a fresh parse
    parsed = []
    real = plans._parse
    monkeypatch.setattr(plans, "_parse", lambda text: parsed.append(1) or real(text))
    again = plans.load_lessons(tmp_path, check_exercises=False)
    assert again == first and not parsed  # from the cache
    again[0]["title"] = "changed by a caller"
    assert plans.load_lessons(tmp_path, check_exercises=False)[0]["title"] == first[0]["title"]
    # an edit is seen at the next call, and a broken file is still a clear error
    (tmp_path / "lessons.yml").write_text(src.replace(first[0]["title"], "A new title", 1), encoding="utf-8")
    assert plans.load_lessons(tmp_path, check_exercises=False)[0]["title"] == "A new title"
    (tmp_path / "lessons.yml").write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(LessonsDataError, match=r"lessons\.yml, line \d+: not valid YAML"):
        plans.load_lessons(tmp_path, check_exercises=False)
