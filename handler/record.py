"""The record contract: submission records, receipts, by-id markers and reviews, written and read back.

The handler files records, receipts and markers (handler/filing.py); assessor.py reads records and
writes reviews. Every stored object carries `record_version`, and a reader refuses a version it does
not know instead of guessing. Records are written as version 2 and read as 1 or 2: version 2 adds
per-answer evidence `files`, the candidate's `consent` (with the privacy notice's version), `revises`
(the submission it replaces) and `status_key_sha256` (the hash of the status secret); version 1
records have none of them. A body is tied to its key (handler/store.py holds the key formats):
a record's ids and day, a review's ids and time must be the ones its key names, so a stray object
can neither shadow nor outrank another. Times are UTC to the millisecond in one spelling,
`2026-11-23T23:15:02.123Z`. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from handler.fields import EVIDENCE_TYPES, VERDICTS
from handler.scheme import CatalogError, Scheme, canonical_json, scheme_from_dict
from handler.store import evidence_key, parse_record_key, parse_review_key, review_key

if TYPE_CHECKING:
    from handler.submission import Submission

RECORD_VERSION = 2
READABLE_VERSIONS = (1, 2)
RECOMMENDATIONS = ("lanjut", "tidak_lanjut")
# The most a reader takes of one object. A record is a payload of at most 512 KB plus the scheme's
# text; a review is a few lines of text (with room for the drawn signature reviews will carry).
RECORD_MAX_BYTES = 1024 * 1024
REVIEW_MAX_BYTES = 512 * 1024
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\Z")
TIMESTAMP_EXAMPLE = "2026-11-23T23:15:02.123Z"


class RecordError(Exception):
    """A stored record or review is unreadable, malformed or of a record_version this code does not know."""

    def __init__(self, where: str, problem: str, *, unknown_version: bool = False) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem
        self.unknown_version = unknown_version


class CorruptMarker(Exception):
    """A marker in the store is not one this code wrote; a person has to look at it."""

    safe_to_log = True  # scheme id, submission id and an exception type: no personal data


@dataclass(frozen=True)
class EvidenceFile:
    """One evidence file of an answer: as the candidate attached it, and (in a record) where it is kept."""

    name: str
    size: int
    type: str  # media type: application/pdf, image/jpeg, image/png
    sha256: str  # hex
    key: str | None = None  # evidence/<scheme>/<submission id>/<sha256>.<ext>; None before filing

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "size": self.size, "type": self.type, "sha256": self.sha256}
        if self.key is not None:
            data["key"] = self.key
        return data


@dataclass(frozen=True)
class Answer:
    verdict: str
    evidence: str
    files: tuple[EvidenceFile, ...] = ()


@dataclass(frozen=True)
class Consent:
    given: bool
    notice_version: str  # the privacy notice the candidate saw (12 hex)

    def to_dict(self) -> dict[str, Any]:
        return {"given": self.given, "notice_version": self.notice_version}


@dataclass(frozen=True)
class Signature:
    kind: str  # "drawn" or "typed"
    value: str  # the PNG data URL, or the typed name

    def to_dict(self) -> dict[str, str]:
        if self.kind == "drawn":
            return {"kind": "drawn", "data_url": self.value}
        return {"kind": "typed", "text": self.value}


@dataclass(frozen=True)
class Candidate:
    name: str
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class Record:
    submission_id: str
    received_at: datetime
    scheme: Scheme
    candidate: Candidate
    answers: Mapping[str, Answer]
    declaration: bool
    signature: Signature
    record_version: int = RECORD_VERSION
    consent: Consent | None = None  # None: a version 1 record
    revises: str | None = None  # the submission id this one replaces
    status_key_sha256: str | None = None

    def count(self, verdict: str) -> int:
        return sum(1 for answer in self.answers.values() if answer.verdict == verdict)

    def files(self) -> list[tuple[str, EvidenceFile]]:
        """Every evidence file with its element key, in answer order."""
        return [(key, file) for key, answer in self.answers.items() for file in answer.files]


@dataclass(frozen=True)
class Review:
    submission_id: str
    scheme_id: str
    reviewed_at: datetime
    assessor_name: str
    registration: str
    recommendation: str
    notes: str | None

    @property
    def key(self) -> str:
        return review_key(self.scheme_id, self.submission_id, self.reviewed_at)


@dataclass(frozen=True)
class Marker:
    key: str  # the record's key
    fingerprint: str
    receipt: dict[str, Any]
    # Beside the record's own copy, so the status route and a revision check the secret with one read.
    status_key_sha256: str | None = None


@dataclass(frozen=True)
class RevisionClaim:
    """`submissions/<scheme>/revised-by/<earlier id>.marker`: which submission replaced an earlier one."""

    revises: str  # the earlier submission id
    submission_id: str  # the revision


# -- time


def utc_timestamp(moment: datetime) -> str:
    """The contract's time: ISO 8601 in UTC with milliseconds and Z, 2026-11-23T23:15:02.123Z."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def parse_utc_timestamp(text: str) -> datetime | None:
    """The moment a contract time names, or None when text is not exactly one."""
    if not _TIMESTAMP.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


