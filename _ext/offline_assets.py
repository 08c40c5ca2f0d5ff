"""offline_assets: the book serves its own JavaScript, so it works offline and tells no one.

By default a Jupyter Book page loads Altair's vega, vega-lite and vega-embed, require.js, the
ipywidgets HTML manager and MathJax from public CDNs: offline (a filtered classroom network, a
train, CI) charts show "Error loading script", and every page view is reported to third parties.

This extension
* checks that ``node_modules`` (``npm ci``, pinned by package-lock.json) holds the versions that
  Altair and myst-nb expect, and stops the build with a clear message if not;
* copies the few files needed from ``node_modules`` to ``_static/offline/`` of the built book;
* points myst-nb's ``nb_ipywidgets_js`` and Sphinx's ``mathjax_path`` at those copies and gives
  require.js a ``paths`` config, so the widget manager finds its own modules and fonts;
* rewrites Altair's CDN URLs in every page to the local copies;
* leaves out the saved widget state, the widget manager and require.js on pages that show no
  widget (the book's exercises show a static quiz instead), which saves 4 MB of JavaScript;
* removes sphinx-thebe's page scripts when thebe is switched off (they are emitted twice and
  the second copy throws "Identifier 'THEBE_JS_URL' has already been declared"), and drops
  duplicate inline scripts;
* writes inline JSON scripts (the saved widget state) with <, > and & escaped, so text in
  them cannot end the script (charts are made script-safe by ``lessons.book``);
* warns (an error under ``-W``) if a page still loads anything from a known CDN;
* keeps pages light (issue 20: at most 1.5 MiB with everything they load, see
  tests/test_page_weight.py): the theme's icons come from its webfont CSS instead of the
  1.4 MiB all-icons ``fontawesome.js``, the icon fonts and the icon CSS hold only the icons
  the book uses (fontTools; without it the full fonts stay), and the search index, the
  sphinx-design, copy-button and code-colour files are left off pages that do not use them.

Binder, Colab and repository buttons are plain links and stay as they are.

Configuration (``sphinx: config:`` in ``_config.yml``):
``offline_assets_node_modules``: path of node_modules, relative to the book (default
``node_modules``); ``offline_assets_drop_unused_widget_state`` (default True);
``offline_assets_light_pages`` (default True: the icon and asset savings above).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import join as urljoin

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

STATIC_DIR = "offline"  # under _static/ of the built book ("vendor" belongs to the theme)
HELP = ("Run `npm ci` in the book's folder (or `make book`, which does it) to install the "
        "pinned JavaScript packages listed in package-lock.json.")

CDN_HOSTS = ("cdn.jsdelivr.net", "unpkg.com", "cdnjs.cloudflare.com", "cdn.plot.ly",
             "code.jquery.com", "ajax.googleapis.com", "fonts.googleapis.com", "polyfill.io")


@dataclass
class Package:
    """One npm package: which files the book serves and where."""

    name: str
    dest: str                       # folder under _static/offline/
    files: list[str]                # glob patterns relative to the package folder
    exclude: list[str] = field(default_factory=list)
    main: str = ""                  # the file pages load, relative to dest


PACKAGES = [
    Package("vega", "vega", ["build/vega.min.js", "LICENSE"], main="vega.min.js"),
    Package("vega-lite", "vega-lite", ["build/vega-lite.min.js", "LICENSE"],
            main="vega-lite.min.js"),
    Package("vega-embed", "vega-embed", ["build/vega-embed.min.js", "LICENSE"],
            main="vega-embed.min.js"),
    Package("requirejs", "requirejs", ["require.js", "README.md"], main="require.js"),
    # embed-amd.js defines base, controls, html-manager and libembed-amd; webpack finds its
    # fonts and chunks next to the module's URL (hence the require.js paths below).
    Package("@jupyter-widgets/html-manager", "html-manager",
            ["dist/embed-amd.js", "dist/*.embed.js", "dist/*.woff", "dist/*.woff2",
             "dist/*.ttf", "dist/*.eot", "dist/*.svg", "dist/*.LICENSE.txt", "LICENSE*"],
            main="embed-amd.js"),
    # MathJax 3 loads its fonts, TeX extensions, menu and accessibility parts on demand,
    # relative to the script's own URL.
    Package("mathjax", "mathjax",
            ["es5/tex-mml-chtml.js", "es5/input/**/*", "es5/output/chtml/**/*",
             "es5/output/chtml.js", "es5/ui/**/*", "es5/a11y/**/*", "es5/sre/**/*",
             "es5/adaptors/**/*", "es5/core.js", "es5/startup.js", "LICENSE"],
            main="tex-mml-chtml.js"),
]
BY_NAME = {p.name: p for p in PACKAGES}

# Altair's HTML output: const paths = {"vega": "https://cdn.jsdelivr.net/npm/vega@6?noext", ...}
ALTAIR_CDN_RE = re.compile(
    r"https://cdn\.jsdelivr\.net/npm/(?P<pkg>vega-lite|vega-embed|vega-lib|vega)"
    r"(?:@(?P<version>[^\"'?\s/]+))?(?P<rest>[^\"'?\s]*)\?noext")
# Anything else still loaded from a CDN (a plain link <a href> to a CDN is fine).
CDN_LEFT_RE = re.compile(
    r"(?<!href=\")(?<!href=')https?://(?:%s)/[^\"'\s<>)]*" % "|".join(map(re.escape, CDN_HOSTS)))

REQUIRE_CONFIG = """\
/* Written by _ext/offline_assets.py: tell require.js where the ipywidgets modules live, so the
   widget manager loads its fonts and chunks from the book itself (not from a CDN). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || typeof window.requirejs === "undefined") { return; }
  var base = script.src.slice(0, script.src.lastIndexOf("/") + 1);
  var manager = base + "html-manager/embed-amd";
  window.requirejs.config({
    paths: {
      "@jupyter-widgets/base": manager,
      "@jupyter-widgets/controls": manager,
      "@jupyter-widgets/html-manager": manager,
      "@jupyter-widgets/html-manager/dist/libembed-amd": manager
    }
  });
})();
"""


# ----------------------------------------------------------------------------- versions
def _version_matches(installed: str, wanted: str) -> bool:
    """'6.3.0' matches '6', '6.3' and '6.3.0'; leading 'v' and '^'/'~' are ignored."""
    want = wanted.strip().lstrip("v^~=").split(".")
    have = installed.strip().lstrip("v").split(".")
    return bool(want) and have[: len(want)] == want


def _installed_version(node_modules: Path, name: str) -> str:
    manifest = node_modules / name / "package.json"
    if not manifest.is_file():
        raise ExtensionError(
            f"offline_assets: {manifest} is missing, so the book cannot serve {name} itself "
            f"and would load it from a CDN. {HELP}")
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["version"]
    except (ValueError, KeyError) as err:
        raise ExtensionError(f"offline_assets: cannot read the version in {manifest}: {err}. "
                             f"{HELP}") from err


def _check_lockfile(node_modules: Path, versions: dict[str, str]) -> None:
    """node_modules must hold what package-lock.json pins (else it is stale: run npm ci)."""
    lock = node_modules.parent / "package-lock.json"
    if not lock.is_file():
        return
    try:
        packages = json.loads(lock.read_text(encoding="utf-8")).get("packages", {})
    except ValueError as err:
        raise ExtensionError(f"offline_assets: cannot read {lock}: {err}") from err
    for name, installed in versions.items():
        pinned = (packages.get(f"node_modules/{name}") or {}).get("version")
        if pinned and pinned != installed:
            raise ExtensionError(
                f"offline_assets: package-lock.json pins {name}@{pinned} but node_modules has "
                f"{name}@{installed}. {HELP}")


def _check_vega_bundle(node_modules: Path, wanted: str | None) -> None:
    """The served bundle must say the right version too: vega 6.3.0's build/vega.min.js
    calls itself 5.33.1, and vega-embed then warns that the chart needs Vega 6."""
    bundle = node_modules / "vega" / "build" / "vega.min.js"
    if not wanted or not bundle.is_file():
        return
    m = re.search(r'\bversion="([0-9][^"]*)"', bundle.read_text(encoding="utf-8", errors="replace"))
    if m and not _version_matches(m.group(1), wanted):
        raise ExtensionError(
            f"offline_assets: {bundle} says it is vega {m.group(1)}, but the charts need vega "
            f"{wanted}. Pin another vega version in package.json and run `npm install`.")


def _expected_versions() -> dict[str, str]:
    """The versions the Python side emits URLs for: Altair's and myst-nb's."""
    expected: dict[str, str] = {}
    try:
        import altair as alt
    except ImportError:  # a book without Altair: nothing to match
        pass
    else:
        expected["vega"] = str(alt.VEGA_VERSION)
        expected["vega-lite"] = str(alt.VEGALITE_VERSION)
        expected["vega-embed"] = str(alt.VEGAEMBED_VERSION)
    try:
        from myst_nb.core.config import ipywidgets_js_factory
    except ImportError:
        pass
    else:
        for url in ipywidgets_js_factory():
            m = re.search(r"@jupyter-widgets/html-manager@([^/]+)/", url)
            if m:
                expected["@jupyter-widgets/html-manager"] = m.group(1)
    return expected


# ----------------------------------------------------------------------------- config
def _node_modules(app: Sphinx) -> Path:
    path = Path(app.config.offline_assets_node_modules)
    return path if path.is_absolute() else Path(app.confdir or app.srcdir) / path


def on_config_inited(app: Sphinx, config) -> None:
    node_modules = _node_modules(app)
    if not node_modules.is_dir():
        raise ExtensionError(
            f"offline_assets: {node_modules} does not exist. {HELP}")
    versions = {p.name: _installed_version(node_modules, p.name) for p in PACKAGES}
    _check_lockfile(node_modules, versions)
    for name, wanted in _expected_versions().items():
        if not _version_matches(versions[name], wanted):
            raise ExtensionError(
                f"offline_assets: the pages ask for {name}@{wanted} but node_modules has "
                f"{name}@{versions[name]}. Pin {name} to a matching version in package.json, "
                f"run `npm install` to update package-lock.json, then `npm ci`.")
    _check_vega_bundle(node_modules, _expected_versions().get("vega"))
    app._offline_assets_versions = versions  # type: ignore[attr-defined]

    base = f"{STATIC_DIR}/"
    config.nb_ipywidgets_js = {
        base + "requirejs/require.js": {},
        base + "require-config.js": {},
        base + "html-manager/embed-amd.js": {
            # For widget modules not in the bundle (none in this book): look locally, so a
            # missing module shows up as a 404 in the tests, not as a request to a CDN.
            "data-jupyter-widgets-cdn": "_static/" + base + "npm/",
        },
    }
    config.mathjax_path = base + "mathjax/tex-mml-chtml.js"


# ----------------------------------------------------------------------------- pages
def _thebe_enabled(app: Sphinx) -> bool:
    options = app.config.html_theme_options or {}
    launch = options.get("launch_buttons") or {}
    thebe_config = getattr(app.config, "thebe_config", None) or {}
    return bool(launch.get("thebe")) or bool(thebe_config.get("always_load"))


def _fix_scripts(app: Sphinx, pagename: str, context: dict) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    pathto = context["pathto"]
    drop_thebe = not _thebe_enabled(app)
    kept, seen = [], set()
    for js in scripts:
        filename = str(getattr(js, "filename", js) or "")
        attrs = dict(getattr(js, "attributes", {}) or {})
        body = attrs.get("body", "")
        if drop_thebe and ("sphinx-thebe" in filename or "THEBE_JS_URL" in body):
            continue
        key = (filename, tuple(sorted(attrs.items())))
        if key in seen:  # e.g. togglebutton's inline config, emitted twice
            continue
        seen.add(key)
        cdn = attrs.get("data-jupyter-widgets-cdn", "")
        if cdn.startswith("_static/" + STATIC_DIR) and hasattr(js, "priority"):
            # make the widget "CDN" relative to this page (require.js resolves it so)
            attrs["data-jupyter-widgets-cdn"] = pathto(cdn, 1)
            js = type(js)(js.filename, priority=js.priority, **attrs)
        kept.append(js)
    scripts[:] = kept
    if drop_thebe:
        css = context.get("css_files")
        if isinstance(css, list):
            css[:] = [c for c in css
                      if "sphinx-thebe" not in str(getattr(c, "filename", c) or "")]


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _drop_unused_widget_state(app: Sphinx, pagename: str, context: dict) -> None:
    """A page whose widgets all gave way to a static text/html output (the book's exercises,
    see nb_mime_priority_overrides) still carries the saved widget state, and with it 4 MB of
    widget manager and require.js. Without a single widget view there is nothing to draw."""
    scripts = context.get("script_files")
    if not isinstance(scripts, list) or WIDGET_VIEW in (context.get("body") or ""):
        return
    widget_js = {urljoin("_static", u) if "://" not in u else u
                 for u in (app.config.nb_ipywidgets_js or {})}
    has_state = any((getattr(js, "attributes", {}) or {}).get("type") == WIDGET_STATE
                    for js in scripts)
    if not has_state:
        return
    scripts[:] = [js for js in scripts
                  if (getattr(js, "attributes", {}) or {}).get("type") != WIDGET_STATE
                  and str(getattr(js, "filename", "") or "") not in widget_js]


_SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _script_safe_json(app: Sphinx, pagename: str, context: dict) -> None:
    """Data written into a page as an inline JSON script (the saved widget state, which holds
    whatever text the widgets showed) must not close the script: a '</script>' in the data
    would end it and the rest would run as HTML. JSON has <, > and & only inside strings, where
    their \\u escapes mean the same to JSON.parse. (Charts: lessons.book.safe_html_renderer.)"""
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    for i, js in enumerate(scripts):
        attrs = dict(getattr(js, "attributes", {}) or {})
        kind, body = str(attrs.get("type", "")), attrs.get("body")
        if not body or not isinstance(body, str) or not (kind.endswith("+json") or kind.endswith("/json")):
            continue
        safe = body.translate(_SCRIPT_ESCAPES)
        if safe != body and hasattr(js, "priority"):
            attrs["body"] = safe
            scripts[i] = type(js)(js.filename, priority=js.priority, **attrs)


def _rewrite_altair(app: Sphinx, pagename: str, context: dict) -> None:
    body = context.get("body")
    if not body or "cdn.jsdelivr.net/npm/vega" not in body:
        return
    pathto = context["pathto"]
    versions = getattr(app, "_offline_assets_versions", {})

    def local(match: re.Match) -> str:
        name = match.group("pkg")
        if name == "vega-lib":  # listed by Altair's template, never loaded
            name = "vega"
        wanted = match.group("version")
        if wanted and name in versions and not _version_matches(versions[name], wanted):
            logger.warning(
                f"offline_assets: {pagename} asks for {name}@{wanted} but the book serves "
                f"{name}@{versions[name]}; pin a matching version in package.json",
                type="offline_assets", subtype="version", location=pagename)
        pkg = BY_NAME[name]
        return pathto(f"_static/{STATIC_DIR}/{pkg.dest}/{pkg.main}", 1) + "?noext"

    context["body"] = ALTAIR_CDN_RE.sub(local, body)


_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script", re.S | re.I)


def _check_chart_scripts(app: Sphinx, pagename: str, context: dict) -> None:
    """A safety net: a chart script that text in its data cut short (a '</script>' in the data,
    as Altair's own renderer writes it) is an error, not a page that runs the rest as HTML.
    lessons.book.setup() enables the script-safe renderer that prevents it."""
    for body in _SCRIPT_RE.findall(context.get("body") or ""):
        if "vegaEmbed" in body and not body.rstrip().endswith(");"):
            logger.warning(
                f"offline_assets: {pagename} has a chart whose script was cut short by text in its "
                "data (a '</script>' in the data); draw charts after lessons.book.setup(), whose "
                "renderer writes the data script-safe", type="offline_assets", subtype="script",
                location=pagename)


def _check_leftovers(app: Sphinx, pagename: str, context: dict) -> None:
    found = set(CDN_LEFT_RE.findall(context.get("body") or ""))
    for js in context.get("script_files") or []:
        attrs = getattr(js, "attributes", {}) or {}
        text = " ".join([str(getattr(js, "filename", js) or "")] + [str(v) for v in attrs.values()])
        found.update(CDN_LEFT_RE.findall(text))
    for url in sorted(found):
        logger.warning(f"offline_assets: {pagename} still loads {url} from a CDN",
                       type="offline_assets", subtype="cdn", location=pagename)


# Files a page needs only if its body uses them: (marker in the body, files).
# sphinx-design's CSS and tab script: its components carry sd-* classes. The copy button and
# the code colours: only highlighted code blocks (div.highlight) have something to copy or colour.
OPTIONAL_ASSETS = [
    (re.compile(r'class="[^"]*\bsd-'), ("sphinx-design.min.css", "design-tabs.js")),
    (re.compile(r'class="[^"]*\bhighlight'), ("copybutton.css", "copybutton.js", "clipboard.min.js",
                                                 "pygments.css")),
]


def _asset_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "").rsplit("/", 1)[-1].split("?")[0]


def _drop_unused_assets(app: Sphinx, pagename: str, context: dict) -> None:
    """Leave off the stylesheets and scripts of features the page does not use."""
    body = context.get("body") or ""
    unused = set()
    for marker, names in OPTIONAL_ASSETS:
        if not marker.search(body):
            unused.update(names)
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if isinstance(files, list):
            files[:] = [f for f in files if _asset_name(f) not in unused]


def on_html_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    _fix_scripts(app, pagename, context)
    if app.config.offline_assets_light_pages:
        _drop_unused_assets(app, pagename, context)
    if app.config.offline_assets_drop_unused_widget_state:
        _drop_unused_widget_state(app, pagename, context)
    _script_safe_json(app, pagename, context)
    _rewrite_altair(app, pagename, context)
    _check_chart_scripts(app, pagename, context)
    _check_leftovers(app, pagename, context)


# ----------------------------------------------------------------------------- files
def _copy_if_changed(src: Path, dst: Path) -> bool:
    if dst.is_file():
        s, d = src.stat(), dst.stat()
        if s.st_size == d.st_size and int(s.st_mtime) == int(d.st_mtime):
            return False
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)
    return True


def on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder is None or app.builder.format != "html":
        return
    node_modules = _node_modules(app)
    out = Path(app.builder.outdir) / "_static" / STATIC_DIR
    copied = 0
    for pkg in PACKAGES:
        root = node_modules / pkg.name
        matched = 0
        for pattern in pkg.files:
            for src in sorted(root.glob(pattern)):
                if not src.is_file() or src.suffix == ".map":
                    continue
                rel = src.relative_to(root)
                # flatten the package's build/ or dist/ or es5/ folder
                parts = rel.parts[1:] if rel.parts[0] in ("build", "dist", "es5") else rel.parts
                copied += _copy_if_changed(src, out / pkg.dest / Path(*parts))
                matched += 1
        if pkg.main and not (out / pkg.dest / pkg.main).is_file():
            raise ExtensionError(
                f"offline_assets: {root} has no {pkg.main} to serve ({matched} files matched). "
                f"{HELP}")
    config_js = out / "require-config.js"
    if not config_js.is_file() or config_js.read_text(encoding="utf-8") != REQUIRE_CONFIG:
        config_js.write_text(REQUIRE_CONFIG, encoding="utf-8")
        copied += 1
    logger.info(f"offline_assets: {copied} files copied to {out}")
    if app.config.offline_assets_light_pages:
        html_root = Path(app.builder.outdir)
        search_as_you_type = str((app.config.html_theme_options or {}).get("search_as_you_type", "")).lower() == "true"
        slimmed = slim_pages(html_root, keep_search=search_as_you_type)
        kept = subset_icons(html_root)
        logger.info(f"offline_assets: {slimmed} pages without fontawesome.js; {kept}")


# ----------------------------------------------------------------------------- light pages
# The pydata theme loads fontawesome.js (1.4 MiB: every Font Awesome icon as SVG data, which
# replaces each <i class="fa-..."> by an <svg>). Its stylesheet already has Font Awesome's
# webfont CSS, which draws the same icons from a font, so the pages drop the script.
FONTAWESOME_JS_RE = re.compile(
    r'<script\b[^>]{0,200}\bsrc="[^"<>]{0,300}_static/scripts/fontawesome\.js[^"<>]{0,100}"[^>]{0,200}>'
    r'\s{0,20}</script>[ \t]{0,20}\n?')
# The theme loads Sphinx's search tools and the whole search index on every page, for its
# search-as-you-type option; with the option off only search.html uses them.
SEARCH_JS_RE = re.compile(
    r'<script\b[^>]{0,200}\bsrc="[^"<>]{0,300}(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js)(?:\?[^"<>]{0,100})?"[^>]{0,200}>\s{0,20}</script>[ \t]{0,20}\n?')
ICON_CSS = Path("_static", "styles", "pydata-sphinx-theme.css")
FONTAWESOME_JS = Path("_static", "scripts", "fontawesome.js")
# the glyphs a stylesheet asks for: \f138 escapes and icon characters written as themselves
CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6})")
PRIVATE_USE_RE = re.compile("[\ue000-\uf8ff]")
FONT_FACE_URL_RE = re.compile(r"@font-face\{[^{}]{0,2000}\}")
CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')\s]{1,300})["']?\s*\)""")
MAX_SCAN_BYTES = 20_000_000  # no built page or theme file comes near this


def _pages(html_root: Path):
    for page in sorted(html_root.rglob("*.html")):
        rel = page.relative_to(html_root)
        if rel.parts[0] not in ("_static", "_sources") and page.is_file():
            yield page


def _read(path: Path) -> str:
    if path.stat().st_size > MAX_SCAN_BYTES:
        raise ExtensionError(f"offline_assets: {path} is larger than {MAX_SCAN_BYTES} bytes")
    return path.read_text(encoding="utf-8", errors="replace")


def slim_pages(html_root: Path, keep_search: bool = False) -> int:
    """Drop fontawesome.js (and, unless search-as-you-type is on, the search scripts outside
    search.html) from every built page; returns how many pages changed."""
    changed = 0
    for page in _pages(html_root):
        text = _read(page)
        new = FONTAWESOME_JS_RE.sub("", text)
        if not keep_search and page.relative_to(html_root).as_posix() != "search.html":
            new = SEARCH_JS_RE.sub("", new)
        if new != text:
            page.write_text(new, encoding="utf-8")
            changed += 1
    if (html_root / FONTAWESOME_JS).is_file():
        (html_root / FONTAWESOME_JS).unlink()  # nothing loads it any more
    return changed


# The theme's stylesheets style every component a Sphinx site might have (Bootstrap's grid and
# utilities, other extensions' markup, all 2,000 Font Awesome icons); a page uses a fraction.
# A rule is kept when each class its selector needs occurs somewhere in the built pages or in
# a script (which may add the class later): a superset of what the book can show.
PURGED_CSS = (ICON_CSS, Path("_static", "mystnb.*.css"))
_WORD_RE = re.compile(r"-{0,2}[A-Za-z_][\w-]{0,80}")
_CLASS_RE = re.compile(r"\.(-{0,2}[A-Za-z_][\w-]{0,80})")
_GROUPS_RE = re.compile(r"\((?:[^()]|\([^()]*\)){0,500}\)|\[[^\]]{0,500}\]|\"[^\"]{0,500}\"|'[^']{0,500}'")
_COMMENT_RE = re.compile(r"/\*.*?\*/", re.S)
_BLOCK_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def known_words(html_root: Path) -> set[str]:
    """Every word in the built pages and in the scripts the theme, the extensions and the
    book add (not the chart, widget and maths libraries of _static/offline/, which style
    their own elements): the classes anything can set."""
    words: set[str] = set()
    static = html_root / "_static"
    sources = list(_pages(html_root)) + [
        p for p in sorted(static.rglob("*.js"))
        if p.name != "fontawesome.js" and p.relative_to(static).parts[0] != STATIC_DIR]
    for path in sources:
        if path.is_file():
            words.update(_WORD_RE.findall(_read(path)))
    return words


