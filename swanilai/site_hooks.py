"""mkdocs hooks: one generated page per scheme in the compiled catalog, and the home page's list.

mkdocs.yml names this file under `hooks:`. The form is rendered with our own Jinja2 templates (site_src/form/) straight into the page's
content, skipping Markdown: the form is HTML already, and Markdown would cost time per page. Each form
carries the handler's rule table (handler.fields.page_rules) as JSON data, which the page's checks read.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from handler import deskrules, fields
from handler.scheme import Scheme, list_catalog, plain_text, read_catalog_entry, text_html
from swanilai.paths import ROOT, SITE_SRC

PAGE_PREFIX = "skema/"
DESK_PAGE = "asesor/index.md"
_schemes: dict[str, Scheme] = {}
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(SITE_SRC / "form")),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters["text_html"] = lambda text: Markup(text_html(text))
_env.filters["plain_text"] = plain_text
_env.globals["fields"] = fields


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    catalog_dir = Path(config["extra"]["catalog_dir"])
    if not catalog_dir.is_absolute():
        catalog_dir = ROOT / catalog_dir
    ids = list_catalog(catalog_dir) if catalog_dir.is_dir() else []
    if not ids:
        raise PluginError(
            f"no compiled schemes in {catalog_dir}; run `python build.py build`, which compiles them first"
        )
    _schemes.clear()
    for scheme_id in ids:
        scheme = read_catalog_entry(catalog_dir, scheme_id)
        assert scheme is not None  # listed a moment ago
        _schemes[scheme_id] = scheme
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for scheme in _schemes.values():
        files.append(File.generated(config, f"{PAGE_PREFIX}{scheme.id}.md", content=""))
    return files


def _scheme_of(page: Page) -> Scheme | None:
    uri = page.file.src_uri
    if uri.startswith(PAGE_PREFIX) and uri.endswith(".md"):
        return _schemes.get(uri[len(PAGE_PREFIX) : -3])
    return None


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    scheme = _scheme_of(page)
    if scheme is not None:
        page.meta.update(
            title=f"FR.APL.02 Asesmen Mandiri · {scheme.title}",
            template="form.html",
            hide=["navigation", "toc"],
            search={"exclude": True},
        )
    elif page.file.src_uri == DESK_PAGE:
        # The desk page's data: the catalog's schemes for its filter, and the desk's rule table
        # (labels, limits, messages) so the page writes none of them twice.
        ordered = sorted(_schemes.values(), key=lambda s: s.number)
        page.meta["schemes"] = [{"id": s.id, "number": s.number, "title": s.title} for s in ordered]
        page.meta["desk_rules"] = deskrules.desk_rules()
    return markdown


def render_form(scheme: Scheme, api_url: str) -> str:
    """The whole FR.APL.02 form of one scheme, as the page's content."""
    return _env.get_template("form.html.j2").render(scheme=scheme, api_url=api_url, rules_json=rules_json(scheme))


def rules_json(scheme: Scheme | None = None) -> Markup:
    """The rule table (with the scheme's own evidence limits) as JSON safe inside <script>: no
    `</script>`, `<!--` or `&` can end or bend it."""
    text = json.dumps(fields.page_rules(scheme), ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    scheme = _scheme_of(page)
    if scheme is not None:
        return render_form(scheme, config["extra"]["api_url"])
    if page.is_homepage:
        schemes = sorted(_schemes.values(), key=lambda s: s.number)
        return html + _env.get_template("catalog.html.j2").render(schemes=schemes, prefix=PAGE_PREFIX)
    return html
