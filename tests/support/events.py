"""The example events of tests/events/: payload format 2.0 events named for what the handler does with them.

`accepted_*` is stored (201, then 200 on a replay); `rejected_*` is refused with the status below.
The files are generated from the seed scheme, so they carry its current version; regenerate them
after the seed changes:

    cd tests && ../.venv/bin/python -m support.events
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any

from swanilai.paths import ROOT
from swanilai.testing import full_payload, make_event, png_data_url

EVENTS_DIR = ROOT / "tests" / "events"

SEED_ID = "konsultasi-manajemen-pemasaran"
# name -> the status the handler answers (accepted: the first time).
EXPECTED = {
    "accepted_seed_full": 201,
    "accepted_seed_typed_signature": 201,
    "accepted_seed_base64_body": 201,
    "accepted_seed_without_origin": 201,
    "rejected_not_json": 400,
    "rejected_missing_evidence": 400,
    "rejected_unanswered_elements": 400,
    "rejected_honeypot": 400,
    "rejected_control_character_in_evidence": 400,
    "rejected_escaped_lone_surrogate_in_name": 400,
    "rejected_signature_image_too_wide": 400,
    "rejected_foreign_origin": 403,
    "rejected_unknown_scheme": 404,
    "rejected_get": 405,
    "rejected_outdated_version": 409,
    "rejected_form_encoded": 415,
}


def example_events(seed) -> dict[str, dict[str, Any]]:
    """Every example event by name, built from the seed scheme."""

    def payload(n: int, **changes: Any) -> dict[str, Any]:
        data = full_payload(seed, submission_id=f"3f2504e0-4f89-41d3-9a0c-0305e82c33{n:02d}")
        data.update(changes)
        return data

    typed = payload(2, signature="Siti Rahmawati")
    typed["candidate"] = {"name": "Siti Rahmawati"}
    first = seed.element_keys()[0]
    missing_evidence = payload(5)
    missing_evidence["answers"][first] = {"verdict": "K", "evidence": ""}
    unanswered = payload(6)
    for key in seed.element_keys()[:3]:
        del unanswered["answers"][key]
    control = payload(11)
    control["answers"][first]["evidence"] = "Laporan kerja 2024\x1b[2J\x07"
    surrogate = payload(12)
    surrogate["candidate"]["name"] = "Siti \ud83d"
    # 18000x10000 px: the PNG signature, its IHDR header and IEND, a few dozen bytes in all.
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 18000, 10000, 1, 0, 0, 0, 0)
    wide = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr))
    wide += b"\x00\x00\x00\x00IEND\xaeB`\x82"
    events = {
        "accepted_seed_full": make_event(payload(1), request_id="example-accepted-full"),
        "accepted_seed_typed_signature": make_event(typed, request_id="example-accepted-typed"),
        "accepted_seed_base64_body": make_event(payload(3), base64_body=True, request_id="example-accepted-base64"),
        "accepted_seed_without_origin": make_event(
            payload(4), headers={"origin": None, "user-agent": "curl/8.5.0"}, request_id="example-accepted-curl"
        ),
        "rejected_not_json": make_event("nama=Siti+Rahmawati&jawaban=K", request_id="example-not-json"),
        "rejected_missing_evidence": make_event(missing_evidence, request_id="example-missing-evidence"),
        "rejected_unanswered_elements": make_event(unanswered, request_id="example-unanswered"),
        "rejected_honeypot": make_event(payload(7, website="https://promo.example"), request_id="example-honeypot"),
        "rejected_control_character_in_evidence": make_event(control, request_id="example-control-character"),
        # As a browser's JSON.stringify sends a lone surrogate: escaped, in ASCII JSON.
        "rejected_escaped_lone_surrogate_in_name": make_event(json.dumps(surrogate), request_id="example-surrogate"),
        "rejected_signature_image_too_wide": make_event(
            payload(13, signature=png_data_url(wide)), request_id="example-signature-too-wide"
        ),
        "rejected_foreign_origin": make_event(
            payload(8), headers={"origin": "https://evil.example"}, request_id="example-foreign-origin"
        ),
        "rejected_unknown_scheme": make_event(
            payload(9, scheme={"id": "skema-lain", "version": seed.version}), request_id="example-unknown-scheme"
        ),
        "rejected_get": make_event(None, method="GET", headers={"content-type": None}, request_id="example-get"),
        "rejected_outdated_version": make_event(
            payload(10, scheme={"id": seed.id, "version": "000000000000"}), request_id="example-outdated"
        ),
        "rejected_form_encoded": make_event(
            "nama=Siti",
            headers={"content-type": "application/x-www-form-urlencoded"},
            request_id="example-form-encoded",
        ),
    }
    assert set(events) == set(EXPECTED)
    return events


def event_text(event: dict[str, Any]) -> str:
    return json.dumps(event, ensure_ascii=False, indent=2) + "\n"


def seed_scheme():
    from swanilai.scheme_source import check_schemes

    result = check_schemes(ROOT / "tests" / "fixtures" / "schemes")  # the tests' seed, as the `seed` fixture
    return next(scheme for scheme in result.schemes if scheme.id == SEED_ID)


def main() -> None:
    EVENTS_DIR.mkdir(parents=True, exist_ok=True)
    events = example_events(seed_scheme())
    for stale in EVENTS_DIR.glob("*.json"):
        if stale.stem not in events:
            stale.unlink()
    for name, event in events.items():
        (EVENTS_DIR / f"{name}.json").write_text(event_text(event), encoding="utf-8")
    print(f"wrote {len(events)} events into {EVENTS_DIR.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
