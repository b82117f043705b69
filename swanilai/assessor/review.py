"""`assessor.py review`: a new review next to a submission, create-only; the record is never touched."""

from __future__ import annotations

from datetime import datetime, timedelta

from handler.record import Review, review_body
from handler.store import AlreadyExists, Store, review_key
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import RecordRef
from swanilai.assessor.sources import store_errors

RECOMMEND_CHOICES = {"lanjut": "lanjut", "tidak-lanjut": "tidak_lanjut"}
ASSESSOR_NAME_MAX = 200
REGISTRATION_MAX = 64
NOTES_MAX = 2000


def write_review(
    source: Store,
    submission: RecordRef,
    *,
    recommendation: str,
    assessor: str,
    registration: str,
    notes: str | None,
    now: datetime,
) -> tuple[str, Review]:
    """Store a new review next to the submission, create-only; never touch the candidate's record."""
    moment = now
    for _ in range(5):
        review = Review(
            submission.submission_id, submission.scheme_id, moment, assessor, registration, recommendation, notes
        )
        key = review_key(submission.scheme_id, submission.submission_id, moment)
        try:
            with store_errors(source):
                source.create(key, review_body(review))
            return key, review
        except AlreadyExists:
            moment += timedelta(microseconds=1)  # another review in the same microsecond: take the next one
    raise AssessorError("could not find a free time for the review key: run the command again")
