"""The index: one contract, two backends (SQLite locally, DynamoDB on moto built from the template's own table)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from support.desk import table_from_template

from handler.index import DynamoIndex, IndexEntry, Query, SqliteIndex, decode_cursor, encode_cursor, iter_pages
from swanilai.paths import INFRA_DIR
from swanilai.publish import load_template


def entry(n: int, **change) -> IndexEntry:
    base = IndexEntry(
        submission_id=f"00000000-0000-4000-8000-{n:012d}",
        scheme_id="skema-a" if n % 2 else "skema-b",
        scheme_number="SS.1",
        scheme_title="Judul",
        received_at=f"2026-11-{1 + n // 24:02d}T{n % 24:02d}:00:00.000Z",
        received_day_wib="2026-11-01",
        name=f"Asesi {n}",
        name_folded=f"asesi {n}",
        k=3,
        bk=1,
        state="belum",
        reviewed_at=None,
        reviewer=None,
        reviewer_registration=None,
        notes=None,
        review_count=0,
        latest_review_key=None,
        revises=None,
        revised_by=None,
        files=0,
        record_key=f"submissions/x/{n}.json",
        sha256="0" * 64,
    )
    return replace(base, **change)


@pytest.fixture(params=["sqlite", "dynamodb"])
def index(request, tmp_path):
    if request.param == "sqlite":
        found = SqliteIndex(tmp_path / "index.sqlite3")
        yield found
        found.close()
        return
    request.getfixturevalue("aws_env")
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        table_from_template(client, "swanilai-desk-index")
        yield DynamoIndex("swanilai-desk-index", client=client)


def names(page) -> list[str]:
    return [e.name for e in page.items]


def test_an_entry_reads_back_as_written(index):
    written = entry(1, notes="Catatan\nbaris dua", revises="x")
    assert index.upsert(written) is True
    assert index.get(written.submission_id) == written
    assert index.get("00000000-0000-4000-8000-999999999999") is None


def test_pages_are_newest_first_and_follow_each_other(index):
    for n in range(25):
        index.upsert(entry(n))
    first = index.query(Query(limit=10))
    assert names(first) == [f"Asesi {n}" for n in range(24, 14, -1)]
    second = index.query(Query(limit=10, after=decode_cursor(first.next_cursor)))
    third = index.query(Query(limit=10, after=decode_cursor(second.next_cursor)))
    assert names(second) + names(third) == [f"Asesi {n}" for n in range(14, -1, -1)]
    assert third.next_cursor is None


def test_filters_and_search(index):
    for n in range(30):
        index.upsert(entry(n, state="lanjut" if n % 3 == 0 else "belum"))
    index.upsert(entry(99, name="Dédé", name_folded="dede"))
    assert names(index.query(Query(scheme="skema-a", state="lanjut"))) == [f"Asesi {n}" for n in (27, 21, 15, 9, 3)]
    window = Query(received_from="2026-11-01T05:00:00.000Z", received_before="2026-11-01T08:00:00.000Z")
    assert names(index.query(window)) == ["Asesi 7", "Asesi 6", "Asesi 5"]
    assert names(index.query(Query(name="asesi 2"))) == [
        f"Asesi {n}" for n in (29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 2)
    ]
    assert names(index.query(Query(name="zzz", id_prefix="00000000-0000-4000-8000-00000000002"))) == [
        f"Asesi {n}" for n in (29, 28, 27, 26, 25, 24, 23, 22, 21, 20)
    ]
    assert names(index.query(Query(name="dede"))) == ["Dédé"]


def test_a_filtered_page_fills_up_across_the_backends_own_pages(index):
    # Few matches spread among many rows: a page still holds `limit` of them, and paging stays exact.
    for n in range(300):
        index.upsert(entry(n, state="perbaikan" if n % 50 == 0 else "belum"))
    found = list(iter_pages(index, Query(state="perbaikan", limit=2), 100))
    assert [e.name for e in found] == [f"Asesi {n}" for n in (250, 200, 150, 100, 50, 0)]


def test_an_entry_never_goes_back_to_an_older_view(index):
    reviewed = entry(1, state="lanjut", review_count=2, revised_by="r")
    index.upsert(reviewed)
    assert index.upsert(entry(1)) is False  # fewer reviews, not revised: an older view of the store
    assert index.upsert(entry(1, review_count=2)) is False  # as many reviews, but not yet revised
    assert index.get(reviewed.submission_id) == reviewed
    newer = entry(1, state="tidak_lanjut", review_count=3, revised_by="r")
    assert index.upsert(newer) is True and index.get(newer.submission_id) == newer
    assert index.upsert(entry(1), force=True) is True  # a rebuild states what the store holds now
    assert index.get(newer.submission_id).review_count == 0


def test_delete_ids_and_meta(index):
    for n in range(3):
        index.upsert(entry(n))
    index.delete(entry(1).submission_id)
    assert index.all_ids() == {entry(0).submission_id, entry(2).submission_id}
    assert index.known_ids([entry(n).submission_id for n in range(3)]) == {
        entry(0).submission_id,
        entry(2).submission_id,
    }
    assert (index.meta().updated_at, index.meta().rebuilt_at) == (None, None)
    index.mark("2026-11-30T00:00:00.000Z")
    index.mark("2026-12-01T00:00:00.000Z", rebuilt=True)
    assert (index.meta().updated_at, index.meta().rebuilt_at) == ("2026-12-01T00:00:00.000Z",) * 2


def test_a_cursor_is_opaque_and_checked():
    made = encode_cursor(entry(7))
    assert decode_cursor(made) == (entry(7).received_at, entry(7).submission_id)
    for bad in ("", "!!!", "YQ", encode_cursor(entry(7))[:-4]):
        assert decode_cursor(bad) is None


def test_the_template_table_is_on_demand_encrypted_and_recoverable():
    spec = load_template(INFRA_DIR / "template.yaml")["Resources"]["DeskIndexTable"]["Properties"]
    assert spec["BillingMode"] == "PAY_PER_REQUEST"
    assert spec["SSESpecification"] == {"SSEEnabled": True}
    assert spec["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert [i["IndexName"] for i in spec["GlobalSecondaryIndexes"]] == ["newest", "by_scheme"]


def test_a_rare_match_is_found_in_few_dynamodb_reads(aws_env):
    # Each further read doubles (200, 400, 800, ...): 3,000 entries with one match at the far end
    # take 5 calls, not the 15 a fixed 200 would.
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-3")
        table_from_template(client, "swanilai-desk-index")
        index = DynamoIndex("swanilai-desk-index", client=client)
        for n in range(3000):
            index.upsert(entry(n, name_folded="kusumawardhani" if n == 0 else f"asesi {n}"))
        calls = []
        client.meta.events.register(
            "provide-client-params.dynamodb.Query", lambda params, **_: calls.append(params["Limit"])
        )
        page = index.query(Query(name="kusumawardhani", limit=50))
    assert [e.submission_id for e in page.items] == [entry(0).submission_id]
    assert calls == [200, 400, 800, 1600, 3200]
