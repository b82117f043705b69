"""The assessors' desk API's Lambda function: parse, authorise, act, respond.

Entry point `lambda_handler` takes the HTTP API's payload format 2.0 events of the `/desk/...`
routes (docs/openapi.yaml). The gateway's JWT authorizer (locally `build.py serve`'s verifier) has
checked the token; this function reads its claims and checks the account's group on every route:
`admin` for the admin routes, `asesor` or `admin` for the rest. Every error is the API's one JSON
shape, in Bahasa Indonesia (handler/deskrules.py); an unexpected failure is logged by type and
place and answered generically. Logs never carry personal data. Standard library and boto3 only.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from handler import deskrules as rules
from handler import fields as f
from handler import png
from handler.account import Account, account_from_claims, claims_of
from handler.deskconfig import AlreadyInvited, ConfigSlot, DeskConfig, DirectoryUnavailable
from handler.deskrules import DeskError
from handler.errors import ApiError
from handler.export import export_file
from handler.index import IndexEntry, IndexUnavailable, Query, decode_cursor, fold, iter_pages
from handler.indexer import IndexState, catch_up, find_record_key, refresh, reindex
from handler.log import exception_line, log_safely
from handler.record import (
    RECORD_MAX_BYTES,
    CorruptMarker,
    Record,
    RecordError,
    Review,
    latest_review,
    parse_marker,
    parse_record,
    review_document,
    utc_timestamp,
)
from handler.render import FormReview, Verification, render_form
from handler.request import body_bytes, headers_of, is_json_media_type, method_of, parse_json, request_context
from handler.response import capped_error_body, json_response
from handler.reviews import NoFreeReviewKey, create_review, load_reviews, written_unaware
from handler.scheme import is_scheme_id
from handler.store import SUBMISSIONS, StoreUnavailable, submission_marker_key
from handler.submission import check_text, trim
from handler.wib import wib_day, wib_days_between

STYLESHEET = "/assets/apl02.css"  # the form's stylesheet as the site serves it (site_src/docs/assets/apl02.css)
FILE_LINK_SECONDS = 300
REINDEX_SECONDS = 20.0  # within the function's timeout; a larger store is rebuilt with `assessor.py reindex`
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_PREFIX = re.compile(r"^[0-9a-fA-F-]{4,36}$")
_EMAIL = re.compile(f.EMAIL_PATTERN)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._=-]{1,128}$")

# What the desk caches about the index is forgotten whenever the configuration is set in code.
_slot = ConfigSlot(with_directory=True, on_change=lambda: _index_states.clear())


def configure(config: DeskConfig | None) -> None:
    """Set the configuration in code (tests, local server); None goes back to the environment."""
    _slot.set(config)


def current_config() -> DeskConfig:
    return _slot.get()


@dataclass
class Call:
    """One request as the route's action sees it: who asks, with what, and where the answer goes."""

    event: dict[str, Any]
    config: DeskConfig
    account: Account
    request_id: str
    parameters: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    groups: tuple[str, ...]
    action: Callable[[Call], dict[str, Any]]


@dataclass
class DeskLog:
    request_id: str
    route: str = ""
    error: str | None = None
    store_error: str | None = None
    # Access to one submission (UU 27/2022): who (the account's sub), which id, when; never its content.
    sub: str | None = None
    submission_id: str | None = None
    at: str | None = None

    def line(self, status: int, duration_ms: float) -> dict[str, Any]:
        fields = {
            "level": "error" if status >= 500 else "info",
            "event": "desk_request",
            "request_id": self.request_id,
            "route": self.route,
            "sub": self.sub,
            "submission_id": self.submission_id,
            "at": self.at,
            "status": status,
            "error": self.error,
            "store_error": self.store_error,
            "duration_ms": round(duration_ms, 2),
        }
        return {name: value for name, value in fields.items() if value is not None}


