"""The local stand-in for S3's POST upload: `build.py serve` takes evidence files at /api/local-uploads.

The handler's local tickets (handler.upload.LocalUploads) carry the same fields and policy document
as an S3 presigned POST, signed with a key the local server made at start. This module applies the
rules S3 applies to such a POST, so local mode refuses what S3 would refuse:
- the form is multipart/form-data, the `file` part last;
- the signature is the policy's HMAC-SHA256 under the server's key (else 403 SignatureDoesNotMatch);
- the policy has not expired (403 AccessDenied);
- every condition holds: exact key, exact Content-Type, encryption AES256, the checksum field, the
  algorithm; the file's length within `content-length-range` (400 EntityTooSmall / EntityTooLarge);
- every form field but `policy`, `x-amz-signature` and `file` is named by a condition (403, as S3's
  "Extra input fields");
- the file's SHA-256 is the checksum field's (400 BadDigest);
- the key is an `incoming/<submission id>/<sha256>` key.
Then the bytes are stored create-only under `<store>/incoming/...`. Answers are S3's: 204 with no
body, or an XML error. Never runs in Lambda.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from xml.sax.saxutils import escape

from handler.record import parse_utc_timestamp
from handler.store import INCOMING_KEY, AlreadyExists, Store
from handler.upload import LOCAL_ALGORITHM, local_signature

# The largest body the endpoint reads: a scheme may allow files of up to 20 MB, plus the form.
MAX_BODY_BYTES = 21 * 1024 * 1024
UNSIGNED_FIELDS = {"policy", "x-amz-signature", "file"}


class Refused(Exception):
    """What S3 would answer instead of storing: its status, error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message

    def xml(self) -> bytes:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{escape(self.code)}</Code>'
            f"<Message>{escape(self.message)}</Message></Error>"
        ).encode()


def parse_form(content_type: str, body: bytes) -> tuple[dict[str, str], bytes]:
    """The fields and the file of a multipart/form-data body; Refused when it is not one S3 would read."""
    media_type, _, params = content_type.partition(";")
    boundary = ""
    for param in params.split(";"):
        name, _, value = param.strip().partition("=")
        if name.lower() == "boundary":
            boundary = value.strip('"')
    if media_type.strip().lower() != "multipart/form-data" or not boundary:
        raise Refused(412, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data")
    delimiter = b"--" + boundary.encode("latin-1")
    parts = body.split(delimiter)
    fields: dict[str, str] = {}
    file: bytes | None = None
    for part in parts[1:]:
        if part.startswith(b"--"):
            break  # the closing delimiter
        head, _, content = part.partition(b"\r\n\r\n")
        content = content[:-2] if content.endswith(b"\r\n") else content
        name = _part_name(head.decode("latin-1"))
        if name is None:
            raise Refused(
                400, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data."
            )
        if file is not None:
            continue  # S3 ignores what follows the file
        if name == "file":
            file = content
        else:
            fields[name] = content.decode("utf-8", errors="replace")
    if file is None:
        raise Refused(400, "InvalidArgument", "POST requires exactly one file upload per request.")
    return fields, file


def _part_name(head: str) -> str | None:
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-disposition":
            for param in value.split(";"):
                key, _, found = param.strip().partition("=")
                if key == "name":
                    return found.strip('"')
    return None


def check_post(fields: dict[str, str], file: bytes, secret: bytes, now: datetime) -> str:
    """The key to store the file under, when the POST is one its policy admits; Refused otherwise."""
    policy_text = fields.get("policy", "")
    if fields.get("x-amz-algorithm") != LOCAL_ALGORITHM or not policy_text:
        raise Refused(400, "InvalidArgument", "Bucket POST must contain a field named 'policy' and be signed")
    if not hmac.compare_digest(fields.get("x-amz-signature", ""), local_signature(secret, policy_text)):
        raise Refused(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    try:
        policy = json.loads(base64.b64decode(policy_text, validate=True))
        expiration = parse_utc_timestamp(policy["expiration"])
        conditions = list(policy["conditions"])
    except (ValueError, KeyError, TypeError):
        raise Refused(400, "InvalidPolicyDocument", "Invalid Policy: Invalid JSON.") from None
    if expiration is None or now >= expiration:
        raise Refused(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    covered = set()
    for condition in conditions:
        if isinstance(condition, list) and condition[:1] == ["content-length-range"]:
            low, high = condition[1], condition[2]
            if len(file) < low:
                raise Refused(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
            if len(file) > high:
                raise Refused(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
            continue
        if not isinstance(condition, dict) or len(condition) != 1:
            raise Refused(400, "InvalidPolicyDocument", "Invalid Policy: Invalid conditions.")
        ((name, expected),) = condition.items()
        covered.add(name.lower())
        if fields.get(name) != expected:
            raise Refused(
                403,
                "AccessDenied",
                f'Invalid according to Policy: Policy Condition failed: ["eq", "${name}", "{expected}"]',
            )
    extra = sorted(name for name in fields if name.lower() not in covered and name.lower() not in UNSIGNED_FIELDS)
    if extra:
        raise Refused(403, "AccessDenied", f"Invalid according to Policy: Extra input fields: {', '.join(extra)}")
    checksum = fields.get("x-amz-checksum-sha256")
    if checksum is not None and checksum != base64.b64encode(hashlib.sha256(file).digest()).decode("ascii"):
        raise Refused(400, "BadDigest", "The SHA256 you specified did not match the calculated checksum.")
    key = fields.get("key", "")
    if not INCOMING_KEY.fullmatch(key):
        raise Refused(403, "AccessDenied", "Invalid according to Policy: the key is not an upload key.")
    return key


def store_upload(store: Store, key: str, file: bytes) -> None:
    """Keep the file create-only; the same key again holds the same bytes (its name is their SHA-256)."""
    try:
        store.create(key, file)
    except AlreadyExists:
        pass
