"""The handler's view of the compiled catalog: one scheme read on demand, then kept for the process's life.

A request names one scheme, so the handler reads that one file and nothing else: a cold start
costs the same with 1 or 1,000 schemes in the catalog. Misses are not cached (a made-up id must
not grow memory); hits are bounded by the catalog's size.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler.scheme import Scheme, is_scheme_id, read_catalog_entry

DEFAULT_CATALOG_DIR = Path(__file__).resolve().parent / "catalog"


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


def forget_schemes() -> None:
    """Drop every cached scheme (tests, and a local server after a rebuild)."""
    with _lock:
        _cache.clear()
