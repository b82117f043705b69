"""The desk's erasure form (admin): checked in the page, then erased by the erasure function, the list reloaded.

A module of its own: it erases one of the served submissions, which the other modules count on.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_erasure_needs_an_id_a_reason_and_the_confirmation(desk, signed_in):
    page = signed_in()
    page.click("#admin summary")
    page.fill("#erase-id", desk.ids["Joko Prasetyo"][:8])
    page.click("#erase button[type=submit]")
    expect(page.locator("#erase-id-error")).to_have_text(
        "ID pengajuan tidak valid: salin ID lengkap (36 karakter, seperti 0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69) "
        "dari tanda terima atau dari daftar."
    )
    expect(page.locator("#erase-reason-error")).to_have_text(
        "Alasan penghapusan hanya boleh permintaan_subjek, retensi, atau lainnya."
    )
    expect(page.locator("#erase-confirm-error")).to_have_text(
        "Centang pernyataan di atas bila Anda yakin: penghapusan tidak dapat dibatalkan."
    )
    expect(page.locator("#erase-id")).to_be_focused()
    assert any(desk.ids["Joko Prasetyo"] in str(path) for path in desk.store.root.rglob("*"))


def test_admin_erases_a_candidates_data_and_the_list_no_longer_shows_it(desk, signed_in):
    submission_id = desk.ids["Joko Prasetyo"]
    page = signed_in()
    expect(page.locator("#list-rows")).to_contain_text("Joko Prasetyo")
    page.click("#admin summary")
    page.fill("#erase-id", submission_id.upper())
    page.select_option("#erase-reason", "permintaan_subjek")
    expect(page.locator("#erase-reason option")).to_have_text(
        ["Pilih alasan", "Permintaan asesi (subjek data)", "Masa simpan telah berakhir", "Alasan lain"]
    )
    page.check("#erase-confirm")
    page.click("#erase button[type=submit]")
    expect(page.locator("#erase-result")).to_contain_text(f"Data asesi sudah dihapus: 1 pengajuan ({submission_id}), ")
    expect(page.locator("#erase-result")).to_contain_text("Kode penghapusan: ")
    expect(page.locator("#list-rows")).not_to_contain_text("Joko Prasetyo")
    assert not any(submission_id in str(path) for path in desk.store.root.rglob("*") if ".desk" not in path.parts)
    # Asked again, the page says it was done before.
    page.fill("#erase-id", submission_id)
    page.select_option("#erase-reason", "permintaan_subjek")
    page.check("#erase-confirm")
    page.click("#erase button[type=submit]")
    expect(page.locator("#erase-result")).to_contain_text("Data ini sudah dihapus sebelumnya")
