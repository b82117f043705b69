"""What a first visit downloads: only stylesheets the pages use (figures: bench/page.py)."""

from __future__ import annotations

import re

import pytest
from support.schemes import SEED_ID

SEED_PATH = f"/skema/{SEED_ID}/"
PAGES = ["index.html", f"skema/{SEED_ID}/index.html", "privasi/index.html", "asesor/index.html", "404.html"]
INDIGO = "rgb(64, 81, 181)"  # Material's own default primary colour, #4051b5


@pytest.mark.parametrize("page", PAGES, ids=[p.split("/")[0].removesuffix(".html") for p in PAGES])
def test_pages_load_no_palette_stylesheet(site_dir, page):
    # Material's palette.css (2.2 KB compressed) only repeats main.css's defaults for the one palette
    # the site has (default scheme, indigo): leaving the palette unconfigured drops it from every page.
    html = (site_dir / page).read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert any("/main." in sheet or sheet.startswith("assets/stylesheets/main.") for sheet in sheets)
    assert not [sheet for sheet in sheets if "palette" in sheet]


@pytest.mark.browser
@pytest.mark.parametrize("path", [SEED_PATH, "/"])
def test_without_the_palette_stylesheet_the_pages_keep_materials_indigo(phone, static_url, path):
    phone.goto(static_url + path)
    header = phone.evaluate("getComputedStyle(document.querySelector('.md-header')).backgroundColor")
    accent = phone.evaluate("getComputedStyle(document.body).getPropertyValue('--md-accent-fg-color').trim()")
    assert (header, accent) == (INDIGO, "#526cfe")
