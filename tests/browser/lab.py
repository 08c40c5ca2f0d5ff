"""The project's own JupyterLab for the live-notebook test (tests/test_lab.py).

``LabServer`` starts ``jupyter lab`` from this .venv on 127.0.0.1 (a free port, a random token,
its own config, data, runtime, settings and workspace folders in a temp dir, so nothing of the
user's Jupyter set-up takes part) with ``root_dir`` a temp copy of the chapters, and the app
exposed to the page (``window.jupyterapp``) so the test can run commands as a student's clicks
would. Stopping it ends the server and its kernels (only the process it started).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    def __init__(self, tmp: Path, notebooks: list[Path]):
        self.tmp = Path(tmp)
        self.root = self.tmp / "work"
        (self.root / "chapters").mkdir(parents=True)
        for nb in notebooks:
            shutil.copy2(nb, self.root / "chapters" / nb.name)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.tmp / "lab.log"
        self.proc: subprocess.Popen | None = None

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("JUPYTER", "JPY_", "LESSONS_"))}
        for name, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                          ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                          ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
            path = self.tmp / sub
            path.mkdir(exist_ok=True)
            env[name] = str(path)
        env["JUPYTER_PLATFORM_DIRS"] = "1"
        # every cell in the page (no virtual scrolling), so every chart and widget is drawn
        tracker = self.tmp / "settings" / "@jupyterlab" / "notebook-extension"
        tracker.mkdir(parents=True, exist_ok=True)
        (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
        return env

    def __enter__(self) -> "LabServer":
        jupyter = Path(sys.executable).with_name("jupyter")
        cmd = [str(jupyter), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
               "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--ServerApp.terminals_enabled=False", "--ServerApp.allow_root=True",
               "--LabApp.extension_manager=readonly"]
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=open(self.log, "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}", timeout=5):
                    return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"jupyter lab did not start in 120 s: {self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the server and the kernels it started
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


# JavaScript run in the JupyterLab page ---------------------------------------
JS_READY = """() => !!(window.jupyterapp && window.jupyterapp.shell.currentWidget
  && window.jupyterapp.shell.currentWidget.sessionContext
  && window.jupyterapp.shell.currentWidget.sessionContext.session
  && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel
  && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.connectionStatus === 'connected'
  && window.jupyterapp.shell.currentWidget.context.isReady)"""

JS_RUN_ALL = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.ready;
  window.__lxRunDone = false;
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
  window.__lxRunDone = true;
}"""

JS_RESTART = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.sessionContext.session.kernel.restart();
  await panel.sessionContext.ready;
}"""

# Done: every code cell has an execution count, the kernel is idle, no cell is queued
JS_DONE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  const cells = panel.content.model.toJSON().cells;
  const code = cells.filter(c => c.cell_type === 'code' && c.source.length);
  const errored = cells.some(c => (c.outputs || []).some(o => o.output_type === 'error'));
  const prompts = Array.from(document.querySelectorAll('.jp-InputPrompt')).map(p => p.textContent);
  return (errored || code.every(c => c.execution_count)) && !prompts.some(p => p.includes('*'));
}"""

JS_RECORD = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.toJSON().cells;
  const errors = [];
  let quizzes = 0;
  cells.forEach((c, i) => (c.outputs || []).forEach(o => {
    if (o.output_type === 'error') errors.push(`cell ${i}: ${o.ename}: ${o.evalue}`);
    const text = JSON.stringify(o.data || o.text || '');
    if (text.includes('Error loading script')) errors.push(`cell ${i}: Error loading script`);
    const html = o.data ? [].concat(o.data['text/html'] || []).join('') : '';
    if (html.includes('class="lx-quiz')) quizzes++;
  }));
  const node = panel.content.node;
  // jupyterlab-myst renders a Markdown cell into a .myst widget after the (hidden) editor
  const mdCells = Array.from(node.querySelectorAll('.jp-MarkdownCell'));
  const mdText = mdCells.map(c => { const m = c.querySelector('.lm-Widget.myst'); return m ? m.innerText : null; });
  const exprErrors = Array.from(node.querySelectorAll('.jp-MarkdownCell [data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(e => e.textContent.slice(0, 200));
  const unrendered = mdCells.filter(c => !c.querySelector('.lm-Widget.myst')
      || c.querySelector('.jp-InputArea-editor:not(.lm-mod-hidden)')).length;
  const boxes = Array.from(node.querySelectorAll('.vega-embed'));
  const charts = boxes.map(b => {
    const g = b.querySelector('svg.marks, canvas.marks, svg, canvas');
    const r = g ? g.getBoundingClientRect() : null;
    const doc = b.matches('[role="graphics-document"]') ? b : b.querySelector('[role="graphics-document"]');
    const title = b.querySelector('[aria-roledescription="title"]');
    return {drawn: !!g && r.width > 10 && r.height > 10,
            label: doc ? (doc.getAttribute('aria-label') || '') : '',
            title: title ? (title.getAttribute('aria-label') || title.textContent || '') : ''};
  });
  const plain = o => o.data ? [].concat(o.data['text/plain'] || []).join('') : '';
  const views = cells.map(c => (c.outputs || []).filter(o => o.data && o.data['application/vnd.jupyter.widget-view+json']));
  const html = o => o.data ? [].concat(o.data['text/html'] || []).join('') : '';
  // a live chart's output: the widget view, with the words a reopened notebook shows (decision 43)
  const chartOutputs = views.reduce((n, v) => n + v.filter(o => html(o).includes('lx-lab-chart-static')).length, 0);
  const viewPlain = views.flat().map(o => plain(o).slice(0, 80));
  return {errors, quizzes, quizWidgets: node.querySelectorAll('.lx-w-quiz').length,
          mdText, exprErrors, unrendered, charts, chartOutputs, viewPlain,
          widgetErrors: Array.from(node.querySelectorAll('.jupyter-widgets-view-error, .jupyter-widgets.jupyter-widget-error')).length};
}"""


def console_entry(message) -> str:
    """A console message as one line for a test's report: its text and where it came from."""
    where = (message.location or {}).get("url", "")
    return f"{message.text[:300]} ({where.rsplit('/', 1)[-1][:80]})"


def open_lab(browser, server: LabServer, viewport):
    """(context, page): a new browser context on the server's JupyterLab, with the app started."""
    from browser import support

    context = support.new_context(browser, server.url, viewport)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(f"{server.url}/lab?token={server.token}", wait_until="load")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined", timeout=180_000)
    page.evaluate("() => window.jupyterapp.started")
    return context, page
