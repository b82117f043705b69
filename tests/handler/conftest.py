"""Fixtures of the handler's tests: a configured handler whose every response is checked against OpenAPI."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from support.api import Clock, configure_api
from support.handler import full_payload

from handler import app
from handler.store import LocalStore


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC))


@pytest.fixture
def api(tmp_path, catalog_dir, clock):
    """The handler storing into a fresh local directory."""
    yield configure_api(LocalStore(tmp_path / "var"), catalog_dir, clock)
    app.configure(None)


@pytest.fixture
def payload(seed) -> dict[str, Any]:
    return full_payload(seed)