# -- writing: record, receipt, marker, review


def build_record(submission: Submission, scheme_document: dict[str, Any], received_at: str) -> dict[str, Any]:
    """The self-contained record: the scheme text as the candidate saw it, with everything they sent.

    Each evidence file carries the key it is kept under (handler.store.evidence_key).
    """
    content = submission.content()
    answers = content["answers"]
    for answer in answers.values():
        answer["files"] = [
            {**file, "key": file_key(submission.scheme_id, submission.submission_id, file)} for file in answer["files"]
        ]
    return {
        "record_version": RECORD_VERSION,
        "submission_id": submission.submission_id,
        "received_at": received_at,
        "scheme": scheme_document,
        "candidate": content["candidate"],
        "answers": answers,
        "declaration": True,
        "signature": content["signature"],
        "consent": content["consent"],
        "revises": content["revises"],
        "status_key_sha256": content["status_key_sha256"],
    }


def file_key(scheme_id: str, submission_id: str, file: Mapping[str, Any]) -> str:
    """Where a filed evidence file is kept: named by its SHA-256, with its type's extension."""
    return evidence_key(scheme_id, submission_id, file["sha256"], EVIDENCE_TYPES[file["type"]])


def record_bytes(record: dict[str, Any]) -> bytes:
    """Serialise a record deterministically: rebuilding it from the same parts gives the same bytes."""
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def build_receipt(record: dict[str, Any], body: bytes) -> dict[str, Any]:
    """What the candidate keeps: id, time received, scheme and the SHA-256 of the stored bytes."""
    return {
        "submission_id": record["submission_id"],
        "received_at": record["received_at"],
        "scheme": {"id": record["scheme"]["id"], "version": record["scheme"]["version"]},
        "sha256": hashlib.sha256(body).hexdigest(),
    }


