"""The numeric answer box of a live notebook: a text box and its Check button in one widget.

Why not an ipywidgets `Text` and a `Button`? They are two models, and the ipywidgets front end
holds back a model's value update while an earlier one is still being handled by the kernel,
but sends a button click at once. So a click pressed right after typing can reach the kernel
before the text it should check, and the student gets feedback for the old value.

Here the front end puts the text in the Check message itself (`{"event": "check", "value":
...}`), so the kernel always checks exactly what was in the box when Check was pressed (or
Enter), whatever order the other messages arrive in. The box still syncs `value` as it is
typed, so a draft is saved before Check. It is an anywidget (already a runtime dependency, for
Altair's offline chart widget): its JavaScript travels inside the widget, nothing is fetched.

Used only in a live notebook (see `live_widgets`); the HTML book and nbval keep plain ipywidgets.
"""

from __future__ import annotations

import os
from typing import Callable

# LESSONS_WIDGETS=live|plain forces the choice; otherwise see live_widgets().
WIDGETS_ENV = "LESSONS_WIDGETS"
# A number needs a few characters; anything longer is cut before it is checked or saved.
MAX_TYPED = 200

_ESM = r"""
function render({ model, el }) {
  const row = document.createElement("div");
  row.className = "lx-w-numeric-row";
  const id = "lx-num-" + Math.random().toString(36).slice(2);
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = model.get("label");
  const input = document.createElement("input");
  input.type = "text";
  input.id = id;
  input.inputMode = "decimal";
  input.autocomplete = "off";
  input.className = "lx-w-numeric-input";
  input.placeholder = model.get("placeholder");
  input.value = model.get("value");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "lx-w-numeric-check jupyter-widgets jupyter-button widget-button";
  button.textContent = "\u2713 " + model.get("button_label");
  // the text travels with the click: the kernel checks exactly what the box shows now
  const check = () => model.send({ event: "check", value: input.value });
  const typed = () => { model.set("value", input.value); model.save_changes(); };
  const key = (e) => { if (e.key === "Enter") { e.preventDefault(); check(); } };
  input.addEventListener("input", typed);
  input.addEventListener("keydown", key);
  button.addEventListener("click", check);
  // a value set by the kernel (a restored answer) shows, unless the student is typing
  const shown = () => {
    const v = model.get("value");
    if (v !== input.value && document.activeElement !== input) input.value = v;
  };
  model.on("change:value", shown);
  row.append(label, input, button);
  el.append(row);
  return () => model.off("change:value", shown);
}
export default { render };
"""

_CSS = """
.lx-w-numeric-row { display: flex; flex-flow: row wrap; align-items: center; gap: 6px; margin: 2px 0; }
.lx-w-numeric-input { font: inherit; padding: 2px 6px; min-width: 10em;
  border: 1px solid var(--jp-border-color1, #999); border-radius: 2px;
  background: var(--jp-layout-color1, #fff); color: var(--jp-ui-font-color1, #000); }
.lx-w-numeric-input:focus, .lx-w-numeric-check:focus { outline: 2px solid #0072B2; outline-offset: 1px; }
.lx-w-numeric-check { width: auto; }
"""

_CLASS = None


def live_widgets(environ=None) -> bool:
    """True in a live notebook (JupyterLab, Binder): Jupyter Server starts each kernel with
    JPY_SESSION_NAME set; myst-nb, nbclient and nbval do not. LESSONS_WIDGETS=live or =plain
    overrides the guess."""
    env = os.environ if environ is None else environ
    forced = str(env.get(WIDGETS_ENV, "")).strip().lower()
    if forced in ("live", "plain"):
        return forced == "live"
    return bool(env.get("JPY_SESSION_NAME"))


def _box_class():
    """The anywidget class, made on first use (anywidget is imported only in a live kernel)."""
    global _CLASS
    if _CLASS is None:
        import anywidget
        import traitlets

        class NumericBox(anywidget.AnyWidget):
            """A text box and a Check button; Check (or Enter) sends the text with it."""

            _esm = _ESM
            _css = _CSS
            value = traitlets.Unicode("").tag(sync=True)
            label = traitlets.Unicode("Your answer:").tag(sync=True)
            placeholder = traitlets.Unicode("Type a number").tag(sync=True)
            button_label = traitlets.Unicode("Check").tag(sync=True)
            continuous_update = True  # as the plain Text box: the kernel sees drafts as typed

            @traitlets.validate("value")
            def _bounded(self, proposal):
                return str(proposal["value"])[:MAX_TYPED]

        _CLASS = NumericBox
    return _CLASS


def numeric_box(on_check: Callable[[str], object]):
    """A NumericBox whose Check calls `on_check(text)` with the text sent by the front end.

    Messages that are not a well-formed check (a dict with event 'check' and a string value)
    are ignored; the text is cut to MAX_TYPED characters."""
    box = _box_class()()

    def handle(_widget, content, _buffers):
        if not isinstance(content, dict) or content.get("event") != "check":
            return
        value = content.get("value")
        if isinstance(value, str):
            on_check(value[:MAX_TYPED])

    box.on_msg(handle)
    return box
