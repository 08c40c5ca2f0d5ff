"""The on-disk memory of checked patterns (lessons._regex_cache) and the lexicon's lazily
compiled context patterns (issue 20: chapter execution cost)."""

import json
import re

import pytest

from lessons import _guard, _regex_cache, language
from lessons.datafiles import read

SLOW = r"(a+)+$"  # nested repeat: _guard rejects it


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder, with the process's memories of fine patterns emptied."""
    monkeypatch.setenv(_regex_cache.ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    _regex_cache.reset()
    yield tmp_path / "cache"
    _regex_cache.reset()


def _file(folder):
    files = list(folder.glob("regex-checked-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_folder_from_the_environment(tmp_path):
    assert _regex_cache.folder({"LESSONS_CACHE": "off"}) is None
    assert _regex_cache.folder({"LESSONS_CACHE": str(tmp_path)}) == tmp_path
    assert _regex_cache.folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "lessons"
    assert _regex_cache.folder({"XDG_CACHE_HOME": "relative/dir"}) is None


def test_graded_student_code_runs_without_the_cache():
    from lessons import grading

    assert grading._safe_env("/home/student")["LESSONS_CACHE"] == "off"


def test_a_fine_pattern_is_written_and_skips_the_checks_in_the_next_process(cache, monkeypatch):
    assert _guard.regex_problem(r"\bpolice\b", re.IGNORECASE) is None
    _regex_cache.flush()
    doc = json.loads(_file(cache).read_text())
    assert len(doc["fine"]) == 1 and re.fullmatch(r"[0-9a-f]{64}", doc["fine"][0])
    assert "police" not in _file(cache).read_text()  # digests only, never the pattern
    # a new process: nothing in memory, the file read again; the checks must not run
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    _regex_cache.reset()
    calls = []
    monkeypatch.setattr(_guard, "_regex_problem", lambda p, f=0: calls.append(p))
    assert _guard.regex_problem(r"\bpolice\b", re.IGNORECASE) is None
    assert calls == []
    # other flags are another pattern: checked
    _guard.regex_problem(r"\bpolice\b", 0)
    assert calls == [r"\bpolice\b"]


def test_a_rejected_pattern_is_never_remembered(cache):
    assert "repeat inside a repeat" in _guard.regex_problem(SLOW)
    assert "repeat inside a repeat" in read.regex_problem(SLOW, 0)  # asked again: checked again
    _regex_cache.flush()
    assert not list(cache.glob("regex-checked-*.json"))  # nothing fine, nothing written
    assert not _regex_cache.known_fine(SLOW, 0)


def test_a_digest_written_for_a_bad_pattern_by_hand_does_not_skip_the_cheap_checks(cache):
    long = "a" * (_guard.MAX_PATTERN_CHARS + 1)
    checker = _regex_cache._checker_id()
    cache.mkdir()
    path = cache / f"regex-checked-{checker[:16]}.json"
    path.write_text(json.dumps({"checker": checker, "fine": [_regex_cache.digest(long, 0, checker)]}))
    _regex_cache.reset()
    assert "at most" in _guard.regex_problem(long)


@pytest.mark.parametrize("content", [
    b"not json", b"\xff\xfe", b'{"checker": "someone else", "fine": []}', b'["a list"]',
    b'{"checker": "%s", "fine": "not a list"}',
])
def test_a_broken_or_foreign_file_counts_as_empty(cache, content):
    checker = _regex_cache._checker_id()
    cache.mkdir()
    path = cache / f"regex-checked-{checker[:16]}.json"
    path.write_bytes(content.replace(b"%s", checker.encode()))
    assert _regex_cache.read_fine(path, checker) == set()
    assert _guard.regex_problem(r"\bcalm\b") is None  # still checked, and it passes
    _regex_cache.flush()  # replaces the broken file with a good one
    assert len(_regex_cache.read_fine(path, checker)) == 1


def test_malformed_entries_and_an_oversized_file_are_ignored(cache, monkeypatch):
    checker = _regex_cache._checker_id()
    cache.mkdir()
    path = cache / "f.json"
    good = "0" * 64
    path.write_text(json.dumps({"checker": checker, "fine": [good, "x" * 64, 5, "A" * 64]}))
    assert _regex_cache.read_fine(path, checker) == {good}
    monkeypatch.setattr(_regex_cache, "MAX_BYTES", 10)
    assert _regex_cache.read_fine(path, checker) == set()


def test_off_and_an_unwritable_folder_write_nothing_and_raise_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    monkeypatch.setenv(_regex_cache.ENV, "off")
    _regex_cache.reset()
    assert _guard.regex_problem(r"\bquiet\b") is None
    _regex_cache.flush()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(_regex_cache.ENV, str(blocker / "cache"))  # a folder inside a file
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    _regex_cache.reset()
    assert _guard.regex_problem(r"\bstill\b") is None
    _regex_cache.flush()  # cannot write: silently skipped
    assert blocker.read_text() == ""
    _regex_cache.reset()


def test_another_checker_starts_from_nothing(cache, monkeypatch):
    assert _guard.regex_problem(r"\bcrowd\b") is None
    _regex_cache.flush()
    first = _regex_cache._checker_id()
    monkeypatch.setattr(_guard, "PATTERN_TEST_SECONDS", _guard.PATTERN_TEST_SECONDS / 2)
    assert _regex_cache._checker_id() != first
    _regex_cache.reset()
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    assert not _regex_cache.known_fine(r"\bcrowd\b", 0)


def test_context_patterns_compile_only_when_an_entry_matches(tmp_path, cache):
    lex = tmp_path / "language" / "lexicon.csv"
    lex.parent.mkdir()
    lex.write_text(
        "term,category,neutral,note,source,pos,forms,skip_if_preceded_by,skip_if_followed_by\n"
        "thugs,label,people,A label.,own reasoned entry,noun,,so-called\\s++$,\n"
        "mob,label,crowd,A label.,own reasoned entry,noun,,,\\s++rule\\b\n", encoding="utf-8")
    st = language._stamp(lex)
    matcher = language._lexicon_matcher(*st)
    thugs, mob = matcher.entries
    assert thugs.pre._compiled is None and mob.post._compiled is None
    found = [m[2] for m in matcher.matches("The mob rule ended. So-called thugs left; thugs stayed.")]
    assert found == ["thugs"]  # 'mob rule' and 'so-called thugs' cancelled by their contexts
    assert thugs.pre._compiled is not None and mob.post._compiled is not None
    assert language._lexicon_matcher(*st) is matcher
