"""Read a PDF (as Word or LibreOffice export it): its tables, cell by cell, and the text around them.

PDFium (pypdfium2) gives every character with its box and font, and the ruling lines of the
tables as path objects; pdfminer-based readers were 10-30x slower on the seed-sized document.
The tables are rebuilt from their ruling lines the way pdfplumber does it: grid lines cut the
table into grid cells, and neighbouring grid cells with no line between them are one merged
cell, so a cell merged across columns or down several rows is read once, whole, at its top row.
A table row broken by a page break is two rows here, one per page, as in the document.
Italics come from the font (its name or its italic flag) and are written `*...*`.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from swanilai.importer.cleaning import marked, private_use_glyph
from swanilai.importer.messages import ImportRefused, Note, Place
from swanilai.importer.rows import Row, Source

MAX_PAGES = 100
_LINE = 2.0  # a path thinner than this (points) is a ruling line
_SNAP = 2.5  # lines this close are the same grid line
_ITALIC_FLAG = 1 << 6  # PDF font descriptor flag "Italic"
_LIST_MARKER = re.compile(r"^\s*(?:[-–•●▪◦‣☐☑☒]|\d{1,2}[.)]|[a-z][.)])\s")


class _Char(NamedTuple):  # a tuple: a page has thousands, and a frozen dataclass is slow to build
    text: str
    x0: float
    x1: float
    y: float  # centre, from the top of the page
    size: float
    italic: bool
    struck: bool = False


@dataclass(frozen=True)
class _Cell:
    x0: float
    top: float
    x1: float
    bottom: float


def read_pdf(raw: bytes) -> Source:
    import pypdfium2 as pdfium  # imported here, in the reading process only

    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ImportRefused("encrypted") from exc
        raise ImportRefused("corrupt", {"detail": str(exc)[:120]}) from exc
    try:
        pages = len(document)
        if pages > MAX_PAGES:
            raise ImportRefused("too_many_pages", {"count": pages, "limit": MAX_PAGES})
        rows: list[Row] = []
        blank = []
        for number in range(1, pages + 1):
            page_rows = _read_page(document[number - 1], number)
            if page_rows is None:
                blank.append(number)
            else:
                rows.extend(page_rows)
    finally:
        document.close()
    if len(blank) == pages:
        raise ImportRefused("scanned")
    notes = (
        (Note("pages_without_text", Place(page=blank[0]), (), {"pages": ", ".join(map(str, blank))}),) if blank else ()
    )
    return Source(tuple(rows), notes)


def _read_page(page, number: int) -> list[Row] | None:
    """The page's rows top to bottom (table rows and free lines), or None if it has no text."""
    height = page.get_height()
    chars = _chars(page, height)
    if not chars:
        return None
    horizontal, vertical = _ruling_lines(page, height)
    tables = _tables(horizontal, vertical)
    chars = _strike(chars, _loose_lines(horizontal, vertical))
    placed: list[tuple[float, Row]] = []
    free: list[_Char] = []
    cell_chars: dict[tuple[int, int, int], list[_Char]] = {}
    locate = _locator(tables)
    for char in chars:
        spot = locate(char)
        if spot is None:
            free.append(char)
        else:
            cell_chars.setdefault(spot, []).append(char)
    for t, table in enumerate(tables, start=1):
        for r, cells in enumerate(table, start=1):
            texts = tuple(_text(cell_chars.get((t - 1, r - 1, c), [])) for c in range(len(cells)))
            placed.append((cells[0].top, Row(texts, Place(page=number, table=t, row=r))))
    for line_number, (top, text) in enumerate(_paragraphs(_lines(free)), start=1):
        placed.append((top, Row((text,), Place(page=number, row=line_number), in_table=False)))
    placed.sort(key=lambda item: item[0])
    rows = [row for _, row in placed]
    if number > 1 and rows and rows[0].in_table and rows[0].place.row == 1:
        rows[0] = replace(rows[0], continues=True)
    return rows


def _chars(page, height: float) -> list[_Char]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    raw = textpage.raw
    chars = []
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    rect = pdfium_c.FS_RECTF()
    try:
        for i in range(pdfium_c.FPDFText_CountChars(raw)):
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            # PDFium reports a hyphen that ends a line as U+0002: it is the document's hyphen.
            text = "-" if code == 2 else private_use_glyph(chr(code)) if code else ""
            if not text.strip() or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                continue
            pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect)
            size = pdfium_c.FPDFText_GetFontSize(raw, i) or (rect.top - rect.bottom) or 10.0
            pdfium_c.FPDFText_GetFontInfo(raw, i, name, len(name), ctypes.byref(flags))
            font = name.value
            italic = bool(flags.value & _ITALIC_FLAG) or b"Italic" in font or b"Oblique" in font
            middle = height - (rect.top + rect.bottom) / 2
            chars.append(_Char(text, rect.left, rect.right, middle, size, italic))
    finally:
        textpage.close()
    return chars


