"""The list: newest first from the index, keyset pages, filters by scheme, WIB days and state, search by name or id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from support.records import make_record, store_record

from handler import indexer
from handler.index import fold


def listed(local, **query) -> list[str]:
    answer = local.call("GET /desk/submissions", query={k: str(v) for k, v in query.items()})
    assert answer.status == 200, answer.json
    return [item["name"] for item in answer.json["items"]]


def test_the_list_is_newest_first_with_the_columns_of_the_desk(filled, seed):
    answer = filled.call("GET /desk/submissions")
    items = answer.json["items"]
    assert [item["name"] for item in items] == ["Dédé Kurniawati", "Budi Santoso", "Siti Rahayu"]
    newest = items[0]
    record = filled.records[2]
    assert newest["submission_id"] == record["submission_id"]
    assert (newest["scheme_id"], newest["scheme_number"]) == (seed.id, seed.number)
    assert (newest["received_at"], newest["received_day_wib"]) == ("2026-11-25T23:15:02.123Z", "2026-11-26")
    assert (newest["k"], newest["bk"], newest["state"], newest["review_count"]) == (26, 12, "belum", 0)
    assert answer.json["next_cursor"] is None


def test_pages_follow_each_other_without_gaps_or_repeats_even_when_a_newer_one_arrives(local, seed, clock):
    start = datetime(2026, 11, 1, tzinfo=UTC)
    records = [make_record(seed, name=f"Asesi {n:03d}", received_at=start + timedelta(minutes=n)) for n in range(120)]
    for record in records:
        store_record(local.store, record)
    indexer.reindex(local.store, local.index, clock())
    seen, cursor = [], None
    while True:
        query = {"limit": "50", **({"cursor": cursor} if cursor else {})}
        answer = local.call("GET /desk/submissions", query=query).json
        seen += [item["name"] for item in answer["items"]]
        cursor = answer["next_cursor"]
        if len(seen) == 50:  # a newer submission arrives between the first and the second page
            late = make_record(seed, name="Terlambat", received_at=start + timedelta(days=2))
            store_record(local.store, late)
            indexer.refresh(local.store, local.index, seed.id, late["submission_id"])
        if cursor is None:
            break
    assert seen == [f"Asesi {n:03d}" for n in reversed(range(120))]


@pytest.mark.parametrize(
    "received, day",
    [
        (datetime(2026, 11, 23, 16, 59, 59, 999000, tzinfo=UTC), "2026-11-23"),  # 23:59:59.999 WIB
        (datetime(2026, 11, 23, 17, 0, 0, 0, tzinfo=UTC), "2026-11-24"),  # 00:00 WIB
    ],
    ids=["last-millisecond-of-the-wib-day", "midnight-wib-is-17-00-utc"],
)
def test_days_are_wib_days(local, seed, clock, received, day):
    store_record(local.store, make_record(seed, name="Batas Hari", received_at=received))
    indexer.reindex(local.store, local.index, clock())
    assert listed(local, **{"from": day, "to": day}) == ["Batas Hari"]
    other = (datetime.fromisoformat(day) + timedelta(days=1 if day == "2026-11-23" else -1)).date().isoformat()
    assert listed(local, **{"from": other, "to": other}) == []


def test_filters_combine(filled, seed, small_schemes, clock):
    other = small_schemes["dua-unit"]
    store_record(filled.store, make_record(other, name="Siti Lain", received_at=datetime(2026, 11, 24, 2, tzinfo=UTC)))
    indexer.reindex(filled.store, filled.index, clock())
    assert listed(filled, scheme=other.id) == ["Siti Lain"]
    assert listed(filled, scheme=seed.id, q="siti") == ["Siti Rahayu"]
    assert listed(filled, **{"from": "2026-11-24", "to": "2026-11-25"}) == ["Budi Santoso", "Siti Lain", "Siti Rahayu"]
    assert listed(filled, state="belum", q="SITI") == ["Siti Lain", "Siti Rahayu"]
    assert listed(filled, state="lanjut") == []


@pytest.mark.parametrize(
    "q, names",
    [
        ("dede", ["Dédé Kurniawati"]),
        ("DÉDÉ", ["Dédé Kurniawati"]),
        ("kurniawati", ["Dédé Kurniawati"]),
        ("  rahayu ", ["Siti Rahayu"]),
        ("santoso budi", []),
        ("%", []),
        ("_", []),
    ],
    ids=[
        "plain",
        "upper-with-accents",
        "surname",
        "spaces-trimmed",
        "order-matters",
        "like-percent",
        "like-underscore",
    ],
)
def test_name_search_ignores_accents_and_case(filled, q, names):
    assert listed(filled, q=q) == names


def test_an_id_prefix_of_four_hex_digits_finds_the_submission(filled, seed, clock):
    record = make_record(seed, name="Nomor Dicari", submission_id="3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b")
    store_record(filled.store, record)
    indexer.reindex(filled.store, filled.index, clock())
    assert listed(filled, q="3F2A9C1E") == ["Nomor Dicari"]
    assert listed(filled, q="3f2a9c1e-7b4d") == ["Nomor Dicari"]
    assert listed(filled, q="3f2") == []  # too short to be an id, and no name holds it


def test_fold_drops_accents_and_case():
    assert fold("  Sítí  RAHAYU\u00a0Ñ ") == "siti rahayu n"


LIST_PROBLEMS = [
    ("unknown-parameter", {"sort": "name"}, {"sort": "Kolom ini tidak dikenal. Muat ulang halaman, lalu coba lagi."}),
    ("bad-day", {"from": "24-11-2026"}, {"from": "Dari tanggal harus berupa tanggal seperti 2026-11-24."}),
    ("impossible-day", {"to": "2026-02-30"}, {"to": "Sampai tanggal harus berupa tanggal seperti 2026-11-24."}),
    (
        "reversed-days",
        {"from": "2026-11-25", "to": "2026-11-24"},
        {"to": "Sampai tanggal tidak boleh lebih awal dari tanggal awal."},
    ),
    (
        "unknown-state",
        {"state": "diterima"},
        {"state": "Status tinjauan hanya boleh: belum, lanjut, tidak_lanjut, atau perbaikan."},
    ),
    ("bad-scheme", {"scheme": "A B"}, {"scheme": "Skema tidak valid. Muat ulang halaman, lalu coba lagi."}),
    ("long-search", {"q": "x" * 101}, {"q": "Pencarian terlalu panjang: paling banyak 100 karakter."}),
    (
        "bad-cursor",
        {"cursor": "bukan-kursor"},
        {"cursor": "Halaman berikutnya tidak valid. Muat ulang halaman, lalu coba lagi."},
    ),
    ("zero-limit", {"limit": "0"}, {"limit": "Jumlah per halaman harus bilangan 1 sampai 200."}),
    ("huge-limit", {"limit": "201"}, {"limit": "Jumlah per halaman harus bilangan 1 sampai 200."}),
    ("word-limit", {"limit": "semua"}, {"limit": "Jumlah per halaman harus bilangan 1 sampai 200."}),
]


@pytest.mark.parametrize("query, fields", [c[1:] for c in LIST_PROBLEMS], ids=[c[0] for c in LIST_PROBLEMS])
def test_a_bad_query_is_told_by_parameter(local, query, fields):
    answer = local.call("GET /desk/submissions", query=query)
    assert (answer.status, answer.json["error"], answer.json["fields"]) == (400, "invalid_request", fields)
    assert answer.json["message"] == "1 isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali."
