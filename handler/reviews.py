"""A submission's reviews in a store: all of them read (oldest first), a new one written create-only.

Reviews are append-only: each is its own object under `reviews/<scheme>/<id>/<time>.json`, never
overwritten, and the one that counts is the latest by recorded time (handler.record.latest_review).
Two assessors reviewing at once both keep theirs; each review names the one its author had seen as
the latest (`seen_latest`), so a review written without knowing of another is recognisable later.
The desk (handler/desk.py), the indexer and `assessor.py review` all use this module. Standard
library only (Lambda).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, timedelta

from handler.record import REVIEW_MAX_BYTES, RecordError, Review, parse_review, review_bytes
from handler.store import REVIEWS, AlreadyExists, Store, TooLarge, parse_review_key

Skipped = Callable[[str, RecordError | TooLarge], None]
FREE_KEY_ATTEMPTS = 5


class NoFreeReviewKey(Exception):
    """Every millisecond tried for a new review's key was taken: someone is writing very fast."""


def reviews_prefix(scheme_id: str, submission_id: str) -> str:
    return f"{REVIEWS}/{scheme_id}/{submission_id}/"


def load_reviews(store: Store, scheme_id: str, submission_id: str, skipped: Skipped | None = None) -> list[Review]:
    """Every readable review of a submission, oldest first; one that cannot be read is left out (and told)."""
    found = []
    for obj in store.list(reviews_prefix(scheme_id, submission_id)):
        if parse_review_key(obj.key) is None:
            continue
        try:
            raw = store.get(obj.key, max_bytes=REVIEW_MAX_BYTES)
            if raw is None:
                continue  # removed since it was listed (an erasure)
            found.append(parse_review(raw, obj.key))
        except (RecordError, TooLarge) as exc:
            if skipped is not None:
                skipped(obj.key, exc)
    return sorted(found, key=lambda review: (review.reviewed_at, review.key))


def create_review(store: Store, review: Review) -> Review:
    """Store a new review create-only; when another took its millisecond, the next free one is used."""
    moment = review.reviewed_at.astimezone(UTC)
    moment = moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    for _ in range(FREE_KEY_ATTEMPTS):
        candidate = replace(review, reviewed_at=moment)
        try:
            store.create(candidate.key, review_bytes(candidate))
            return candidate
        except AlreadyExists:
            moment += timedelta(milliseconds=1)
    raise NoFreeReviewKey(review.key)


def written_unaware(reviews: Sequence[Review]) -> list[Review]:
    """The reviews (oldest first) whose author had not seen the review before theirs: written at the same time."""
    return [
        review
        for previous, review in zip(reviews, reviews[1:], strict=False)
        if review.version >= 2 and review.seen_latest != previous.key
    ]
