"""`assessor.py review`: a new review next to a submission, create-only; the record is never touched."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from handler import fields, png
from handler.record import Review, latest_review
from handler.reviews import NoFreeReviewKey, create_review, load_reviews
from handler.store import Store
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import RecordRef
from swanilai.assessor.sources import store_errors

OUTCOME_CHOICES = {"lanjut": "lanjut", "tidak-lanjut": "tidak_lanjut", "perbaikan": "perbaikan"}
ASSESSOR_NAME_MAX = 200
REGISTRATION_MAX = 64
NOTES_MAX = 2000
ELEMENT_NOTE_MAX = 1000


def signature_data_url(path: Path) -> str:
    """A PNG file of the assessor's signature as the data URL a review stores, checked as the desk checks one."""
    try:
        image = path.read_bytes()
    except OSError as exc:
        raise AssessorError(f"cannot read {path}: {exc.strerror}; give a PNG file of your signature") from None
    data_url = png.DATA_URL_PREFIX + base64.b64encode(image).decode("ascii")
    try:
        header = png.read_header(png.decode_data_url(data_url, fields.SIGNATURE_PNG_MAX_BYTES))
    except png.PngRefused as refused:
        detail = {"too_big": f"is larger than {fields.SIGNATURE_PNG_MAX_BYTES // 1024} KB"}.get(
            refused.reason, "is not a PNG image"
        )
        raise AssessorError(f"{path} {detail}: give a PNG of your signature (e.g. scanned, cropped)") from None
    if header.width > fields.SIGNATURE_PNG_MAX_WIDTH or header.height > fields.SIGNATURE_PNG_MAX_HEIGHT:
        raise AssessorError(
            f"{path} is {header.width}x{header.height} pixels, more than {fields.SIGNATURE_PNG_MAX_WIDTH}x"
            f"{fields.SIGNATURE_PNG_MAX_HEIGHT}: crop or scale it down"
        )
    return data_url


def write_review(
    source: Store,
    ref: RecordRef,
    *,
    outcome: str,
    assessor: str,
    registration: str,
    notes: str | None,
    now: datetime,
    element_notes: Mapping[str, str] | None = None,
    signature: str | None = None,
) -> Review:
    """Store a new review next to the submission, create-only; never touch the candidate's record.

    Its time is `now` to the millisecond, the precision of the key and of the body; when another
    review took that millisecond, the next free one is used. The review names the latest review
    the source held just before (`seen_latest`), so a colleague's review written at the same
    moment is recognisable on the desk.
    """
    with store_errors(source):
        seen = latest_review(load_reviews(source, ref.scheme_id, ref.submission_id))
        review = Review(
            ref.submission_id,
            ref.scheme_id,
            now,
            assessor,
            registration,
            outcome,
            notes,
            element_notes=dict(element_notes or {}),
            signature=signature,
            seen_latest=seen.key if seen else None,
        )
        try:
            return create_review(source, review)
        except NoFreeReviewKey:
            raise AssessorError("could not find a free time for the review key: run the command again") from None
