"""POST /uploads: a presigned POST for exactly one file, its policy document exact, its rules enforced locally.

moto does not enforce POST policies, so the S3 ticket's policy is decoded and compared whole; the
rules themselves are enforced by the local server (swanilai/localuploads.py), which is driven here
through HTTP, as the page drives it.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from support.api import Clock, configure_api
from support.handler import check_response, full_payload, in_process_server, png

from handler import app, fields
from handler.deskconfig import S3FileLinks
from handler.record import utc_timestamp
from handler.store import LocalStore, S3Store, incoming_key
from handler.upload import LOCAL_ALGORITHM, LocalUploads, S3Uploads, TicketRequest
from swanilai.testing import listed_file, ticket_request, upload_event

SEED = "konsultasi-manajemen-pemasaran"
ID = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 64 + b"%%EOF\n"
SECRET = b"k" * 32
NOW = datetime(2026, 11, 23, 23, 15, 2, 123000, tzinfo=UTC)


def b64sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


@pytest.fixture
def ticket_api(tmp_path, catalog_dir):
    api = configure_api(
        LocalStore(tmp_path / "var"),
        catalog_dir,
        Clock(NOW),
        uploads=LocalUploads("http://127.0.0.1:8000/api/local-uploads", SECRET),
    )
    yield api
    app.configure(None)


def decoded_policy(ticket: dict) -> dict:
    return json.loads(base64.b64decode(ticket["fields"]["policy"]))


def test_a_local_ticket_admits_exactly_one_file(ticket_api, seed):
    result = ticket_api.call(upload_event(ticket_request(seed, PDF, "application/pdf", "sertifikat.pdf")))
    assert result.status == 200
    ticket = result.json
    key = incoming_key(ID, hashlib.sha256(PDF).hexdigest())
    assert (ticket["url"], ticket["key"], ticket["expires_at"]) == (
        "http://127.0.0.1:8000/api/local-uploads",
        key,
        "2026-11-23T23:30:02.123Z",
    )
    assert decoded_policy(ticket) == {
        "expiration": "2026-11-23T23:30:02.123Z",
        "conditions": [
            {"key": key},
            {"Content-Type": "application/pdf"},
            ["content-length-range", len(PDF), len(PDF)],
            {"x-amz-server-side-encryption": "AES256"},
            {"x-amz-checksum-sha256": b64sha(PDF)},
            {"x-amz-algorithm": LOCAL_ALGORITHM},
        ],
    }
    assert set(ticket["fields"]) == {
        "key",
        "Content-Type",
        "x-amz-server-side-encryption",
        "x-amz-checksum-sha256",
        "x-amz-algorithm",
        "policy",
        "x-amz-signature",
    }


def test_an_s3_ticket_is_a_presigned_post_whose_policy_is_exactly_the_rules(s3, bucket, catalog_dir, seed):
    api = configure_api(S3Store(bucket), catalog_dir, Clock(NOW))
    try:
        before = datetime.now(UTC)
        result = api.call(upload_event(ticket_request(seed, PDF, "application/pdf", "sertifikat.pdf")))
        after = datetime.now(UTC)
    finally:
        app.configure(None)
    assert result.status == 200
    ticket = result.json
    key = incoming_key(ID, hashlib.sha256(PDF).hexdigest())
    policy = decoded_policy(ticket)
    fields_ = ticket["fields"]
    assert policy["conditions"] == [
        {"Content-Type": "application/pdf"},
        ["content-length-range", len(PDF), len(PDF)],
        {"x-amz-server-side-encryption": "AES256"},
        {"x-amz-checksum-sha256": b64sha(PDF)},
        {"bucket": bucket},
        {"key": key},
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
        {"x-amz-credential": fields_["x-amz-credential"]},
        {"x-amz-date": fields_["x-amz-date"]},
        {"x-amz-security-token": fields_["x-amz-security-token"]},
    ]
    assert fields_["x-amz-credential"].endswith("/ap-southeast-3/s3/aws4_request")
    assert {
        k: fields_[k] for k in ("key", "Content-Type", "x-amz-server-side-encryption", "x-amz-checksum-sha256")
    } == {
        "key": key,
        "Content-Type": "application/pdf",
        "x-amz-server-side-encryption": "AES256",
        "x-amz-checksum-sha256": b64sha(PDF),
    }
    # botocore signs with the real clock: 15 minutes from when it signed, as the ticket says.
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert before + timedelta(minutes=15) - timedelta(seconds=1) <= expires <= after + timedelta(minutes=15)
    assert ticket["expires_at"] == utc_timestamp(expires)
    assert ticket["key"] == key and ticket["url"].startswith("https://")


def _bad_request(seed, **changes):
    request = ticket_request(seed, PDF, "application/pdf", "sertifikat.pdf")
    request.update(changes)
    return {k: v for k, v in request.items() if v is not ...}


UPLOAD = "Lampiran"
INVALID = [
    (
        "a-type-not-taken",
        dict(type="image/heic", name="IMG_1.HEIC"),
        {
            "type": f"{UPLOAD}: berkas \u201cIMG_1.HEIC\u201d tidak dapat diterima: lampirkan berkas PDF, JPEG atau PNG. Foto HEIC dari iPhone diubah otomatis menjadi JPEG; bila gagal, ambil tangkapan layar atau foto ulang."
        },
    ),
    (
        "over-the-limit",
        dict(size=6 * 1024 * 1024),
        {
            "size": f"{UPLOAD}: berkas \u201csertifikat.pdf\u201d berukuran 6 MB, melebihi batas 5 MB. Perkecil berkasnya (misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu lampirkan kembali."
        },
    ),
    ("size-zero", dict(size=0), {"size": fields.message("upload.unreadable")}),
    ("size-true", dict(size=True), {"size": fields.message("upload.unreadable")}),
    ("sha-too-short", dict(sha256="ab"), {"sha256": fields.message("upload.unreadable")}),
    ("no-sha", dict(sha256=...), {"sha256": fields.message("upload.unreadable")}),
    (
        "bad-submission-id",
        dict(submission_id="../../x"),
        {"submission_id": fields.message("submission_id.invalid", label="Nomor pengiriman")},
    ),
    ("blank-name", dict(name=" "), {"name": fields.message("file.name_required", element=UPLOAD, position=1)}),
    ("unknown-member", dict(path="incoming/x"), {"path": fields.message("field.unknown")}),
]


@pytest.mark.parametrize("changes, expected", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID])
def test_a_ticket_request_outside_the_rules_is_refused_with_field_messages(ticket_api, seed, changes, expected):
    result = ticket_api.call(upload_event(_bad_request(seed, **changes)))
    assert (result.status, result.json["error"], result.fields) == (400, "invalid_upload", expected)


@pytest.mark.parametrize(
    "scheme, status, error",
    [({"id": "skema-lain", "version": "000000000000"}, 404, "unknown_scheme"), (None, 409, "scheme_outdated")],
    ids=["unknown-scheme", "outdated-version"],
)
def test_a_ticket_for_an_unknown_or_outdated_scheme_is_refused(ticket_api, seed, scheme, status, error):
    request = _bad_request(seed, scheme=scheme or {"id": SEED, "version": "000000000000"})
    assert (ticket_api.call(upload_event(request)).status, ticket_api.call(upload_event(request)).json["error"]) == (
        status,
        error,
    )


# -- enforcement: the local server's /api/local-uploads, over HTTP


@pytest.fixture(scope="module")
def local(site_dir, catalog_dir, tmp_path_factory):
    with in_process_server(tmp_path_factory.mktemp("uploads") / "var", site_dir, catalog_dir) as server:
        yield server


def send(server, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def ask_ticket(server, seed, data, media_type="application/pdf", name="sertifikat.pdf", submission_id=None):
    request = ticket_request(seed, data, media_type, name, submission_id or str(uuid.uuid4()))
    status, body = send(server, "POST", "/api/uploads", json.dumps(request), {"Content-Type": "application/json"})
    check_response("POST", status, {"content-type": "application/json"}, body.decode(), "/uploads")
    assert status == 200, body
    return json.loads(body)


def post_form(server, form_fields: dict[str, str], data: bytes, boundary="SwanilaiBoundary7MA4YWxk"):
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in form_fields.items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return send(
        server, "POST", "/api/local-uploads", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )


def code_of(body: bytes) -> str:
    return body.split(b"<Code>")[1].split(b"</Code>")[0].decode()


def test_a_file_posted_with_its_ticket_is_stored_under_incoming(local, seed):
    ticket = ask_ticket(local, seed, PDF)
    assert post_form(local, ticket["fields"], PDF) == (204, b"")
    assert local.store.get(ticket["key"]) == PDF
    # Posting it again (a retry after a lost answer) changes nothing.
    assert post_form(local, ticket["fields"], PDF)[0] == 204


def _forge(case: str, ticket: dict, other: dict) -> tuple[dict, bytes]:
    form = dict(ticket["fields"])
    data = PDF
    if case == "other-bytes-of-the-same-size":
        data = PDF[:-1] + b"!"
    elif case == "one-byte-more":
        data = PDF + b"!"
    elif case == "one-byte-less":
        data = PDF[:-1]
    elif case == "another-content-type":
        form["Content-Type"] = "text/html"
    elif case == "another-submissions-key":
        form["key"] = other["key"]
    elif case == "the-other-tickets-policy":
        form["policy"] = other["fields"]["policy"]
    elif case == "a-forged-signature":
        form["x-amz-signature"] = "0" * 64
    elif case == "an-extra-field":
        form["acl"] = "public-read"
    elif case == "no-encryption-field":
        del form["x-amz-server-side-encryption"]
    else:
        raise AssertionError(case)
    return form, data


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("other-bytes-of-the-same-size", 400, "BadDigest"),
        ("one-byte-more", 400, "EntityTooLarge"),
        ("one-byte-less", 400, "EntityTooSmall"),
        ("another-content-type", 403, "AccessDenied"),
        ("another-submissions-key", 403, "AccessDenied"),
        ("the-other-tickets-policy", 403, "SignatureDoesNotMatch"),
        ("a-forged-signature", 403, "SignatureDoesNotMatch"),
        ("an-extra-field", 403, "AccessDenied"),
        ("no-encryption-field", 403, "AccessDenied"),
    ],
)
def test_the_local_server_refuses_what_s3_would_refuse(local, seed, case, status, code):
    ticket = ask_ticket(local, seed, PDF)
    other = ask_ticket(local, seed, png(20, 20), "image/png", "foto.png")
    form, data = _forge(case, ticket, other)
    got, body = post_form(local, form, data)
    assert (got, code_of(body)) == (status, code)
    assert local.store.get(ticket["key"]) is None and local.store.get(other["key"]) is None


def test_an_expired_ticket_is_refused(local, seed):
    ticket = ask_ticket(local, seed, PDF)
    real = local.clock
    local.clock = lambda: real() + timedelta(minutes=15)
    try:
        got, body = post_form(local, ticket["fields"], PDF)
    finally:
        local.clock = real
    assert (got, code_of(body), b"Policy expired" in body) == (403, "AccessDenied", True)
    assert post_form(local, ticket["fields"], PDF)[0] == 204  # a minute earlier it was fine


def test_a_form_that_is_not_multipart_is_refused(local):
    got, body = send(
        local, "POST", "/api/local-uploads", b"key=x", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert (got, code_of(body)) == (412, "PreconditionFailed")


def test_upload_then_send_files_the_evidence_end_to_end(local, seed):
    submission_id = str(uuid.uuid4())
    ticket = ask_ticket(local, seed, PDF, submission_id=submission_id)
    assert post_form(local, ticket["fields"], PDF)[0] == 204
    payload = full_payload(seed, submission_id=submission_id)
    key = seed.element_keys()[0]
    payload["answers"][key]["files"] = [listed_file(PDF, "sertifikat.pdf")]
    origin = f"http://127.0.0.1:{local.server_address[1]}"
    status, body = send(
        local, "POST", "/api/submissions", json.dumps(payload), {"Content-Type": "application/json", "Origin": origin}
    )
    assert status == 201, body
    evidence = f"evidence/{SEED}/{submission_id}/{hashlib.sha256(PDF).hexdigest()}.pdf"
    assert local.store.get(evidence) == PDF


def test_a_presigned_post_uploads_to_a_moto_server(moto_endpoint, server_bucket, catalog_dir, seed, monkeypatch):
    # The ticket is usable as it is: the form posted to the endpoint stores the object (moto checks
    # no policy: the rules are the local server's test above; this one proves URL and fields).
    import requests

    client, bucket = server_bucket
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
    }.items():
        monkeypatch.setenv(name, value)
    api = configure_api(S3Store(bucket), catalog_dir, Clock(NOW))
    try:
        ticket = api.call(upload_event(ticket_request(seed, PDF, "application/pdf", "a.pdf"))).json
    finally:
        app.configure(None)
    response = requests.post(ticket["url"], data=ticket["fields"], files={"file": ("a.pdf", PDF)}, timeout=30)
    assert response.status_code in (200, 204), response.text
    assert client.get_object(Bucket=bucket, Key=ticket["key"])["Body"].read() == PDF


@pytest.mark.parametrize("region", ["ap-southeast-3", "us-east-1"])
def test_tickets_and_file_links_name_the_buckets_regional_endpoint(aws_env, monkeypatch, region):
    # Buckets of Regions launched after March 2019 (Jakarta among them) cannot be reached through
    # the legacy global endpoint (<bucket>.s3.amazonaws.com), botocore's default for presigning;
    # the site's CSP (UploadOrigin) also names the regional origin the stack outputs.
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    monkeypatch.setenv("AWS_REGION", region)
    store = S3Store("swanilai-submissionsbucket-1a2b3c4d5e6f")
    request = TicketRequest("konsultasi", ID, hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf", "a.pdf")
    ticket = S3Uploads(store).ticket(request, NOW)
    origin = f"https://swanilai-submissionsbucket-1a2b3c4d5e6f.s3.{region}.amazonaws.com"
    assert ticket.url == origin + "/"
    link = S3FileLinks("swanilai-submissionsbucket-1a2b3c4d5e6f").link(
        "evidence/k.pdf", "a.pdf", "application/pdf", 300
    )
    assert link.startswith(origin + "/evidence/k.pdf?")


def test_a_local_endpoint_keeps_path_style_addressing(aws_env, monkeypatch):
    # `build.py serve` against a moto server: no virtual host of 127.0.0.1.
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:5999")
    store = S3Store("swanilai-local")
    request = TicketRequest("konsultasi", ID, hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf", "a.pdf")
    assert S3Uploads(store).ticket(request, NOW).url == "http://127.0.0.1:5999/swanilai-local"
