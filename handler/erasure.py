"""Erasure of one candidate's data on request: `POST /desk/erasures`, the only code that deletes.

Entry point `lambda_handler` (its own function and IAM role in AWS, the only role allowed
s3:DeleteObject and s3:DeleteObjectVersion) takes `{submission_id, reason}` from an account of the
`admin` group, checked here with the desk's own helpers (handler/desk.py).

The algorithm (`plan_erasure`, then `carry_out`):
1. Find the chain. The submission's scheme comes from the index or from its by-id marker (one
   GET per scheme folder). From each submission, follow its record's `revises` back and its
   revised-by marker forward (the index stands in where a record is already gone).
2. List every version, delete marker included, of every object of each id: records, by-id,
   late and revised-by markers, reviews, evidence files and uploads under incoming/.
3. Delete, in an order that keeps a crash repairable: uploads, evidence, reviews, late markers,
   records, revised-by markers; then the index entries; then the erasure log entry
   `erasures/<YYYY>/<MM>/<erasure id>.json` (ids, time, admin `sub`, reason code: no personal
   data); the by-id markers last. While anything of a submission is left, its by-id marker is
   there to find it, so running the same erasure again finishes the job.

Idempotent: when nothing is left of the id but an earlier erasure names it, the answer is 200 with
zero erased and that erasure's id (no new log entry); when nothing is left and no erasure names it,
404 `erasure_not_found` (the id was mistyped, or never received). Standard library and boto3 only.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handler import deskrules as rules
from handler.deskconfig import ConfigSlot, DeskConfig
from handler.deskrules import DeskError
from handler.index import Index
from handler.log import log_safely
from handler.record import (
    RECORD_MAX_BYTES,
    CorruptMarker,
    RecordError,
    parse_marker,
    parse_record,
    utc_timestamp,
)
from handler.store import (
    ERASURES,
    EVIDENCE,
    INCOMING,
    LATE_KEY,
    REVIEWS,
    SUBMISSIONS,
    ObjectVersion,
    Store,
    StoreUnavailable,
    TooLarge,
    erasure_key,
    revised_by_key,
    submission_marker_key,
)

ERASURE_VERSION = 1
CHAIN_MAX = 50  # revisions followed each way: far more than any candidate sends
_SUBMISSION_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MARKER_MAX = 64 * 1024

_slot = ConfigSlot(with_directory=False)


def configure(config: DeskConfig | None) -> None:
    """Set the configuration in code (tests, local server); None goes back to the environment."""
    _slot.set(config)


def current_config() -> DeskConfig:
    return _slot.get()


# -- what is erased


@dataclass
class Plan:
    """Every version to delete for one chain, by kind, in the order they are deleted."""

    scheme_id: str | None
    submission_ids: list[str]  # the chain, as found (the one asked for first)
    groups: dict[str, list[ObjectVersion]] = field(default_factory=dict)
    index_ids: list[str] = field(default_factory=list)  # ids with an index entry

    @property
    def versions(self) -> list[ObjectVersion]:
        return [version for name in DELETE_ORDER for version in self.groups.get(name, ())]

    def keys(self, *names: str) -> set[str]:
        return {version.key for name in names for version in self.groups.get(name, ())}

    @property
    def empty(self) -> bool:
        return not self.versions and not self.index_ids


# Deleted in this order; `by_id` last (see the module's docstring).
DELETE_ORDER = ("incoming", "evidence", "reviews", "late", "records", "revised_by", "by_id")


@dataclass(frozen=True)
class Erased:
    erasure_id: str
    submission_ids: list[str]
    objects: int
    versions: int
    reviews: int
    files: int
    index_entries: int
    again: bool = False  # nothing was left: an earlier erasure (erasure_id) did it

    def to_dict(self) -> dict[str, Any]:
        return {
            "erasure_id": self.erasure_id,
            "erased": {
                "submission_ids": self.submission_ids,
                "objects": self.objects,
                "versions": self.versions,
                "reviews": self.reviews,
                "files": self.files,
                "index_entries": self.index_entries,
            },
        }


def counts_of(plan: Plan) -> dict[str, int]:
    return {
        "objects": len({version.key for version in plan.versions}),
        "versions": len(plan.versions),
        "reviews": len(plan.keys("reviews")),
        "files": len(plan.keys("evidence", "incoming")),
        "index_entries": len(plan.index_ids),
    }


def is_submission_id(text: Any) -> bool:
    return isinstance(text, str) and _SUBMISSION_ID.fullmatch(text) is not None


def plan_erasure(store: Store, index: Index | None, submission_id: str) -> Plan:
    """What erasing a submission and its revision chain would remove; nothing is deleted here."""
    scheme_id = _scheme_of(store, index, submission_id)
    if scheme_id is None:
        # Nothing under submissions/ names it; uploads never filed may still be under incoming/.
        plan = Plan(None, [submission_id])
        plan.groups["incoming"] = list(store.versions(f"{INCOMING}/{submission_id}/"))
        return plan
    chain = _chain(store, index, scheme_id, submission_id)
    plan = Plan(scheme_id, chain)
    late = [v for v in store.versions(f"{SUBMISSIONS}/{scheme_id}/late/") if _late_id(v.key) in chain]
    plan.groups = {name: [] for name in DELETE_ORDER}
    plan.groups["late"] = late
    for sid in chain:
        plan.groups["incoming"] += store.versions(f"{INCOMING}/{sid}/")
        plan.groups["evidence"] += store.versions(f"{EVIDENCE}/{scheme_id}/{sid}/")
        plan.groups["reviews"] += store.versions(f"{REVIEWS}/{scheme_id}/{sid}/")
        record_key = _record_key(store, index, scheme_id, sid)
        if record_key is not None:
            plan.groups["records"] += _exactly(store, record_key)
        plan.groups["revised_by"] += _exactly(store, revised_by_key(scheme_id, sid))
        plan.groups["by_id"] += _exactly(store, submission_marker_key(scheme_id, sid))
        if index is not None and index.get(sid) is not None:
            plan.index_ids.append(sid)
    return plan


def _exactly(store: Store, key: str) -> list[ObjectVersion]:
    """The versions of one key (a listing by prefix also finds longer keys that start with it)."""
    return [version for version in store.versions(key) if version.key == key]


def _late_id(key: str) -> str | None:
    match = LATE_KEY.match(key)
    return match["id"] if match else None


def _scheme_of(store: Store, index: Index | None, submission_id: str) -> str | None:
    entry = index.get(submission_id) if index is not None else None
    if entry is not None:
        return entry.scheme_id
    for folder in store.children(f"{SUBMISSIONS}/"):
        scheme_id = folder.split("/")[1]
        if _exactly(store, submission_marker_key(scheme_id, submission_id)):
            return scheme_id
    return None


def _chain(store: Store, index: Index | None, scheme_id: str, submission_id: str) -> list[str]:
    """The submission and every revision before and after it, the one asked for first."""
    found = [submission_id]
    for step in (_revises, _revised_by):
        current = submission_id
        for _ in range(CHAIN_MAX):
            following = step(store, index, scheme_id, current)
            if following is None or following in found or not is_submission_id(following):
                break
            found.append(following)
            current = following
    return found


def _revises(store: Store, index: Index | None, scheme_id: str, submission_id: str) -> str | None:
    key = _record_key(store, index, scheme_id, submission_id)
    raw = _read(store, key, RECORD_MAX_BYTES) if key else None
    if raw is not None:
        try:
            return parse_record(raw, key).revises
        except RecordError:
            pass
    entry = index.get(submission_id) if index is not None else None
    return entry.revises if entry is not None else None


def _revised_by(store: Store, index: Index | None, scheme_id: str, submission_id: str) -> str | None:
    from handler.indexer import read_revised_by

    found = read_revised_by(store, scheme_id, submission_id)
    if found is None and index is not None:
        entry = index.get(submission_id)
        found = entry.revised_by if entry is not None else None
    return found


def _record_key(store: Store, index: Index | None, scheme_id: str, submission_id: str) -> str | None:
    marker_key = submission_marker_key(scheme_id, submission_id)
    raw = _read(store, marker_key, _MARKER_MAX)
    if raw is not None:
        try:
            return parse_marker(raw, marker_key).key
        except CorruptMarker:
            pass
    entry = index.get(submission_id) if index is not None else None
    return entry.record_key if entry is not None and entry.scheme_id == scheme_id else None


def _read(store: Store, key: str, limit: int) -> bytes | None:
    try:
        return store.get(key, max_bytes=limit)
    except TooLarge:
        return None


# -- carrying it out


def carry_out(
    store: Store,
    index: Index | None,
    plan: Plan,
    *,
    admin_sub: str,
    reason: str,
    now: datetime,
    log: bool = True,
) -> Erased:
    """Delete what the plan lists, in its order, and write the erasure log entry (unless log=False)."""
    erasure_id = str(uuid.uuid4())
    for name in DELETE_ORDER:
        if name == "by_id" and log:
            store.create(erasure_key(now, erasure_id), log_entry(erasure_id, plan, admin_sub, reason, now))
        batch = plan.groups.get(name, [])
        if batch:
            store.delete_versions(batch)
        if name == "revised_by" and index is not None:
            for sid in plan.index_ids:
                index.delete(sid)
    return Erased(erasure_id, list(plan.submission_ids), **counts_of(plan))


def log_entry(erasure_id: str, plan: Plan, admin_sub: str, reason: str, now: datetime) -> bytes:
    """The erasure log entry: ids, time, who and why, what was counted; never a name, email or phone."""
    data = {
        "erasure_version": ERASURE_VERSION,
        "erasure_id": erasure_id,
        "erased_at": utc_timestamp(now),
        "admin": {"sub": admin_sub},
        "reason": reason,
        "scheme_id": plan.scheme_id,
        "submission_ids": list(plan.submission_ids),
        "counts": counts_of(plan),
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class LoggedErasure:
    erasure_id: str
    erased_at: str
    scheme_id: str | None
    submission_ids: tuple[str, ...]
    reason: str


def erasure_log(store: Store) -> list[LoggedErasure]:
    """Every readable entry of the erasure log, oldest first (what `pull` removes from a copy)."""
    found = []
    for obj in store.list(f"{ERASURES}/"):
        raw = _read(store, obj.key, _MARKER_MAX)
        try:
            data = json.loads(raw) if raw is not None else None
            ids = tuple(data["submission_ids"])
            if not all(is_submission_id(sid) for sid in ids):
                continue
            found.append(
                LoggedErasure(
                    str(data["erasure_id"]), str(data["erased_at"]), data.get("scheme_id"), ids, data["reason"]
                )
            )
        except (ValueError, KeyError, TypeError):
            continue  # not an entry this code wrote: ignore rather than guess
    return sorted(found, key=lambda entry: (entry.erased_at, entry.erasure_id))


def earlier_erasure(store: Store, submission_id: str) -> LoggedErasure | None:
    for entry in reversed(erasure_log(store)):
        if submission_id in entry.submission_ids:
            return entry
    return None


def erase(
    store: Store, index: Index | None, submission_id: str, *, admin_sub: str, reason: str, now: datetime
) -> Erased | None:
    """Erase a submission's chain; zero erased (and the earlier erasure's id) when done before; None when never seen."""
    plan = plan_erasure(store, index, submission_id)
    if plan.empty:
        earlier = earlier_erasure(store, submission_id)
        if earlier is None:
            return None
        return Erased(earlier.erasure_id, [], 0, 0, 0, 0, 0, again=True)
    return carry_out(store, index, plan, admin_sub=admin_sub, reason=reason, now=now)


# -- POST /desk/erasures


ERASURE_FIELDS = ("submission_id", "reason")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one erasure request, never with a traceback."""
    from handler.desk import answer

    return answer(event, context, current_config, handle)