def marker_bytes(marker: Marker) -> bytes:
    data = {
        "record_version": RECORD_VERSION,
        "key": marker.key,
        "fingerprint": marker.fingerprint,
        "receipt": marker.receipt,
        "status_key_sha256": marker.status_key_sha256,
    }
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def claim_bytes(claim: RevisionClaim) -> bytes:
    data = {"record_version": RECORD_VERSION, "revises": claim.revises, "submission_id": claim.submission_id}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def parse_claim(raw: bytes, where: str) -> RevisionClaim:
    """Read a revised-by marker; CorruptMarker when it is not one this code wrote."""
    try:
        data = json.loads(raw)
        if data["record_version"] not in READABLE_VERSIONS:
            raise ValueError(f"record_version {data['record_version']!r}")
        if not isinstance(data["revises"], str) or not isinstance(data["submission_id"], str):
            raise TypeError("ids are not text")
        return RevisionClaim(data["revises"], data["submission_id"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptMarker(f"{where}: {type(exc).__name__}") from None


def review_bytes(review: Review) -> bytes:
    """The stored JSON of a review; its key is `review.key`."""
    return (
        canonical_json(
            {
                # Reviews keep the version 1 shape (recommendation) until the desk's version 2 reviews.
                "record_version": 1,
                "submission_id": review.submission_id,
                "scheme_id": review.scheme_id,
                "reviewed_at": utc_timestamp(review.reviewed_at),
                "assessor": {"name": review.assessor_name, "registration": review.registration},
                "recommendation": review.recommendation,
                "notes": review.notes,
            }
        )
        + "\n"
    ).encode("utf-8")


# -- reading


def parse_record(raw: bytes, key: str, where: str | None = None) -> Record:
    """Read the submission record stored under key; `where` (default: key) names it in errors."""
    where = where or key
    named = parse_record_key(key)
    if named is None:
        raise RecordError(where, "is not named like a record (submissions/<scheme>/<YYYY>/<MM>/<DD>/<id>.json)")
    data = _load(raw, where)
    try:
        scheme = _scheme(_field(data, "scheme", dict, where))
    except CatalogError as exc:
        raise RecordError(where, f"its scheme is of an unknown format ({exc})", unknown_version=True) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise RecordError(where, f"its scheme is incomplete ({_describe(exc)})") from None
    candidate = _field(data, "candidate", dict, where)
    version = data["record_version"]
    answers = {}
    for element, answer in _field(data, "answers", dict, where).items():
        if (
            not isinstance(answer, dict)
            or answer.get("verdict") not in VERDICTS
            or not isinstance(answer.get("evidence"), str)
        ):
            raise RecordError(where, f"answer {_shown(element)} is not a verdict K or BK with evidence text")
        files = _files(answer, element, where) if version >= 2 else ()
        answers[element] = Answer(answer["verdict"], answer["evidence"], files)
    record = Record(
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
        record_version=version,
        **(_loop_and_consent(data, where) if version >= 2 else {}),
    )
    if record.submission_id != named.submission_id:
        raise RecordError(where, f"its submission_id {_shown(record.submission_id)} is not the id in its name")
    if record.scheme.id != named.scheme_id:
        raise RecordError(where, f"its scheme {_shown(record.scheme.id)} is not the scheme in its name")
    if record.received_at.date() != named.day:
        raise RecordError(where, f"it was received on {record.received_at:%Y-%m-%d} (UTC), not on the day in its name")
    return record


_HEX64 = re.compile(r"[0-9a-f]{64}\Z")


def _files(answer: dict[str, Any], element: str, where: str) -> tuple[EvidenceFile, ...]:
    files = answer.get("files", [])
    if not isinstance(files, list):
        raise RecordError(where, f"answer {_shown(element)} has files that are not a list")
    found = []
    for file in files:
        if not (
            isinstance(file, dict)
            and isinstance(file.get("name"), str)
            and type(file.get("size")) is int
            and isinstance(file.get("type"), str)
            and isinstance(file.get("sha256"), str)
            and _HEX64.match(file["sha256"])
            and isinstance(file.get("key"), str)
        ):
            raise RecordError(where, f"answer {_shown(element)} has a file without name, size, type, sha256 and key")
        found.append(EvidenceFile(file["name"], file["size"], file["type"], file["sha256"], file["key"]))
    return tuple(found)


def _loop_and_consent(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The version 2 fields: consent, revises and the status key's hash."""
    consent = data.get("consent")
    if not (
        isinstance(consent, dict)
        and isinstance(consent.get("given"), bool)
        and isinstance(consent.get("notice_version"), str)
    ):
        raise RecordError(where, "field 'consent' is not {given, notice_version}")
    revises = data.get("revises")
    if revises is not None and not (isinstance(revises, dict) and isinstance(revises.get("submission_id"), str)):
        raise RecordError(where, "field 'revises' is neither null nor {submission_id}")
    status_key = data.get("status_key_sha256")
    if not isinstance(status_key, str) or not _HEX64.match(status_key):
        raise RecordError(where, "field 'status_key_sha256' is not 64 hex digits")
    return {
        "consent": Consent(consent["given"], consent["notice_version"]),
        "revises": revises["submission_id"] if revises else None,
        "status_key_sha256": status_key,
    }


def parse_review(raw: bytes, key: str, where: str | None = None) -> Review:
    """Read the assessor's review stored under key; `where` (default: key) names it in errors."""
    where = where or key
    named = parse_review_key(key)
    if named is None:
        raise RecordError(where, "is not named like a review (reviews/<scheme>/<id>/<YYYYMMDD>T<HHMMSS>.<mmm>Z.json)")
    data = _load(raw, where)
    assessor = _field(data, "assessor", dict, where)
    recommendation = _field(data, "recommendation", str, where)
    if recommendation not in RECOMMENDATIONS:
        raise RecordError(where, f"recommendation {_shown(recommendation)} is not one of {', '.join(RECOMMENDATIONS)}")
    review = Review(
        submission_id=_field(data, "submission_id", str, where),
        scheme_id=_field(data, "scheme_id", str, where),
        reviewed_at=_timestamp(data, "reviewed_at", where),
        assessor_name=_field(assessor, "name", str, where),
        registration=_field(assessor, "registration", str, where),
        recommendation=recommendation,
        notes=_optional_text(data, "notes", where),
    )
    if review.submission_id != named.submission_id:
        raise RecordError(where, f"its submission_id {_shown(review.submission_id)} is not the id in its name")
    if review.scheme_id != named.scheme_id:
        raise RecordError(where, f"its scheme_id {_shown(review.scheme_id)} is not the scheme in its name")
    if review.reviewed_at != named.reviewed_at:
        raise RecordError(where, f"its reviewed_at {utc_timestamp(review.reviewed_at)} is not the time in its name")
    return review


def latest_review(reviews: Iterable[Review]) -> Review | None:
    """The review that counts: the latest by the time it records, its key breaking a tie."""
    return max(reviews, key=lambda review: (review.reviewed_at, review.key), default=None)


def parse_marker(raw: bytes, where: str) -> Marker:
    """Read a by-id marker; CorruptMarker when it is not one this code wrote."""
    try:
        data = json.loads(raw)
        if data["record_version"] not in READABLE_VERSIONS:
            raise ValueError(f"record_version {data['record_version']!r}")
        receipt = data["receipt"]
        if not isinstance(receipt.get("received_at"), str):
            raise ValueError("receipt without received_at")
        status_key = data.get("status_key_sha256")
        if status_key is not None and not (isinstance(status_key, str) and _HEX64.match(status_key)):
            raise ValueError("status_key_sha256 is not 64 hex digits")
        return Marker(str(data["key"]), str(data["fingerprint"]), receipt, status_key)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptMarker(f"{where}: {type(exc).__name__}") from None


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
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RecordError(where, "is not valid JSON (truncated or corrupt)") from None
    if not isinstance(data, dict):
        raise RecordError(where, "is not a JSON object")
    version = data.get("record_version")
    if version not in READABLE_VERSIONS or type(version) is not int:
        readable = " and ".join(map(str, READABLE_VERSIONS))
        raise RecordError(
            where,
            f"has record_version {_shown(version)}, which this version of Swanilai does not know (it reads {readable})",
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
    moment = parse_utc_timestamp(value)
    if moment is None:
        raise RecordError(where, f"field {name!r} is not a UTC time like {TIMESTAMP_EXAMPLE}: {_shown(value)}")
    return moment


def _signature(data: dict[str, Any], where: str) -> Signature:
    kind = data.get("kind")
    if kind == "drawn":
        return Signature("drawn", _field(data, "data_url", str, where))
    if kind == "typed":
        return Signature("typed", _field(data, "text", str, where))
    raise RecordError(where, f"signature kind {_shown(kind)} is neither 'drawn' nor 'typed'")


def _shown(value: object) -> str:
    """A stored value quoted in a message: its repr, cut short (a record may hold a megabyte)."""
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _describe(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