def _class_known(name: str, words: set[str]) -> bool:
    if name in words:
        return True
    # a class a script builds from a prefix: `bs-${name}-auto`, "fa-" + icon
    return any(name[: i + 1] in words for i, ch in enumerate(name) if ch == "-" and i > 0)


def _selector_needed(selector: str, words: set[str]) -> bool:
    # classes inside :not(), :is(), :where(), :has() and [attr] do not have to exist
    bare = _GROUPS_RE.sub("", selector)
    return all(_class_known(c, words) for c in _CLASS_RE.findall(bare))


def _split_selectors(prelude: str) -> list[str]:
    out, depth, start = [], 0, 0
    for i, ch in enumerate(prelude):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(prelude[start:i])
            start = i + 1
    out.append(prelude[start:])
    return out


def purge_css(css: str, words: set[str]) -> str:
    """The stylesheet without the style rules whose selectors need a class nothing uses.
    At-rules (@font-face, @keyframes, @import) and comments (the licences) stay."""
    out: list[str] = []
    pos, n = 0, len(css)
    while pos < n:
        brace = css.find("{", pos)
        close = css.find("}", pos)
        if brace < 0:  # no rule left
            out.append(css[pos:])
            break
        if 0 <= close < brace:  # a stray '}': keep it and everything after it as it is
            out.append(css[pos:close + 1])
            pos = close + 1
            continue
        prelude = css[pos:brace]
        depth, j = 1, brace + 1
        while depth and j < n:
            depth += {"{": 1, "}": -1}.get(css[j], 0)
            j += 1
        body = css[brace + 1:j - 1]
        comments = "".join(_COMMENT_RE.findall(prelude))
        head = _COMMENT_RE.sub("", prelude).strip()
        if head.startswith(_BLOCK_AT_RULES):
            inner = purge_css(body, words)
            out.append(comments + (f"{head}{{{inner}}}" if inner.strip() else ""))
        elif head.startswith("@"):
            out.append(css[pos:j])
        else:
            kept = [sel for sel in _split_selectors(_COMMENT_RE.sub("", prelude)) if _selector_needed(sel, words)]
            out.append(comments + (",".join(kept) + "{" + body + "}" if kept else ""))
        pos = j
    return "".join(out)


