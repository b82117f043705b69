"""The desk page in Chromium against `build.py serve`: open one submission (the rendered form, its
verification, printing), each review outcome, the history, two assessors at once, and a review
done with the keyboard alone."""

from __future__ import annotations

import base64
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def open_submission(page, desk, name: str) -> None:
    """Find a submission by name in the list and open it; wait until its form is shown."""
    page.fill("#filter-q", name)
    page.press("#filter-q", "Enter")
    link = page.locator("#list-rows .desk-name a", has_text=name)
    expect(link).to_have_count(1)
    link.click()
    expect(page.locator("#detail-title")).to_have_text(name)
    expect(page.locator("#detail-print")).to_be_enabled()


def draw(page, selector: str = "#review-pad") -> None:
    """Sign with the mouse: a zig-zag across the pad."""
    pad = page.locator(selector)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + w * (0.1 + step * 0.1), y + h * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()


def frame_text(page) -> str:
    return page.frame_locator("#detail-frame").locator("body").inner_text()


def test_opening_one_shows_the_rendered_form_its_verification_and_no_script_runs_in_it(desk, signed_in):
    page = signed_in()
    open_submission(page, desk, "Budi Santoso")
    facts = page.locator("#detail-facts").inner_text()
    assert "Cocok: isi yang tersimpan sama persis dengan tanda terima asesi." in facts
    sha = page.locator("#detail-facts .desk-code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{64}", sha)
    status, body, _ = desk.api.request("GET", f"/desk/submissions/{desk.ids['Budi Santoso']}")
    assert sha == body["verification"]["sha256"]
    # The form is the API's own HTML, the renderer assessor.py uses, in a frame where no script runs.
    status, html, _ = desk.api.request("GET", f"/desk/submissions/{desk.ids['Budi Santoso']}/form")
    assert status == 200
    assert page.locator("#detail-frame").get_attribute("srcdoc") == html.decode("utf-8")
    assert page.locator("#detail-frame").get_attribute("sandbox") == "allow-same-origin allow-modals"
    text = frame_text(page)
    assert "FR.APL.02" in text and "Budi Santoso" in text
    # Its stylesheet is the site's file (the CSP allows no inline style): applied, the tables have borders.
    border = page.frame_locator("#detail-frame").locator("td").first.evaluate("n => getComputedStyle(n).borderTopStyle")
    assert border == "solid"
    # The revision chain and the review that counts.
    expect(page.locator("#detail-warnings")).to_contain_text("Asesi sudah mengirim revisi kiriman ini.")
    expect(page.locator("#detail-chain-list li")).to_have_count(2)
    expect(page.locator("#history > li")).to_have_count(1)
    expect(page.locator("#history > li").first).to_contain_text("Asesmen dapat dilanjutkan")
    expect(page.locator("#history > li").first).to_contain_text("berlaku")


def test_a_record_that_no_longer_matches_its_receipt_is_flagged(desk, signed_in):
    page = signed_in()

    def altered(route) -> None:
        response = route.fetch()
        body = response.json()
        body["verification"] = {**body["verification"], "matches_receipt": False}
        route.fulfill(response=response, json=body)

    page.route(re.compile(r".*/api/desk/submissions/[0-9a-f-]{36}$"), altered)
    open_submission(page, desk, "Lina Marlina")
    expect(page.locator("#detail-facts .desk-bad")).to_have_text(
        "TIDAK cocok: isi yang tersimpan berbeda dari tanda terima asesi. Jangan lanjutkan; laporkan kepada admin LSP."
    )


def test_print_prints_the_form_itself_named_after_the_candidate_and_the_day(desk, signed_in):
    page = signed_in()
    open_submission(page, desk, "Andréas Wijaya")
    # Chromium's print dialog cannot be driven: record which document print() was called on, and its title.
    page.evaluate(
        """() => { const win = document.getElementById('detail-frame').contentWindow;
                   win.print = () => { window.__printed = win.document.title; }; }"""
    )
    page.click("#detail-print")
    # Received 9 March 18.30 UTC: 10 March in WIB, the day the form carries.
    assert page.evaluate("window.__printed") == "FR.APL.02 Andréas Wijaya 2025-03-10"
    assert page.evaluate("document.title") == "FR.APL.02 Andréas Wijaya 2025-03-10"
    # The print stylesheet is the form's own A4 one.
    sheets = (
        page.frame_locator("#detail-frame").locator("link[rel=stylesheet]").evaluate_all("ls => ls.map(l => l.href)")
    )
    assert sheets == [desk.origin + "/assets/apl02.css"]


