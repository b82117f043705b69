"""Evidence beside the element it proves, in Chromium against `build.py serve`: the candidate's file
goes up through the local upload endpoint, is filed with the submission, and the desk's rendered form
offers its download in that element's row, under the file's own name."""

from __future__ import annotations

import hashlib
import http.client
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from test_desk_page_review import open_submission

from swanilai.testing import full_payload, listed_file, ticket_request

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.7\n" + bytes(range(256)) * 12 + b"\n%%EOF\n"
NAME = "Ratna Berkas"


def post_file(desk, scheme, submission_id: str, data: bytes, name: str) -> None:
    """What the page does for one file: a ticket, then the form to the ticket's URL."""
    status, ticket, _ = desk.api.request(
        "POST", "/uploads", ticket_request(scheme, data, "application/pdf", name, submission_id), token=""
    )
    assert status == 200, ticket
    boundary = "SwanilaiDeskFiles"
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in ticket["fields"].items()
    )
    body += (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    url = urlsplit(ticket["url"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("POST", url.path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert connection.getresponse().status == 204
    finally:
        connection.close()


@pytest.fixture(scope="module")
def with_evidence(desk):
    scheme = desk.schemes["konsultasi-manajemen-pemasaran"]
    submission_id = str(uuid.uuid4())
    post_file(desk, scheme, submission_id, PDF, "sertifikat kompetensi.pdf")
    payload = full_payload(scheme, submission_id=submission_id)
    payload["candidate"]["name"] = NAME
    element = scheme.element_keys()[1]
    payload["answers"][element]["files"] = [listed_file(PDF, "sertifikat kompetensi.pdf")]
    desk.api.submit(payload)
    desk.ids[NAME] = submission_id
    return element


def test_each_file_downloads_from_beside_the_element_it_proves(desk, signed_in, with_evidence):
    page = signed_in()
    open_submission(page, desk, NAME)
    frame = page.frame_locator("#detail-frame")
    row = frame.locator(f'tr.element[data-key="{with_evidence}"]')
    expect(row.locator("li.file")).to_contain_text("sertifikat kompetensi.pdf (3 KB)")
    expect(row.locator("li.file code.sha256")).to_contain_text(hashlib.sha256(PDF).hexdigest()[:8])
    button = row.get_by_role("button", name="Unduh sertifikat kompetensi.pdf")
    expect(button).to_have_count(1)
    expect(frame.locator("button.file-open")).to_have_count(1)  # only the element that lists a file
    with page.expect_download() as downloaded:
        button.click()
    download = downloaded.value
    assert download.suggested_filename == "sertifikat kompetensi.pdf"
    assert open(download.path(), "rb").read() == PDF
    # The page stayed on the submission.
    expect(page.locator("#detail-title")).to_have_text(NAME)
