"""Erasure on request (POST /desk/erasures): the whole chain, every version, the index, a log without personal data."""

from __future__ import annotations

import json

import pytest
from support.desk import ADMIN, ASSESSOR
from support.privacy import FIRST, OTHER, SECOND, all_versions, signature_bytes

from handler import deskrules
from handler.store import ERASURES

ERASED_COUNTS = {
    # FIRST: record, by-id marker, revised-by marker, review, evidence, upload;
    # SECOND: record, by-id marker, evidence, upload.
    "objects": 10,
    "reviews": 1,
    "files": 4,
    "index_entries": 2,
}


def chain_keys(keys) -> list[str]:
    return [key for key in keys if FIRST in key or SECOND in key]


def make_noncurrent_versions(chain) -> None:
    """A plain delete and an overwrite, as a careless `aws s3` would leave them: old versions behind."""
    s3, bucket = chain.s3, chain.bucket
    review = next(k for k, _ in all_versions(s3, bucket) if k.startswith("reviews/") and FIRST in k)
    s3.delete_object(Bucket=bucket, Key=review)  # a delete marker over the review
    upload = next(k for k, _ in all_versions(s3, bucket) if k.startswith(f"incoming/{SECOND}/"))
    s3.put_object(Bucket=bucket, Key=upload, Body=b"%PDF-1.7\nagain")  # two versions of the upload


def test_after_erasure_no_version_of_any_object_of_the_chain_remains_on_versioned_s3(s3_chain):
    chain = s3_chain
    make_noncurrent_versions(chain)
    before = all_versions(chain.s3, chain.bucket)
    others = [(k, v) for k, v in before if k not in chain_keys(k for k, _ in before)]
    status, body = chain.erase({"submission_id": SECOND, "reason": "permintaan_subjek"})
    assert status == 200
    assert body["erased"] == {
        "submission_ids": [SECOND, FIRST],
        **ERASED_COUNTS,
        "versions": len(chain_keys(k for k, _ in before)),
    }
    assert body["erased"]["versions"] == 12  # ten objects, a delete marker and an overwritten upload
    after = all_versions(chain.s3, chain.bucket)
    assert chain_keys(k for k, _ in after) == []
    (log_key,) = [k for k, _ in after if k.startswith(f"{ERASURES}/")]
    assert log_key == f"{ERASURES}/2026/11/{body['erasure_id']}.json"
    assert [item for item in after if item[0] != log_key] == others  # OTHER's objects untouched
    assert (chain.index.get(FIRST), chain.index.get(SECOND)) == (None, None)
    assert chain.index.get(OTHER) is not None


def test_the_erasure_log_holds_ids_time_admin_and_reason_and_no_personal_data(s3_chain):
    chain = s3_chain
    status, body = chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})
    assert status == 200
    (log_key,) = [k for k, _ in all_versions(chain.s3, chain.bucket) if k.startswith(f"{ERASURES}/")]
    raw = chain.s3.get_object(Bucket=chain.bucket, Key=log_key)["Body"].read()
    assert json.loads(raw) == {
        "erasure_version": 1,
        "erasure_id": body["erasure_id"],
        "erased_at": "2026-11-23T23:30:02.123Z",
        "admin": {"sub": ADMIN["sub"]},
        "reason": "permintaan_subjek",
        "scheme_id": "konsultasi-manajemen-pemasaran",
        "submission_ids": [FIRST, SECOND],
        "counts": {**ERASED_COUNTS, "versions": 10},
    }
    text = raw.decode("utf-8")
    for personal in chain.personal_data():
        assert personal not in text
    for payload in chain.payloads.values():
        assert signature_bytes(payload) not in raw


def test_erasure_is_idempotent_a_second_call_erases_nothing_and_names_the_first(s3_chain):
    chain = s3_chain
    first = chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})
    left = all_versions(chain.s3, chain.bucket)
    again = chain.erase({"submission_id": SECOND, "reason": "permintaan_subjek"})
    assert again == (
        200,
        {
            "erasure_id": first[1]["erasure_id"],
            "erased": {
                "submission_ids": [],
                "objects": 0,
                "versions": 0,
                "reviews": 0,
                "files": 0,
                "index_entries": 0,
            },
        },
    )
    assert all_versions(chain.s3, chain.bucket) == left  # no second log entry either


