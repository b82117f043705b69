"""Fixtures for assessor.py: a pulled copy with records and reviews, the CLI in process (the moto server is in tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.api import Clock
from support.assessor import EVIL_EVIDENCE, NOW
from support.records import RECEIVED, make_record, store_record, store_review


@pytest.fixture(autouse=True)
def _no_ambient_assessor_env(monkeypatch) -> None:
    # An assessor's own settings in the developer's shell must not leak into the tests.
    for name in ("ASSESSOR_SOURCE", "ASSESSOR_DIR", "ASSESSOR_DEBUG", "ASSESSOR_CHROMIUM"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def copy(tmp_path, seed):
    """A pulled copy with three submissions: one reviewed twice, one with a typed signature, one hostile."""
    from handler.store import LocalStore

    store = LocalStore(tmp_path / "copy")
    reviewed = make_record(seed, name="Siti Rahayu")
    typed = make_record(
        seed, name="Budi Santoso", signature="typed", received_at=RECEIVED + timedelta(days=1), email=None, phone=None
    )
    hostile = make_record(
        seed,
        name="=cmd|' /C calc'!A0",
        received_at=RECEIVED + timedelta(days=2),
        phone="+6281234567890",
        evidence=lambda index, key, verdict: EVIL_EVIDENCE if index == 0 else "-20% biaya @kantor",
    )
    for record in (reviewed, typed, hostile):
        store_record(store, record)
    store_review(
        store,
        reviewed,
        recommendation="lanjut",
        name="Asesor Pertama",
        registration="MET.1",
        reviewed_at=RECEIVED + timedelta(days=3),
    )
    store_review(
        store,
        reviewed,
        recommendation="tidak_lanjut",
        name="Andriansyah Bachtillah",
        registration="MET.000.001234 2020",
        notes="Bukti unit 3 <b>belum</b> memadai",
        reviewed_at=RECEIVED + timedelta(days=4),
    )

    class Copy:
        root = store.root
        records = {"reviewed": reviewed, "typed": typed, "hostile": hostile}

    Copy.store = store
    return Copy


@pytest.fixture
def clock() -> Clock:
    """The assessor's clock in process: a fixed time, after every record and review of the fixtures."""
    return Clock(NOW)


@pytest.fixture
def invoke(clock):
    """Run assessor.py's commands in process (fast; lets a test break the disk or S3 underneath)."""
    from click.testing import CliRunner

    from swanilai.assessor.cli import Runtime, cli

    def run(*args: str):
        return CliRunner().invoke(cli, [str(arg) for arg in args], prog_name="assessor.py", obj=Runtime(clock))

    return run
