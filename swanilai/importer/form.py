"""Recover the FR.APL.02 form from a document's rows: header, instructions, units, elements, KUK.

The form has three parts, found by their labels, whatever the file format:
1. the header, before the first "Unit Kompetensi": scheme kind, Judul, Nomor, the instructions;
2. the units: each starts with "Unit Kompetensi" (a header of one or more rows giving Kode Unit
   and Judul Unit), then the column header "Dapatkah Saya | K | BK | Bukti", then element rows;
3. the footer, from "Nama Asesi" / "Ditinjau oleh Asesor": the assessor's name.
A unit's element rows are read as one stream of text, because a page break may split an element
or a KUK over two rows: "N. Elemen: title", "Kriteria Unjuk Kerja:", then KUK "N.1 text",
"N.2 text" ... A KUK number only starts a new KUK when it is the next in sequence (or, after a
gap, when it opens a line), so "1.5" inside a sentence stays text. Every assumption is a `Note`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from swanilai.importer.cleaning import EMPTY_BOXES, STRUCK, TICKS, clean_cell, flatten, shorten, strip_list_marker
from swanilai.importer.messages import ImportRefused, Note, Place
from swanilai.importer.rows import Row, Source

_UNIT_START = re.compile(r"^\s*Unit\s+Kompetensi\b", re.I)
_FOOTER = re.compile(
    r"^\s*(?:Nama\s+Asesi|Ditinjau\s+oleh|Nama\s+Asesor|Rekomendasi\b|Tanda\s+Tangan|No\.?\s*Reg)", re.I
)
_COLUMN_HEADER = re.compile(r"^\s*Dapat\w*\s+saya\b", re.I)
_PAGE_FURNITURE = re.compile(r"^\s*(?:(?:Halaman|Hal\.?|Page)\s*\d+(?:\s*(?:dari|of|/)\s*\d+)?|\d{1,3})\s*$", re.I)

# Labels in a unit header; a value runs from its label to the next label.
_UNIT_LABELS = re.compile(
    r"(?P<number>\bUnit\s+Kompetensi\b\s*(?:ke\s*)?[:.]?\s*(?P<n>\d{1,3})?|\bKompetensi\s*(?:ke\s*)?[:.]?\s*(?P<n2>\d{1,3})\b)"
    r"|(?P<code>\bKode\s+Unit\b)"
    r"|(?P<title>\bJ\w{2,5}\s+Unit\b)",
    re.I,
)
_CODE = re.compile(r"^[A-Z]{1,3}\.[A-Z0-9]{4,8}\.[0-9]{3}\.[0-9]{1,2}$")

_ELEMENT = re.compile(
    r"^[ ]*(?:(?P<before>\d{1,2})[ ]*[.)][ ]*)?Elemen(?:[ ]+(?P<inside>\d{1,2}))?[ ]*[:.]"
    r"(?:[ ]*(?P<after>\d{1,2})[ ]*[.)](?=[ ]))?",
    re.I | re.M,
)
_KUK_LABEL = re.compile(r"Kriteria\s+Unjuk\s+Kerja\b\s*(?:\(KUK\))?\s*:?", re.I)
_KUK_NUMBER = re.compile(r"(?<![\w.,/])(?P<major>\d{1,2})\.(?P<minor>\d{1,2})(?P<dot>\.?)(?=\s|$)")

_KIND_WORDS = re.compile(r"\b(KKNI|KKN|KKM|Okupasi|Klaster|Kluster)\b", re.I)
_KIND_OF = {
    "kkni": "KKNI",
    "kkn": "KKNI",
    "kkm": "KKNI",
    "okupasi": "Okupasi",
    "klaster": "Klaster",
    "kluster": "Klaster",
}
_TICK = re.compile(rf"[{TICKS}]|\[\s*[xX✓✔]\s*\]|\(\s*[xX✓✔]\s*\)")
_NO_BOXES = str.maketrans("", "", EMPTY_BOXES)
_BOX = re.compile(rf"[{TICKS}{EMPTY_BOXES}]|\[\s*[xX✓✔ ]?\s*\]")
_HEADER_LABELS = {
    "title": re.compile(r"^\s*Judul(?:\s+Skema(?:\s+Sertifikasi)?)?\s*(?::|$)", re.I),
    "number": re.compile(r"^\s*No(?:mor|\.)(?:\s+Skema(?:\s+Sertifikasi)?)?\s*(?::|$)", re.I),
    "lsp": re.compile(r"^\s*(?:Nama\s+)?LSP\s*:", re.I),
}
_INSTRUCTIONS_START = re.compile(r"^\s*(?:Instruksi|Petunjuk)\b\s*:?", re.I)
_INSTRUCTIONS_TITLE = re.compile(r"^\s*Panduan\s+Asesmen\s+Mandiri\s*:?\s*$", re.I)
_ASSESSOR = re.compile(r"Nama\s+Asesor\s*:?\s*(?P<name>)", re.I)


@dataclass(frozen=True)
class Criterion:
    number: str
    text: str


@dataclass(frozen=True)
class Element:
    number: int
    title: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Unit:
    code: str | None
    title: str
    elements: tuple[Element, ...]


@dataclass(frozen=True)
class Form:
    """The scheme as recovered; empty text where the document did not say (a note says so)."""

    kind: str | None
    title: str
    number: str
    lsp: str
    assessor: str | None
    instructions: tuple[str, ...]
    units: tuple[Unit, ...]
    notes: tuple[Note, ...]

    @property
    def counts(self) -> tuple[int, int, int]:
        elements = [e for u in self.units for e in u.elements]
        return len(self.units), len(elements), sum(len(e.criteria) for e in elements)


@dataclass
class _Notes:
    """Notes in document order, each tied to the place in the scheme it is about."""

    items: list[Note] = field(default_factory=list)

    def add(self, code: str, place: Place, target: tuple = (), /, **params) -> None:
        self.items.append(Note(code, place, target, params))


# -- the whole form


def read_form(source: Source) -> Form:
    """Recover the form from a document's rows; refuse a document that is not an FR.APL.02."""
    rows = [row for row in (_clean(row) for row in source.rows) if row is not None]
    notes = _Notes(list(source.notes))
    starts = [i for i in range(len(rows)) if _starts_unit(rows, i)]
    if not starts:
        raise ImportRefused("not_apl02", {"missing": "“Unit Kompetensi”"})
    end = next((i for i in range(starts[0], len(rows)) if _FOOTER.match(_first(rows[i]))), len(rows))
    starts = [i for i in starts if i < end]
    header, footer = rows[: starts[0]], rows[end:]
    scheme = _read_header(header, rows[starts[0]].place, notes)
    units = []
    for position, (begin, stop) in enumerate(zip(starts, [*starts[1:], end], strict=True), start=1):
        units.append(_read_unit(rows[begin:stop], position, ("units", position - 1), notes))
    if not any(unit.elements for unit in units):
        raise ImportRefused("not_apl02", {"missing": "“Elemen” / “Kriteria Unjuk Kerja”"})
    return Form(units=tuple(units), assessor=_read_assessor(footer), notes=tuple(notes.items), **scheme)


