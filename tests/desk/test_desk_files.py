"""Evidence beside the element it proves: the filled form lists each file, and the desk links to it.

The form (`GET .../form`, the same renderer as `assessor.py render`) lists each element's files by
name, size and SHA-256, each marked with its SHA-256 so the desk page can offer its download;
`GET .../files/{sha256}` answers a presigned GET of five minutes that downloads under the file's name.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import uuid
from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from support.desk import event as desk_event
from support.desk import make_desk
from support.handler import in_process_server
from support.records import make_record, store_record

from handler import desk, indexer
from handler.deskconfig import DeskConfig, S3FileLinks
from handler.store import AlreadyExists, S3Store
from swanilai import localfiles
from swanilai.testing import listed_file

FORM = "GET /desk/submissions/{submission_id}/form"
FILE = "GET /desk/submissions/{submission_id}/files/{sha256}"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(200)) * 30


def listed(data: bytes, name: str, media_type: str, submission_id: str, scheme_id: str) -> dict:
    entry = listed_file(data, name, media_type)
    ext = "pdf" if media_type == "application/pdf" else "jpg"
    return {**entry, "key": f"evidence/{scheme_id}/{submission_id}/{entry['sha256']}.{ext}"}


def with_files(seed):
    submission_id = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
    first, second = seed.element_keys()[:2]
    files = {
        first: [listed(PDF, "Sertifikat <BNSP>.pdf", "application/pdf", submission_id, seed.id)],
        second: [
            listed(PHOTO, "foto kerja.jpg", "image/jpeg", submission_id, seed.id),
            listed(PDF, "Sertifikat <BNSP>.pdf", "application/pdf", submission_id, seed.id),
        ],
    }
    return make_record(seed, submission_id=submission_id, files=files), files


def grouped(sha: str) -> str:
    return " ".join(sha[i : i + 8] for i in range(0, 64, 8))


def test_the_form_lists_each_elements_files_by_name_size_and_sha256(local, seed):
    record, files = with_files(seed)
    store_record(local.store, record)
    page = local.call(FORM, parameters={"submission_id": record["submission_id"]}).text
    pdf, photo = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PHOTO).hexdigest()
    pdf_item = (
        f'<li class="file" data-sha256="{pdf}">Sertifikat &lt;BNSP&gt;.pdf (2 KB)'
        f' <code class="sha256">SHA-256 {grouped(pdf)}</code></li>'
    )
    photo_item = f'<li class="file" data-sha256="{photo}">foto kerja.jpg (5 KB) <code class="sha256">SHA-256 {grouped(photo)}</code></li>'
    first, second = seed.element_keys()[:2]
    rows = page.split('<tr class="element"')
    row_of = {key: next(r for r in rows if r.startswith(f' data-key="{key}"')) for key in (first, second)}
    assert f'<ul class="files">{pdf_item}</ul>' in row_of[first]
    assert f'<ul class="files">{photo_item}{pdf_item}</ul>' in row_of[second]


@pytest.fixture
def s3_desk(tmp_path, clock, s3, bucket):
    found = make_desk(tmp_path, clock)
    store = S3Store(bucket, denied_means_missing=True)
    found.store = store
    desk.configure(
        DeskConfig(store=store, index=found.index, files=S3FileLinks(bucket), clock=clock, log=found.logs.append)
    )
    yield found
    desk.configure(None)
    indexer.configure(None)
    found.index.close()


def test_a_file_opens_through_a_five_minute_presigned_get_under_its_own_name(s3_desk, seed, clock):
    record, files = with_files(seed)
    store_record(s3_desk.store, record)
    pdf = files[seed.element_keys()[0]][0]
    answer = s3_desk.call(FILE, parameters={"submission_id": record["submission_id"], "sha256": pdf["sha256"]})
    assert answer.status == 200
    url = urlsplit(answer.json["url"])
    query = parse_qs(url.query)
    assert url.path.endswith("/" + pdf["key"])
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-disposition"] == ["attachment; filename*=UTF-8''Sertifikat%20%3CBNSP%3E.pdf"]
    assert query["response-content-type"] == ["application/pdf"]
    assert answer.json["expires_at"] == (clock() + timedelta(minutes=5)).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )


def test_a_file_the_submission_does_not_list_is_404(s3_desk, seed):
    record, _ = with_files(seed)
    store_record(s3_desk.store, record)
    other = hashlib.sha256(b"not listed").hexdigest()
    answer = s3_desk.call(FILE, parameters={"submission_id": record["submission_id"], "sha256": other})
    assert (answer.status, answer.json["error"]) == (404, "file_not_found")


# -- locally (`build.py serve`): the server's own signed links stand in for S3's presigned GETs


@pytest.fixture(scope="module")
def served(site_dir, catalog_dir, tmp_path_factory):
    with in_process_server(tmp_path_factory.mktemp("files") / "var", site_dir, catalog_dir) as server:
        yield server


def get(server, url: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    assert (parts.hostname, parts.port) == ("127.0.0.1", server.server_address[1])
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    try:
        connection.request("GET", f"{parts.path}?{parts.query}")
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def local_link(server, seed) -> tuple[dict, str]:
    record, files = with_files(seed)
    record["submission_id"] = str(uuid.uuid4())
    for listed_files in files.values():
        for item in listed_files:
            item["key"] = item["key"].replace("0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69", record["submission_id"])
    store_record(server.store, record)
    pdf = files[seed.element_keys()[0]][0]
    try:
        server.store.create(pdf["key"], PDF)
    except AlreadyExists:
        pass
    raw = desk.lambda_handler(
        desk_event(FILE, parameters={"submission_id": record["submission_id"], "sha256": pdf["sha256"]}), None
    )
    assert raw["statusCode"] == 200, raw["body"]
    return pdf, json.loads(raw["body"])["url"]


def test_locally_a_file_downloads_under_its_own_name_through_the_servers_link(served, seed):
    pdf, url = local_link(served, seed)
    assert url.startswith(f"http://127.0.0.1:{served.server_address[1]}/api/local-files?")
    status, headers, body = get(served, url)
    assert (status, body) == (200, PDF)
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == "attachment; filename*=UTF-8''Sertifikat%20%3CBNSP%3E.pdf"
    assert headers["x-content-type-options"] == "nosniff"


def _tampered(case: str, url: str, server) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if case == "another-name":
        query["name"] = "lain.pdf"
    elif case == "another-key":
        query["key"] = query["key"].replace(".pdf", ".jpg")
    elif case == "no-signature":
        del query["signature"]
    elif case == "a-record-not-evidence":
        query["key"] = "submissions/konsultasi-manajemen-pemasaran/2026/11/23/x.json"
        query["signature"] = localfiles.signature(server.upload_secret, query)
    elif case == "later-expiry":
        query["expires"] = str(int(query["expires"]) + 3600)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(query)}"


@pytest.mark.parametrize(
    "case, status, code",
    [
        ("another-name", 403, "SignatureDoesNotMatch"),
        ("another-key", 403, "SignatureDoesNotMatch"),
        ("later-expiry", 403, "SignatureDoesNotMatch"),
        ("no-signature", 403, "AccessDenied"),
        ("a-record-not-evidence", 403, "AccessDenied"),
    ],
)
def test_locally_a_link_changed_in_any_part_is_refused(served, seed, case, status, code):
    _, url = local_link(served, seed)
    answer, _, body = get(served, _tampered(case, url, served))
    assert (answer, body.split(b"<Code>")[1].split(b"</Code>")[0].decode()) == (status, code)


@pytest.mark.clock
def test_locally_a_link_expires_after_five_minutes(served, seed):
    _, url = local_link(served, seed)
    real = served.clock
    try:
        served.clock = lambda: real() + timedelta(minutes=5, seconds=1)
        status, _, body = get(served, url)
    finally:
        served.clock = real
    assert status == 403 and b"<Message>Request has expired</Message>" in body