LogLine = Callable[[dict[str, Any]], None]
Handle = Callable[[dict[str, Any], DeskConfig, "DeskLog", LogLine], dict[str, Any]]


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one desk request, never with a traceback."""
    return answer(event, context, current_config, lambda event, config, trace, _log: handle(event, config, trace))


def answer(event: dict[str, Any], context: Any, config_of: Callable[[], DeskConfig], route: Handle) -> dict[str, Any]:
    """A desk function's top level (the desk's and the erasure's): one log line per request, never a traceback."""
    started = time.perf_counter()
    trace = DeskLog(request_id_of(event, context), str(event.get("routeKey", "")) if isinstance(event, dict) else "")
    log: LogLine = _print_line
    try:
        config = config_of()
        log = config.log
        response = route(event, config, trace, log)
    except Exception as exc:  # noqa: BLE001 - the one top-level catch: log what and where, answer generically
        log_safely(log, exception_line(trace.request_id, exc))
        trace.error = "internal_error"
        response = error_response(DeskError("internal_error"), trace.request_id)
    log_safely(log, trace.line(response["statusCode"], (time.perf_counter() - started) * 1000))
    return response


def _print_line(fields: dict[str, Any]) -> None:
    from handler.config import write_log_line

    write_log_line(fields)


def handle(event: dict[str, Any], config: DeskConfig, trace: DeskLog) -> dict[str, Any]:
    """Find the route, check the account, act; a DeskError (or storage trouble) becomes its error response."""
    try:
        route_key = str(event.get("routeKey", ""))
        route = ROUTES.get(route_key)
        if route is None:
            raise DeskError("not_found")
        if route_key.split(" ", 1)[0] != method_of(event):
            raise DeskError("method_not_allowed", headers={"allow": route_key.split(" ", 1)[0]})
        account = authorise(event, route.groups)
        note_access(trace, account, event, config)
        call = Call(
            event,
            config,
            account,
            trace.request_id,
            parameters={str(k): str(v) for k, v in (event.get("pathParameters") or {}).items()},
            query={str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()},
        )
        return route.action(call)
    except DeskError as error:
        trace.error = error.code
        return error_response(error, trace.request_id)
    except StoreUnavailable as exc:
        trace.store_error = exc.code or type(exc).__name__
        if not exc.retryable:
            raise
        trace.error = "storage_unavailable"
        return error_response(DeskError("storage_unavailable", headers={"retry-after": "5"}), trace.request_id)
    except IndexUnavailable as exc:
        trace.store_error = exc.code or "index"
        trace.error = "index_unavailable"
        return error_response(DeskError("index_unavailable", headers={"retry-after": "5"}), trace.request_id)


def note_access(trace: DeskLog, account: Account, event: dict[str, Any], config: DeskConfig) -> None:
    """A route about one submission logs who asked for which one, and when (never what it holds)."""
    submission_id = str((event.get("pathParameters") or {}).get("submission_id", "")).lower()
    if _ID.match(submission_id):
        trace.sub, trace.submission_id, trace.at = account.sub, submission_id, utc_timestamp(config.clock())


def authorise(event: dict[str, Any], groups: tuple[str, ...]) -> Account:
    """The signed-in account, if it is in one of the route's groups (401 without one, 403 outside them)."""
    claims = claims_of(event)
    account = account_from_claims(claims) if claims is not None else None
    if account is None:
        raise DeskError("unauthenticated")
    if not account.in_any(*groups):
        raise DeskError("forbidden")
    return account


def request_id_of(event: Any, context: Any) -> str:
    for value in (request_context(event).get("requestId"), getattr(context, "aws_request_id", None)):
        if isinstance(value, str) and _REQUEST_ID.match(value):
            return value
    return uuid.uuid4().hex


# -- responses


_NO_STORE = {"cache-control": "no-store", "x-content-type-options": "nosniff"}


def ok(status: int, body: dict[str, Any], call: Call) -> dict[str, Any]:
    return json_response(status, body, {"x-request-id": call.request_id})


