"""fresh_data: pages of notebooks that read data Sphinx does not track are rebuilt every time.

The template notebook reads a teacher's folder. Its file does not change when the teacher edits
an article, so jupyter-cache would reuse the old outputs and Sphinx, without ``--all``, would
not even read the notebook again: the page would show the old analysis. Such a notebook says
so in its metadata (``"mystnb": {"execution_mode": "inline"}`` or ``"force"``: myst-nb then
always executes it, never from the cache); this extension marks the same notebooks as outdated at every build, so Sphinx reads them.
"""

from __future__ import annotations

import json
from pathlib import Path

from sphinx.application import Sphinx


def _always_executed(path: Path) -> bool:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata") or {}
    except (OSError, ValueError):
        return False
    return (metadata.get("mystnb") or {}).get("execution_mode") in ("force", "inline")


def on_env_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    fresh = []
    for docname in env.found_docs:
        if docname in added or docname in changed:
            continue
        path = Path(env.doc2path(docname))
        if path.suffix == ".ipynb" and _always_executed(path):
            fresh.append(docname)
    return fresh


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", on_env_get_outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
