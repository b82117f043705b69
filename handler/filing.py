"""Filing a valid submission exactly once: a create-only marker by id, then the create-only record.

The record's key carries the UTC day of receipt, so a retry after midnight could not find it by
key; the marker `submissions/<scheme>/by-id/<id>.marker` can. Flow:

0. A revision first proves its right: the submission it names exists in the same scheme (its
   marker and its record) and the secret it carries hashes to that submission's
   status_key_sha256 (constant-time compare); else 404 revision_not_found, whichever failed.
   Then the evidence files are verified and copied (handler/evidence.py); a bad file is a 400
   and nothing of the submission is stored.
1. Build the record (received now) and its receipt; create the marker holding key, fingerprint,
   receipt and the status key's hash. If it was free: a revision claims
   `submissions/<scheme>/revised-by/<earlier id>.marker` create-only (a claim naming another
   submission: 409 already_revised with that one's receipt), then the record is created: 201.
2. If the marker exists, this id was filed before. A different fingerprint is a different
   submission: 409 with the stored receipt. The same fingerprint is a retry: a revision's claim is
   made again (it names this id already, or is free if a crash came before it), then the record
   is made sure of (a crash or an outage may have come between marker and record) by creating it
   again from the marker's time, which rebuilds the very same bytes, and answer 200 with the stored receipt.

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
from handler.errors import AlreadyRevised, ApiError, RevisionNotFound, SchemeOutdated, SubmissionConflict
from handler.evidence import file_evidence
from handler.record import (
    CorruptMarker,
    Marker,
    RevisionClaim,
    build_receipt,
    build_record,
    claim_bytes,
    marker_bytes,
    parse_claim,
    parse_marker,
    record_bytes,
    utc_timestamp,
)
from handler.store import (
    AlreadyExists,
    Store,
    StoreUnavailable,
    late_record_key,
    revised_by_key,
    submission_key,
    submission_marker_key,
)
from handler.submission import Submission, secret_matches


@dataclass(frozen=True)
class Filed:
    status: int  # 201: stored now; 200: stored before, this was a retry
    receipt: dict[str, Any]


def file_submission(
    store: Store,
    submission: Submission,
    entry: CatalogEntry | None,
    now: datetime,
    outdated: ApiError | None = None,
) -> Filed:
    """Store a submission once.

    entry None (its scheme version is no longer in the catalog) or `outdated` (why else it cannot
    be accepted as new, e.g. the privacy notice changed): only a retry of what is filed succeeds.
    """
    if submission.revises is not None:
        check_revision(store, submission)
    if entry is None or outdated is not None:
        return _file_older_version(store, submission, outdated or SchemeOutdated())
    file_evidence(store, submission, entry.scheme)
    received_at = utc_timestamp(now)
    key = submission_key(submission.scheme_id, now, submission.submission_id)
    record = build_record(submission, entry.document, received_at)
    body = record_bytes(record)
    receipt = build_receipt(record, body)
    try:
        store.create(
            submission_marker_key(submission.scheme_id, submission.submission_id),
            marker_bytes(Marker(key, submission.fingerprint(), receipt, submission.status_key_sha256)),
        )
    except AlreadyExists:
        return _file_retry(store, submission, entry, now)
    claim_revision(store, submission)
    _create_once(store, key, body)
    return Filed(201, receipt)


def check_revision(store: Store, submission: Submission) -> None:
    """A revision's right: the earlier submission is in this scheme and the secret is its own."""
    earlier = submission.revises
    assert earlier is not None
    try:
        marker = read_marker(store, submission.scheme_id, earlier.submission_id)
    except (LookupError, CorruptMarker):
        raise RevisionNotFound() from None
    if not secret_matches(marker.status_key_sha256, earlier.status_key) or store.head(marker.key) is None:
        raise RevisionNotFound()


def claim_revision(store: Store, submission: Submission) -> None:
    """Claim the earlier submission for this revision, once; another revision's claim is a 409."""
    if submission.revises is None:
        return
    earlier = submission.revises.submission_id
    key = revised_by_key(submission.scheme_id, earlier)
    try:
        store.create(key, claim_bytes(RevisionClaim(earlier, submission.submission_id)))
        return
    except AlreadyExists:
        pass
    raw = store.get(key)
    if raw is None:
        raise StoreUnavailable("revised-by marker exists but cannot be read")
    newer = parse_claim(raw, f"revised-by marker of {submission.scheme_id}/{earlier}").submission_id
    if newer == submission.submission_id:
        return  # our own claim: this is a retry
    try:
        receipt = read_marker(store, submission.scheme_id, newer).receipt
    except (LookupError, CorruptMarker):
        receipt = None
    raise AlreadyRevised(receipt)


def _file_retry(store: Store, submission: Submission, entry: CatalogEntry, now: datetime) -> Filed:
    try:
        marker = read_marker(store, submission.scheme_id, submission.submission_id)
    except LookupError:
        # Taken a moment ago, yet unreadable: the store is not answering straight; try later.
        raise StoreUnavailable("marker exists but cannot be read") from None
    if marker.fingerprint != submission.fingerprint():
        raise SubmissionConflict(marker.receipt)
    file_evidence(store, submission, entry.scheme)
    claim_revision(store, submission)
    body = record_bytes(build_record(submission, entry.document, marker.receipt["received_at"]))
    past_day = marker.key != submission_key(submission.scheme_id, now, submission.submission_id)
    if past_day and store.get(marker.key) is None:
        # The record is about to appear under a day that is already over: say so first
        # (create-only, idempotent), so readers that skip finished days look at it again.
        _create_once(store, late_record_key(marker.key), b"")
    _create_once(store, marker.key, body)
    return Filed(200, marker.receipt)


def _file_older_version(store: Store, submission: Submission, refused: ApiError) -> Filed:
    # Only a retry of something already filed can succeed: the catalog no longer has the text of
    # this version (or the notice consented to is not the current one), so a new record cannot
    # be written, and the candidate must reload.
    try:
        marker = read_marker(store, submission.scheme_id, submission.submission_id)
    except LookupError:
        raise refused from None
    if marker.fingerprint != submission.fingerprint():
        raise SubmissionConflict(marker.receipt)
    if store.head(marker.key) is None:
        raise refused
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
