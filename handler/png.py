"""PNG data URLs: the one place that knows their prefix, how to decode them and how to read a PNG's header.

A drawn signature travels as `data:image/png;base64,...`. Its magic bytes alone prove nothing: an
18000x10000 image packs into 199 KB and takes a PDF renderer seconds to draw, so the header's size
is read too. Only the IHDR chunk is parsed (the PNG specification puts it first, 13 bytes long);
the image data is never decompressed here. Standard library only (Lambda).

The page's checks (site_src/docs/assets/form/checks.js) apply the same steps in the same order,
from the same limits (handler.fields), so the candidate gets one verdict from both.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
from dataclasses import dataclass

DATA_URL_PREFIX = "data:image/png;base64,"
MAGIC = b"\x89PNG\r\n\x1a\n"
# Strict base64: the standard alphabet, whole quanta, padding only at the end. Written in the syntax
# JavaScript's RegExp reads the same way, so the page can test the very same pattern.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
_BASE64 = re.compile(BASE64_PATTERN)
# Bit depths the PNG specification allows for each colour type (11.2.2, Table 11.1).
BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}
MAX_DIMENSION = 2**31 - 1
_IHDR = struct.Struct(">I4sIIBBBBB")  # length, type, width, height, depth, colour, compression, filter, interlace


class PngRefused(ValueError):
    """A data URL that is not an acceptable PNG; `reason` names the rule it broke."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # not_png, too_big or unreadable


@dataclass(frozen=True)
class PngHeader:
    width: int
    height: int
    bit_depth: int
    colour_type: int


def base64_limit(max_bytes: int) -> int:
    """The longest base64 text that can decode to at most max_bytes."""
    return (max_bytes + 2) // 3 * 4


def decode_data_url(data_url: str, max_bytes: int) -> bytes:
    """The bytes of a PNG data URL of at most max_bytes, or PngRefused, checking the size before decoding."""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise PngRefused("not_png")
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > base64_limit(max_bytes):
        raise PngRefused("too_big")
    if not _BASE64.fullmatch(encoded):
        raise PngRefused("unreadable")
    try:
        image = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):  # the pattern already refused it; kept for defence
        raise PngRefused("unreadable") from None
    if len(image) > max_bytes:
        raise PngRefused("too_big")
    return image


def read_header(image: bytes) -> PngHeader:
    """The size and pixel format from a PNG's IHDR chunk, or PngRefused("unreadable")."""
    if len(image) < len(MAGIC) + _IHDR.size or not image.startswith(MAGIC):
        raise PngRefused("unreadable")
    length, kind, width, height, depth, colour, compression, filtering, interlace = _IHDR.unpack_from(image, len(MAGIC))
    if (
        length != 13
        or kind != b"IHDR"
        or not 0 < width <= MAX_DIMENSION
        or not 0 < height <= MAX_DIMENSION
        or depth not in BIT_DEPTHS.get(colour, ())
        or (compression, filtering) != (0, 0)
        or interlace not in (0, 1)
    ):
        raise PngRefused("unreadable")
    return PngHeader(width, height, depth, colour)


def drawable(data_url: str, max_bytes: int, max_width: int, max_height: int) -> bytes | None:
    """The PNG of a data URL when it is one, within size and dimensions; else None (renderers skip it)."""
    try:
        image = decode_data_url(data_url, max_bytes)
        header = read_header(image)
    except PngRefused:
        return None
    return image if header.width <= max_width and header.height <= max_height else None
