"""`assessor.py export`: one row per submission and one per element answer, as XLSX or CSV.

Every text cell is made safe twice over: characters no spreadsheet can hold are replaced (text.py),
so one old or stray record can never fail or corrupt the file, and text a spreadsheet would run
as a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from handler.scheme import plain_text
from swanilai.assessor.files import write_atomically
from swanilai.assessor.records import Reviewed
from swanilai.assessor.text import for_document
from swanilai.timezones import WIB

SUBMISSION_COLUMNS = (
    "submission_id",
    "received_wib",
    "scheme_id",
    "scheme_number",
    "scheme_title",
    "candidate_name",
    "candidate_email",
    "candidate_phone",
    "k_count",
    "bk_count",
    "recommendation",
    "assessor_name",
    "assessor_registration",
    "reviewed_wib",
)
ANSWER_COLUMNS = ("submission_id", "unit_code", "unit_title", "element_key", "element", "verdict", "evidence")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell's value as plain text a spreadsheet holds: safe characters, and no formula (leading apostrophe)."""
    if not isinstance(value, str):
        return value
    value = for_document(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def export_rows(items: list[Reviewed]) -> tuple[list[tuple], list[tuple]]:
    """One row per submission and one per element answer, every text cell neutralised."""
    submissions, answers = [], []
    for item in items:
        record, review = item.record, item.review
        submissions.append(
            tuple(
                neutralise(v)
                for v in (
                    record.submission_id,
                    f"{record.received_at.astimezone(WIB):%Y-%m-%d %H:%M}",
                    record.scheme.id,
                    record.scheme.number,
                    plain_text(record.scheme.title),
                    record.candidate.name,
                    record.candidate.email or "",
                    record.candidate.phone or "",
                    record.count("K"),
                    record.count("BK"),
                    review.recommendation if review else "",
                    review.assessor_name if review else "",
                    review.registration if review else "",
                    f"{review.reviewed_at.astimezone(WIB):%Y-%m-%d %H:%M}" if review else "",
                )
            )
        )
        for unit in record.scheme.units:
            for element in unit.elements:
                answer = record.answers.get(element.key)
                answers.append(
                    tuple(
                        neutralise(v)
                        for v in (
                            record.submission_id,
                            unit.code or "",
                            plain_text(unit.title),
                            element.key,
                            f"{element.number}. {plain_text(element.title)}",
                            answer.verdict if answer else "",
                            answer.evidence if answer else "",
                        )
                    )
                )
    return submissions, answers


def write_xlsx(path: Path, submissions: list[tuple], answers: list[tuple]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for sheet, columns, rows in (
        (book.active, SUBMISSION_COLUMNS, submissions),
        (book.create_sheet(), ANSWER_COLUMNS, answers),
    ):
        sheet.title = "submissions" if columns is SUBMISSION_COLUMNS else "answers"
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())


def answers_csv_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-answers{path.suffix or '.csv'}")


def write_csv(path: Path, submissions: list[tuple], answers: list[tuple]) -> list[Path]:
    written = []
    for target, columns, rows in (
        (path, SUBMISSION_COLUMNS, submissions),
        (answers_csv_path(path), ANSWER_COLUMNS, answers),
    ):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        # UTF-8 with a byte order mark: spreadsheet programs then read Indonesian names correctly.
        write_atomically(target, buffer.getvalue().encode("utf-8-sig"))
        written.append(target)
    return written
