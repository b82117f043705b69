"""The candidate API's Lambda function: one entry point, three routes, each parse, validate, act, respond.

Entry point `lambda_handler` takes API Gateway HTTP API / Lambda Function URL payload format 2.0
events and dispatches them by route key (docs/openapi.yaml):
- `POST /submissions`: a submission, filed once (handler.filing) -> its receipt;
- `GET /submissions/{scheme_id}/{submission_id}/status`: what became of it (handler.status);
- `POST /uploads`: a presigned POST for one evidence file (handler.upload).
It needs the standard library and boto3 only, and imports boto3 only when S3 is first used.
Configuration comes from the environment in AWS (handler.config) or from `configure` (tests, the
local server).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handler.catalog import CatalogEntry, current_notice_version, load_scheme
from handler.config import Config, ConfigurationError, config_from_environment, write_log_line
from handler.errors import (
    ApiError,
    InternalError,
    InvalidSubmission,
    NoticeOutdated,
    Rejected,
    SchemeOutdated,
    StorageUnavailable,
    UnknownScheme,
)
from handler.filing import file_submission
from handler.log import RequestLog, exception_line, log_safely
from handler.request import Request, headers_of, method_of, parse_request, request_context
from handler.response import cors_headers, error_response, preflight_response, receipt_response
from handler.status import read_status, status_query
from handler.store import StoreUnavailable
from handler.submission import (
    Submission,
    SubmissionProblems,
    honeypot_filled,
    logged_scheme_id,
    scheme_reference,
    validate_submission,
)
from handler.upload import TicketRequest, ticket_request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._=-]{1,128}$")
_config: Config | None = None
_config_lock = threading.Lock()


def configure(config: Config | None) -> None:
    """Set the configuration in code (tests, local server); None goes back to the environment."""
    global _config
    with _config_lock:
        _config = config


def current_config() -> Config:
    global _config
    if _config is None:
        with _config_lock:
            if _config is None:
                _config = config_from_environment()
    return _config


@dataclass(frozen=True)
class Route:
    """One route: the method it is read with, how its request is validated, what it does."""

    method: str
    validate: Callable[[Request, dict[str, Any], Config], Any]
    act: Callable[[Any, Config, RequestLog], tuple[int, dict[str, Any]]]


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one request of the candidate API with JSON, never a traceback."""
    started = time.perf_counter()
    trace = RequestLog(request_id_of(event, context), method_of(event))
    log, cors = write_log_line, {"vary": "Origin"}
    try:
        config = current_config()
        log = config.log
        cors = cors_headers(headers_of(event).get("origin"), config.allowed_origins)
        response = handle(event, config, cors, trace)
    except Exception as exc:  # noqa: BLE001 - the one top-level catch: log what and where, answer generically
        log_safely(log, exception_line(trace.request_id, exc))
        trace.error = InternalError.code
        response = error_response(InternalError(trace.request_id), trace.request_id, cors)
    log_safely(log, trace.line(response["statusCode"], (time.perf_counter() - started) * 1000))
    return response


def handle(event: dict[str, Any], config: Config, cors: dict[str, str], trace: RequestLog) -> dict[str, Any]:
    """Parse, validate, act, respond; an ApiError from any step becomes its error response."""
    try:
        trace.route, route = route_of(event)
        request = parse_request(event, config.allowed_origins, route.method)
        if request.method == "OPTIONS":
            return preflight_response(cors, route.method)
        trace.scheme_id = logged_scheme_id(request.payload) or logged_scheme_id(
            {"scheme": {"id": path_parameters(event).get("scheme_id")}}
        )
        valid = route.validate(request, event, config)
        status, body = route.act(valid, config, trace)
        return receipt_response(status, body, trace.request_id, cors)
    except ApiError as error:
        trace.error = error.code
        return error_response(error, trace.request_id, cors)
    except StoreUnavailable as exc:
        trace.store_error = exc.code or type(exc).__name__
        if exc.retryable:
            trace.error = StorageUnavailable.code
            return error_response(StorageUnavailable(), trace.request_id, cors)
        raise  # refused for good (AccessDenied, NoSuchBucket): a broken deployment, a 500 and a log line


# -- POST /submissions


