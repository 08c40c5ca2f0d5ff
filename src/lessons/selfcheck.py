"""Students' self-checks in the assignment notebooks: `grader.check("name")`, with plain messages.

The student notebooks start with

    from lessons.selfcheck import Notebook
    grader = Notebook("figures.ipynb")

`grader.check("hedges")` runs the question's *public* tests (stored in the notebook's metadata by
`otter assign`) on the student's own variables and answers in one or two sentences, never with
a traceback. Where the teacher's grading has hidden tests, a pass says so plainly: the form is
right, the teacher's grading checks the answer. Hidden tests are never in the notebook.
"""

from __future__ import annotations

import builtins
import contextlib
import doctest
import html
import io
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lessons import plaindata

_MAX_MESSAGE = 300
_CODE_SPAN = re.compile(r"`([^`\n]{1,80})`")


def _message_html(message: str) -> str:
    """The message escaped, its `code` spans shown as code (walk 7: JupyterLab showed the
    backticks of "Your answer still has `...` in it" as they are)."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html.escape(message))


@dataclass
class CheckResult:
    question: str
    passed: bool
    message: str

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#009E73" if self.passed else "#D55E00"
        mark = "✔" if self.passed else "✘"
        return (f'<p style="border-left: 4px solid {colour}; padding-left: 0.5em">'
                f"<strong>{mark} {html.escape(self.question)}</strong>: {_message_html(self.message)}</p>")


class CheckResults(list):
    """The results of `check_all()`, one line each."""

    def __repr__(self) -> str:
        return "\n".join(f"{r.question}: {r.message}" for r in self)

    def _repr_html_(self) -> str:
        return "".join(r._repr_html_() for r in self)


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


class Notebook:
    """Self-checks for one assignment notebook (its public tests, read from its metadata)."""

    def __init__(self, nb_path: str = "", tests: dict | None = None, form_only: list | None = None):
        self.problem = ""
        if tests is None:
            tests, form_only = self._read(nb_path)
        self.tests = tests
        self.form_only = set(form_only or [])

    def _read(self, nb_path: str) -> tuple[dict, list]:
        candidates = [Path(nb_path)] if nb_path else []
        wanted = Path(nb_path).stem if nb_path else None
        candidates += sorted(Path(".").glob("*.ipynb"))
        for path in candidates:
            try:
                meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
            except (OSError, ValueError):
                continue
            otter = meta.get("otter", {}) if isinstance(meta, dict) else {}
            if isinstance(otter, dict) and isinstance(otter.get("tests"), dict) \
                    and (wanted is None or path == candidates[0] or otter.get("assignment_name") == wanted):
                lessons = meta.get("lessons", {}) if isinstance(meta.get("lessons"), dict) else {}
                return otter["tests"], lessons.get("form_only", [])
        self.problem = (f"I cannot find the checks: is this notebook still called {nb_path!r}? "
                        "Keep the file name your teacher gave you, or ask your teacher.")
        return {}, []

    def check(self, question: str, global_env: dict | None = None) -> CheckResult:
        """Check the form of one answer and say what to do next."""
        env = dict(global_env if global_env is not None else sys._getframe(1).f_globals)
        if self.problem:
            return CheckResult(str(question), False, self.problem)
        test = self.tests.get(question)
        if test is None:
            known = ", ".join(sorted(self.tests)) or "none"
            return CheckResult(str(question), False,
                               f"There is no question called {str(question)!r}. Check the spelling. "
                               f"The questions checked here are: {known}.")
        cases = [c for s in test.get("suites", []) for c in s.get("cases", []) if not c.get("hidden")]
        for case in cases:
            failure = self._run_case(question, case.get("code", ""), env)
            if failure:
                return CheckResult(question, False, failure)
        if question in self.form_only:
            message = ("The form is right. Your teacher's grading checks whether the answer is right, "
                       "so this is not a mark yet.")
        else:
            message = "Passed. This is the whole automatic check for this question."
        return CheckResult(question, True, message)

    def check_all(self, global_env: dict | None = None) -> CheckResults:
        """Check every question, one line each."""
        env = global_env if global_env is not None else sys._getframe(1).f_globals
        return CheckResults(self.check(q, env) for q in sorted(self.tests))

    @staticmethod
    def _run_case(question: str, code: str, env: dict) -> str:
        """'' when the case passes, else a one-sentence message (no traceback)."""
        env.setdefault("__builtins__", builtins)
        try:
            examples = doctest.DocTestParser().get_examples(code)
        except ValueError:
            return "This check is broken: please tell your teacher."
        for example in examples:
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out):
                    exec(compile(example.source, f"<check {question}>", "exec"), env)  # public test
            except NameError as e:
                name = getattr(e, "name", None) or "that name"
                return (f"There is no `{name}` yet. Run the cell where you write it, and check that the "
                        "name is spelt exactly as in the question.")
            except AssertionError as e:
                if any(plaindata.holds_ellipsis(v) for k, v in env.items() if not k.startswith("_") and k in example.source):
                    return "Your answer still has `...` in it: replace the dots with your answer, then run the cell."
                hint = str(e).strip()
                return _short(f"Not yet: {hint}." if hint else "Not yet: the answer does not have the form the question asks for.")
            except Exception as e:
                if any(plaindata.holds_ellipsis(v) for k, v in env.items() if not k.startswith("_") and k in example.source):
                    return "Your answer still has `...` in it: replace the dots with your answer, then run the cell."
                return _short(f"Not yet: checking your answer raised {type(e).__name__} ({e}). "
                              "Look again at the form the question asks for.")
            if example.want.strip() and out.getvalue().strip() != example.want.strip():
                return "Not yet: the answer does not have the form the question asks for."
        return ""
