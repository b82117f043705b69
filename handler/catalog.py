"""The handler's view of the compiled catalog: one scheme read on demand, then kept for the process's life.

A request names one scheme, so the handler reads that one file and nothing else: a cold start
costs the same with 1 or 1,000 schemes in the catalog. Misses are not cached (a made-up id must
not grow memory); hits are bounded by the catalog's size.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler.scheme import CatalogError, Scheme, is_scheme_id, read_catalog_entry

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
# The privacy notice the site shows (swanilai/privacy.py writes it); its name is no scheme id.
NOTICE_FILE = "privacy_notice.json"


@dataclass(frozen=True)
class CatalogEntry:
    scheme: Scheme
    # Scheme.to_dict(), computed once: every record of this scheme embeds it.
    document: dict[str, Any]


_cache: dict[tuple[Path, str], CatalogEntry] = {}
_lock = threading.Lock()


def load_scheme(catalog_dir: Path, scheme_id: str) -> CatalogEntry | None:
    """The catalog's current version of a scheme, or None when there is no such scheme."""
    if not is_scheme_id(scheme_id):
        return None
    entry = _cache.get((catalog_dir, scheme_id))
    if entry is None:
        scheme = read_catalog_entry(catalog_dir, scheme_id)
        if scheme is None:
            return None
        entry = CatalogEntry(scheme, scheme.to_dict())
        with _lock:
            entry = _cache.setdefault((catalog_dir, scheme_id), entry)
    return entry


_notices: dict[Path, str] = {}


def current_notice_version(catalog_dir: Path) -> str | None:
    """The version of the privacy notice the site shows, the one consent is given to; None: not built."""
    version = _notices.get(catalog_dir)
    if version is None:
        try:
            data = json.loads((catalog_dir / NOTICE_FILE).read_bytes())
        except FileNotFoundError:
            return None
        except ValueError as exc:
            raise CatalogError(f"{catalog_dir / NOTICE_FILE}: not a privacy notice ({exc})") from exc
        version = data.get("version") if isinstance(data, dict) else None
        if not isinstance(version, str):
            raise CatalogError(f"{catalog_dir / NOTICE_FILE}: has no version")
        with _lock:
            _notices[catalog_dir] = version
    return version


def forget_schemes() -> None:
    """Drop every cached scheme and notice (tests, and a local server after a rebuild)."""
    with _lock:
        _cache.clear()
        _notices.clear()
