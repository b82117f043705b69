"""What a store holds: each submission's record and reviews by id, found, read and checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from handler.record import Record, Review, parse_record, parse_review
from handler.store import RECORD_KEY, REVIEW_KEY, REVIEWS, SUBMISSIONS, Store
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.sources import location_of, store_errors


@dataclass(frozen=True)
class RecordRef:
    """A record's key and the keys of its reviews (oldest first), before anything is parsed."""

    submission_id: str
    scheme_id: str
    key: str
    review_keys: tuple[str, ...] = ()


def index(store: Store, scheme: str | None = None) -> dict[str, RecordRef]:
    """Every submission in the store by id, with its reviews; markers and stray files ignored."""
    reviews: dict[str, list[str]] = {}
    with store_errors(store):
        for obj in store.list(_prefix(REVIEWS, scheme)):
            match = REVIEW_KEY.match(obj.key)
            if match:
                reviews.setdefault(match["id"], []).append(obj.key)
        found = {}
        for obj in store.list(_prefix(SUBMISSIONS, scheme)):
            match = RECORD_KEY.match(obj.key)
            if match:
                found[match["id"]] = RecordRef(
                    match["id"], match["scheme"], obj.key, tuple(sorted(reviews.get(match["id"], ())))
                )
    return found


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
    with store_errors(store):
        raw = store.get(key)
    if raw is None:
        raise AssessorError(f"{location_of(store, key)} disappeared while reading: run the command again")
    return parse_record(raw, location_of(store, key))


def load_latest_review(store: Store, submission: RecordRef) -> Review | None:
    # Review keys carry their UTC time, so the last key in order is the latest review.
    if not submission.review_keys:
        return None
    key = submission.review_keys[-1]
    with store_errors(store):
        raw = store.get(key)
    return parse_review(raw, location_of(store, key)) if raw is not None else None


@dataclass(frozen=True)
class Reviewed:
    record: Record
    review: Review | None
    review_count: int


def load_all(store: Store, submissions: Iterable[RecordRef]) -> list[Reviewed]:
    """Read and check every record first, so a bad file stops the command before it writes anything."""
    loaded = [
        Reviewed(load_record(store, s.key), load_latest_review(store, s), len(s.review_keys)) for s in submissions
    ]
    return sorted(loaded, key=lambda item: (item.record.received_at, item.record.submission_id))
