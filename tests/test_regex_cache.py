"""lessons._regex_cache: the attribution grammar's compiled code kept between processes.
The pattern built from saved code must be the one re.compile gives; a damaged, foreign or
oversized file, an unwritable folder or a cache turned off must fall back to re.compile."""

import re

import pytest

from lessons import _regex_cache as rc
from lessons import text

PATTERN = r"(?P<name>[A-Z][\w'-]{0,40}+(?:[ \t\u2009]++[A-Z][\w'-]{0,40}+){0,3})[ \t]++said\b|(?>x{1,3}?)y"
SAMPLE = "Then Ana Ruiz said so; xxy and Bo  Li said it."


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(tmp_path / "regex"))
    return tmp_path / "regex"


def _same(a, b):
    assert a == b  # same flags, pattern text and code
    assert a.groupindex == b.groupindex and a.groups == b.groups
    assert [m.span() + m.groups() for m in a.finditer(SAMPLE)] == [m.span() + m.groups() for m in b.finditer(SAMPLE)]


def test_the_second_compile_reads_the_saved_code(folder, monkeypatch):
    first = rc.compile(PATTERN)
    _same(first, re.compile(PATTERN))
    assert len(list(folder.glob("*.sre"))) == 1

    def no_compiling(*args):
        raise AssertionError("compiled again instead of reading the saved code")
    monkeypatch.setattr(rc, "_code", no_compiling)
    _same(rc.compile(PATTERN), re.compile(PATTERN))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "other key", "too big", "odd length"])
def test_a_damaged_file_is_compiled_again(folder, damage):
    rc.compile(PATTERN)
    (path,) = folder.glob("*.sre")
    data = path.read_bytes()
    head, _, body = data.partition(b"\n")
    damaged = {"truncated": data[: len(data) // 2], "garbage": b"\x00\xff" * 50,
               "other key": head.replace(b'"key": "', b'"key": "0') + b"\n" + body,
               "too big": data + b"\0" * (rc.MAX_FILE_BYTES + 1),
               "odd length": data + b"\1"}[damage]
    path.write_bytes(damaged)
    _same(rc.compile(PATTERN), re.compile(PATTERN))


def test_code_that_the_engine_refuses_is_compiled_again(folder):
    rc.compile(PATTERN)
    (path,) = folder.glob("*.sre")
    head, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(head + b"\n" + b"\x07\x00\x00\x00" * (len(body) // 4))  # a valid header, nonsense code
    _same(rc.compile(PATTERN), re.compile(PATTERN))


def test_an_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("LESSONS_CACHE_DIR", "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rc.cache_dir() is None
    _same(rc.compile(PATTERN), re.compile(PATTERN))
    assert not list(tmp_path.rglob("*.sre"))


def test_an_unwritable_folder_still_compiles(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(blocker / "regex"))
    _same(rc.compile(PATTERN), re.compile(PATTERN))


def test_a_bad_pattern_gives_the_ordinary_error(folder):
    with pytest.raises(re.error):
        rc.compile("(unclosed")
    assert not list(folder.glob("*.sre"))


def test_the_grammar_compiles_a_rule_only_when_it_is_used(folder):
    text._grammar.cache_clear()
    g = text.grammar()
    assert not any(name in vars(g) for name in g.RULES)  # nothing compiled yet
    assert text.quote_speaker('"We will rebuild," said Mayor Tom Cole.', 1, 17) == "Mayor Tom Cole"
    assert "after" in vars(g) and "subject" not in vars(g)  # found right after the quotation
    for name in ("after", "subject", "document"):  # the longest rules and an optional one
        assert getattr(g, name) == re.compile(g.rule_texts[name]), name
    with pytest.raises(AttributeError):
        g.no_such_rule


def test_the_grammar_text_is_the_same_in_every_process():
    """The file name is a hash of the pattern text: a word list written as a set must give one
    text whatever the order (Python orders a set differently in each process)."""
    verbs = ["said", "says", "told", "tells", "warned", "added", "adds", "asked"]
    assert text._alternation(verbs) == text._alternation(list(reversed(verbs)))


def test_old_files_are_removed_beyond_the_limit(folder, monkeypatch):
    monkeypatch.setattr(rc, "MAX_FILES", 3)
    for n in range(6):
        rc.compile(PATTERN + "|z" * (n + 1))
    assert len(list(folder.glob("*.sre"))) == 3