@pytest.mark.parametrize(
    ("name", "outcome", "notes", "element_note"),
    [
        pytest.param("Rina Kusuma", "lanjut", "", None, id="lanjut"),
        pytest.param("Joko Prasetyo", "tidak_lanjut", "Bukti tidak relevan dengan unit.", None, id="tidak_lanjut"),
        pytest.param(
            "Maya Sari", "perbaikan", "Lengkapi bukti unit pertama.", "Lampirkan laporan kerja.", id="perbaikan"
        ),
    ],
)
def test_each_outcome_is_stored_signed_and_shown(desk, signed_in, name, outcome, notes, element_note):
    page = signed_in()
    account = page.locator("#account-name").inner_text()
    open_submission(page, desk, name)
    page.check(f"#outcome-{outcome}")
    if notes:
        page.fill("#review-notes", notes)
    if element_note:
        expect(page.locator("#review-elements")).to_be_visible()
        page.click("#review-elements summary")
        page.locator("#review-elements-list textarea").first.fill(element_note)
    else:
        expect(page.locator("#review-elements")).to_be_hidden()
    draw(page)
    page.click("#review-submit")
    expect(page.locator("#desk-status")).to_have_text("Keputusan Anda tersimpan.")
    expect(page.locator("#history > li")).to_have_count(1)
    label = page.evaluate(f"Swanilai.desk.OUTCOMES[{outcome!r}]")
    expect(page.locator("#history > li").first).to_contain_text(label)
    expect(page.locator("#history > li").first).to_contain_text(account)
    expect(page.locator("#history li img")).to_have_attribute("alt", f"Tanda tangan {account}")

    (stored,) = desk.reviews(name)
    first_key = desk.schemes["dua-unit"].element_keys()[0]
    assert stored["outcome"] == outcome
    assert stored["assessor"]["name"] == account
    assert stored["assessor"]["registration"].startswith("MET.")
    assert stored["notes"] == (notes or None)
    assert stored["element_notes"] == ({first_key: element_note} if element_note else {})
    assert stored["signature"]["kind"] == "drawn"
    png = base64.b64decode(stored["signature"]["data_url"].split(",", 1)[1])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # Back in the list, the row says the new state.
    page.click("#detail-back")
    row = page.locator(f'#list-rows tr[data-id="{desk.ids[name]}"]')
    expect(row.locator(".desk-state")).to_have_text(label)
    expect(row.locator("a")).to_be_focused()


@pytest.mark.parametrize(
    ("outcome", "sign", "expected"),
    [
        pytest.param(
            None,
            False,
            {
                "outcome": "Pilih Keputusan: Asesmen dapat dilanjutkan, Asesmen tidak dapat dilanjutkan, atau Perlu perbaikan.",
                "signature": "Tanda tangan Asesor wajib diisi: tanda tangani kotak tanda tangan.",
            },
            id="nothing-chosen",
        ),
        pytest.param(
            "perbaikan",
            True,
            {
                "notes": "Catatan wajib diisi untuk \u201cPerlu perbaikan\u201d: tuliskan apa yang perlu diperbaiki asesi."
            },
            id="perbaikan-without-a-note",
        ),
        pytest.param(
            "lanjut",
            False,
            {"signature": "Tanda tangan Asesor wajib diisi: tanda tangani kotak tanda tangan."},
            id="unsigned",
        ),
    ],
)
def test_an_incomplete_review_is_refused_with_every_reason_and_nothing_is_stored(
    desk, signed_in, outcome, sign, expected
):
    page = signed_in()
    open_submission(page, desk, "Yusuf Hakim")
    posts: list[str] = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    if outcome:
        page.check(f"#outcome-{outcome}")
    if sign:
        draw(page)
    page.click("#review-submit")
    expect(page.locator("#review-errors")).to_be_visible()
    expect(page.locator("#review-errors")).to_be_focused()
    for name, message in expected.items():
        expect(page.locator(f"#review-{name}-error")).to_have_text(message)
    assert page.locator("#review-errors li").all_inner_texts() == list(expected.values())
    assert posts == [] and desk.reviews("Yusuf Hakim") == []


