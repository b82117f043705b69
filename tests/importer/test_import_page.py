"""Every imported scheme passes `check`, accepts a full submission, and one builds a page a phone fills and sends."""

from __future__ import annotations

import json

import pytest
from support.importer import SEED_TEXT

from handler.submission import validate_submission
from swanilai.importer import import_document
from swanilai.scheme_source import check_schemes
from swanilai.testing import Served, free_port, full_payload

SOURCES = ["seed-text", "seed-cell.docx", "seed-rows.docx", "seed-merged.docx", "long-tick.docx", "long-strike.docx"]
SOURCES += ["seed-cell.pdf", "seed-rows.pdf", "seed-merged.pdf", "long-tick.pdf", "long-strike.pdf"]


def source_path(name: str, documents, pdfs):
    if name == "seed-text":
        return SEED_TEXT
    return (pdfs if name.endswith(".pdf") else documents) / name


@pytest.mark.parametrize("name", SOURCES)
def test_imported_scheme_passes_check_and_accepts_a_full_submission(name, documents, pdfs, tmp_path):
    schemes = tmp_path / "schemes"
    schemes.mkdir()
    import_document(source_path(name, documents, pdfs), schemes, scheme_id="diimpor")
    result = check_schemes(schemes)
    assert result.errors == []
    (scheme,) = result.schemes
    submission = validate_submission(full_payload(scheme), scheme)
    assert len(submission.answers) == len(scheme.elements)


@pytest.mark.browser
def test_a_phone_fills_and_sends_the_page_of_an_imported_word_document(documents, tmp_path, phone):
    from support.page import fill_valid

    schemes = tmp_path / "schemes"
    schemes.mkdir()
    import_document(documents / "long-tick.docx", schemes, scheme_id="pemasaran-digital")
    server = Served(free_port(), tmp_path / "var", tmp_path / "site", schemes=schemes)
    try:
        phone.goto(f"http://127.0.0.1:{server.port}/skema/pemasaran-digital/")
        phone.wait_for_function("document.getElementById('save-status').textContent !== ''")
        assert phone.locator(".apl02-element").count() == 4
        assert phone.locator(".apl02-kuk-no").all_inner_texts()[9:12] == ["1.10", "1.11", "1.12"]
        fill_valid(phone)
        phone.click("#submit")
        phone.locator("#receipt").wait_for(state="visible", timeout=20_000)
    finally:
        server.stop()
    (path,) = [p for p in (tmp_path / "var" / "submissions").rglob("*.json") if "by-id" not in p.parts]
    record = json.loads(path.read_text(encoding="utf-8"))
    assert record["scheme"]["id"] == "pemasaran-digital"
    criteria = record["scheme"]["units"][0]["elements"][0]["criteria"]
    assert criteria[11] == {"number": "1.12", "text": "Rencana kampanye disetujui oleh atasan."}
    assert phone.outside_requests == []
