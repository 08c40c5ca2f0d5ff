"""Command line: ``python -m lessons check FOLDER`` checks a folder of articles;
``python -m lessons answers FILES_OR_FOLDER... [--out gradebook.csv]`` grades answer files
handed in from the HTML book (see lessons.handin).

Every problem is printed at once, each with the file, the line or field, and how to fix it.
Exit status: 0 when the folder is fine (warnings allowed unless --strict), 1 when something is
wrong, 2 for a wrong command line.
"""

from __future__ import annotations

import argparse
import sys

from .check import check


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["answers"]:
        from .handin import main as answers_main
        return answers_main(argv[1:])
    parser = argparse.ArgumentParser(
        prog="python -m lessons",
        description="Helpers for the media-literacy book.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    checker = commands.add_parser(
        "check",
        help="check a folder of articles (articles.yml, raw/, optional data files)",
        description="Check a folder of articles and list every problem with its file, line or field, and a fix.",
    )
    checker.add_argument("folder", help="the folder holding articles.yml and raw/")
    checker.add_argument("--strict", action="store_true", help="treat warnings as errors (exit status 1)")
    commands.add_parser("answers", add_help=False,
                        help="grade answer files from the book's My answers page into one CSV "
                             "(python -m lessons answers --help)")
    args = parser.parse_args(argv)
    if args.command != "check":
        parser.print_help()
        return 2

    report = check(args.folder)
    for problem in report.problems:
        print(problem)
        print()
    print(report.summary())
    failed = bool(report.errors) or (args.strict and bool(report.warnings))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
