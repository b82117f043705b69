"""Opening one submission: the stored record, its whole review history, its revisions, and whether it still matches the receipt."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from support.assessor import EVIL_EVIDENCE
from support.desk import ASSESSOR
from support.records import RECEIVED, make_record, record_key, store_record, store_review

from handler import indexer

OPEN = "GET /desk/submissions/{submission_id}"
FORM = "GET /desk/submissions/{submission_id}/form"


def opened(local, submission_id: str):
    return local.call(OPEN, parameters={"submission_id": submission_id})


def store_v1_review(store, record, moment) -> str:
    """A review as Swanilai wrote them before reviews version 2: `recommendation`, no signature."""
    key = f"reviews/{record['scheme']['id']}/{record['submission_id']}/{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z.json"
    body = {
        "record_version": 1,
        "submission_id": record["submission_id"],
        "scheme_id": record["scheme"]["id"],
        "reviewed_at": f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z",
        "assessor": {"name": "Asesor Lama", "registration": "MET.1"},
        "recommendation": "lanjut",
        "notes": None,
    }
    store.create(key, json.dumps(body).encode())
    return key


def test_a_submission_opens_with_its_record_history_and_verification(filled):
    record = filled.records[0]
    first = store_v1_review(filled.store, record, RECEIVED + timedelta(days=4))
    second = store_review(
        filled.store,
        record,
        recommendation="tidak_lanjut",
        name="Asesor Dua",
        reviewed_at=RECEIVED + timedelta(days=5),
        seen_latest=first,
    )
    answer = opened(filled, record["submission_id"])
    assert answer.status == 200
    body = answer.json
    assert body["record"] == record
    assert [review["key"] for review in body["reviews"]] == [first, second]
    assert body["reviews"][0]["record_version"] == 1 and body["reviews"][0]["outcome"] == "lanjut"  # v1 read as outcome
    assert body["current_review"]["key"] == second
    stored = filled.store.get(record_key(record))
    assert body["verification"] == {
        "sha256": hashlib.sha256(stored).hexdigest(),
        "receipt_sha256": hashlib.sha256(stored).hexdigest(),
        "matches_receipt": True,
    }
    assert body["chain"] == [
        {"submission_id": record["submission_id"], "received_at": "2026-11-23T23:15:02.123Z", "current": True}
    ]
    assert body["concurrent_reviews"] is False


def test_a_record_changed_after_its_receipt_no_longer_matches_it(filled):
    record = filled.records[1]
    path = filled.store.root / record_key(record)
    path.write_bytes(path.read_bytes().replace(b"Laporan proyek", b"Laporan palsu!"))
    verification = opened(filled, record["submission_id"]).json["verification"]
    assert verification["matches_receipt"] is False
    assert verification["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() != verification["receipt_sha256"]


def test_revisions_form_a_chain_with_the_latest_current(local, seed, clock):
    first = make_record(seed, name="Rina", received_at=RECEIVED)
    second = {**make_record(seed, name="Rina", received_at=RECEIVED + timedelta(days=1))}
    second["revises"] = {"submission_id": first["submission_id"]}
    third = {**make_record(seed, name="Rina", received_at=RECEIVED + timedelta(days=2))}
    third["revises"] = {"submission_id": second["submission_id"]}
    for record in (first, second, third):
        store_record(local.store, record)
    indexer.reindex(local.store, local.index, clock())
    expected = [(r["submission_id"], r is third) for r in (first, second, third)]
    for record in (first, second, third):
        chain = opened(local, record["submission_id"]).json["chain"]
        assert [(link["submission_id"], link["current"]) for link in chain] == expected
    listed = local.call("GET /desk/submissions").json["items"]
    assert [(i["revises"], i["revised_by"]) for i in listed] == [
        (second["submission_id"], None),
        (first["submission_id"], third["submission_id"]),
        (None, second["submission_id"]),
    ]


def test_a_submission_the_index_has_not_seen_yet_opens_and_is_indexed(local, seed):
    record = make_record(seed, name="Baru Saja")
    store_record(local.store, record)
    assert local.index.get(record["submission_id"]) is None
    assert opened(local, record["submission_id"]).status == 200
    assert local.index.get(record["submission_id"]).name == "Baru Saja"


def test_unknown_and_malformed_ids_are_404(filled):
    for given in ("0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69", "../../etc/passwd", "x" * 300):
        answer = opened(filled, given)
        assert (answer.status, answer.json["error"]) == (404, "submission_not_found")
        assert answer.json["message"] == (
            "Pengajuan ini tidak kami temukan. Mungkin baru saja diterima atau sudah dihapus; "
            "kembali ke daftar dan muat ulang."
        )


def test_an_unreadable_record_is_422_naming_the_request(filled):
    record = filled.records[0]
    (filled.store.root / record_key(record)).write_bytes(b'{"record_version": 1, "trunc')
    answer = opened(filled, record["submission_id"])
    assert (answer.status, answer.json["error"]) == (422, "record_unreadable")
    assert answer.json["message"].endswith("Beri tahu admin LSP dan sebutkan kode req-desk-1.")


def test_the_form_is_the_renderers_page_linking_the_sites_stylesheet(local, seed, clock):
    record = make_record(
        seed, name="<b>Siti</b>", evidence=lambda index, key, verdict: EVIL_EVIDENCE if index == 0 else "Laporan"
    )
    store_record(local.store, record)
    answer = local.call(FORM, parameters={"submission_id": record["submission_id"]})
    assert answer.status == 200
    page = answer.text
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    assert '<link rel="stylesheet" href="/assets/apl02.css">' in page
    assert "<style" not in page and " style=" not in page  # the site's CSP allows no inline style
    assert "<script" not in page and "&lt;script&gt;" in page
    assert '<span class="candidate-name">&lt;b&gt;Siti&lt;/b&gt;</span>' in page
    stored = hashlib.sha256(local.store.get(record_key(record))).hexdigest()
    code = " ".join(stored[i : i + 8] for i in range(0, 64, 8))
    assert f'<code>{code}</code> · <span class="match">cocok dengan tanda terima asesi</span>' in page
    assert re.search(r'<article class="apl02" data-submission-id="[0-9a-f-]{36}">', page)
    assert answer.headers["content-security-policy"] == "default-src 'none'; img-src data:; style-src 'self'"


def test_the_form_shows_the_counting_review_with_its_outcome_notes_and_signature(filled, seed):
    record = filled.records[0]
    from support.records import png_data_url

    answer = filled.call(
        "POST /desk/submissions/{submission_id}/reviews",
        parameters={"submission_id": record["submission_id"]},
        body={
            "outcome": "perbaikan",
            "notes": "Lengkapi bukti <unit 2>",
            "element_notes": {seed.element_keys()[1]: "Sebutkan tahun laporan"},
            "signature": png_data_url(),
            "seen_latest": None,
        },
        caller=ASSESSOR,
    )
    assert answer.status == 201
    page = filled.call(FORM, parameters={"submission_id": record["submission_id"]}).text
    assert 'data-outcome="perbaikan"' in page
    assert "<s>Asesmen dapat dilanjutkan</s>/\n      <s>tidak dapat dilanjutkan</s>" in page
    assert '<strong class="outcome-perbaikan">Perlu perbaikan</strong>' in page
    assert '<span class="review-notes">Lengkapi bukti &lt;unit 2&gt;</span>' in page
    assert "<strong>Unit 1, elemen 2:</strong> Sebutkan tahun laporan" in page
    assert re.search(
        r'<img class="assessor-signature" src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Tanda tangan Andriansyah Bachtillah">',
        page,
    )
    assert '<span class="assessor-reg">MET.000.001234 2020</span>' in page
