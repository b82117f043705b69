"""`assessor.py pull`: copy new records and reviews from a source into a local copy, incrementally.

Only objects named exactly as records and reviews, no larger than the contract allows, are copied;
anything else is named in a warning and left where it is. One pull writes into a copy at a time (a
lock file), each file is flushed to disk before its rename, and its folder once the pull is done.
"""

from __future__ import annotations

import fcntl
import json
import os
import queue
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import click

from handler.record import RECORD_MAX_BYTES, REVIEW_MAX_BYTES, parse_utc_timestamp
from handler.store import (
    LATE_KEY,
    REVIEWS,
    SUBMISSIONS,
    Store,
    StoredObject,
    StoreUnavailable,
    TooLarge,
    make_private_dirs,
    parse_record_key,
    parse_review_key,
)
from handler.wib import wib_day_start
from swanilai.assessor.erase import forget_erased
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.files import disk_error, fsync_dir, write_atomically
from swanilai.assessor.records import Warn, ignore, is_bookkeeping, skipped, too_large
from swanilai.assessor.sources import explain_store_error, is_fatal, location_of, store_errors

DEFAULT_JOBS = 32
# A pull's own temporary files; LocalStore.list skips `.tmp-*`, and pull removes what a killed run left.
PULL_TMP_PREFIX = ".tmp-pull-"
PULL_LOCK = ".swanilai-pull.lock"
# Give up on a pull after this many downloads failed even after botocore's retries: S3 is unwell.
PULL_FAILURE_LIMIT = 25


@dataclass
class PullSummary:
    new: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key: why
    erased: tuple[str, ...] = ()  # submissions the source's erasure log names, removed from the copy


@dataclass(frozen=True)
class Listing:
    wanted: list[StoredObject]  # records and reviews to have in the copy
    unlisted: list[str]  # finished day folders not listed again
    newest: datetime | None  # the latest LastModified of a record (or late marker) listed: the source's clock


def pull(
    source: Store,
    dest: Path,
    *,
    scheme: str | None = None,
    since: date | None = None,
    jobs: int = DEFAULT_JOBS,
    progress: bool = True,
    warn: Warn = ignore,
) -> PullSummary:
    """Copy the records and reviews that are not yet in dest, concurrently, each file complete or absent."""
    try:
        have = _local_sizes(dest)
    except OSError as exc:
        raise disk_error(exc, dest, "pull") from None
    # Erased in the source: gone from the copy too, before the copy's days are counted.
    with store_errors(source):
        forgotten = forget_erased(source, dest, list(have), warn) if have else None
    if forgotten and forgotten.files:
        have = _local_sizes(dest)
    local_days = _day_totals(have)
    state = _load_state(dest, source)
    intact = {folder for folder, totals in state.days.items() if local_days.get(folder) == totals}
    with _workers(jobs) as pool, store_errors(source):
        listing = list_wanted(source, pool, scheme, since, skip=intact, warn=warn)
    # Records and reviews are written once and never change: present with the same size means done.
    todo = [obj for obj in listing.wanted if have.get(obj.key) != obj.size]
    summary = PullSummary(skipped=len(listing.wanted) - len(todo) + sum(local_days[f][0] for f in listing.unlisted))
    summary.erased = forgotten.submission_ids if forgotten else ()
    with _pull_lock(dest):
        _sweep_temporary_files(dest)
        try:
            # The workers stop before the lock goes: no other pull ever sees a file of ours half written.
            with _workers(jobs) as pool:
                _download_all(source, dest, todo, pool, summary, progress, warn)
        finally:
            _sync_folders(dest, todo)
        _save_state(dest, source, state, listing, summary)
    return summary


@contextmanager
def _workers(jobs: int) -> Iterator[ThreadPoolExecutor]:
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        yield pool
    finally:
        # On an error or Ctrl-C: drop what has not started; what is running finishes or cleans up.
        pool.shutdown(wait=True, cancel_futures=True)