def _ruling_lines(page, height: float) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]]]:
    """Horizontal (y, x0, x1) and vertical (x, top, bottom) lines, from thin paths and path segments."""
    import pypdfium2.raw as pdfium_c

    horizontal, vertical = [], []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=1):
        left, bottom, right, top = obj.get_bounds()
        boxes = [(left, bottom, right, top)]
        if right - left > _LINE and top - bottom > _LINE:  # a bigger path: look at its straight segments
            boxes = _segments(obj.raw, pdfium_c)
        for x0, y0, x1, y1 in boxes:
            if y1 - y0 <= _LINE and x1 - x0 > _LINE:
                horizontal.append((height - (y0 + y1) / 2, x0, x1))
            elif x1 - x0 <= _LINE and y1 - y0 > _LINE:
                vertical.append(((x0 + x1) / 2, height - y1, height - y0))
    return horizontal, vertical


def _segments(path, pdfium_c) -> list[tuple[float, float, float, float]]:
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(path, matrix)
    points = []
    for k in range(min(pdfium_c.FPDFPath_CountSegments(path), 2000)):
        segment = pdfium_c.FPDFPath_GetPathSegment(path, k)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        px = matrix.a * x.value + matrix.c * y.value + matrix.e
        py = matrix.b * x.value + matrix.d * y.value + matrix.f
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        points.append((kind, px, py, pdfium_c.FPDFPathSegment_GetClose(segment)))
    boxes = []
    start = None
    for index, (kind, px, py, closes) in enumerate(points):
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = (px, py)
        elif index and kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _, qx, qy, _ = points[index - 1]
            boxes.append((min(px, qx), min(py, qy), max(px, qx), max(py, qy)))
            if closes and start:
                boxes.append((min(px, start[0]), min(py, start[1]), max(px, start[0]), max(py, start[1])))
    return boxes


def _snap(values: list[float]) -> list[float]:
    snapped: list[float] = []
    for value in sorted(values):
        if not snapped or value - snapped[-1] > _SNAP:
            snapped.append(value)
    return snapped


def _tables(horizontal, vertical) -> list[list[list[_Cell]]]:
    """Tables as rows of merged cells, from the ruling lines (each connected set of lines is a table)."""
    groups = _connected(horizontal, vertical)
    tables = []
    for hs, vs in groups:
        ys, xs = _snap([h[0] for h in hs]), _snap([v[0] for v in vs])
        if len(ys) < 2 or len(xs) < 2:
            continue
        tables.append(_merged_cells(ys, xs, hs, vs))
    tables.sort(key=lambda table: table[0][0].top)
    return tables


def _loose_lines(horizontal, vertical) -> list[tuple[float, float, float]]:
    """Horizontal lines that touch no vertical one: rules under or through text, not table borders."""
    return [
        h
        for h in horizontal
        if not any(h[1] - _SNAP <= v[0] <= h[2] + _SNAP and v[1] - _SNAP <= h[0] <= v[2] + _SNAP for v in vertical)
    ]


def _strike(chars: list[_Char], lines: list[tuple[float, float, float]]) -> list[_Char]:
    # A line through the middle of a character strikes it out (an underline runs below the middle).
    if not lines:
        return chars
    return [
        char._replace(struck=True)
        if any(abs(y - char.y) <= 0.2 * char.size and x0 <= (char.x0 + char.x1) / 2 <= x1 for y, x0, x1 in lines)
        else char
        for char in chars
    ]


