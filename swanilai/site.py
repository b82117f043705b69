"""The LSP's build: check every scheme, compile the catalog, and build the static site with mkdocs-material."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from handler.catalog import NOTICE_FILE
from handler.scheme import write_catalog_entry
from swanilai.check_messages import DEFAULT_LANG, phrase
from swanilai.paths import CATALOG_DIR, MKDOCS_YML, SCHEME_DIR, SITE_DIR, display_path
from swanilai.privacy import NOTICE_PATH, NoticeError, load_notice, write_notice
from swanilai.scheme_source import CheckResult, check_schemes

DEFAULT_API_URL = "/api/submissions"


class BuildError(Exception):
    """A build step failed for a reason the LSP can fix; the message says how."""


def check(
    scheme_dir: Path = SCHEME_DIR, quiet: bool = False, lang: str = DEFAULT_LANG, compile: bool = True
) -> CheckResult:
    """Check every scheme and print its problems, in Bahasa Indonesia or English; return the result."""
    result = check_schemes(scheme_dir, compile=compile)
    for problem in result.problems:
        print(problem.format(lang), file=sys.stderr)
    if not quiet or result.errors:
        print(result.summary(lang), file=sys.stderr)
    return result


def write_catalog(schemes, catalog_dir: Path = CATALOG_DIR, notice_path: Path = NOTICE_PATH) -> None:
    """Write one compiled JSON file per scheme and the privacy notice, removing entries of schemes that are gone."""
    notice = load_notice(notice_path)  # before anything is written: a broken notice stops the build
    catalog_dir.mkdir(parents=True, exist_ok=True)
    write_notice(notice, catalog_dir)
    keep = {f"{scheme.id}.json" for scheme in schemes} | {NOTICE_FILE}
    for stale in catalog_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink()
    for scheme in schemes:
        write_catalog_entry(catalog_dir, scheme)


def build(
    api_url: str = DEFAULT_API_URL,
    site_dir: Path = SITE_DIR,
    scheme_dir: Path = SCHEME_DIR,
    catalog_dir: Path = CATALOG_DIR,
    lang: str = DEFAULT_LANG,
    cognito: dict[str, str] | None = None,
) -> None:
    """Check, compile the catalog, and build the static site with mkdocs-material.

    `cognito` ({domain, client_id}: the deployed user pool's managed login) makes the desk page
    sign in there; without it the desk page takes the local server's one-time links.
    """
    result = check(scheme_dir, quiet=True, lang=lang)
    if result.errors:
        refused = phrase("build.refused", errors=len(result.errors), dir=display_path(scheme_dir))
        raise BuildError(refused.render(lang))
    try:
        write_catalog(result.schemes, catalog_dir)
    except NoticeError as exc:
        raise BuildError(exc.render(lang)) from None
    _mkdocs_build(api_url, site_dir, catalog_dir, cognito)
    print(f"built {len(result.schemes)} scheme page(s) into {display_path(site_dir)}/", file=sys.stderr)


def _mkdocs_build(api_url: str, site_dir: Path, catalog_dir: Path, cognito: dict[str, str] | None = None) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(MKDOCS_YML), site_dir=str(site_dir))
    config["extra"]["api_url"] = api_url
    config["extra"]["catalog_dir"] = str(catalog_dir)
    if cognito:
        config["extra"]["cognito"] = cognito
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise BuildError(f"mkdocs: {exc}") from exc
    finally:
        config.plugins.on_shutdown()