def error_response(error: DeskError, request_id: str) -> dict[str, Any]:
    body = capped_error_body(error.body(request_id))
    return json_response(error.status, body, {**error.headers, "x-request-id": request_id})


def file_response(data: bytes, content_type: str, filename: str, call: Call) -> dict[str, Any]:
    return {
        "statusCode": 200,
        "headers": {
            **_NO_STORE,
            "content-type": content_type,
            "content-disposition": f'attachment; filename="{filename}"',
            "x-request-id": call.request_id,
        },
        "body": base64.b64encode(data).decode("ascii"),
        "isBase64Encoded": True,
    }


# -- GET /desk/me


def me(call: Call) -> dict[str, Any]:
    return ok(200, call.account.to_dict(), call)


# -- GET /desk/submissions


LIST_PARAMETERS = ("scheme", "from", "to", "state", "q", "cursor", "limit")
EXPORT_PARAMETERS = ("scheme", "from", "to", "state", "q", "format")


def list_submissions(call: Call) -> dict[str, Any]:
    query = parse_listing(call.query, LIST_PARAMETERS)
    page = call.config.index.query(query)
    state = index_state(call.config) if query.after is None else None
    body = {
        "items": [entry.to_dict() for entry in page.items],
        "next_cursor": page.next_cursor,
        "index": (state or _quiet_state(call.config)).to_dict(),
    }
    return ok(200, body, call)


def parse_listing(given: dict[str, str], allowed: tuple[str, ...]) -> Query:
    """The list's (or export's) filters from the query string; every problem at once, by parameter."""
    problems: dict[str, str] = {}
    for name in given:
        if name not in allowed:
            problems[name[: f.CLIENT_NAME_SHOWN]] = rules.message("field.unknown")
    scheme = given.get("scheme") or None
    if scheme is not None and not is_scheme_id(scheme):
        problems["scheme"] = rules.message("query.invalid", label=rules.label("scheme"))
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        days[name] = None
        text = given.get(name) or ""
        if text:
            try:
                if not _DAY.match(text):
                    raise ValueError(text)
                days[name] = date.fromisoformat(text)
            except ValueError:
                problems[name] = rules.message("day.invalid", label=rules.label(name))
    if days["from"] and days["to"] and days["to"] < days["from"]:
        problems["to"] = rules.message("days.reversed", label=rules.label("to"))
    state = given.get("state") or None
    if state is not None and state not in rules.STATES:
        problems["state"] = rules.message("state.invalid", label=rules.label("state"))
    q = trim(given.get("q") or "")
    if len(q) > rules.SEARCH_MAX:
        problems["q"] = rules.message("q.too_long", label=rules.label("q"), max=rules.SEARCH_MAX)
    after = None
    if "cursor" in allowed and given.get("cursor"):
        after = decode_cursor(given["cursor"])
        if after is None:
            problems["cursor"] = rules.message("query.invalid", label=rules.label("cursor"))
    limit = rules.PAGE_DEFAULT
    if "limit" in allowed and "limit" in given:
        text = given["limit"]
        limit = int(text) if text.isdigit() and len(text) <= 4 else 0
        if not 1 <= limit <= rules.PAGE_MAX:
            problems["limit"] = rules.message("limit.invalid", label=rules.label("limit"), max=rules.PAGE_MAX)
    if "format" in allowed and given.get("format", "xlsx") not in ("xlsx", "csv"):
        problems["format"] = rules.message("format.invalid", label=rules.label("format"))
    if problems:
        raise DeskError("invalid_request", problems)
    start, end = wib_days_between(days["from"], days["to"])
    folded = fold(q) if q else None
    id_prefix = q.lower() if q and _ID_PREFIX.match(q) and sum(c != "-" for c in q) >= rules.ID_PREFIX_MIN else None
    return Query(
        scheme=scheme,
        received_from=_stamp(start),
        received_before=_stamp(end),
        state=state,
        name=folded,
        id_prefix=id_prefix,
        after=after,
        limit=limit,
    )


