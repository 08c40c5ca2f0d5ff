"""Unit tests of _ext/offline_assets.py (no build, no browser): it refuses to build without the
pinned JavaScript, matches the versions Altair and myst-nb ask for, and rewrites pages."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "_ext"))
import offline_assets as oa  # noqa: E402
from sphinx.builders.html._assets import _JavaScript  # noqa: E402
from sphinx.errors import ExtensionError  # noqa: E402


def fake_app(node_modules: Path, theme_options=None):
    config = SimpleNamespace(offline_assets_node_modules=str(node_modules),
                             html_theme_options=theme_options or {}, thebe_config={},
                             nb_ipywidgets_js=None, mathjax_path=None)
    return SimpleNamespace(config=config, confdir=str(node_modules.parent),
                           srcdir=str(node_modules.parent))


def fake_node_modules(tmp_path: Path, versions: dict[str, str]) -> Path:
    nm = tmp_path / "node_modules"
    for name, version in versions.items():
        (nm / name).mkdir(parents=True)
        (nm / name / "package.json").write_text(json.dumps({"name": name, "version": version}))
    return nm


def expected_ok() -> dict[str, str]:
    """Versions that satisfy what this environment's Altair and myst-nb expect."""
    versions = {p.name: "1.0.0" for p in oa.PACKAGES}
    for name, wanted in oa._expected_versions().items():
        versions[name] = wanted.lstrip("v") + ".0" * (3 - len(wanted.lstrip("v").split(".")))
    return versions


@pytest.mark.parametrize("installed, wanted, ok", [
    ("6.3.0", "6", True), ("6.3.0", "6.3", True), ("6.3.0", "v6.3.0", True),
    ("6.4.1", "6.4.1", True), ("6.4.10", "6.4.1", False), ("7.0.0", "6", False),
    ("16.0.0", "1", False), ("1.0.6", "1.0.6", True),
])
def test_version_matching(installed, wanted, ok):
    assert oa._version_matches(installed, wanted) is ok


def test_missing_node_modules_stops_the_build_with_npm_ci_hint(tmp_path):
    with pytest.raises(ExtensionError, match="npm ci"):
        oa.on_config_inited(fake_app(tmp_path / "node_modules"), fake_app(tmp_path).config)


def test_missing_package_is_named(tmp_path):
    versions = expected_ok()
    del versions["vega-lite"]
    nm = fake_node_modules(tmp_path, versions)
    with pytest.raises(ExtensionError, match=r"vega-lite.*npm ci"):
        oa.on_config_inited(fake_app(nm), fake_app(nm).config)


def test_version_mismatch_with_altair_is_refused(tmp_path):
    versions = expected_ok()
    versions["vega-lite"] = "5.0.0"
    nm = fake_node_modules(tmp_path, versions)
    with pytest.raises(ExtensionError, match=r"vega-lite@.*node_modules has vega-lite@5\.0\.0"):
        oa.on_config_inited(fake_app(nm), fake_app(nm).config)


def test_stale_node_modules_is_refused(tmp_path):
    versions = expected_ok()
    nm = fake_node_modules(tmp_path, versions)
    lock = {"packages": {f"node_modules/{n}": {"version": v} for n, v in versions.items()}}
    lock["packages"]["node_modules/mathjax"]["version"] = "3.9.9"
    (tmp_path / "package-lock.json").write_text(json.dumps(lock))
    with pytest.raises(ExtensionError, match=r"pins mathjax@3\.9\.9.*npm ci"):
        oa.on_config_inited(fake_app(nm), fake_app(nm).config)


def test_config_points_at_local_copies(tmp_path):
    nm = fake_node_modules(tmp_path, expected_ok())
    app = fake_app(nm)
    oa.on_config_inited(app, app.config)
    assert all("://" not in url for url in app.config.nb_ipywidgets_js)
    assert list(app.config.nb_ipywidgets_js)[0].endswith("require.js")
    assert "://" not in app.config.mathjax_path


def test_the_repository_pins_what_the_pages_ask_for():
    """package.json / node_modules agree with this environment's Altair and myst-nb."""
    nm = ROOT / "node_modules"
    if not nm.is_dir():
        pytest.skip("node_modules missing (run npm ci)")
    app = fake_app(nm)
    oa.on_config_inited(app, app.config)  # raises on any mismatch


def _pathto(depth: int):
    return lambda target, resource=0: "../" * depth + target


def test_altair_cdn_urls_are_rewritten_relative_to_the_page():
    alt = pytest.importorskip("altair")
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a")
    html = chart._repr_mimebundle_()
    html = (html[0] if isinstance(html, tuple) else html)["text/html"]
    assert "cdn.jsdelivr.net/npm/vega" in html, "Altair's template changed: revisit the rewrite"
    app = SimpleNamespace(_offline_assets_versions=expected_ok())
    context = {"body": html + html, "pathto": _pathto(1)}
    oa._rewrite_altair(app, "chapters/x", context)
    body = context["body"]
    assert "cdn.jsdelivr.net" not in body
    assert '"../_static/offline/vega/vega.min.js?noext"' in body
    assert '"../_static/offline/vega-lite/vega-lite.min.js?noext"' in body
    assert '"../_static/offline/vega-embed/vega-embed.min.js?noext"' in body
    # the non-AMD branch loads the same paths with <script src>, so they must be the files
    for pkg in ("vega", "vega-lite", "vega-embed"):
        assert oa.BY_NAME[pkg].main.endswith(".min.js")


