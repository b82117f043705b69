"""FR.APL.02 documents made the way LSPs make them, for the importer's tests and benchmark only.

`write_docx` lays a scheme (the YAML's data) out in Word as the paper form is: a header table with
the scheme kind, Judul and Nomor; the instructions as a bulleted list; per unit a table whose first
row merges Kode Unit and Judul Unit across three columns, a column header row, and one row per
element holding the element, "Kriteria Unjuk Kerja:" and its KUK, italics as real italics. Two
other layouts real documents use are available: one KUK per row, and the element in a cell merged
down beside its KUK. `convert_to_pdf` exports .docx files with LibreOffice, as LSPs do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

LAYOUTS = ("cell", "rows", "merged")
_EMPHASIS = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")


def write_docx(
    scheme: dict[str, Any],
    path: Path,
    layout: str = "cell",
    kind_mark: str = "tick",
    unlabelled_uncoded_title: bool = True,
) -> Path:
    """Write `scheme` as an FR.APL.02 .docx; `kind_mark` is "tick", "strike" or "none" (nothing ticked)."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)
    heading = document.add_paragraph()
    heading.add_run("FR.APL.02. ASESMEN MANDIRI").bold = True
    _scheme_table(document, scheme, kind_mark)
    document.add_paragraph().add_run("PANDUAN ASESMEN MANDIRI").bold = True
    document.add_paragraph("Instruksi:")
    for line in scheme["instructions"]:
        _add_text(document.add_paragraph(style="List Bullet"), line)
    for number, unit in enumerate(scheme["units"], start=1):
        document.add_paragraph()
        _unit_table(document, number, unit, layout, unlabelled_uncoded_title)
    document.add_paragraph()
    footer = document.add_table(rows=3, cols=3)
    footer.style = "Table Grid"
    for cell, text in zip(footer.rows[0].cells, ("Nama Asesi:", "Tanggal:", "Tanda Tangan Asesi:"), strict=True):
        cell.text = text
    footer.cell(1, 0).merge(footer.cell(1, 2)).text = "Ditinjau oleh Asesor:"
    assessor = scheme.get("assessor") or ""
    texts = (
        f"Nama Asesor: {assessor}",
        "Rekomendasi: Asesmen dapat dilanjutkan/ tidak dapat dilanjutkan",
        "Tanda Tangan dan Tanggal:",
    )
    for cell, text in zip(footer.rows[2].cells, texts, strict=True):
        cell.text = text
    document.save(str(path))
    return path


