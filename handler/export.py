"""The desk's download: one row per submission of the current filter, from the index, as XLSX or CSV.

The columns are the list's (handler/index.py), so a download of 10,000 submissions reads the index
only, never the records: Indonesian headers, times as dates in WIB, the review's state as the form
names it and the counting review's notes. The candidate's contact details stay out (the desk's
list never needs them; `assessor.py export` writes them for the LSP's archive). Standard library
only (Lambda).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from handler.deskrules import STATE_LABELS
from handler.index import IndexEntry
from handler.record import parse_utc_timestamp
from handler.wib import WIB
from handler.xlsx import DATE, INTEGER, Column, Sheet, csv_bytes, xlsx_bytes

SHEET_NAME = "Pengajuan"
COLUMNS = (
    Column("ID Pengajuan", 38),
    Column("Diterima (WIB)", 17, DATE),
    Column("Skema", 30),
    Column("Nomor Skema", 26),
    Column("Judul Skema", 40),
    Column("Nama Asesi", 30),
    Column("K", 6, INTEGER),
    Column("BK", 6, INTEGER),
    Column("Status Tinjauan", 30),
    Column("Asesor", 28),
    Column("No. Reg. Asesor", 24),
    Column("Ditinjau (WIB)", 17, DATE),
    Column("Catatan Asesor", 60),
    Column("Jumlah Tinjauan", 10, INTEGER),
    Column("Revisi dari", 38),
    Column("Direvisi oleh", 38),
    Column("Berkas Bukti", 10, INTEGER),
)
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def local_time(text: str | None) -> datetime | None:
    """A stored UTC time as the naive WIB time a spreadsheet shows."""
    moment = parse_utc_timestamp(text) if text else None
    return moment.astimezone(WIB).replace(tzinfo=None) if moment else None


def entries_sheet(entries: Iterable[IndexEntry]) -> Sheet:
    rows = [
        (
            e.submission_id,
            local_time(e.received_at),
            e.scheme_id,
            e.scheme_number,
            e.scheme_title,
            e.name,
            e.k,
            e.bk,
            STATE_LABELS.get(e.state, e.state),
            e.reviewer,
            e.reviewer_registration,
            local_time(e.reviewed_at),
            e.notes,
            e.review_count,
            e.revises,
            e.revised_by,
            e.files,
        )
        for e in entries
    ]
    return Sheet(SHEET_NAME, COLUMNS, rows)


def export_file(entries: Iterable[IndexEntry], kind: str) -> tuple[bytes, str]:
    """The file's bytes and its media type."""
    sheet = entries_sheet(entries)
    data = xlsx_bytes([sheet]) if kind == "xlsx" else csv_bytes(sheet)
    return data, CONTENT_TYPES[kind]
