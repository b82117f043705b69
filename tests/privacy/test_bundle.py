"""`assessor.py bundle`: a copy of one candidate's data on request, the whole chain, as JSON, files and forms."""

from __future__ import annotations

import hashlib
import json
import zipfile

from click.testing import CliRunner
from support.privacy import FILE_NAME, FIRST, OTHER, PDF, PDF_2, SECOND

from swanilai.assessor.cli import Runtime, cli


def bundle(chain, out, *options):
    args = ["bundle", SECOND, "--store", str(chain.store.root), "--out", str(out), *options]
    return CliRunner().invoke(cli, args, prog_name="assessor.py", obj=Runtime(chain.clock))


def test_the_bundle_holds_every_record_review_file_and_form_of_the_chain_and_nothing_else(local_chain, tmp_path):
    out = tmp_path / "salinan.zip"
    result = bundle(local_chain, out)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    review = next(name for name in files if name.startswith(f"{FIRST}/tinjauan/"))
    assert sorted(files) == sorted(
        [
            "BACA-SAYA.txt",
            "manifest.json",
            f"{FIRST}/pengajuan.json",
            f"{FIRST}/FR.APL.02-{FIRST}.html",
            f"{FIRST}/bukti/{FILE_NAME}",
            review,
            f"{SECOND}/pengajuan.json",
            f"{SECOND}/FR.APL.02-{SECOND}.html",
            f"{SECOND}/bukti/{FILE_NAME}",
        ]
    )
    assert (files[f"{FIRST}/bukti/{FILE_NAME}"], files[f"{SECOND}/bukti/{FILE_NAME}"]) == (PDF, PDF_2)
    assert json.loads(files[f"{SECOND}/pengajuan.json"])["revises"] == {"submission_id": FIRST}
    assert "Lengkapi ijazah asli" in files[review].decode("utf-8")
    assert "Siti Rahmawati" in files[f"{FIRST}/FR.APL.02-{FIRST}.html"].decode("utf-8")
    assert not any(OTHER in name or OTHER.encode() in body for name, body in files.items())
    manifest = json.loads(files["manifest.json"])
    assert manifest["submission_ids"] == [FIRST, SECOND]
    assert {item["path"]: item["sha256"] for item in manifest["files"]} == {
        name: hashlib.sha256(body).hexdigest() for name, body in files.items() if name != "manifest.json"
    }
    assert "Salinan data pribadi Anda yang disimpan oleh " in files["BACA-SAYA.txt"].decode("utf-8")
    assert result.output == f"wrote {len(files)} file(s) of {FIRST}, {SECOND} to {out}\n"
    assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_the_bundle_carries_the_forms_as_pdf_too(local_chain, tmp_path):
    out = tmp_path / "salinan.zip"
    result = bundle(local_chain, out, "--pdf")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        assert archive.read(f"{SECOND}/FR.APL.02-{SECOND}.pdf").startswith(b"%PDF-")


def test_no_bundle_for_an_erased_candidate(local_chain, tmp_path):
    assert local_chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})[0] == 200
    result = bundle(local_chain, tmp_path / "x.zip")
    assert result.exit_code == 1
    assert "check the id (the full 36 characters), or it was erased (see erasures/)" in result.output
    assert not (tmp_path / "x.zip").exists()
