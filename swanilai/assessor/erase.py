"""`assessor.py erase` and what `pull` does with erasures: the command line's side of handler/erasure.py.

`erase` runs the same plan and the same deletion as `POST /desk/erasures` (handler.erasure), on a
directory or a bucket, after the admin has confirmed what will be lost. `forget_erased` keeps a
pulled copy in step: every submission an entry of the source's erasure log names is removed from
the copy (its record and reviews), and the pull says so.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from handler.erasure import Erased, Plan, carry_out, counts_of, earlier_erasure, erasure_log, plan_erasure
from handler.index import Index
from handler.store import LocalStore, ObjectVersion, Store, StoreUnavailable, parse_record_key, parse_review_key
from swanilai.assessor.errors import AssessorError


def local_admin() -> str:
    """Who erased, when it is done from the command line: the local account's name (never a candidate's)."""
    try:
        return f"assessor.py:{getpass.getuser()}"
    except (KeyError, OSError):
        return "assessor.py"


def describe(plan: Plan) -> str:
    """What an erasure will remove, for the confirmation prompt."""
    counts = counts_of(plan)
    chain = ", ".join(plan.submission_ids)
    return (
        f"This erases for good, in {plan.scheme_id or 'no scheme (uploads only)'}, the submission(s) {chain}: "
        f"{counts['objects']} object(s) in {counts['versions']} version(s), among them {counts['reviews']} "
        f"review(s) and {counts['files']} evidence file(s), and {counts['index_entries']} index entr(y/ies). "
        f"The candidate's record, signature, reviews and files cannot be recovered afterwards."
    )


def erase_submission(
    store: Store,
    index: Index | None,
    submission_id: str,
    *,
    reason: str,
    admin: str,
    now: datetime,
    confirm: Callable[[str], bool],
) -> Erased:
    """Plan, ask, erase; an earlier erasure of the same id answers with zero erased."""
    plan = plan_erasure(store, index, submission_id)
    if plan.empty:
        earlier = earlier_erasure(store, submission_id)
        if earlier is None:
            raise AssessorError(
                f"nothing of {submission_id} is in {store.describe()} and no erasure names it: check the id "
                f"(the full 36 characters, as on the candidate's receipt)"
            )
        return Erased(earlier.erasure_id, [], 0, 0, 0, 0, 0, again=True)
    if not confirm(describe(plan)):
        raise AssessorError("nothing erased: not confirmed")
    return carry_out(store, index, plan, admin_sub=admin, reason=reason, now=now)


# -- pulled copies


@dataclass(frozen=True)
class Forgotten:
    submission_ids: tuple[str, ...]  # erased in the source and removed from the copy
    files: int


def forget_erased(source: Store, dest: Path, keys: Iterable[str], warn: Callable[[str], None]) -> Forgotten:
    """Remove from the copy at dest (whose keys are given) every submission the source's erasure log names."""
    try:
        erased = {sid for entry in erasure_log(source) for sid in entry.submission_ids}
    except StoreUnavailable as exc:
        warn(
            f"could not read the erasure log of {source.describe()} ({exc.code or exc}): erased submissions may "
            f"still be in {dest}; ask the LSP's administrator to let assessors read erasures/"
        )
        return Forgotten((), 0)
    doomed: dict[str, list[str]] = {}
    for key in keys:
        named = parse_record_key(key) or parse_review_key(key)
        if named is not None and named.submission_id in erased:
            doomed.setdefault(named.submission_id, []).append(key)
    if doomed:
        copy = LocalStore(dest)
        copy.delete_versions([ObjectVersion(key, None) for found in doomed.values() for key in found])
    return Forgotten(tuple(sorted(doomed)), sum(len(found) for found in doomed.values()))
