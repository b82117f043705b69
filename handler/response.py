"""Payload format 2.0 responses: receipts, errors and the CORS preflight, all JSON but the preflight."""

from __future__ import annotations

import json
from typing import Any

from handler.errors import ApiError

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
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def receipt_response(status: int, receipt: dict[str, Any], request_id: str, cors: dict[str, str]) -> dict[str, Any]:
    return json_response(status, receipt, {**cors, "x-request-id": request_id})


def error_response(error: ApiError, request_id: str, cors: dict[str, str]) -> dict[str, Any]:
    return json_response(error.status, error.body(request_id), {**cors, **error.headers, "x-request-id": request_id})


def preflight_response(cors: dict[str, str]) -> dict[str, Any]:
    headers = {**cors, "allow": "OPTIONS, POST"}
    if "access-control-allow-origin" in cors:
        headers.update(
            {
                "access-control-allow-methods": "POST, OPTIONS",
                "access-control-allow-headers": "content-type",
                "access-control-max-age": str(PREFLIGHT_MAX_AGE),
            }
        )
    return {"statusCode": 204, "headers": headers, "body": "", "isBase64Encoded": False}
