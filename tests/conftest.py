"""Shared fixtures: the repository root, a copy of the invented example folder to break, and the
built book (built once per test session)."""

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The suite never reads or writes the user's own regex cache (lessons._regex_cache, by default
# ~/.cache/lessons): a stale or damaged one must not change a result. One fresh folder per run,
# inherited by every kernel, build and child process the tests start.
os.environ["LESSONS_CACHE_DIR"] = tempfile.mkdtemp(prefix="lessons-test-cache-")
atexit.register(shutil.rmtree, os.environ["LESSONS_CACHE_DIR"], True)
EXAMPLE = ROOT / "examples" / "invented_event"  # a teacher's folder of invented articles


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture
def event(tmp_path) -> Path:
    """A fresh copy of the invented example (examples/invented_event) to break."""
    target = tmp_path / "event"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the whole book as `make book` does (-W -n --keep-going) and return _build/html."""
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run(
        [str(jb), "build", "--all", "-W", "-n", "--keep-going", str(ROOT)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800,
    )
    log = ROOT / "_build" / "build-log.txt"
    log.parent.mkdir(exist_ok=True)
    log.write_text(result.stdout + "\n" + result.stderr)
    assert result.returncode == 0, f"book build failed (log in {log}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    # the printed handouts the pages link to, as `make book` builds them (make handouts)
    handouts = subprocess.run(
        [sys.executable, "-m", "lessons.handouts", "--out", str(ROOT / "_build" / "html" / "handouts")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert handouts.returncode == 0, f"handouts failed:\n{handouts.stdout[-2000:]}\n{handouts.stderr[-2000:]}"
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def chromium():
    """One Playwright and one headless Debian Chromium for the whole test session.

    Playwright's sync API refuses to start while another sync Playwright runs in the same
    thread, so every browser test shares this one (a module that started its own would fail
    once another module's browser is alive). Code that must start its own Playwright (the
    handouts printer) runs in a thread of its own: `tests/browser/support.in_thread`."""
    sync_api = pytest.importorskip("playwright.sync_api")
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import support

    assert support.CHROMIUM.exists(), (
        f"{support.CHROMIUM} is missing: run `apt-get install -y chromium` (make test does it)")
    with sync_api.sync_playwright() as p:
        browser = support.launch(p)
        yield browser
        browser.close()


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped data folder, used by every helper through $LESSONS_DATA."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    monkeypatch.setenv("LESSONS_DATA", str(target))
    return target


@pytest.fixture(scope="session")
def book_html(request) -> Path:
    """The built book: the shared `built_book` fixture, or an already built one given by
    BROWSER_TEST_HTML (tests/test_browser.py has its own, which also reads BROWSER_TEST_BOOK)."""
    given = os.environ.get("BROWSER_TEST_HTML")
    if given:
        path = Path(given)
        return path if path.is_absolute() else ROOT / path
    return request.getfixturevalue("built_book")