def _clean(row: Row) -> Row | None:
    cells = tuple(clean_cell(cell) for cell in row.cells)
    if not any(cells):
        return None
    if len([c for c in cells if c]) == 1 and _PAGE_FURNITURE.match(next(c for c in cells if c)):
        return None
    return replace(row, cells=cells)


def _with_next(items: list) -> list[tuple]:
    """Each item with the one after it (None after the last); nothing for no items."""
    return list(zip(items, [*items[1:], None], strict=False))


def _first(row: Row) -> str:
    return next((cell for cell in row.cells if cell), "")


def _starts_unit(rows: list[Row], i: int) -> bool:
    first = _first(rows[i])
    if _UNIT_START.match(first):
        return True
    # An export may split the label itself over two rows: "Unit" above, "Kompetensi: 7" below.
    return (
        first.strip().lower() == "unit" and i + 1 < len(rows) and _first(rows[i + 1]).lower().startswith("kompetensi")
    )


def _text(row: Row) -> str:
    return "\n".join(cell for cell in row.cells if cell)


# -- the header: kind, title, number, LSP, instructions


def _read_header(rows: list[Row], fallback: Place, notes: _Notes) -> dict:
    values = {key: _labelled(rows, label) for key, label in _HEADER_LABELS.items()}
    title, number = values["title"], values["number"]
    if title is None:
        notes.add("title_missing", fallback, ("title",))
    if number is None:
        notes.add("number_missing", fallback, ("number",))
    return {
        "kind": _read_kind(rows, notes, fallback),
        "title": _finish(title[0], notes, title[1], ("title",)) if title else "",
        "number": flatten(number[0]) if number else "",
        "lsp": flatten(values["lsp"][0]) if values["lsp"] else _lsp_from_number(number, notes, fallback),
        "instructions": _read_instructions(rows, notes, fallback),
    }


