"""The candidate's status: what became of a submission, for whoever holds its status secret.

`GET /submissions/{scheme_id}/{submission_id}/status` with the header `X-Status-Key: <secret>`.
The page made the secret (at least 128 random bits) when the draft was created and sent only its
SHA-256; the receipt's status link carries the secret in the URL fragment, which no server log sees.
Flow: read the by-id marker (it holds the hash beside the record's own copy), compare the hashes
in constant time, then read the record, its reviews (the latest counts: handler.record.latest_review)
and whether a revision replaced it. An unknown id, a missing or wrong secret, and a marker whose
record is not (yet) there all answer the same 404: the answer never tells whether an id exists.

The answer carries what the candidate sent (candidate, answers with files, the signature's kind),
so the page's revise action can fill the form on any device, and for *perlu perbaikan* the assessor's
notes and notes per element. Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from handler import fields as f
from handler.errors import NotFound
from handler.record import (
    RECORD_MAX_BYTES,
    REVIEW_MAX_BYTES,
    CorruptMarker,
    Record,
    RecordError,
    latest_review,
    parse_claim,
    parse_marker,
    parse_record,
    parse_review,
    utc_timestamp,
)
from handler.scheme import is_scheme_id
from handler.store import REVIEWS, Store, TooLarge, revised_by_key, submission_marker_key
from handler.submission import secret_matches

_SUBMISSION_ID = re.compile(f.SUBMISSION_ID_PATTERN)
_STATUS_KEY = re.compile(f.STATUS_KEY_PATTERN)
# A review v1 recommends; v2 (the desk's) has an outcome. Both read as the candidate's state.
_OUTCOMES = {"lanjut": "lanjut", "tidak_lanjut": "tidak_lanjut", "perbaikan": "perbaikan"}


@dataclass(frozen=True)
class StatusQuery:
    scheme_id: str
    submission_id: str
    status_key: str


def status_query(parameters: dict[str, str], headers: dict[str, str]) -> StatusQuery:
    """The route's path parameters and secret, checked; anything malformed is the same 404 as a wrong secret."""
    scheme_id = parameters.get("scheme_id", "")
    submission_id = parameters.get("submission_id", "")
    status_key = headers.get("x-status-key", "")
    if not (is_scheme_id(scheme_id) and _SUBMISSION_ID.fullmatch(submission_id) and _STATUS_KEY.fullmatch(status_key)):
        raise NotFound()
    return StatusQuery(scheme_id, submission_id.lower(), status_key)


def read_status(store: Store, query: StatusQuery) -> dict[str, Any]:
    """The status answer for a query whose secret matches; NotFound otherwise."""
    record = _record_for(store, query)
    state, review = "diterima", None
    reviews = _reviews(store, query)
    latest = latest_review(reviews)
    if latest is not None:
        state, review = _outcome(latest), latest
    sent_back = state == "perbaikan"
    return {
        "submission_id": record.submission_id,
        "scheme": {"id": record.scheme.id, "version": record.scheme.version},
        "received_at": utc_timestamp(record.received_at),
        "state": state,
        "label": f.STATE_LABELS[state],
        "reviewed_at": utc_timestamp(review.reviewed_at) if review else None,
        "notes": review.notes if sent_back and review else None,
        "element_notes": dict(getattr(review, "element_notes", None) or {}) if sent_back else {},
        "revises": record.revises,
        "revised_by": _revised_by(store, query),
        "submission": submitted_content(record),
    }


def _record_for(store: Store, query: StatusQuery) -> Record:
    try:
        raw = store.get(submission_marker_key(query.scheme_id, query.submission_id))
        marker = parse_marker(raw, "marker") if raw is not None else None
    except CorruptMarker:
        marker = None
    if marker is None or not secret_matches(marker.status_key_sha256, query.status_key):
        raise NotFound()
    try:
        body = store.get(marker.key, max_bytes=RECORD_MAX_BYTES)
        record = parse_record(body, marker.key) if body is not None else None
    except (RecordError, TooLarge):
        record = None  # not one the candidate can be shown; a person has to look at it
    if record is None or not secret_matches(record.status_key_sha256, query.status_key):
        raise NotFound()
    return record


def _reviews(store: Store, query: StatusQuery) -> list:
    """The submission's readable reviews; one that is not (malformed, too large) is left out."""
    reviews = []
    for obj in store.list(f"{REVIEWS}/{query.scheme_id}/{query.submission_id}/"):
        try:
            raw = store.get(obj.key, max_bytes=REVIEW_MAX_BYTES)
            if raw is not None:
                reviews.append(parse_review(raw, obj.key))
        except (RecordError, TooLarge):
            continue
    return reviews


def _outcome(review: Any) -> str:
    # Reviews v2 (the desk's) carry `outcome`; v1 reviews carry `recommendation`.
    value = getattr(review, "outcome", None) or getattr(review, "recommendation", None)
    return _OUTCOMES.get(value, "diterima")


def _revised_by(store: Store, query: StatusQuery) -> str | None:
    raw = store.get(revised_by_key(query.scheme_id, query.submission_id))
    if raw is None:
        return None
    try:
        return parse_claim(raw, "revised-by marker").submission_id
    except CorruptMarker:
        return None


def submitted_content(record: Record) -> dict[str, Any]:
    """What the candidate sent, enough to fill the form again: no signature image, no secret."""
    return {
        "candidate": {
            "name": record.candidate.name,
            "email": record.candidate.email,
            "phone": record.candidate.phone,
        },
        "answers": {
            key: {
                "verdict": answer.verdict,
                "evidence": answer.evidence,
                "files": [
                    {"name": file.name, "size": file.size, "type": file.type, "sha256": file.sha256}
                    for file in answer.files
                ],
            }
            for key, answer in record.answers.items()
        },
        "signature": {"kind": record.signature.kind},
    }
