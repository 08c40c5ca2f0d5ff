"""The answer keys of the teacher's guide, as HTML (every text from a file is escaped).

`exercise_keys_html()`: every chapter exercise with its answer and reasoning
(teachers/exercise_keys.ipynb); `assignment_keys_html()`: the assignments' solutions and
rubrics (teachers/assignment_keys.ipynb).
"""

from __future__ import annotations

import html
import pprint

from markdown_it import MarkdownIt

__all__ = ["exercise_key_html", "exercise_keys_html", "assignment_keys_html"]

esc = html.escape

CHAPTERS = [("sources", "One speech, five reports"), ("figures", "Checking the numbers"),
            ("language", "Who calls whom what"), ("compare", "Same story, different stories")]


def exercise_key_html(e: dict) -> str:
    """One exercise's key: prompt, options (the right ones marked), answer, what else is
    accepted, why, and its source."""
    from lessons.exercises import answer_text

    parts = [f"<p><strong>{esc(e['prompt'])}</strong> <code>{esc(e['id'])}</code></p>"]
    if e.get("passage"):
        parts.append(f"<blockquote>{esc(e['passage'])}</blockquote>")
    if e.get("options"):
        right = e["answer"] if isinstance(e["answer"], list) else [e["answer"]]
        items = "".join(f"<li>{'<strong>✓ ' if i in right else ''}{esc(o)}{'</strong>' if i in right else ''}</li>"
                        for i, o in enumerate(e["options"]))
        parts.append(f"<ol type='A'>{items}</ol>")
    parts.append(f"<p><em>Answer:</em> {esc(answer_text(e))}</p>")
    if e.get("optional"):  # may be chosen or left out: neither is marked wrong
        also = [e["options"][i] for i in e["optional"]] if e.get("options") else e["optional"]
        parts.append(f"<p><em>Also accepted, chosen or not:</em> {esc('; '.join(also))}</p>")
    if e.get("unit"):
        parts.append(f"<p><em>Unit accepted after the number:</em> {esc(e['unit'])}</p>")
    if e.get("avoid"):
        parts.append(f"<p><em>Marked as still loaded if the rewrite keeps:</em> {esc(', '.join(e['avoid']))}</p>")
    parts.append(f"<p><em>Why:</em> {esc(e['explanation'])}</p>")
    parts.append(f"<p><em>Source:</em> {esc(e['source'])}</p>")
    return "<div class='lx-key'>" + "".join(parts) + "</div><hr>"


def exercise_keys_html(exercises=None, chapters=CHAPTERS) -> list[str]:
    """Every exercise's key (demo exercises left out), grouped by chapter (the id's prefix);
    exercises of no chapter last, under 'Other exercises'. One HTML text per chapter."""
    from lessons.exercises import load_exercises

    if exercises is None:
        exercises = [e for e in load_exercises().values() if not e["id"].startswith("demo-")]
    out, shown = [], set()
    for prefix, title in chapters:
        group = [e for e in exercises if e["id"].startswith(prefix + "-")]
        if group:
            out.append(f"<h2>{esc(title)}</h2>" + "".join(exercise_key_html(e) for e in group))
            shown.update(e["id"] for e in group)
    others = [e for e in exercises if e["id"] not in shown]
    if others:
        out.append("<h2>Other exercises</h2>" + "".join(exercise_key_html(e) for e in others))
    return out


# -- assignments ------------------------------------------------------------------------------

TITLES = {"figures": "Checking the numbers", "language": "Who calls whom what",
          "compare": "Same story, different stories", "capstone": "Capstone"}
ORDER = ["figures", "language", "compare", "capstone"]
_markdown = MarkdownIt("commonmark", {"html": False})  # raw HTML in a prompt is escaped


def _points(n) -> str:
    return f"{n} point" if n == 1 else f"{n} points"


def _prompt_parts(prompt: str) -> tuple[str, str]:
    """The question's heading (its first line, if a Markdown heading) and the rest, as HTML."""
    first, _, rest = prompt.partition("\n")
    if first.startswith("#"):
        return _markdown.renderInline(first.lstrip("#").strip()), _markdown.render(rest.strip())
    return "", _markdown.render(prompt)


def _rubric_html(levels) -> str:
    rows = "".join(f"<tr><td>{level['points']}</td><td>{esc(level['descriptor'])}</td>"
                   f"<td>{esc(level['example'])}</td></tr>" for level in levels)
    return ("<table class='lx-table'><thead><tr><th>Points</th><th>What the answer does</th>"
            f"<th>Example answer</th></tr></thead><tbody>{rows}</tbody></table>")


def _constant_html(name: str, items) -> str:
    """A list from the set-up cell, numbered from 0 as Python counts."""
    rows = "".join(f"<li>{esc(str(item))}</li>" for item in items)
    return f"<p><code>{esc(name)}</code> (set-up cell):</p><ol start='0'>{rows}</ol>"


def _shown_value(value) -> str:
    """A solution's value as Python shows it; a set's items sorted, so that the page is the
    same at every build (a set's own order changes from one run to the next)."""
    if isinstance(value, (set, frozenset)) and value:
        try:
            return "{" + ", ".join(repr(v) for v in sorted(value)) + "}"
        except TypeError:  # items that cannot be compared: sort by their text
            return "{" + ", ".join(sorted(repr(v) for v in value)) + "}"
    return pprint.pformat(value, width=90, sort_dicts=False)


def _master_html(master, rubrics: dict) -> str:
    from lessons.grading import key_values, questions

    values = key_values(master)
    setup = values.pop("_setup")
    out = [f"<h2>{esc(TITLES.get(master.stem, master.stem))} (<code>{esc(master.stem)}</code>)</h2>"]
    for q in questions(master):
        kind = "free response, marked with the rubric" if q["manual"] else "auto-graded"
        title, body = _prompt_parts(q["prompt"])
        label = f"{title} (<code>{esc(q['name'])}</code>)" if title else f"<code>{esc(q['name'])}</code>"
        out.append(f"<h3>{label}: {_points(q['points'])}, {kind}</h3>")
        out.append(f"<details><summary>The question</summary>{body}</details>")
        for name, items in setup.items():
            if name in q["prompt"] or name in q["solution"]:
                out.append(_constant_html(name, items))
        if q["manual"]:
            out.append(_rubric_html(rubrics[q["name"]]["levels"]))
            continue
        out.append(f"<pre><code>{esc(q['solution'])}</code></pre>")
        for name, value in values.get(q["name"], {}).items():
            shown = _shown_value(value)
            out.append(f"<p>Value of <code>{esc(name)}</code>:</p><pre><code>{esc(shown)}</code></pre>")
    return "".join(out)


def assignment_keys_html() -> list[str]:
    """One HTML key per master notebook in assignments/ (figures, language, compare,
    capstone first): each question, its points, the solution and its values, or the rubric."""
    import yaml

    from lessons.grading import MASTERS_DIR, masters

    rubrics = yaml.safe_load((MASTERS_DIR / "rubrics.yml").read_text())
    ordered = sorted(masters(), key=lambda m: ORDER.index(m.stem) if m.stem in ORDER else 99)
    return [_master_html(master, rubrics) for master in ordered]