def test_an_id_never_received_and_never_erased_is_a_404_in_indonesian(s3_chain):
    status, body = s3_chain.erase({"submission_id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "reason": "lainnya"})
    assert (status, body["error"], body["message"]) == (
        404,
        "erasure_not_found",
        "Tidak ada data dengan ID pengajuan ini, dan tidak ada catatan bahwa data ini pernah dihapus. "
        "Periksa kembali ID pengajuan pada permintaan asesi.",
    )


@pytest.mark.parametrize("caller", [ASSESSOR, None], ids=["asesor-token", "no-claims"])
def test_an_assessor_cannot_erase_and_nothing_is_deleted(s3_chain, caller):
    chain = s3_chain
    before = all_versions(chain.s3, chain.bucket)
    status, body = chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"}, caller=caller)
    assert (status, body["error"]) == ((403, "forbidden") if caller else (401, "unauthenticated"))
    assert all_versions(chain.s3, chain.bucket) == before
    assert chain.index.get(FIRST) is not None


ID_MESSAGE = deskrules.message("submission_id.invalid", label="ID pengajuan")
REASON_MESSAGE = "Alasan penghapusan hanya boleh permintaan_subjek, retensi, atau lainnya."


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"reason": "lainnya"}, {"submission_id": ID_MESSAGE}),
        ({"submission_id": FIRST[:8], "reason": "lainnya"}, {"submission_id": ID_MESSAGE}),
        ({"submission_id": 42, "reason": "lainnya"}, {"submission_id": ID_MESSAGE}),
        ({"submission_id": FIRST}, {"reason": REASON_MESSAGE}),
        ({"submission_id": FIRST, "reason": "bosan"}, {"reason": REASON_MESSAGE}),
        (
            {"submission_id": FIRST, "reason": "lainnya", "name": "Siti"},
            {"name": "Kolom ini tidak dikenal. Muat ulang halaman, lalu coba lagi."},
        ),
    ],
    ids=["no-id", "id-prefix", "id-not-text", "no-reason", "unknown-reason", "unknown-field"],
)
def test_a_bad_request_is_refused_by_field_and_nothing_is_deleted(local_chain, body, fields):
    before = sorted(o.key for o in local_chain.store.list(""))
    status, answer = local_chain.erase(body)
    assert (status, answer["error"], answer["fields"]) == (400, "invalid_request", fields)
    assert sorted(o.key for o in local_chain.store.list("")) == before


def test_the_id_message_says_what_to_copy():
    assert ID_MESSAGE == (
        "ID pengajuan tidak valid: salin ID lengkap (36 karakter, seperti 0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69) "
        "dari tanda terima atau dari daftar."
    )


def test_a_local_store_loses_every_file_and_folder_of_the_chain(local_chain):
    chain = local_chain
    root = chain.store.root
    status, body = chain.erase({"submission_id": FIRST, "reason": "retensi"})
    assert status == 200
    assert body["erased"] == {"submission_ids": [FIRST, SECOND], **ERASED_COUNTS, "versions": 10}
    left = [p.relative_to(root).as_posix() for p in root.rglob("*")]
    assert [path for path in left if FIRST in path or SECOND in path] == []
    assert any(OTHER in path for path in left)
    assert (chain.index.get(FIRST), chain.index.get(SECOND), chain.index.get(OTHER) is not None) == (None, None, True)


def test_an_erasure_cut_short_is_finished_by_the_next_one(local_chain, monkeypatch):
    from handler import erasure

    chain = local_chain
    real = chain.store.delete_versions
    calls = []

    def failing(versions):
        calls.append(len(versions))
        if len(calls) == 3:  # after uploads and evidence, before the reviews
            raise OSError("disk went away")
        real(versions)

    monkeypatch.setattr(chain.store, "delete_versions", failing)
    status, _ = chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})
    assert status == 500
    monkeypatch.setattr(chain.store, "delete_versions", real)
    status, body = chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})
    assert (status, body["erased"]["submission_ids"], body["erased"]["reviews"]) == (200, [FIRST, SECOND], 1)
    assert [o.key for o in chain.store.list("") if FIRST in o.key or SECOND in o.key] == []
    assert erasure.earlier_erasure(chain.store, FIRST).erasure_id == body["erasure_id"]