def _is_label(line: str) -> bool:
    return any(label.match(line) for label in _HEADER_LABELS.values())


def _labelled(rows: list[Row], label: re.Pattern) -> tuple[str, Place] | None:
    """The value of "Label : value": the rest of the label's cell (up to the next label), else the next cell."""
    cells = [(cell, row.place) for row in rows for cell in row.cells if cell]
    for i, (cell, place) in enumerate(cells):
        lines = cell.split("\n")
        for j, line in enumerate(lines):
            match = label.match(line)
            if not match:
                continue
            value = _until_label([line[match.end() :], *lines[j + 1 :]])
            if value:
                return value, place
            for following, following_place in cells[i + 1 : i + 3]:
                if _is_label(following):
                    break
                value = _until_label(following.split("\n"))
                if value:
                    return value, following_place
    return None


def _until_label(lines: list[str], stop: re.Pattern | None = None) -> str:
    taken = [lines[0]]
    for line in lines[1:]:
        if _is_label(line) or (stop and stop.match(line)):
            break
        taken.append(line)
    return "\n".join(taken).strip().lstrip(":").strip()


def _lsp_from_number(number: tuple[str, Place] | None, notes: _Notes, fallback: Place) -> str:
    # A scheme number names its LSP: SS.018.05/SKM/LSP-P1 UMB/2023.
    parts = [part.strip() for part in (number[0] if number else "").split("/")]
    lsp = next((part for part in parts if part.upper().startswith("LSP")), "")
    if lsp:
        notes.add("lsp_from_number", number[1], ("lsp",), lsp=lsp)
    else:
        notes.add("lsp_missing", fallback, ("lsp",))
    return lsp


def _read_kind(rows: list[Row], notes: _Notes, fallback: Place) -> str | None:
    """The kind ticked (☑ Okupasi, [x] KKNI), the one left when the others are struck, or the only one named."""
    for row in rows:
        for c, cell in enumerate(row.cells):
            if "skema sertifikasi" not in cell.lower() and not (_KIND_WORDS.search(cell) and "/" in cell):
                continue
            found = cell
            for more in row.cells[c + 1 :]:  # ticks may sit in the cells beside the label
                if any(label.match(more) for label in _HEADER_LABELS.values()):
                    break
                found += " " + more
            words = list(_KIND_WORDS.finditer(found))
            if not words:
                continue
            return _kind_from(found, words, notes, row.place)
    return None


def _kind_from(found: str, words: list[re.Match], notes: _Notes, place: Place) -> str | None:
    shown = flatten(found.replace("~~", ""))
    boxes = [m.start() for m in _BOX.finditer(found)]
    boxes_first = bool(boxes) and boxes[0] < words[0].start()
    ticked = {_ticked_kind(tick.start(), words, boxes_first) for tick in _TICK.finditer(found)}
    if len(ticked) == 1:
        return ticked.pop()
    if len(ticked) > 1:
        notes.add("kind_unclear", place, ("kind",), found=shown)
        return None
    struck = {
        _KIND_OF[m.group(1).lower()] for span in STRUCK.finditer(found) for m in _KIND_WORDS.finditer(span.group(1))
    }
    named = {_KIND_OF[m.group(1).lower()] for m in words}
    if struck and len(named - struck) == 1:
        kind = (named - struck).pop()
        notes.add("kind_struck", place, ("kind",), kind=kind, found=shown)
        return kind
    if len(named) == 1 and len(words) == 1:
        return named.pop()
    notes.add("kind_none", place, ("kind",), found=shown)
    return None


def _ticked_kind(at: int, words: list[re.Match], boxes_first: bool) -> str:
    # "☑ Okupasi ☐ Klaster" or "Okupasi ☑ Klaster ☐": the boxes' side is the side of the first box.
    after = [w for w in words if w.start() >= at]
    before = [w for w in words if w.end() <= at]
    word = after[0] if (boxes_first and after) or not before else before[-1]
    return _KIND_OF[word.group(1).lower()]


