"""No Jupyter news in the project's JupyterLab (walk 5): `tools/lab_settings.py` installs
`binder/lab-overrides.json` as the environment's settings overrides, from `make setup`,
`make lab`, `make test` and Binder's `postBuild`, and a Lab started from this .venv reads it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import lab  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import lab_settings  # noqa: E402

PLUGIN = "@jupyterlab/apputils-extension:notification"
SCHEMA = (Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / "@jupyterlab"
          / "apputils-extension" / "notification.json")


def test_overrides_turn_news_and_update_checks_off():
    ours = json.loads(lab_settings.SOURCE.read_text())
    assert ours == {PLUGIN: {"fetchNews": "false", "checkForUpdates": False}}


def test_setting_names_and_values_are_the_installed_labs():
    """The names are those of this JupyterLab's schema, and "false" is its 'Never'."""
    props = json.loads(SCHEMA.read_text())["properties"]
    ours = json.loads(lab_settings.SOURCE.read_text())[PLUGIN]
    assert set(ours) <= set(props)
    assert {"const": "false", "title": "Never"} in props["fetchNews"]["oneOf"]
    assert props["checkForUpdates"]["type"] == "boolean"


def test_install_writes_and_keeps_other_settings(tmp_path):
    path = lab_settings.target(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"@jupyterlab/apputils-extension:themes": {"theme": "JupyterLab Dark"},
                                PLUGIN: {"fetchNews": "true", "doNotDisturbMode": True}}))
    assert lab_settings.install(tmp_path) == path
    data = json.loads(path.read_text())
    assert data["@jupyterlab/apputils-extension:themes"] == {"theme": "JupyterLab Dark"}
    assert data[PLUGIN] == {"fetchNews": "false", "checkForUpdates": False, "doNotDisturbMode": True}


def test_install_refuses_a_broken_file_by_name(tmp_path):
    path = lab_settings.target(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    with pytest.raises(SystemExit, match=re.escape(str(path))):
        lab_settings.install(tmp_path)


def test_this_venv_has_them_installed():
    installed = json.loads(lab_settings.target(sys.prefix).read_text())
    assert installed[PLUGIN] == json.loads(lab_settings.SOURCE.read_text())[PLUGIN]


def test_make_setup_lab_test_and_postbuild_install_them():
    for goal in ("setup", "lab", "test"):
        out = subprocess.run(["make", "-n", "-W", "binder/lab-overrides.json", goal], cwd=ROOT,
                             capture_output=True, text=True, timeout=60).stdout
        assert "tools/lab_settings.py" in out, goal
    post = (ROOT / "binder" / "postBuild").read_text()
    assert re.search(r"^python tools/lab_settings\.py$", post, re.M)


@pytest.mark.lab
def test_a_lab_from_this_venv_never_fetches_news(tmp_path):
    """The Lab server started from this .venv gives the page fetchNews 'false' (Never) as the
    default (JupyterLab applies overrides to the schema's defaults), so it neither asks nor
    fetches; without the file the default is 'none' (Ask)."""
    with lab.LabServer(tmp_path, []) as server:
        url = f"{server.url}/lab/api/settings/{PLUGIN}?token={server.token}"
        with urllib.request.urlopen(url, timeout=30) as response:
            props = json.loads(response.read())["schema"]["properties"]
    assert props["fetchNews"]["default"] == "false"
    assert props["checkForUpdates"]["default"] is False