def _stamp(moment: datetime | None) -> str | None:
    return utc_timestamp(moment) if moment is not None else None


# The recent-days check costs a few listings: at most once per CHECK_EVERY per warm function.
_index_states: dict[int, tuple[float, IndexState]] = {}
CHECK_EVERY_SECONDS = 30.0


def index_state(config: DeskConfig) -> IndexState:
    cached = _index_states.get(id(config.index))
    if cached is not None and time.monotonic() - cached[0] < CHECK_EVERY_SECONDS:
        return cached[1]
    state = catch_up(config.store, config.index, config.clock())
    _index_states[id(config.index)] = (time.monotonic(), state)
    return state


def _quiet_state(config: DeskConfig) -> IndexState:
    """Beside a later page: the last check's answer, or the index's time alone."""
    cached = _index_states.get(id(config.index))
    if cached is not None:
        return cached[1]
    meta = config.index.meta()
    return IndexState(
        meta.updated_at, meta.rebuilt_at is None, "" if meta.rebuilt_at else rules.INDEX_NOTES["never_built"]
    )


# -- one submission


@dataclass(frozen=True)
class Opened:
    entry: IndexEntry
    raw: bytes
    data: dict[str, Any]
    record: Record
    reviews: list[Review]
    verification: Verification


def open_one(call: Call) -> Opened:
    """The submission a path names, read from the store (404 when there is none)."""
    submission_id = call.parameters.get("submission_id", "").lower()
    if not _ID.match(submission_id):
        raise DeskError("submission_not_found")
    config = call.config
    entry = config.index.get(submission_id) or _index_unlisted(config, submission_id)
    if entry is None:
        raise DeskError("submission_not_found")
    raw = config.store.get(entry.record_key, max_bytes=RECORD_MAX_BYTES)
    if raw is None:
        refresh(config.store, config.index, entry.scheme_id, submission_id)  # erased: the entry goes too
        raise DeskError("submission_not_found")
    try:
        record = parse_record(raw, entry.record_key)
    except RecordError:
        raise DeskError("record_unreadable") from None
    import json

    reviews = load_reviews(config.store, entry.scheme_id, submission_id)
    return Opened(entry, raw, json.loads(raw), record, reviews, verify(config, entry, raw))


def _index_unlisted(config: DeskConfig, submission_id: str) -> IndexEntry | None:
    """A submission the index does not know yet: found by its by-id marker in each scheme, then indexed."""
    for folder in config.store.children(f"{SUBMISSIONS}/"):
        scheme_id = folder.split("/")[1]
        key = find_record_key(config.store, config.index, scheme_id, submission_id)
        if key is not None:
            refresh(config.store, config.index, scheme_id, submission_id, record_key=key)
            return config.index.get(submission_id)
    return None


def verify(config: DeskConfig, entry: IndexEntry, raw: bytes) -> Verification:
    """The stored record's SHA-256 against the one the candidate's receipt carries (kept in the by-id marker)."""
    sha256 = hashlib.sha256(raw).hexdigest()
    receipt = None
    marker_key = submission_marker_key(entry.scheme_id, entry.submission_id)
    try:
        marker_raw = config.store.get(marker_key, max_bytes=64 * 1024)
        if marker_raw is not None:
            value = parse_marker(marker_raw, marker_key).receipt.get("sha256")
            receipt = value if isinstance(value, str) and _SHA256.match(value) else None
    except CorruptMarker:
        receipt = None
    return Verification(sha256, receipt)


def review_json(review: Review) -> dict[str, Any]:
    return {**review_document(review), "record_version": review.version, "key": review.key}


def open_submission(call: Call) -> dict[str, Any]:
    opened = open_one(call)
    current = latest_review(opened.reviews)
    body = {
        "record": opened.data,
        "reviews": [review_json(review) for review in opened.reviews],
        "current_review": review_json(current) if current else None,
        "chain": chain_of(call.config, opened.entry),
        "verification": opened.verification.to_dict(),
        "concurrent_reviews": bool(written_unaware(opened.reviews)),
    }
    return ok(200, body, call)


