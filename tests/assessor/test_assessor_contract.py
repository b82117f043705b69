"""The contract between the handler and assessor.py: what the real handler files, assessor.py reads and renders."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from support.records import png_data_url

from handler.record import parse_record
from handler.store import LocalStore

RECEIVED = datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC)


def filed_by_the_handler(store, catalog_dir, seed, signature: str) -> str:
    """Validate and file a submission exactly as the Lambda does; return its id."""
    from handler.catalog import load_scheme
    from handler.filing import file_submission
    from handler.submission import validate_submission
    from swanilai.testing import notice_version, status_key_hash

    entry = load_scheme(catalog_dir, seed.id)
    submission_id = str(uuid.uuid4())
    payload = {
        "scheme": {"id": seed.id, "version": seed.version},
        "submission_id": submission_id,
        "candidate": {"name": "  Dewi Lestari ", "email": "dewi@example.id", "phone": ""},
        "answers": {
            key: {"verdict": "BK" if index % 5 == 0 else "K", "evidence": f"Bukti <{index}> & =1+{index}"}
            for index, key in enumerate(seed.element_keys())
        },
        "declaration": True,
        "signature": signature,
        "consent": {"given": True, "notice_version": notice_version()},
        "status_key_sha256": status_key_hash(),
        "website": "",
    }
    assert file_submission(store, validate_submission(payload, entry.scheme), entry, RECEIVED).status == 201
    return submission_id


@pytest.mark.parametrize("signature", [png_data_url(), "Dewi Lestari"], ids=["drawn", "typed"])
def test_a_record_filed_by_the_handler_is_listed_rendered_and_exported(invoke, seed, catalog_dir, tmp_path, signature):
    store = LocalStore(tmp_path / "var")
    submission_id = filed_by_the_handler(store, catalog_dir, seed, signature)
    [key] = [obj.key for obj in store.list("submissions/") if obj.key.endswith(".json")]
    record = parse_record(store.get(key), key)
    assert (record.submission_id, record.candidate.name, record.candidate.phone) == (
        submission_id,
        "Dewi Lestari",
        None,
    )
    assert record.scheme == seed and record.count("BK") == 8

    listed = invoke("list", store.root)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[1].split()[:3] == [submission_id, "2026-11-24", "06:15"]
    rendered = invoke("render", submission_id[:8], "--dir", store.root, "--out", tmp_path / "forms")
    assert rendered.exit_code == 0, rendered.output
    page = (tmp_path / "forms" / f"FR.APL.02-{submission_id}.html").read_text()
    assert "Bukti &lt;0&gt; &amp; =1+0" in page and page.count("✓</td>") == len(seed.elements)
    assert ('<img class="signature"' in page) is signature.startswith("data:")
    exported = invoke("export", "--csv", "--dir", store.root, "--out", tmp_path / "rekap.csv")
    assert exported.exit_code == 0 and "'=1+0" not in (tmp_path / "rekap-answers.csv").read_text(encoding="utf-8-sig")