def _connected(horizontal, vertical) -> list[tuple[list, list]]:
    lines = [("h", h) for h in horizontal] + [("v", v) for v in vertical]
    parent = list(range(len(lines)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (kind_i, a) in enumerate(lines):
        if kind_i != "h":
            continue
        for j, (kind_j, b) in enumerate(lines):
            if kind_j == "v" and a[1] - _SNAP <= b[0] <= a[2] + _SNAP and b[1] - _SNAP <= a[0] <= b[2] + _SNAP:
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = {}
    for i, (kind, line) in enumerate(lines):
        group = groups.setdefault(find(i), ([], []))
        group[0 if kind == "h" else 1].append(line)
    return [group for group in groups.values() if group[0] and group[1]]


def _merged_cells(ys: list[float], xs: list[float], hs, vs) -> list[list[_Cell]]:
    """Grid cells joined where no line divides them; each merged cell listed once, in its top row."""

    def has_vertical(x: float, top: float, bottom: float) -> bool:
        middle = (top + bottom) / 2
        return any(abs(v[0] - x) <= _SNAP and v[1] - _SNAP <= middle <= v[2] + _SNAP for v in vs)

    def has_horizontal(y: float, left: float, right: float) -> bool:
        middle = (left + right) / 2
        return any(abs(h[0] - y) <= _SNAP and h[1] - _SNAP <= middle <= h[2] + _SNAP for h in hs)

    rows_n, cols_n = len(ys) - 1, len(xs) - 1
    owner = [[(r, c) for c in range(cols_n)] for r in range(rows_n)]
    for r in range(rows_n):
        for c in range(cols_n):
            if c and not has_vertical(xs[c], ys[r], ys[r + 1]):
                owner[r][c] = owner[r][c - 1]
            elif r and not has_horizontal(ys[r], xs[c], xs[c + 1]):
                owner[r][c] = owner[r - 1][c]
    extent: dict[tuple[int, int], list[int]] = {}
    for r in range(rows_n):
        for c in range(cols_n):
            box = extent.setdefault(owner[r][c], [r, c, r, c])
            box[2], box[3] = max(box[2], r), max(box[3], c)
    rows: list[list[_Cell]] = [[] for _ in range(rows_n)]
    for (r, _), (r0, c0, r1, c1) in sorted(extent.items()):
        rows[r].append(_Cell(xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
    return [sorted(row, key=lambda cell: cell.x0) for row in rows if row]


def _locator(tables):
    """A function giving a character's (table, row, cell), trying the last cell found first:
    characters come cell by cell, so almost every lookup is one comparison."""
    cells = [
        (cell, (t, r, c)) for t, table in enumerate(tables) for r, row in enumerate(table) for c, cell in enumerate(row)
    ]
    last: list = [None]

    def locate(char: _Char) -> tuple[int, int, int] | None:
        x = (char.x0 + char.x1) / 2
        hit = last[0]
        if hit is not None and hit[0].x0 <= x <= hit[0].x1 and hit[0].top <= char.y <= hit[0].bottom:
            return hit[1]
        for cell, spot in cells:
            if cell.x0 <= x <= cell.x1 and cell.top <= char.y <= cell.bottom:
                last[0] = (cell, spot)
                return spot
        return None

    return locate


def _lines(chars: list[_Char]) -> list[list[_Char]]:
    """Characters grouped into lines (by their vertical centre), each line left to right."""
    lines: list[list[_Char]] = []
    for char in sorted(chars, key=lambda ch: (ch.y, ch.x0)):
        if lines and abs(char.y - lines[-1][0].y) <= max(char.size, lines[-1][0].size) * 0.45:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [sorted(line, key=lambda ch: ch.x0) for line in lines]


def _line_text(line: list[_Char]) -> str:
    """A line's words, a space where the gap is wider than a sliver; italic stretches as `*...*`,
    struck ones as `~~...~~`."""
    pieces: list[tuple[str, bool, bool]] = []
    previous = None
    for char in line:
        if previous is not None and char.x0 - previous.x1 > 0.15 * char.size:
            pieces.append((" ", previous.italic and char.italic, previous.struck and char.struck))
        pieces.append((char.text, char.italic, char.struck))
        previous = char
    return marked(pieces)


def _paragraphs(lines: list[list[_Char]]) -> list[tuple[float, str]]:
    """Lines outside tables joined into paragraphs: a list marker or a wider gap starts a new one."""
    paragraphs: list[tuple[float, list[str]]] = []
    previous = None
    for line in lines:
        text = _line_text(line)
        gap = line[0].y - previous[0].y if previous else 0.0
        opens = _LIST_MARKER.match(text) or gap > 1.6 * max(ch.size for ch in line)
        if previous is None or opens or line[0].x0 < previous[0].x0 - _SNAP:
            paragraphs.append((line[0].y, [text]))
        else:
            paragraphs[-1][1].append(text)
        previous = line
    return [(top, _join_lines(texts)) for top, texts in paragraphs]


def _join_lines(texts: list[str]) -> str:
    joined = texts[0]
    for text in texts[1:]:
        joined += text if joined.endswith(("-", "/")) and joined[-2:-1].isalnum() else " " + text
    return joined


def _text(chars: list[_Char]) -> str:
    return "\n".join(_line_text(line) for line in _lines(chars))
