"""Fixtures of the handler's tests: a configured handler whose every response is checked against OpenAPI."""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from handler_api import Clock, configure_api  # noqa: E402
from handler_support import full_payload  # noqa: E402

from handler import app  # noqa: E402
from handler.catalog import forget_schemes  # noqa: E402
from handler.config import Config  # noqa: E402
from handler.request import method_of  # noqa: E402
from handler.store import LocalStore  # noqa: E402


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=timezone.utc))


@pytest.fixture
def api(tmp_path, catalog_dir, clock):
    """The handler storing into a fresh local directory."""
    yield configure_api(LocalStore(tmp_path / "var"), catalog_dir, clock)
    app.configure(None)


@pytest.fixture
def payload(seed) -> dict[str, Any]:
    return full_payload(seed)


@pytest.fixture
def moto_server(aws_env):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