def _read_instructions(rows: list[Row], notes: _Notes, fallback: Place) -> tuple[str, ...]:
    lines = [(line, row.place) for row in rows for cell in row.cells for line in cell.split("\n") if line]
    start = next((i for i, (line, _) in enumerate(lines) if _INSTRUCTIONS_START.match(line)), None)
    if start is None:
        start = next((i for i, (line, _) in enumerate(lines) if _INSTRUCTIONS_TITLE.match(line)), None)
    instructions = []
    if start is not None:
        first = _INSTRUCTIONS_START.sub("", lines[start][0], count=1)
        candidates = ([(first, lines[start][1])] if first.strip() else []) + lines[start + 1 :]
        for line, place in candidates:
            text = strip_list_marker(line)
            if text and not _INSTRUCTIONS_TITLE.match(text):
                instructions.append(_finish(text, notes, place, ("instructions",)))
    if not instructions:
        notes.add("instructions_missing", fallback, ("instructions",))
    return tuple(instructions)


def _read_assessor(rows: list[Row]) -> str | None:
    for row in rows:
        for cell in row.cells:
            match = _ASSESSOR.search(cell)
            if match:
                lines = cell[match.start("name") :].split("\n")
                name = flatten(_until_label(lines, _FOOTER)).strip(" .:_-…")
                return name or None
    return None


# -- a unit: its header rows, then a stream of element text


def _read_unit(rows: list[Row], position: int, target: tuple, notes: _Notes) -> Unit:
    head_rows = 1
    while head_rows < min(len(rows), 4):
        row = rows[head_rows]
        if _COLUMN_HEADER.match(_first(row)) or _ELEMENT.search(_text(row)):
            break
        head_rows += 1
    code, title = _read_unit_header(rows[:head_rows], position, target, notes)
    body = [row for row in rows[head_rows:] if not _COLUMN_HEADER.match(_first(row))]
    elements = _read_elements(_Stream(body), target, notes)
    if not elements:
        notes.add("unit_no_elements", rows[0].place, target, position=position)
    return Unit(code=code, title=title, elements=tuple(elements))


def _read_unit_header(rows: list[Row], position: int, target: tuple, notes: _Notes) -> tuple[str | None, str]:
    text = "\n".join(_text(row) for row in rows)
    place = rows[0].place
    labels = list(_UNIT_LABELS.finditer(text))
    values: dict[str, str] = {}
    leftover: list[str] = []
    if labels and labels[0].start() > 0:
        leftover.append(text[: labels[0].start()])
    for label, following in _with_next(labels):
        value = text[label.end() : following.start() if following else len(text)]
        value = value.strip().lstrip(":").strip()
        if label.group("number") is not None:
            found = label.group("n") or label.group("n2")
            if not label.group("number").lower().startswith("unit"):
                notes.add("unit_header_split", place, target, position=position, rows=len(rows))
            if found and int(found) != position:
                notes.add("unit_numbered", place, target, found=found, position=position)
            leftover.append(value)
        elif label.group("code") is not None:
            values["code"], rest = _split_code(value)
            leftover.append(rest)
        else:
            word = label.group("title").split()[0]
            if word.lower() != "judul":
                notes.add("unit_label", place, target, found=flatten(label.group("title")))
            values.setdefault("title", value)
    title = values.get("title")
    rest = flatten(" ".join(part for part in leftover if part.strip() and part.strip().lower() != "unit"))
    if title is None and rest:
        title = rest
        notes.add("unit_untitled_label", place, target, position=position, title=shorten(flatten(rest)))
    elif rest:
        notes.add("text_ignored", place, target, text=shorten(rest))
    if not title:
        notes.add("unit_no_title", place, target, position=position)
    return _read_code(values.get("code"), position, place, target, notes), _finish(title or "", notes, place, target)


def _split_code(value: str) -> tuple[str, str]:
    """The code written after "Kode Unit:" and the text after it: the whole line if it is a code
    with stray spaces ("M.70MKT00. 019.2"), else its first word."""
    line, _, more = value.partition("\n")
    if _CODE.match(re.sub(r"\s+", "", line).rstrip(".,;")):
        return line.strip(), more
    token, _, rest = line.strip().partition(" ")
    return token, f"{rest}\n{more}"