def list_wanted(
    source: Store,
    pool: ThreadPoolExecutor,
    scheme: str | None,
    since: date | None,
    skip: set[str] = frozenset(),
    warn: Warn = ignore,
) -> Listing:
    """Every record and review to pull, with its size, listed folder by folder in parallel.

    Records are listed one day folder at a time, which leaves out the by-id markers (as many as the
    records), days before --since, and the `skip` days (finished days the copy holds intact); reviews
    in 16 slices by the first hex digit of the submission id. A large bucket then lists in a few
    rounds of parallel requests instead of one page of 1,000 keys after another.
    """
    if scheme:
        schemes = [scheme]
    else:
        tops = pool.map(source.children, (f"{SUBMISSIONS}/", f"{REVIEWS}/"))
        schemes = sorted({folder.split("/")[1] for folders in tops for folder in folders})
    folders = [f"{SUBMISSIONS}/{scheme_id}/" for scheme_id in schemes]
    for _ in ("year", "month", "day"):
        found = pool.map(source.children, folders)
        folders = [folder for children in found for folder in children if _folder_wanted(folder, since)]
    # A retry may heal a record into a day already over; it announces that under late/ first.
    late = [
        obj for objects in pool.map(lambda s: list(source.list(f"{SUBMISSIONS}/{s}/late/")), schemes) for obj in objects
    ]
    reopened = {
        f"{SUBMISSIONS}/{m['scheme']}/{m['y']}/{m['m']}/{m['d']}/" for obj in late if (m := LATE_KEY.match(obj.key))
    }
    skip = set(skip) - reopened
    unlisted = [folder for folder in folders if folder in skip]
    prefixes = [folder for folder in folders if folder not in skip]
    prefixes += [f"{REVIEWS}/{scheme_id}/{digit}" for scheme_id in schemes for digit in "0123456789abcdef"]
    listed = [obj for objects in pool.map(lambda prefix: list(source.list(prefix)), prefixes) for obj in objects]
    start = wib_day_start(since) if since else None
    wanted = [obj for obj in listed if _acceptable(source, obj, start, warn)]
    # Records filed under the UTC day on which the WIB day begins (at 17:00 UTC) are there from the
    # day before too: their own time of receipt says which side of --since they are on.
    boundary = [obj for obj in wanted if start and (named := parse_record_key(obj.key)) and named.day == start.date()]
    if boundary:
        early = {
            obj.key
            for obj, at in zip(boundary, pool.map(lambda obj: _received_at(source, obj.key), boundary), strict=True)
            if at and at < start
        }
        wanted = [obj for obj in wanted if obj.key not in early]
    server_times = [obj.modified for obj in late] + [obj.modified for obj in wanted if obj.key.startswith(SUBMISSIONS)]
    return Listing(wanted, unlisted, max(server_times, default=None))


def _acceptable(source: Store, obj: StoredObject, start: datetime | None, warn: Warn) -> bool:
    """Whether obj is a record or review to copy (on or after `start`, as far as its key tells); a stray or oversized object is named in a warning."""
    record, review = parse_record_key(obj.key), parse_review_key(obj.key)
    if record is None and review is None:
        if not is_bookkeeping(obj.key):
            kind = "record" if obj.key.startswith(SUBMISSIONS) else "review"
            warn(skipped(f"{location_of(source, obj.key)}: is not named like a {kind}"))
        return False
    if start is not None and (record.day < start.date() if record else review.reviewed_at < start):
        return False
    problem = too_large(source, obj, RECORD_MAX_BYTES if record else REVIEW_MAX_BYTES)
    if problem:
        warn(problem)
        return False
    return True


# -- finished days: a record's key carries its UTC day of receipt and records are created at
# receipt, so once a day is over (with a day's margin for a slow write) its folder does not change;
# the one exception, a retry healing a record into its past day, is announced under late/ (store.py).
# "Over" is judged by the source's clock, never the assessor's: the newest LastModified of the
# records listed (kept from pull to pull), which the source itself stamped. A copy's clock that
# runs fast or slow then costs at most a listing, never a record. After a pull that completed such
# a day, DIR/.swanilai-pull.json keeps the day's file count and bytes; while the copy of that day
# still adds up to them, later pulls do not list it again. A file deleted or damaged in the copy
# breaks the sum, and the day is listed and fetched again.

