"""What a first visit downloads: only stylesheets the pages use, and on the scheme page one minified script
and Material's main.css cut to its rules (figures: bench/page.py)."""

from __future__ import annotations

import functools
import json
import re

import pytest
from support.browser import phone_context
from support.page import open_seed
from support.schemes import SEED_ID

from swanilai import slim
from swanilai.paths import SITE_SRC
from swanilai.site_hooks import FORM_BUNDLE, FORM_SHEET, SHEET_MARK, asset_version, main_stylesheet, page_assets

SEED_PATH = f"/skema/{SEED_ID}/"
PAGES = ["index.html", f"skema/{SEED_ID}/index.html", "privasi/index.html", "asesor/index.html", "404.html"]
INDIGO = "rgb(64, 81, 181)"  # Material's own default primary colour, #4051b5


@pytest.mark.parametrize("page", PAGES, ids=[p.split("/")[0].removesuffix(".html") for p in PAGES])
def test_pages_load_no_palette_stylesheet(site_dir, page):
    # Material's palette.css (2.2 KB compressed) only repeats main.css's defaults for the one palette
    # the site has (default scheme, indigo): leaving the palette unconfigured drops it from every page.
    html = (site_dir / page).read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    main = ("/main.", "assets/stylesheets/main.", f"/{FORM_SHEET}")  # the form page: main.css cut to its rules
    assert any(mark in sheet or sheet.startswith(mark) for sheet in sheets for mark in main)
    assert not [sheet for sheet in sheets if "palette" in sheet]


@pytest.mark.browser
@pytest.mark.parametrize("path", [SEED_PATH, "/"])
def test_without_the_palette_stylesheet_the_pages_keep_materials_indigo(phone, static_url, path):
    phone.goto(static_url + path)
    header = phone.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    accent = phone.evaluate("getComputedStyle(document.body).getPropertyValue('--md-accent-fg-color').trim()")
    assert (header, accent) == (INDIGO, "#526cfe")


# -- the scheme page's lighter assets (swanilai/slim.py): one minified script, main.css cut to its rules

FORM_DIR = SITE_SRC / "docs" / "assets" / "form"


def _refs(html: str) -> tuple[list[str], list[str]]:
    scripts = re.findall(r'<script src="([^"]+)"', html)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    return scripts, sheets


def test_the_form_page_loads_one_bundled_script_and_its_own_stylesheet(site_dir):
    html = (site_dir / "skema" / SEED_ID / "index.html").read_text(encoding="utf-8")
    scripts, sheets = _refs(html)
    version = lambda path: asset_version(site_dir / path)  # noqa: E731
    assert scripts == [f"../../{FORM_BUNDLE}?v={version(FORM_BUNDLE)}"]
    assert sheets == [
        f"../../{FORM_SHEET}?v={version(FORM_SHEET)}",
        f"../../assets/form.css?v={version('assets/form.css')}",
    ]
    assert SHEET_MARK not in html
    # The other pages keep Material's whole main.css: only the form page's rules were looked at.
    assert any("/stylesheets/main." in sheet for sheet in _refs((site_dir / "index.html").read_text("utf-8"))[1])


def test_the_service_worker_precaches_exactly_what_the_form_page_loads(site_dir):
    worker = (site_dir / "sw.js").read_text(encoding="utf-8")
    listed = json.loads(re.search(r"const ASSETS = (\[.*\]);", worker).group(1))
    assert listed == page_assets(site_dir / "skema" / SEED_ID / "index.html", site_dir)
    assert set(listed) >= {
        f"{FORM_BUNDLE}?v={asset_version(site_dir / FORM_BUNDLE)}",
        f"{FORM_SHEET}?v={asset_version(site_dir / FORM_SHEET)}",
    }
    # The worker runs no page script: it imports its own versioned copy of the store.
    store = f"assets/form/store.js?v={asset_version(site_dir / 'assets/form/store.js')}"
    assert f"importScripts({json.dumps(store)})" in worker


def test_the_bundle_is_every_form_script_in_the_pages_order_minified(site_dir):
    assert sorted(slim.FORM_PARTS) == sorted(path.stem for path in FORM_DIR.glob("*.js"))
    assert slim.FORM_PARTS[-1] == "form"  # it wires up the parts before it
    sources = [(FORM_DIR / f"{part}.js").read_text(encoding="utf-8") for part in slim.FORM_PARTS]
    built = (site_dir / FORM_BUNDLE).read_text(encoding="utf-8")
    assert built == slim.bundle(sources)
    assert len(built) < 0.75 * sum(map(len, sources))
    assert "/*" not in built.replace("*/*", "")  # no comment survived (a "*/*" Accept value may)


@pytest.mark.parametrize(
    ("selector", "kept"),
    [
        (".md-header", True),
        (".md-search__input", False),
        (".md-typeset .admonition", False),
        ("a:not(.md-search__input)", True),
        (".md-search__input,.md-header", True),
        ("[dir=rtl] .md-header", False),
        ("[dir=ltr] .md-header", True),
        ("[data-md-color-scheme=slate]", False),
        ("[href^=https] .md-header", True),
        ("body::before", True),
        ("#__drawer:checked~.md-container", True),
        ("#__search", False),
        ("video", False),
    ],
)
def test_a_rule_is_dropped_only_when_its_selector_names_what_the_page_lacks(selector, kept):
    vocabulary = slim.words('<body dir="ltr"><a href="https://x" class="md-header md-container" id="__drawer">')
    css = "@media screen{" + selector + "{color:red}}@font-face{font-family:x}@keyframes k{to{opacity:0}}"
    expected = ("@media screen{" + selector + "{color:red}}" if kept else "") + css[css.index("@font-face") :]
    assert slim.trim_stylesheet(css, vocabulary) == expected + "\n"


