"""Sending, with the API faked by Playwright routes (the real handler has its own end-to-end test)."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from playwright.sync_api import expect
from support.page import (
    NAME,
    RECEIPT,
    RECEIPT_TIME_WIB,
    draft,
    draw_signature,
    error,
    fake_api,
    fill_valid,
    open_seed,
    stored_receipt,
)

from swanilai.testing import notice_version

pytestmark = pytest.mark.browser

SAFE = "Jawaban Anda aman tersimpan di perangkat ini, tetapi belum terkirim"


@pytest.fixture
def page(phone, static_url):
    """The seed page on a phone, answers filled in; fails the test on any script error or outside request."""
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    # Short backoff for the tests: 50 ms, 100 ms, 200 ms, ... (the page reads this override).
    phone.add_init_script("window.SWANILAI_RETRY_BASE_MS = 50")
    open_seed(phone, static_url)
    fill_valid(phone)
    yield phone
    assert errors == []
    assert phone.outside_requests == []


def test_201_shows_the_receipt_and_only_then_clears_the_draft(page, seed):
    bodies = fake_api(page, (201, RECEIPT))
    submission_id = draft(page)["submission_id"]
    page.click("#submit")

    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#apl02")).to_be_hidden()
    expect(page.locator("#receipt-id")).to_have_text(submission_id)
    expect(page.locator("#receipt-time")).to_have_text(RECEIPT_TIME_WIB)
    expect(page.locator("#receipt-name")).to_have_text(NAME)
    expect(page.locator("#receipt")).to_contain_text(seed.number)
    expect(page.locator("#receipt-title")).to_be_focused()
    assert len(bodies) == 1
    assert draft(page) is None
    assert stored_receipt(page)["submission_id"] == submission_id

    # A reload after success shows the receipt again, not an empty form.
    page.reload()
    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#receipt-id")).to_have_text(submission_id)
    expect(page.locator("#apl02")).to_be_hidden()

    # The sent submission stays on the device until the candidate removes it, after a confirmation
    # that says what is lost; "Batal" keeps everything.
    page.click("#receipt-new")
    expect(page.locator("#confirm")).to_be_visible()
    expect(page.locator("#confirm-lost")).to_contain_text(
        "salinan jawaban yang Anda kirim, tanda terima ini, dan tautan status"
    )
    page.click("#confirm-no")
    expect(page.locator("#receipt")).to_be_visible()
    assert stored_receipt(page)["submission_id"] == submission_id
    # Confirmed, "Isi formulir baru" starts an empty form with a new submission id.
    page.click("#receipt-new")
    page.click("#confirm-yes")
    expect(page.locator("#apl02")).to_be_visible()
    expect(page.locator("#progress-text")).to_have_text(f"0 dari {len(seed.elements)} elemen terjawab")
    assert stored_receipt(page) is None
    assert draft(page)["submission_id"] != submission_id


def test_the_body_sent_has_exactly_the_contracts_shape(page, seed):
    bodies = fake_api(page, (201, RECEIPT))
    draw_signature(page)
    page.fill("#candidate-phone", "")
    draft_before = draft(page)
    submission_id = draft_before["submission_id"]
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()

    body = bodies[0]
    assert set(body) == {
        "scheme",
        "submission_id",
        "candidate",
        "answers",
        "declaration",
        "consent",
        "signature",
        "status_key_sha256",
        "website",
    }
    # Only the hash of the draft's secret is sent; the secret itself stays on the device.
    secret = draft_before["status_key"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)
    assert body["status_key_sha256"] == hashlib.sha256(secret.encode("ascii")).hexdigest()
    assert secret not in json.dumps(body)
    assert body["consent"] == {"given": True, "notice_version": notice_version()}
    assert body["scheme"] == {"id": seed.id, "version": seed.version}
    assert body["submission_id"] == submission_id
    assert body["candidate"] == {"name": NAME, "email": "siti@contoh.co.id"}  # an empty phone is left out
    assert list(body["answers"]) == list(seed.element_keys())
    for index, answer in enumerate(body["answers"].values()):
        assert set(answer) == {"verdict", "evidence"}
        assert answer["verdict"] == ("BK" if index % 3 == 2 else "K")
        assert answer["evidence"] == ("" if index % 3 == 2 else f"Laporan kerja {index + 1} tahun 2025")
    assert body["declaration"] is True
    assert body["signature"].startswith("data:image/png;base64,")  # the drawing wins over the typed name
    assert body["website"] == ""


def test_a_typed_name_is_the_signature_when_nothing_is_drawn(page):
    bodies = fake_api(page, (201, RECEIPT))
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()
    assert bodies[0]["signature"] == NAME


def test_answers_are_locked_while_sending(page):
    held = []
    page.route("**/api/submissions", lambda route: held.append(route))
    page.click("#submit")
    expect(page.locator("#apl02")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#submit")).to_be_disabled()
    expect(page.locator("#el-1-evidence")).to_be_disabled()
    expect(page.locator("#send-status")).to_have_text("Mengirim jawaban Anda…")
    for _ in range(100):  # the route's callback runs when Playwright next hears from the browser
        if held:
            break
        page.wait_for_timeout(10)
    assert len(held) == 1
    held[0].fulfill(status=201, json={**RECEIPT, "submission_id": held[0].request.post_data_json["submission_id"]})
    expect(page.locator("#receipt")).to_be_visible()


def test_400_puts_the_servers_messages_beside_their_fields(page, seed):
    key = seed.element_keys()[1]
    answer = error("invalid_submission", "Periksa kembali isian yang ditandai.")
    answer["fields"] = {
        "candidate.email": "Email tidak dapat dipakai: periksa penulisannya.",
        f"answers[{key}].evidence": "Bukti terlalu singkat: sebutkan dokumen dan tahunnya.",
        "submission_id": "Nomor pengiriman tidak sah. Muat ulang halaman ini.",
    }
    fake_api(page, (400, answer))
    page.click("#submit")
    expect(page.locator("[data-error-for='candidate.email']")).to_have_text(
        "Email tidak dapat dipakai: periksa penulisannya."
    )
    expect(page.locator(f"[data-error-for='answers[{key}].evidence']")).to_have_text(
        "Bukti terlalu singkat: sebutkan dokumen dan tahunnya."
    )
    # In page order; a message for a field the page has no control for is listed without a link.
    assert page.locator("#error-summary li").all_inner_texts() == [
        "Nomor pengiriman tidak sah. Muat ulang halaman ini.",
        "Bukti terlalu singkat: sebutkan dokumen dan tahunnya.",
        "Email tidak dapat dipakai: periksa penulisannya.",
    ]
    expect(page.locator("#el-2-evidence")).to_be_focused()
    expect(page.locator("#el-2-evidence")).to_have_attribute("aria-invalid", "true")
    assert draft(page) is not None


def test_503_keeps_the_draft_says_so_and_retries_until_the_receipt(page):
    bodies = fake_api(
        page, (503, error("storage_unavailable", "Penyimpanan sedang tidak tersedia.", True)), (201, RECEIPT)
    )
    page.evaluate("window.SWANILAI_RETRY_BASE_MS = 1500")  # long enough to read the message, short for a test
    page.click("#submit")
    status = page.locator("#send-status")
    expect(status).to_have_text(
        f"{SAFE} karena penyimpanan di server sedang tidak tersedia (kode permintaan: req-1). "
        "Kami akan mencoba mengirim lagi otomatis dalam 2 detik."
    )
    expect(page.locator("#retry")).to_be_visible()
    assert draft(page) is not None
    expect(page.locator("#receipt")).to_be_visible(timeout=10_000)
    assert len(bodies) == 2
    assert bodies[0] == bodies[1]  # the same submission, the same idempotency key
    assert draft(page) is None


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        pytest.param("abort", "karena koneksi internet terputus atau terlalu lambat.", id="network-error"),
        pytest.param(
            (429, error("throttled", "Terlalu banyak kiriman.", True)),
            "karena server sedang menerima terlalu banyak kiriman (kode permintaan: req-1).",
            id="429",
        ),
        pytest.param(
            (500, error("internal_error", "Terjadi kesalahan.", True)),
            "karena server sedang bermasalah (kode permintaan: req-1).",
            id="500",
        ),
    ],
)
def test_transient_failures_keep_the_draft_and_offer_coba_kirim_lagi(page, reply, reason):
    bodies = fake_api(page, reply, (201, RECEIPT))
    page.evaluate("window.SWANILAI_RETRY_BASE_MS = 600000")  # no automatic retry during this test
    page.click("#submit")
    expect(page.locator("#send-status")).to_have_text(
        f"{SAFE} {reason} Kami akan mencoba mengirim lagi otomatis dalam 600 detik."
    )
    assert draft(page) is not None
    expect(page.locator("#submit")).to_be_enabled()
    page.click("#retry")
    expect(page.locator("#receipt")).to_be_visible()
    assert len(bodies) == 2


def test_coming_back_online_retries_at_once(page):
    bodies = fake_api(page, "abort", (201, RECEIPT))
    page.evaluate("window.SWANILAI_RETRY_BASE_MS = 600000")
    page.click("#submit")
    expect(page.locator("#retry")).to_be_visible()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#receipt")).to_be_visible()
    assert len(bodies) == 2


def test_automatic_retries_stop_after_a_bounded_number_of_tries(page):
    bodies = fake_api(page, (503, error("storage_unavailable", "Penyimpanan sedang tidak tersedia.", True)))
    page.evaluate("window.SWANILAI_RETRY_BASE_MS = 5")
    page.click("#submit")
    expect(page.locator("#send-status")).to_contain_text("Tekan “Coba kirim lagi” saat koneksi sudah baik.")
    assert len(bodies) == 7  # the first try and six automatic ones
    assert draft(page) is not None


def test_409_scheme_outdated_reloads_and_the_draft_survives(page, seed):
    fake_api(page, (409, error("scheme_outdated", "Skema ini telah diperbarui.")))
    before = draft(page)
    with page.expect_navigation():
        page.click("#submit")
    expect(page.locator("#notice")).to_contain_text("Halaman telah dimuat ulang karena skema diperbarui")
    expect(page.locator("#progress-text")).to_have_text(
        f"{len(seed.elements)} dari {len(seed.elements)} elemen terjawab"
    )
    expect(page.locator("#candidate-name")).to_have_value(NAME)
    after = draft(page)
    assert after["answers"] == before["answers"]
    assert after["submission_id"] == before["submission_id"]
    # The same page again (no newer one published yet): say so instead of reloading in a loop.
    page.click("#submit")
    expect(page.locator("#send-status")).to_contain_text("halaman versi baru belum tersedia")


@pytest.mark.parametrize(
    ("message", "note"),
    [
        pytest.param("Sudah diterima.", "Sudah diterima.", id="the-servers-message"),
        pytest.param(
            "",
            "Asesmen mandiri dengan nomor pengiriman ini sudah kami terima sebelumnya dengan isian yang berbeda. "
            "Tanda terima pengiriman pertama tercantum di bawah; hubungi LSP bila Anda perlu mengubah jawaban.",
            id="the-tables-message-when-the-server-gave-none",
        ),
    ],
)
def test_409_submission_conflict_shows_the_earlier_receipt(page, message, note):
    earlier = {**RECEIPT, "submission_id": "d1c0ffee-0000-4000-8000-000000000001"}
    fake_api(page, (409, error("submission_conflict", message, receipt=earlier)))
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()
    expect(page.locator("#receipt-note")).to_have_text(note)
    expect(page.locator("#receipt-id")).to_have_text(earlier["submission_id"])
    expect(page.locator("#receipt-time")).to_have_text(RECEIPT_TIME_WIB)


@pytest.mark.parametrize(
    ("status", "answer", "expected"),
    [
        pytest.param(
            413,
            error("payload_too_large", "Kiriman terlalu besar."),
            "Kiriman terlalu besar. (kode permintaan: req-1) Jawaban Anda tetap tersimpan di perangkat ini.",
            id="413",
        ),
        pytest.param(
            415,
            {},
            # No message from the server: the rule table's message for its status.
            "Format pengiriman tidak dikenali server (yang diterima hanya JSON). Muat ulang halaman, lalu kirim "
            "kembali; bila tetap gagal, hubungi LSP. Jawaban Anda tetap tersimpan di perangkat ini.",
            id="415-without-body",
        ),
        pytest.param(
            404,
            error("unknown_scheme", "Skema tidak dikenal."),
            "Skema tidak dikenal. (kode permintaan: req-1) Jawaban Anda tetap tersimpan di perangkat ini.",
            id="404",
        ),
    ],
)
def test_other_client_errors_say_what_happened_and_keep_the_draft(page, status, answer, expected):
    bodies = fake_api(page, (status, answer))
    page.click("#submit")
    expect(page.locator("#send-status")).to_have_text(expected)
    expect(page.locator("#retry")).to_be_hidden()
    expect(page.locator("#submit")).to_be_enabled()
    assert draft(page) is not None
    assert len(bodies) == 1


def test_print_shows_the_receipt_alone(page):
    fake_api(page, (201, RECEIPT))
    page.click("#submit")
    expect(page.locator("#receipt")).to_be_visible()
    page.emulate_media(media="print")
    visible = page.evaluate(
        "[...document.querySelectorAll('body *')].filter((n) => n.checkVisibility() && n.getBoundingClientRect().height > 0"
        " && !n.closest('#receipt') && !n.contains(document.getElementById('receipt')))"
        ".map((n) => n.tagName + '#' + n.id + '.' + n.className)"
    )
    assert visible == []
    expect(page.locator("#receipt-print")).to_be_hidden()
    expect(page.locator("#receipt-id")).to_be_visible()


def test_the_print_button_prints(page):
    page.add_init_script("window.print = () => { window.printed = (window.printed || 0) + 1; }")
    page.reload()  # the init script applies from the next load on
    fake_api(page, (201, RECEIPT))
    page.click("#submit")
    page.click("#receipt-print")
    assert page.evaluate("window.printed") == 1
