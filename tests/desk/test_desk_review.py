"""Reviews from the desk: three outcomes, notes, a drawn signature, the account's name; append-only; two at once both kept."""

from __future__ import annotations

import json

import pytest
from support.desk import ADMIN, ASSESSOR, claims
from support.records import png_data_url

from swanilai.testing import png

REVIEW = "POST /desk/submissions/{submission_id}/reviews"


def post(local, submission_id: str, body, caller=ASSESSOR, **options):
    return local.call(REVIEW, parameters={"submission_id": submission_id}, body=body, caller=caller, **options)


def good(**change) -> dict:
    return {
        "outcome": "lanjut",
        "notes": None,
        "element_notes": {},
        "signature": png_data_url(),
        "seen_latest": None,
        **change,
    }


@pytest.mark.parametrize("outcome", ["lanjut", "tidak_lanjut", "perbaikan"])
def test_each_outcome_is_stored_as_a_version_2_review_signed_by_the_account(filled, clock, outcome):
    record = filled.records[0]
    answer = post(filled, record["submission_id"], good(outcome=outcome, notes="Catatan untuk asesi"))
    assert answer.status == 201
    key = f"reviews/konsultasi-manajemen-pemasaran/{record['submission_id']}/20261201T030405.678Z.json"
    stored = json.loads(filled.store.get(key))
    assert stored == {
        "record_version": 2,
        "submission_id": record["submission_id"],
        "scheme_id": "konsultasi-manajemen-pemasaran",
        "reviewed_at": "2026-12-01T03:04:05.678Z",
        "assessor": {"sub": ASSESSOR["sub"], "name": "Andriansyah Bachtillah", "registration": "MET.000.001234 2020"},
        "outcome": outcome,
        "notes": "Catatan untuk asesi",
        "element_notes": {},
        "signature": {"kind": "drawn", "data_url": png_data_url()},
        "seen_latest": None,
    }
    assert answer.json == {**stored, "key": key, "concurrent_reviews": False}
    [entry] = [
        i for i in filled.call("GET /desk/submissions").json["items"] if i["submission_id"] == record["submission_id"]
    ]
    assert (entry["state"], entry["reviewer"], entry["review_count"]) == (outcome, "Andriansyah Bachtillah", 1)


def test_name_and_registration_come_from_the_account_never_the_body(filled):
    record = filled.records[0]
    answer = post(filled, record["submission_id"], {**good(), "assessor": {"name": "Orang Lain"}})
    assert answer.status == 400 and answer.json["fields"] == {
        "assessor": "Kolom ini tidak dikenal. Muat ulang halaman, lalu coba lagi."
    }


def test_element_notes_are_kept_by_element_key(filled, seed):
    record = filled.records[0]
    keys = seed.element_keys()
    answer = post(
        filled,
        record["submission_id"],
        good(outcome="perbaikan", notes="Lengkapi", element_notes={keys[0]: " Tahun? ", keys[1]: ""}),
    )
    assert answer.json["element_notes"] == {keys[0]: "Tahun?"}  # trimmed; an empty note is no note


def too_wide() -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png(2001, 4)).decode()


REVIEW_PROBLEMS = [
    (
        "no-outcome",
        {"outcome": None},
        {
            "outcome": "Pilih Keputusan: Asesmen dapat dilanjutkan, Asesmen tidak dapat dilanjutkan, atau Perlu perbaikan."
        },
    ),
    (
        "unknown-outcome",
        {"outcome": "diterima"},
        {
            "outcome": "Pilih Keputusan: Asesmen dapat dilanjutkan, Asesmen tidak dapat dilanjutkan, atau Perlu perbaikan."
        },
    ),
    (
        "perbaikan-without-notes",
        {"outcome": "perbaikan", "notes": "  "},
        {"notes": "Catatan wajib diisi untuk \u201cPerlu perbaikan\u201d: tuliskan apa yang perlu diperbaiki asesi."},
    ),
    (
        "oversized-note",
        {"notes": "x" * 2001},
        {"notes": "Catatan terlalu panjang: paling banyak 2.000 karakter (sekarang 2.001). Persingkat isian ini."},
    ),
    (
        "control-character-in-note",
        {"notes": "Lengkapi\x07 bukti"},
        {
            "notes": "Catatan memuat karakter tersembunyi yang tidak dapat diterima (U+0007, karakter ke-9). Hapus karakter itu, misalnya dengan mengetik ulang bagian tersebut tanpa salin-tempel."
        },
    ),
    ("note-not-text", {"notes": ["a"]}, {"notes": "Catatan tidak terbaca; isi kembali dengan teks."}),
    (
        "element-notes-not-object",
        {"element_notes": ["a"]},
        {"element_notes": "Catatan per elemen tidak terbaca. Muat ulang halaman, lalu coba lagi."},
    ),
    (
        "element-note-of-no-element",
        {"element_notes": {"X.1/9": "?"}},
        {"element_notes[X.1/9]": "Elemen ini tidak ada dalam skema pengajuan ini. Muat ulang halaman, lalu coba lagi."},
    ),
    (
        "oversized-element-note",
        {"element_notes": {"M.70MKT00.019.2/1": "y" * 1001}},
        {
            "element_notes[M.70MKT00.019.2/1]": "Catatan untuk elemen M.70MKT00.019.2/1 terlalu panjang: paling banyak 1.000 karakter (sekarang 1.001). Persingkat isian ini."
        },
    ),
    (
        "no-signature",
        {"signature": None},
        {"signature": "Tanda tangan Asesor wajib diisi: tanda tangani kotak tanda tangan."},
    ),
    (
        "typed-signature",
        {"signature": "Andri"},
        {
            "signature": "Tanda tangan Asesor harus berupa gambar dari kotak tanda tangan. Hapus, lalu tanda tangani lagi."
        },
    ),
    (
        "broken-png",
        {"signature": "data:image/png;base64,AAAA"},
        {"signature": "Gambar Tanda tangan Asesor tidak terbaca. Hapus, lalu tanda tangani lagi."},
    ),
    (
        "too-wide-png",
        {"signature": too_wide()},
        {
            "signature": "Gambar Tanda tangan Asesor terlalu besar (paling besar 200 KB atau 2.000 \u00d7 1.000 piksel). Hapus, lalu tanda tangani lagi dengan lebih sederhana."
        },
    ),
    (
        "seen-another-submission",
        {"seen_latest": "reviews/lain/x/20261201T000000.000Z.json"},
        {"seen_latest": "Tinjauan terakhir yang Anda lihat tidak dikenali. Muat ulang halaman, lalu coba lagi."},
    ),
]


