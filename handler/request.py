"""The transport rules: from a payload format 2.0 event to a JSON object, or the API error that says why not.

Order matters and is part of the contract: method (405), origin (403), media type (415), size (413,
checked before anything is decoded), then base64, UTF-8 and JSON (400 invalid_json). A route read
with GET (the status) takes no body: method and origin only.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from handler.errors import InvalidJson, MethodNotAllowed, OriginNotAllowed, PayloadTooLarge, UnsupportedMediaType
from handler.fields import BODY_MAX_BYTES

# The longest base64 text that can decode to at most BODY_MAX_BYTES.
_BASE64_MAX = (BODY_MAX_BYTES + 2) // 3 * 4


@dataclass(frozen=True)
class Request:
    method: str
    origin: str | None
    payload: dict[str, Any] = field(default_factory=dict)


class JsonObject(dict):
    """A parsed JSON object that remembers which keys it carried more than once."""

    duplicates: tuple[str, ...] = ()


def headers_of(event: dict[str, Any]) -> dict[str, str]:
    """The event's headers with lower-case names (payload 2.0 sends them so; be sure)."""
    headers = event.get("headers") or {}
    return {str(name).lower(): str(value) for name, value in headers.items()} if isinstance(headers, dict) else {}


def request_context(event: Any) -> dict[str, Any]:
    """The event's requestContext, or {} for an event that is not payload format 2.0."""
    context = event.get("requestContext") if isinstance(event, dict) else None
    return context if isinstance(context, dict) else {}


def method_of(event: Any) -> str:
    http = request_context(event).get("http")
    return str(http.get("method", "")).upper() if isinstance(http, dict) else ""


def parse_request(event: dict[str, Any], allowed_origins: frozenset[str], route_method: str = "POST") -> Request:
    """Apply the transport rules of a route (read with route_method) to an event; no payload for a preflight or GET."""
    method = method_of(event)
    if method not in (route_method, "OPTIONS"):
        raise MethodNotAllowed(f"OPTIONS, {route_method}")
    headers = headers_of(event)
    origin = headers.get("origin")
    # No Origin: not a browser (curl, a script); CORS protects browsers only, so there is nothing
    # to check. A browser always sends Origin on a POST, and then it must be one of ours.
    if origin is not None and origin not in allowed_origins:
        raise OriginNotAllowed()
    if method in ("OPTIONS", "GET"):
        return Request(method, origin)
    if not is_json_media_type(headers.get("content-type", "")):
        raise UnsupportedMediaType()
    body = body_bytes(event)
    return Request(method, origin, parse_json(body))


def is_json_media_type(value: str) -> bool:
    """application/json, with no charset or a UTF-8 one."""
    media_type, *params = [part.strip().lower() for part in value.split(";")]
    if media_type != "application/json":
        return False
    charsets = [p.partition("=")[2].strip('"') for p in params if p.partition("=")[0].strip() == "charset"]
    return all(charset in ("utf-8", "utf8") for charset in charsets)


def body_bytes(event: dict[str, Any]) -> bytes:
    """The request body as bytes, refusing anything over the limit before decoding it."""
    body = event.get("body") or ""
    if not isinstance(body, str):
        raise InvalidJson()
    if event.get("isBase64Encoded"):
        if len(body) > _BASE64_MAX + 4:
            raise PayloadTooLarge()
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidJson() from None
    else:
        # A character is at least one byte: a body this long is too large whatever it holds.
        if len(body) > BODY_MAX_BYTES:
            raise PayloadTooLarge()
        try:
            raw = body.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            raise InvalidJson() from None
    if len(raw) > BODY_MAX_BYTES:
        raise PayloadTooLarge()
    return raw


def parse_json(raw: bytes) -> dict[str, Any]:
    """Decode strict UTF-8 JSON whose top level is an object."""
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_object, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InvalidJson() from None
    if not isinstance(value, dict):
        raise InvalidJson()
    return value


def _object(pairs: list[tuple[str, Any]]) -> JsonObject:
    obj = JsonObject(pairs)
    if len(obj) != len(pairs):
        obj.duplicates = tuple(key for key, count in Counter(key for key, _ in pairs).items() if count > 1)
    return obj


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
