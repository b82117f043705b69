"""export: one row per submission and one per element answer; nothing a spreadsheet would run as a formula."""

from __future__ import annotations

import csv

import pytest

from swanilai.assessor.export import neutralise

FORMULA_STARTS = ("=", "+", "-", "@")


def test_xlsx_has_a_row_per_submission_and_a_row_per_answer(invoke, copy, seed, tmp_path):
    from openpyxl import load_workbook

    result = invoke("export", "--dir", copy.root, "--out", tmp_path / "rekap.xlsx")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"exported 3 submission(s) and {3 * len(seed.elements)} answer(s) to {tmp_path / 'rekap.xlsx'}\n"
    )
    book = load_workbook(tmp_path / "rekap.xlsx")
    assert book.sheetnames == ["submissions", "answers"]
    submissions = list(book["submissions"].values)
    answers = list(book["answers"].values)
    assert len(submissions) == 1 + 3 and len(answers) == 1 + 3 * len(seed.elements)
    header = submissions[0]
    rows = {row[0]: dict(zip(header, row, strict=False)) for row in submissions[1:]}
    reviewed = rows[copy.records["reviewed"]["submission_id"]]
    assert (reviewed["k_count"], reviewed["bk_count"]) == (26, 12)
    assert (reviewed["recommendation"], reviewed["assessor_name"]) == ("tidak_lanjut", "Andriansyah Bachtillah")
    assert reviewed["scheme_number"] == seed.number and reviewed["received_wib"] == "2026-11-24 06:15"
    assert rows[copy.records["typed"]["submission_id"]]["recommendation"] is None  # an empty cell
    first = dict(zip(answers[0], answers[1], strict=False))
    assert (first["unit_code"], first["element"]) == ("M.70MKT00.019.2", "1. " + seed.units[0].elements[0].title)


def test_xlsx_cells_never_hold_a_formula(invoke, copy, tmp_path):
    from openpyxl import load_workbook

    invoke("export", "--dir", copy.root, "--out", tmp_path / "rekap.xlsx")
    book = load_workbook(tmp_path / "rekap.xlsx")
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    assert "'=cmd|' /C calc'!A0" in texts and "'+6281234567890" in texts and "'-20% biaya @kantor" in texts


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
    hostile = next(r for r in submissions if r["submission_id"] == copy.records["hostile"]["submission_id"])
    assert (hostile["candidate_name"], hostile["candidate_phone"]) == ("'=cmd|' /C calc'!A0", "'+6281234567890")


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