def css_codepoints(css: str) -> set[int]:
    """Code points a stylesheet can draw from a font: escapes and icon characters."""
    points = {int(h, 16) for h in CSS_ESCAPE_RE.findall(css)}
    points.update(ord(c) for c in PRIVATE_USE_RE.findall(css))
    return {p for p in points if p <= 0x10FFFF}


def subset_icons(html_root: Path) -> str:
    """Trim the theme's icon CSS to the icons the pages use and subset its icon fonts to the
    glyphs any stylesheet asks for; returns a line for the log."""
    css_path = html_root / ICON_CSS
    if not css_path.is_file():
        return "no icon stylesheet to trim"
    words = known_words(html_root)
    sizes = [0, 0]
    for pattern in PURGED_CSS:
        for path in sorted(html_root.glob(str(pattern))):
            css = _read(path)
            purged = purge_css(css, words)
            sizes[0] += len(css)
            sizes[1] += len(purged)
            if purged != css:
                path.write_text(purged, encoding="utf-8")
    trimmed = _read(css_path)
    points = set(range(0x20, 0x7F))  # fa-0 ... fa-z are letters and digits
    for path in sorted((html_root / "_static").rglob("*.css")):
        if STATIC_DIR not in path.relative_to(html_root / "_static").parts[:1]:
            points |= css_codepoints(_read(path))
    fonts = []
    for face in FONT_FACE_URL_RE.findall(trimmed):
        if "Font Awesome" not in face:
            continue
        for url in CSS_URL_RE.findall(face):
            font = (css_path.parent / url.split("?")[0].split("#")[0]).resolve()
            if font.is_file() and font.is_relative_to(html_root.resolve()) and font not in fonts:
                fonts.append(font)
    try:
        from fontTools import subset
    except ImportError:
        return (f"theme CSS trimmed from {sizes[0]:,} to {sizes[1]:,} bytes; fontTools is not "
                "installed, so the icon fonts stay whole")
    before = after = 0
    for font_path in fonts:
        before += font_path.stat().st_size
        options = subset.Options()
        options.flavor = "woff2" if font_path.suffix == ".woff2" else None
        options.layout_features = ["*"]
        options.notdef_outline = True
        options.ignore_missing_unicodes = True
        try:
            font = subset.load_font(str(font_path), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=sorted(points))
            subsetter.subset(font)
            subset.save_font(font, str(font_path), options)
        except Exception as err:  # noqa: BLE001 - the full font still works
            logger.warning(f"offline_assets: could not subset {font_path.name}: {err}",
                           type="offline_assets", subtype="fonts")
        after += font_path.stat().st_size
    return (f"theme CSS trimmed from {sizes[0]:,} to {sizes[1]:,} bytes; {len(fonts)} icon fonts "
            f"subset from {before:,} to {after:,} bytes")


