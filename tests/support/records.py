"""Stored records built exactly as the record contract of docs/ARCHITECTURE.md says, for the assessor tests.

The handler writes the real ones; these tests must not depend on it, so they build the same shape
from a Scheme: record_version, submission_id, received_at, the scheme's own copy (Scheme.to_dict()),
candidate, an answer for every element key, declaration and signature (a small real PNG).
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import uuid
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from handler.record import (
    RECORD_VERSION,
    Marker,
    Review,
    build_receipt,
    marker_bytes,
    review_bytes,
    utc_timestamp,
)
from handler.scheme import Scheme
from handler.store import Store, submission_key, submission_marker_key

RECEIVED = datetime(2026, 11, 23, 23, 15, 2, 123000, tzinfo=UTC)
STATUS_KEY = "c3RhdHVzLWtleS1vZi10aGUtdGVzdHMtMDAwMDAwMDA"
NOTICE_VERSION = "0123456789ab"


def tiny_png(width: int = 48, height: int = 12) -> bytes:
    """A real PNG: a grey image with a black diagonal stroke, like a short signature."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type 0
        for x in range(width):
            row.append(0 if abs(x * height // width - y) < 1 else 230)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def png_data_url() -> str:
    return "data:image/png;base64," + base64.b64encode(tiny_png()).decode("ascii")


def default_verdict(index: int, key: str) -> str:
    return "BK" if index % 3 == 2 else "K"


def default_evidence(index: int, key: str, verdict: str) -> str:
    return f"Laporan proyek {2020 + index % 6} untuk elemen {key}" if verdict == "K" else ""


def make_record(
    scheme: Scheme,
    *,
    name: str = "Siti Rahayu",
    received_at: datetime = RECEIVED,
    submission_id: str | None = None,
    email: str | None = "siti@example.id",
    phone: str | None = "081234567890",
    signature: str = "drawn",
    verdict: Callable[[int, str], str] = default_verdict,
    evidence: Callable[[int, str, str], str] = default_evidence,
    files: dict[str, list[dict[str, Any]]] | None = None,
    revises: str | None = None,
    status_key: str = STATUS_KEY,
) -> dict[str, Any]:
    """A submission record as the handler stores it: answers for every element of the scheme.

    `files` maps element keys to their evidence files (name, size, type, sha256, key).
    """
    answers = {}
    for index, key in enumerate(scheme.element_keys()):
        chosen = verdict(index, key)
        answers[key] = {
            "verdict": chosen,
            "evidence": evidence(index, key, chosen),
            "files": (files or {}).get(key, []),
        }
    return {
        "record_version": RECORD_VERSION,
        "submission_id": submission_id or str(uuid.uuid4()),
        "received_at": utc_timestamp(received_at),
        "scheme": scheme.to_dict(),
        "candidate": {"name": name, "email": email, "phone": phone},
        "answers": answers,
        "declaration": True,
        "signature": (
            {"kind": "drawn", "data_url": png_data_url()} if signature == "drawn" else {"kind": "typed", "text": name}
        ),
        "consent": {"given": True, "notice_version": NOTICE_VERSION},
        "revises": {"submission_id": revises} if revises else None,
        "status_key_sha256": hashlib.sha256(status_key.encode("ascii")).hexdigest(),
    }


def record_body(record: dict[str, Any]) -> bytes:
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


def record_key(record: dict[str, Any]) -> str:
    received = datetime.fromisoformat(record["received_at"].replace("Z", "+00:00"))
    return submission_key(record["scheme"]["id"], received, record["submission_id"])


def store_record(store: Store, record: dict[str, Any]) -> str:
    """Write the by-id marker and the record, create-only, the way the handler does; return the record's key."""
    key, body = record_key(record), record_body(record)
    marker = Marker(key, hashlib.sha256(body).hexdigest(), build_receipt(record, body), record.get("status_key_sha256"))
    store.create(submission_marker_key(record["scheme"]["id"], record["submission_id"]), marker_bytes(marker))
    store.create(key, body)
    return key


def store_review(
    store: Store,
    record: dict[str, Any],
    *,
    recommendation: str = "lanjut",
    name: str = "Andriansyah Bachtillah",
    registration: str = "MET.000.001234 2020",
    notes: str | None = None,
    reviewed_at: datetime,
) -> str:
    review = Review(
        record["submission_id"], record["scheme"]["id"], reviewed_at, name, registration, recommendation, notes
    )
    store.create(review.key, review_bytes(review))
    return review.key