PULL_STATE = ".swanilai-pull.json"
PULL_STATE_FORMAT = 2
FINISHED_AFTER = timedelta(days=1)  # after the day's end, by the source's clock


@dataclass(frozen=True)
class PullState:
    days: dict[str, tuple[int, int]]  # finished day folder: (files, bytes)
    source_time: datetime | None  # the newest LastModified seen in the source so far


def _day_totals(sizes: dict[str, int]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for key, size in sizes.items():
        if parse_record_key(key):
            folder = key.rsplit("/", 1)[0] + "/"
            count, total = totals.get(folder, (0, 0))
            totals[folder] = (count + 1, total + size)
    return totals


def _load_state(dest: Path, source: Store) -> PullState:
    try:
        state = json.loads((dest / PULL_STATE).read_bytes())
        if state.get("format") != PULL_STATE_FORMAT or state.get("source") != source.describe():
            return PullState({}, None)
        days = {folder: (int(count), int(total)) for folder, (count, total) in state["days"].items()}
        seen = datetime.fromisoformat(state["source_time"]) if state.get("source_time") else None
        return PullState(days, seen)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return PullState({}, None)  # only a cache: without it, every day is listed


def finished(day: date, source_time: datetime | None) -> bool:
    """Whether no record can still be filed under day, by the source's own clock."""
    day_end = datetime.combine(day + timedelta(days=1), time(), UTC)
    return source_time is not None and source_time >= day_end + FINISHED_AFTER


def _save_state(dest: Path, source: Store, state: PullState, listing: Listing, summary: PullSummary) -> None:
    source_time = max(filter(None, (state.source_time, listing.newest)), default=None)
    listed: dict[str, tuple[int, int]] = {}
    incomplete = {key.rsplit("/", 1)[0] + "/" for key in summary.failed}
    for obj in listing.wanted:
        named = parse_record_key(obj.key)
        if named and finished(named.day, source_time):
            folder = obj.key.rsplit("/", 1)[0] + "/"
            count, total = listed.get(folder, (0, 0))
            listed[folder] = (count + 1, total + obj.size)
    days = {**state.days, **{folder: totals for folder, totals in listed.items() if folder not in incomplete}}
    for folder in incomplete:
        days.pop(folder, None)
    if days == state.days and source_time == state.source_time:
        return
    saved = {
        "format": PULL_STATE_FORMAT,
        "source": source.describe(),
        "source_time": source_time.isoformat() if source_time else None,
        "days": dict(sorted(days.items())),
    }
    try:
        write_atomically(dest / PULL_STATE, json.dumps(saved, indent=0).encode())
    except OSError:
        pass  # the next pull lists those days again, nothing worse


def _received_at(source: Store, key: str) -> datetime | None:
    """A record's time of receipt, read from the record itself; None when it cannot be read (pull will say why)."""
    try:
        raw = source.get(key, max_bytes=RECORD_MAX_BYTES)
        text = json.loads(raw).get("received_at") if raw else None
    except (TooLarge, ValueError, AttributeError):
        return None
    return parse_utc_timestamp(text) if isinstance(text, str) else None


def _folder_wanted(folder: str, since: date | None) -> bool:
    # submissions/<scheme>/<YYYY>/[<MM>/[<DD>/]]: dates only (not by-id/), and not before --since's
    # first UTC day (the WIB day begins at 17:00 UTC of the day before).
    parts = folder.rstrip("/").split("/")[2:]
    if not all(part.isdigit() for part in parts):
        return False
    if since is None:
        return True
    first = wib_day_start(since).date()
    return tuple(map(int, parts)) >= (first.year, first.month, first.day)[: len(parts)]


# -- one pull at a time, files complete or absent


@contextmanager
def _pull_lock(dest: Path) -> Iterator[None]:
    """Hold DIR's pull lock: a second pull into the same copy stops at once instead of removing our files."""
    try:
        make_private_dirs(dest)
        fd = os.open(dest / PULL_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise disk_error(exc, dest, "pull") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AssessorError(
                f"another `assessor.py pull` is writing into {dest}: wait for it to finish, then run pull again"
            ) from None
        yield  # the lock goes with the file descriptor, also when the process is killed
    finally:
        os.close(fd)


def _local_sizes(dest: Path) -> dict[str, int]:
    """Sizes of the files already pulled, by key (temporary files and links are not pulled files)."""
    sizes = {}
    for top in (SUBMISSIONS, REVIEWS):
        for folder, _, names in os.walk(dest / top):
            for name in names:
                path = os.path.join(folder, name)
                if not name.startswith(".") and not os.path.islink(path):
                    sizes[Path(path).relative_to(dest).as_posix()] = os.stat(path).st_size
    return sizes


def _sweep_temporary_files(dest: Path) -> None:
    """Remove what a killed pull left behind; only under the lock, where no other pull is writing."""
    try:
        for top in (SUBMISSIONS, REVIEWS):
            for folder, _, names in os.walk(dest / top):
                for name in names:
                    if name.startswith(PULL_TMP_PREFIX):
                        os.unlink(os.path.join(folder, name))
    except OSError as exc:
        raise disk_error(exc, dest, "pull") from None


def _download_all(
    source: Store,
    dest: Path,
    todo: list[StoredObject],
    pool: ThreadPoolExecutor,
    summary: PullSummary,
    progress: bool,
    warn: Warn,
) -> None:
    # Workers report into one queue, so the main thread's cost per file stays constant (waiting on
    # a set of 10,000 futures would rescan them all each time one finishes).
    results: queue.SimpleQueue = queue.SimpleQueue()

    def fetch(obj: StoredObject) -> None:
        try:
            results.put((obj.key, _download(source, dest, obj), None))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread, which decides
            results.put((obj.key, False, exc))

    with click.progressbar(length=len(todo), label="pulling", file=sys.stderr, hidden=not progress or not todo) as bar:
        for obj in todo:
            pool.submit(fetch, obj)
        for _ in todo:
            _account(*_next_result(results), summary, source, dest, warn)
            bar.update(1)


def _next_result(results: queue.SimpleQueue) -> tuple[str, bool, BaseException | None]:
    while True:
        try:
            return results.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
        except queue.Empty:
            continue


def _download(source: Store, dest: Path, obj: StoredObject) -> bool:
    """Fetch one object into dest under a temporary name and rename it: a file is complete or absent."""
    limit = RECORD_MAX_BYTES if obj.key.startswith(SUBMISSIONS) else REVIEW_MAX_BYTES
    body = source.get(obj.key, max_bytes=limit)
    if body is None:
        return False  # removed from the source since it was listed
    path = dest / obj.key
    make_private_dirs(path.parent)
    # The source's time, not ours: a copy pulled from is then as good a source as the bucket.
    write_atomically(path, body, tmp_prefix=PULL_TMP_PREFIX, sync_dir=False, modified=obj.modified)
    return True


def _sync_folders(dest: Path, written: list[StoredObject]) -> None:
    """Make the renames durable: each folder that got a file, and the folders above it, once."""
    folders = {dest}
    for obj in written:
        folder = (dest / obj.key).parent
        while folder != dest and folder not in folders:
            folders.add(folder)
            folder = folder.parent
    for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
        try:
            fsync_dir(folder)
        except OSError:
            pass  # best effort: nothing was written there after all, or the disk already failed


def _account(
    key: str,
    done: bool,
    error: BaseException | None,
    summary: PullSummary,
    source: Store,
    dest: Path,
    warn: Warn,
) -> None:
    if error is None:
        if done:
            summary.new += 1
        else:
            summary.failed[key] = f"{key} was removed from the source during the pull"
    elif isinstance(error, TooLarge):
        warn(skipped(f"{location_of(source, key)}: {error}"))
    elif isinstance(error, StoreUnavailable):
        if is_fatal(error) or len(summary.failed) >= PULL_FAILURE_LIMIT:
            raise AssessorError(explain_store_error(error, source)) from None
        summary.failed[key] = f"{key}: {error}"
    elif isinstance(error, OSError):
        raise disk_error(error, dest, "pull") from None
    else:
        raise error
