"""mkdocs hooks: one generated page per scheme in the compiled catalog, the home page's list, the
privacy page, and the service worker.

mkdocs.yml names this file under `hooks:`. The form is rendered with our own Jinja2 templates (site_src/form/) straight into the page's
content, skipping Markdown: the form is HTML already, and Markdown would cost time per page. Each form
carries the handler's rule table (handler.fields.page_rules, with the scheme's own evidence limits) as
JSON data, which the page's checks read, and the privacy notice the catalog holds (swanilai/privacy.py
writes it from site_src/privacy.yml): its text above the consent checkbox, its version in the payload.
Assets get their content hash in the URL (`asset_version` in the theme overrides), and `sw.js` is written
last, listing exactly the assets the form pages load; its build id is their hash, so a new build is a
new service worker that replaces the cache whole.
A form page loads lighter assets than the other pages (swanilai/slim.py): the form's scripts as one
minified bundle (FORM_BUNDLE, made before the pages), and instead of Material's main.css a copy cut to
the rules the built form pages can use (FORM_SHEET, made after them: its version is put into the pages
then).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

import jinja2
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from handler import deskrules, fields
from handler.catalog import NOTICE_FILE
from handler.scheme import Scheme, list_catalog, plain_text, read_catalog_entry, text_html
from swanilai import slim
from swanilai.paths import ROOT, SITE_SRC

PAGE_PREFIX = "skema/"
DESK_PAGE = "asesor/index.md"
PRIVACY_PAGE = "privasi.md"
WORKER = "sw.js"
FORM_BUNDLE = "assets/form.min.js"
FORM_SHEET = "assets/stylesheets/form-page.css"  # beside main.css: its relative url()s still resolve
# What the form pages carry as FORM_SHEET's version until on_post_build has made the sheet.
SHEET_MARK = "form-sheet-version-pending"
_schemes: dict[str, Scheme] = {}
_generated: dict[str, bytes] = {}  # site path -> bytes of the assets the build makes
_notice: dict = {}
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
    try:
        notice = json.loads((catalog_dir / NOTICE_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PluginError(
            f"no privacy notice in {catalog_dir}; run `python build.py build`, which writes it from site_src/privacy.yml"
        ) from None
    _notice.clear()
    _notice.update(notice)
    return config


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.globals["asset_version"] = lambda path: (
        _version(_generated[path]) if path in _generated else asset_version(Path(config["docs_dir"]) / path)
    )
    env.globals["form_bundle"] = FORM_BUNDLE
    env.globals["form_sheet"] = FORM_SHEET
    env.globals["form_sheet_mark"] = SHEET_MARK
    return env


def asset_version(path: Path) -> str:
    """The first 10 hex digits of a file's SHA-256: in its URL, so a changed file is a new URL."""
    return _version(path.read_bytes())


