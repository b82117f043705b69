"""Filing a valid submission exactly once: a create-only marker by id, then the create-only record.

The record's key carries the UTC day of receipt, so a retry after midnight could not find it by
key; the marker `submissions/<scheme>/by-id/<id>.marker` can. Flow:

1. Build the record (received now) and its receipt; create the marker holding key, fingerprint
   and receipt. If it was free, create the record: 201.
2. If the marker exists, this id was filed before. A different fingerprint is a different
   submission: 409 with the stored receipt. The same fingerprint is a retry: make sure the record
   exists (a crash or an outage may have come between marker and record) by creating it again
   from the marker's time, which rebuilds the very same bytes, and answer 200 with the stored receipt.

A record healed into a past day is first announced under `submissions/<scheme>/late/` (see
store.late_record_key), because readers may stop listing days that are over.

Nothing is ever overwritten: both writes are create-only, and AlreadyExists on the record only
means a concurrent retry wrote the same bytes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handler.catalog import CatalogEntry
from handler.errors import SchemeOutdated, SubmissionConflict
from handler.record import (
    Marker,
    build_receipt,
    build_record,
    marker_bytes,
    parse_marker,
    record_bytes,
    utc_timestamp,
)
from handler.store import (
    AlreadyExists,
    Store,
    StoreUnavailable,
    late_record_key,
    submission_key,
    submission_marker_key,
)
from handler.submission import Submission


@dataclass(frozen=True)
class Filed:
    status: int  # 201: stored now; 200: stored before, this was a retry
    receipt: dict[str, Any]


def file_submission(store: Store, submission: Submission, entry: CatalogEntry | None, now: datetime) -> Filed:
    """Store a submission once; entry None means its scheme version is no longer in the catalog."""
    if entry is None:
        return _file_older_version(store, submission)
    received_at = utc_timestamp(now)
    key = submission_key(submission.scheme_id, now, submission.submission_id)
    record = build_record(submission, entry.document, received_at)
    body = record_bytes(record)
    receipt = build_receipt(record, body)
    try:
        store.create(
            submission_marker_key(submission.scheme_id, submission.submission_id),
            marker_bytes(Marker(key, submission.fingerprint(), receipt)),
        )
    except AlreadyExists:
        return _file_retry(store, submission, entry, now)
    _create_once(store, key, body)
    return Filed(201, receipt)


def _file_retry(store: Store, submission: Submission, entry: CatalogEntry, now: datetime) -> Filed:
    try:
        marker = read_marker(store, submission.scheme_id, submission.submission_id)
    except LookupError:
        # Taken a moment ago, yet unreadable: the store is not answering straight; try later.
        raise StoreUnavailable("marker exists but cannot be read") from None
    if marker.fingerprint != submission.fingerprint():
        raise SubmissionConflict(marker.receipt)
    body = record_bytes(build_record(submission, entry.document, marker.receipt["received_at"]))
    past_day = marker.key != submission_key(submission.scheme_id, now, submission.submission_id)
    if past_day and store.get(marker.key) is None:
        # The record is about to appear under a day that is already over: say so first
        # (create-only, idempotent), so readers that skip finished days look at it again.
        _create_once(store, late_record_key(marker.key), b"")
    _create_once(store, marker.key, body)
    return Filed(200, marker.receipt)


def _file_older_version(store: Store, submission: Submission) -> Filed:
    # Only a retry of something already filed can succeed: the catalog no longer has the text
    # of this version, so a new record cannot be written, and the candidate must reload.
    try:
        marker = read_marker(store, submission.scheme_id, submission.submission_id)
    except LookupError:
        raise SchemeOutdated() from None
    if marker.fingerprint != submission.fingerprint():
        raise SubmissionConflict(marker.receipt)
    if store.get(marker.key) is None:
        raise SchemeOutdated()
    return Filed(200, marker.receipt)


def _create_once(store: Store, key: str, body: bytes) -> None:
    try:
        store.create(key, body)
    except AlreadyExists:
        pass  # a concurrent retry of this very submission wrote the same bytes first


def read_marker(store: Store, scheme_id: str, submission_id: str) -> Marker:
    """The marker of a submission id; LookupError when there is none, CorruptMarker when it is not ours."""
    raw = store.get(submission_marker_key(scheme_id, submission_id))
    if raw is None:
        raise LookupError(submission_id)
    return parse_marker(raw, f"marker of {scheme_id}/{submission_id}")
