"""`assessor.py review`: a new review next to a submission, create-only; the record is never touched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from handler.record import Review, review_bytes
from handler.store import AlreadyExists, Store
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import RecordRef
from swanilai.assessor.sources import store_errors

RECOMMEND_CHOICES = {"lanjut": "lanjut", "tidak-lanjut": "tidak_lanjut"}
ASSESSOR_NAME_MAX = 200
REGISTRATION_MAX = 64
NOTES_MAX = 2000


def write_review(
    source: Store,
    ref: RecordRef,
    *,
    recommendation: str,
    assessor: str,
    registration: str,
    notes: str | None,
    now: datetime,
) -> Review:
    """Store a new review next to the submission, create-only; never touch the candidate's record.

    Its time is `now` to the millisecond, the precision of the key and of the body; when another
    review took that millisecond, the next free one is used.
    """
    moment = now.astimezone(UTC).replace(microsecond=now.microsecond // 1000 * 1000)
    for _ in range(5):
        review = Review(ref.submission_id, ref.scheme_id, moment, assessor, registration, recommendation, notes)
        try:
            with store_errors(source):
                source.create(review.key, review_bytes(review))
            return review
        except AlreadyExists:
            moment += timedelta(milliseconds=1)
    raise AssessorError("could not find a free time for the review key: run the command again")
