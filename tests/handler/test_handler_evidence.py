"""Evidence files at filing: each upload checked where it is, then copied create-only, all or nothing."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from support.api import configure_api
from support.handler import full_payload, png

from handler import app, fields
from handler.store import EVIDENCE, INCOMING, LocalStore, S3Store, incoming_key
from swanilai.testing import listed_file

SEED = "konsultasi-manajemen-pemasaran"
ID = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
E1, E2 = "M.70MKT00.019.2/1", "M.70MKT00.019.2/2"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PHOTO = b"\xff\xd8\xff\xe0" + b"JFIF" + bytes(range(200)) * 20
IMAGE = png(64, 32)


def upload(store, data: bytes, submission_id: str = ID) -> str:
    key = incoming_key(submission_id, hashlib.sha256(data).hexdigest())
    store.create(key, data)
    return key


@pytest.fixture(params=["local", "s3"])
def filing_api(request, tmp_path, catalog_dir, clock):
    if request.param == "local":
        store = LocalStore(tmp_path / "var")
    else:
        s3, bucket = request.getfixturevalue("s3"), request.getfixturevalue("bucket")
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        store = S3Store(bucket, denied_means_missing=True)
    yield configure_api(store, catalog_dir, clock)
    app.configure(None)


def record_of(api) -> dict:
    (key,) = [k for k in api.keys() if k.startswith("submissions/") and k.endswith(".json")]
    return json.loads(api.store.get(key))


def test_listed_files_are_copied_to_evidence_and_named_in_the_record(filing_api, seed):
    api = filing_api
    upload(api.store, PDF)
    upload(api.store, PHOTO)
    payload = full_payload(seed)
    payload["answers"][E1]["files"] = [listed_file(PDF, "sertifikat.pdf", "application/pdf")]
    payload["answers"][E2]["files"] = [
        listed_file(PHOTO, "foto kerja.jpg", "image/jpeg"),
        listed_file(PDF, "sertifikat.pdf", "application/pdf"),
    ]
    assert api.post(payload).status == 201
    pdf_key = f"{EVIDENCE}/{SEED}/{ID}/{hashlib.sha256(PDF).hexdigest()}.pdf"
    photo_key = f"{EVIDENCE}/{SEED}/{ID}/{hashlib.sha256(PHOTO).hexdigest()}.jpg"
    assert sorted(k for k in api.keys() if k.startswith(EVIDENCE)) == sorted([pdf_key, photo_key])
    assert (api.store.get(pdf_key), api.store.get(photo_key)) == (PDF, PHOTO)
    record = record_of(api)
    assert record["answers"][E1]["files"] == [{**listed_file(PDF, "sertifikat.pdf", "application/pdf"), "key": pdf_key}]
    assert [f["key"] for f in record["answers"][E2]["files"]] == [photo_key, pdf_key]


def test_k_with_a_file_and_no_evidence_text_is_accepted(filing_api, seed):
    upload(filing_api.store, PDF)
    payload = full_payload(seed)
    payload["answers"][E1] = {"verdict": "K", "evidence": "", "files": [listed_file(PDF, "a.pdf", "application/pdf")]}
    assert filing_api.post(payload).status == 201


def _bad_upload(case: str, store) -> dict:
    """Upload what the case needs; return the file as the payload lists it."""
    if case == "never-uploaded":
        return listed_file(PDF, "laporan.pdf", "application/pdf")
    if case == "other-size":
        declared = listed_file(PDF + b"x", "laporan.pdf", "application/pdf")
        store.create(incoming_key(ID, declared["sha256"]), PDF)
        return declared
    if case == "tampered":
        declared = listed_file(PDF, "laporan.pdf", "application/pdf")
        store.create(incoming_key(ID, declared["sha256"]), PDF[:-1] + b"X")
        return declared
    if case == "png-behind-a-pdf-name":
        upload(store, IMAGE)
        return listed_file(IMAGE, "laporan.pdf", "application/pdf")
    if case == "uploaded-for-another-submission":
        upload(store, PDF, "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
        return listed_file(PDF, "laporan.pdf", "application/pdf")
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case, rule",
    [
        ("never-uploaded", "file.missing"),
        ("uploaded-for-another-submission", "file.missing"),
        ("other-size", "file.size_mismatch"),
        ("tampered", "file.checksum_mismatch"),
        ("png-behind-a-pdf-name", "file.wrong_type"),
    ],
)
def test_a_bad_file_is_a_400_naming_element_and_file_and_nothing_is_filed(filing_api, seed, case, rule):
    api = filing_api
    upload(api.store, PHOTO)  # a good file beside the bad one: not copied either
    payload = full_payload(seed)
    payload["answers"][E1]["files"] = [listed_file(PHOTO, "foto.jpg", "image/jpeg"), _bad_upload(case, api.store)]
    before = api.keys()
    result = api.post(payload)
    assert (result.status, result.json["error"]) == (400, "invalid_submission")
    assert result.fields == {
        f"answers[{E1}].files[1]": fields.message(rule, element="Unit 1, elemen 1", name="laporan.pdf", kind="PDF")
    }
    assert api.keys() == before  # no marker, no record, no evidence


def test_the_messages_name_the_element_and_the_file():
    assert fields.message("file.wrong_type", element="Unit 1, elemen 1", name="laporan.pdf", kind="PDF") == (
        "Unit 1, elemen 1: berkas \u201claporan.pdf\u201d bukan berkas PDF seperti yang tertulis pada namanya. "
        "Lampirkan berkas PDF yang asli, misalnya dengan menyimpan ulang atau memindai ulang dokumennya."
    )


def test_a_retry_after_the_upload_expired_finds_the_evidence_filed(filing_api, seed, clock):
    api = filing_api
    key = upload(api.store, PDF)
    payload = full_payload(seed)
    payload["answers"][E1]["files"] = [listed_file(PDF, "a.pdf", "application/pdf")]
    first = api.post(payload)
    api.store.delete_versions(list(api.store.versions(key)))  # incoming/ expires after 2 days
    clock.advance(days=3)
    again = api.post(payload)
    assert (first.status, again.status, again.json) == (201, 200, first.json)


def test_s3_checksum_of_the_upload_spares_reading_it(s3, bucket, catalog_dir, clock, seed, monkeypatch):
    # An upload that carried x-amz-checksum-sha256 is verified by S3; HEAD reports it, nothing is read.
    store = S3Store(bucket, denied_means_missing=True)
    api = configure_api(store, catalog_dir, clock)
    try:
        sha = hashlib.sha256(PDF).digest()
        s3.put_object(
            Bucket=bucket,
            Key=incoming_key(ID, sha.hex()),
            Body=PDF,
            ChecksumAlgorithm="SHA256",
            ChecksumSHA256=base64.b64encode(sha).decode(),
        )
        assert store.head(incoming_key(ID, sha.hex())).sha256 == sha.hex()
        monkeypatch.setattr(S3Store, "digest", lambda self, key: pytest.fail("read the upload S3 had verified"))
        payload = full_payload(seed)
        payload["answers"][E1]["files"] = [listed_file(PDF, "a.pdf", "application/pdf")]
        assert api.post(payload).status == 201
    finally:
        app.configure(None)


def test_the_copy_is_create_only_and_conditioned_on_the_version_checked(s3, bucket, catalog_dir, clock, seed):
    # Between the check and the copy someone could post other bytes under the same key (the ticket
    # is valid 15 minutes): the copy names the checked ETag, so S3 refuses to copy anything else.
    # moto does not enforce CopySourceIfMatch, so the request itself is what is checked here.
    store = S3Store(bucket, denied_means_missing=True)
    api = configure_api(store, catalog_dir, clock)
    copies = []
    store.client.meta.events.register("before-call.s3.CopyObject", lambda params, **_: copies.append(params))
    try:
        key = upload(store, PDF)
        etag = s3.head_object(Bucket=bucket, Key=key)["ETag"]
        payload = full_payload(seed)
        payload["answers"][E1]["files"] = [listed_file(PDF, "a.pdf", "application/pdf")]
        assert api.post(payload).status == 201
        (copy,) = copies
        headers = copy["headers"]
        assert (headers["x-amz-copy-source-if-match"], headers["If-None-Match"]) == (etag, "*")
        assert headers["x-amz-server-side-encryption"] == "AES256"
    finally:
        app.configure(None)


def test_an_upload_replaced_after_its_check_is_refused_as_tampered(filing_api, seed, monkeypatch):
    from handler.store import SourceChanged

    def replaced(self, source, key, if_match=None):
        raise SourceChanged(source)

    monkeypatch.setattr(type(filing_api.store), "copy", replaced)
    upload(filing_api.store, PDF)
    payload = full_payload(seed)
    payload["answers"][E1]["files"] = [listed_file(PDF, "a.pdf", "application/pdf")]
    result = filing_api.post(payload)
    assert result.fields == {
        f"answers[{E1}].files[0]": fields.message(
            "file.checksum_mismatch", element="Unit 1, elemen 1", name="a.pdf", kind="PDF"
        )
    }
    assert not [k for k in filing_api.keys() if k.startswith(("submissions/", EVIDENCE))]


def test_incoming_stays_for_the_lifecycle_rule(filing_api, seed):
    key = upload(filing_api.store, PDF)
    payload = full_payload(seed)
    payload["answers"][E1]["files"] = [listed_file(PDF, "a.pdf", "application/pdf")]
    assert filing_api.post(payload).status == 201
    assert key.startswith(INCOMING) and filing_api.store.get(key) == PDF
