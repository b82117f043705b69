"""The API's errors: each one an HTTP status, a code, a message for the candidate and per-field messages.

Every error response of the API is built from one of these, so they all share one JSON shape
(docs/openapi.yaml `Error`): `error`, `message`, `fields`, `retryable`, `request_id`. Status,
retryability and message of each code come from the rule table (handler.fields.ERRORS), which the
page reads too; this module adds what an error carries besides (headers, the stored receipt).
Messages never carry exception text or internals.
"""

from __future__ import annotations

from typing import Any

from handler import fields as f


class ApiError(Exception):
    """A request the API answers with an error response instead of a receipt."""

    code = "invalid_submission"
    status = f.ERRORS[code]["status"]
    retryable = f.ERRORS[code]["retryable"]
    message = ""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.status, cls.retryable = f.ERRORS[cls.code]["status"], f.ERRORS[cls.code]["retryable"]
        cls.message = f.ERRORS[cls.code]["message"]

    def __init__(
        self,
        message: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(self.code)
        if message is not None:
            self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        # Further members of the body, e.g. the stored receipt of a conflicting submission.
        self.extra = dict(extra or {})

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": self.message,
            "fields": self.fields,
            "retryable": self.retryable,
            "request_id": request_id,
            **self.extra,
        }


class InvalidSubmission(ApiError):
    code = "invalid_submission"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(f.error_message(self.code, count=len(fields)), fields)


class InvalidJson(ApiError):
    code = "invalid_json"


class Rejected(ApiError):
    code = "rejected"


class OriginNotAllowed(ApiError):
    code = "origin_not_allowed"


class UnknownScheme(ApiError):
    code = "unknown_scheme"


class InvalidUpload(ApiError):
    code = "invalid_upload"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(fields=fields)


class NotFound(ApiError):
    """No such submission, or not with this status secret: the two are never told apart."""

    code = "not_found"


class RevisionNotFound(ApiError):
    """The submission a revision names is not there, not in this scheme, or its secret does not match."""

    code = "revision_not_found"


class MethodNotAllowed(ApiError):
    code = "method_not_allowed"

    def __init__(self, allow: str = "OPTIONS, POST") -> None:
        super().__init__(headers={"allow": allow})


class SchemeOutdated(ApiError):
    code = "scheme_outdated"


class SubmissionConflict(ApiError):
    code = "submission_conflict"

    def __init__(self, receipt: dict[str, Any]) -> None:
        super().__init__(extra={"receipt": receipt})


class AlreadyRevised(ApiError):
    """The earlier submission has a revision already; `receipt` is that revision's."""

    code = "already_revised"

    def __init__(self, receipt: dict[str, Any] | None) -> None:
        super().__init__(extra={"receipt": receipt} if receipt else None)


class NoticeOutdated(ApiError):
    code = "notice_outdated"


class PayloadTooLarge(ApiError):
    code = "payload_too_large"

    def __init__(self) -> None:
        super().__init__(f.error_message(self.code, max_kb=f.BODY_MAX_BYTES // 1024))


class UnsupportedMediaType(ApiError):
    code = "unsupported_media_type"


class StorageUnavailable(ApiError):
    code = "storage_unavailable"

    def __init__(self) -> None:
        super().__init__(headers={"retry-after": "5"})


class InternalError(ApiError):
    code = "internal_error"

    def __init__(self, request_id: str) -> None:
        super().__init__(f.error_message(self.code, request_id=request_id))
