"""The local stand-in for the desk's presigned GETs: `build.py serve` hands out evidence files at /api/local-files.

In AWS, `GET /desk/submissions/{id}/files/{sha256}` answers an S3 presigned GET: valid five minutes,
downloading under the file's own name (`response-content-disposition`). Locally the desk gets a
`LocalFileLinks` instead, which signs the same facts (key, name, type, expiry) with a key of the
local server, and the server's `/api/local-files` checks them as S3 checks a presigned GET:
- every part is there and the signature is the HMAC-SHA256 of them under the server's key (else
  403 SignatureDoesNotMatch);
- the link has not expired (403 AccessDenied, "Request has expired");
- the key is a filed evidence file (`evidence/...`): nothing else of the store is ever served;
then the file, with its type, `Content-Disposition: attachment` and `nosniff`, or S3's 404.
Never runs in Lambda.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote, urlencode

from swanilai.localuploads import Refused

PARTS = ("key", "name", "type", "expires")
EVIDENCE_PREFIX = "evidence/"


def disposition(filename: str) -> str:
    """As the desk asks S3 for it (handler.deskconfig.S3FileLinks): RFC 5987, any name safe in a header."""
    return "attachment; filename*=UTF-8''" + quote(filename, safe="")


def signature(secret: bytes, parts: dict[str, str]) -> str:
    text = "\n".join(f"{name}={parts[name]}" for name in PARTS)
    return hmac.new(secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


class LocalFileLinks:
    """The desk's FileLinks in local mode: links to the local server, signed, expiring."""

    def __init__(self, url: str, secret: bytes, clock: Callable[[], datetime]) -> None:
        self.url = url
        self.secret = secret
        self.clock = clock

    def link(self, key: str, filename: str, content_type: str, expires_in: int) -> str:
        parts = {
            "key": key,
            "name": filename,
            "type": content_type,
            "expires": str(int(self.clock().timestamp()) + expires_in),
        }
        return f"{self.url}?{urlencode({**parts, 'signature': signature(self.secret, parts)})}"


def check_link(query: dict[str, list[str]], secret: bytes, now: datetime) -> tuple[str, str, str]:
    """(key, file name, content type) of a link the server signed and that is still valid; Refused otherwise."""
    parts = {name: values[0] for name, values in query.items() if len(values) == 1}
    if set(query) != {*PARTS, "signature"} or len(parts) != len(query):
        raise Refused(403, "AccessDenied", "Query-string authentication requires the signature and the expiry.")
    if not hmac.compare_digest(parts["signature"], signature(secret, parts)):
        raise Refused(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.",
        )
    if not parts["expires"].isdigit() or now.timestamp() >= int(parts["expires"]):
        raise Refused(403, "AccessDenied", "Request has expired")
    if not parts["key"].startswith(EVIDENCE_PREFIX) or ".." in parts["key"].split("/"):
        raise Refused(403, "AccessDenied", "Access Denied")
    return parts["key"], parts["name"], parts["type"]