# ----------------------------------------------------------------------------- page weight
PAGE_BUDGET = int(1.5 * 2**20)  # bytes a page may load with everything it references (issue 20)
_TAG_RE = re.compile(r"<(script|link|img|source|iframe|video|audio)\b([^>]{0,3000})>", re.I)
_ATTR_RE = re.compile(r"""\b(src|href|rel)\s*=\s*(?:"([^"]{0,2000})"|'([^']{0,2000})')""", re.I)
_LOADED_RELS = {"stylesheet", "preload", "modulepreload", "icon", "shortcut"}
# Altair's chart template loads vega, vega-lite and vega-embed by script from "…?noext" paths
_NOEXT_RE = re.compile(r"""["']([^"'<>\s]{1,500})\?noext["']""")
_CSS_IMPORT_RE = re.compile(r"""@import\s+(?:url\()?\s*["']?([^"')\s;]{1,500})""")


def _page_refs(html: str) -> list[str]:
    refs = []
    for tag, attrs in _TAG_RE.findall(html):
        found = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                 for m in _ATTR_RE.finditer(attrs)}
        if tag.lower() == "link":
            if not set(found.get("rel", "").lower().split()) & _LOADED_RELS:
                continue  # <link rel="next"> and the like are not loaded
            refs.append(found.get("href", ""))
        else:
            refs.append(found.get("src", ""))
    refs += _NOEXT_RE.findall(html)
    return [r for r in refs if r]


