"""What a store holds: each submission's record and reviews by id, found, read and checked.

An object that is not what its key promises (unreadable, of an unknown record_version, larger than
the contract allows, named in no known format, or with a body that disagrees with its name) is
skipped with a one-line warning naming it: one bad object never stops a command for everyone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from handler.record import (
    RECORD_MAX_BYTES,
    REVIEW_MAX_BYTES,
    CorruptMarker,
    Record,
    RecordError,
    Review,
    latest_review,
    parse_marker,
    parse_record,
    parse_review,
)
from handler.render import Verification
from handler.store import (
    REVIEWS,
    SUBMISSIONS,
    Store,
    StoredObject,
    TooLarge,
    parse_record_key,
    parse_review_key,
    submission_marker_key,
)
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.sources import location_of, store_errors

Warn = Callable[[str], None]


def ignore(message: str) -> None:
    """A Warn that drops the warning (library callers that report nothing)."""


@dataclass(frozen=True)
class RecordRef:
    """A record's key and the keys of its reviews (in key order), before anything is read."""

    submission_id: str
    scheme_id: str
    key: str
    review_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reviewed:
    record: Record
    review: Review | None  # the one that counts (handler.record.latest_review)
    review_count: int
    key: str = ""  # the record's key in the store
    reviews: tuple[Review, ...] = ()  # every readable review, oldest first


def skipped(message: str, hint: str = "") -> str:
    """The warning for an object left out."""
    return f"{message}: skipped{f' ({hint})' if hint else ''}"


def record_error_hint(exc: RecordError) -> str:
    if exc.unknown_version:
        return "update Swanilai (`git pull`) to read it"
    return (
        "if it is in your pulled copy, delete it and run `assessor.py pull` to fetch it again; "
        "if it is in the source, tell the LSP's administrator"
    )


def too_large(store: Store, obj: StoredObject, limit: int) -> str | None:
    if obj.size <= limit:
        return None
    return skipped(f"{location_of(store, obj.key)}: is {obj.size:,} bytes, more than the {limit:,} it may be")


def index(store: Store, scheme: str | None = None, warn: Warn = ignore) -> dict[str, RecordRef]:
    """Every submission in the store by id, with its reviews; markers ignored, anything else named and skipped."""
    reviews: dict[str, list[str]] = {}
    with store_errors(store):
        for obj in store.list(_prefix(REVIEWS, scheme)):
            named = parse_review_key(obj.key)
            if named is None:
                warn(skipped(f"{location_of(store, obj.key)}: is not named like a review"))
            elif problem := too_large(store, obj, REVIEW_MAX_BYTES):
                warn(problem)
            else:
                reviews.setdefault(named.submission_id, []).append(obj.key)
        found: dict[str, RecordRef] = {}
        for obj in store.list(_prefix(SUBMISSIONS, scheme)):
            named = parse_record_key(obj.key)
            if named is None:
                if not is_bookkeeping(obj.key):
                    warn(skipped(f"{location_of(store, obj.key)}: is not named like a record"))
            elif problem := too_large(store, obj, RECORD_MAX_BYTES):
                warn(problem)
            elif named.submission_id in found:
                warn(skipped(f"{location_of(store, obj.key)}: has the id of {found[named.submission_id].key}"))
            else:
                found[named.submission_id] = RecordRef(
                    named.submission_id, named.scheme_id, obj.key, tuple(sorted(reviews.get(named.submission_id, ())))
                )
    return found


def is_bookkeeping(key: str) -> bool:
    """The handler's by-id and late markers: beside the records, never records themselves."""
    parts = key.split("/")
    return len(parts) == 4 and parts[0] == SUBMISSIONS and parts[2] in ("by-id", "late")


def _prefix(top: str, scheme: str | None) -> str:
    return f"{top}/{scheme}/" if scheme else f"{top}/"


def find(submissions: dict[str, RecordRef], given: str, where: str) -> RecordRef:
    """The submission whose id is `given` or starts with it (at least 4 characters, like git)."""
    given = given.strip().lower()
    if given in submissions:
        return submissions[given]
    matches = [s for sid, s in submissions.items() if len(given) >= 4 and sid.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AssessorError(f"{given!r} matches {len(matches)} submissions in {where}: give more of the id")
    raise AssessorError(
        f"no submission with id {given!r} in {where}: run `assessor.py list` to see the ids, "
        f"or `assessor.py pull` to fetch new submissions"
    )


def load_record(store: Store, key: str) -> Record:
    """Read and check the record under key; RecordError when it cannot be used."""
    return parse_record(_read(store, key, RECORD_MAX_BYTES), key, location_of(store, key))


def load_review(store: Store, key: str) -> Review:
    """Read and check the review under key; RecordError when it cannot be used."""
    return parse_review(_read(store, key, REVIEW_MAX_BYTES), key, location_of(store, key))


def _read(store: Store, key: str, limit: int) -> bytes:
    try:
        with store_errors(store):
            raw = store.get(key, max_bytes=limit)
    except TooLarge as exc:
        raise RecordError(
            location_of(store, key), f"is {exc.size:,} bytes, more than the {limit:,} it may be"
        ) from None
    if raw is None:
        raise RecordError(location_of(store, key), "disappeared while reading: run the command again")
    return raw


def load_one(store: Store, ref: RecordRef, warn: Warn = ignore) -> Reviewed:
    """A record with the review that counts; RecordError for the record, bad reviews skipped with a warning."""
    record = load_record(store, ref.key)
    reviews = []
    for key in ref.review_keys:
        try:
            reviews.append(load_review(store, key))
        except RecordError as exc:
            warn(skipped(str(exc), record_error_hint(exc)))
    reviews.sort(key=lambda review: (review.reviewed_at, review.key))
    return Reviewed(record, latest_review(reviews), len(reviews), ref.key, tuple(reviews))


def verification_of(store: Store, item: Reviewed) -> Verification:
    """The record's SHA-256 now, and the receipt's when its by-id marker is at hand (a pulled copy has none)."""
    with store_errors(store):
        raw = store.get(item.key, max_bytes=RECORD_MAX_BYTES) or b""
        marker_key = submission_marker_key(item.record.scheme.id, item.record.submission_id)
        try:
            marker = store.get(marker_key, max_bytes=64 * 1024)
        except TooLarge:
            marker = None
    receipt = None
    if marker is not None:
        try:
            value = parse_marker(marker, marker_key).receipt.get("sha256")
            receipt = value if isinstance(value, str) else None
        except CorruptMarker:
            receipt = None
    return Verification(hashlib.sha256(raw).hexdigest(), receipt)


def load_all(store: Store, refs: Iterable[RecordRef], warn: Warn = ignore) -> list[Reviewed]:
    """Every record that can be read, oldest first; each one that cannot is named in a warning and skipped."""
    loaded = []
    for ref in refs:
        try:
            loaded.append(load_one(store, ref, warn))
        except RecordError as exc:
            warn(skipped(str(exc), record_error_hint(exc)))
    return sorted(loaded, key=lambda item: (item.record.received_at, item.record.submission_id))