def handle(event: dict[str, Any], config: DeskConfig, trace: Any, log: Callable[[dict[str, Any]], None]) -> dict:
    """Parse, authorise (admin only), erase, respond; a DeskError or storage trouble becomes its error."""
    from handler.desk import authorise, error_response, json_body
    from handler.request import method_of
    from handler.response import json_response

    try:
        if str(event.get("routeKey", "")) != "POST /desk/erasures":
            raise DeskError("not_found")
        if method_of(event) != "POST":
            raise DeskError("method_not_allowed", headers={"allow": "POST"})
        account = authorise(event, (rules.ADMIN,))
        submission_id, reason = check_request(json_body(event))
        erased = erase(
            config.store, config.index, submission_id, admin_sub=account.sub, reason=reason, now=config.clock()
        )
        if erased is None:
            raise DeskError("erasure_not_found")
        log_safely(log, _erasure_line(trace.request_id, erased))
        return json_response(200, erased.to_dict(), {"x-request-id": trace.request_id})
    except DeskError as error:
        trace.error = error.code
        return error_response(error, trace.request_id)
    except StoreUnavailable as exc:
        trace.store_error = exc.code or type(exc).__name__
        if not exc.retryable:
            raise
        trace.error = "storage_unavailable"
        return error_response(DeskError("storage_unavailable", headers={"retry-after": "5"}), trace.request_id)


