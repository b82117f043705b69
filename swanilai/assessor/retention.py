"""`assessor.py retention`: the bucket's lifecycle rules, for a local store.

In AWS, S3 expires every object under `submissions/`, `reviews/` and `evidence/` a fixed number of
days after it was written (infra/template.yaml, RetentionYears) and uploads under `incoming/` after
two days. A local directory has no lifecycle, so this sweep applies the same rule to the same
prefixes, object by object, by each file's own write time (files are created once and never
modified, so it is S3's LastModified): what is past retention is listed, and removed on
confirmation through the erasure path (handler/erasure.py), which also removes the index entries
of the records it removes and writes one erasure log entry (reason `retensi`) so pulled copies
forget them too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from handler.erasure import DELETE_ORDER, Erased, Plan, carry_out
from handler.index import Index
from handler.store import (
    EVIDENCE,
    INCOMING,
    LATE_KEY,
    REVIEWS,
    SUBMISSIONS,
    ObjectVersion,
    Store,
    parse_record_key,
)

UPLOAD_DAYS = 2  # incoming/ in the bucket: its own lifecycle rule


def retention_days(years: int) -> int:
    """Days of a retention in years: 365 a year plus a leap day every four, rounded up (never early)."""
    return 365 * years + math.ceil(years / 4)


@dataclass(frozen=True)
class Sweep:
    plan: Plan  # what is past retention, grouped as an erasure deletes it
    records: dict[str, str]  # submission id: record key, of the records past retention
    cutoff: datetime  # objects written before this are past retention


def _kind(key: str) -> str | None:
    """Which of the erasure's groups a key belongs to (None: not a candidate's data)."""
    if key.startswith(f"{INCOMING}/"):
        return "incoming"
    if key.startswith(f"{EVIDENCE}/"):
        return "evidence"
    if key.startswith(f"{REVIEWS}/"):
        return "reviews"
    if not key.startswith(f"{SUBMISSIONS}/"):
        return None
    if LATE_KEY.match(key):
        return "late"
    if "/revised-by/" in key:
        return "revised_by"
    if "/by-id/" in key:
        return "by_id"
    return "records"


def past_retention(store: Store, index: Index | None, years: int, now: datetime) -> Sweep:
    """Every object of a candidate's data written longer ago than the retention (uploads: two days)."""
    cutoff = now - timedelta(days=retention_days(years))
    groups: dict[str, list[ObjectVersion]] = {name: [] for name in DELETE_ORDER}
    records: dict[str, str] = {}
    for prefix in (SUBMISSIONS, REVIEWS, EVIDENCE, INCOMING):
        limit = now - timedelta(days=UPLOAD_DAYS) if prefix == INCOMING else cutoff
        for obj in store.list(f"{prefix}/"):
            kind = _kind(obj.key)
            if kind is None or obj.modified >= limit:
                continue
            groups[kind].append(ObjectVersion(obj.key, None))
            named = parse_record_key(obj.key) if kind == "records" else None
            if named is not None:
                records[named.submission_id] = obj.key
    ids = sorted(records)
    indexed = [sid for sid in ids if index is not None and index.get(sid) is not None]
    return Sweep(Plan(None, ids, groups, indexed), records, cutoff)


def sweep(store: Store, index: Index | None, found: Sweep, *, admin: str, now: datetime) -> Erased:
    """Remove what past_retention found; one erasure log entry (reason `retensi`) names the records removed."""
    return carry_out(store, index, found.plan, admin_sub=admin, reason="retensi", now=now, log=bool(found.records))
