"""export: one row per submission and one per element answer; nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
from datetime import datetime

import pytest
from support.records import make_record, record_key

from handler.xlsx import neutralise

FORMULA_STARTS = ("=", "+", "-", "@")
SUBMISSION_HEADERS = (
    "ID Pengajuan",
    "Diterima (WIB)",
    "Skema",
    "Nomor Skema",
    "Judul Skema",
    "Nama Asesi",
    "Email",
    "Telepon",
    "K",
    "BK",
    "Status Tinjauan",
    "Asesor",
    "No. Reg. Asesor",
    "Ditinjau (WIB)",
    "Catatan Asesor",
)
ANSWER_HEADERS = (
    "ID Pengajuan",
    "Kode Unit",
    "Judul Unit",
    "Kunci Elemen",
    "Elemen",
    "Jawaban",
    "Bukti",
    "Catatan Asesor",
)


def test_xlsx_has_a_row_per_submission_and_a_row_per_answer(invoke, copy, seed, tmp_path):
    from openpyxl import load_workbook

    result = invoke("export", "--dir", copy.root, "--out", tmp_path / "rekap.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"exported 3 submission(s) and {3 * len(seed.elements)} answer(s) to {tmp_path / 'rekap.xlsx'}\n"
    )
    book = load_workbook(tmp_path / "rekap.xlsx")
    assert book.sheetnames == ["Pengajuan", "Jawaban"]
    submissions = list(book["Pengajuan"].values)
    answers = list(book["Jawaban"].values)
    assert submissions[0] == SUBMISSION_HEADERS and answers[0] == ANSWER_HEADERS
    assert len(submissions) == 1 + 3 and len(answers) == 1 + 3 * len(seed.elements)
    rows = {row[0]: dict(zip(SUBMISSION_HEADERS, row, strict=True)) for row in submissions[1:]}
    reviewed = rows[copy.records["reviewed"]["submission_id"]]
    assert (reviewed["K"], reviewed["BK"]) == (26, 12)
    assert (reviewed["Status Tinjauan"], reviewed["Asesor"]) == (
        "Asesmen tidak dapat dilanjutkan",
        "Andriansyah Bachtillah",
    )
    assert reviewed["Catatan Asesor"] == "Bukti unit 3 <b>belum</b> memadai"
    assert reviewed["Nomor Skema"] == seed.number
    assert reviewed["Diterima (WIB)"].replace(microsecond=0) == datetime(2026, 11, 24, 6, 15, 2)  # a real date
    assert book["Pengajuan"]["B2"].number_format == "yyyy-mm-dd hh:mm"
    typed = rows[copy.records["typed"]["submission_id"]]
    assert (typed["Status Tinjauan"], typed["Asesor"], typed["Email"]) == ("Belum ditinjau", None, None)
    first = dict(zip(ANSWER_HEADERS, answers[1], strict=True))
    assert (first["Kode Unit"], first["Elemen"]) == ("M.70MKT00.019.2", "1. " + seed.units[0].elements[0].title)
    for sheet in book:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_xlsx_cells_never_hold_a_formula_and_show_no_apostrophe(invoke, copy, tmp_path):
    from openpyxl import load_workbook

    invoke("export", "--dir", copy.root, "--out", tmp_path / "rekap.xlsx")
    book = load_workbook(tmp_path / "rekap.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "=cmd|' /C calc'!A0" in texts and "+6281234567890" in texts and "-20% biaya @kantor" in texts
    assert not [t for t in texts if t.startswith("'")]


def test_csv_writes_two_files_neutralised(invoke, copy, seed, tmp_path):
    result = invoke("export", "--csv", "--dir", copy.root, "--out", tmp_path / "rekap.csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(f"to {tmp_path / 'rekap.csv'}, {tmp_path / 'rekap-answers.csv'}\n")
    with open(tmp_path / "rekap.csv", encoding="utf-8-sig", newline="") as handle:
        submissions = list(csv.DictReader(handle))
    with open(tmp_path / "rekap-answers.csv", encoding="utf-8-sig", newline="") as handle:
        answers = list(csv.DictReader(handle))
    assert len(submissions) == 3 and len(answers) == 3 * len(seed.elements)
    values = [v for row in submissions + answers for v in row.values()]
    assert not [v for v in values if v.startswith(FORMULA_STARTS)]
    hostile = next(r for r in submissions if r["ID Pengajuan"] == copy.records["hostile"]["submission_id"])
    assert (hostile["Nama Asesi"], hostile["Telepon"]) == ("'=cmd|' /C calc'!A0", "'+6281234567890")
    assert hostile["Diterima (WIB)"] == "2026-11-26 06:15"


def test_format_follows_the_out_suffix_and_defaults_to_xlsx_in_the_copy(invoke, copy, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert invoke("export", "--dir", copy.root).exit_code == 0
    assert invoke("export", "--dir", copy.root, "--out", "r.csv").exit_code == 0
    assert invoke("export", "--csv", "--dir", copy.root).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy", "r-answers.csv", "r.csv"]
    assert sorted(p.name for p in (copy.root / "exports").iterdir()) == [
        "submissions-answers.csv",
        "submissions.csv",
        "submissions.xlsx",
    ]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Siti", "Siti"),
        ("", ""),
        (26, 26),
        (None, None),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "plain", "empty", "number", "none"],
)
def test_neutralise(value, expected):
    assert neutralise(value) == expected


# Text an old record (or a stray one) may hold that no spreadsheet can: each becomes U+FFFD, the rest stays.
UNSAFE_TEXT = [
    ("bell-and-escape-in-evidence", "evidence", "Laporan\x07 proyek\x1b[2J 2024", "Laporan\ufffd proyek\ufffd[2J 2024"),
    ("nul-in-evidence", "evidence", "Laporan\x00 2024", "Laporan\ufffd 2024"),
    ("c1-and-bidi-in-evidence", "evidence", "Bukti\x85 \u202elain", "Bukti\ufffd \ufffdlain"),
    ("noncharacters-in-name", "name", "Siti\ufffe Rahayu\uffff", "Siti\ufffd Rahayu\ufffd"),
    ("lone-surrogate-in-phone", "phone", "0812 \ud83d", "0812 \ufffd"),
]


def unsafe_record(seed, field: str, text: str) -> dict:
    record = make_record(
        seed, name=text if field == "name" else "Siti Rahayu", phone=text if field == "phone" else None
    )
    if field == "evidence":
        record["answers"][seed.element_keys()[0]] = {"verdict": "K", "evidence": text}
    return record


def plant(root, record) -> None:
    path = root / record_key(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(json.dumps(record).encode())  # ASCII JSON, as a lone surrogate can only be stored escaped


def cell_of(field: str) -> tuple[str, str]:
    """The sheet and column a field is exported to."""
    return {
        "evidence": ("Jawaban", "Bukti"),
        "name": ("Pengajuan", "Nama Asesi"),
        "phone": ("Pengajuan", "Telepon"),
    }[field]


@pytest.mark.parametrize(
    "field, stored, exported", [row[1:] for row in UNSAFE_TEXT], ids=[row[0] for row in UNSAFE_TEXT]
)
def test_text_no_spreadsheet_can_hold_is_replaced_not_fatal(invoke, seed, tmp_path, field, stored, exported):
    from openpyxl import load_workbook

    plant(tmp_path / "copy", unsafe_record(seed, field, stored))
    result = invoke("export", "--dir", tmp_path / "copy", "--out", tmp_path / "rekap.xlsx")
    assert result.exit_code == 0, result.output
    sheet, column = cell_of(field)
    header, *rows = load_workbook(tmp_path / "rekap.xlsx")[sheet].values
    assert rows[0][header.index(column)] == exported

    result = invoke("export", "--csv", "--dir", tmp_path / "copy", "--out", tmp_path / "rekap.csv")
    assert result.exit_code == 0, result.output
    target = tmp_path / ("rekap-answers.csv" if sheet == "Jawaban" else "rekap.csv")
    with open(target, encoding="utf-8-sig", newline="") as handle:
        assert next(csv.DictReader(handle))[column] == exported


def test_the_workbook_of_unsafe_text_opens_in_libreoffice(invoke, seed, tmp_path):
    if not shutil.which("soffice"):
        pytest.fail("soffice is missing: install Debian's libreoffice-calc-nogui (tests/run does)")
    for field, stored, _ in (row[1:] for row in UNSAFE_TEXT):
        plant(tmp_path / "copy", unsafe_record(seed, field, stored))
    assert invoke("export", "--dir", tmp_path / "copy", "--out", tmp_path / "rekap.xlsx").exit_code == 0
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    converted = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--convert-to",
         every_sheet, "--outdir", str(tmp_path / "csv"), str(tmp_path / "rekap.xlsx")],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    with open(tmp_path / "csv" / "rekap-Pengajuan.csv", encoding="utf-8", newline="") as handle:
        submissions = list(csv.DictReader(handle))
    with open(tmp_path / "csv" / "rekap-Jawaban.csv", encoding="utf-8", newline="") as handle:
        answers = list(csv.DictReader(handle))
    assert len(submissions) == len(UNSAFE_TEXT) and len(answers) == len(UNSAFE_TEXT) * len(seed.elements)
    assert submissions[0]["Diterima (WIB)"].startswith("2026-11-24 06:15")  # a date, in WIB
    shown = {row["Nama Asesi"] for row in submissions} | {row["Telepon"] for row in submissions}
    shown |= {row["Bukti"] for row in answers}
    for field, _, exported in (row[1:] for row in UNSAFE_TEXT):
        assert exported in shown, field


def test_exports_and_forms_are_readable_by_their_owner_only(invoke, copy, tmp_path):
    previous = os.umask(0o022)  # the usual default, which would leave files readable by everyone
    try:
        assert invoke("export", "--dir", copy.root, "--out", tmp_path / "exports" / "rekap.xlsx").exit_code == 0
        assert invoke("export", "--csv", "--dir", copy.root, "--out", tmp_path / "exports" / "rekap.csv").exit_code == 0
        assert invoke("render", "--all", "--dir", copy.root, "--out", tmp_path / "forms" / "lsp").exit_code == 0
    finally:
        os.umask(previous)
    written = [p for p in tmp_path.rglob("*") if not p.is_relative_to(copy.root)]
    assert {oct(p.stat().st_mode & 0o777) for p in written if p.is_dir()} == {"0o700"}
    assert {oct(p.stat().st_mode & 0o777) for p in written if p.is_file()} == {"0o600"}
    assert len([p for p in written if p.is_file()]) == 3 + 3
