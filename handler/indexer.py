"""Keeping the desk's index in step with the store: per event, on a rebuild, and by a recent-days check.

Entry point `lambda_handler` takes the bucket's events (EventBridge "Object Created" / "Object
Deleted", or S3 notification records) for `submissions/*.json` and `reviews/*.json`. An event only
says which submission to look at: the entry is then computed from what the store holds now (the
record, all its reviews, whether a revision names it) and written with the index's no-going-back
upsert (handler/index.py). So a duplicated, replayed or late event recomputes the same entry or
an older view that the index refuses, and a created-event arriving after the object was erased
finds nothing and removes the entry instead of resurrecting it.

`reindex` rebuilds the whole index from the store (`assessor.py reindex`, `POST /desk/reindex`);
`catch_up` is the desk's honest answer to "is the list complete?" (see its docstring).
Standard library and boto3 only (Lambda).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote_plus

from handler.deskconfig import ConfigSlot, DeskConfig
from handler.deskrules import INDEX_NOTES, NOT_REVIEWED
from handler.fields import render
from handler.index import Index, IndexEntry, IndexUnavailable, fold
from handler.log import exception_line, log_safely
from handler.record import (
    RECORD_MAX_BYTES,
    CorruptMarker,
    RecordError,
    Review,
    latest_review,
    parse_marker,
    parse_record,
    parse_review,
    utc_timestamp,
)
from handler.reviews import load_reviews
from handler.store import (
    REVIEWS,
    SUBMISSIONS,
    Store,
    StoreUnavailable,
    TooLarge,
    parse_record_key,
    parse_review_key,
    submission_marker_key,
)
from handler.wib import wib_day

# The recent-days check lists these many UTC days back from today, for at most this many schemes.
RECENT_DAYS = 2
RECENT_SCHEMES_MAX = 64
# Missing entries the desk indexes itself when it finds them; more than that is "behind".
CATCH_UP_MAX = 50
CHECK_EVERY = timedelta(seconds=30)


def revised_by_key(scheme_id: str, submission_id: str) -> str:
    """The marker a revision claims, create-only, on the submission it revises (records v2)."""
    return f"{SUBMISSIONS}/{scheme_id}/revised-by/{submission_id}.marker"


# -- one entry, computed from what the store holds


def build_entry(record_key: str, raw: bytes, reviews: list[Review], revised_by: str | None) -> IndexEntry:
    """The index entry of one stored record and its reviews; RecordError when the record cannot be read."""
    import hashlib

    record = parse_record(raw, record_key)
    data = json.loads(raw)
    latest = latest_review(reviews)
    revises = data.get("revises")
    answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
    files = sum(
        len(answer["files"])
        for answer in answers.values()
        if isinstance(answer, dict) and isinstance(answer.get("files"), list)
    )
    return IndexEntry(
        submission_id=record.submission_id,
        scheme_id=record.scheme.id,
        scheme_number=record.scheme.number,
        scheme_title=_plain(record.scheme.title),
        received_at=utc_timestamp(record.received_at),
        received_day_wib=wib_day(record.received_at).isoformat(),
        name=record.candidate.name,
        name_folded=fold(record.candidate.name),
        k=record.count("K"),
        bk=record.count("BK"),
        state=latest.outcome if latest else NOT_REVIEWED,
        reviewed_at=utc_timestamp(latest.reviewed_at) if latest else None,
        reviewer=latest.assessor_name if latest else None,
        reviewer_registration=latest.registration if latest else None,
        notes=latest.notes if latest else None,
        review_count=len(reviews),
        latest_review_key=latest.key if latest else None,
        revises=revises.get("submission_id") if isinstance(revises, dict) else None,
        revised_by=revised_by,
        files=files,
        record_key=record_key,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def _plain(text: str) -> str:
    from handler.scheme import plain_text

    return plain_text(text)


def find_record_key(store: Store, index: Index, scheme_id: str, submission_id: str) -> str | None:
    """Where a submission's record is: its by-id marker says, else the index remembers."""
    try:
        raw = store.get(submission_marker_key(scheme_id, submission_id), max_bytes=64 * 1024)
        if raw is not None:
            return parse_marker(raw, submission_marker_key(scheme_id, submission_id)).key
    except (CorruptMarker, TooLarge):
        pass
    entry = index.get(submission_id)
    return entry.record_key if entry is not None else None


def read_revised_by(store: Store, scheme_id: str, submission_id: str) -> str | None:
    """The id of the revision that claimed this submission, when one did."""
    try:
        raw = store.get(revised_by_key(scheme_id, submission_id), max_bytes=64 * 1024)
    except TooLarge:
        return None
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for name in ("revised_by", "submission_id"):
        value = data.get(name)
        if isinstance(value, str) and value != submission_id:
            return value
    receipt = data.get("receipt")
    value = receipt.get("submission_id") if isinstance(receipt, dict) else None
    return value if isinstance(value, str) and value != submission_id else None


