"""The candidate's loop on a phone, with the API faked by Playwright routes: the copy of what was sent,
the status link on a second device, revise and resend, the page with no network, the outbox, the draft
file, large text, evidence files and consent. (tests/page/test_page_served.py runs it against serve.)"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import threading
import time
from email.parser import BytesParser
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from support.browser import phone_context
from support.page import (
    GPS_ENTRY,
    NAME,
    PDF,
    RECEIPT,
    SEED_PATH,
    draft,
    fake_api,
    fill_valid,
    has_exif,
    jpeg_size,
    open_seed,
    photo_with_location,
    run_axe,
    stored_receipt,
)

from swanilai.testing import WORKER_KEEPS_THE_PAGE, wait_until

pytestmark = pytest.mark.browser

STATUS_GLOB = "**/api/submissions/*/*/status"
NOT_FOUND = (
    "Pengiriman ini tidak kami temukan, atau tautan statusnya tidak lengkap. Buka tautan status persis seperti pada "
    "tanda terima Anda (salin seluruhnya, termasuk bagian setelah tanda #)."
)


@pytest.fixture
def page(phone, static_url):
    phone.add_init_script(
        "window.SWANILAI_RETRY_BASE_MS = 50; window.SWANILAI_UPLOAD_RETRY_MS = 50; window.print = () => {};"
    )
    open_seed(phone, static_url)
    return phone


def send(page, seed) -> dict:
    """Fill, Kirim (201), and return what the page kept: the receipt with the body and the secret."""
    fill_valid(page)
    bodies = fake_api(page, (201, RECEIPT))
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()
    kept = stored_receipt(page)
    assert kept["body"] == bodies[0]
    return kept


def status_answer(kept: dict, state: str = "perbaikan", **extra) -> dict:
    body = kept["body"]
    return {
        "submission_id": kept["submission_id"],
        "scheme": body["scheme"],
        "received_at": RECEIPT["received_at"],
        "state": state,
        "label": {"perbaikan": "Perlu perbaikan", "diterima": "Diterima, belum ditinjau"}[state],
        "reviewed_at": "2026-11-25T03:00:00.000Z" if state != "diterima" else None,
        "notes": "Lengkapi bukti unit 1." if state == "perbaikan" else "",
        "element_notes": {next(iter(body["answers"])): "Sebutkan nomor sertifikatnya."} if state == "perbaikan" else {},
        "revised_by": None,
        "submission": {"candidate": body["candidate"], "answers": body["answers"], "signature": body["signature"]},
        **extra,
    }


def fake_status(page, kept: dict, answer: dict) -> list[str]:
    """Answer the status route as the contract says: the answer for the right secret, else the same 404."""
    keys: list[str] = []

    def handle(route) -> None:
        key = route.request.headers.get("x-status-key", "")
        keys.append(key)
        if key == kept["status_key"] and kept["submission_id"] in route.request.url:
            route.fulfill(status=200, json=answer)
        else:
            route.fulfill(
                status=404, json={"error": "not_found", "message": NOT_FOUND, "fields": {}, "retryable": False}
            )

    page.route(STATUS_GLOB, handle)
    return keys


# -- 1. the copy of what was sent


def test_the_copy_prints_as_a4_with_every_answer_receipt_and_signature(page, seed, tmp_path):
    kept = send(page, seed)
    expect(page.locator("#receipt-sent-mark")).to_contain_text("Terkirim")
    page.click("#receipt-copy")
    expect(page.locator("#copy")).to_be_visible()
    pdf = tmp_path / "salinan.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    assert "FR.APL.02. Asesmen Mandiri" in flat
    assert NAME in flat and seed.number in flat
    assert kept["submission_id"] in flat
    assert kept["sha256"] in flat.replace(" ", "") or RECEIPT["sha256"] in text.replace("\n", "").replace(" ", "")
    assert "24 November 2026 pukul 06.15.02 WIB" in flat
    # Titles as the copy shows them: markdown emphasis rendered (no asterisks), wrapped lines joined.
    missing = [e.title for e in seed.elements if " ".join(e.title.replace("*", "").split()) not in flat]
    assert missing == []
    for index, _element in enumerate(seed.elements):
        if index % 3 != 2:
            assert f"Laporan kerja {index + 1} tahun 2025" in flat
    assert flat.count("Jawaban: K (kompeten)") == sum(1 for i in range(len(seed.elements)) if i % 3 != 2)
    assert flat.count("Jawaban: BK (belum kompeten)") == sum(1 for i in range(len(seed.elements)) if i % 3 == 2)
    assert "Tanda Tangan Asesi" in flat and "Persetujuan pemrosesan data pribadi: diberikan" in flat
    # Only the copy is printed: not the page's buttons, not the form.
    assert "Ubah dan kirim ulang" not in flat and "Kirim" not in flat.replace("Salinan kiriman", "")


# -- 2. the status link, 3. revise and resend


def test_the_status_link_on_a_second_device_shows_perbaikan_notes_and_revises(page, browser, seed, static_url):
    kept = send(page, seed)
    link = page.input_value("#receipt-status-link")
    assert link == f"{static_url}{SEED_PATH}#status={kept['submission_id']}.{kept['status_key']}"
    expect(page.locator("#receipt-link-help")).to_contain_text("buka tautan ini kapan saja dari perangkat mana pun")
    first_key = next(iter(kept["body"]["answers"]))

    other = phone_context(browser)
    try:
        second = other.new_page()
        errors: list[str] = []
        second.on("pageerror", lambda exc: errors.append(str(exc)))
        keys = fake_status(second, kept, status_answer(kept))
        second.goto(link)
        expect(second.locator("#status-state")).to_have_text("Perlu perbaikan")
        expect(second.locator("#status-notes")).to_have_text("Catatan asesor: Lengkapi bukti unit 1.")
        expect(second.locator("#status-element-notes")).to_have_text("Unit 1, elemen 1: Sebutkan nomor sertifikatnya.")
        expect(second.locator("#receipt-id")).to_have_text(kept["submission_id"])
        assert keys and set(keys) == {kept["status_key"]}

        # Revise from this second device: the form is pre-filled from the status answer's copy.
        second.click("#receipt-revise")
        expect(second.locator("#confirm-lost")).to_contain_text("diisi dengan jawaban yang sudah Anda kirim")
        second.click("#confirm-yes")
        expect(second.locator("#apl02")).to_be_visible()
        expect(second.locator("#el-1-evidence")).to_have_value(kept["body"]["answers"][first_key]["evidence"])
        expect(second.locator("#el-1 .apl02-review-note")).to_have_text("Catatan asesor: Sebutkan nomor sertifikatnya.")
        expect(second.locator("#consent")).not_to_be_checked()  # asked again for the new send
        second.check("#consent")
        second.check("#declaration")
        bodies = fake_api(second, (201, RECEIPT))
        second.click("#submit")
        expect(second.locator("#receipt")).to_be_visible()
        (body,) = bodies
        assert body["revises"] == {"submission_id": kept["submission_id"], "status_key": kept["status_key"]}
        assert body["submission_id"] != kept["submission_id"]
        assert body["answers"] == kept["body"]["answers"]
        assert errors == [] and other.outside_requests == []
    finally:
        other.close()


def test_a_wrong_secret_gets_the_same_not_found_as_an_unknown_id(page, seed, static_url):
    kept = send(page, seed)
    fake_status(page, kept, status_answer(kept))
    wrong = "A" * 43
    page.evaluate("localStorage.clear()")  # a device that does not keep the submission
    page.goto(f"{static_url}{SEED_PATH}#status={kept['submission_id']}.{wrong}")
    page.reload()
    expect(page.locator("#status-message")).to_have_text(NOT_FOUND)
    expect(page.locator("#status-box")).to_be_hidden()


def test_revising_on_the_same_device_keeps_the_old_copy_until_the_new_one_is_received(page, seed):
    kept = send(page, seed)
    fake_status(page, kept, status_answer(kept, "diterima"))
    page.reload()
    expect(page.locator("#status-state")).to_have_text("Diterima, belum ditinjau")
    page.click("#receipt-revise")
    page.click("#confirm-yes")
    expect(page.locator("#notice")).to_contain_text(f"Anda sedang mengubah kiriman {kept['submission_id']}")
    page.reload()  # the revision is a draft like any other: it survives a reload, the kept copy too
    expect(page.locator("#apl02")).to_be_visible()
    assert draft(page)["revises"]["submission_id"] == kept["submission_id"]
    assert stored_receipt(page)["submission_id"] == kept["submission_id"]


# -- 4. no network


def test_reloaded_with_no_network_the_form_appears_with_its_draft(page, seed):
    page.fill("#el-1-evidence", "Sertifikat pelatihan 2024")
    page.fill("#candidate-name", NAME)
    wait_until(page, WORKER_KEEPS_THE_PAGE)
    page.context.set_offline(True)
    page.reload()
    page.wait_for_function("window.Swanilai && window.Swanilai.form")
    expect(page.locator("#el-1-evidence")).to_have_value("Sertifikat pelatihan 2024")
    expect(page.locator("#candidate-name")).to_have_value(NAME)
    assert page.evaluate("getComputedStyle(document.querySelector('.apl02-choice')).display") == "flex"  # styled
    page.context.set_offline(False)


def test_kirim_offline_waits_in_a_visible_queue_and_is_sent_once_back_online(page, seed):
    fill_valid(page)
    wait_until(page, WORKER_KEEPS_THE_PAGE)
    bodies = fake_api(page, (201, RECEIPT))
    page.context.set_offline(True)
    page.click("#submit")
    expect(page.locator("#outbox")).to_be_visible()
    expect(page.locator("#send-status")).to_contain_text("belum terkirim")
    assert page.evaluate(
        "() => { const r = document.getElementById('send-status').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    queued = page.evaluate("Swanilai.idb.entries('outbox:').then((e) => e.map(([k]) => k))")
    assert queued == [f"outbox:{seed.id}:{draft(page)['submission_id']}"]
    page.context.set_offline(False)
    expect(page.locator("#receipt")).to_be_visible(timeout=15_000)
    assert {body["submission_id"] for body in bodies} == {stored_receipt(page)["submission_id"]}
    assert page.evaluate("Swanilai.idb.entries('outbox:')") == []


# -- 5. the draft file


def test_a_draft_saved_to_a_file_opens_in_a_fresh_browser(page, browser, static_url, tmp_path):
    page.fill("#el-1-evidence", "Sertifikat pelatihan 2024")
    page.locator("#el-2").get_by_label("BK Belum kompeten", exact=True).check()
    page.fill("#candidate-name", NAME)
    saved = draft(page)
    with page.expect_download() as download:
        page.click("#draft-save")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert re.fullmatch(r"draf-apl02-konsultasi-manajemen-pemasaran-\d{4}-\d{2}-\d{2}\.json", path.name)

    other = phone_context(browser)
    try:
        fresh = other.new_page()
        open_seed(fresh, static_url)
        fresh.set_input_files("#draft-open", str(path))
        expect(fresh.locator("#draft-file-message")).to_contain_text("2 jawaban dipulihkan")
        expect(fresh.locator("#el-1-evidence")).to_have_value("Sertifikat pelatihan 2024")
        expect(fresh.locator("#el-2").get_by_label("BK Belum kompeten", exact=True)).to_be_checked()
        expect(fresh.locator("#candidate-name")).to_have_value(NAME)
        assert draft(fresh)["submission_id"] == saved["submission_id"]
        assert draft(fresh)["status_key"] == saved["status_key"]
    finally:
        other.close()


_OTHER = "Pilih berkas .json yang dibuat dengan tombol \u201cSimpan draf ke file\u201d di halaman skema ini."


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"PK\x03\x04 not json", "Berkas ini bukan draf formulir (isinya bukan JSON). " + _OTHER, id="not-json"
        ),
        pytest.param(
            b'{"name": "Siti"}', "Berkas ini bukan draf asesmen mandiri Swanilai. " + _OTHER, id="foreign-json"
        ),
        pytest.param(
            json.dumps(
                {"swanilai-draft": 1, "scheme": {"id": "kuliner", "number": "SKM/KUL/2024"}, "draft": {}}
            ).encode(),
            "Berkas ini draf untuk skema lain (SKM/KUL/2024). Buka halaman skema itu, lalu buka draf di sana.",
            id="another-scheme",
        ),
        pytest.param(
            json.dumps(
                {"swanilai-draft": 1, "scheme": {"id": "konsultasi-manajemen-pemasaran"}, "draft": {"answers": []}}
            ).encode(),
            "Berkas draf ini rusak atau tidak lengkap, jadi tidak dapat dibuka. " + _OTHER,
            id="damaged",
        ),
    ],
)
def test_a_wrong_draft_file_is_refused_with_a_clear_message(page, tmp_path, content, message):
    before = draft(page)
    path = tmp_path / "draf.json"
    path.write_bytes(content)
    page.set_input_files("#draft-open", str(path))
    expect(page.locator("#draft-file-message")).to_have_text(message)
    assert draft(page)["submission_id"] == before["submission_id"]


# -- 6. large text on a small screen


def _large_text(page) -> None:
    page.context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 32}})
    page.wait_for_timeout(100)


@pytest.mark.parametrize("path", [SEED_PATH, "/", "/privasi/"])
def test_at_200_percent_text_nothing_scrolls_sideways(phone, static_url, path):
    phone.goto(static_url + path)
    _large_text(phone)
    assert phone.evaluate("getComputedStyle(document.documentElement).fontSize") == "40px"  # Material's 125% of 32 px
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_at_200_percent_text_k_and_bk_stack_and_the_sticky_bar_stays_small(page):
    _large_text(page)
    k, bk = (page.locator("#el-1 .apl02-choice").nth(i).bounding_box() for i in (0, 1))
    assert bk["y"] >= k["y"] + k["height"] - 1 and abs(bk["x"] - k["x"]) < 1
    page.evaluate("window.scrollTo(0, document.getElementById('el-5').offsetTop)")
    covered = page.evaluate("Swanilai.covered()")
    assert 0 < covered <= 0.15 * 780


@pytest.mark.parametrize(
    ("element", "whole"),
    [
        pytest.param(3, True, id="short-element-from-its-title"),
        pytest.param(6, False, id="tall-element-from-its-choices"),
    ],
)
def test_an_empty_kirim_shows_the_unanswered_element_below_the_sticky_bar(page, element, whole):
    fill_valid(page)
    page.evaluate(f"document.querySelectorAll('#el-{element} input[type=radio]').forEach((r) => (r.checked = false))")
    page.click("#submit")
    covered = page.evaluate("Swanilai.covered()")
    legend = page.locator(f"#el-{element}-verdict legend").bounding_box()
    error = page.locator(f"#el-{element}-verdict-error").bounding_box()
    assert covered <= legend["y"] and error["y"] + error["height"] <= 780  # the question and its message in sight
    title = page.locator(f"#el-{element}-title").bounding_box()
    assert (title["y"] >= covered) is whole  # the title too, whenever title and choices fit on the screen together
    expect(page.locator(f"#el-{element} input[value='K']")).to_be_focused()


def test_the_404_page_speaks_bahasa_indonesia(site_dir):
    html = (site_dir / "404.html").read_text(encoding="utf-8")
    assert '<html lang="id"' in html
    assert "<h1>Halaman tidak ditemukan</h1>" in html and "Not found" not in html


# -- 7. evidence files (uploads faked; test_page_served.py uploads through serve)


class _Sink(BaseHTTPRequestHandler):
    """The upload target of the tickets: records each complete multipart POST; `hold` stalls one mid-body."""

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        sink = self.server.sink  # type: ignore[attr-defined]
        length = int(self.headers["Content-Length"])
        try:
            if sink["hold"] > 0:
                sink["hold"] -= 1
                data = self.rfile.read(16)
                sink["held"].append(self.path)
                self.connection.settimeout(0.5)
                while not sink["release"]:
                    time.sleep(0.05)
                data += self.rfile.read(length - 16)  # the browser went away meanwhile: nothing stored
            else:
                data = self.rfile.read(length)
        except OSError:
            return
        if len(data) != length:
            return
        headers = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
        message = BytesParser(policy=email_policy).parsebytes(headers + data)
        parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        fields = {k: v.get_content() for k, v in parts.items() if k != "file"}
        sink["files"].append({"fields": fields, "data": parts["file"].get_payload(decode=True)})
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()


@pytest.fixture
def uploads(page):
    """Tickets answered by a route; the files themselves go to a real server on 127.0.0.1 (Playwright's
    routes do not carry a Blob's bytes)."""
    sink = {"tickets": [], "files": [], "hold": 0, "release": False, "held": []}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    server.sink = sink  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def ticket(route) -> None:
        asked = route.request.post_data_json
        sink["tickets"].append(asked)
        key = f"incoming/{asked['submission_id']}/{asked['sha256']}"
        route.fulfill(
            json={
                "url": f"http://127.0.0.1:{server.server_address[1]}/upload",
                "fields": {"key": key, "Content-Type": asked["type"]},
                "key": key,
                "expires_at": "2099-01-01T00:00:00Z",
            }
        )

    page.route("**/api/uploads", ticket)
    yield sink
    sink["release"] = True
    server.shutdown()
    server.server_close()


def test_a_pdf_and_a_large_photo_are_attached_shrunk_without_location_and_sent(page, uploads, tmp_path):
    seen = uploads
    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(photo_with_location(page))
    assert has_exif(photo.read_bytes()) and GPS_ENTRY in photo.read_bytes()
    document = tmp_path / "sertifikat.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#el-1-files input[type=file] >> nth=0", [str(document), str(photo)])
    expect(page.locator("#el-1-files .apl02-file-state")).to_have_text(["Terunggah", "Terunggah"], timeout=20_000)
    expect(page.locator("#el-1-files .apl02-file-name")).to_have_text(["sertifikat.pdf", "IMG_2041.jpg"])

    pdf, jpeg = (item["data"] for item in seen["files"])
    assert pdf == PDF
    assert max(jpeg_size(jpeg)) == 2000 and jpeg_size(jpeg) == (2000, 1500)
    assert not has_exif(jpeg) and GPS_ENTRY not in jpeg
    listed = draft(page)["answers"][next(iter(draft(page)["answers"]))]["files"]
    assert [f["sha256"] for f in listed] == [hashlib.sha256(pdf).hexdigest(), hashlib.sha256(jpeg).hexdigest()]
    assert all(f["uploaded"] for f in listed)
    assert [t["type"] for t in seen["tickets"]] == ["application/pdf", "image/jpeg"]

    fill_valid(page)
    bodies = fake_api(page, (201, RECEIPT))
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()
    sent = next(iter(bodies[0]["answers"].values()))["files"]
    assert sent == [{k: f[k] for k in ("name", "size", "type", "sha256")} for f in listed]


