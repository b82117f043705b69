"""The handler's log: one JSON line per request, and one per unexpected failure, never personal data.

What may appear: request id, method, route key, scheme id (only a well-formed one), status, error
code, storage error code, duration, exception type and where it was raised. What never appears:
names, emails, phone numbers, evidence, file names, signatures, status secrets, IP addresses,
request bodies, exception messages (they can quote what a candidate typed). tests/handler/
test_handler_personal_data.py sends, asks for the status, uploads and erases with known personal
data and greps every log line for it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class RequestLog:
    """What one request's log line will say, filled in as the request goes through the steps."""

    request_id: str
    method: str = ""
    route: str | None = None  # the route key, e.g. "POST /uploads"
    scheme_id: str | None = None
    error: str | None = None
    store_error: str | None = None

    def line(self, status: int, duration_ms: float) -> dict[str, Any]:
        fields = {
            "level": "error" if status >= 500 else "info",
            "event": "submission_request",
            "request_id": self.request_id,
            "method": self.method,
            "route": self.route,
            "scheme_id": self.scheme_id,
            "status": status,
            "error": self.error,
            "store_error": self.store_error,
            "duration_ms": round(duration_ms, 2),
        }
        return {name: value for name, value in fields.items() if value is not None}


def exception_line(request_id: str, exc: BaseException) -> dict[str, Any]:
    """Describe an unexpected exception by type and place only; its message may quote the request."""
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    line: dict[str, Any] = {
        "level": "error",
        "event": "unhandled_exception",
        "request_id": request_id,
        "exception": type(exc).__name__,
        "where": [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in frames],
    }
    if getattr(exc, "safe_to_log", False):  # our own messages that quote no request data
        line["detail"] = str(exc)
    return line


def log_safely(log: Callable[[dict[str, Any]], None], fields: dict[str, Any]) -> None:
    """Write a log line; a broken log (closed stdout) must not turn a receipt into a failure."""
    try:
        log(fields)
    except Exception:  # noqa: BLE001 - logging is best effort by design
        pass
