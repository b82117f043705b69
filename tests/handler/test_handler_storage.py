"""Storage through the handler: one self-contained record per submission, on S3 (moto) and on disk alike."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime

import pytest
from support.api import configure_api
from support.handler import full_payload

from handler import app
from handler.store import RECORD_KEY, AlreadyExists, LocalStore, S3Store, StoreUnavailable

SEED = "konsultasi-manajemen-pemasaran"
ID = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
RECORD = f"submissions/{SEED}/2026/11/23/{ID}.json"
MARKER = f"submissions/{SEED}/by-id/{ID}.marker"


@pytest.fixture(params=["local", "s3"])
def backend(request, tmp_path):
    """The same contract on both stores: a LocalStore directory, or a moto bucket."""
    if request.param == "local":
        return LocalStore(tmp_path / "var")
    s3 = request.getfixturevalue("s3")
    name = request.getfixturevalue("bucket")
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return S3Store(name)


@pytest.fixture
def stored_api(backend, catalog_dir, clock):
    yield configure_api(backend, catalog_dir, clock)
    app.configure(None)


def records(api) -> list[str]:
    return [key for key in api.keys() if "/by-id/" not in key]


def test_record_and_marker_keys_follow_the_layout(stored_api, payload):
    result = stored_api.post(payload)
    assert result.status == 201
    assert stored_api.keys() == [RECORD, MARKER]
    assert RECORD_KEY.match(RECORD)


def test_record_is_self_contained(stored_api, payload, seed):
    receipt = stored_api.post(payload).json
    body = stored_api.store.get(RECORD)
    record = json.loads(body)
    assert receipt == {
        "submission_id": ID,
        "received_at": "2026-11-23T23:15:02.123Z",
        "scheme": {"id": SEED, "version": seed.version},
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    assert record == {
        "record_version": 2,
        "submission_id": ID,
        "received_at": "2026-11-23T23:15:02.123Z",
        "scheme": seed.to_dict(),
        "candidate": {"name": "Siti Rahmawati", "email": "siti.rahmawati@contoh.co.id", "phone": "+62 812-3456-7890"},
        "answers": {key: {**answer, "files": []} for key, answer in payload["answers"].items()},
        "declaration": True,
        "signature": {"kind": "drawn", "data_url": payload["signature"]},
        "consent": {"given": True, "notice_version": payload["consent"]["notice_version"]},
        "revises": None,
        "status_key_sha256": payload["status_key_sha256"],
    }
    # The scheme text as the candidate saw it, down to the last criterion, with its version.
    last = seed.units[-1].elements[-1].criteria[-1]
    assert record["scheme"]["units"][-1]["elements"][-1]["criteria"][-1] == {"number": last.number, "text": last.text}
    assert list(record["answers"]) == list(seed.element_keys())


def test_marker_holds_key_fingerprint_and_receipt(stored_api, payload):
    receipt = stored_api.post(payload).json
    marker = json.loads(stored_api.store.get(MARKER))
    assert set(marker) == {"record_version", "key", "fingerprint", "receipt", "status_key_sha256"}
    assert (marker["record_version"], marker["key"], marker["receipt"]) == (2, RECORD, receipt)
    assert marker["status_key_sha256"] == payload["status_key_sha256"]
    assert len(marker["fingerprint"]) == 64


def test_retry_with_same_content_gets_the_first_receipt_and_no_second_object(stored_api, payload, clock):
    first = stored_api.post(payload)
    before = stored_api.store.get(RECORD)
    clock.advance(minutes=3)
    second = stored_api.post(payload)
    assert (first.status, second.status) == (201, 200)
    assert second.json == first.json
    assert stored_api.keys() == [RECORD, MARKER]
    assert stored_api.store.get(RECORD) == before


def test_retry_after_midnight_utc_finds_the_first_record(stored_api, payload, clock):
    clock.now = datetime(2026, 11, 23, 23, 59, 59, 950000, tzinfo=UTC)
    first = stored_api.post(payload)
    clock.now = datetime(2026, 11, 24, 0, 0, 1, tzinfo=UTC)
    second = stored_api.post(payload)
    assert (first.status, second.status) == (201, 200)
    assert second.json["received_at"] == "2026-11-23T23:59:59.950Z"
    assert stored_api.keys() == [RECORD, MARKER]


def test_same_id_with_different_content_is_a_conflict_and_changes_nothing(stored_api, payload, clock):
    first = stored_api.post(payload)
    before = stored_api.store.get(RECORD)
    payload["answers"]["M.70MKT00.019.2/1"]["evidence"] = "Bukti lain"
    clock.advance(days=2)
    second = stored_api.post(payload)
    assert (second.status, second.json["error"], second.json["retryable"]) == (409, "submission_conflict", False)
    assert second.json["receipt"] == first.json
    assert stored_api.keys() == [RECORD, MARKER]
    assert stored_api.store.get(RECORD) == before


def test_text_trimmed_to_the_same_content_is_the_same_submission(stored_api, payload):
    assert stored_api.post(payload).status == 201
    payload["candidate"]["name"] = "  Siti Rahmawati "
    assert stored_api.post(payload).status == 200


def test_retry_after_the_scheme_was_updated_still_gets_its_receipt(stored_api, payload, seed, tmp_path, clock):
    first = stored_api.post(payload)
    newer = tmp_path / "newer-catalog"
    newer.mkdir()
    document = seed.to_dict()
    document["version"] = "0123456789ab"
    document["units"][0]["elements"][0]["title"] += " (diperbarui)"
    (newer / f"{SEED}.json").write_text(json.dumps(document), encoding="utf-8")
    api = configure_api(stored_api.store, newer, clock)
    again = api.post(payload)
    assert (again.status, again.json) == (200, first.json)
    other = full_payload(seed, submission_id="6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b")
    outdated = api.post(other)
    assert (outdated.status, outdated.json["error"]) == (409, "scheme_outdated")
    assert outdated.json["message"] == (
        "Formulir skema ini baru saja diperbarui oleh LSP. Muat ulang halaman: "
        "jawaban Anda tetap tersimpan di perangkat ini. Periksa kembali isian Anda, "
        "lalu kirim."
    )
    assert records(api) == [RECORD]


def test_s3_objects_are_encrypted_and_never_overwritten(s3, bucket, catalog_dir, clock, payload):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    api = configure_api(S3Store(bucket), catalog_dir, clock)
    try:
        api.post(payload)
        api.post(payload)
        payload["declaration"] = True
        payload["candidate"]["name"] = "Orang Lain"
        assert api.post(payload).status == 409
    finally:
        app.configure(None)
    for key in (RECORD, MARKER):
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ServerSideEncryption"] == "AES256"
        assert head["ContentType"] == "application/json"
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert sorted(v["Key"] for v in versions) == [RECORD, MARKER]


# -- failures: nothing half-written, and a retry completes the job


class Crash(BaseException):
    """The process dies here (an out-of-memory kill, a timeout): no handler code runs after it."""


class Faulty:
    """A store that fails the nth create of a key matching a filter, then behaves."""

    def __init__(self, inner, fail, when=lambda key: True):
        self.inner, self.fail, self.when = inner, fail, when

    def create(self, key, body):
        if self.when(key) and self.fail is not None:
            fail, self.fail = self.fail, None
            raise fail
        self.inner.create(key, body)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_crash_between_marker_and_record_is_healed_by_the_retry(backend, catalog_dir, clock, payload):
    faulty = Faulty(backend, Crash(), when=lambda key: "/by-id/" not in key)
    api = configure_api(faulty, catalog_dir, clock)
    try:
        with pytest.raises(Crash):
            app.lambda_handler(__import__("swanilai.testing", fromlist=["make_event"]).make_event(payload), None)
        assert api.keys() == [MARKER]
        clock.advance(hours=2)
        retry = api.post(payload)
    finally:
        app.configure(None)
    assert retry.status == 200
    marker = json.loads(backend.get(MARKER))
    assert retry.json == marker["receipt"]
    body = backend.get(RECORD)
    assert hashlib.sha256(body).hexdigest() == retry.json["sha256"]
    assert json.loads(body)["received_at"] == "2026-11-23T23:15:02.123Z"


@pytest.mark.parametrize(
    "later, announced",
    [({"minutes": 20}, False), ({"days": 3}, True)],
    ids=["healed-the-same-day-is-not-announced", "healed-days-later-is-announced-under-late"],
)
def test_a_record_healed_into_a_past_day_is_announced_first(backend, catalog_dir, clock, payload, later, announced):
    faulty = Faulty(backend, Crash(), when=lambda key: "/by-id/" not in key)
    api = configure_api(faulty, catalog_dir, clock)
    try:
        with pytest.raises(Crash):
            app.lambda_handler(__import__("swanilai.testing", fromlist=["make_event"]).make_event(payload), None)
        clock.advance(**later)
        assert api.post(payload).status == 200
    finally:
        app.configure(None)
    late = f"submissions/{SEED}/late/{RECORD.split('/')[2]}-{RECORD.split('/')[3]}-{RECORD.split('/')[4]}/{ID}.marker"
    assert backend.get(RECORD) is not None
    assert (backend.get(late) is not None) == announced


def _client_error(code: str, status: int):
    from botocore.exceptions import ClientError

    return ClientError(
        {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject"
    )


class FlakyClient:
    """A boto3 S3 client whose put_object raises once, at the nth call."""

    def __init__(self, real, error, at_call: int):
        self.real, self.error, self.at_call, self.calls = real, error, at_call, 0

    def put_object(self, **kwargs):
        self.calls += 1
        if self.calls == self.at_call:
            raise self.error
        return self.real.put_object(**kwargs)

    def __getattr__(self, name):
        return getattr(self.real, name)


def _endpoint_error():
    from botocore.exceptions import EndpointConnectionError

    return EndpointConnectionError(endpoint_url="https://s3.ap-southeast-3.amazonaws.com")


S3_FAULTS = [
    ("slow_down_on_marker", lambda: _client_error("SlowDown", 503), 1, []),
    ("service_unavailable_on_marker", lambda: _client_error("ServiceUnavailable", 503), 1, []),
    ("internal_error_on_record", lambda: _client_error("InternalError", 500), 2, [MARKER]),
    ("throttling_on_record", lambda: _client_error("SlowDown", 503), 2, [MARKER]),
    ("connection_lost_on_record", _endpoint_error, 2, [MARKER]),
]


@pytest.mark.parametrize("make_error, at_call, left", [pytest.param(e, n, k, id=i) for i, e, n, k in S3_FAULTS])
def test_s3_unavailable_is_a_retryable_503_and_the_retry_stores_once(
    s3, bucket, catalog_dir, clock, payload, make_error, at_call, left
):
    client = FlakyClient(s3, make_error(), at_call)
    api = configure_api(S3Store(bucket, client=client), catalog_dir, clock)
    try:
        failed = api.post(payload)
        assert (failed.status, failed.json["error"], failed.json["retryable"]) == (503, "storage_unavailable", True)
        assert failed.headers["retry-after"] == "5"
        assert api.keys() == left  # never a record without its marker, never a partial record
        assert api.logs[-1]["store_error"]
        retry = api.post(payload)
    finally:
        app.configure(None)
    assert retry.status == (201 if not left else 200)
    assert api.keys() == [RECORD, MARKER]
    body = s3.get_object(Bucket=bucket, Key=RECORD)["Body"].read()
    assert hashlib.sha256(body).hexdigest() == retry.json["sha256"]


def test_s3_access_denied_is_a_500_with_the_code_logged(s3, bucket, catalog_dir, clock, payload):
    api = configure_api(
        S3Store(bucket, client=FlakyClient(s3, _client_error("AccessDenied", 403), 1)), catalog_dir, clock
    )
    try:
        result = api.post(payload)
    finally:
        app.configure(None)
    assert (result.status, result.json["error"], result.json["retryable"]) == (500, "internal_error", True)
    assert api.logs[-1]["store_error"] == "AccessDenied"


def test_s3_reading_the_marker_failing_is_a_503(s3, bucket, catalog_dir, clock, payload):
    api = configure_api(S3Store(bucket), catalog_dir, clock)
    try:
        assert api.post(payload).status == 201

        class NoReads(FlakyClient):
            def get_object(self, **kwargs):
                raise _client_error("ServiceUnavailable", 503)

        api = configure_api(S3Store(bucket, client=NoReads(s3, None, 0)), catalog_dir, clock)
        assert api.post(payload).status == 503
    finally:
        app.configure(None)


# -- the local directory: atomic files, concurrent writers


def test_local_store_leaves_no_temporary_file_and_keeps_records_private(tmp_path, catalog_dir, clock, payload):
    root = tmp_path / "var"
    api = configure_api(LocalStore(root), catalog_dir, clock)
    previous = os.umask(0o022)  # the usual default, which would make new folders readable by everyone
    try:
        api.post(payload)
        api.post(payload)
    finally:
        os.umask(previous)
        app.configure(None)
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert files == [RECORD, MARKER]
    assert {oct(os.stat(root / key).st_mode & 0o777) for key in files} == {"0o600"}
    assert {oct(p.stat().st_mode & 0o777) for p in [root, *root.rglob("*")] if p.is_dir()} == {"0o700"}


def test_local_store_create_is_create_only(tmp_path):
    store = LocalStore(tmp_path)
    store.create("submissions/a/b.json", b"first")
    with pytest.raises(AlreadyExists):
        store.create("submissions/a/b.json", b"second")
    assert store.get("submissions/a/b.json") == b"first"


def _race(api, payloads):
    """Send payloads at the same instant from one thread each; return the statuses."""
    barrier = threading.Barrier(len(payloads))
    statuses = [None] * len(payloads)

    def send(n):
        barrier.wait()
        statuses[n] = api.post(payloads[n]).status

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(payloads))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_concurrent_writers_of_one_id_make_one_record(tmp_path, catalog_dir, clock, seed):
    api = configure_api(LocalStore(tmp_path / "var"), catalog_dir, clock)
    try:
        for n in range(15):
            submission_id = f"6f1c2a3b-4d5e-4f60-8a7b-{n:012d}"
            payload = full_payload(seed, submission_id=submission_id)
            assert _race(api, [payload] * 4) == [200, 200, 200, 201]
        assert len(records(api)) == 15 == len(api.keys()) // 2
    finally:
        app.configure(None)


def test_concurrent_writers_of_one_id_with_different_content_make_one_record(tmp_path, catalog_dir, clock, seed):
    api = configure_api(LocalStore(tmp_path / "var"), catalog_dir, clock)
    try:
        for n in range(15):
            submission_id = f"6f1c2a3b-4d5e-4f60-8a7b-{n:012d}"
            mine, theirs = (
                full_payload(seed, submission_id=submission_id),
                full_payload(seed, submission_id=submission_id),
            )
            theirs["signature"] = "Siti Rahmawati"
            assert _race(api, [mine, theirs]) == [201, 409]
        assert len(records(api)) == 15
    finally:
        app.configure(None)


@pytest.mark.parametrize(
    "denied_means_missing, expected",
    [(True, None), (False, StoreUnavailable)],
    ids=["lambda-without-listbucket-reads-403-as-missing", "assessor-keeps-403-as-an-error"],
)
def test_s3_get_of_a_forbidden_key(denied_means_missing, expected):
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("s3", region_name="ap-southeast-3", aws_access_key_id="x", aws_secret_access_key="x")
    store = S3Store("bucket", client=client, denied_means_missing=denied_means_missing)
    with Stubber(client) as stub:
        stub.add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)
        if expected is None:
            assert store.get("submissions/x/by-id/y.marker") is None
        else:
            with pytest.raises(expected):
                store.get("submissions/x/by-id/y.marker")
