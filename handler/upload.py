"""Upload tickets: the browser puts an evidence file straight into storage, never through the function.

`POST /uploads` with `{scheme: {id, version}, submission_id, sha256, size, type, name}` answers
`{url, fields, key, expires_at}`: a presigned POST the page sends the file with, valid for
UPLOAD_TICKET_SECONDS, that admits exactly one object:
- the key `incoming/<submission id>/<sha256>` (the exact key, not a prefix);
- exactly `size` bytes (`content-length-range` [size, size]);
- exactly the declared Content-Type;
- server-side encryption (AES256);
- the SHA-256 as S3's checksum field (`x-amz-checksum-sha256`, base64), so S3 refuses other bytes.
The handler still verifies size, checksum and the file's first bytes when the submission is filed
(handler/evidence.py): a ticket alone is never trusted.

In AWS the ticket is an S3 presigned POST (SigV4, the function's own temporary credentials). In
local mode (`build.py serve`) it is the same document signed with a key of the local server
(HMAC-SHA256), posted to the server's own `/api/local-uploads`, which checks the same rules
(swanilai/localuploads.py). Standard library and boto3 only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from handler import fields as f
from handler.catalog import load_scheme
from handler.errors import InvalidUpload, SchemeOutdated, UnknownScheme
from handler.record import utc_timestamp
from handler.store import S3Store, incoming_key
from handler.submission import check_text, duplicate_keys, scheme_reference, shown

TICKET_KEYS = frozenset({"scheme", "submission_id", "sha256", "size", "type", "name"})
LOCAL_ALGORITHM = "SWANILAI-LOCAL-HMAC-SHA256"
_SHA256 = re.compile(f.SHA256_PATTERN)
_SUBMISSION_ID = re.compile(f.SUBMISSION_ID_PATTERN)


@dataclass(frozen=True)
class TicketRequest:
    scheme_id: str
    submission_id: str
    sha256: str
    size: int
    type: str
    name: str

    @property
    def key(self) -> str:
        return incoming_key(self.submission_id, self.sha256)


@dataclass(frozen=True)
class Ticket:
    url: str
    fields: dict[str, str]
    key: str
    expires_at: datetime

    def body(self) -> dict[str, Any]:
        return {"url": self.url, "fields": self.fields, "key": self.key, "expires_at": utc_timestamp(self.expires_at)}


class Uploads(Protocol):
    def ticket(self, request: TicketRequest, now: datetime) -> Ticket:
        """A presigned POST for exactly this one file."""


def ticket_request(payload: dict[str, Any], catalog_dir) -> TicketRequest:
    """Check a ticket request against the scheme's evidence limits; InvalidUpload names each problem."""
    problems: dict[str, str] = {}
    element = f.LABELS["upload"]
    ref = scheme_reference(payload)
    if ref is None:
        raise InvalidUpload({f.SCHEME: f.message("scheme.unreadable", label=f.LABELS[f.SCHEME])})
    entry = load_scheme(catalog_dir, ref.id)
    if entry is None:
        raise UnknownScheme()
    if entry.scheme.version != ref.version:
        raise SchemeOutdated()  # its limits may have changed: the page reloads first
    limits = f.evidence_limits(entry.scheme)
    submission_id, sha256 = payload.get("submission_id"), payload.get("sha256")
    size, media_type = payload.get("size"), payload.get("type")
    if not isinstance(submission_id, str) or not _SUBMISSION_ID.fullmatch(submission_id):
        problems["submission_id"] = f.message("submission_id.invalid", label=f.LABELS[f.SUBMISSION_ID])
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        problems["sha256"] = f.message("upload.unreadable")
    name, problem = check_text(payload.get("name"), "file_name", f.render(f.LABELS["file_name"], element=element))
    if problem is not None or not name:
        problems["name"] = problem or f.message("file.name_required", element=element, position=1)
    shown_name = name or "?"
    if limits.max_files_per_element == 0:
        problems.setdefault("name", f.message("files.not_allowed", element=element))
    if not isinstance(media_type, str) or media_type not in limits.types:
        problems["type"] = f.message(
            "file.type_not_allowed", element=element, name=shown_name, types=limits.type_names()
        )
    if type(size) is not int or size < 1:
        problems["size"] = f.message("upload.unreadable")
    elif size > limits.max_file_bytes:
        problems["size"] = f.message(
            "file.too_big",
            element=element,
            name=shown_name,
            size_mb=f.megabytes(size),
            max_mb=f.megabytes(limits.max_file_bytes),
        )
    for key in payload:
        if key not in TICKET_KEYS or key in duplicate_keys(payload):
            problems.setdefault(shown(key), f.message("field.unknown" if key not in TICKET_KEYS else "field.repeated"))
            if len(problems) >= f.CLIENT_NAMES_REPORTED:
                break
    if problems:
        raise InvalidUpload(problems)
    return TicketRequest(ref.id, submission_id.lower(), sha256, size, media_type, name)


def policy_conditions(request: TicketRequest) -> list[Any]:
    """What the POST must carry besides bucket, key and the signature's own fields: one exact file."""
    return [
        {"Content-Type": request.type},
        ["content-length-range", request.size, request.size],
        {"x-amz-server-side-encryption": "AES256"},
        {"x-amz-checksum-sha256": checksum_field(request.sha256)},
    ]


def ticket_fields(request: TicketRequest) -> dict[str, str]:
    return {
        "Content-Type": request.type,
        "x-amz-server-side-encryption": "AES256",
        "x-amz-checksum-sha256": checksum_field(request.sha256),
    }


def checksum_field(sha256_hex: str) -> str:
    """S3's form of a SHA-256: the 32 bytes in base64."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")


class S3Uploads:
    """Presigned POSTs to the bucket, signed with the function's credentials (SigV4)."""

    def __init__(self, store: S3Store) -> None:
        self.store = store

    def ticket(self, request: TicketRequest, now: datetime) -> Ticket:
        key = self.store.prefix + request.key
        presigned = self.store.client.generate_presigned_post(
            Bucket=self.store.bucket,
            Key=key,
            Fields=ticket_fields(request),
            Conditions=policy_conditions(request),
            ExpiresIn=f.UPLOAD_TICKET_SECONDS,
        )
        # botocore signs with its own clock; the ticket says what the policy says.
        policy = json.loads(base64.b64decode(presigned["fields"]["policy"]))
        expires_at = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
        return Ticket(presigned["url"], dict(presigned["fields"]), request.key, expires_at)


class LocalUploads:
    """Tickets for `build.py serve`: the same policy document, signed with the local server's key."""

    def __init__(self, url: str, secret: bytes) -> None:
        self.url = url
        self.secret = secret

    def ticket(self, request: TicketRequest, now: datetime) -> Ticket:
        expires_at = now + timedelta(seconds=f.UPLOAD_TICKET_SECONDS)
        conditions = [{"key": request.key}, *policy_conditions(request), {"x-amz-algorithm": LOCAL_ALGORITHM}]
        document = {"expiration": utc_timestamp(expires_at), "conditions": conditions}
        policy = base64.b64encode(json.dumps(document, separators=(",", ":")).encode("utf-8")).decode("ascii")
        fields = {
            "key": request.key,
            **ticket_fields(request),
            "x-amz-algorithm": LOCAL_ALGORITHM,
            "policy": policy,
            "x-amz-signature": local_signature(self.secret, policy),
        }
        return Ticket(self.url, fields, request.key, expires_at)


def local_signature(secret: bytes, policy: str) -> str:
    return hmac.new(secret, policy.encode("ascii"), hashlib.sha256).hexdigest()
