"""Helpers for the candidate's page tests: open the seed page, fill it, sign it, fake the API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEED_PATH = "/skema/konsultasi-manajemen-pemasaran/"
DRAFT_KEY = "swanilai:draft:konsultasi-manajemen-pemasaran"
RECEIPT_KEY = "swanilai:receipt:konsultasi-manajemen-pemasaran"
API_GLOB = "**/api/submissions"
AXE_JS = ROOT / ".venv" / "node_modules" / "axe-core" / "axe.min.js"
NAME = "Siti Rahmawati"


RECEIPT = {
    "submission_id": "00000000-0000-4000-8000-000000000000",  # replaced by the request's id
    "received_at": "2026-11-23T23:15:02.123Z",
    "scheme": {"id": "konsultasi-manajemen-pemasaran", "version": "000000000000"},
    "sha256": "ab" * 32,
}
# 23:15:02 UTC is 06:15:02 the next day in Jakarta (UTC+7), as Chromium's id-ID formats it.
RECEIPT_TIME_WIB = "24 November 2026 pukul 06.15.02 WIB"

# Fill every answer without clicking 76 times: K with evidence for two elements in three, BK for
# the third; the events bubble exactly as a candidate's clicks and typing do, so the page saves.
_FILL_JS = """
(name) => {
  const fire = (node) => node.dispatchEvent(new Event("change", { bubbles: true }));
  document.querySelectorAll(".apl02-element").forEach((el, i) => {
    const verdict = i % 3 === 2 ? "BK" : "K";
    const radio = el.querySelector(`input[value="${verdict}"]`);
    radio.checked = true;
    fire(radio);
    const evidence = el.querySelector("textarea");
    evidence.value = verdict === "K" ? `Laporan kerja ${i + 1} tahun 2025` : "";
    fire(evidence);
  });
  const set = (id, value) => { const node = document.getElementById(id); node.value = value; fire(node); };
  set("candidate-name", name);
  set("candidate-email", "siti@contoh.co.id");
  set("candidate-phone", "+62 812 3456 7890");
  set("signature-typed", name);
  for (const id of ["declaration", "consent"]) {
    const box = document.getElementById(id);
    box.checked = true;
    fire(box);
  }
}
"""


def open_seed(page, static_url: str) -> None:
    page.goto(static_url + SEED_PATH)
    page.wait_for_function("document.getElementById('save-status').textContent !== ''")


def fill_valid(page) -> None:
    page.evaluate(_FILL_JS, NAME)


def draw_signature(page) -> None:
    """Sign the pad with the mouse: a zig-zag across its middle."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 9):
        page.mouse.move(x + w * (0.1 + step * 0.1), y + h * (0.3 if step % 2 else 0.7), steps=3)
    page.mouse.up()


def draft(page) -> dict[str, Any] | None:
    raw = page.evaluate(f"localStorage.getItem({json.dumps(DRAFT_KEY)})")
    return json.loads(raw) if raw else None


def stored_receipt(page) -> dict[str, Any] | None:
    raw = page.evaluate(f"localStorage.getItem({json.dumps(RECEIPT_KEY)})")
    return json.loads(raw) if raw else None


def fake_api(page, *replies: tuple[int, dict[str, Any]] | str) -> list[dict[str, Any]]:
    """Answer the page's submissions in turn with (status, JSON body), or "abort" for a network error.

    The last reply repeats. A success reply gets the request's own submission_id. Returns the list
    of request bodies the page sent, filled in as requests arrive.
    """
    bodies: list[dict[str, Any]] = []

    def handle(route) -> None:
        body = route.request.post_data_json
        bodies.append(body)
        reply = replies[min(len(bodies), len(replies)) - 1]
        if reply == "abort":
            route.abort("internetdisconnected")
            return
        status, answer = reply
        if status in (200, 201):
            answer = {**answer, "submission_id": body["submission_id"]}
        route.fulfill(status=status, json=answer)

    page.route(API_GLOB, handle)
    return bodies


def error(code: str, message: str, retryable: bool = False, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, "fields": {}, "retryable": retryable, "request_id": "req-1", **extra}


def run_axe(page, iframes: bool = True) -> list[dict[str, Any]]:
    """Run axe-core in the page; return the violations of impact serious or critical.

    iframes=False leaves frames out: a sandboxed frame without scripts (the desk's rendered form)
    cannot run axe, and axe would wait for it; such a document is checked on its own.
    """
    if not AXE_JS.exists():
        raise AssertionError(
            f"{AXE_JS} is missing: `bash tests/run` installs axe-core (pinned there) with "
            "`npm install --prefix .venv axe-core@<version> --no-save --no-package-lock`"
        )
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (iframes) => (await axe.run(document, { resultTypes: ['violations'], iframes })).violations", iframes
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


# -- evidence files

_PHOTO_JS = """
async ([width, height]) => {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext("2d");
  const gradient = ctx.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, "#2a6");
  gradient.addColorStop(1, "#a26");
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, width, height);
  for (let i = 0; i < 400; i += 1) {
    ctx.fillStyle = `hsl(${(i * 37) % 360} 60% 50%)`;
    ctx.fillRect((i * 97) % width, (i * 53) % height, 60, 40);
  }
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.95 });
  return [...new Uint8Array(await blob.arrayBuffer())];
}
"""
GPS_MARK = b"S\x00"  # GPSLatitudeRef "S": what the EXIF block below says about where the photo was taken
# The GPS IFD's one entry as written below: tag 1 (GPSLatitudeRef), type ASCII, count 2, "S\0".
GPS_ENTRY = b"\x00\x01\x00\x02\x00\x00\x00\x02S\x00"


def exif_with_location() -> bytes:
    """An APP1 EXIF segment whose IFD0 points to a GPS IFD (latitude reference "S"), big-endian TIFF."""
    import struct

    ifd0 = struct.pack(">H", 1) + struct.pack(">HHII", 0x8825, 4, 1, 26) + struct.pack(">I", 0)
    gps = struct.pack(">H", 1) + struct.pack(">HHI", 0x0001, 2, 2) + GPS_MARK + b"\x00\x00" + struct.pack(">I", 0)
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + ifd0 + gps
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def photo_with_location(page, width: int = 4000, height: int = 3000) -> bytes:
    """A JPEG photo of width x height made by the browser, with an EXIF GPS block inserted after SOI."""
    data = bytes(page.evaluate(_PHOTO_JS, [width, height]))
    assert data[:2] == b"\xff\xd8"
    return data[:2] + exif_with_location() + data[2:]


def jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG's first SOF marker."""
    import struct

    at = 2
    while at < len(data):
        marker, length = data[at + 1], struct.unpack(">H", data[at + 2 : at + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + length
    raise AssertionError("no SOF marker")


def has_exif(data: bytes) -> bool:
    return b"Exif\x00\x00" in data


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
