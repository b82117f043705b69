"""The indexer: S3's events (through EventBridge, or as notifications) keep the index in step, whatever their order or number."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from support.desk import NOW, table_from_template
from support.records import make_record, record_key, store_record, store_review

from handler import indexer
from handler.deskconfig import DeskConfig
from handler.index import DynamoIndex, SqliteIndex
from handler.indexer import catch_up, reindex
from handler.store import LocalStore, S3Store, StoreUnavailable

TABLE = "swanilai-desk-index"


@pytest.fixture
def aws(s3, bucket):
    """A moto bucket and the template's index table, and the indexer configured for them."""
    import boto3

    dynamodb = boto3.client("dynamodb", region_name="ap-southeast-3")
    table_from_template(dynamodb, TABLE)
    config = DeskConfig(
        store=S3Store(bucket, client=s3), index=DynamoIndex(TABLE, client=dynamodb), log=lambda line: None
    )
    indexer.configure(config)
    yield config
    indexer.configure(None)


def bridge(key: str, deleted: bool = False, bucket: str = "swanilai-test-submissions") -> dict:
    """An S3 event as EventBridge delivers it to the function."""
    return {
        "version": "0",
        "id": "c9888434-815d-c6f4-9fc2-4dd7bdeccaaf",
        "detail-type": "Object Deleted" if deleted else "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2026-11-23T23:15:03Z",
        "region": "ap-southeast-3",
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": {"key": key, "size": 1024, "etag": "abc", "sequencer": "0064D3901D00059242"},
            "request-id": "XRRTKJXSZQCWNQR1",
            "requester": "123456789012",
            "reason": "DeleteObject" if deleted else "PutObject",
        },
    }


def notification(key: str, deleted: bool = False) -> dict:
    """An S3 event notification (the key URL-encoded, as S3 sends it)."""
    from urllib.parse import quote_plus

    name = "ObjectRemoved:Delete" if deleted else "ObjectCreated:Put"
    return {
        "Records": [{"eventSource": "aws:s3", "eventName": name, "s3": {"object": {"key": quote_plus(key, safe="/")}}}]
    }


def handle(event) -> dict:
    return indexer.lambda_handler(event, None)["outcomes"]


def test_a_new_record_is_indexed_from_its_event(aws, seed):
    record = make_record(seed, name="Siti Rahayu")
    store_record(aws.store, record)
    assert handle(bridge(record_key(record))) == {"indexed": 1}
    entry = aws.index.get(record["submission_id"])
    assert (entry.name, entry.state, entry.record_key) == ("Siti Rahayu", "belum", record_key(record))
    assert aws.index.meta().updated_at is not None


def test_duplicated_events_change_nothing_the_second_time(aws, seed):
    record = make_record(seed)
    store_record(aws.store, record)
    outcomes = [handle(bridge(record_key(record))) for _ in range(3)]
    assert outcomes == [{"indexed": 1}] * 3  # the same entry, written again: no change, no second row
    assert aws.index.all_ids() == {record["submission_id"]}


def test_events_out_of_order_end_in_what_the_store_holds(aws, seed):
    record = make_record(seed)
    store_record(aws.store, record)
    first = store_review(aws.store, record, recommendation="lanjut", reviewed_at=NOW - timedelta(days=2))
    second = store_review(
        aws.store, record, recommendation="tidak_lanjut", reviewed_at=NOW - timedelta(days=1), seen_latest=first
    )
    for key in (second, record_key(record), first):  # the latest review's event comes first
        handle(bridge(key))
    entry = aws.index.get(record["submission_id"])
    assert (entry.state, entry.review_count, entry.latest_review_key) == ("tidak_lanjut", 2, second)


def test_a_late_event_after_an_erasure_removes_the_entry_instead_of_resurrecting_it(aws, seed, s3, bucket):
    record = make_record(seed)
    store_record(aws.store, record)
    handle(bridge(record_key(record)))
    s3.delete_object(Bucket=bucket, Key=record_key(record))
    s3.delete_object(Bucket=bucket, Key=f"submissions/{seed.id}/by-id/{record['submission_id']}.marker")
    assert handle(bridge(record_key(record))) == {"removed": 1}  # replayed "created" event
    assert aws.index.get(record["submission_id"]) is None
    assert handle(bridge(record_key(record), deleted=True)) == {"removed": 1}
    assert aws.index.all_ids() == set()


