"""Stored text made holdable by a document (a printed form, a spreadsheet): one rule for every writer.

Records are never changed, so an old record or a stray object may hold any character. XML (inside
XLSX) cannot hold C0 controls other than tab, newline and carriage return, nor U+FFFE, U+FFFF or a
lone surrogate; DEL and the C1 controls mean nothing in text; bidirectional controls (U+202E) and
line or paragraph separators reorder or break what a reader sees. Each becomes U+FFFD, so one such
character never fails or corrupts a file and is still visibly there. Standard library only (Lambda).
"""

from __future__ import annotations

import re

# Bidirectional formatting characters: marks, embeddings, overrides and isolates.
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
UNSAFE_IN_DOCUMENT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI}\u2028\u2029\ufffe\uffff\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def for_document(text: str) -> str:
    """Text every document format can hold and shows as written: anything else becomes U+FFFD."""
    return UNSAFE_IN_DOCUMENT.sub(REPLACEMENT, text)
