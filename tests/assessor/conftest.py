"""Fixtures for assessor.py: a pulled copy with records and reviews, a moto server, the CLI in and out of process."""

from __future__ import annotations

import logging
from collections.abc import Iterator
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


# -- S3 over HTTP, for the command run as a separate process


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 (ephemeral port), for `assessor.py` run as its own process."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def server_bucket(moto_endpoint):
    """A fresh bucket on the moto server and a boto3 client for it."""
    import uuid

    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = f"swanilai-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    return client, name