def test_s3_notifications_are_read_too(aws, seed):
    record = make_record(seed)
    store_record(aws.store, record)
    review = store_review(aws.store, record, recommendation="lanjut", reviewed_at=NOW)
    assert handle(notification(review)) == {"indexed": 1}
    assert aws.index.get(record["submission_id"]).state == "lanjut"
    wrapped = {"Records": [{"body": json.dumps(bridge(record_key(record)))}]}  # through SQS or SNS
    assert handle(wrapped) == {"indexed": 1}


@pytest.mark.parametrize(
    "key",
    [
        "submissions/skema/by-id/0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69.marker",
        "evidence/skema/0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69/ab.pdf",
        "reviews/skema/bukan-id/20261201T000000.000Z.json",
        "submissions/skema/2026/11/23/zz.json",
    ],
    ids=["marker", "evidence", "review-of-no-id", "record-of-no-id"],
)
def test_an_object_that_is_no_record_or_review_is_ignored(aws, key):
    assert handle(bridge(key)) == {}


def test_a_failure_raises_so_that_the_event_is_retried(aws, seed, monkeypatch):
    record = make_record(seed)
    store_record(aws.store, record)

    def down(*args, **kwargs):
        raise StoreUnavailable("S3 SlowDown", code="SlowDown")

    monkeypatch.setattr(aws.store, "get", down)
    with pytest.raises(StoreUnavailable):
        handle(bridge(record_key(record)))


# -- a rebuild, and the desk's check of the recent days (local store)


@pytest.fixture
def directory(tmp_path):
    store = LocalStore(tmp_path / "store")
    index = SqliteIndex(tmp_path / "index.sqlite3")
    yield store, index
    index.close()


def test_a_rebuild_indexes_every_record_and_forgets_erased_ones(directory, seed):
    store, index = directory
    records = [make_record(seed, name=f"Asesi {n}") for n in range(3)]
    for record in records:
        store_record(store, record)
    index.upsert(indexer.build_entry(record_key(records[0]), store.get(record_key(records[0])), [], None))
    from dataclasses import replace

    ghost = replace(index.get(records[0]["submission_id"]), submission_id="0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69")
    index.upsert(ghost)
    done = reindex(store, index, NOW)
    assert (done.indexed, done.removed, done.unreadable, done.complete) == (3, 1, 0, True)
    assert index.all_ids() == {r["submission_id"] for r in records}
    assert index.meta().rebuilt_at == "2026-12-01T03:04:05.678Z"


def test_a_rebuild_out_of_time_writes_what_it_read_and_removes_nothing(directory, seed):
    store, index = directory
    store_record(store, make_record(seed))
    done = reindex(store, index, NOW, deadline=0.0)
    assert (done.complete, done.removed) == (False, 0)
    assert index.meta().rebuilt_at is None


def test_an_index_never_rebuilt_says_so(directory):
    store, index = directory
    state = catch_up(store, index, NOW)
    assert state.behind is True
    assert state.note.startswith("Indeks daftar belum pernah dibangun")


def test_a_recent_record_the_index_missed_is_indexed_on_the_spot(directory, seed):
    store, index = directory
    reindex(store, index, NOW)
    record = make_record(seed, name="Terlewat", received_at=NOW - timedelta(hours=2))
    store_record(store, record)  # written, its event lost
    state = catch_up(store, index, NOW)
    assert (state.behind, state.note) == (False, "1 pengajuan terbaru baru saja dimasukkan ke daftar.")
    assert index.get(record["submission_id"]).name == "Terlewat"
    assert catch_up(store, index, NOW).note == ""


def test_more_missing_than_the_desk_indexes_at_once_is_behind(directory, seed):
    store, index = directory
    reindex(store, index, NOW)
    for n in range(indexer.CATCH_UP_MAX + 1):
        store_record(store, make_record(seed, received_at=NOW - timedelta(minutes=n + 1)))
    state = catch_up(store, index, NOW)
    assert state.behind is True
    assert state.note == (
        "51 pengajuan yang diterima sejak kemarin belum masuk daftar. Muat ulang dalam beberapa saat; "
        "bila tetap begitu, admin dapat membangun ulang indeks."
    )


def test_a_store_that_cannot_be_listed_is_not_reported_complete(directory, monkeypatch):
    store, index = directory
    reindex(store, index, NOW)

    def down(prefix):
        raise StoreUnavailable("no")

    monkeypatch.setattr(store, "children", down)
    state = catch_up(store, index, NOW)
    assert (state.behind, state.note) == (True, "Kelengkapan daftar tidak dapat diperiksa saat ini.")
