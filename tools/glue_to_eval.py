"""Rewrite myst-nb glue roles in notebook Markdown as MyST {eval} roles (issue 15), and
{term} roles as links to the glossary page (`lessons.glossary`).

    .venv/bin/python tools/glue_to_eval.py [NOTEBOOK ...]   # default: chapters/ teachers/

{glue:text}`name` (and {glue}`name`, {glue:}`name`) becomes {eval}`name`: jupyterlab-myst
evaluates it in a live kernel and myst-nb (execute_notebooks: inline) at build time; the
variable is the formatted text that `lessons.book.glue_value("name", ...)` puts in the
notebook's namespace. Only the role text changes, so every line keeps its place and git can
merge the result with other edits; re-run it on merged notebooks to convert new glue roles.
{term}`outlets <outlet>` becomes [outlets](../glossary.md#term-outlet): JupyterLab cannot resolve
a {term} role (a notebook holds no glossary) and the book turns the link back into the term's
cross-reference (_ext/glossary_links.py).
The notebook JSON is rewritten only where a Markdown cell changed (same indent, same key order).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from lessons import glossary  # noqa: E402

GLUE = re.compile(r"\{glue(?::text|:|)\}`([^`\n]{1,200})`")
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,100}")


def convert_text(text: str, where: str) -> tuple[str, int]:
    def repl(match: re.Match) -> str:
        name = match.group(1).strip()
        if not NAME.fullmatch(name):
            raise SystemExit(f"{where}: cannot convert {match.group(0)!r}: {{eval}} takes a "
                             "plain variable name (no format spec); glue the formatted text")
        return "{eval}`" + name + "`"

    text, n = GLUE.subn(repl, text)
    text, terms = glossary.role_to_link(text)
    return text, n + terms


def convert_notebook(path: Path) -> int:
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    count = 0
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"]
        lines = [source] if isinstance(source, str) else source
        new = []
        for line in lines:
            converted, n = convert_text(line, f"{path} cell {i}")
            new.append(converted)
            count += n
        cell["source"] = new[0] if isinstance(source, str) else new
    if count:
        indent = 1 if raw.startswith('{\n "') else 2
        text = json.dumps(nb, indent=indent, ensure_ascii=False) + "\n"
        path.write_text(text, encoding="utf-8")
    return count


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for d in ("chapters", "teachers") for p in (ROOT / d).glob("*.ipynb"))
    total = 0
    for path in paths:
        n = convert_notebook(path)
        total += n
        print(f"{path}: {n} glue or term role(s) converted")
    print(f"{total} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
