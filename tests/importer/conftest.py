"""Documents made the way LSPs make them, once per session: .docx by python-docx, PDF by LibreOffice.

`seed` is the tests' copy of the seed scheme; `LONG` a second scheme with what the seed lacks: a
ticked kind, KUK numbered 1.10 and beyond, a number inside a KUK's text, italics, and a unit whose
code is written as "-". Each document is written from one of them, so an import must give it back.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from support.importer import FIXTURES, SEED_ID, SEED_TEXT, SEED_YAML  # noqa: F401 - fixtures below use them

from swanilai.importer.specimen import convert_to_pdf, soffice, write_docx

LIBREOFFICE_APT = "apt-get install -y --no-install-recommends libreoffice-writer-nogui"


def _criteria(element: int, texts: list[str]) -> list[dict]:
    return [{"number": f"{element}.{i}", "text": text} for i, text in enumerate(texts, start=1)]


LONG = {
    "kind": "Okupasi",
    "title": "Pengelolaan Pemasaran Digital",
    "number": "SKM.07/LSP-P1 UMB/2024",
    "lsp": "LSP-P1 UMB",
    "assessor": "Rina Wulandari",
    "instructions": [
        "Baca setiap pertanyaan di kolom sebelah kiri",
        "Beri tanda centang (✓) pada kotak jika Anda yakin dapat melakukan tugas yang dijelaskan.",
        "Isi kolom di sebelah kanan dengan bukti yang Anda miliki.",
    ],
    "units": [
        {
            "code": "M.70MKT00.031.1",
            "title": "Mengelola Kampanye *Search Engine Marketing*",
            "elements": [
                {
                    "number": 1,
                    "title": "Merencanakan kampanye berbayar (*paid campaign*)",
                    "criteria": _criteria(
                        1,
                        [
                            "Tujuan kampanye ditetapkan sesuai rencana pemasaran.",
                            "Anggaran harian dihitung berdasarkan target konversi.",
                            "Kata kunci (*keyword*) diteliti dalam waktu 1.5 jam per kelompok iklan.",
                            "Kelompok iklan disusun menurut tema produk.",
                            "Teks iklan ditulis sesuai pedoman merek.",
                            "Halaman tujuan (*landing page*) diperiksa kesesuaiannya.",
                            "Jadwal tayang ditentukan berdasarkan data kunjungan.",
                            "Wilayah sasaran dipilih sesuai pasar organisasi.",
                            "Strategi penawaran (*bidding*) dipilih sesuai tujuan.",
                            "Pelacakan konversi dipasang dan diuji.",
                            "Kata kunci negatif ditetapkan untuk mencegah klik tidak relevan.",
                            "Rencana kampanye disetujui oleh atasan.",
                        ],
                    ),
                },
                {
                    "number": 2,
                    "title": "Memantau kinerja kampanye",
                    "criteria": _criteria(
                        2,
                        [
                            "Rasio klik (*click-through rate*) dipantau setiap hari.",
                            "Biaya per konversi dibandingkan dengan target.",
                        ],
                    ),
                },
            ],
        },
        {
            "title": "Menyusun Laporan Kinerja Kanal Digital",
            "elements": [
                {
                    "number": 1,
                    "title": "Mengumpulkan data kanal digital",
                    "criteria": _criteria(
                        1,
                        [
                            "Data kunjungan dikumpulkan dari alat analitik.",
                            "Data penjualan daring dicocokkan dengan data kunjungan.",
                            "Data yang tidak lengkap dicatat dan dilaporkan.",
                        ],
                    ),
                }
            ],
        },
        {
            "code": "M.70MKT00.033.2",
            "title": "Mengevaluasi Hasil Pemasaran Digital",
            "elements": [
                {
                    "number": 1,
                    "title": "Menilai capaian pemasaran digital",
                    "criteria": _criteria(
                        1, ["Capaian dibandingkan dengan sasaran.", "Rekomendasi perbaikan disusun."]
                    ),
                }
            ],
        },
    ],
}


@pytest.fixture(scope="session")
def seed_data() -> dict:
    return yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))


@pytest.fixture
def long_data() -> dict:
    return copy.deepcopy(LONG)


@pytest.fixture(scope="session")
def documents(tmp_path_factory, seed_data) -> Path:
    """The .docx documents, by name: seed in three layouts, LONG with its kind ticked or struck."""
    out = tmp_path_factory.mktemp("documents")
    for layout in ("cell", "rows", "merged"):
        write_docx(seed_data, out / f"seed-{layout}.docx", layout=layout, kind_mark="none")
    write_docx(LONG, out / "long-tick.docx", kind_mark="tick", unlabelled_uncoded_title=False)
    write_docx(LONG, out / "long-strike.docx", layout="rows", kind_mark="strike", unlabelled_uncoded_title=False)
    return out


@pytest.fixture(scope="session")
def pdfs(tmp_path_factory, documents) -> Path:
    """The same documents exported to PDF by LibreOffice headless, in one run."""
    if soffice() is None:
        pytest.fail(f"soffice (LibreOffice) is missing: {LIBREOFFICE_APT} (tests/run should do it)")
    out = tmp_path_factory.mktemp("pdfs")
    convert_to_pdf(sorted(documents.glob("*.docx")), out)
    return out


@pytest.fixture
def schemes(tmp_path) -> Path:
    """An empty scheme directory to import into."""
    directory = tmp_path / "schemes"
    directory.mkdir()
    return directory