def chain_of(config: DeskConfig, entry: IndexEntry, most: int = 20) -> list[dict[str, Any]]:
    """The submission's revisions, oldest first; `current` marks the latest, the one that counts."""
    earlier: list[IndexEntry] = []
    seen = {entry.submission_id}
    step = entry
    while step.revises and step.revises not in seen and len(earlier) < most:
        found = config.index.get(step.revises)
        if found is None:
            break
        earlier.insert(0, found)
        seen.add(found.submission_id)
        step = found
    later: list[IndexEntry] = []
    step = entry
    while step.revised_by and step.revised_by not in seen and len(later) < most:
        found = config.index.get(step.revised_by)
        if found is None:
            break
        later.append(found)
        seen.add(found.submission_id)
        step = found
    chain = [*earlier, entry, *later]
    return [
        {"submission_id": item.submission_id, "received_at": item.received_at, "current": item is chain[-1]}
        for item in chain
    ]


def form(call: Call) -> dict[str, Any]:
    opened = open_one(call)
    current = latest_review(opened.reviews)
    html = render_form(
        opened.record,
        FormReview(current, len(opened.reviews)),
        opened.verification,
        stylesheet=STYLESHEET,
    )
    headers = {
        **_NO_STORE,
        "content-type": "text/html; charset=utf-8",
        # Opened on its own, the page may show its signature images and nothing else.
        "content-security-policy": "default-src 'none'; img-src data:; style-src 'self'",
        "x-request-id": call.request_id,
    }
    return {"statusCode": 200, "headers": headers, "body": html, "isBase64Encoded": False}


# -- POST /desk/submissions/{submission_id}/reviews


REVIEW_FIELDS = ("outcome", "notes", "element_notes", "signature", "seen_latest")


def add_review(call: Call) -> dict[str, Any]:
    payload = json_body(call.event)
    missing = [
        what for what, value in (("nama", call.account.name), ("No. Reg.", call.account.registration)) if not value
    ]
    if missing:
        raise DeskError("account_incomplete", missing=" dan ".join(missing))
    opened = open_one(call)
    checked = check_review(payload, opened.record)
    latest = latest_review(opened.reviews)
    review = Review(
        submission_id=opened.record.submission_id,
        scheme_id=opened.record.scheme.id,
        reviewed_at=call.config.clock(),
        assessor_name=call.account.name,
        registration=call.account.registration,
        outcome=checked["outcome"],
        notes=checked["notes"],
        element_notes=checked["element_notes"],
        signature=checked["signature"],
        assessor_sub=call.account.sub,
        seen_latest=checked["seen_latest"],
    )
    try:
        written = create_review(call.config.store, review)
    except NoFreeReviewKey:
        raise DeskError("storage_unavailable", headers={"retry-after": "1"}) from None
    refresh(call.config.store, call.config.index, written.scheme_id, written.submission_id)
    unaware = latest is not None and written.seen_latest != latest.key
    return ok(201, {**review_json(written), "concurrent_reviews": unaware}, call)


