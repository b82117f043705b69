"""Read a plain-text export of an FR.APL.02 (Word's or a PDF tool's): one row per line, cells by tab.

Exports to text come in three shapes, all read the same way: tab-separated cells (a table pasted
or saved as text), Markdown/pipe tables (`| cell | cell |`), and one paragraph per line.
"""

from __future__ import annotations

import codecs

from swanilai.importer.messages import ImportRefused, Place
from swanilai.importer.rows import Row, Source


def decode_text(raw: bytes) -> str:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM, as Word's "Plain Text" saves it."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportRefused("not_text", {"byte": f"{raw[exc.start]:02x}", "offset": exc.start}) from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused("not_text", {"byte": f"{raw[exc.start]:02x}", "offset": exc.start}) from exc


def read_text(raw: bytes) -> Source:
    text = decode_text(raw)
    if "\x00" in text:
        raise ImportRefused("unknown_type")
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            cells = tuple(stripped[1:-1].split("|"))
        else:
            cells = tuple(line.split("\t"))
        rows.append(Row(cells, Place(line=number), in_table=len(cells) > 1))
    return Source(tuple(rows))
