"""Spreadsheets without a library: XLSX (Office Open XML, zipfile + XML) and CSV, from one table of cells.

Used by the desk's export (handler/export.py) and `assessor.py export`. An XLSX sheet has its
header row frozen and filtered (autofilter), column widths, numbers as numbers and times as real
dates (a number with a date format, so a spreadsheet sorts and filters them as dates). Every text
is an inline string: a cell of type string is never evaluated, so a name such as `=HYPERLINK(...)`
shows as typed, without the visible apostrophe CSV needs. Text is made holdable by XML first
(handler/text.py). CSV has no cell types: there, text a spreadsheet would run as a formula gets a
leading apostrophe. Standard library only (Lambda).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handler.text import for_document

TEXT, INTEGER, DATE = "text", "integer", "date"
CELL_TEXT_MAX = 32_767  # what one cell holds (Excel's limit; LibreOffice reads no more)
DATE_FORMAT = "yyyy-mm-dd hh:mm"
CSV_DATE_FORMAT = "%Y-%m-%d %H:%M"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_EPOCH = datetime(1899, 12, 30)  # day 0 of spreadsheets' 1900 date system (with its leap-year quirk)


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters, as spreadsheets measure
    kind: str = TEXT


@dataclass(frozen=True)
class Sheet:
    name: str  # at most 31 characters, none of []:*?/\
    columns: Sequence[Column]
    rows: Sequence[Sequence[Any]]  # str, int, a naive datetime (already local time: WIB), or None


# -- XLSX


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of the sheets, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(sheets))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", _STYLES)
        for number, sheet in enumerate(sheets, start=1):
            book.writestr(f"xl/worksheets/sheet{number}.xml", _worksheet(sheet))
    return buffer.getvalue()


def column_name(index: int) -> str:
    """A, B, ..., Z, AA, ... for 0, 1, ..."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def excel_date(moment: datetime) -> float:
    """A naive local time as a spreadsheet's date number (days since 1899-12-30, the day's fraction)."""
    delta = moment.replace(tzinfo=None) - _EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1_000_000) / 86_400


def xml_text(value: str) -> str:
    text = for_document(value)
    if len(text) > CELL_TEXT_MAX:
        text = text[: CELL_TEXT_MAX - 1] + "\u2026"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(reference: str, value: Any, style: int = 0) -> str:
    styled = f' s="{style}"' if style else ""
    if value is None or value == "":
        return ""
    if isinstance(value, int):
        return f'<c r="{reference}"{styled}><v>{value}</v></c>'
    if isinstance(value, datetime):
        return f'<c r="{reference}" s="{_DATE_STYLE}"><v>{excel_date(value)}</v></c>'
    return f'<c r="{reference}" t="inlineStr"{styled}><is><t xml:space="preserve">{xml_text(str(value))}</t></is></c>'


def _worksheet(sheet: Sheet) -> str:
    last = column_name(max(len(sheet.columns) - 1, 0))
    rows = [
        '<row r="1">'
        + "".join(_cell(f"{column_name(i)}1", c.header, _HEADER_STYLE) for i, c in enumerate(sheet.columns))
        + "</row>"
    ]
    for number, row in enumerate(sheet.rows, start=2):
        cells = "".join(_cell(f"{column_name(i)}{number}", value) for i, value in enumerate(row))
        rows.append(f'<row r="{number}">{cells}</row>')
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{column.width}" customWidth="1"/>'
        for i, column in enumerate(sheet.columns, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<dimension ref="A1:{last}{len(sheet.rows) + 1}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{widths}</cols>"
        f"<sheetData>{''.join(rows)}</sheetData>"
        f'<autoFilter ref="A1:{last}{len(sheet.rows) + 1}"/>'
        "</worksheet>"
    )


def _workbook(sheets: Sequence[Sheet]) -> str:
    entries = "".join(
        f'<sheet name="{xml_text(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>' for n, sheet in enumerate(sheets, start=1)
    )
    # Excel keeps an autofilter's range as this hidden name; without it Excel repairs the file.
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        f"'{xml_text(sheet.name)}'!$A$1:${column_name(max(len(sheet.columns) - 1, 0))}${len(sheet.rows) + 1}"
        "</definedName>"
        for n, sheet in enumerate(sheets)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<bookViews><workbookView/></bookViews><sheets>{entries}</sheets>"
        f"<definedNames>{names}</definedNames>"
        "</workbook>"
    )


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{_PACKAGE_REL}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_DATE_STYLE, _HEADER_STYLE = 1, 2
# Cell formats: 0 plain, 1 date and time (custom format 164), 2 the header (bold).
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


# -- CSV


def neutralise(value: Any) -> Any:
    """A CSV cell: text holdable by a document, and none a spreadsheet would run (a leading apostrophe)."""
    if isinstance(value, datetime):
        return f"{value:{CSV_DATE_FORMAT}}"
    if not isinstance(value, str):
        return value
    value = for_document(value)
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_bytes(sheet: Sheet) -> bytes:
    """One sheet as UTF-8 CSV with a byte order mark (spreadsheets then read Indonesian names right)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in sheet.columns])
    writer.writerows([neutralise(value) for value in row] for row in sheet.rows)
    return buffer.getvalue().encode("utf-8-sig")
