"""The desk in local mode: where its state lives, the index fed by the store's writes, the local wiring.

`build.py serve` keeps the desk's state beside the submissions it stores: `<store>/.desk/`
(private, 0700) holds the SQLite index and the local users. The index is fed as S3's events feed
it in AWS, through the same code (handler.indexer.apply_change): every record or review the
server writes goes through IndexingStore, which indexes it right after the write. What other
processes write into the directory (`assessor.py review` indexes its own review; a copy placed by
hand does not) is found by the desk's recent-days check or a rebuild (`assessor.py reindex`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from handler.index import SqliteIndex
from handler.indexer import Change, apply_change
from handler.store import Store, StoredObject

STATE_DIR = ".desk"
INDEX_FILE = "index.sqlite3"
USERS_FILE = "users.json"


def state_dir(root: Path | str) -> Path:
    return Path(root) / STATE_DIR


def index_path(root: Path | str) -> Path:
    """The desk's SQLite index of the submissions stored under root."""
    return state_dir(root) / INDEX_FILE


def users_path(root: Path | str) -> Path:
    return state_dir(root) / USERS_FILE


def open_index(root: Path | str) -> SqliteIndex:
    folder = state_dir(root)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return SqliteIndex(index_path(root))


class IndexingStore:
    """A store whose writes of records and reviews reach the index at once (S3's events, locally)."""

    def __init__(self, inner: Store, index: SqliteIndex, failed: Callable[[str, BaseException], None]) -> None:
        self.inner = inner
        self.index = index
        self._failed = failed

    def create(self, key: str, body: bytes) -> None:
        self.inner.create(key, body)
        try:
            apply_change(self.inner, self.index, Change(key, removed=False))
        except Exception as exc:  # noqa: BLE001 - the write stands; the desk's check or a rebuild heals the index
            self._failed(key, exc)

    def get(self, key: str, max_bytes: int | None = None) -> bytes | None:
        return self.inner.get(key, max_bytes)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        return self.inner.list(prefix)

    def children(self, prefix: str) -> list[str]:
        return self.inner.children(prefix)

    def describe(self) -> str:
        return self.inner.describe()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def rebuilt_before(index: SqliteIndex) -> datetime | None:
    meta = index.meta()
    return datetime.fromisoformat(meta.rebuilt_at.replace("Z", "+00:00")) if meta.rebuilt_at else None
