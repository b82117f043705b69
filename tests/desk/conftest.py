"""Fixtures of the desk's tests: the desk's function on a local store and SQLite index, a moved-by-hand clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.api import Clock
from support.desk import NOW, make_desk
from support.records import RECEIVED, make_record, store_record

from handler import desk, indexer


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def local(tmp_path, clock):
    """The desk's function on an empty local store and index."""
    found = make_desk(tmp_path, clock)
    yield found
    desk.configure(None)
    indexer.configure(None)
    found.index.close()


@pytest.fixture
def filled(local, seed, clock):
    """Three records a day apart (newest last), indexed; `filled.records` in the order stored."""
    records = [
        make_record(seed, name=name, received_at=RECEIVED + timedelta(days=n))
        for n, name in enumerate(("Siti Rahayu", "Budi Santoso", "Dédé Kurniawati"))
    ]
    for record in records:
        store_record(local.store, record)
    indexer.reindex(local.store, local.index, clock())
    local.records = records
    return local
