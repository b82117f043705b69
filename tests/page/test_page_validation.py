"""Kirim checks everything first: exact Indonesian messages beside the fields and in the summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.browser import phone_context
from support.page import API_GLOB, RECEIPT, SEED_PATH, draw_signature, fill_valid, open_seed

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def form_page(browser, static_url):
    """One phone page for the whole module; each test starts from a valid, fully filled form."""
    context = phone_context(browser)
    outside = context.outside_requests
    page = context.new_page()
    sent: list[str] = []
    # Validation must stop every one of these before the network: record anything that gets through.
    page.route(API_GLOB, lambda route: (sent.append(route.request.url), route.abort()))
    open_seed(page, static_url)
    page.sent = sent  # type: ignore[attr-defined]
    page.outside_requests = outside  # type: ignore[attr-defined]
    yield page
    assert outside == []
    context.close()


@pytest.fixture
def page(form_page, static_url):
    form_page.evaluate("localStorage.clear()")
    form_page.goto(static_url + SEED_PATH)
    form_page.wait_for_function("document.getElementById('save-status').textContent !== ''")
    fill_valid(form_page)
    form_page.sent.clear()
    yield form_page
    assert form_page.sent == [], "an invalid form reached the API"


NAME_REQUIRED = "Nama Asesi wajib diisi: tuliskan nama lengkap Anda."
DECLARATION = (
    "Pernyataan wajib dicentang: nyatakan bahwa jawaban dan bukti yang Anda isi benar dan dapat Anda "
    "pertanggungjawabkan."
)
CONSENT_REQUIRED = (
    "Persetujuan pemrosesan data pribadi wajib dicentang. Tanpa persetujuan Anda, LSP tidak boleh menerima dan "
    "menilai data asesmen mandiri ini (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi). Baca pemberitahuan "
    "privasi di atas kotak centang, lalu centang bila Anda setuju."
)
SIGNATURE_REQUIRED = (
    "Tanda Tangan Asesi wajib diisi: tanda tangani kotak tanda tangan, atau ketik nama Anda sebagai tanda tangan."
)


def evidence_required(element: str) -> str:
    return (
        f"{element}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, sertifikat, "
        "atau laporan kerja beserta tahunnya, atau lampirkan berkas buktinya."
    )


def _errors(page) -> dict[str, str]:
    """Every message shown beside a field, by field name."""
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('[data-error-for]:not([hidden])')]"
        ".map((n) => [n.dataset.errorFor, n.textContent]))"
    )


def _summary(page) -> list[str]:
    return page.locator("#error-summary li").all_inner_texts()


def test_an_unanswered_element_blocks_kirim_and_focus_goes_to_it(page):
    page.locator("#el-3 input:checked").evaluate(
        "r => { r.checked = false; r.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    page.click("#submit")
    expect(page.locator("#error-summary")).to_be_visible()
    assert _errors(page) == {
        "answers[M.70MKT00.019.2/3].verdict": "Unit 1, elemen 3: pilih K atau BK.",
    }
    assert _summary(page) == ["Unit 1, elemen 3: pilih K atau BK."]
    expect(page.locator("#el-3 input[value='K']")).to_be_focused()
    expect(page.locator("#el-3 input[value='K']")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#send-status")).to_have_text(
        "Belum terkirim: 1 isian perlu diperbaiki. Daftarnya ada di bagian atas formulir."
    )


def test_an_empty_form_lists_every_missing_field_in_page_order(page, seed):
    page.evaluate("localStorage.clear()")
    page.reload()
    page.click("#submit")
    summary = _summary(page)
    unanswered = [
        f"Unit {u}, elemen {e.number}: pilih K atau BK." for u, unit in enumerate(seed.units, 1) for e in unit.elements
    ]
    assert summary == [
        *unanswered,
        NAME_REQUIRED,
        CONSENT_REQUIRED,
        DECLARATION,
        SIGNATURE_REQUIRED,
    ]
    expect(page.locator("#error-summary-title")).to_have_text(
        f"Periksa kembali isian Anda: {len(summary)} isian perlu diperbaiki"
    )
    expect(page.locator("#el-1 input[value='K']")).to_be_focused()


# One row per client-side error: how to break the valid form, the field, the exact message, what gets focus.
CASES = [
    pytest.param(
        "document.getElementById('el-1-evidence').value = '   '",
        "el-1-evidence",
        "answers[M.70MKT00.019.2/1].evidence",
        evidence_required("Unit 1, elemen 1"),
        "#el-1-evidence",
        id="K-without-evidence",
    ),
    pytest.param(
        "document.getElementById('el-1-evidence').value = 'x'.repeat(2001)",
        "el-1-evidence",
        "answers[M.70MKT00.019.2/1].evidence",
        "Unit 1, elemen 1: Bukti yang relevan terlalu panjang: paling banyak 2.000 karakter (sekarang 2.001). "
        "Persingkat isian ini.",
        "#el-1-evidence",
        id="evidence-too-long",
    ),
    pytest.param(
        "document.getElementById('candidate-name').value = ''",
        "candidate-name",
        "candidate.name",
        NAME_REQUIRED,
        "#candidate-name",
        id="no-name",
    ),
    pytest.param(
        "document.getElementById('candidate-name').value = ' S '",
        "candidate-name",
        "candidate.name",
        "Nama Asesi terlalu pendek: isi paling sedikit 2 karakter.",
        "#candidate-name",
        id="name-too-short",
    ),
    pytest.param(
        "document.getElementById('candidate-email').value = 'siti@contoh'",
        "candidate-email",
        "candidate.email",
        "Email tidak valid: tuliskan alamat seperti nama@contoh.co.id, atau kosongkan kolom ini.",
        "#candidate-email",
        id="bad-email",
    ),
    pytest.param(
        "document.getElementById('candidate-phone').value = '0812-ABC'",
        "candidate-phone",
        "candidate.phone",
        "Nomor telepon tidak valid: tuliskan nomor seperti 0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini.",
        "#candidate-phone",
        id="bad-phone",
    ),
    pytest.param(
        "document.getElementById('consent').checked = false",
        "consent",
        "consent",
        CONSENT_REQUIRED,
        "#consent",
        id="no-consent-nothing-is-sent",
    ),
    pytest.param(
        "document.getElementById('declaration').checked = false",
        "declaration",
        "declaration",
        DECLARATION,
        "#declaration",
        id="no-declaration",
    ),
    pytest.param(
        "document.getElementById('signature-typed').value = ''",
        "signature-typed",
        "signature",
        SIGNATURE_REQUIRED,
        "#signature-field",
        id="no-signature",
    ),
    # The page checked no minimum for a typed signature; the server refused it.
    pytest.param(
        "document.getElementById('signature-typed').value = ' S '",
        "signature-typed",
        "signature",
        "Tanda Tangan Asesi terlalu pendek: isi paling sedikit 2 karakter.",
        "#signature-field",
        id="typed-signature-too-short",
    ),
    pytest.param(
        "document.getElementById('candidate-name').value = 'Siti \\u202eRahma'",
        "candidate-name",
        "candidate.name",
        "Nama Asesi memuat karakter tersembunyi yang tidak dapat diterima (U+202E, karakter ke-6). "
        "Hapus karakter itu, misalnya dengan mengetik ulang bagian tersebut tanpa salin-tempel.",
        "#candidate-name",
        id="name-with-right-to-left-override",
    ),
    pytest.param(
        "document.getElementById('el-1-evidence').value = 'Laporan \\u001b[2J 2024'",
        "el-1-evidence",
        "answers[M.70MKT00.019.2/1].evidence",
        "Unit 1, elemen 1: Bukti yang relevan memuat karakter tersembunyi yang tidak dapat diterima "
        "(U+001B, karakter ke-9). Hapus karakter itu, misalnya dengan mengetik ulang bagian tersebut tanpa salin-tempel.",
        "#el-1-evidence",
        id="evidence-with-escape",
    ),
]


@pytest.mark.parametrize(("breaking_js", "control_id", "field", "message", "focused"), CASES)
def test_kirim_shows_the_exact_message_beside_the_field(page, breaking_js, control_id, field, message, focused):
    page.evaluate(
        f"{breaking_js}; document.getElementById('{control_id}').dispatchEvent(new Event('input', {{bubbles: true}}))"
    )
    page.click("#submit")
    expect(page.locator("#error-summary")).to_be_visible()
    assert _errors(page) == {field: message}
    assert _summary(page) == [message]
    expect(page.locator(focused)).to_be_focused()
    invalid = page.locator("#signature-typed" if field == "signature" else f"#{control_id}")
    expect(invalid).to_have_attribute("aria-invalid", "true")


def test_a_summary_link_takes_focus_to_its_field(page):
    page.evaluate("document.getElementById('candidate-name').value = ''")
    page.evaluate("document.getElementById('declaration').checked = false")
    page.click("#submit")
    expect(page.locator("#candidate-name")).to_be_focused()
    page.locator("#error-summary a", has_text="Pernyataan wajib dicentang").click()
    expect(page.locator("#declaration")).to_be_focused()


def test_fixing_a_field_removes_its_message_at_once(page):
    page.evaluate("document.getElementById('candidate-name').value = ''")
    page.evaluate("document.getElementById('el-2-evidence').value = ''")
    page.click("#submit")
    assert len(_summary(page)) == 2
    page.fill("#candidate-name", "Siti Rahmawati")
    expect(page.locator("[data-error-for='candidate.name']")).to_be_hidden()
    expect(page.locator("#candidate-name")).not_to_have_attribute("aria-invalid", "true")
    assert _summary(page) == [evidence_required("Unit 1, elemen 2")]
    # Answering BK makes evidence optional: that message goes too, and the summary with it.
    page.locator("#el-2").get_by_label("BK Belum kompeten", exact=True).check()
    expect(page.locator("#error-summary")).to_be_hidden()


def test_a_drawn_signature_alone_satisfies_the_signature(page):
    page.evaluate("document.getElementById('signature-typed').value = ''")
    draw_signature(page)

    def accept(route) -> None:
        route.fulfill(status=201, json={**RECEIPT, "submission_id": route.request.post_data_json["submission_id"]})

    page.route(API_GLOB, accept)  # the newest route answers first
    try:
        page.click("#submit")
        expect(page.locator("#receipt")).to_be_visible()
        assert _errors(page) == {}
    finally:
        page.unroute(API_GLOB, accept)