def _widths(table, centimetres: tuple[float, ...]) -> None:
    """Column widths as LSP forms have them: a wide text column, narrow K and BK."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres, strict=False):
            cell.width = Cm(width)


def _add_text(paragraph, text: str) -> None:
    """Add scheme text to a paragraph, *emphasis* as italic runs."""
    position = 0
    for match in _EMPHASIS.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        paragraph.add_run(match.group(1)).italic = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def _scheme_table(document, scheme: dict[str, Any], kind_mark: str) -> None:
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    label = table.cell(0, 0).merge(table.cell(1, 0))
    paragraph = label.paragraphs[0]
    paragraph.add_run("Skema Sertifikasi ")
    kind = scheme.get("kind")
    if kind_mark == "tick":
        for name in ("KKNI", "Okupasi", "Klaster"):
            paragraph.add_run(("☑ " if name == kind else "☐ ") + name + " ")
    else:
        paragraph.add_run("(")
        for i, name in enumerate(("KKNI", "Okupasi", "Klaster")):
            paragraph.add_run(name).font.strike = kind_mark == "strike" and name != kind
            if i < 2:
                paragraph.add_run("/")
        paragraph.add_run(")")
    for row, (name, value) in enumerate((("Judul", scheme["title"]), ("Nomor", scheme["number"]))):
        table.cell(row, 1).text = name
        table.cell(row, 2).text = ":"
        _add_text(table.cell(row, 3).paragraphs[0], value)
    _widths(table, (4.5, 2, 0.6, 9.4))


def _unit_table(document, number: int, unit: dict[str, Any], layout: str, unlabelled: bool) -> None:
    columns = 5 if layout == "merged" else 4
    table = document.add_table(rows=2, cols=columns)
    table.style = "Table Grid"
    table.cell(0, 0).text = f"Unit Kompetensi: {number}"
    head = table.cell(0, 1).merge(table.cell(0, columns - 1))
    if unit.get("code"):
        head.paragraphs[0].add_run(f"Kode Unit: {unit['code']}")
        _add_text(head.add_paragraph("Judul Unit: "), unit["title"])
    elif unlabelled:  # as in the seed: the title alone, no Kode Unit
        _add_text(head.paragraphs[0], unit["title"])
    else:
        head.paragraphs[0].add_run("Kode Unit: -")
        _add_text(head.add_paragraph("Judul Unit: "), unit["title"])
    titles = ["Dapatkah Saya ...?", "K", "BK", "Bukti yang relevan"]
    if layout == "merged":
        titles.insert(1, "Kriteria Unjuk Kerja")
    for cell, text in zip(table.rows[1].cells, titles, strict=True):
        cell.text = text
    for element in unit["elements"]:
        {"cell": _element_in_one_cell, "rows": _element_kuk_rows, "merged": _element_merged_down}[layout](
            table, element
        )
    _widths(table, (5, 6, 1.1, 1.1, 3.3) if layout == "merged" else (10, 1.1, 1.1, 4.3))


def _boxes(cells) -> None:
    for cell in cells:
        cell.text = "☐"


def _element_heading(cell, element: dict[str, Any], label: bool = True) -> None:
    _add_text(cell.paragraphs[0], f"{element['number']}. Elemen: {element['title']}")
    if label:
        cell.add_paragraph("• Kriteria Unjuk Kerja:")


def _element_in_one_cell(table, element: dict[str, Any]) -> None:
    row = table.add_row()
    _element_heading(row.cells[0], element)
    for criterion in element["criteria"]:
        _add_text(row.cells[0].add_paragraph(), f"{criterion['number']} {criterion['text']}")
    _boxes(row.cells[1:3])


def _element_kuk_rows(table, element: dict[str, Any]) -> None:
    _element_heading(table.add_row().cells[0], element)
    for criterion in element["criteria"]:
        row = table.add_row()
        _add_text(row.cells[0].paragraphs[0], f"{criterion['number']} {criterion['text']}")
        _boxes(row.cells[1:3])


def _element_merged_down(table, element: dict[str, Any]) -> None:
    rows = [table.add_row() for _ in element["criteria"]]
    merged = rows[0].cells[0].merge(rows[-1].cells[0]) if len(rows) > 1 else rows[0].cells[0]
    _element_heading(merged, element, label=False)
    rows[0].cells[1].paragraphs[0].add_run("Kriteria Unjuk Kerja:")
    for row, criterion in zip(rows, element["criteria"], strict=True):
        _add_text(row.cells[1].add_paragraph(), f"{criterion['number']} {criterion['text']}")
        _boxes(row.cells[2:4])


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(
    documents: list[Path], out_dir: Path, password: str | None = None, timeout: float = 300
) -> list[Path]:
    """Export .docx files to PDF with LibreOffice headless, in one run, with a throwaway profile;
    with `password`, the PDFs open only with it."""
    binary = soffice()
    if binary is None:
        raise FileNotFoundError("soffice (LibreOffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [
                binary,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                _pdf_filter(password),
                "--outdir",
                str(out_dir),
                *map(str, documents),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "HOME": profile},
        )
    return [out_dir / (path.stem + ".pdf") for path in documents]


def _pdf_filter(password: str | None) -> str:
    if password is None:
        return "pdf"
    options = {
        "EncryptFile": {"type": "boolean", "value": "true"},
        "DocumentOpenPassword": {"type": "string", "value": password},
    }
    return "pdf:writer_pdf_Export:" + json.dumps(options)
