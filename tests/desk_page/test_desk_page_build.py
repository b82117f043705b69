"""The desk page as `build.py` builds it: out of the navigation and of search engines, no inline script
or style, its data (schemes, the desk's rule table, Cognito's settings) from the build."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from support.infra import publish

from handler import deskrules
from swanilai.paths import MKDOCS_YML


class Page(HTMLParser):
    """What a built page holds: its meta tags, scripts, links and the desk's config."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.scripts: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.config = ""
        self._in_config = False

    def handle_starttag(self, tag, attrs) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name"):
            self.meta[values["name"]] = values.get("content") or ""
        elif tag == "script":
            self.scripts.append(values)
            self._in_config = values.get("id") == "desk-config"
        elif tag == "a" and values.get("href"):
            self.links.append(values["href"])

    def handle_data(self, data) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag) -> None:
        if tag == "script":
            self._in_config = False


def read(path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_the_desk_is_built_without_index_nor_navigation(site_dir):
    desk = read(site_dir / "asesor" / "index.html")
    assert desk.meta["robots"] == "noindex, nofollow"
    for other in ("index.html", "404.html"):
        assert not [href for href in read(site_dir / other).links if "asesor" in href]
    assert not (site_dir / "search").exists()


def test_the_desk_loads_small_deferred_scripts_of_its_own_site_only(site_dir):
    desk = read(site_dir / "asesor" / "index.html")
    ours = [script["src"] for script in desk.scripts if script.get("src") and "assets/" in script["src"]]
    assert [src.split("assets/", 1)[1] for src in ours if "desk/" in src or "form/" in src] == [
        "form/pad.js",
        *(f"desk/{part}.js" for part in ("common", "api", "auth", "list", "detail", "review", "admin", "desk")),
    ]
    for script in desk.scripts:
        if script.get("src"):
            assert not re.match(r"^(https?:)?//", script["src"]), script
    for part in ("common", "api", "auth", "list", "detail", "review", "admin", "desk"):
        assert "defer" in next(s for s in desk.scripts if (s.get("src") or "").endswith(f"desk/{part}.js"))
    assert publish.scan_site(site_dir).problems == ()


def test_the_desk_carries_the_catalog_and_the_rule_table_and_no_cognito_by_default(site_dir, seed):
    config = json.loads(read(site_dir / "asesor" / "index.html").config)
    assert config["api_url"] == "/api/submissions"
    assert config["cognito"] is None
    assert config["schemes"] == [{"id": seed.id, "number": seed.number, "title": seed.title}]
    assert config["rules"] == json.loads(json.dumps(deskrules.desk_rules()))


def test_cognito_settings_in_the_build_reach_the_page(tmp_path, catalog_dir):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(MKDOCS_YML), site_dir=str(tmp_path / "site"))
    config["extra"]["catalog_dir"] = str(catalog_dir)
    config["extra"]["cognito"] = {"domain": "lsp-desk.auth.ap-southeast-3.amazoncognito.com", "client_id": "abc123"}
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    page = json.loads(read(tmp_path / "site" / "asesor" / "index.html").config)
    assert page["cognito"] == {"domain": "lsp-desk.auth.ap-southeast-3.amazoncognito.com", "client_id": "abc123"}