def validate_submission_request(
    request: Request, event: dict[str, Any], config: Config
) -> tuple[Submission, CatalogEntry | None, ApiError | None]:
    """Check a payload against the scheme and notice it names.

    Returns the submission, its catalog entry (None: a version the catalog no longer has) and why
    it could not be filed as new (None: it can), for filing to tell a retry from a stale page.
    """
    payload = request.payload
    if honeypot_filled(payload):
        raise Rejected()
    ref = scheme_reference(payload)
    if ref is None:
        return _validated(payload, None), None, None  # always raises: the scheme field is unreadable
    entry = load_scheme(config.catalog_dir, ref.id)
    if entry is None:
        raise UnknownScheme()
    if entry.scheme.version != ref.version:
        try:
            return validate_submission(payload, None), None, None
        except SubmissionProblems:
            raise SchemeOutdated() from None
    submission = _validated(payload, entry)
    notice = current_notice_version(config.catalog_dir)
    if notice is None:
        raise ConfigurationError(f"{config.catalog_dir} has no privacy notice: build the catalog with build.py build")
    outdated = NoticeOutdated() if submission.consent.notice_version != notice else None
    return submission, entry, outdated


def _validated(payload: dict[str, Any], entry: CatalogEntry | None) -> Submission:
    try:
        return validate_submission(payload, entry.scheme if entry else None)
    except SubmissionProblems as problems:
        raise InvalidSubmission(problems.fields) from None


def file(valid: tuple[Submission, CatalogEntry | None, ApiError | None], config: Config, trace: RequestLog):
    """File the submission: 201 stored now, 200 stored before (a retry)."""
    submission, entry, outdated = valid
    filed = file_submission(config.store, submission, entry, config.clock(), outdated)
    return filed.status, filed.receipt


# -- GET /submissions/{scheme_id}/{submission_id}/status


def validate_status_request(request: Request, event: dict[str, Any], config: Config):
    return status_query(path_parameters(event), headers_of(event))


def answer_status(query, config: Config, trace: RequestLog):
    return 200, read_status(config.store, query)


# -- POST /uploads


def validate_upload_request(request: Request, event: dict[str, Any], config: Config) -> TicketRequest:
    return ticket_request(request.payload, config.catalog_dir)


def issue_ticket(ticket: TicketRequest, config: Config, trace: RequestLog):
    return 200, config.upload_signer().ticket(ticket, config.clock()).body()


SUBMIT = "POST /submissions"
STATUS = "GET /submissions/{scheme_id}/{submission_id}/status"
UPLOADS = "POST /uploads"
ROUTES = {
    SUBMIT: Route("POST", validate_submission_request, file),
    STATUS: Route("GET", validate_status_request, answer_status),
    UPLOADS: Route("POST", validate_upload_request, issue_ticket),
}
# For an event without the HTTP API's route key (a Function URL says "$default"): its path.
_STATUS_PATH = re.compile(r"/submissions/(?P<scheme_id>[^/]+)/(?P<submission_id>[^/]+)/status")


def route_of(event: dict[str, Any]) -> tuple[str, Route]:
    """The route an event is for: the gateway's route key, else its path; by default the submission."""
    key = event.get("routeKey") if isinstance(event, dict) else None
    if key in ROUTES:
        return key, ROUTES[key]
    path = str((request_context(event).get("http") or {}).get("path", ""))
    key = STATUS if _STATUS_PATH.fullmatch(path) else UPLOADS if path == "/uploads" else SUBMIT
    return key, ROUTES[key]


def path_parameters(event: dict[str, Any]) -> dict[str, str]:
    """The route's path parameters, as the gateway gives them or read from the path."""
    given = event.get("pathParameters") if isinstance(event, dict) else None
    if isinstance(given, dict):
        return {str(name): str(value) for name, value in given.items()}
    found = _STATUS_PATH.fullmatch(str((request_context(event).get("http") or {}).get("path", "")))
    return found.groupdict() if found else {}


def request_id_of(event: Any, context: Any) -> str:
    """The id the gateway gave this request, else Lambda's, else a new one: quoted to the candidate."""
    for value in (request_context(event).get("requestId"), getattr(context, "aws_request_id", None)):
        if isinstance(value, str) and _REQUEST_ID.match(value):
            return value
    return uuid.uuid4().hex
