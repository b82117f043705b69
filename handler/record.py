"""Stored records and reviews, read back: parse, check the record_version, refuse what is unknown.

The handler writes submission records (handler/submission.py); assessor.py reads them and writes
reviews. Both shapes are fixed by DESIGN.md. A reader that meets a record_version it does not know
refuses it with a clear error instead of guessing. Standard library only.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from handler.scheme import CatalogError, Scheme, canonical_json, scheme_from_dict

RECORD_VERSION = 1
RECOMMENDATIONS = ("lanjut", "tidak_lanjut")
VERDICTS = ("K", "BK")
PNG_DATA_URL_PREFIX = "data:image/png;base64,"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class RecordError(Exception):
    """A stored record or review is unreadable, malformed or of a record_version this code does not know."""

    def __init__(self, where: str, problem: str, *, unknown_version: bool = False) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
        self.unknown_version = unknown_version


@dataclass(frozen=True)
class Answer:
    verdict: str
    evidence: str


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Signature:
    kind: str  # "drawn" or "typed"
    data_url: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Record:
    submission_id: str
    received_at: datetime
    scheme: Scheme
    candidate: Candidate
    answers: Mapping[str, Answer]
    declaration: bool
    signature: Signature

    def count(self, verdict: str) -> int:
        return sum(1 for answer in self.answers.values() if answer.verdict == verdict)


@dataclass(frozen=True)
class Review:
    submission_id: str
    scheme_id: str
    reviewed_at: datetime
    assessor_name: str
    registration: str
    recommendation: str
    notes: str | None


# -- reading


def parse_record(raw: bytes, where: str) -> Record:
    """Read a submission record; `where` names the file or key in errors."""
    data = _load(raw, where)
    try:
        scheme = _scheme(_field(data, "scheme", dict, where))
    except CatalogError as exc:
        raise RecordError(where, f"its scheme is of an unknown format ({exc})", unknown_version=True) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(where, f"its scheme is incomplete ({_describe(exc)})") from None
    candidate = _field(data, "candidate", dict, where)
    answers = {}
    for key, answer in _field(data, "answers", dict, where).items():
        if (
            not isinstance(answer, dict)
            or answer.get("verdict") not in VERDICTS
            or not isinstance(answer.get("evidence"), str)
        ):
            raise RecordError(where, f"answer {key!r} is not a verdict K or BK with evidence text")
        answers[key] = Answer(answer["verdict"], answer["evidence"])
    return Record(
        submission_id=_field(data, "submission_id", str, where),
        received_at=_timestamp(data, "received_at", where),
        scheme=scheme,
        candidate=Candidate(
            name=_field(candidate, "name", str, where),
            email=_optional_text(candidate, "email", where),
            phone=_optional_text(candidate, "phone", where),
        ),
        answers=answers,
        declaration=data.get("declaration") is True,
        signature=_signature(_field(data, "signature", dict, where), where),
    )


def parse_review(raw: bytes, where: str) -> Review:
    """Read an assessor's review; `where` names the file or key in errors."""
    data = _load(raw, where)
    assessor = _field(data, "assessor", dict, where)
    recommendation = _field(data, "recommendation", str, where)
    if recommendation not in RECOMMENDATIONS:
        raise RecordError(where, f"recommendation {recommendation!r} is not one of {', '.join(RECOMMENDATIONS)}")
    return Review(
        submission_id=_field(data, "submission_id", str, where),
        scheme_id=_field(data, "scheme_id", str, where),
        reviewed_at=_timestamp(data, "reviewed_at", where),
        assessor_name=_field(assessor, "name", str, where),
        registration=_field(assessor, "registration", str, where),
        recommendation=recommendation,
        notes=_optional_text(data, "notes", where),
    )


# Records of one scheme version carry the same scheme text; building the model once per version
# (reused only when the text is exactly equal) makes reading thousands of records several times faster.
_SCHEMES: dict[tuple[str, str], tuple[dict[str, Any], Scheme]] = {}
_SCHEMES_MAX = 64


def _scheme(data: dict[str, Any]) -> Scheme:
    cache_key = (str(data.get("id")), str(data.get("version")))
    cached = _SCHEMES.get(cache_key)
    if cached is not None and cached[0] == data:
        return cached[1]
    scheme = scheme_from_dict(data)
    if len(_SCHEMES) >= _SCHEMES_MAX:
        _SCHEMES.clear()
    _SCHEMES[cache_key] = (data, scheme)
    return scheme


def _load(raw: bytes, where: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise RecordError(where, "is not valid JSON (truncated or corrupt)") from None
    if not isinstance(data, dict):
        raise RecordError(where, "is not a JSON object")
    version = data.get("record_version")
    if version != RECORD_VERSION:
        raise RecordError(
            where,
            f"has record_version {version!r}, which this version of Swanilai does not know (it reads {RECORD_VERSION})",
            unknown_version=True,
        )
    return data


def _field(data: dict[str, Any], name: str, kind: type, where: str) -> Any:
    value = data.get(name)
    if not isinstance(value, kind):
        raise RecordError(where, f"field {name!r} is missing or not a {kind.__name__}")
    return value


def _optional_text(data: dict[str, Any], name: str, where: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise RecordError(where, f"field {name!r} is not text")
    return value or None


def _timestamp(data: dict[str, Any], name: str, where: str) -> datetime:
    value = _field(data, name, str, where)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(where, f"field {name!r} is not an ISO 8601 time: {value!r}") from None
    if moment.tzinfo is None:
        raise RecordError(where, f"field {name!r} has no time zone: {value!r}")
    return moment.astimezone(UTC)


def _signature(data: dict[str, Any], where: str) -> Signature:
    kind = data.get("kind")
    if kind == "drawn":
        return Signature("drawn", data_url=_field(data, "data_url", str, where))
    if kind == "typed":
        return Signature("typed", text=_field(data, "text", str, where))
    raise RecordError(where, f"signature kind {kind!r} is neither 'drawn' nor 'typed'")


def _describe(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc)


def png_bytes(data_url: str, max_bytes: int) -> bytes | None:
    """The PNG inside a `data:image/png;base64,` URL, or None unless it really is a PNG of at most max_bytes."""
    if not data_url.startswith(PNG_DATA_URL_PREFIX):
        return None
    payload = data_url[len(PNG_DATA_URL_PREFIX) :]
    if len(payload) > (max_bytes * 4) // 3 + 4:
        return None
    try:
        png = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    return png if png.startswith(_PNG_MAGIC) and len(png) <= max_bytes else None


# -- writing a review


def review_body(review: Review) -> bytes:
    """The stored JSON of a review (DESIGN.md's review contract)."""
    return (
        canonical_json(
            {
                "record_version": RECORD_VERSION,
                "submission_id": review.submission_id,
                "scheme_id": review.scheme_id,
                "reviewed_at": utc_stamp(review.reviewed_at),
                "assessor": {"name": review.assessor_name, "registration": review.registration},
                "recommendation": review.recommendation,
                "notes": review.notes,
            }
        )
        + "\n"
    ).encode("utf-8")


def utc_stamp(moment: datetime) -> str:
    """`2026-11-23T23:15:02.123Z`: the contract's UTC time format, milliseconds."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