def json_body(event: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object, or the desk's 400/413/415."""
    if not is_json_media_type(headers_of(event).get("content-type", "")):
        raise DeskError("unsupported_media_type")
    try:
        return parse_json(body_bytes(event))
    except ApiError as error:
        if error.code == "payload_too_large":
            raise DeskError("payload_too_large", max_kb=f.BODY_MAX_BYTES // 1024) from None
        raise DeskError("invalid_json") from None


def check_review(payload: dict[str, Any], record: Record) -> dict[str, Any]:
    """A review's body, checked against the submission's own scheme: every problem at once, by field."""
    problems: dict[str, str] = {}
    for name in payload:
        if name not in REVIEW_FIELDS:
            problems[_shown(name)] = rules.message("field.unknown")
    outcome = payload.get("outcome")
    if outcome not in rules.OUTCOME_LABELS:
        problems["outcome"] = rules.message("outcome.required", label=rules.label("outcome"))
    notes, problem = check_text(payload.get("notes"), rules.TEXT_RULES["notes"], rules.label("notes"))
    if problem:
        problems["notes"] = problem
    elif not notes and outcome in rules.NOTES_REQUIRED_FOR:
        problems["notes"] = rules.message("notes.required", label=rules.label("notes"))
    element_notes = _element_notes(payload.get("element_notes"), record, problems)
    signature = _signature(payload.get("signature"), problems)
    seen_latest = payload.get("seen_latest")
    prefix = f"reviews/{record.scheme.id}/{record.submission_id}/"
    if seen_latest is not None and not (
        isinstance(seen_latest, str) and seen_latest.startswith(prefix) and len(seen_latest) <= 200
    ):
        problems["seen_latest"] = rules.message("seen_latest.invalid", label=rules.label("seen_latest"))
    if problems:
        raise DeskError("invalid_request", problems)
    return {
        "outcome": outcome,
        "notes": notes or None,
        "element_notes": element_notes,
        "signature": signature,
        "seen_latest": seen_latest,
    }


def _element_notes(value: Any, record: Record, problems: dict[str, str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems["element_notes"] = rules.message("element_notes.unreadable", label=rules.label("element_notes"))
        return {}
    keys = set(record.scheme.element_keys())
    notes = {}
    for key, text in value.items():
        name = f"element_notes[{_shown(key)}]"
        if key not in keys:
            problems[name] = rules.message("element_notes.unknown")
            continue
        note, problem = check_text(text, rules.TEXT_RULES["element_note"], rules.label("element_note", key=key))
        if problem:
            problems[name] = problem
        elif note:
            notes[key] = note
    return notes


def _signature(value: Any, problems: dict[str, str]) -> str | None:
    name = rules.label("signature")
    if value is None or value == "":
        problems["signature"] = rules.message("signature.required", label=name)
        return None
    if not isinstance(value, str):
        problems["signature"] = rules.message("signature.not_png", label=name)
        return None
    limits = {
        "max_kb": f.SIGNATURE_PNG_MAX_BYTES // 1024,
        "max_width": f.SIGNATURE_PNG_MAX_WIDTH,
        "max_height": f.SIGNATURE_PNG_MAX_HEIGHT,
    }
    try:
        header = png.read_header(png.decode_data_url(value, f.SIGNATURE_PNG_MAX_BYTES))
    except png.PngRefused as refused:
        rule = {"not_png": "signature.not_png", "too_big": "signature.too_big"}.get(
            refused.reason, "signature.unreadable"
        )
        problems["signature"] = rules.message(rule, label=name, **limits)
        return None
    if header.width > f.SIGNATURE_PNG_MAX_WIDTH or header.height > f.SIGNATURE_PNG_MAX_HEIGHT:
        problems["signature"] = rules.message("signature.too_big", label=name, **limits)
        return None
    return value


def _shown(name: Any) -> str:
    from handler.submission import shown

    return shown(str(name))


# -- GET /desk/export


def export(call: Call) -> dict[str, Any]:
    query = parse_listing(call.query, EXPORT_PARAMETERS)
    entries = list(
        iter_pages(call.config.index, Query(**{**query.__dict__, "limit": rules.PAGE_MAX}), rules.EXPORT_MAX_ROWS + 1)
    )
    if len(entries) > rules.EXPORT_MAX_ROWS:
        raise DeskError("export_too_large", max=rules.EXPORT_MAX_ROWS)
    kind = call.query.get("format", "xlsx")
    day = wib_day(call.config.clock())
    data, content_type = export_file(entries, kind)
    return file_response(data, content_type, f"rekap-asesmen-mandiri-{day:%Y-%m-%d}.{kind}", call)


# -- GET /desk/submissions/{submission_id}/files/{sha256}


def file_link(call: Call) -> dict[str, Any]:
    opened = open_one(call)
    wanted = call.parameters.get("sha256", "").lower()
    for answer in (opened.data.get("answers") or {}).values():
        for item in (answer.get("files") or []) if isinstance(answer, dict) else []:
            if isinstance(item, dict) and item.get("sha256") == wanted and isinstance(item.get("key"), str):
                if call.config.files is None:
                    break
                url = call.config.files.link(
                    item["key"],
                    str(item.get("name") or wanted),
                    str(item.get("type") or "application/octet-stream"),
                    FILE_LINK_SECONDS,
                )
                expires = call.config.clock() + timedelta(seconds=FILE_LINK_SECONDS)
                from handler.record import utc_timestamp

                return ok(200, {"url": url, "expires_at": utc_timestamp(expires)}, call)
    raise DeskError("file_not_found")


# -- admin: POST /desk/assessors, POST /desk/reindex


INVITE_FIELDS = ("email", "name", "registration", "admin")


def invite(call: Call) -> dict[str, Any]:
    payload = json_body(call.event)
    problems: dict[str, str] = {}
    for name in payload:
        if name not in INVITE_FIELDS:
            problems[_shown(name)] = rules.message("field.unknown")
    values = {}
    for name in ("email", "name", "registration"):
        text, problem = check_text(payload.get(name), rules.TEXT_RULES[name], rules.label(name))
        if problem:
            problems[name] = problem
        elif not text:
            problems[name] = rules.message(rules.REQUIRED[name], label=rules.label(name))
        values[name] = text or ""
    if "email" not in problems and not _EMAIL.fullmatch(values["email"]):
        problems["email"] = rules.message("email.invalid", label=rules.label("email"))
    admin = payload.get("admin", False)
    if not isinstance(admin, bool):
        problems["admin"] = rules.message("admin.invalid", label=rules.label("admin"))
    if problems:
        raise DeskError("invalid_request", problems)
    if call.config.directory is None:
        raise DeskError("directory_unavailable")
    groups = (rules.ASSESSOR, rules.ADMIN) if admin else (rules.ASSESSOR,)
    try:
        invited = call.config.directory.invite(values["email"].lower(), values["name"], values["registration"], groups)
    except AlreadyInvited:
        raise DeskError("assessor_exists") from None
    except DirectoryUnavailable:
        raise DeskError("directory_unavailable") from None
    body = {
        "sub": invited.sub,
        "email": invited.email,
        "name": invited.name,
        "registration": invited.registration,
        "groups": list(invited.groups),
        "sign_in_link": invited.sign_in_link,
    }
    return ok(201, body, call)


def rebuild(call: Call) -> dict[str, Any]:
    config = call.config
    done = reindex(config.store, config.index, config.clock(), deadline=time.monotonic() + REINDEX_SECONDS)
    _index_states.pop(id(config.index), None)
    body = {"indexed": done.indexed, "removed": done.removed, "unreadable": done.unreadable, "complete": done.complete}
    return ok(200 if done.complete else 202, body, call)


ANY_ASSESSOR = (rules.ASSESSOR, rules.ADMIN)
ADMIN_ONLY = (rules.ADMIN,)
ROUTES: dict[str, Route] = {
    "GET /desk/me": Route(ANY_ASSESSOR, me),
    "GET /desk/submissions": Route(ANY_ASSESSOR, list_submissions),
    "GET /desk/submissions/{submission_id}": Route(ANY_ASSESSOR, open_submission),
    "GET /desk/submissions/{submission_id}/form": Route(ANY_ASSESSOR, form),
    "POST /desk/submissions/{submission_id}/reviews": Route(ANY_ASSESSOR, add_review),
    "GET /desk/submissions/{submission_id}/files/{sha256}": Route(ANY_ASSESSOR, file_link),
    "GET /desk/export": Route(ANY_ASSESSOR, export),
    "POST /desk/assessors": Route(ADMIN_ONLY, invite),
    "POST /desk/reindex": Route(ADMIN_ONLY, rebuild),
}
