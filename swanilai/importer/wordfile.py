"""Read a Word .docx: its tables and paragraphs in order, italics as `*...*`, struck text as `~~...~~`.

A .docx is a zip of XML parts, so before python-docx sees it: the zip's entry count and declared
unpacked size are bounded (zipfile never inflates past the declared size), and every XML part is
parsed once by defusedxml with DTDs forbidden, since Word never writes one and a DTD is how
entity expansion and external-entity (XXE) attacks start. python-docx's own lxml parser does
not resolve entities either (`resolve_entities=False`); a test holds it to that.

The body is then walked as Word's XML, not through `Paragraph.runs`, because that skips runs
inside content controls (where Word puts its check boxes), hyperlinks and tracked insertions.
Horizontally merged cells appear once; a vertically merged cell's continuations are skipped.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from swanilai.importer.cleaning import marked, private_use_glyph
from swanilai.importer.messages import ImportRefused, Place, megabytes
from swanilai.importer.rows import Row, Source

MAX_ENTRIES = 1000
MAX_UNPACKED = 100 * 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_P, _TBL, _TR, _TC, _R = (_W + name for name in ("p", "tbl", "tr", "tc", "r"))
# Containers whose runs or blocks are part of the text, looked through.
_INLINE_CONTAINERS = {_W + n for n in ("hyperlink", "ins", "smartTag", "sdt", "sdtContent", "fldSimple", "customXml")}
_BLOCK_CONTAINERS = {_W + n for n in ("sdt", "sdtContent", "customXml")}


def check_package(raw: bytes) -> zipfile.ZipFile:
    """Open the zip with its limits checked and every XML part parsed safely; refuse anything else."""
    if raw.startswith(OLE_MAGIC):
        # Word stores a password-protected .docx inside an OLE container, as it stores an old .doc.
        raise ImportRefused("encrypted" if "EncryptedPackage".encode("utf-16-le") in raw else "old_word")
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        entries = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise ImportRefused("corrupt", {"detail": f"zip: {exc}"}) from exc
    if len(entries) > MAX_ENTRIES:
        raise ImportRefused("zip_entries", {"count": len(entries), "limit": MAX_ENTRIES})
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED:
        raise ImportRefused("zip_unpacked", {"size": megabytes(unpacked), "limit": megabytes(MAX_UNPACKED)})
    names = {entry.filename for entry in entries}
    if "word/document.xml" not in names:
        raise ImportRefused("unknown_type")
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels")):
            try:
                safe_xml.fromstring(package.read(entry), forbid_dtd=True)
            except DefusedXmlException as exc:
                raise ImportRefused("xml_dtd", {"part": entry.filename}) from exc
            except (ParseError, zipfile.BadZipFile, ValueError, OSError) as exc:
                raise ImportRefused("corrupt", {"detail": f"{entry.filename}: {exc}"}) from exc
    return package


def read_word(raw: bytes) -> Source:
    check_package(raw)
    import docx  # python-docx: imported here, in the reading process only

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises whatever its parts do; all mean the same here
        raise ImportRefused("corrupt", {"detail": f"{type(exc).__name__}: {exc}"[:120]}) from exc
    styles = _italic_styles(document.styles.element)
    rows: list[Row] = []
    tables = paragraphs = 0
    for block in _blocks(document.element.body):
        if block.tag == _P:
            paragraphs += 1
            text = _paragraph_text(block, styles)
            if text.strip():
                rows.append(Row((text,), Place(paragraph=paragraphs), in_table=False))
        else:
            tables += 1
            for number, tr in enumerate(_children(block, _TR), start=1):
                cells = tuple(_cell_text(tc, styles) for tc in _children(tr, _TC) if not _continues_merge(tc))
                rows.append(Row(cells, Place(table=tables, row=number)))
    return Source(tuple(rows))


def _blocks(parent) -> Iterator:
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _blocks(child)


def _children(parent, tag: str) -> Iterator:
    """Direct children of a tag, looking through content controls (rows and cells may sit in one)."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _children(child, tag)


def _continues_merge(tc) -> bool:
    merge = tc.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") != "restart"


def _cell_text(tc, styles: dict[str, bool]) -> str:
    lines = []
    for block in _blocks(tc):
        if block.tag == _P:
            lines.append(_paragraph_text(block, styles))
        else:  # a table inside the cell: its cells as lines
            for tr in _children(block, _TR):
                lines.extend(_cell_text(inner, styles) for inner in _children(tr, _TC) if not _continues_merge(inner))
    return "\n".join(lines)


def _paragraph_text(p, styles: dict[str, bool]) -> str:
    pieces: list[tuple[str, bool, bool]] = []
    for run in _runs(p):
        italic, struck = _run_format(run, styles)
        pieces.append((_run_text(run), italic, struck))
    return marked(pieces)


def _runs(parent) -> Iterator:
    for child in parent:
        if child.tag == _R:
            yield child
        elif child.tag in _INLINE_CONTAINERS:
            yield from _runs(child)


def _run_text(run) -> str:
    parts = []
    for child in run:
        tag = child.tag[len(_W) :] if child.tag.startswith(_W) else ""
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "tab":
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
        elif tag == "sym":
            parts.append(_symbol(child.get(f"{_W}char") or ""))
    return "".join(parts)


def _symbol(code: str) -> str:
    """Insert > Symbol: a Wingdings check box is a tick (or an empty box), anything else a bullet."""
    try:
        value = int(code, 16)
    except ValueError:
        return ""
    return private_use_glyph(chr(value | 0xF000 if value < 0x100 else value))


def _on(element) -> bool:
    return element is not None and element.get(f"{_W}val", "true").lower() not in ("0", "false", "off", "none")


def _run_format(run, styles: dict[str, bool]) -> tuple[bool, bool]:
    props = run.find(f"{_W}rPr")
    if props is None:
        return False, False
    italic_flag = props.find(f"{_W}i")
    style = props.find(f"{_W}rStyle")
    italic = (
        _on(italic_flag)
        if italic_flag is not None
        else styles.get(style.get(f"{_W}val") if style is not None else "", False)
    )
    struck = _on(props.find(f"{_W}strike")) or _on(props.find(f"{_W}dstrike"))
    return italic, struck


def _italic_styles(styles_element) -> dict[str, bool]:
    """Character styles that make text italic (Emphasis and the like), following basedOn."""
    own: dict[str, bool | None] = {}
    based: dict[str, str] = {}
    for style in styles_element.iter(f"{_W}style"):
        style_id = style.get(f"{_W}styleId") or ""
        flag = style.find(f"{_W}rPr/{_W}i")
        own[style_id] = _on(flag) if flag is not None else None
        parent = style.find(f"{_W}basedOn")
        if parent is not None:
            based[style_id] = parent.get(f"{_W}val") or ""
    resolved = {}
    for style_id in own:
        seen, current = set(), style_id
        while own.get(current) is None and current in based and current not in seen:
            seen.add(current)
            current = based[current]
        resolved[style_id] = bool(own.get(current))
    return resolved
