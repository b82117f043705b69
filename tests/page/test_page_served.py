"""The candidate's loop end to end against `build.py serve`: a real upload ticket and local upload,
the record and its evidence in the store, the status link on a second device, a review written
through the store, a revision whose chain both records show, and Kirim offline stored once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect
from support.browser import phone_context
from support.handler import Served, free_port
from support.page import NAME, PDF, SEED_PATH, fill_valid, stored_receipt
from support.schemes import FIXTURE_SCHEMES

from handler.record import Review, review_bytes
from handler.store import open_store
from swanilai.testing import WORKER_KEEPS_THE_PAGE, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path):
    server = Served(free_port(), tmp_path / "var", tmp_path / "site", schemes=FIXTURE_SCHEMES)
    yield server
    server.stop()


def records(var: Path) -> list[dict]:
    paths = [p for p in (var / "submissions").rglob("*.json")] if var.exists() else []
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def test_send_with_a_file_status_on_a_second_device_review_and_revision(served, phone, browser, seed, tmp_path):
    var = tmp_path / "var"
    base = f"http://127.0.0.1:{served.port}"
    phone.goto(base + SEED_PATH)
    phone.wait_for_function("window.Swanilai && window.Swanilai.form")
    document = tmp_path / "sertifikat.pdf"
    document.write_bytes(PDF)
    phone.set_input_files("#el-1-files input[type=file] >> nth=0", str(document))
    expect(phone.locator("#el-1-files .apl02-file-state")).to_have_text(["Terunggah"], timeout=20_000)
    fill_valid(phone)
    phone.click("#submit")
    expect(phone.locator("#receipt")).to_be_visible(timeout=20_000)
    kept = stored_receipt(phone)
    (record,) = records(var)
    first_key = seed.element_keys()[0]
    (listed,) = record["answers"][first_key]["files"]
    assert (listed["name"], listed["size"], listed["type"]) == ("sertifikat.pdf", len(PDF), "application/pdf")
    assert (var / "evidence" / seed.id / record["submission_id"] / f"{listed['sha256']}.pdf").read_bytes() == PDF
    assert record["consent"]["given"] is True and record["revises"] is None

    other = phone_context(browser)
    try:
        second = other.new_page()
        second.goto(phone.input_value("#receipt-status-link"))
        expect(second.locator("#status-state")).to_have_text("Diterima, belum ditinjau", timeout=15_000)

        review = Review(
            submission_id=record["submission_id"],
            scheme_id=seed.id,
            reviewed_at=datetime(2026, 11, 25, 3, 0, tzinfo=UTC),
            assessor_name="Andriansyah",
            registration="MET.000.001234 2020",
            outcome="perbaikan",
            notes="Lengkapi bukti unit 1.",
        )
        open_store(var).create(review.key, review_bytes(review))
        second.reload()
        expect(second.locator("#status-state")).to_have_text("Perlu perbaikan", timeout=15_000)
        expect(second.locator("#status-notes")).to_have_text("Catatan asesor: Lengkapi bukti unit 1.")

        second.click("#receipt-revise")
        second.click("#confirm-yes")
        expect(second.locator("#el-1-evidence")).to_have_value(record["answers"][first_key]["evidence"])
        # The file stays with the earlier submission: this device never had its bytes (see the report).
        second.click("#el-1-files .apl02-file-remove")
        second.check("#consent")
        second.check("#declaration")
        second.fill("#signature-typed", NAME)  # the status answer carries no signature image
        second.click("#submit")
        expect(second.locator("#receipt")).to_be_visible(timeout=20_000)
        assert other.outside_requests == []
    finally:
        other.close()

    revised = next(r for r in records(var) if r["submission_id"] != kept["submission_id"])
    assert revised["revises"] == {"submission_id": kept["submission_id"]}
    marker = var / "submissions" / seed.id / "revised-by" / f"{kept['submission_id']}.marker"
    assert json.loads(marker.read_text())["submission_id"] == revised["submission_id"]


def test_kirim_offline_is_stored_exactly_once_back_online(served, phone, tmp_path):
    phone.add_init_script("window.SWANILAI_RETRY_BASE_MS = 50")
    phone.goto(f"http://127.0.0.1:{served.port}{SEED_PATH}")
    phone.wait_for_function("window.Swanilai && window.Swanilai.form")
    fill_valid(phone)
    wait_until(phone, WORKER_KEEPS_THE_PAGE)
    phone.context.set_offline(True)
    phone.click("#submit")
    expect(phone.locator("#outbox")).to_be_visible()
    phone.context.set_offline(False)
    expect(phone.locator("#receipt")).to_be_visible(timeout=20_000)
    phone.wait_for_timeout(500)
    assert [r["submission_id"] for r in records(tmp_path / "var")] == [stored_receipt(phone)["submission_id"]]
