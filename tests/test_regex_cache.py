"""lessons._regex_cache: one folder ($LESSONS_CACHE_DIR), two stores.

The compiled-code store (the attribution grammar's rules): the pattern built from saved code
must be the one re.compile gives; a damaged, foreign or oversized file, an unwritable folder or
a cache turned off must fall back to re.compile.

The verdict store (patterns that passed lessons._guard's checks, as digests) and the lexicon's
lazily compiled context patterns (issue 20: chapter execution cost). Graded student code runs
with both stores off; binder/postBuild warms both once."""

import gc
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from lessons import _guard, grading, language, sandbox, text
from lessons import _regex_cache as rc

ROOT = Path(__file__).resolve().parents[1]
PATTERN = r"(?P<name>[A-Z][\w'-]{0,40}+(?:[ \t\u2009]++[A-Z][\w'-]{0,40}+){0,3})[ \t]++said\b|(?>x{1,3}?)y"

# --- compiled code ----------------------------------------------------------------------------

SAMPLE = "Then Ana Ruiz said so; xxy and Bo  Li said it."


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """The code store's folder, inside a fresh cache folder."""
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache" / "regex"


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


@pytest.mark.parametrize("setting", ["", "off"])
def test_an_empty_or_off_setting_turns_both_stores_off(tmp_path, monkeypatch, setting):
    monkeypatch.setenv("LESSONS_CACHE_DIR", setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    rc.reset()
    assert rc.folder() is None
    _same(rc.compile(PATTERN), re.compile(PATTERN))
    assert _guard.regex_problem(r"\bsetting\b") is None
    rc.flush()
    assert not rc.known_fine(r"\bsetting\b", 0)
    assert not list(tmp_path.rglob("*")), "nothing written anywhere"
    rc.reset()


def test_no_code_file_without_an_absolute_home(tmp_path, monkeypatch):
    monkeypatch.delenv("LESSONS_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")
    monkeypatch.chdir(tmp_path)
    assert rc.folder() is None
    _same(rc.compile(PATTERN), re.compile(PATTERN))
    assert not list(tmp_path.rglob("*"))


def test_an_unwritable_folder_still_compiles(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(blocker / "regex"))
    _same(rc.compile(PATTERN), re.compile(PATTERN))


def test_a_bad_pattern_gives_the_ordinary_error(folder):
    with pytest.raises(re.error):
        rc.compile("(unclosed")
    assert not list(folder.glob("*.sre"))


# a long pattern, as the grammar's rules are: parsing it makes many objects that stay alive
LONG = r"\b(?:" + "|".join(f"w{n}x[a-z]{{0,9}}+" for n in range(3000)) + r")\b"


def _collections_during(call) -> int:
    """How many garbage collections start while ``call()`` runs (a count, not a time)."""
    started = []

    def note(phase, info):
        if phase == "start":
            started.append(info["generation"])
    gc.collect()  # every generation's count from zero, whatever ran before
    gc.callbacks.append(note)
    try:
        call()
    finally:
        gc.callbacks.remove(note)
    return len(started)


@pytest.mark.parametrize("store", ["on", "off"])
def test_no_garbage_collection_runs_while_a_long_pattern_compiles(tmp_path, monkeypatch, store):
    """Issue 20, chapters cold: with the collector on, parsing a rule started hundreds of
    collections (full ones walk a kernel's whole heap): 2.4x the CPU time. The result is the same."""
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(tmp_path / "cache") if store == "on" else "off")
    assert gc.isenabled()
    re.purge()  # the store off calls re.compile: not from re's own cache
    # at most the one the first allocation after it starts (before: 71 on this pattern)
    assert _collections_during(lambda: rc.compile(LONG)) <= 1
    assert gc.isenabled()  # on again after
    compiled = rc.compile(LONG)
    assert compiled == re.compile(LONG) and compiled.search("a w2999xab b").group() == "w2999xab"


def test_the_collector_is_left_as_it_was():
    assert gc.isenabled()
    with pytest.raises(re.error):
        rc.compile("(unclosed" + LONG)
    assert gc.isenabled()  # on again after an error
    gc.disable()
    try:
        rc.compile(PATTERN)
        assert not gc.isenabled()  # a caller who turned it off keeps it off
    finally:
        gc.enable()


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


# --- verdicts ---------------------------------------------------------------------------------