@pytest.mark.parametrize("change, fields", [c[1:] for c in REVIEW_PROBLEMS], ids=[c[0] for c in REVIEW_PROBLEMS])
def test_a_bad_review_is_refused_by_field_and_nothing_is_stored(filled, change, fields):
    record = filled.records[0]
    answer = post(filled, record["submission_id"], good(**change))
    assert (answer.status, answer.json["error"], answer.json["fields"]) == (400, "invalid_request", fields)
    assert list(filled.store.list("reviews/")) == []


@pytest.mark.parametrize(
    "body, headers, status, error",
    [
        ("{not json", {}, 400, "invalid_json"),
        ("[1, 2]", {}, 400, "invalid_json"),
        ("{}", {"content-type": "text/plain"}, 415, "unsupported_media_type"),
        ('{"notes": "' + "x" * 600_000 + '"}', {}, 413, "payload_too_large"),
    ],
    ids=["not-json", "not-an-object", "not-json-media-type", "over-512-kb"],
)
def test_a_body_that_is_no_json_object_is_refused(filled, body, headers, status, error):
    answer = post(filled, filled.records[0]["submission_id"], body, headers=headers)
    assert (answer.status, answer.json["error"]) == (status, error)


def test_a_review_of_a_submission_that_does_not_exist_is_404(filled):
    answer = post(filled, "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69", good())
    assert (answer.status, answer.json["error"]) == (404, "submission_not_found")
    assert list(filled.store.list("reviews/")) == []


def test_an_account_without_a_registration_number_cannot_sign(filled):
    answer = post(filled, filled.records[0]["submission_id"], good(), caller=claims(registration=""))
    assert (answer.status, answer.json["error"]) == (403, "account_incomplete")
    assert answer.json["message"] == (
        "Akun Anda belum lengkap: No. Reg. belum tercatat. Minta admin LSP melengkapinya, lalu masuk kembali."
    )


def test_two_assessors_at_once_both_keep_their_review_and_the_desk_is_told(filled, clock):
    sid = filled.records[0]["submission_id"]
    first = post(filled, sid, good(outcome="lanjut"))  # both opened the submission before either reviewed
    clock.advance(seconds=3)
    second = post(filled, sid, good(outcome="tidak_lanjut", notes="Bukti kurang"), caller=ADMIN)
    assert (first.json["concurrent_reviews"], second.json["concurrent_reviews"]) == (False, True)
    opened = filled.call("GET /desk/submissions/{submission_id}", parameters={"submission_id": sid}).json
    assert [r["outcome"] for r in opened["reviews"]] == ["lanjut", "tidak_lanjut"]
    assert opened["current_review"]["assessor"]["name"] == "Admin LSP"
    assert opened["concurrent_reviews"] is True
    clock.advance(seconds=3)
    third = post(filled, sid, good(outcome="lanjut", seen_latest=second.json["key"]))
    assert third.json["concurrent_reviews"] is False


def test_reviews_in_the_same_millisecond_take_the_next_free_one(filled):
    sid = filled.records[0]["submission_id"]
    keys = [post(filled, sid, good(seen_latest=None)).json["key"] for _ in range(3)]
    assert [key.rsplit("/", 1)[1] for key in keys] == [
        "20261201T030405.678Z.json",
        "20261201T030405.679Z.json",
        "20261201T030405.680Z.json",
    ]