def test_a_reload_mid_upload_uploads_the_file_once_and_the_draft_keeps_it(page, uploads, tmp_path):
    seen = uploads
    seen["hold"] = 1
    document = tmp_path / "laporan.pdf"
    document.write_bytes(PDF + b"0" * (4 * 1024 * 1024))  # more than the connection buffers: cut off mid-body
    page.set_input_files("#el-2-files input[type=file] >> nth=0", str(document))
    for _ in range(250):
        if seen["held"]:
            break
        page.wait_for_timeout(20)
    assert len(seen["held"]) == 1
    page.reload()  # mid-upload: the browser drops the connection
    seen["release"] = True
    expect(page.locator("#el-2-files .apl02-file-name")).to_have_text(["laporan.pdf"])
    expect(page.locator("#el-2-files .apl02-file-state")).to_have_text(["Terunggah"], timeout=20_000)
    assert len(seen["files"]) == 1
    page.reload()  # uploaded: never sent again
    expect(page.locator("#el-2-files .apl02-file-state")).to_have_text(["Terunggah"])
    page.wait_for_timeout(300)
    assert len(seen["files"]) == 1 and len(seen["tickets"]) == 2


def test_offline_mid_upload_the_file_waits_then_resumes(page, uploads, tmp_path):
    seen = uploads
    page.context.set_offline(True)
    document = tmp_path / "laporan.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#el-3-files input[type=file] >> nth=0", str(document))
    expect(page.locator("#el-3-files .apl02-file-state")).to_have_text(
        ["Menunggu koneksi internet untuk melanjutkan unggahan\u2026"], timeout=10_000
    )
    page.context.set_offline(False)
    expect(page.locator("#el-3-files .apl02-file-state")).to_have_text(["Terunggah"], timeout=20_000)
    assert len(seen["files"]) == 1