def test_thebe_scripts_removed_and_duplicates_dropped():
    thebe_body = 'const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js"'
    scripts = [
        _JavaScript("_static/doctools.js"),
        _JavaScript(None, body=thebe_body),
        _JavaScript("_static/sphinx-thebe.js", **{"async": "async"}),
        _JavaScript(None, body="var togglebuttonSelector = '.toggle';"),
        _JavaScript(None, body="var togglebuttonSelector = '.toggle';"),
        _JavaScript(None, body=thebe_body),
        _JavaScript("_static/offline/html-manager/embed-amd.js",
                    **{"data-jupyter-widgets-cdn": "_static/offline/npm/"}),
    ]
    context = {"script_files": scripts, "css_files": ["_static/sphinx-thebe.css"],
               "pathto": _pathto(1)}
    app = SimpleNamespace(config=SimpleNamespace(html_theme_options={
        "launch_buttons": {"thebe": False}}, thebe_config={}))
    oa._fix_scripts(app, "chapters/x", context)
    names = [str(js.filename) for js in context["script_files"]]
    bodies = [js.attributes.get("body", "") for js in context["script_files"]]
    assert not any("thebe" in n for n in names) and not any("THEBE" in b for b in bodies)
    assert bodies.count("var togglebuttonSelector = '.toggle';") == 1
    assert context["script_files"][-1].attributes["data-jupyter-widgets-cdn"] == \
        "../_static/offline/npm/"
    assert context["css_files"] == []


def test_leftover_cdn_is_reported():
    warned = []
    orig = oa.logger.warning
    oa.logger.warning = lambda msg, *a, **k: warned.append(msg)
    try:
        oa._check_leftovers(None, "p", {
            "body": '<script src="https://unpkg.com/x.js"></script>'
                    '<a href="https://cdn.jsdelivr.net/npm/readme">a plain link is fine</a>',
            "script_files": [_JavaScript("https://cdnjs.cloudflare.com/y.js")]})
    finally:
        oa.logger.warning = orig
    assert any("unpkg.com/x.js" in w for w in warned)
    assert any("cdnjs.cloudflare.com/y.js" in w for w in warned)
    assert not any("readme" in w for w in warned)


def _widget_page(body: str) -> dict:
    return {"body": body, "script_files": [
        _JavaScript("_static/doctools.js"),
        _JavaScript(None, type=oa.WIDGET_STATE, body='{"state": {}}'),
        _JavaScript("_static/offline/requirejs/require.js"),
        _JavaScript("_static/offline/require-config.js"),
        _JavaScript("_static/offline/html-manager/embed-amd.js"),
    ]}


def test_widget_state_without_views_is_left_out(tmp_path):
    nm = fake_node_modules(tmp_path, expected_ok())
    app = fake_app(nm)
    oa.on_config_inited(app, app.config)
    static_only = _widget_page('<div class="lx-quiz">static quiz</div>')
    oa._drop_unused_widget_state(app, "p", static_only)
    assert [str(js.filename) for js in static_only["script_files"]] == ["_static/doctools.js"]
    with_view = _widget_page(f'<script type="{oa.WIDGET_VIEW}">{{}}</script>')
    oa._drop_unused_widget_state(app, "p", with_view)
    assert len(with_view["script_files"]) == 5


def test_inline_json_scripts_cannot_be_closed_by_their_data():
    state = json.dumps({"state": {"w": {"value": "</script><img src=x onerror=alert(1)><!--"}}})
    context = {"script_files": [_JavaScript(None, type=oa.WIDGET_STATE, body=state),
                                _JavaScript(None, body="if (a < b && c > d) {}")]}
    oa._script_safe_json(None, "p", context)
    safe, code = (js.attributes["body"] for js in context["script_files"])
    assert "<" not in safe and ">" not in safe and "&" not in safe
    assert json.loads(safe) == json.loads(state)  # the same data for JSON.parse
    assert code == "if (a < b && c > d) {}"  # JavaScript is left alone
    assert context["script_files"][0].attributes["type"] == oa.WIDGET_STATE


def test_a_chart_script_cut_short_by_its_data_is_reported():
    import altair as alt
    import pandas as pd

    from lessons.book import safe_html_renderer

    spec = alt.Chart(pd.DataFrame({"a": ["</script><b>x</b>"]})).mark_point().encode(y="a:N").to_dict()
    from altair.utils.display import HTMLRenderer

    raw = HTMLRenderer(mode="vega-lite", template="universal", vega_version=alt.VEGA_VERSION,  # Altair's own
                       vegaembed_version=alt.VEGAEMBED_VERSION, vegalite_version=alt.VEGALITE_VERSION)(spec)
    safe = safe_html_renderer(spec)["text/html"]
    warned = []
    orig = oa.logger.warning
    oa.logger.warning = lambda msg, *a, **k: warned.append(msg)
    try:
        oa._check_chart_scripts(None, "safe", {"body": safe})
        assert warned == []
        oa._check_chart_scripts(None, "raw", {"body": raw["text/html"]})  # the data written raw
        assert len(warned) == 1 and "cut short" in warned[0]
    finally:
        oa.logger.warning = orig
