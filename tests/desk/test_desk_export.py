"""The desk's download: the current filter as XLSX (openpyxl and LibreOffice read it) or CSV, from the index."""

from __future__ import annotations

import base64
import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from support.desk import ADMIN
from support.records import make_record, png_data_url, store_record

from handler import indexer

EXPORT = "GET /desk/export"
HEADERS = (
    "ID Pengajuan",
    "Diterima (WIB)",
    "Skema",
    "Nomor Skema",
    "Judul Skema",
    "Nama Asesi",
    "K",
    "BK",
    "Status Tinjauan",
    "Asesor",
    "No. Reg. Asesor",
    "Ditinjau (WIB)",
    "Catatan Asesor",
    "Jumlah Tinjauan",
    "Revisi dari",
    "Direvisi oleh",
    "Berkas Bukti",
)


@pytest.fixture
def exported(filled, seed, clock):
    """The filled desk plus a hostile name and a reviewed submission with notes."""
    hostile = make_record(
        seed, name='=HYPERLINK("http://evil.example","klik")', received_at=datetime(2026, 11, 27, 1, tzinfo=UTC)
    )
    store_record(filled.store, hostile)
    indexer.reindex(filled.store, filled.index, clock())
    sid = filled.records[0]["submission_id"]
    body = {
        "outcome": "perbaikan",
        "notes": "+ Lengkapi bukti\nunit 3",
        "signature": png_data_url(),
        "seen_latest": None,
    }
    filled.call(
        "POST /desk/submissions/{submission_id}/reviews", parameters={"submission_id": sid}, body=body, caller=ADMIN
    )
    filled.hostile = hostile
    return filled


def workbook(answer):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(answer.data))


def test_the_xlsx_has_indonesian_headers_wib_dates_notes_widths_and_a_filter(exported):
    answer = exported.call(EXPORT, query={"format": "xlsx"})
    assert answer.status == 200 and answer.raw["isBase64Encoded"] is True
    assert answer.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert answer.headers["content-disposition"] == 'attachment; filename="rekap-asesmen-mandiri-2026-12-01.xlsx"'
    book = workbook(answer)
    sheet = book["Pengajuan"]
    rows = list(sheet.values)
    assert rows[0] == HEADERS
    by_name = {row[5]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    siti = by_name["Siti Rahayu"]
    # Real dates, in WIB (to the second: a spreadsheet's date number carries no more).
    assert siti["Diterima (WIB)"].replace(microsecond=0) == datetime(2026, 11, 24, 6, 15, 2)
    assert siti["Ditinjau (WIB)"].replace(microsecond=0) == datetime(2026, 12, 1, 10, 4, 5)
    assert (siti["Status Tinjauan"], siti["Asesor"], siti["Catatan Asesor"]) == (
        "Perlu perbaikan",
        "Admin LSP",
        "+ Lengkapi bukti\nunit 3",
    )
    assert (siti["K"], siti["BK"], siti["Jumlah Tinjauan"]) == (26, 12, 1)
    assert by_name["Budi Santoso"]["Status Tinjauan"] == "Belum ditinjau"
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.auto_filter.ref == "A1:Q5"
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 38 and sheet.column_dimensions["M"].width == 60


def test_xlsx_text_is_never_a_formula_and_shows_without_an_apostrophe(exported):
    sheet = workbook(exported.call(EXPORT))["Pengajuan"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    names = [row[5] for row in sheet.values]
    assert '=HYPERLINK("http://evil.example","klik")' in names  # exactly as typed: no apostrophe shown
    assert not [v for v in names if isinstance(v, str) and v.startswith("'")]


def test_the_xlsx_opens_in_libreoffice_with_the_same_cells(exported, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("soffice is missing: install Debian's libreoffice-calc-nogui (tests/run does)")
    (tmp_path / "rekap.xlsx").write_bytes(exported.call(EXPORT).data)
    converted = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(tmp_path / "csv"), str(tmp_path / "rekap.xlsx")],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    with open(tmp_path / "csv" / "rekap.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_name = {row["Nama Asesi"]: row for row in rows}
    assert set(by_name) == {
        "Siti Rahayu",
        "Budi Santoso",
        "Dédé Kurniawati",
        '=HYPERLINK("http://evil.example","klik")',
    }
    assert by_name["Siti Rahayu"]["Diterima (WIB)"] == "2026-11-24 06:15"
    assert by_name["Siti Rahayu"]["Catatan Asesor"] == "+ Lengkapi bukti\nunit 3"


def test_the_csv_neutralises_formulas_with_an_apostrophe(exported):
    answer = exported.call(EXPORT, query={"format": "csv", "state": "belum"})
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="rekap-asesmen-mandiri-2026-12-01.csv"'
    text = answer.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["Nama Asesi"] for row in rows] == [
        '\'=HYPERLINK("http://evil.example","klik")',
        "Dédé Kurniawati",
        "Budi Santoso",
    ]
    assert rows[2]["Diterima (WIB)"] == "2026-11-25 06:15"


def test_the_export_follows_the_filters_and_its_name_the_wib_day(exported, clock):
    clock.now = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 00:00 WIB on 2 December
    answer = exported.call(EXPORT, query={"q": "siti"})
    assert answer.headers["content-disposition"] == 'attachment; filename="rekap-asesmen-mandiri-2026-12-02.xlsx"'
    assert [row[5] for row in list(workbook(answer)["Pengajuan"].values)[1:]] == ["Siti Rahayu"]


def test_a_bad_format_or_list_parameter_is_refused(exported):
    answer = exported.call(EXPORT, query={"format": "pdf", "cursor": "x"})
    assert (answer.status, answer.json["fields"]) == (
        400,
        {
            "format": "Format berkas hanya boleh xlsx atau csv.",
            "cursor": "Kolom ini tidak dikenal. Muat ulang halaman, lalu coba lagi.",
        },
    )


def test_more_rows_than_one_file_holds_is_413(exported, monkeypatch):
    from handler import deskrules

    monkeypatch.setattr(deskrules, "EXPORT_MAX_ROWS", 3)
    answer = exported.call(EXPORT)
    assert (answer.status, answer.json["error"]) == (413, "export_too_large")
    assert "lebih dari 3 baris" in answer.json["message"]


def test_base64_body_is_the_file(exported):
    answer = exported.call(EXPORT)
    assert base64.b64decode(answer.raw["body"]).startswith(b"PK\x03\x04")
