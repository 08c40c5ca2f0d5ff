"""Check a folder of articles before using it in the book: report every problem at once.

A teacher's folder has the same layout as the shipped ``data/`` folder::

    my_event/
      articles.yml          one entry per article (required)
      raw/                  the articles as UTF-8 text files (required)
      figures/claims.yml    which figures are about the same thing (optional)
      figures/counters.csv  who counted (optional)
      compare/elements.yml  the elements a report could cover (optional)
      language/lexicon.csv  loaded words to add to the book's lexicon (optional)

``check_folder(path)`` returns a list of ``Problem``s, each naming the file, the line or field,
what is wrong and how to fix it. The loaders in ``lessons.corpus`` (and the skill modules) stop
at the first problem, which is right for a notebook but slow for someone fixing a folder: here
every entry is checked and all problems are listed. The rules are the loaders' own: each data
file's module in ``lessons.datafiles`` gives ``problems()`` to this checker and ``load()`` to the
loaders, so a folder that passes here also loads in the notebooks.

``python -m lessons check FOLDER`` prints the list (see ``lessons.__main__``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from . import _guard
from .datafiles import articles, claims, counters, elements, lexicon, limits, voice
from .datafiles.read import ERROR, WARNING, Problem, problems_table
from .errors import LessonsDataError
from .paths import REPO_ROOT

SHIPPED_DATA = REPO_ROOT / "data"  # the book's own data: what a teacher's folder adds to

# Optional data files: path inside the folder -> what one entry is (for the summary).
# claims.yml, counters.csv and elements.yml replace the book's (they are about one event);
# lexicon.csv adds to the book's lexicon (a line for a term the book has replaces that line).
OPTIONAL_FILES = {
    claims.FILE: "figure claim(s)",
    counters.FILE: "counter(s)",
    elements.FILE: "coverage element(s)",
    lexicon.FILE: "lexicon addition(s)",
    limits.FILE: "word-list limit passage(s)",
    voice.FILE: "voice rule section(s)",
}
_BOOK_LEXICON = SHIPPED_DATA / lexicon.FILE
# How each optional file is checked: (path, folder) -> (how many entries, every problem)
_SURVEYS = {
    claims.FILE: claims.survey,
    counters.FILE: counters.survey,
    elements.FILE: elements.survey,
    lexicon.FILE: lambda path, folder: lexicon.survey(path, folder, book=_BOOK_LEXICON),
    limits.FILE: limits.survey,
    voice.FILE: voice.survey,
}


__all__ = ["ERROR", "WARNING", "Problem", "Report", "check", "check_folder", "prepare",
           "problems_table", "use_folder"]


# --------------------------------------------------------------------------- the whole folder
@dataclass
class Report:
    """What ``check_folder`` found: the problems and a count of what is in the folder."""

    folder: Path
    problems: list[Problem]
    articles: int = 0
    data_files: dict | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return (f"{len(self.errors)} error(s) and {len(self.warnings)} warning(s) in {self.folder}. "
                    "Fix the errors and run the check again; nothing was changed.")
        extra = ", ".join(f"{n} {OPTIONAL_FILES[name]}" for name, n in (self.data_files or {}).items())
        warn = f", {len(self.warnings)} warning(s)" if self.warnings else ""
        return f"OK: {self.folder} has {self.articles} article(s){', ' + extra if extra else ''}{warn}."


def check(path) -> Report:
    """Check a folder of articles and its optional data files; every problem is listed."""
    folder = Path(path)
    fine, problems = articles.survey(folder)
    if not folder.is_dir():
        return Report(folder, problems)
    counts = {}
    for name, survey in _SURVEYS.items():
        file = folder / name
        if file.exists():
            counts[name], found = survey(file, folder)
            problems += found
    return Report(folder, problems, fine, counts)


def check_folder(path) -> list[Problem]:
    """Every problem in a folder of articles (empty list: the folder is fine)."""
    return check(path).problems


# --------------------------------------------------------------------------- using a folder
def _merge_lexicon(additions: Path, target: Path) -> None:
    """The book's lexicon with the folder's lines added (a line for a known term replaces it)."""
    rows = lexicon.merged(additions, _BOOK_LEXICON)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(lexicon.COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def prepare(folder, target=None) -> Path:
    """A complete data folder for a teacher's folder: the book's data (word lists, rules) with
    the folder's articles and data files in their place. Raises ``LessonsDataError`` listing
    the problems when the folder has errors. Returns the new folder (a temporary one unless
    ``target`` is given); point ``$LESSONS_DATA`` at it, or call ``use_folder``.
    """
    import shutil
    import tempfile

    folder = Path(folder)
    report = check(folder)
    if report.errors:
        listed = "\n".join(str(p) for p in report.errors[:10])
        more = f"\n... and {len(report.errors) - 10} more" if len(report.errors) > 10 else ""
        raise LessonsDataError(f"{folder}: {len(report.errors)} problem(s) "
                               f"(run: python -m lessons check {folder})\n{listed}{more}")
    target = Path(target) if target is not None else Path(tempfile.mkdtemp(prefix="lessons-event-"))
    if target.resolve() == SHIPPED_DATA.resolve():
        raise LessonsDataError(f"{target}: this is the book's own data folder; choose another target")
    shutil.copytree(SHIPPED_DATA, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns(articles.RAW_FOLDER, articles.METADATA_FILE, "answers*.json"))
    shutil.copy2(folder / articles.METADATA_FILE, target / articles.METADATA_FILE)
    # Only the articles that articles.yml names, read through the guard: anything else in raw/
    # (a pipe, a huge file, a sub-folder, a link leading out) is only a warning above and is
    # never opened or copied.
    raw = target / articles.RAW_FOLDER
    raw.mkdir(parents=True, exist_ok=True)
    for name in articles.listed_files(folder):
        data = _guard.read_bytes(folder / articles.RAW_FOLDER / name, folder, _guard.MAX_ARTICLE_BYTES)
        (raw / name).write_bytes(data)
    for name in OPTIONAL_FILES:
        source = folder / name
        if not source.exists() or source.resolve() == (SHIPPED_DATA / name).resolve():
            continue
        if name == "language/lexicon.csv":
            _merge_lexicon(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def use_folder(folder) -> Path:
    """Check ``folder``, build its data folder (``prepare``) and make every helper use it by
    setting ``$LESSONS_DATA``. Call it first in a notebook, before any other helper."""
    import os

    data = prepare(folder)
    os.environ["LESSONS_DATA"] = str(data)
    return data
