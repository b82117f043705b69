"""Where things are in the repository: one place, so commands and tests agree."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEME_DIR = ROOT / "schemes"
CATALOG_DIR = ROOT / "handler" / "catalog"
SITE_DIR = ROOT / "site"
SITE_SRC = ROOT / "site_src"
MKDOCS_YML = ROOT / "mkdocs.yml"
HANDLER_DIR = ROOT / "handler"
INFRA_DIR = ROOT / "infra"
DOCS_DIR = ROOT / "docs"
OPENAPI = DOCS_DIR / "openapi.yaml"


def display_path(path: Path) -> str:
    """A path as LSP staff see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