def _read_code(found: str | None, position: int, place: Place, target: tuple, notes: _Notes) -> str | None:
    found = (found or "").strip()
    if found.lower().startswith("j") or not found.strip("-–—.:_ "):  # a label right after, or a dash: no code
        found = ""
    if not found:
        notes.add("unit_no_code", place, target, position=position)
        return None
    if _CODE.match(found):
        return found
    repaired = re.sub(r"\s+", "", found).rstrip(".,;")
    if _CODE.match(repaired):
        notes.add("unit_code_repaired", place, target, found=found, code=repaired)
        return repaired
    notes.add("unit_code_invalid", place, target, found=shorten(found))
    return None


class _Stream:
    """A unit's element rows as one text, remembering where each row starts (for notes and joins).

    Rows are read left to right, top to bottom, except a row that a page break split off from
    a row with side-by-side cells (an element cell merged down beside its KUK): there, the first
    cell's text continues the first cell above it, so it goes right after that text.
    """

    def __init__(self, rows: list[Row]) -> None:
        pieces: list[tuple[str, Place]] = []
        first_cell = None  # where the last side-by-side row's first cell is among the pieces
        for row in rows:
            # An empty box beside an element is the K / BK column of a layout export, never text.
            cells = [cell.translate(_NO_BOXES).strip() for cell in row.cells]
            filled = [cell for cell in cells if cell]
            if len(filled) >= 2 and cells[0]:
                rest = "\n".join(filled[1:])
                if row.continues and first_cell is not None and not _ELEMENT.search(cells[0]):
                    pieces.insert(first_cell + 1, (cells[0], row.place))
                    pieces.append((rest, row.place))
                    continue
                pieces.append((cells[0], row.place))
                first_cell = len(pieces) - 1
                pieces.append((rest, row.place))
            elif filled:
                pieces.append(("\n".join(filled), row.place))
        self.text = ""
        self.starts: list[int] = []
        self.places: list[Place] = []
        for text, place in pieces:
            self.starts.append(len(self.text))
            self.places.append(place)
            self.text += text + "\n"

    def place(self, offset: int) -> Place:
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.places[index] if self.places else Place()

    def boundaries(self, start: int, end: int) -> list[int]:
        """Row starts strictly inside [start, end), where a row break splits a text."""
        return [b for b in self.starts if start < b < end]


def _read_elements(stream: _Stream, unit_target: tuple, notes: _Notes) -> list[Element]:
    markers = list(_ELEMENT.finditer(stream.text))
    before = stream.text[: markers[0].start()] if markers else stream.text
    if flatten(before):
        notes.add("text_ignored", stream.place(0), unit_target, text=shorten(flatten(before)))
    elements = []
    for position, (marker, following) in enumerate(_with_next(markers), start=1):
        end = following.start() if following else len(stream.text)
        target = (*unit_target, "elements", position - 1)
        elements.append(_read_element(stream, marker, end, position, target, notes))
    return elements


def _read_element(stream: _Stream, marker: re.Match, end: int, position: int, target: tuple, notes: _Notes) -> Element:
    place = stream.place(marker.start())
    numbers = {int(n) for n in marker.group("before", "inside", "after") if n}
    found = min(numbers) if numbers else position
    if numbers and numbers != {position}:
        notes.add("element_numbered", place, target, found="/".join(map(str, sorted(numbers))), position=position)
    body_start = marker.end()
    label = _KUK_LABEL.search(stream.text, body_start, end)
    if label:
        title_end, kuk_start = label.start(), label.end()
    else:
        first = _first_kuk(stream.text, body_start, end, found)
        title_end = kuk_start = first if first is not None else end
    title = _finish(stream.text[body_start:title_end], notes, place, target).rstrip(" :•-")
    for boundary in stream.boundaries(body_start, title_end):
        before, after = stream.text[body_start:boundary].split(), stream.text[boundary:title_end].split()
        if before and after and _place_differs(stream, body_start, boundary):
            notes.add(
                "element_title_joined",
                stream.place(boundary),
                target,
                position=position,
                before=before[-1],
                after=after[0],
            )
    if not title:
        notes.add("element_no_title", place, target, position=position)
    criteria = _read_criteria(stream, kuk_start, end, found, position, target, notes)
    if not criteria:
        notes.add("element_no_criteria", place, target, position=position)
    return Element(number=position, title=title, criteria=tuple(criteria))


def _place_differs(stream: _Stream, start: int, boundary: int) -> bool:
    """A title running into another row (a page break), not just into another cell of its own row."""
    return stream.place(boundary) != stream.place(start)


def _first_kuk(text: str, start: int, end: int, major: int) -> int | None:
    for match in _KUK_NUMBER.finditer(text, start, end):
        if int(match.group("major")) == major and int(match.group("minor")) == 1:
            return match.start()
    return None


