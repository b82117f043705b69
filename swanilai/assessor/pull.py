"""`assessor.py pull`: copy new records and reviews from a source into a local copy, incrementally."""

from __future__ import annotations

import json
import os
import queue
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import click

from handler.store import LATE_KEY, RECORD_KEY, REVIEW_KEY, REVIEWS, SUBMISSIONS, Store, StoreUnavailable
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.files import disk_error, write_atomically
from swanilai.assessor.sources import explain_store_error, is_fatal, store_errors

DEFAULT_JOBS = 32
# A pull's own temporary files; LocalStore.list skips `.tmp-*`, and pull removes what a killed run left.
PULL_TMP_PREFIX = ".tmp-pull-"
# Give up on a pull after this many downloads failed even after botocore's retries: S3 is unwell.
PULL_FAILURE_LIMIT = 25


@dataclass
class PullSummary:
    new: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key: why


def pull(
    source: Store,
    dest: Path,
    *,
    scheme: str | None = None,
    since: date | None = None,
    jobs: int = DEFAULT_JOBS,
    progress: bool = True,
    today: date,
) -> PullSummary:
    """Copy the records and reviews that are not yet in dest, concurrently, each file complete or absent."""
    try:
        have = _local_sizes(dest)
    except OSError as exc:
        raise disk_error(exc, dest, "pull") from None
    local_days = _day_totals(have)
    closed = _load_closed_days(dest, source)
    intact = {folder for folder, totals in closed.items() if local_days.get(folder) == totals}
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        with store_errors(source):
            wanted, unlisted = list_wanted(source, pool, scheme, since, skip=intact)
        try:
            dest.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise disk_error(exc, dest, "pull") from None
        # Records and reviews are written once and never change: present with the same size means done.
        todo = [key for key, size in wanted if have.get(key) != size]
        summary = PullSummary(skipped=len(wanted) - len(todo) + sum(local_days[f][0] for f in unlisted))
        _download_all(source, dest, todo, pool, summary, progress)
    finally:
        # On an error or Ctrl-C: drop what has not started; what is running finishes or cleans up.
        pool.shutdown(wait=True, cancel_futures=True)
    _save_closed_days(dest, source, closed, wanted, summary, today)
    return summary


