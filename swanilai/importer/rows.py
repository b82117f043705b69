"""What every reader makes of a document: rows of cells, in reading order, each with its place.

A table row is one `Row` with a cell per column (a merged cell once); a paragraph outside any
table is a `Row` with one cell. Cell text keeps paragraphs as lines, italics as `*...*` and
struck-through text as `~~...~~`; everything else about the layout is gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from swanilai.importer.messages import Note, Place


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    place: Place
    in_table: bool = True
    continues: bool = False  # the first row at the top of a page: it may be the rest of a row a page break split


@dataclass(frozen=True)
class Source:
    """A document as read: its rows and what the reader itself had to assume."""

    rows: tuple[Row, ...]
    notes: tuple[Note, ...] = ()