@dataclass(frozen=True)
class Refreshed:
    submission_id: str
    outcome: str  # "indexed", "unchanged" (the index saw more already), "removed", "unreadable"


def refresh(
    store: Store,
    index: Index,
    scheme_id: str,
    submission_id: str,
    *,
    record_key: str | None = None,
    revised_by_hint: str | None = None,
    force: bool = False,
    follow: bool = True,
) -> Refreshed:
    """Recompute one submission's entry from the store and write it (or remove it: the record is gone)."""
    key = record_key or find_record_key(store, index, scheme_id, submission_id)
    raw = store.get(key, max_bytes=RECORD_MAX_BYTES) if key else None
    if raw is None:
        index.delete(submission_id)
        return Refreshed(submission_id, "removed")
    reviews = load_reviews(store, scheme_id, submission_id)
    revised_by = read_revised_by(store, scheme_id, submission_id) or revised_by_hint
    try:
        entry = build_entry(key, raw, reviews, revised_by)
    except RecordError:
        return Refreshed(submission_id, "unreadable")
    written = index.upsert(entry, force=force)
    if follow and entry.revises:
        # The submission this one revises now shows that it was revised.
        refresh(store, index, scheme_id, entry.revises, revised_by_hint=entry.submission_id, follow=False)
    return Refreshed(submission_id, "indexed" if written else "unchanged")


# -- events


@dataclass(frozen=True)
class Change:
    key: str
    removed: bool


def changes_of(event: Any) -> list[Change]:
    """The object changes an event reports: EventBridge's S3 events or S3 notification records."""
    if not isinstance(event, dict):
        return []
    if event.get("source") == "aws.s3" and isinstance(event.get("detail"), dict):
        key = (event["detail"].get("object") or {}).get("key")
        removed = str(event.get("detail-type", "")).startswith("Object Deleted")
        return [Change(str(key), removed)] if isinstance(key, str) else []
    found = []
    for record in event.get("Records") or ():
        if not isinstance(record, dict):
            continue
        if isinstance(record.get("body"), str):  # delivered through SQS or SNS: the S3 event is inside
            try:
                found.extend(changes_of(json.loads(record["body"])))
            except ValueError:
                pass
            continue
        key = ((record.get("s3") or {}).get("object") or {}).get("key")
        if isinstance(key, str):
            # S3 notifications URL-encode the key (EventBridge does not).
            found.append(Change(unquote_plus(key), str(record.get("eventName", "")).startswith("ObjectRemoved")))
    return found


def apply_change(store: Store, index: Index, change: Change) -> Refreshed | None:
    """Bring the entry a changed object belongs to up to date; None for an object that is no record or review."""
    record = parse_record_key(change.key)
    if record is not None:
        key = None if change.removed else change.key
        return refresh(store, index, record.scheme_id, record.submission_id, record_key=key, force=change.removed)
    review = parse_review_key(change.key)
    if review is not None:
        return refresh(store, index, review.scheme_id, review.submission_id, force=change.removed)
    return None


_slot = ConfigSlot(with_directory=False)


def configure(config: DeskConfig | None) -> None:
    """Set the configuration in code (tests, local server); None goes back to the environment."""
    _slot.set(config)