def _css_refs(css: str) -> list[str]:
    """What a stylesheet makes the browser load: @imports, images, and of each @font-face
    only its first source (the browser takes the first format it reads: woff2)."""
    refs = _CSS_IMPORT_RE.findall(css)
    faces = FONT_FACE_URL_RE.findall(css)
    for face in faces:
        urls = CSS_URL_RE.findall(face)
        refs += urls[:1]
    rest = FONT_FACE_URL_RE.sub("", css)
    refs += CSS_URL_RE.findall(rest)
    return refs


def page_weight(page: Path, html_root: Path) -> dict:
    """Bytes one built page loads: the page, every script, stylesheet, image and icon it
    references (with the charts' vega scripts), and what its stylesheets load. Scripts loaded
    by scripts (require.js modules, MathJax's fonts) are not followed; remote URLs are listed."""
    root = html_root.resolve()
    files: dict[str, int] = {}
    remote: set[str] = set()
    missing: set[str] = set()

    def add(ref: str, base: Path) -> None:
        ref = ref.strip().split("#")[0].split("?")[0]
        if not ref or ref.startswith(("data:", "mailto:", "javascript:", "about:")):
            return
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", ref, re.I):
            remote.add(ref)
            return
        target = (base.parent / ref).resolve()
        key = str(target.relative_to(root)) if target.is_relative_to(root) else str(target)
        if key in files or key in missing:
            return
        if not target.is_file():
            missing.add(key)
            return
        files[key] = target.stat().st_size
        if target.suffix == ".css":
            for url in _css_refs(_read(target)):
                add(url, target)

    page = page.resolve()
    for ref in _page_refs(_read(page)):
        if not re.search(r"\.html?$", ref.split("#")[0].split("?")[0]):
            add(ref, page)
    loaded = sum(files.values())
    return {"page": page.relative_to(root).as_posix(), "page_bytes": page.stat().st_size,
            "loaded_files": len(files), "loaded_bytes": loaded,
            "total_bytes": page.stat().st_size + loaded,
            "biggest": sorted(files.items(), key=lambda kv: -kv[1])[:5],
            "remote": sorted(remote), "missing": sorted(missing)}


def book_weights(html_root: Path) -> list[dict]:
    """page_weight of every built page, heaviest first."""
    return sorted((page_weight(p, html_root) for p in _pages(html_root)),
                  key=lambda r: -r["total_bytes"])


def setup(app: Sphinx) -> dict:
    app.add_config_value("offline_assets_node_modules", "node_modules", "env", [str])
    app.add_config_value("offline_assets_drop_unused_widget_state", True, "html", [bool])
    app.add_config_value("offline_assets_light_pages", True, "html", [bool])
    # after myst-nb and sphinx (default priority 500) have filled in their values
    app.connect("config-inited", on_config_inited, priority=800)
    app.connect("html-page-context", on_html_page_context, priority=900)
    app.connect("build-finished", on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