def _read_criteria(
    stream: _Stream, start: int, end: int, major: int, position: int, target: tuple, notes: _Notes
) -> list[Criterion]:
    tokens = _kuk_tokens(stream.text, start, end, major)
    if not tokens:
        return _unnumbered_criteria(stream, start, end, position, target, notes)
    ignored = flatten(stream.text[start : tokens[0].start()])
    if ignored:
        notes.add("text_ignored", stream.place(start), target, text=shorten(ignored))
    criteria = []
    expected = 1
    for index, (token, following) in enumerate(_with_next(tokens), start=1):
        number = f"{position}.{index}"
        ctarget = (*target, "criteria", index - 1)
        place = stream.place(token.start())
        text_end = following.start() if following else end
        found = f"{token.group('major')}.{token.group('minor')}"
        minor = int(token.group("minor"))
        if minor > expected:
            notes.add(
                "kuk_gap", place, ctarget, missing=f"{token.group('major')}.{expected}", found=found, number=number
            )
        elif found != number:
            notes.add("kuk_renumbered", place, ctarget, found=found + token.group("dot"), number=number)
        elif token.group("dot"):
            notes.add("kuk_trailing_dot", place, ctarget, found=found + ".", number=number)
        expected = minor + 1
        _note_joins(stream, token.end(), text_end, number, ctarget, notes)
        text = _finish(stream.text[token.end() : text_end], notes, place, ctarget)
        letter = text.lstrip("*(\"'“")[:1]
        if letter.islower():
            notes.add("kuk_lowercase", place, ctarget, number=number, start=shorten(text, 30))
        criteria.append(Criterion(number, text))
    return criteria


def _kuk_tokens(text: str, start: int, end: int, major: int) -> list[re.Match]:
    """The KUK numbers that start a KUK: the next in sequence, or after a gap only where a line opens
    with it and a capital follows ("1.5 jam" inside a sentence stays text)."""
    candidates = [m for m in _KUK_NUMBER.finditer(text, start, end)]
    majors = [int(m.group("major")) for m in candidates if int(m.group("minor")) == 1]
    if major not in majors and majors:
        major = majors[0]  # KUK numbered under another element's number: follow the document
    tokens, expected = [], 1
    for match in candidates:
        if int(match.group("major")) != major:
            continue
        minor = int(match.group("minor"))
        line_start = text.rfind("\n", 0, match.start()) + 1
        opens_line = not text[line_start : match.start()].strip()
        capital = text[match.end() : end].lstrip().lstrip("*(\"'“")[:1].isupper()
        if minor == expected or (minor > expected and opens_line and capital):
            tokens.append(match)
            expected = minor + 1
    return tokens


def _unnumbered_criteria(
    stream: _Stream, start: int, end: int, position: int, target: tuple, notes: _Notes
) -> list[Criterion]:
    # KUK without numbers (a bulleted list): one per line, numbered in order, and said so.
    lines = [line for line in stream.text[start:end].split("\n") if flatten(line)]
    if not lines:
        return []
    notes.add("criteria_unnumbered", stream.place(start), target, position=position)
    return [
        Criterion(f"{position}.{i}", _finish(line, notes, stream.place(start), (*target, "criteria", i - 1)))
        for i, line in enumerate(lines, start=1)
    ]


def _note_joins(stream: _Stream, start: int, end: int, number: str, target: tuple, notes: _Notes) -> None:
    for boundary in stream.boundaries(start, end):
        before, after = stream.text[start:boundary].rstrip(), stream.text[boundary:end].lstrip()
        if not flatten(before) or not flatten(after):
            continue
        last, first = before.split()[-1], after.split()[0]
        place = stream.place(boundary)
        if last.endswith("-") and last[:-1][-1:].isalnum():
            notes.add("kuk_hyphen_joined", place, target, number=number, joined=last + first)
        else:
            notes.add("kuk_joined", place, target, number=number, before=last, after=first)


def _finish(text: str, notes: _Notes, place: Place, target: tuple) -> str:
    """Text as it goes into the scheme: on one line, struck-through words kept (and noted)."""
    text = flatten(text)
    for struck in STRUCK.finditer(text):
        notes.add("struck_kept", place, target, text=shorten(struck.group(1)))
    return STRUCK.sub(r"\1", text)
