"""Payload format 2.0 responses: receipts, errors and the CORS preflight, all JSON but the preflight.

An error body is at most ERROR_BODY_MAX_BYTES (handler.fields), whatever the request held: field
messages that do not fit are left out, last first. Validation already bounds what it echoes; this
is the guarantee that holds even if a rule forgets to.
"""

from __future__ import annotations

import json
from typing import Any

from handler.errors import ApiError
from handler.fields import ERROR_BODY_MAX_BYTES

_JSON_HEADERS = {
    "content-type": "application/json; charset=utf-8",
    # Receipts and errors are about one request: never cached by a browser or a proxy.
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
}
PREFLIGHT_MAX_AGE = 600


def cors_headers(origin: str | None, allowed_origins: frozenset[str]) -> dict[str, str]:
    """Let the page read the response when it comes from one of our origins."""
    headers = {"vary": "Origin"}
    if origin is not None and origin in allowed_origins:
        headers["access-control-allow-origin"] = origin
    return headers


def json_response(status: int, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {**_JSON_HEADERS, **headers},
        "body": json_text(body),
        "isBase64Encoded": False,
    }


def json_text(body: dict[str, Any]) -> str:
    """JSON that is sure to encode as UTF-8: a lone surrogate anywhere is written as an escape."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(body)
    return text


def capped_error_body(body: dict[str, Any], limit: int = ERROR_BODY_MAX_BYTES) -> dict[str, Any]:
    """The body with as many of its field messages, in order, as fit in limit bytes of JSON."""
    if _size(json_text(body)) <= limit:
        return body
    kept: dict[str, str] = {}
    used = _size(json_text({**body, "fields": {}}))
    for name, message in body["fields"].items():
        # json.dumps writes each member as `"name": "message"`, separated by ", ".
        cost = _size(json_text({name: message})) - 2 + (2 if kept else 0)
        if used + cost > limit:
            break
        kept[name] = message
        used += cost
    # The estimate is exact unless one member needed escaping the others did not: make sure.
    while kept and _size(json_text({**body, "fields": kept})) > limit:
        kept.popitem()
    return {**body, "fields": kept}


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def receipt_response(status: int, receipt: dict[str, Any], request_id: str, cors: dict[str, str]) -> dict[str, Any]:
    """A route's answer (a receipt, a status, an upload ticket): JSON, never cached."""
    return json_response(status, receipt, {**cors, "x-request-id": request_id})


def error_response(error: ApiError, request_id: str, cors: dict[str, str]) -> dict[str, Any]:
    body = capped_error_body(error.body(request_id))
    return json_response(error.status, body, {**cors, **error.headers, "x-request-id": request_id})


# The request headers the page sends besides the safelisted ones: the JSON body's type, and the
# status route's secret (a header, not the URL, so no log ever holds it).
ALLOWED_HEADERS = {"POST": "content-type", "GET": "x-status-key"}


def preflight_response(cors: dict[str, str], method: str = "POST") -> dict[str, Any]:
    headers = {**cors, "allow": f"OPTIONS, {method}"}
    if "access-control-allow-origin" in cors:
        headers.update(
            {
                "access-control-allow-methods": f"{method}, OPTIONS",
                "access-control-allow-headers": ALLOWED_HEADERS[method],
                "access-control-max-age": str(PREFLIGHT_MAX_AGE),
            }
        )
    return {"statusCode": 204, "headers": headers, "body": "", "isBase64Encoded": False}
