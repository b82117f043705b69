"""The submission API's Lambda function: parse, validate, store, respond.

Entry point `lambda_handler` takes API Gateway HTTP API / Lambda Function URL payload format 2.0
events. It needs the standard library and boto3 only, and imports boto3 only when the S3 store is
first used. Configuration comes from the environment in AWS (handler.config) or from `configure`
(tests, the local server).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from typing import Any

from handler.catalog import CatalogEntry, load_scheme
from handler.config import Config, config_from_environment, write_log_line
from handler.errors import (
    ApiError,
    InternalError,
    InvalidSubmission,
    Rejected,
    SchemeOutdated,
    StorageUnavailable,
    UnknownScheme,
)
from handler.filing import Filed, file_submission
from handler.log import RequestLog, exception_line, log_safely
from handler.request import headers_of, method_of, parse_request, request_context
from handler.response import (
    cors_headers,
    error_response,
    preflight_response,
    receipt_response,
)
from handler.store import StoreUnavailable
from handler.submission import (
    Submission,
    SubmissionProblems,
    honeypot_filled,
    logged_scheme_id,
    scheme_reference,
    validate_submission,
)

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


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Take one candidate's submission and answer with a receipt or an error, never a traceback."""
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
    """The four steps; an ApiError from any of them becomes its error response."""
    try:
        request = parse_request(event, config.allowed_origins)
        if request.method == "OPTIONS":
            return preflight_response(cors)
        trace.scheme_id = logged_scheme_id(request.payload)
        submission, entry = validate(request.payload, config)
        filed = store(config, submission, entry, trace)
        return receipt_response(filed.status, filed.receipt, trace.request_id, cors)
    except ApiError as error:
        trace.error = error.code
        return error_response(error, trace.request_id, cors)


def validate(payload: dict[str, Any], config: Config) -> tuple[Submission, CatalogEntry | None]:
    """Check a payload against the scheme it names; entry None: a version the catalog no longer has."""
    if honeypot_filled(payload):
        raise Rejected()
    ref = scheme_reference(payload)
    if ref is None:
        return _validated(payload, None), None  # always raises: the scheme field is unreadable
    entry = load_scheme(config.catalog_dir, ref.id)
    if entry is None:
        raise UnknownScheme()
    if entry.scheme.version != ref.version:
        try:
            return validate_submission(payload, None), None
        except SubmissionProblems:
            raise SchemeOutdated() from None
    return _validated(payload, entry), entry


def _validated(payload: dict[str, Any], entry: CatalogEntry | None) -> Submission:
    try:
        return validate_submission(payload, entry.scheme if entry else None)
    except SubmissionProblems as problems:
        raise InvalidSubmission(problems.fields) from None


def store(config: Config, submission: Submission, entry: CatalogEntry | None, trace: RequestLog) -> Filed:
    """File the submission; storage that is down or throttling is a 503 the page retries."""
    try:
        return file_submission(config.store, submission, entry, config.clock())
    except StoreUnavailable as exc:
        trace.store_error = exc.code or type(exc).__name__
        if exc.retryable:
            raise StorageUnavailable() from None
        raise  # refused for good (AccessDenied, NoSuchBucket): a broken deployment, a 500 and a log line


def request_id_of(event: Any, context: Any) -> str:
    """The id the gateway gave this request, else Lambda's, else a new one: quoted to the candidate."""
    for value in (request_context(event).get("requestId"), getattr(context, "aws_request_id", None)):
        if isinstance(value, str) and _REQUEST_ID.match(value):
            return value
    return uuid.uuid4().hex