SLOW = r"(a+)+$"  # nested repeat: _guard rejects it


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh cache folder, with the process's memories of fine patterns emptied."""
    monkeypatch.setenv(rc.ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    rc.reset()
    yield tmp_path / "cache"
    rc.reset()


def _file(folder):
    files = list(folder.glob("regex-checked-*.json"))
    assert len(files) == 1, files
    return files[0]


def test_folder_from_the_environment(tmp_path):
    assert rc.ENV == "LESSONS_CACHE_DIR"
    for off in ("off", "OFF", "", "  ", "relative/dir"):
        assert rc.folder({"LESSONS_CACHE_DIR": off, "XDG_CACHE_HOME": str(tmp_path)}) is None, off
    assert rc.folder({"LESSONS_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert rc.folder({"LESSONS_CACHE": "off", "XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "lessons"  # old name: ignored
    assert rc.folder({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "lessons"
    assert rc.folder({"XDG_CACHE_HOME": "relative/dir"}) is None


def test_graded_student_code_runs_without_the_cache():
    env = grading._safe_env("/home/student")
    assert env["LESSONS_CACHE_DIR"] == "off" and rc.folder(env) is None  # both stores off


def test_a_fine_pattern_is_written_and_skips_the_checks_in_the_next_process(cache, monkeypatch):
    assert _guard.regex_problem(r"\bpolice\b", re.IGNORECASE) is None
    rc.flush()
    doc = json.loads(_file(cache).read_text())
    assert len(doc["fine"]) == 1 and re.fullmatch(r"[0-9a-f]{64}", doc["fine"][0])
    assert "police" not in _file(cache).read_text()  # digests only, never the pattern
    # a new process: nothing in memory, the file read again; the checks must not run
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    rc.reset()
    calls = []
    monkeypatch.setattr(_guard, "_regex_problem", lambda p, f=0: calls.append(p))
    assert _guard.regex_problem(r"\bpolice\b", re.IGNORECASE) is None
    assert calls == []
    # other flags are another pattern: checked
    _guard.regex_problem(r"\bpolice\b", 0)
    assert calls == [r"\bpolice\b"]


def test_a_rejected_pattern_is_never_remembered(cache):
    assert "repeat inside a repeat" in _guard.regex_problem(SLOW)
    assert "repeat inside a repeat" in _guard.regex_problem(SLOW, 0)  # asked again: checked again
    rc.flush()
    assert not list(cache.glob("regex-checked-*.json"))  # nothing fine, nothing written
    assert not rc.known_fine(SLOW, 0)


def test_a_digest_written_for_a_bad_pattern_by_hand_does_not_skip_the_cheap_checks(cache):
    long = "a" * (_guard.MAX_PATTERN_CHARS + 1)
    checker = rc._checker_id()
    cache.mkdir()
    path = cache / f"regex-checked-{checker[:16]}.json"
    path.write_text(json.dumps({"checker": checker, "fine": [rc.digest(long, 0, checker)]}))
    rc.reset()
    assert "at most" in _guard.regex_problem(long)


@pytest.mark.parametrize("content", [
    b"not json", b"\xff\xfe", b'{"checker": "someone else", "fine": []}', b'["a list"]',
    b'{"checker": "%s", "fine": "not a list"}',
])
def test_a_broken_or_foreign_file_counts_as_empty(cache, content):
    checker = rc._checker_id()
    cache.mkdir()
    path = cache / f"regex-checked-{checker[:16]}.json"
    path.write_bytes(content.replace(b"%s", checker.encode()))
    assert rc.read_fine(path, checker) == set()
    assert _guard.regex_problem(r"\bcalm\b") is None  # still checked, and it passes
    rc.flush()  # replaces the broken file with a good one
    assert len(rc.read_fine(path, checker)) == 1


def test_malformed_entries_and_an_oversized_file_are_ignored(cache, monkeypatch):
    checker = rc._checker_id()
    cache.mkdir()
    path = cache / "f.json"
    good = "0" * 64
    path.write_text(json.dumps({"checker": checker, "fine": [good, "x" * 64, 5, "A" * 64]}))
    assert rc.read_fine(path, checker) == {good}
    monkeypatch.setattr(rc, "MAX_BYTES", 10)
    assert rc.read_fine(path, checker) == set()


def test_off_and_an_unwritable_folder_write_nothing_and_raise_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    monkeypatch.setenv(rc.ENV, "off")
    rc.reset()
    assert _guard.regex_problem(r"\bquiet\b") is None
    rc.flush()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(rc.ENV, str(blocker / "cache"))  # a folder inside a file
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    rc.reset()
    assert _guard.regex_problem(r"\bstill\b") is None
    rc.flush()  # cannot write: silently skipped
    assert blocker.read_text() == ""
    rc.reset()


def test_another_checker_starts_from_nothing(cache, monkeypatch):
    assert _guard.regex_problem(r"\bcrowd\b") is None
    rc.flush()
    first = rc._checker_id()
    monkeypatch.setattr(_guard, "PATTERN_TEST_SECONDS", _guard.PATTERN_TEST_SECONDS / 2)
    assert rc._checker_id() != first
    rc.reset()
    monkeypatch.setattr(_guard, "_FINE_PATTERNS", set())
    assert not rc.known_fine(r"\bcrowd\b", 0)


def _lexicon_stamp(tmp_path, rows: str):
    """A lexicon file of `rows` (under the header) in a rules folder; its stamp for the matcher."""
    lex = tmp_path / "language" / "lexicon.csv"
    lex.parent.mkdir()
    lex.write_text("term,category,neutral,note,source,pos,forms,skip_if_preceded_by,skip_if_followed_by\n" + rows,
                   encoding="utf-8")
    return language._stamp(lex)


def test_context_patterns_compile_only_when_an_entry_matches(tmp_path, cache):
    st = _lexicon_stamp(tmp_path, "thugs,label,people,A label.,own reasoned entry,noun,,so-called\\s++$,\n"
                                  "mob,label,crowd,A label.,own reasoned entry,noun,,,\\s++rule\\b\n")
    matcher = language._lexicon_matcher(*st)
    thugs, mob = matcher.entries
    assert thugs.pre._compiled is None and mob.post._compiled is None
    found = [m[2] for m in matcher.matches("The mob rule ended. So-called thugs left; thugs stayed.")]
    assert found == ["thugs"]  # 'mob rule' and 'so-called thugs' cancelled by their contexts
    assert thugs.pre._compiled is not None and mob.post._compiled is not None
    assert language._lexicon_matcher(*st) is matcher


def test_the_lexicon_trie_is_read_from_the_saved_code(tmp_path, folder, monkeypatch):
    """The lexicon's one long pattern (every form, as a trie) goes through the code store: a
    second kernel reads it instead of compiling it (decision 46), and finds the same terms."""
    st = _lexicon_stamp(tmp_path, "thugs,label,people,A label.,own reasoned entry,noun,,,\n"
                                  "eliminate,euphemism,kill,A euphemism.,own reasoned entry,verb,,,\n")
    text = "Thugs were eliminated; the thug eliminates; thuggish stays."
    first = [m[2] for m in language._lexicon_matcher(*st).matches(text)]
    assert first and len(list(folder.glob("*.sre"))) == 1
    language._lexicon_matcher.cache_clear()

    def no_compiling(*args):
        raise AssertionError("compiled again instead of reading the saved code")
    monkeypatch.setattr(rc, "_code", no_compiling)
    assert [m[2] for m in language._lexicon_matcher(*st).matches(text)] == first


# --- graded student code: both stores off ---------------------------------------------------

@pytest.mark.parametrize("mode", ["none", "user"])
def test_the_sandboxed_run_gets_the_cache_turned_off(tmp_path, monkeypatch, mode):
    """What grade_one hands the process that runs a student's notebook (unsandboxed, or the
    bwrap command line): LESSONS_CACHE_DIR=off, so student code neither reads nor feeds either store."""
    nb = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    submission = tmp_path / "hw.ipynb"
    submission.write_text(json.dumps(nb))
    autograder = tmp_path / "hw-autograder.zip"
    autograder.write_bytes(b"")
    grading.spec_path_for(autograder).write_text(json.dumps({"questions": {"q1": {"names": ["x"]}}}))
    monkeypatch.setenv("LESSONS_CACHE_DIR", str(tmp_path / "teacher-cache"))  # the teacher's own setting
    seen = {}

    def fake_run(cmd, timeout, limit, cwd=None, env=None, user=None, cpu_limit=None):
        seen.update(cmd=cmd, env=env)
        return sandbox.Outcome(returncode=1, output=b"", timed_out=False, overflow=False, seconds=0.0)

    monkeypatch.setattr(sandbox, "run_bounded", fake_run)
    monkeypatch.setattr(grading, "isolation_mode", lambda isolation: (mode, "test"))
    monkeypatch.setattr(sandbox, "bwrap_binary", lambda: "/usr/bin/false")
    row = grading.grade_one(submission, autograder, timeout=5)
    assert row.status == "failed"  # the fake run reported nothing
    if mode == "none":
        assert seen["env"]["LESSONS_CACHE_DIR"] == "off"
        assert rc.folder(seen["env"]) is None
    else:
        cmd = seen["cmd"]
        assert "--clearenv" in cmd
        pairs = {(cmd[i + 1], cmd[i + 2]) for i, a in enumerate(cmd) if a == "--setenv"}
        assert ("LESSONS_CACHE_DIR", "off") in pairs
        assert not any(key == "LESSONS_CACHE_DIR" and value != "off" for key, value in pairs)


# --- the warm-up at image build (binder/postBuild) ------------------------------------------

def _warm(env_cache: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LESSONS_CACHE")}
    env.update(LESSONS_CACHE_DIR=env_cache, HOME=str(tmp_path / "home"))
    return subprocess.run([sys.executable, "-m", "lessons.warm_cache"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)


def test_the_warm_up_fills_an_empty_cache_folder(tmp_path):
    cache = tmp_path / "cache"
    done = _warm(str(cache), tmp_path)
    assert done.returncode == 0, done.stderr
    rules = [name for name, rule in text.grammar().rule_texts.items() if rule is not None]
    assert len(list((cache / "regex").glob("*.sre"))) >= len(rules)  # every rule, and the small patterns
    (verdicts,) = cache.glob("regex-checked-*.json")
    fine = json.loads(verdicts.read_text())["fine"]
    contexts = language.load_lexicon()[["skip_if_preceded_by", "skip_if_followed_by"]]
    assert len(fine) >= len({p for p in contexts.to_numpy().ravel() if p}) > 0
    assert f"{len(rules)} grammar rules compiled" in done.stdout


def test_the_warm_up_never_fails_the_image_build(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    done = _warm(str(blocker / "cache"), tmp_path)  # a folder inside a file: cannot be written
    assert done.returncode == 0, done.stderr
    assert blocker.read_text() == ""
    assert _warm("off", tmp_path).returncode == 0
    post = (ROOT / "binder" / "postBuild").read_text()
    assert "python -m lessons.warm_cache || true" in post
    assert post.index("warm_cache") > post.index("rm -f"), "warmed after the masters are removed"



def test_the_benchmarks_cold_build_starts_with_an_empty_cache(monkeypatch):
    """benchmarks/run.py's timed build is cold: a fresh LESSONS_CACHE_DIR inside each run's folder."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import run as bench_run
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    calls = []

    def fake_run(cmd, **kw):
        calls.append((cmd, kw.get("env") or {}))
        return subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(bench_run.subprocess, "run", fake_run)
    bench_run.timed_build(2)
    dirs = [env.get("LESSONS_CACHE_DIR", "") for _, env in calls]
    assert len(dirs) == 2 and len(set(dirs)) == 2
    for (cmd, _), where in zip(calls, dirs):
        out = cmd[cmd.index("--path-output") + 1]
        assert where.startswith(out) and not Path(where).exists()


# --- files that were planted or damaged so that the engine still accepts them --------------------

def _forge(path: Path, key: str, header: dict, body: bytes, with_hash: bool = True) -> None:
    head = dict(header, key=key, **({"body": rc._body_hash(key, body)} if with_hash else {}))
    path.write_bytes(json.dumps(head).encode() + b"\n" + body)
    path.chmod(0o600)


def test_another_patterns_valid_code_is_not_used(folder):
    """A file named for 'cat' that holds the (valid) code of 'dog' must not make 'cat' match 'dog'."""
    rc.compile("cat")
    (path,) = folder.glob("*.sre")
    header, code = rc._code("dog", 0)
    from array import array
    _forge(path, rc._key("cat", 0), header, array(rc._ITEM, code).tobytes(), with_hash=False)
    assert rc.compile("cat").search("a dog") is None and rc.compile("cat").search("a cat")


def test_code_far_longer_than_the_pattern_is_not_used(folder, monkeypatch):
    """Deeply nested forged code can crash the engine's recursive check: it is refused before."""
    rc.compile("abc")
    (path,) = folder.glob("*.sre")
    header, code = rc._code("abc", 0)
    from array import array
    long_body = array(rc._ITEM, code + [0] * (rc.MAX_CODE_PER_CHAR * 3 + 300)).tobytes()
    _forge(path, rc._key("abc", 0), header, long_body)
    built = []
    monkeypatch.setattr(rc, "_build", lambda *a: built.append(a) or re.compile("abc"))
    rc.compile("abc")
    assert not any(len(a[2]) > rc.MAX_CODE_PER_CHAR * 3 + 256 for a in built)


def test_a_file_in_a_folder_others_can_write_is_not_read(folder, monkeypatch):
    rc.compile(PATTERN)
    folder.chmod(0o777)
    calls, real = [], rc._code
    monkeypatch.setattr(rc, "_code", lambda *a: calls.append(a) or real(*a))
    _same(rc.compile(PATTERN), re.compile(PATTERN))
    assert calls  # the saved file was not trusted: compiled again
    folder.chmod(0o700)
    calls.clear()
    rc.compile(PATTERN)
    assert not calls  # a private folder's file is read


def test_a_file_others_can_write_is_not_read(folder):
    rc.compile(PATTERN)
    (path,) = folder.glob("*.sre")
    path.chmod(0o666)
    assert rc.read_bounded(path, rc.MAX_FILE_BYTES) is None
    path.chmod(0o600)
    assert rc.read_bounded(path, rc.MAX_FILE_BYTES) is not None


def test_a_fifo_in_place_of_a_file_does_not_block(tmp_path):
    """Run in a child with a timeout: a blocking open of a FIFO would hang forever."""
    code = ("import os,sys; from pathlib import Path; from lessons import _regex_cache as rc\n"
            "where = Path(sys.argv[1]) / 'regex'; where.mkdir(parents=True, mode=0o700)\n"
            "os.mkfifo(where / (rc._key('zz', 0)[:40] + '.sre'))\n"
            "print(rc.compile('zz').pattern)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "c")], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "LESSONS_CACHE_DIR": str(tmp_path / "c")})
    assert out.returncode == 0 and out.stdout.strip() == "zz", out.stderr


def test_the_verdict_file_must_be_private_too(cache):
    rc.remember_fine("ab+c", 0)
    rc.flush()
    (path,) = cache.glob("regex-checked-*.json")
    path.chmod(0o666)
    assert rc.read_fine(path, rc._load()["checker"]) == set()
    path.chmod(0o600)
    assert rc.read_fine(path, rc._load()["checker"])


def test_the_test_suite_never_uses_the_real_home_cache():
    assert os.environ.get("LESSONS_CACHE_DIR") and not os.environ["LESSONS_CACHE_DIR"].startswith(
        os.path.expanduser("~/.cache"))


def test_make_clean_cache_removes_only_the_cache_files_of_lessons_cache_dir(tmp_path):
    """`make clean-cache` honours $LESSONS_CACHE_DIR and removes the cache's own files: a
    folder that also holds other files keeps them."""
    where = tmp_path / "shared"
    env = {**os.environ, "LESSONS_CACHE_DIR": str(where)}
    fill = ("from lessons import _regex_cache as rc; rc.compile('ab+c'); rc.remember_fine('ab+c', 0); rc.flush()")
    subprocess.run([sys.executable, "-c", fill], env=env, check=True, timeout=120)
    (where / "notes.txt").write_text("mine")
    assert list(where.glob("regex/*.sre")) and list(where.glob("regex-checked-*.json"))
    out = subprocess.run(["make", "--no-print-directory", "clean-cache"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "2 files removed" in out.stdout
    assert sorted(p.name for p in where.iterdir()) == ["notes.txt"]  # regex/ is gone, the other file kept
    assert (tmp_path / "shared" / "notes.txt").read_text() == "mine"


def test_clear_leaves_a_cache_that_is_off_alone(monkeypatch, tmp_path):
    monkeypatch.setenv("LESSONS_CACHE_DIR", "off")
    assert rc.clear() == 0
    out = subprocess.run([sys.executable, "-m", "lessons.warm_cache", "--clear"], capture_output=True, text=True,
                         env={**os.environ, "LESSONS_CACHE_DIR": "off"}, timeout=60)
    assert out.returncode == 0 and "nothing to clear" in out.stdout


def test_clear_removes_only_the_cache_s_own_temporary_files(tmp_path):
    """A leftover temporary file of the cache's own write is removed; another program's
    temporary file in a shared $LESSONS_CACHE_DIR is not."""
    where = tmp_path / "shared"
    (where / "regex").mkdir(parents=True)
    own = where / (rc._TMP_PREFIX + "abc")
    own.write_bytes(b"half")
    other = where / ".tmp-editor-swap"
    other.write_text("an editor's")
    assert rc.clear(where) == 1
    assert not own.exists() and other.read_text() == "an editor's"
