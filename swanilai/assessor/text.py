"""Stored text made safe where it is shown (a terminal, a spreadsheet, a printed form), and assessors' input checked.

Records are never changed, so an old record or a stray object may hold any character. A terminal
obeys escape sequences: ESC, and the C1 controls (U+009B is a one-byte CSI), can move the cursor,
recolour or rewrite what is on screen; bidi controls (U+202E) reorder what follows them. XML, and so
XLSX, cannot hold C0 controls other than tab, newline and carriage return, nor U+FFFE, U+FFFF or a
lone surrogate: openpyxl refuses the first and writes a workbook that will not open for the others.
"""

from __future__ import annotations

import re

from handler.text import BIDI as _BIDI
from handler.text import for_document  # noqa: F401 - one rule for documents, kept in handler/ (the desk renders too)

# Everything a terminal could act on or a reader could be misled by: C0, DEL and C1 controls, bidi
# controls, line and paragraph separators, noncharacters U+FFFE/U+FFFF and lone surrogates.
_UNSAFE_ON_TERMINAL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufffe\uffff\ud800-\udfff]")
# Notes are lines of text: tab and newline are allowed, a bare carriage return is not.
_UNSAFE_IN_NOTES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str) -> str:
    """Text that prints as itself: every control shown as an inert escape (ESC as `\\x1b`, U+202E as `\\u202e`)."""
    return _UNSAFE_ON_TERMINAL.sub(_escape, text)


def refused_in_line(text: str) -> str | None:
    """Why text cannot be a single-line value (a name, a registration number), or None when it can."""
    return _refusal(_UNSAFE_ON_TERMINAL.search(text))


def refused_in_notes(text: str) -> str | None:
    """Why text cannot be notes (lines of text; tab and newline allowed), or None when it can."""
    return _refusal(_UNSAFE_IN_NOTES.search(text.replace("\r\n", "\n")))


def _refusal(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    return f"contains the control character U+{ord(match.group()):04X}; type plain text"