def _erasure_line(request_id: str, erased: Erased) -> dict[str, Any]:
    """Proof in the function's log too: the erasure's id and counts (the log entry in the bucket has the ids)."""
    body = erased.to_dict()["erased"]
    return {
        "level": "info",
        "event": "erasure",
        "request_id": request_id,
        "erasure_id": erased.erasure_id,
        "again": erased.again,
        **{name: (len(value) if isinstance(value, list) else value) for name, value in body.items()},
    }


def check_request(payload: dict[str, Any]) -> tuple[str, str]:
    """The body's id and reason code, or every problem at once by field."""
    from handler.desk import _shown

    problems: dict[str, str] = {}
    for name in payload:
        if name not in ERASURE_FIELDS:
            problems[_shown(name)] = rules.message("field.unknown")
    submission_id = payload.get("submission_id")
    if isinstance(submission_id, str):
        submission_id = submission_id.strip().lower()
    if not is_submission_id(submission_id):
        problems["submission_id"] = rules.message("submission_id.invalid", label=rules.label("submission_id"))
    reason = payload.get("reason")
    if reason not in rules.ERASURE_REASONS:
        problems["reason"] = rules.message("reason.invalid", label=rules.label("reason"))
    if problems:
        raise DeskError("invalid_request", problems)
    return submission_id, reason
