"""Page weight (issue 20): every built page loads at most 1.5 MiB with everything it
references, and the savings in _ext/offline_assets.py keep what the pages use.

The unit tests run on small hand-made pages; the `book` tests on the built book. The browser
side (icons drawn, bytes the browser really fetched) is in tests/test_browser.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))
import offline_assets as oa  # noqa: E402

MIB = 2**20


def _write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)
    return path


# ----------------------------------------------------------------------------- measuring
def test_page_weight_counts_what_a_browser_loads(tmp_path):
    _write(tmp_path / "_static/a.js", "x" * 1000)
    _write(tmp_path / "_static/b.css",
           "@font-face{font-family:F;src:url(f.woff2) format('woff2'),url(f.ttf) format('truetype')}"
           ".logo{background:url('img/logo.png')}@import url(\"more.css\");")
    _write(tmp_path / "_static/f.woff2", b"w" * 300)
    _write(tmp_path / "_static/f.ttf", b"t" * 5000)  # never fetched: the browser takes woff2
    _write(tmp_path / "_static/img/logo.png", b"p" * 70)
    _write(tmp_path / "_static/more.css", "p{color:red}")
    _write(tmp_path / "_static/offline/vega.min.js", "v" * 2000)
    page = _write(tmp_path / "chapters/x.html", (
        '<link rel="stylesheet" href="../_static/b.css?v=1">'
        '<link rel="preload" as="script" href="../_static/a.js?digest=2">'  # the same file again
        '<script src="../_static/a.js?digest=2"></script>'
        '<link rel="next" href="../_static/unused.css">'  # a link, not a load
        '<a href="../other.html">next</a><img src="../_static/missing.png">'
        '<script src="https://cdn.example.org/lib.js"></script>'
        '<script>const paths = {"vega": "../_static/offline/vega.min.js?noext"};</script>'))
    w = oa.page_weight(page, tmp_path)
    expected = 1000 + len((tmp_path / "_static/b.css").read_text()) + 300 + 70 + 12 + 2000
    assert w["loaded_bytes"] == expected
    assert w["total_bytes"] == expected + page.stat().st_size
    assert w["loaded_files"] == 6
    assert w["missing"] == ["_static/missing.png"]
    assert w["remote"] == ["https://cdn.example.org/lib.js"]


# ----------------------------------------------------------------------------- the savings
def test_fontawesome_js_and_search_scripts_are_dropped(tmp_path):
    head = ('<script defer src="../_static/scripts/fontawesome.js?digest=55c2"></script>\n'
            '<script src="../_static/searchtools.js"></script>\n'
            '<script src="../_static/language_data.js"></script>\n'
            '<script src="../searchindex.js"></script>\n'
            '<script src="../_static/doctools.js?v=9"></script>\n')
    page = _write(tmp_path / "chapters/a.html", head)
    search = _write(tmp_path / "search.html", head.replace("../", ""))
    _write(tmp_path / "_static/scripts/fontawesome.js", "icons")
    assert oa.slim_pages(tmp_path) == 2
    assert page.read_text() == '<script src="../_static/doctools.js?v=9"></script>\n'
    assert "searchindex.js" in search.read_text() and "fontawesome" not in search.read_text()
    assert not (tmp_path / "_static/scripts/fontawesome.js").exists()
    # search-as-you-type on: every page keeps the search scripts
    page.write_text(head)
    oa.slim_pages(tmp_path, keep_search=True)
    assert "searchindex.js" in page.read_text()


WORDS = {"bd-sidebar", "show", "fa-solid", "fa-bars", "bs-", "admonition", "admonition-title", "note"}


@pytest.mark.parametrize("css, kept", [
    (".fa-bars:before{content:\"\\f0c9\"}", True),
    (".fa-rocket:before,.fa-space-shuttle:before{content:\"\\f135\"}", False),  # no page uses them
    (".bd-sidebar.show{display:block}", True),
    (".carousel-item.active{display:block}", False),
    ("a:not(.unused-class){color:red}", True),  # :not() of an absent class still matches
    (":is(.bd-sidebar,.unused) p{margin:0}", True),
    (".bs-tooltip-auto[data-popper-placement^=top]{x:1}", True),  # built by a script: `bs-${n}-auto`
    ("div.highlight .-Color[class*=-Red]{color:red}", False),  # ANSI colours no output has
    ("h1,h2{font-weight:700}", True),
    (".admonition.note>.admonition-title:after{content:var(--pst-icon-info-circle)}", True),
])
def test_purge_keeps_rules_the_pages_can_use(css, kept):
    out = oa.purge_css(css, WORDS)
    assert (out == css) is kept, out


def test_purge_keeps_at_rules_comments_and_media_blocks():
    css = ("/*! Font Awesome Free 6.5.2 License */:root{--x:1}"
           "@font-face{font-family:F;src:url(f.woff2)}@keyframes fa-spin{0%{transform:none}}"
           "@media (min-width:960px){.bd-sidebar{width:20%}.toast{opacity:0}}"
           "@media print{.unused{display:none}}.unused-too{x:1}")
    out = oa.purge_css(css, WORDS)
    assert out.startswith("/*! Font Awesome Free 6.5.2 License */:root{--x:1}")
    assert "@font-face{font-family:F;src:url(f.woff2)}" in out
    assert "@keyframes fa-spin{0%{transform:none}}" in out
    assert "@media (min-width:960px){.bd-sidebar{width:20%}}" in out
    assert "toast" not in out and "@media print" not in out and "unused-too" not in out
    # a stray brace (broken CSS) loses nothing after it
    assert oa.purge_css("}.bd-sidebar{x:1}", WORDS) == "}.bd-sidebar{x:1}"


def test_icon_fonts_keep_exactly_the_glyphs_the_stylesheets_ask_for(tmp_path):
    """On the theme's own stylesheet and fonts: after the savings, the icon the page uses
    (and the admonition icons the CSS draws) are in the font; an unused icon is not."""
    fontTools = pytest.importorskip("fontTools.ttLib")
    import pydata_sphinx_theme

    static = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    _write(tmp_path / oa.ICON_CSS, css)
    for font in (static / "vendor" / "fontawesome" / "webfonts").iterdir():
        _write(tmp_path / "_static/vendor/fontawesome/webfonts" / font.name, font.read_bytes())
    _write(tmp_path / "index.html", '<p class="admonition note"><span class="fa-solid fa-bars"></span></p>')
    log = oa.subset_icons(tmp_path)
    assert "icon fonts subset" in log, log
    solid = fontTools.TTFont(tmp_path / "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2")
    cmap = solid.getBestCmap()
    assert 0xF0C9 in cmap  # fa-bars, used by the page
    assert 0xF05A in cmap  # info-circle: the note admonition's icon, drawn by the CSS
    assert 0xF135 not in cmap  # fa-rocket: no page uses it
    trimmed = (tmp_path / oa.ICON_CSS).read_text(encoding="utf-8")
    assert ".fa-bars:before" in trimmed and ".fa-rocket:before" not in trimmed
    assert len(trimmed) < len(css) / 2
    assert (tmp_path / "_static/vendor/fontawesome/webfonts/fa-solid-900.woff2").stat().st_size < 20_000


# ----------------------------------------------------------------------------- the built book
@pytest.fixture(scope="module")
def weights(book_html):
    return oa.book_weights(book_html)


@pytest.mark.book
def test_every_page_loads_at_most_1_5_mib(weights):
    assert len(weights) > 10
    heavy = [f"{w['page']}: {w['total_bytes'] / MIB:.2f} MiB (biggest: "
             + ", ".join(f"{name} {size / MIB:.2f}" for name, size in w["biggest"][:3]) + ")"
             for w in weights if w["total_bytes"] > oa.PAGE_BUDGET]
    assert not heavy, "pages over 1.5 MiB with what they load:\n  " + "\n  ".join(heavy)


@pytest.mark.book
def test_pages_reference_only_files_that_exist_and_no_fontawesome_js(weights, book_html):
    for w in weights:
        assert not w["missing"], f"{w['page']} references missing files: {w['missing']}"
        assert not w["remote"], f"{w['page']} loads from other hosts: {w['remote']}"
        assert not any("fontawesome.js" in name for name, _ in w["biggest"])
    for page in oa._pages(book_html):
        assert "scripts/fontawesome.js" not in page.read_text(encoding="utf-8", errors="replace"), page


@pytest.mark.book
def test_chart_pages_count_the_chart_libraries(weights, book_html):
    """A page that draws a chart loads vega, vega-lite and vega-embed: the measure counts them."""
    charts = [w for w in weights if "vegaEmbed" in (book_html / w["page"]).read_text(encoding="utf-8")]
    assert charts, "no page with a chart?"
    for w in charts:
        assert w["loaded_bytes"] > 0.5 * MIB, f"{w['page']}: vega not counted ({w['loaded_bytes']} bytes)"