def _serve_html(html: str, route) -> None:
    route.fulfill(body=html, content_type="text/html")


@pytest.mark.browser
def test_the_bundle_gives_the_page_what_the_separate_scripts_give_it(browser, static_url, site_dir):
    # The same page twice: as built, and with the bundle's tag swapped for the 11 readable sources.
    html = (site_dir / "skema" / SEED_ID / "index.html").read_text(encoding="utf-8")
    bundle_tag = re.search(r'<script src="[^"]*form\.min\.js[^"]*" defer></script>', html).group(0)
    separate = "".join(f'<script src="../../assets/form/{part}.js" defer></script>' for part in slim.FORM_PARTS)
    seen = []
    for page_html in (html, html.replace(bundle_tag, separate)):
        context = phone_context(browser)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.route(static_url + SEED_PATH, functools.partial(_serve_html, page_html))
        open_seed(page, static_url)
        api = page.evaluate("Object.fromEntries(Object.keys(Swanilai).sort().map((k) => [k, typeof Swanilai[k]]))")
        page.click("#submit")
        page.wait_for_selector("#error-summary:not([hidden])")
        summary = page.inner_text("#error-summary")
        scripts = page.evaluate("[...document.scripts].filter((s) => s.src).map((s) => new URL(s.src).pathname)")
        seen.append((api, summary, errors))
        context.close()
        assert len(scripts) == (1 if page_html == html else len(slim.FORM_PARTS))
    assert seen[0] == seen[1]
    assert len(seen[0][0]) > 10 and seen[0][1] and seen[0][2] == []


# Every element's computed style (and its ::before/::after), one representative per kind of element
# (tag, classes, parent's tag and classes, type), as [kind, {property: value}] pairs to compare between two sheets.
_STYLES_JS = """() => {
  const seen = new Set(), out = [];
  const kind = (el) => el ? el.tagName + "." + el.className + "[" + (el.getAttribute("type") || "") + "]" : "";
  for (const el of document.querySelectorAll("html, html *")) {
    const key = kind(el) + "<" + kind(el.parentElement);
    if (seen.has(key)) continue;
    seen.add(key);
    for (const pseudo of [null, "::before", "::after"]) {
      const style = getComputedStyle(el, pseudo);
      const values = {};
      for (let i = 0; i < style.length; i++) values[style[i]] = style.getPropertyValue(style[i]);
      out.push([key + (pseudo || ""), values]);
    }
  }
  return out;
}"""

_SWAP_JS = """async (href) => {
  const old = document.querySelector('link[href*="form-page.css"]');
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  const loaded = new Promise((resolve, reject) => { link.onload = resolve; link.onerror = reject; });
  old.after(link);  // both apply until the whole sheet is in: no unstyled moment starts a transition
  await loaded;
  old.remove();
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("width", "media", "scheme", "state"),
    [
        (360, "screen", "light", "opened"),
        (360, "screen", "light", "errors shown, drawer open"),
        (360, "screen", "dark", "opened"),
        (1280, "screen", "light", "errors shown, drawer open"),
        (360, "print", "light", "opened"),
    ],
    ids=["phone", "phone-errors-drawer", "phone-dark", "laptop-errors-drawer", "print"],
)
def test_the_form_page_looks_the_same_with_its_cut_stylesheet_as_with_materials_whole_one(
    browser, static_url, site_dir, width, media, scheme, state
):
    context = phone_context(browser)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": 780})
    page.emulate_media(media=media, color_scheme=scheme, reduced_motion="reduce")
    open_seed(page, static_url)
    if state != "opened":
        page.evaluate("document.getElementById('submit').click()")  # no pointer left hovering anything
        page.wait_for_selector("#error-summary:not([hidden])")
        page.evaluate("document.getElementById('__drawer').checked = true")
    page.wait_for_timeout(300)  # let any transition settle before reading styles
    cut = page.evaluate(_STYLES_JS)
    main = main_stylesheet(site_dir).relative_to(site_dir).as_posix()
    page.evaluate(_SWAP_JS, f"{static_url}/{main}")
    page.wait_for_timeout(300)
    whole = page.evaluate(_STYLES_JS)
    context.close()
    assert len(cut) > 300  # the page's kinds of element, three styles each
    differ = [_difference(a, b) for a, b in zip(cut, whole, strict=True) if a != b]
    assert differ == [], differ[:3]


def _difference(cut: list, whole: list) -> tuple[str, dict[str, tuple[str | None, str | None]]]:
    """An element's kind and the properties whose values differ: (with the cut sheet, with the whole)."""
    (key, a), (_, b) = cut, whole
    return key, {name: (a.get(name), b.get(name)) for name in sorted(a.keys() | b.keys()) if a.get(name) != b.get(name)}
