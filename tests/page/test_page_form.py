"""The candidate's page in a real Chromium at phone size: content, field names, draft, keyboard."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from support.page import (
    DRAFT_KEY,
    NAME,
    SEED_PATH,
    draft,
    draw_signature,
    fill_valid,
    open_seed,
)

from handler import fields
from handler.scheme import plain_text

pytestmark = pytest.mark.browser


_STRUCTURE_JS = """
() => [...document.querySelectorAll(".apl02-unit")].map((unit) => ({
  code: unit.querySelector(".apl02-unit-head div:nth-child(1) dd").textContent.trim(),
  title: unit.querySelector(".apl02-unit-head div:nth-child(2) dd").textContent.trim(),
  elements: [...unit.querySelectorAll(".apl02-element")].map((el) => ({
    key: el.dataset.key,
    title: el.querySelector(".apl02-element-title").textContent.replace(/^\\s*Elemen \\d+\\s*/, "").trim(),
    criteria: [...el.querySelectorAll(".apl02-kuk li")].map((li) => li.textContent.replace(/\\s+/g, " ").trim()),
  })),
}))
"""


def _expected_structure(scheme) -> list[dict]:
    return [
        {
            "code": unit.code or "—",
            "title": plain_text(unit.title),
            "elements": [
                {
                    "key": element.key,
                    "title": plain_text(element.title),
                    "criteria": [f"{c.number} {plain_text(c.text)}" for c in element.criteria],
                }
                for element in unit.elements
            ],
        }
        for unit in scheme.units
    ]


def test_seed_page_shows_every_unit_element_and_criterion(phone, static_url, seed):
    open_seed(phone, static_url)
    assert phone.evaluate(_STRUCTURE_JS) == _expected_structure(seed)
    header = phone.locator(".apl02-head").inner_text()
    assert seed.title in header and seed.number in header
    for line in seed.instructions:
        expect(phone.locator(".apl02-guide")).to_contain_text(plain_text(line))
    # The scheme's *emphasis* is rendered as <em>, not as asterisks.
    assert "*" not in phone.locator("#apl02").inner_text()
    assert phone.locator(".apl02-kuk em").count() > 0


def test_field_names_in_the_page_are_exactly_the_handlers(phone, static_url, seed):
    open_seed(phone, static_url)
    names = phone.evaluate("[...new Set([...document.querySelectorAll('#apl02 [name]')].map((n) => n.name))]")
    answers = [name for key in seed.element_keys() for name in (fields.verdict_field(key), fields.evidence_field(key))]
    # Consent sits under the privacy notice, before the declaration, apart from it.
    page_order = [*answers, *fields.candidate_fields(), fields.CONSENT, fields.DECLARATION, fields.SIGNATURE]
    assert [n for n in names if n != fields.HONEYPOT] == page_order
    assert fields.HONEYPOT in names
    # Limits come from the same module.
    assert phone.locator("#candidate-name").get_attribute("maxlength") == str(fields.NAME_MAX)
    assert phone.locator("#el-1-evidence").get_attribute("maxlength") == str(fields.EVIDENCE_MAX)


@pytest.mark.parametrize(
    "setup_js",
    [
        pytest.param("", id="crypto.randomUUID"),
        # Browsers without randomUUID (or pages outside a secure context) fall back to getRandomValues.
        pytest.param("delete Crypto.prototype.randomUUID", id="getRandomValues-fallback"),
    ],
)
def test_a_first_visit_makes_a_uuid4_submission_id_and_keeps_it(phone, static_url, setup_js):
    if setup_js:
        phone.add_init_script(setup_js)
    open_seed(phone, static_url)
    first = draft(phone)["submission_id"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)
    phone.reload()
    assert draft(phone)["submission_id"] == first


def test_progress_counts_answered_elements(phone, static_url, seed):
    open_seed(phone, static_url)
    total = len(seed.elements)
    progress = phone.locator("#progress-text")
    expect(progress).to_have_text(f"0 dari {total} elemen terjawab")
    phone.locator("#el-1").get_by_label("K Kompeten", exact=True).check()
    expect(progress).to_have_text(f"1 dari {total} elemen terjawab")
    phone.locator("#el-2").get_by_label("BK Belum kompeten", exact=True).check()
    phone.locator("#el-2").get_by_label("K Kompeten", exact=True).check()
    expect(progress).to_have_text(f"2 dari {total} elemen terjawab")
    assert phone.locator("#progress-bar").evaluate("bar => [bar.value, bar.max]") == [2, total]
    fill_valid(phone)
    expect(progress).to_have_text(f"{total} dari {total} elemen terjawab")


def test_everything_filled_in_is_restored_after_reload(phone, static_url, seed):
    open_seed(phone, static_url)
    total = len(seed.elements)
    for index in range(1, total + 1):
        element = phone.locator(f"#el-{index}")
        if index % 4 == 0:
            element.get_by_label("BK Belum kompeten", exact=True).check()
        else:
            element.get_by_label("K Kompeten", exact=True).check()
            element.locator("textarea").fill(f"Sertifikat pelatihan {index}, 2024")
    phone.fill("#candidate-name", NAME)
    phone.fill("#candidate-email", "siti@contoh.co.id")
    phone.fill("#candidate-phone", "0812 3456 7890")
    phone.check("#declaration")
    draw_signature(phone)
    expect(phone.locator("#signature-pad")).to_have_attribute("aria-label", "Kotak tanda tangan, sudah ditandatangani")
    before = draft(phone)

    phone.reload()

    expect(phone.locator("#progress-text")).to_have_text(f"{total} dari {total} elemen terjawab")
    for index in range(1, total + 1):
        element = phone.locator(f"#el-{index}")
        if index % 4 == 0:
            expect(element.get_by_label("BK Belum kompeten", exact=True)).to_be_checked()
            expect(element.locator("textarea")).to_have_value("")
        else:
            expect(element.get_by_label("K Kompeten", exact=True)).to_be_checked()
            expect(element.locator("textarea")).to_have_value(f"Sertifikat pelatihan {index}, 2024")
    expect(phone.locator("#candidate-name")).to_have_value(NAME)
    expect(phone.locator("#candidate-email")).to_have_value("siti@contoh.co.id")
    expect(phone.locator("#candidate-phone")).to_have_value("0812 3456 7890")
    expect(phone.locator("#declaration")).to_be_checked()
    expect(phone.locator("#signature-pad")).to_have_attribute("aria-label", "Kotak tanda tangan, sudah ditandatangani")
    # The pad shows the drawing again (some pixels are inked), and the draft still holds the same PNG.
    inked = phone.evaluate("""() => {
      const c = document.getElementById('signature-pad');
      const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0; for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    }""")
    assert inked > 100
    after = draft(phone)
    assert after["signature"]["drawn"] == before["signature"]["drawn"]
    assert after["signature"]["drawn"].startswith("data:image/png;base64,")
    assert len(after["signature"]["drawn"]) * 3 / 4 < fields.SIGNATURE_PNG_MAX_BYTES / 4
    assert after["submission_id"] == before["submission_id"]
    assert set(after["answers"]) == set(seed.element_keys())
    assert phone.outside_requests == []


def test_clearing_the_signature_empties_the_pad_and_the_draft(phone, static_url):
    open_seed(phone, static_url)
    draw_signature(phone)
    assert draft(phone)["signature"]["drawn"].startswith("data:image/png;base64,")
    phone.click("#signature-clear")
    expect(phone.locator("#signature-pad")).to_have_attribute("aria-label", "Kotak tanda tangan, kosong")
    assert draft(phone)["signature"]["drawn"] == ""


def test_draft_of_an_older_scheme_version_restores_answers_whose_keys_still_exist(phone, static_url, seed):
    keys = seed.element_keys()
    old = {
        "format": 1,
        "scheme_id": seed.id,
        "scheme_version": "0123456789ab",
        "submission_id": "5f0c3a52-9a52-4c33-9d4b-2f6a8f0e6f11",
        "created_at": "2026-11-01T01:00:00.000Z",
        "answers": {
            keys[0]: {"verdict": "K", "evidence": "Laporan analisis pelanggan 2025"},
            keys[5]: {"verdict": "BK", "evidence": ""},
            "M.00XXX00.999.9/1": {"verdict": "K", "evidence": "Elemen yang sudah dihapus"},
        },
        "candidate": {"name": NAME, "email": "", "phone": ""},
        "declaration": False,
        "signature": {"drawn": "", "typed": NAME},
    }
    phone.goto(static_url + SEED_PATH)
    phone.evaluate("([key, value]) => localStorage.setItem(key, value)", [DRAFT_KEY, json.dumps(old)])
    phone.reload()

    expect(phone.locator("#el-1").get_by_label("K Kompeten", exact=True)).to_be_checked()
    expect(phone.locator("#el-1-evidence")).to_have_value("Laporan analisis pelanggan 2025")
    expect(phone.locator("#el-6").get_by_label("BK Belum kompeten", exact=True)).to_be_checked()
    expect(phone.locator("#progress-text")).to_have_text(f"2 dari {len(keys)} elemen terjawab")
    expect(phone.locator("#candidate-name")).to_have_value(NAME)
    expect(phone.locator("#notice")).to_have_text(
        "Skema ini telah diperbarui sejak Anda terakhir mengisi. Jawaban untuk elemen yang masih ada telah "
        "dipulihkan; periksa kembali sebelum mengirim. 1 jawaban untuk elemen yang sudah tidak ada di skema "
        "disimpan terpisah di perangkat ini dan tidak ikut dikirim."
    )
    saved = draft(phone)
    assert saved["scheme_version"] == seed.version
    assert saved["submission_id"] == old["submission_id"]
    assert set(saved["answers"]) == {keys[0], keys[5]}
    assert saved["set_aside"]["M.00XXX00.999.9/1"]["evidence"] == "Elemen yang sudah dihapus"


def test_today_is_shown_in_wib(phone, static_url):
    open_seed(phone, static_url)
    expected = phone.evaluate(
        "new Intl.DateTimeFormat('id-ID', {timeZone: 'Asia/Jakarta', dateStyle: 'long'}).format(new Date())"
    )
    expect(phone.locator("#today")).to_have_text(expected)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", phone.locator("#today").get_attribute("datetime"))


def test_honeypot_is_hidden_from_people_and_assistive_technology(phone, static_url):
    open_seed(phone, static_url)
    honeypot = phone.locator("#website")
    assert honeypot.get_attribute("tabindex") == "-1"
    assert phone.locator(".apl02-honeypot").get_attribute("aria-hidden") == "true"
    box = honeypot.bounding_box()
    assert box is None or box["x"] + box["width"] <= 0
    fill_valid(phone)
    expect(honeypot).to_have_value("")


def test_keyboard_alone_reaches_a_choice_the_evidence_and_kirim(phone, static_url):
    open_seed(phone, static_url)
    first_k = phone.locator("#el-1").get_by_label("K Kompeten", exact=True)
    for _ in range(40):
        phone.keyboard.press("Tab")
        if first_k.evaluate("node => node === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first element's K / BK choice")
    phone.keyboard.press("ArrowRight")  # a radio group moves and selects with the arrow keys
    expect(phone.locator("#el-1").get_by_label("BK Belum kompeten", exact=True)).to_be_checked()
    phone.keyboard.press("ArrowLeft")
    expect(first_k).to_be_checked()
    phone.keyboard.press("Tab")
    expect(phone.locator("#el-1-evidence")).to_be_focused()
    phone.keyboard.type("Portofolio proyek 2024")
    expect(phone.locator("#el-1-evidence")).to_have_value("Portofolio proyek 2024")
    phone.keyboard.press("Tab")  # "Lampirkan bukti"
    expect(phone.locator("#el-1-files input[type=file]").first).to_be_focused()
    phone.keyboard.press("Tab")  # "Ambil foto"
    phone.keyboard.press("Tab")
    phone.keyboard.press("Space")  # the next element's first radio, chosen with space
    expect(phone.locator("#el-2").get_by_label("K Kompeten", exact=True)).to_be_checked()
    expect(phone.locator("#progress-text")).to_contain_text("2 dari")
    phone.locator("#signature-typed").focus()
    phone.keyboard.type(NAME)
    phone.keyboard.press("Tab")
    expect(phone.locator("#submit")).to_be_focused()
    assert draft(phone)["signature"]["typed"] == NAME


def test_the_page_fits_a_360_px_phone_without_sideways_scrolling(phone, static_url):
    open_seed(phone, static_url)
    phone.click("#submit")  # with every error shown as well
    expect(phone.locator("#error-summary")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # Material's header clips its sliding title itself; everything in the content must fit.
    too_wide = phone.evaluate(
        "[...document.querySelectorAll('.md-content *')].filter((n) => n.getBoundingClientRect().right > 360.5)"
        ".map((n) => n.tagName + '.' + n.className)"
    )
    assert too_wide == []
    sizes = phone.evaluate(
        "[...document.querySelectorAll('.apl02-choice, #submit, #signature-clear, #candidate-name, .apl02-check')]"
        ".map((n) => n.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 44


def test_a_second_tab_follows_the_first_instead_of_overwriting_it(phone, static_url):
    open_seed(phone, static_url)
    other = phone.context.new_page()
    open_seed(other, static_url)
    phone.locator("#el-1").get_by_label("K Kompeten", exact=True).check()
    phone.fill("#el-1-evidence", "Laporan 2025")
    expect(other.locator("#el-1-evidence")).to_have_value("Laporan 2025")
    expect(other.locator("#el-1").get_by_label("K Kompeten", exact=True)).to_be_checked()
    expect(other.locator("#progress-text")).to_contain_text("1 dari")
    other.fill("#candidate-name", NAME)  # and typing in the second tab keeps the first tab's answer
    assert [answer["evidence"] for answer in draft(other)["answers"].values()] == ["Laporan 2025"]
    expect(phone.locator("#candidate-name")).to_have_value(NAME)
    other.close()