def test_a_refusal_from_the_api_is_shown_beside_its_field(desk, signed_in):
    page = signed_in()
    open_submission(page, desk, "Yusuf Hakim")
    page.check("#outcome-perbaikan")
    page.fill("#review-notes", "Perbaiki.")
    page.click("#review-elements summary")
    area = page.locator("#review-elements-list textarea").first
    # A note with a control character: the page lets it through, the API refuses it by its field.
    area.evaluate("(node) => { node.value = 'Bukti \\u0007 kurang'; }")
    draw(page)
    page.click("#review-submit")
    expect(page.locator("#review-errors")).to_be_focused()
    key = desk.schemes["dua-unit"].element_keys()[0]
    status, answer, _ = desk.api.request(
        "POST",
        f"/desk/submissions/{desk.ids['Yusuf Hakim']}/reviews",
        {"outcome": "perbaikan", "notes": "x", "element_notes": {key: "Bukti \u0007 kurang"}, "signature": ""},
    )
    message = answer["fields"][f"element_notes[{key}]"]
    expect(area).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#review-elements-list .desk-field-error")).to_have_text(message)
    expect(page.locator("#review-errors")).to_contain_text(message)
    assert desk.reviews("Yusuf Hakim") == []


def test_two_assessors_at_once_both_kept_and_the_page_says_so(desk, signed_in):
    page = signed_in()
    open_submission(page, desk, "Wulan Anggraini")
    # Another assessor decides while this page is open.
    status, other, _ = desk.api.request(
        "POST",
        f"/desk/submissions/{desk.ids['Wulan Anggraini']}/reviews",
        {
            "outcome": "tidak_lanjut",
            "notes": "Dari asesor lain.",
            "signature": page.evaluate(_PNG),
            "seen_latest": None,
        },
    )
    assert status == 201, other
    page.check("#outcome-lanjut")
    draw(page)
    page.click("#review-submit")
    expect(page.locator("#desk-status")).to_contain_text("asesor lain menyimpan keputusan untuk kiriman ini")
    expect(page.locator("#history > li")).to_have_count(2)
    history = page.locator("#history > li").all_inner_texts()
    assert "Dari asesor lain." in history[0]  # oldest first
    assert "berlaku" in history[1] and "Asesmen dapat dilanjutkan" in history[1]
    expect(page.locator("#detail-warnings")).to_contain_text("Lebih dari satu asesor meninjau kiriman ini")
    assert [review["outcome"] for review in desk.reviews("Wulan Anggraini")] == ["tidak_lanjut", "lanjut"]


# A small real PNG made in the page, as the other assessor's signature.
_PNG = """() => { const c = document.createElement('canvas'); c.width = 40; c.height = 12;
  const x = c.getContext('2d'); x.fillRect(0, 5, 40, 2); return c.toDataURL('image/png'); }"""


def tab_to(page, selector: str, most: int = 400) -> None:
    """Press Tab until the element matching selector has focus, as a keyboard user would."""
    for _ in range(most):
        if page.evaluate(f"document.activeElement && document.activeElement.matches({selector!r})"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_review_with_the_keyboard_alone(desk, signed_in):
    page = signed_in()
    page.locator("#desk-title").focus()
    tab_to(page, "#filter-q")
    page.keyboard.type("Agus Salim")
    page.keyboard.press("Enter")
    expect(page.locator("#list-rows .desk-name a")).to_have_count(1)
    tab_to(page, "#list-rows .desk-name a")
    page.keyboard.press("Enter")
    expect(page.locator("#detail-title")).to_be_focused()
    expect(page.locator("#detail-print")).to_be_enabled()
    tab_to(page, "#detail-skip")
    page.keyboard.press("Enter")
    expect(page.locator("#review-title")).to_be_focused()
    tab_to(page, "input[name=outcome]")
    page.keyboard.press("ArrowDown")  # from the first outcome to the second
    expect(page.locator("#outcome-tidak_lanjut")).to_be_checked()
    tab_to(page, "#review-notes")
    page.keyboard.type("Belum memenuhi.")
    tab_to(page, "#review-sign-name")
    page.keyboard.press("Enter")
    expect(page.locator("#review-pad")).to_have_attribute("aria-label", "Kotak tanda tangan, sudah ditandatangani")
    tab_to(page, "#review-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#desk-status")).to_have_text("Keputusan Anda tersimpan.")
    (stored,) = desk.reviews("Agus Salim")
    assert (stored["outcome"], stored["notes"]) == ("tidak_lanjut", "Belum memenuhi.")
    assert stored["signature"]["data_url"].startswith("data:image/png;base64,")
