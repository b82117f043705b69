"""The seed: the LSP's own FR.APL.02, exported to text, imports to the scheme transcribed by hand."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.importer import SEED_ID, SEED_TEXT

from swanilai.importer import import_document
from swanilai.importer.report import format_report
from swanilai.scheme_source import check_file

ROOT = Path(__file__).resolve().parents[2]

# Every assumption the importer makes on the seed, in document order: (line, what it says).
SEED_NOTES = [
    (
        5,
        "jenis skema tidak dicentang di “Skema Sertifikasi (KKM/Okupasi/Klaster)”; kind dibiarkan kosong (halaman menampilkan KKNI/Okupasi/Klaster). Tambahkan kind: jika dokumen menyebutnya",
    ),
    (6, "nama LSP tidak tertulis tersendiri; diambil dari nomor skema: “LSP-P1 UMB”"),
    (31, "KUK 3.3 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…pelanggan ditawarkan…”"),
    (55, "label “Juduk Unit” dibaca sebagai “Judul Unit”"),
    (60, "nomor KUK “2.2.” dibaca sebagai “2.2”"),
    (63, "KUK 3.2 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…digunakan untuk…”"),
    (66, "kepala unit 7 terpecah di 2 baris tabel; digabung menjadi satu"),
    (74, "KUK 4.2 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…pelanggan ditulisakan…”"),
    (
        80,
        "KUK 2.3 diawali huruf kecil (“organisasi didaftarkan untuk…”); pastikan ini memang KUK baru, bukan lanjutan KUK sebelumnya",
    ),
    (83, "KUK 3.1 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…yang pantas…”"),
    (
        86,
        "unit 9: teks tanpa label “Judul Unit:” dipakai sebagai judul: “Menyusun Pelayanan yang Khas Berdasarkan Merek organisasi (…”",
    ),
    (
        86,
        "unit 9 tidak punya Kode Unit; code dibiarkan kosong (kode tidak pernah dikarang). Tambahkan code: jika LSP punya kodenya",
    ),
    (91, "KUK 2.3 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…merek organisasi.…”"),
    (116, "KUK 2.4 berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…guna meningkatkan…”"),
]


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    schemes = tmp_path_factory.mktemp("schemes")
    return import_document(SEED_TEXT, schemes, scheme_id=SEED_ID)


def test_seed_text_imports_to_exactly_the_transcribed_scheme(imported, seed_data):
    assert yaml.safe_load(imported.target.read_text(encoding="utf-8")) == seed_data
    assert imported.form.counts == (12, 38, 151)


def test_seed_import_lists_every_assumption_with_its_line(imported):
    assert [(note.place.line, note.text("id")) for note in imported.form.notes] == SEED_NOTES


def test_unit_nine_stays_without_a_code(imported):
    unit = yaml.safe_load(imported.target.read_text(encoding="utf-8"))["units"][8]
    assert "code" not in unit
    assert unit["title"] == "Menyusun Pelayanan yang Khas Berdasarkan Merek organisasi (*Branded Service*)"


def test_seed_import_passes_check(imported):
    problems = check_file(imported.target).problems
    assert [p for p in problems if not p.warning] == []
    assert imported.check_errors == ()


def test_the_yaml_carries_each_note_as_a_comment_above_its_place(imported):
    lines = imported.target.read_text(encoding="utf-8").splitlines()
    comments = [line.strip() for line in lines if line.strip().startswith("# PERIKSA")]
    assert len(comments) == len(SEED_NOTES)
    joined = lines.index(
        '          - number: "3.3"', lines.index("        title: Melaksanakan penanganan keluhan pelanggan")
    )
    assert lines[joined - 1].strip() == (
        "# PERIKSA (seed-fr-apl-02.txt:31): KUK 3.3 berlanjut di baris tabel berikutnya (pindah halaman); "
        "digabung: “…pelanggan ditawarkan…”"
    )


def test_report_names_the_file_the_counts_and_what_to_run_next(imported):
    report = format_report(imported, "seed.txt").splitlines()
    assert report[0].endswith(": 12 unit, 38 elemen, 151 KUK (dari seed.txt)")
    assert report[1] == "Periksa 14 hal berikut (juga ditandai “# PERIKSA” di berkasnya):"
    assert report[2] == f"  seed.txt:5: {SEED_NOTES[0][1]}"
    assert report[-1] == "Lalu: python3 build.py check, dan python3 build.py serve untuk melihat halamannya."


def test_build_py_import_writes_the_scheme_and_exits_zero(tmp_path):
    schemes = tmp_path / "schemes"
    schemes.mkdir()
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "build.py"),
            "--schemes",
            str(schemes),
            "import",
            str(SEED_TEXT),
            "--id",
            SEED_ID,
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "written: 12 units, 38 elements, 151 KUK" in run.stdout
    assert "Check these 14 points (also marked “# CHECK” in the file):" in run.stdout
    assert (schemes / f"{SEED_ID}.yaml").exists()
