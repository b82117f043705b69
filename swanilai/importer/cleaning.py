"""Repair the damage that exports do to the form's text, without changing a word the LSP wrote.

Exports leave HTML tags (`<ul>`, `<p>`, `<input type="checkbox"/>`), table rules (`---`), empty
checkbox glyphs, bullets and odd spaces; a row split by a page break leaves a line break in the
middle of a sentence. Spelling is never corrected: the LSP's text is verbatim.
"""

from __future__ import annotations

import html
import re

# Italics as exported to HTML become Markdown emphasis; the mark hugs the words, not the spaces.
_ITALIC_TAG = re.compile(r"<(i|em)\b[^>]*>(.*?)</\1\s*>", re.I | re.S)
_CHECKBOX_TAG = re.compile(r"<input\b[^>]*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*/?>")
_ODD_SPACES = str.maketrans(
    {"\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "\r": "\n", "\u2028": "\n"}
)
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")  # soft hyphen and zero-width marks
# Table rules of a Markdown or plain-text export: a cell made only of these is not text.
_RULE = re.compile(r"^[\s\-=_|:+*~]*$")
EMPTY_BOXES = "☐□❑❒◻⬜"
TICKS = "☑☒✓✔✅■▣⊠"
_BOXES_ONLY = re.compile(rf"^[\s{EMPTY_BOXES}{TICKS}]*$")
# A bullet glyph standing alone (list markers typed by hand or left by an export).
_BULLET = re.compile(r"(?:(?<=\s)|^)[•●▪◦‣](?=\s|$)", re.M)
_LINE_BULLET = re.compile(r"^\s*(?:[-–—*•●▪◦‣]|\d{1,2}[.)]|[a-z][.)])\s+")
_SPACES = re.compile(r"[ ]{2,}")
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ ]*\n\s*(?=\w)")
_ADJACENT_ITALICS = re.compile(r"(?<=\S)\*(\s+)\*(?=\S)")
STRUCK = re.compile(r"~~(.+?)~~", re.S)


# Symbol fonts (Wingdings, OpenSymbol) put their glyphs in the Private Use Area: check boxes
# mean something on the form (a ticked kind), anything else there is a list bullet.
_SYMBOL_GLYPHS = {
    0xF0FE: "☑",
    0xF0FD: "☒",
    0xF078: "☒",
    0xF0FC: "✓",
    0xF0A8: "☐",
    0xF06F: "☐",
    0xF052: "☑",
    0xF054: "☒",
    0xF0A3: "☐",
    0xF050: "✓",
}


def private_use_glyph(char: str) -> str:
    """A symbol font's character as the glyph it shows: a check box, or a bullet."""
    code = ord(char) if len(char) == 1 else 0
    if 0xF000 <= code <= 0xF0FF:
        return _SYMBOL_GLYPHS.get(code, "•")
    return char


def _italic(match: re.Match) -> str:
    inner = _TAG.sub("", match.group(2))
    core = inner.strip()
    if not core:
        return inner
    lead, trail = inner[: len(inner) - len(inner.lstrip())], inner[len(inner.rstrip()) :]
    return f"{lead}*{core}*{trail}"


def clean_cell(text: str) -> str:
    """One cell's text without export debris: lines kept, spaces collapsed, empty lines dropped."""
    text = _INVISIBLE.sub("", text.translate(_ODD_SPACES))
    if "<" in text:
        text = _CHECKBOX_TAG.sub(lambda m: "☑" if re.search(r"\bchecked\b", m.group(0), re.I) else "", text)
        text = _ITALIC_TAG.sub(_italic, text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text).translate(_ODD_SPACES)
    if _RULE.match(text) or _BOXES_ONLY.match(text):
        return ""
    text = _BULLET.sub(" ", text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def strip_list_marker(line: str) -> str:
    """An instruction without its typed list marker: "- Baca ..." and "1. Baca ..." read "Baca ..."."""
    return _LINE_BULLET.sub("", line, count=1).strip()


def flatten(text: str) -> str:
    """Text as one line: a word broken at a hyphen before a line break is joined, other breaks are spaces."""
    text = _HYPHEN_BREAK.sub("-", text)
    text = " ".join(text.split())
    return _ADJACENT_ITALICS.sub(r"\1", text)


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def marked(pieces: list[tuple[str, bool, bool]]) -> str:
    """Join runs, wrapping italic stretches in `*` and struck ones in `~~`, the marks hugging the words."""
    merged: list[list] = []
    for text, italic, struck in pieces:
        if merged and merged[-1][1:] == [italic, struck]:
            merged[-1][0] += text
        elif text:
            merged.append([text, italic, struck])
    out = []
    for text, italic, struck in merged:
        core = text.strip()
        if not core or not (italic or struck):
            out.append(text)
            continue
        lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]
        if italic:
            core = f"*{core}*"
        if struck:
            core = f"~~{core}~~"
        out.append(lead + core + trail)
    return "".join(out)
