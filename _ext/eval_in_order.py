"""eval_in_order: an {eval} role sees every cell above it, hidden cells included.

With ``execute_notebooks: inline`` myst-nb runs a code cell only when it renders it, so cells
tagged ``remove-cell`` (our set-up cells, which compute the numbers the prose shows) run only
when the next visible code cell is reached: an {eval} in the Markdown in between would find
its variable missing. JupyterLab's Run All runs every cell in order, so this extension makes
the build do the same: before an {eval} role is evaluated, every cell above its Markdown cell
is executed. The cell comes from the role's line, which myst-nb numbers (cell + 1) * 10000 + n.
"""

from __future__ import annotations

from myst_nb.ext import eval as nb_eval

_LINES_PER_CELL = 10000


def _run_cells_above(role) -> None:
    renderer = getattr(role.document, "get", lambda _k: None)("nb_renderer")
    client = getattr(getattr(renderer, "renderer", None), "nb_client", None)
    line = getattr(role, "line", None)
    if client is None or not hasattr(client, "_last_cell_executed") or not line:
        return
    cell_index = int(line) // _LINES_PER_CELL - 1
    if cell_index >= 1:
        client.code_cell_outputs(cell_index - 1)


def setup(app):
    role_class = nb_eval.EvalRoleAny
    if not getattr(role_class, "_lessons_in_order", False):
        original = role_class.run

        def run(self):
            _run_cells_above(self)
            return original(self)

        role_class.run = run
        role_class._lessons_in_order = True
    return {"parallel_read_safe": True, "parallel_write_safe": True}
