"""`assessor.py export`: one row per submission and one per element answer, as XLSX or CSV.

The workbook is written by handler/xlsx.py, the desk's writer too: Indonesian headers, times as
real dates in WIB, column widths, a frozen and filtered header row, and text cells that no
spreadsheet runs as a formula (inline strings, no apostrophe). CSV has no cell types, so there a
text that would run as a formula gets a leading apostrophe. Characters no document can hold are
shown as U+FFFD: one old or stray record never fails or corrupts the file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from handler.deskrules import STATE_LABELS
from handler.record import Review
from handler.scheme import plain_text
from handler.wib import WIB
from handler.xlsx import DATE, INTEGER, Column, Sheet, csv_bytes, xlsx_bytes
from swanilai.assessor.files import write_atomically
from swanilai.assessor.records import Reviewed

SUBMISSION_COLUMNS = (
    Column("ID Pengajuan", 38),
    Column("Diterima (WIB)", 17, DATE),
    Column("Skema", 30),
    Column("Nomor Skema", 26),
    Column("Judul Skema", 40),
    Column("Nama Asesi", 30),
    Column("Email", 30),
    Column("Telepon", 18),
    Column("K", 6, INTEGER),
    Column("BK", 6, INTEGER),
    Column("Status Tinjauan", 30),
    Column("Asesor", 28),
    Column("No. Reg. Asesor", 24),
    Column("Ditinjau (WIB)", 17, DATE),
    Column("Catatan Asesor", 60),
)
ANSWER_COLUMNS = (
    Column("ID Pengajuan", 38),
    Column("Kode Unit", 18),
    Column("Judul Unit", 40),
    Column("Kunci Elemen", 22),
    Column("Elemen", 50),
    Column("Jawaban", 9),
    Column("Bukti", 60),
    Column("Catatan Asesor", 50),
)
SHEET_NAMES = ("Pengajuan", "Jawaban")


def wib(moment: datetime) -> datetime:
    """A moment as the naive WIB time a spreadsheet shows."""
    return moment.astimezone(WIB).replace(tzinfo=None)


def export_rows(items: list[Reviewed]) -> tuple[list[tuple], list[tuple]]:
    """One row per submission and one per element answer."""
    submissions, answers = [], []
    for item in items:
        record, review = item.record, item.review
        submissions.append(
            (
                record.submission_id,
                wib(record.received_at),
                record.scheme.id,
                record.scheme.number,
                plain_text(record.scheme.title),
                record.candidate.name,
                record.candidate.email,
                record.candidate.phone,
                record.count("K"),
                record.count("BK"),
                STATE_LABELS[review.outcome if review else "belum"],
                review.assessor_name if review else None,
                review.registration if review else None,
                wib(review.reviewed_at) if review else None,
                review.notes if review else None,
            )
        )
        for unit in record.scheme.units:
            for element in unit.elements:
                answer = record.answers.get(element.key)
                answers.append(
                    (
                        record.submission_id,
                        unit.code,
                        plain_text(unit.title),
                        element.key,
                        f"{element.number}. {plain_text(element.title)}",
                        answer.verdict if answer else None,
                        answer.evidence if answer else None,
                        _element_note(review, element.key),
                    )
                )
    return submissions, answers


def _element_note(review: Review | None, key: str) -> str | None:
    return review.element_notes.get(key) if review else None


def sheets(submissions: list[tuple], answers: list[tuple]) -> tuple[Sheet, Sheet]:
    return Sheet(SHEET_NAMES[0], SUBMISSION_COLUMNS, submissions), Sheet(SHEET_NAMES[1], ANSWER_COLUMNS, answers)


def write_xlsx(path: Path, submissions: list[tuple], answers: list[tuple]) -> None:
    write_atomically(path, xlsx_bytes(sheets(submissions, answers)))


def answers_csv_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-answers{path.suffix or '.csv'}")


def write_csv(path: Path, submissions: list[tuple], answers: list[tuple]) -> list[Path]:
    written = []
    for target, sheet in zip((path, answers_csv_path(path)), sheets(submissions, answers), strict=True):
        write_atomically(target, csv_bytes(sheet))
        written.append(target)
    return written