def current_config() -> DeskConfig:
    return _slot.get()


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Index what an event reports; a failure raises, so Lambda retries the event (it is idempotent)."""
    started = time.perf_counter()
    request_id = getattr(context, "aws_request_id", None) or uuid.uuid4().hex
    config = current_config()
    outcomes: dict[str, int] = {}
    try:
        for change in changes_of(event):
            done = apply_change(config.store, config.index, change)
            if done is not None:
                outcomes[done.outcome] = outcomes.get(done.outcome, 0) + 1
        if outcomes:
            config.index.mark(utc_timestamp(config.clock()))
    except Exception as exc:
        log_safely(config.log, exception_line(request_id, exc))
        raise
    line = {
        "level": "info",
        "event": "index_update",
        "request_id": request_id,
        "outcomes": outcomes,
        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
    }
    log_safely(config.log, line)
    return {"outcomes": outcomes}


# -- a whole rebuild


@dataclass(frozen=True)
class Rebuilt:
    indexed: int
    removed: int
    unreadable: int
    complete: bool


def reindex(
    store: Store,
    index: Index,
    now: datetime,
    *,
    deadline: float | None = None,
    workers: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> Rebuilt:
    """Rebuild the index from the store: every record with its reviews; entries of erased records removed.

    `deadline` (time.monotonic()) stops early, leaving what is written; only a complete rebuild
    removes entries and notes its time, so an incomplete one never hides a submission.
    """
    records: dict[str, tuple[str, str]] = {}  # id -> (scheme, key)
    reviews: dict[str, list[str]] = {}
    for obj in store.list(f"{SUBMISSIONS}/"):
        named = parse_record_key(obj.key)
        if named is not None:
            records[named.submission_id] = (named.scheme_id, obj.key)
    for obj in store.list(f"{REVIEWS}/"):
        named = parse_review_key(obj.key)
        if named is not None:
            reviews.setdefault(named.submission_id, []).append(obj.key)

    def build(item: tuple[str, tuple[str, str]]) -> IndexEntry | None:
        submission_id, (_, key) = item
        if deadline is not None and time.monotonic() > deadline:
            raise TimeoutError
        raw = store.get(key, max_bytes=RECORD_MAX_BYTES)
        if raw is None:
            return None
        read = []
        for review_key in sorted(reviews.get(submission_id, ())):
            body = store.get(review_key, max_bytes=RECORD_MAX_BYTES)
            try:
                if body is not None:
                    read.append(parse_review(body, review_key))
            except RecordError:
                pass
        try:
            return build_entry(key, raw, read, None)
        except (RecordError, TooLarge):
            return None

    entries: list[IndexEntry] = []
    unreadable, complete = 0, True
    with ThreadPoolExecutor(max_workers=workers) as pool:
        try:
            for done, entry in enumerate(pool.map(build, records.items()), start=1):
                if entry is None:
                    unreadable += 1
                else:
                    entries.append(entry)
                if progress is not None and done % 500 == 0:
                    progress(done, len(records))
        except TimeoutError:
            complete = False
    # Revisions are known from the records themselves: each names the one it revises.
    revised_by = {entry.revises: entry.submission_id for entry in entries if entry.revises}
    for entry in entries:
        index.upsert(replace(entry, revised_by=revised_by.get(entry.submission_id)), force=True)
    removed = 0
    if complete:
        for stale in index.all_ids() - set(records):
            index.delete(stale)
            removed += 1
    index.mark(utc_timestamp(now), rebuilt=complete)
    return Rebuilt(len(entries), removed, unreadable, complete)


# -- is the list complete?


@dataclass(frozen=True)
class IndexState:
    updated_at: str | None
    behind: bool
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {"updated_at": self.updated_at, "behind": self.behind, "note": self.note}


def catch_up(store: Store, index: Index, now: datetime) -> IndexState:
    """Whether the index lacks what the store holds, checked where it can be cheaply, and healed when little.

    "Behind" means: the index was never rebuilt from the store (submissions stored before it
    existed may be missing), or a record stored in the last RECENT_DAYS UTC days (listed under its
    day, for up to RECENT_SCHEMES_MAX schemes) has no entry and there were more of those than the
    desk indexes on the spot (CATCH_UP_MAX). Reviews written outside the desk show once the
    indexer (AWS: seconds after the write) or a rebuild has seen them; older records missing
    through a lost event show after a rebuild. When the store cannot be listed the answer is
    "behind" with a note saying it could not be checked, never a silent "complete".
    """
    try:
        meta = index.meta()
        schemes = [folder.split("/")[1] for folder in store.children(f"{SUBMISSIONS}/")]
        days = [(now - timedelta(days=back)).date() for back in range(RECENT_DAYS)]
        prefixes = [f"{SUBMISSIONS}/{s}/{d:%Y/%m/%d}/" for s in schemes[:RECENT_SCHEMES_MAX] for d in days]
        stored: dict[str, tuple[str, str]] = {}
        with ThreadPoolExecutor(max_workers=8) as pool:
            for objects in pool.map(lambda prefix: list(store.list(prefix)), prefixes):
                for obj in objects:
                    named = parse_record_key(obj.key)
                    if named is not None:
                        stored[named.submission_id] = (named.scheme_id, obj.key)
        missing = sorted(set(stored) - index.known_ids(stored))
        if missing and len(missing) <= CATCH_UP_MAX:
            for submission_id in missing:
                scheme_id, key = stored[submission_id]
                refresh(store, index, scheme_id, submission_id, record_key=key)
            index.mark(utc_timestamp(now))
            meta = index.meta()
    except (StoreUnavailable, IndexUnavailable):
        return IndexState(None, True, INDEX_NOTES["not_checked"])
    if meta.rebuilt_at is None:
        return IndexState(meta.updated_at, True, INDEX_NOTES["never_built"])
    if len(missing) > CATCH_UP_MAX:
        return IndexState(meta.updated_at, True, render(INDEX_NOTES["missing"], count=len(missing)))
    if missing:
        return IndexState(meta.updated_at, False, render(INDEX_NOTES["caught_up"], count=len(missing)))
    return IndexState(meta.updated_at, False, INDEX_NOTES["current"])