def _version(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def form_sources(docs_dir: Path) -> list[Path]:
    """The form's scripts in the order the page runs them."""
    return [docs_dir / "assets" / "form" / f"{part}.js" for part in slim.FORM_PARTS]


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for scheme in _schemes.values():
        files.append(File.generated(config, f"{PAGE_PREFIX}{scheme.id}.md", content=""))
    files.append(File.generated(config, PRIVACY_PAGE, content=""))
    sources = form_sources(Path(config["docs_dir"]))
    script = slim.bundle(path.read_text(encoding="utf-8") for path in sources).encode("utf-8")
    _generated.clear()
    _generated[FORM_BUNDLE] = script
    files.append(File.generated(config, FORM_BUNDLE, content=script))
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
    elif page.file.src_uri == PRIVACY_PAGE:
        page.meta.update(title="Pemberitahuan Privasi", hide=["toc"])
    return markdown


def render_form(scheme: Scheme, api_url: str, root: str = "../../") -> str:
    """The whole FR.APL.02 form of one scheme, as the page's content; root: the site's root from the page."""
    rules = fields.page_rules(scheme)
    evidence = rules["evidence"]
    names = evidence["kind_names"]
    mb = lambda size: f"{size / 1024 / 1024:g}".replace(".", ",")  # noqa: E731
    return _env.get_template("form.html.j2").render(
        scheme=scheme,
        api_url=api_url,
        api_base=api_base(api_url),
        rules_json=rules_json(scheme),
        notice=_notice,
        root=root,
        evidence=evidence,
        evidence_kinds=", ".join(names.get(t, t) for t in evidence["types"]),
        accept=",".join(
            [*evidence["types"], *(f".{ext}" for ext in evidence["extensions"].values()), "image/heic", ".heic"]
        ),
        file_mb=mb(evidence["max_file_bytes"]),
        total_mb=mb(evidence["max_total_bytes"]),
    )


def api_base(api_url: str) -> str:
    """The API's root from the submissions URL build.py was given (…/submissions): status and uploads live beside it."""
    return api_url[: -len("/submissions")] if api_url.endswith("/submissions") else api_url.rsplit("/", 1)[0]


def rules_json(scheme: Scheme | None = None) -> Markup:
    """The rule table (with the scheme's own evidence limits) as JSON safe inside <script>: no
    `</script>`, `<!--` or `&` can end or bend it."""
    text = json.dumps(fields.page_rules(scheme), ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    scheme = _scheme_of(page)
    if scheme is not None:
        return render_form(scheme, config["extra"]["api_url"], "../" * page.url.count("/"))
    if page.file.src_uri == PRIVACY_PAGE:
        return _env.get_template("privacy.html.j2").render(notice=_notice)
    if page.is_homepage:
        schemes = sorted(_schemes.values(), key=lambda s: s.number)
        return html + _env.get_template("catalog.html.j2").render(schemes=schemes, prefix=PAGE_PREFIX)
    return html


def on_post_build(config: MkDocsConfig) -> None:
    """Write the form pages' stylesheet, then the service worker: the assets a form page loads, and a
    build id made of their bytes."""
    site_dir = Path(config["site_dir"])
    pages = sorted((site_dir / PAGE_PREFIX).glob("*/index.html"))
    if not pages:
        return
    write_form_sheet(site_dir, pages, form_sources(Path(config["docs_dir"])))
    assets = page_assets(pages[0], site_dir)
    digest = hashlib.sha256()
    for asset in assets:
        digest.update(asset.encode("utf-8") + b"\0" + (site_dir / asset.split("?")[0]).read_bytes())
    # The worker's own copy of the store (it runs no page script); importScripts keeps it with the worker.
    store = "assets/form/store.js"
    worker = _env.get_template("sw.js.j2").render(
        build=digest.hexdigest()[:12],
        assets=assets,
        store_url=f"{store}?v={asset_version(site_dir / store)}",
        page_prefix=PAGE_PREFIX,
        api_prefix=_path_of(config["extra"]["api_url"]),
    )
    (site_dir / WORKER).write_text(worker, encoding="utf-8")


def main_stylesheet(site_dir: Path) -> Path:
    """Material's main.css in the built site (its name carries Material's own hash)."""
    found = sorted((site_dir / "assets" / "stylesheets").glob("main.*.min.css"))
    if len(found) != 1:
        raise PluginError(f"expected one Material main.*.min.css in {site_dir}, found {len(found)}")
    return found[0]


def write_form_sheet(site_dir: Path, pages: list[Path], sources: list[Path]) -> None:
    """FORM_SHEET: main.css cut to what the form pages and their scripts can use; its version goes
    into the pages in place of SHEET_MARK."""
    texts = {page: page.read_text(encoding="utf-8") for page in pages}
    vocabulary = set().union(*(slim.words(text) for text in texts.values()))
    for source in sources:
        vocabulary |= slim.words(source.read_text(encoding="utf-8"))
    css = slim.trim_stylesheet(main_stylesheet(site_dir).read_text(encoding="utf-8"), vocabulary).encode("utf-8")
    (site_dir / FORM_SHEET).write_bytes(css)
    for page, text in texts.items():
        page.write_text(text.replace(SHEET_MARK, _version(css)), encoding="utf-8")


_ASSET_REF = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"#]+)"')


def page_assets(page: Path, site_dir: Path) -> list[str]:
    """The site's own files a built page loads (scripts, styles, icon), as paths from the site's root."""
    base = page.parent.relative_to(site_dir).as_posix()
    found = []
    for ref in _ASSET_REF.findall(page.read_text(encoding="utf-8")):
        if "://" in ref or ref.startswith("/"):
            continue
        path = posixpath.normpath(posixpath.join(base, ref))
        if path.startswith("assets/") and path not in found:
            found.append(path)
    return found


def _path_of(url: str) -> str:
    """The path part of the API's URL: what the service worker leaves to the network ("/api/")."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    return path.rsplit("/", 1)[0] + "/"
