"""Consent (UU 27/2022): its own checkbox, for the privacy notice the site shows now; without it nothing is stored."""

from __future__ import annotations

import json

import pytest

from handler import fields
from handler.catalog import NOTICE_FILE, current_notice_version, forget_schemes
from swanilai.privacy import load_notice

CONSENT_REQUIRED = (
    "Persetujuan pemrosesan data pribadi wajib dicentang. Tanpa persetujuan Anda, LSP tidak boleh menerima dan "
    "menilai data asesmen mandiri ini (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi). Baca pemberitahuan "
    "privasi di atas kotak centang, lalu centang bila Anda setuju."
)
UNREADABLE = "Persetujuan pemrosesan data pribadi tidak terbaca. Muat ulang halaman, lalu kirim kembali."


@pytest.mark.parametrize(
    "consent, message",
    [
        (..., CONSENT_REQUIRED),
        (None, CONSENT_REQUIRED),
        ({"given": False, "notice_version": "a64ac5f9172e"}, CONSENT_REQUIRED),
        ({"given": False}, CONSENT_REQUIRED),
        ({"given": True}, UNREADABLE),
        ({"given": True, "notice_version": "v1"}, UNREADABLE),
        ({"given": "ya", "notice_version": "a64ac5f9172e"}, CONSENT_REQUIRED),
        (True, UNREADABLE),
        ({"given": True, "notice_version": "a64ac5f9172e", "at": "now"}, UNREADABLE),
    ],
    ids=[
        "absent",
        "null",
        "unticked",
        "unticked-without-version",
        "no-version",
        "malformed-version",
        "given-as-text",
        "a-bare-true",
        "unknown-member",
    ],
)
def test_without_consent_nothing_is_sent_and_the_message_says_why(api, payload, consent, message):
    if consent is ...:
        del payload["consent"]
    else:
        payload["consent"] = consent
    result = api.post(payload)
    assert (result.status, result.fields) == (400, {"consent": message})
    assert api.keys() == []


def test_consent_is_separate_from_the_declaration(api, payload):
    payload["declaration"] = False
    assert list(api.post(payload).fields) == ["declaration"]
    payload["declaration"] = True
    del payload["consent"]
    assert list(api.post(payload).fields) == ["consent"]


def test_consent_to_another_notice_is_a_409_and_nothing_is_stored(api, payload):
    payload["consent"]["notice_version"] = "000000000000"
    result = api.post(payload)
    assert (result.status, result.json["error"], result.json["message"]) == (
        409,
        "notice_outdated",
        fields.ERRORS["notice_outdated"]["message"],
    )
    assert api.keys() == []


def test_a_retry_after_the_notice_changed_gets_its_receipt(api, payload, catalog_dir, tmp_path):
    first = api.post(payload)
    # The LSP publishes a new notice: the catalog's version changes under the running handler.
    changed = tmp_path / "catalog"
    changed.mkdir()
    for entry in catalog_dir.glob("*.json"):
        (changed / entry.name).write_bytes(entry.read_bytes())
    data = json.loads((changed / NOTICE_FILE).read_text())
    data["version"] = "ffffffffffff"
    (changed / NOTICE_FILE).write_text(json.dumps(data))
    from dataclasses import replace

    from handler import app

    app.configure(replace(app.current_config(), catalog_dir=changed))
    forget_schemes()
    again = api.post(payload)
    assert (first.status, again.status, again.json) == (201, 200, first.json)
    new = dict(payload, submission_id="0b5f8a47-3c1e-4d2a-9f6b-000000000009")
    assert api.post(new).json["error"] == "notice_outdated"


def test_the_record_keeps_the_consent_and_the_notice_version(api, payload):
    assert api.post(payload).status == 201
    (key,) = [k for k in api.keys() if k.endswith(".json")]
    record = json.loads(api.store.get(key))
    assert record["consent"] == {"given": True, "notice_version": load_notice().version}


def test_the_build_writes_the_current_notice_version_into_the_catalog(catalog_dir):
    assert current_notice_version(catalog_dir) == load_notice().version
    written = json.loads((catalog_dir / NOTICE_FILE).read_text(encoding="utf-8"))
    assert (written["controller"], written["retention_years"]) == (
        load_notice().controller,
        load_notice().retention_years,
    )