def test_kirim_waits_for_uploads_and_says_so(page, uploads, tmp_path):
    seen = uploads
    seen["hold"] = 1
    fill_valid(page)
    document = tmp_path / "laporan.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#el-1-files input[type=file] >> nth=0", str(document))
    bodies = fake_api(page, (201, RECEIPT))
    page.click("#submit")
    expect(page.locator("#send-status")).to_have_text(
        "Menunggu 1 lampiran selesai diunggah. Formulir akan terkirim otomatis setelahnya; Anda tidak perlu menekan Kirim lagi."
    )
    for _ in range(100):
        if seen["held"]:
            break
        page.wait_for_timeout(20)
    assert bodies == []
    seen["release"] = True
    expect(page.locator("#receipt")).to_be_visible(timeout=15_000)
    assert len(bodies) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "catatan.txt",
            b"hello",
            "Unit 1, elemen 1: berkas \u201ccatatan.txt\u201d tidak dapat diterima: lampirkan berkas PDF, JPEG, PNG. "
            "Foto HEIC dari iPhone diubah otomatis menjadi JPEG; bila gagal, ambil tangkapan layar atau foto ulang.",
            id="wrong-type",
        ),
        pytest.param(
            "besar.pdf",
            b"%PDF-" + b"0" * (5 * 1024 * 1024 + 10),
            "Unit 1, elemen 1: berkas \u201cbesar.pdf\u201d berukuran 5 MB, melebihi batas 5 MB. Perkecil berkasnya "
            "(misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu lampirkan kembali.",
            id="over-the-limit",
        ),
    ],
)
def test_a_file_the_scheme_does_not_take_is_refused_before_upload(page, uploads, tmp_path, name, content, message):
    seen = uploads
    path = tmp_path / name
    path.write_bytes(content)
    page.set_input_files("#el-1-files input[type=file] >> nth=0", str(path))
    expect(page.locator("#el-1-files-error")).to_have_text(message)
    assert seen["tickets"] == [] and draft(page)["answers"] == {}


# -- accessibility of the new parts


def test_receipt_status_copy_and_confirmation_have_no_serious_accessibility_violation(page, seed):
    kept = send(page, seed)
    fake_status(page, kept, status_answer(kept))
    page.reload()
    expect(page.locator("#status-state")).to_have_text("Perlu perbaikan")
    page.click("#receipt-copy")
    assert run_axe(page) == []
    page.click("#receipt-forget")
    expect(page.locator("#confirm")).to_be_visible()
    assert run_axe(page) == []