def list_wanted(
    source: Store, pool: ThreadPoolExecutor, scheme: str | None, since: date | None, skip: set[str] = frozenset()
) -> tuple[list[tuple[str, int]], list[str]]:
    """Every record and review to pull, with its size, listed folder by folder in parallel.

    Records are listed one day folder at a time, which leaves out the by-id markers (as many as the
    records), days before --since, and the `skip` days (finished days the copy holds intact); reviews
    in 16 slices by the first hex digit of the submission id. A large bucket then lists in a few
    rounds of parallel requests instead of one page of 1,000 keys after another. Also returns the
    day folders skipped.
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
    late = pool.map(lambda scheme_id: list(source.list(f"{SUBMISSIONS}/{scheme_id}/late/")), schemes)
    reopened = {
        f"{SUBMISSIONS}/{m['scheme']}/{m['y']}/{m['m']}/{m['d']}/"
        for objects in late
        for obj in objects
        if (m := LATE_KEY.match(obj.key))
    }
    skip = set(skip) - reopened
    unlisted = [folder for folder in folders if folder in skip]
    prefixes = [folder for folder in folders if folder not in skip]
    prefixes += [f"{REVIEWS}/{scheme_id}/{digit}" for scheme_id in schemes for digit in "0123456789abcdef"]
    listed = pool.map(lambda prefix: [(obj.key, obj.size) for obj in source.list(prefix)], prefixes)
    return [(key, size) for objects in listed for key, size in objects if _wanted(key, since)], unlisted


# -- finished days: a record's key carries its UTC day of receipt and records are created at
# receipt, so once a day is over (with a day's margin for a slow write) its folder does not change;
# the one exception, a retry healing a record into its past day, is announced under late/ (store.py).
# After a pull that completed such a day, DIR/.swanilai-pull.json keeps the day's file count and
# bytes; while the copy of that day still adds up to them, later pulls do not list it again.
# A file deleted or damaged in the copy breaks the sum, and the day is listed and fetched again.

PULL_STATE = ".swanilai-pull.json"
PULL_STATE_FORMAT = 1


def _day_totals(sizes: dict[str, int]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for key, size in sizes.items():
        if RECORD_KEY.match(key):
            folder = key.rsplit("/", 1)[0] + "/"
            count, total = totals.get(folder, (0, 0))
            totals[folder] = (count + 1, total + size)
    return totals


def _load_closed_days(dest: Path, source: Store) -> dict[str, tuple[int, int]]:
    try:
        state = json.loads((dest / PULL_STATE).read_bytes())
        if state.get("format") != PULL_STATE_FORMAT or state.get("source") != source.describe():
            return {}
        return {folder: (int(count), int(total)) for folder, (count, total) in state["days"].items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}  # only a cache: without it, every day is listed


def _save_closed_days(
    dest: Path,
    source: Store,
    closed: dict[str, tuple[int, int]],
    wanted: list[tuple[str, int]],
    summary: PullSummary,
    today: date,
) -> None:
    listed: dict[str, tuple[int, int]] = {}
    incomplete = {key.rsplit("/", 1)[0] + "/" for key in summary.failed}
    for key, size in wanted:
        match = RECORD_KEY.match(key)
        if match and date(int(match["y"]), int(match["m"]), int(match["d"])) <= today - timedelta(days=2):
            folder = key.rsplit("/", 1)[0] + "/"
            count, total = listed.get(folder, (0, 0))
            listed[folder] = (count + 1, total + size)
    days = {**closed, **{folder: totals for folder, totals in listed.items() if folder not in incomplete}}
    for folder in incomplete:
        days.pop(folder, None)
    if days == closed:
        return
    state = {"format": PULL_STATE_FORMAT, "source": source.describe(), "days": dict(sorted(days.items()))}
    try:
        write_atomically(dest / PULL_STATE, json.dumps(state, indent=0).encode())
    except OSError:
        pass  # the next pull lists those days again, nothing worse


def _folder_wanted(folder: str, since: date | None) -> bool:
    # submissions/<scheme>/<YYYY>/[<MM>/[<DD>/]]: dates only (not by-id/), and not before --since.
    parts = folder.rstrip("/").split("/")[2:]
    if not all(part.isdigit() for part in parts):
        return False
    return since is None or tuple(map(int, parts)) >= (since.year, since.month, since.day)[: len(parts)]


def _download_all(
    source: Store, dest: Path, todo: list[str], pool: ThreadPoolExecutor, summary: PullSummary, progress: bool
) -> None:
    # Workers report into one queue, so the main thread's cost per file stays constant (waiting on
    # a set of 10,000 futures would rescan them all each time one finishes).
    results: queue.SimpleQueue = queue.SimpleQueue()

    def fetch(key: str) -> None:
        try:
            results.put((key, _download(source, dest, key), None))
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread, which decides
            results.put((key, False, exc))

    with click.progressbar(length=len(todo), label="pulling", file=sys.stderr, hidden=not progress or not todo) as bar:
        for key in todo:
            pool.submit(fetch, key)
        for _ in todo:
            _account(*_next_result(results), summary, source, dest)
            bar.update(1)


def _next_result(results: queue.SimpleQueue) -> tuple[str, bool, BaseException | None]:
    while True:
        try:
            return results.get(timeout=0.2)  # a timeout keeps Ctrl-C responsive
        except queue.Empty:
            continue


def _wanted(key: str, since: date | None) -> bool:
    record = RECORD_KEY.match(key)
    if record:
        return since is None or date(int(record["y"]), int(record["m"]), int(record["d"])) >= since
    review = REVIEW_KEY.match(key)
    if review:
        return since is None or review["time"][:8] >= since.strftime("%Y%m%d")
    return False  # by-id markers, temporary files, anything else


def _local_sizes(dest: Path) -> dict[str, int]:
    """Sizes of the files already pulled, by key; removes temporary files a killed pull left behind."""
    sizes = {}
    for top in (SUBMISSIONS, REVIEWS):
        for folder, _, names in os.walk(dest / top):
            for name in names:
                path = os.path.join(folder, name)
                if name.startswith(PULL_TMP_PREFIX):
                    os.unlink(path)
                elif not name.startswith("."):
                    sizes[Path(path).relative_to(dest).as_posix()] = os.stat(path).st_size
    return sizes


def _download(source: Store, dest: Path, key: str) -> bool:
    """Fetch one key into dest under a temporary name and rename it: a file is complete or absent."""
    body = source.get(key)
    if body is None:
        return False  # removed from the source since it was listed
    path = dest / key
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, body, tmp_prefix=PULL_TMP_PREFIX)
    return True


def _account(
    key: str, done: bool, error: BaseException | None, summary: PullSummary, source: Store, dest: Path
) -> None:
    if error is None:
        if done:
            summary.new += 1
        else:
            summary.failed[key] = f"{key} was removed from the source during the pull"
    elif isinstance(error, StoreUnavailable):
        if is_fatal(error) or len(summary.failed) >= PULL_FAILURE_LIMIT:
            raise AssessorError(explain_store_error(error, source)) from None
        summary.failed[key] = f"{key}: {error}"
    elif isinstance(error, OSError):
        raise disk_error(error, dest, "pull") from None
    else:
        raise error
