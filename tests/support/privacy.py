"""The personal-data tests' scenario: a candidate's whole chain (sent, revised, with evidence, reviewed), on S3 or a directory.

The submission function, the desk's function and the erasure function run in process against the
same store and index, each logging into a list the tests read.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from support.api import Clock, configure_api
from support.desk import ADMIN, ASSESSOR, event
from support.handler import STATUS_KEY, check_response, full_payload
from support.records import png_data_url

from handler import desk, erasure, indexer
from handler.deskconfig import DeskConfig
from handler.store import incoming_key
from swanilai.testing import listed_file

NOW = datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC)
FIRST = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
SECOND = "1c6f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
OTHER = "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b"
KEY_2 = "S" * 43
E1 = "M.70MKT00.019.2/1"
PDF = b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PDF_2 = b"%PDF-1.7\n" + bytes(range(255, -1, -1)) * 8 + b"\n%%EOF\n"
FILE_NAME = "ijazah-siti-rahmawati.pdf"
TABLE = "swanilai-desk-index"


@dataclass
class Chain:
    """A store and index holding FIRST (revised by SECOND, both with evidence and a review) and OTHER."""

    store: Any
    index: Any
    clock: Clock
    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    logs: list[dict[str, Any]] = field(default_factory=list)

    def erase(self, body: Any, caller: dict[str, Any] | None = ADMIN) -> tuple[int, dict[str, Any]]:
        raw = erasure.lambda_handler(event("POST /desk/erasures", body=body, caller=caller), None)
        check_response("POST", raw["statusCode"], raw["headers"], raw["body"], "/desk/erasures")
        return raw["statusCode"], json.loads(raw["body"])

    def review(self, submission_id: str, notes: str) -> None:
        body = {"outcome": "perbaikan", "notes": notes, "signature": png_data_url(), "seen_latest": None}
        answer = desk.lambda_handler(
            event(
                "POST /desk/submissions/{submission_id}/reviews",
                parameters={"submission_id": submission_id},
                body=body,
                caller=ASSESSOR,
            ),
            None,
        )
        assert answer["statusCode"] == 201, answer["body"]

    def personal_data(self) -> list[str]:
        """Every piece of the candidates' personal data the chain holds, as text to look for."""
        found = []
        for payload in self.payloads.values():
            candidate = payload["candidate"]
            found += [candidate["name"], candidate["email"], candidate["phone"]]
            found.append(payload["signature"].split(",", 1)[1][:80])
            found.append(payload["answers"][E1]["evidence"])
        found += [FILE_NAME, png_data_url().split(",", 1)[1][:80], "Lengkapi ijazah asli"]
        return found


def send_chain(store: Any, index: Any, catalog_dir, seed, clock: Clock) -> Chain:
    chain = Chain(store, index, clock)
    api = configure_api(store, catalog_dir, clock)
    chain.logs = api.logs
    config = DeskConfig(store=store, index=index, clock=clock, log=api.logs.append)
    desk.configure(config)
    erasure.configure(config)
    for submission_id, data, revises, key, candidate in (
        (FIRST, PDF, None, STATUS_KEY, None),
        (SECOND, PDF_2, {"submission_id": FIRST, "status_key": STATUS_KEY}, KEY_2, None),
        (OTHER, PDF, None, STATUS_KEY, {"name": "Budi Santoso", "email": "budi@contoh.co.id", "phone": "081298765432"}),
    ):
        store.create(incoming_key(submission_id, hashlib.sha256(data).hexdigest()), data)
        payload = full_payload(seed, submission_id=submission_id, status_key=key, revises=revises)
        payload["answers"][E1]["files"] = [listed_file(data, FILE_NAME)]
        if candidate:
            payload["candidate"] = candidate
        result = api.post(payload)
        assert result.status == 201, result.text
        if submission_id != OTHER:
            chain.payloads[submission_id] = payload
        clock.advance(minutes=5)
    indexer.reindex(store, index, clock())
    chain.review(FIRST, "Lengkapi ijazah asli")
    chain.review(OTHER, "Sudah lengkap")
    return chain


def all_versions(s3, bucket: str) -> list[tuple[str, str]]:
    """Every (key, version id) of the bucket, delete markers included."""
    found = []
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
        for item in [*page.get("Versions", ()), *page.get("DeleteMarkers", ())]:
            found.append((item["Key"], item["VersionId"]))
    return sorted(found)


def signature_bytes(payload: dict[str, Any]) -> bytes:
    return base64.b64decode(payload["signature"].split(",", 1)[1])
