#!/usr/bin/env python3
"""Swanilai for assessors: pull the FR.APL.02 submissions, read them as the filled form, review them.

Run it with any Python 3.11+: on first use it creates `.venv/` with everything it needs and re-runs
itself there. Where the submissions are kept (the SOURCE) is `s3://bucket[/prefix]` or, in local mode,
the `var/` directory that `build.py serve` writes; AWS credentials come from the usual chain
(AWS_PROFILE, `aws sso login`, environment) and AWS_ENDPOINT_URL_S3 is honoured.
"""
from __future__ import annotations

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from build import enter_venv

    enter_venv(Path(__file__))

# -- from here on, inside the virtualenv

import csv  # noqa: E402
import email.utils  # noqa: E402
import errno  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import queue  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from contextlib import contextmanager, nullcontext  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402
from typing import Iterable, Iterator  # noqa: E402

import click  # noqa: E402

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from handler import fields  # noqa: E402
from handler.record import (  # noqa: E402
    Answer, Record, RecordError, Review, parse_record, parse_review, png_bytes, review_body,
)
from handler.store import (  # noqa: E402
    RECORD_KEY, REVIEW_KEY, REVIEWS, SUBMISSIONS, AlreadyExists, LocalStore, S3Store, Store,
    LATE_KEY, StoreUnavailable, review_key,
)

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta, no daylight saving
SOURCE_ENV = "ASSESSOR_SOURCE"
DIR_ENV = "ASSESSOR_DIR"
DEFAULT_DIR = "var"
DEFAULT_JOBS = 32
TEMPLATES = ROOT / "site_src" / "form"
RENDER_TEMPLATE = "apl02_render.html.j2"
CHROMIUM_ENV = "ASSESSOR_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
RECOMMEND_CHOICES = {"lanjut": "lanjut", "tidak-lanjut": "tidak_lanjut"}
ASSESSOR_NAME_MAX = 200
REGISTRATION_MAX = 64
NOTES_MAX = 2000
# A pull's own temporary files; LocalStore.list skips `.tmp-*`, and pull removes what a killed run left.
PULL_TMP_PREFIX = ".tmp-pull-"
# Give up on a pull after this many downloads failed even after botocore's retries: S3 is unwell.
PULL_FAILURE_LIMIT = 25


class AssessorError(Exception):
    """Something the assessor can fix; the message says what happened and what to run next."""


# -- stores: where submissions are, and what their errors mean to an assessor


def open_source(location: str, *, jobs: int = 10, must_exist: bool = True) -> Store:
    """A store from `s3://bucket[/prefix]` or a directory, with a connection pool for `jobs` threads."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[len("s3://"):].partition("/")
        if not bucket:
            raise AssessorError(f"{location!r} names no bucket: use s3://BUCKET[/PREFIX]")
        return S3Store(bucket, prefix, client=_s3_client(jobs))
    path = Path(location)
    if must_exist and not path.is_dir():
        raise AssessorError(f"{location} is not a directory: give the directory you pulled into "
                            f"(`assessor.py pull --to DIR`) or s3://BUCKET")
    return LocalStore(path)


def _s3_client(jobs: int):
    import boto3
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    # One client shared by all threads (boto3 clients are thread-safe), its pool sized to them.
    config = Config(max_pool_connections=max(10, jobs), retries={"mode": "standard", "max_attempts": 5},
                    connect_timeout=5, read_timeout=30)
    try:
        core = botocore.session.get_session()
        # botocore parses every timestamp with dateutil, a large share of a small GET's cost.
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_timestamp)
        return boto3.session.Session(botocore_session=core).client("s3", config=config)
    except BotoCoreError as exc:
        raise AssessorError(_explain_aws(exc, "S3")) from None


def _timestamp(text: str) -> datetime:
    """S3's times: ISO 8601 in listings, RFC 1123 in headers; anything else as botocore would."""
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        from botocore.utils import parse_timestamp

        return parse_timestamp(text)


_NO_CREDENTIALS = ("NoCredentialsError", "PartialCredentialsError", "CredentialRetrievalError",
                   "TokenRetrievalError", "UnauthorizedSSOTokenError", "SSOTokenLoadError", "SSOError")
_BAD_CREDENTIALS = ("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
                    "TokenRefreshRequired", "ExpiredTokenException")


def _explain_aws(exc: BaseException, where: str) -> str:
    """One line for an S3 or botocore failure: the cause and what to do."""
    cause = exc.__cause__ if isinstance(exc, StoreUnavailable) and exc.__cause__ else exc
    name = type(cause).__name__
    code = getattr(exc, "code", "") or str(getattr(cause, "response", {}).get("Error", {}).get("Code", ""))
    if name == "ProfileNotFound":
        return f"AWS profile {getattr(cause, 'kwargs', {}).get('profile', '')!r} not found: check AWS_PROFILE against ~/.aws/config"
    if name in _NO_CREDENTIALS:
        return ("no AWS credentials found: set AWS_PROFILE or run `aws sso login` (or export "
                "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again")
    if code in _BAD_CREDENTIALS:
        return f"AWS refused the credentials ({code}): refresh them (`aws sso login`) and run the command again"
    if code == "NoSuchBucket":
        return f"{where} does not exist (no such bucket): check the bucket name (--from/--store or ${SOURCE_ENV})"
    if code in ("AccessDenied", "AllAccessDisabled", "403"):
        return (f"access denied to {where}: your AWS identity needs s3:ListBucket and s3:GetObject "
                f"(s3:PutObject to review); ask the LSP's administrator or use another AWS_PROFILE")
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError", "ReadTimeoutError"):
        return f"cannot reach S3 for {where} ({name}): check the network (and AWS_ENDPOINT_URL_S3 if set), then retry"
    detail = code or name
    return f"S3 failed for {where} ({detail}): try again in a minute"


def explain_store_error(exc: StoreUnavailable, store: Store) -> str:
    if isinstance(store, S3Store):
        return _explain_aws(exc, store.describe())
    return f"{exc}: check the directory and its permissions, then retry"


@contextmanager
def store_errors(store: Store) -> Iterator[None]:
    """Turn a storage failure into one line that names the store and says what to do."""
    try:
        yield
    except StoreUnavailable as exc:
        raise AssessorError(explain_store_error(exc, store)) from None


def _is_fatal(exc: StoreUnavailable) -> bool:
    return not getattr(exc, "retryable", True) or type(exc.__cause__).__name__ in _NO_CREDENTIALS


def _where(store: Store, key: str) -> str:
    return f"{store.describe().rstrip('/')}/{key}"


# -- the copy: which records and reviews a store holds


@dataclass(frozen=True)
class Submission:
    """A record's key and the keys of its reviews (oldest first), before anything is parsed."""
    submission_id: str
    scheme_id: str
    key: str
    review_keys: tuple[str, ...] = ()


def index(store: Store, scheme: str | None = None) -> dict[str, Submission]:
    """Every submission in the store by id, with its reviews; markers and stray files ignored."""
    reviews: dict[str, list[str]] = {}
    with store_errors(store):
        for obj in store.list(_prefix(REVIEWS, scheme)):
            match = REVIEW_KEY.match(obj.key)
            if match:
                reviews.setdefault(match["id"], []).append(obj.key)
        found = {}
        for obj in store.list(_prefix(SUBMISSIONS, scheme)):
            match = RECORD_KEY.match(obj.key)
            if match:
                found[match["id"]] = Submission(match["id"], match["scheme"], obj.key,
                                                tuple(sorted(reviews.get(match["id"], ()))))
    return found


def _prefix(top: str, scheme: str | None) -> str:
    return f"{top}/{scheme}/" if scheme else f"{top}/"


def find(submissions: dict[str, Submission], given: str, where: str) -> Submission:
    """The submission whose id is `given` or starts with it (at least 4 characters, like git)."""
    given = given.strip().lower()
    if given in submissions:
        return submissions[given]
    matches = [s for sid, s in submissions.items() if len(given) >= 4 and sid.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AssessorError(f"{given!r} matches {len(matches)} submissions in {where}: give more of the id")
    raise AssessorError(f"no submission with id {given!r} in {where}: run `assessor.py list` to see the ids, "
                        f"or `assessor.py pull` to fetch new submissions")


def load_record(store: Store, key: str) -> Record:
    with store_errors(store):
        raw = store.get(key)
    if raw is None:
        raise AssessorError(f"{_where(store, key)} disappeared while reading: run the command again")
    return parse_record(raw, _where(store, key))


def load_latest_review(store: Store, submission: Submission) -> Review | None:
    # Review keys carry their UTC time, so the last key in order is the latest review.
    if not submission.review_keys:
        return None
    key = submission.review_keys[-1]
    with store_errors(store):
        raw = store.get(key)
    return parse_review(raw, _where(store, key)) if raw is not None else None


@dataclass(frozen=True)
class Reviewed:
    record: Record
    review: Review | None
    review_count: int


def load_all(store: Store, submissions: Iterable[Submission]) -> list[Reviewed]:
    """Read and check every record first, so a bad file stops the command before it writes anything."""
    loaded = [Reviewed(load_record(store, s.key), load_latest_review(store, s), len(s.review_keys))
              for s in submissions]
    return sorted(loaded, key=lambda item: (item.record.received_at, item.record.submission_id))


# -- pull


@dataclass
class PullSummary:
    new: int = 0
    skipped: int = 0
    failed: dict[str, str] = field(default_factory=dict)  # key: why


def pull(source: Store, dest: Path, *, scheme: str | None = None, since: date | None = None,
         jobs: int = DEFAULT_JOBS, progress: bool = True, today: date | None = None) -> PullSummary:
    """Copy the records and reviews that are not yet in dest, concurrently, each file complete or absent."""
    try:
        have = _local_sizes(dest)
    except OSError as exc:
        raise _disk_error(exc, dest, "pull") from None
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
            raise _disk_error(exc, dest, "pull") from None
        # Records and reviews are written once and never change: present with the same size means done.
        todo = [key for key, size in wanted if have.get(key) != size]
        summary = PullSummary(skipped=len(wanted) - len(todo) + sum(local_days[f][0] for f in unlisted))
        _download_all(source, dest, todo, pool, summary, progress)
    finally:
        # On an error or Ctrl-C: drop what has not started; what is running finishes or cleans up.
        pool.shutdown(wait=True, cancel_futures=True)
    _save_closed_days(dest, source, closed, wanted, summary, today or datetime.now(timezone.utc).date())
    return summary


def list_wanted(source: Store, pool: ThreadPoolExecutor, scheme: str | None, since: date | None,
                skip: set[str] = frozenset()) -> tuple[list[tuple[str, int]], list[str]]:
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
    reopened = {f"{SUBMISSIONS}/{m['scheme']}/{m['y']}/{m['m']}/{m['d']}/"
                for objects in late for obj in objects if (m := LATE_KEY.match(obj.key))}
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


def _save_closed_days(dest: Path, source: Store, closed: dict[str, tuple[int, int]], wanted: list[tuple[str, int]],
                      summary: PullSummary, today: date) -> None:
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
    return since is None or tuple(map(int, parts)) >= (since.year, since.month, since.day)[:len(parts)]


def _download_all(source: Store, dest: Path, todo: list[str], pool: ThreadPoolExecutor, summary: PullSummary,
                  progress: bool) -> None:
    # Workers report into one queue, so the main thread's cost per file stays constant (waiting on
    # a set of 10,000 futures would rescan them all each time one finishes).
    results: queue.SimpleQueue = queue.SimpleQueue()

    def fetch(key: str) -> None:
        try:
            results.put((key, _download(source, dest, key), None))
        except BaseException as exc:  # reported to the main thread, which decides
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


def write_file(path: Path, body: bytes) -> None:
    """Write bytes to a new file (the one place a pull writes data, so tests can fill the disk)."""
    with open(path, "xb") as handle:
        handle.write(body)


def _account(key: str, done: bool, error: BaseException | None, summary: PullSummary, source: Store,
             dest: Path) -> None:
    if error is None:
        if done:
            summary.new += 1
        else:
            summary.failed[key] = f"{key} was removed from the source during the pull"
    elif isinstance(error, StoreUnavailable):
        if _is_fatal(error) or len(summary.failed) >= PULL_FAILURE_LIMIT:
            raise AssessorError(explain_store_error(error, source)) from None
        summary.failed[key] = f"{key}: {error}"
    elif isinstance(error, OSError):
        raise _disk_error(error, dest, "pull") from None
    else:
        raise error


def _disk_error(exc: OSError, path: Path, command: str) -> AssessorError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return AssessorError(f"disk full while writing under {path}: free some space and run `assessor.py {command}` "
                             f"again (files already complete are kept, nothing partial is left)")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AssessorError(f"cannot write under {path} ({exc.strerror}): choose a directory you can write to")
    return AssessorError(f"cannot write under {path} ({exc.strerror or exc}): check the disk, then retry")


# -- rendering the filled form


def _jinja():
    import jinja2
    from markupsafe import Markup

    from handler.scheme import text_html

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["text_html"] = lambda text: Markup(text_html(text))
    env.filters["tanggal"] = tanggal
    env.filters["wib"] = lambda moment: f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"
    return env


BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
         "Oktober", "November", "Desember")


def tanggal(moment: datetime) -> str:
    """A date as the form writes it, in WIB: `24 November 2026`."""
    day = moment.astimezone(WIB)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def render_html(item: Reviewed, env=None) -> str:
    """The filled FR.APL.02 of one record as a self-contained A4 HTML page, from the record's own scheme text."""
    env = env or _jinja()
    record = item.record
    signature_png = None
    if record.signature.kind == "drawn" and png_bytes(record.signature.data_url or "", fields.SIGNATURE_PNG_MAX_BYTES):
        signature_png = record.signature.data_url
    return env.get_template(RENDER_TEMPLATE).render(
        record=record, scheme=record.scheme, review=item.review, review_count=item.review_count,
        signature_png=signature_png, blank=Answer(verdict="", evidence=""),
    )


class PdfWriter:
    """HTML to PDF with headless Chromium (through Playwright): one browser for all the forms of a run."""

    def __enter__(self) -> PdfWriter:
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        executable = os.environ.get(CHROMIUM_ENV) or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error:
            self._playwright.stop()
            browser = executable or "Playwright's own Chromium"
            raise AssessorError(f"a PDF needs Chromium, and {browser} did not start: "
                                f"install it (Debian: apt-get install chromium; elsewhere: "
                                f"`.venv/bin/python -m playwright install chromium`) or set {CHROMIUM_ENV} "
                                f"to its path; or render without --pdf") from None
        # The form has no script; with none allowed, nothing a candidate typed could ever run.
        self._page = self._browser.new_page(java_script_enabled=False, offline=True)
        return self

    def write(self, html: str) -> bytes:
        self._page.set_content(html, wait_until="load")
        return self._page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

    def __exit__(self, *exc_info) -> None:
        self._browser.close()
        self._playwright.stop()


def write_atomically(path: Path, body: bytes, tmp_prefix: str = ".tmp-") -> None:
    """Replace path with body in one step: readers see the old file or the new one, never half."""
    tmp = path.parent / f"{tmp_prefix}{uuid.uuid4().hex}"
    try:
        write_file(tmp, body)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def form_name(record: Record) -> str:
    return f"FR.APL.02-{record.submission_id}"


# -- export


SUBMISSION_COLUMNS = ("submission_id", "received_wib", "scheme_id", "scheme_number", "scheme_title",
                      "candidate_name", "candidate_email", "candidate_phone", "k_count", "bk_count",
                      "recommendation", "assessor_name", "assessor_registration", "reviewed_wib")
ANSWER_COLUMNS = ("submission_id", "unit_code", "unit_title", "element_key", "element", "verdict", "evidence")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula, made plain text with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_rows(items: list[Reviewed]) -> tuple[list[tuple], list[tuple]]:
    """One row per submission and one per element answer, every text cell neutralised."""
    from handler.scheme import plain_text

    submissions, answers = [], []
    for item in items:
        record, review = item.record, item.review
        submissions.append(tuple(neutralise(v) for v in (
            record.submission_id, f"{record.received_at.astimezone(WIB):%Y-%m-%d %H:%M}", record.scheme.id,
            record.scheme.number, plain_text(record.scheme.title), record.candidate.name,
            record.candidate.email or "", record.candidate.phone or "", record.count("K"), record.count("BK"),
            review.recommendation if review else "", review.assessor_name if review else "",
            review.registration if review else "",
            f"{review.reviewed_at.astimezone(WIB):%Y-%m-%d %H:%M}" if review else "",
        )))
        for unit in record.scheme.units:
            for element in unit.elements:
                answer = record.answers.get(element.key)
                answers.append(tuple(neutralise(v) for v in (
                    record.submission_id, unit.code or "", plain_text(unit.title), element.key,
                    f"{element.number}. {plain_text(element.title)}",
                    answer.verdict if answer else "", answer.evidence if answer else "",
                )))
    return submissions, answers


def write_xlsx(path: Path, submissions: list[tuple], answers: list[tuple]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for sheet, columns, rows in ((book.active, SUBMISSION_COLUMNS, submissions),
                                 (book.create_sheet(), ANSWER_COLUMNS, answers)):
        sheet.title = "submissions" if columns is SUBMISSION_COLUMNS else "answers"
        sheet.append(columns)
        for row in rows:
            sheet.append(row)
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    write_atomically(path, buffer.getvalue())


def answers_csv_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}-answers{path.suffix or '.csv'}")


def write_csv(path: Path, submissions: list[tuple], answers: list[tuple]) -> list[Path]:
    written = []
    for target, columns, rows in ((path, SUBMISSION_COLUMNS, submissions),
                                  (answers_csv_path(path), ANSWER_COLUMNS, answers)):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(columns)
        writer.writerows(rows)
        # UTF-8 with a byte order mark: spreadsheet programs then read Indonesian names correctly.
        write_atomically(target, buffer.getvalue().encode("utf-8-sig"))
        written.append(target)
    return written


# -- review


def write_review(source: Store, submission: Submission, *, recommendation: str, assessor: str,
                 registration: str, notes: str | None, now: datetime | None = None) -> tuple[str, Review]:
    """Store a new review next to the submission, create-only; never touch the candidate's record."""
    moment = now or datetime.now(timezone.utc)
    for _ in range(5):
        review = Review(submission.submission_id, submission.scheme_id, moment, assessor, registration,
                        recommendation, notes)
        key = review_key(submission.scheme_id, submission.submission_id, moment)
        try:
            with store_errors(source):
                source.create(key, review_body(review))
            return key, review
        except AlreadyExists:
            moment += timedelta(microseconds=1)  # another review in the same microsecond: take the next one
    raise AssessorError("could not find a free time for the review key: run the command again")


# -- the command line


EPILOG_WORKFLOW = f"""\b
Workflow:
  export {SOURCE_ENV}=s3://BUCKET   # where the handler stores submissions (local mode: var)
  export {DIR_ENV}=~/swanilai       # your local copy (default: {DEFAULT_DIR})
  assessor.py pull                    # fetch what is new
  assessor.py list                    # see them
  assessor.py render 3f2a --pdf       # read one as the filled FR.APL.02 (an id may be abbreviated)
  assessor.py review 3f2a --recommend lanjut --assessor "Nama Asesor" --reg "MET.000.000000 2020"
"""


class _Commands(click.Group):
    """Commands whose failures are one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: nothing partial was left; run the same command again to carry on", err=True)
            ctx.exit(130)
        except AssessorError as exc:
            _fail(ctx, str(exc))
        except RecordError as exc:
            if exc.unknown_version:
                _fail(ctx, f"{exc}: update Swanilai (`git pull`) to read it")
            _fail(ctx, f"{exc}: if it is in your pulled copy, delete it and run `assessor.py pull` to fetch it "
                       f"again; if it is in the source, tell the LSP's administrator")
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                _fail(ctx, str(_disk_error(exc, Path(exc.filename or "."), ctx.invoked_subcommand or "")))
            _fail(ctx, f"{exc.strerror or exc} ({exc.filename or 'no file named'}): check the path and its "
                       f"permissions, then retry")
        except Exception as exc:  # a bug: say so in one line; ASSESSOR_DEBUG=1 shows the traceback
            if os.environ.get("ASSESSOR_DEBUG"):
                raise
            _fail(ctx, f"unexpected {type(exc).__name__}; please report it with the command you ran "
                       f"(ASSESSOR_DEBUG=1 shows the details)")


def _fail(ctx: click.Context, message: str) -> None:
    click.echo(f"error: {message}", err=True)
    ctx.exit(1)


@click.group(cls=_Commands, epilog=EPILOG_WORKFLOW, context_settings={"help_option_names": ["-h", "--help"],
                                                                      "max_content_width": 100})
def cli() -> None:
    """Swanilai for assessors: pull the FR.APL.02 submissions, read them as the filled form, review them.

    SOURCE is where the submissions are stored: s3://BUCKET[/PREFIX] (AWS credentials from AWS_PROFILE,
    `aws sso login` or the environment; AWS_ENDPOINT_URL_S3 is honoured) or a directory (`var/` in local
    mode). `pull` copies it into a local directory with the same layout; `list`, `render` and `export`
    read that copy; `review` writes to the SOURCE so every assessor sees it after their next pull.
    """


def _dir_option(help_text: str = "the pulled copy to read (or any SOURCE)"):
    return click.option("--dir", "directory", envvar=DIR_ENV, show_envvar=True, default=DEFAULT_DIR,
                        show_default=True, metavar="DIR", help=help_text)


_scheme_option = click.option("--scheme", metavar="ID", help="only this scheme (its id, e.g. konsultasi-manajemen-pemasaran)")


@cli.command("pull", epilog="\b\nExample:\n  assessor.py pull --from s3://lsp-swanilai-submissions --to ~/swanilai --since 2026-11-01")
@click.option("--from", "source", envvar=SOURCE_ENV, show_envvar=True, required=True, metavar="SOURCE",
              help="s3://BUCKET[/PREFIX] or a directory")
@click.option("--to", "dest", envvar=DIR_ENV, show_envvar=True, default=DEFAULT_DIR, show_default=True,
              metavar="DIR", type=click.Path(file_okay=False, path_type=Path), help="your local copy")
@_scheme_option
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="only what was stored on or after this UTC day")
@click.option("--jobs", type=click.IntRange(1, 128), default=DEFAULT_JOBS, show_default=True,
              help="downloads at a time")
def pull_command(source: str, dest: Path, scheme: str | None, since: datetime | None, jobs: int) -> None:
    """Copy new submissions and reviews from SOURCE into DIR.

    Incremental: what DIR already has is skipped, so run it as often as you like. Each file is
    downloaded under a temporary name and renamed when complete: an interrupted pull leaves nothing
    partial and the next pull carries on. DIR keeps the SOURCE's layout, so it is itself a SOURCE.
    """
    store = open_source(source, jobs=jobs)
    if isinstance(store, LocalStore) and store.root.resolve() == dest.resolve():
        raise AssessorError(f"--from and --to are both {dest}: pull into another directory")
    started = time.monotonic()
    summary = pull(store, dest, scheme=scheme, since=since.date() if since else None, jobs=jobs,
                   progress=sys.stderr.isatty())
    click.echo(f"pulled {summary.new} new, {summary.skipped} skipped (already here), {len(summary.failed)} failed "
               f"from {store.describe()} into {dest} in {time.monotonic() - started:.1f} s")
    if summary.failed:
        raise AssessorError(f"{len(summary.failed)} download(s) failed (first: {next(iter(summary.failed.values()))}): "
                            f"run the same pull again to fetch them")


@cli.command("list", epilog="\b\nExample:\n  assessor.py list ~/swanilai --scheme konsultasi-manajemen-pemasaran")
@click.argument("directory", required=False, envvar=DIR_ENV, default=DEFAULT_DIR, metavar="[DIR]")
@_scheme_option
def list_command(directory: str, scheme: str | None) -> None:
    """Show a table of the submissions in DIR.

    One line per submission: id, time received (WIB), scheme, candidate's name, K and BK counts and
    the latest review. DIR defaults to $ASSESSOR_DIR, else var.
    """
    store = open_source(directory)
    items = load_all(store, index(store, scheme).values())
    if not items:
        click.echo(f"no submissions in {store.describe()}: run `assessor.py pull` first", err=True)
        return
    rows = [("ID", "RECEIVED (WIB)", "SCHEME", "CANDIDATE", "K", "BK", "REVIEW")]
    for item in items:
        record, review = item.record, item.review
        status = "-" if review is None else f"{review.recommendation.replace('_', '-')} ({review.assessor_name})"
        rows.append((record.submission_id, f"{record.received_at.astimezone(WIB):%Y-%m-%d %H:%M}", record.scheme.id,
                     _clip(record.candidate.name, 32), str(record.count("K")), str(record.count("BK")), _clip(status, 40)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    click.echo(f"{len(items)} submission(s), {sum(1 for i in items if i.review is None)} not reviewed", err=True)


def _beside(directory: str, name: str) -> Path:
    """Where output goes by default: inside the local copy read, or here when reading a bucket."""
    return Path(name) if directory.startswith("s3://") else Path(directory) / name


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command(epilog="\b\nExamples:\n  assessor.py render 3f2a9c1e --pdf\n  assessor.py render --all --pdf --out ~/arsip-apl02")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "render_all", is_flag=True, help="every submission in DIR (with --scheme: of that scheme)")
@click.option("--pdf", is_flag=True, help="also write a PDF next to each HTML file")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="OUT",
              help="output directory  [default: DIR/forms]")
@_dir_option()
@_scheme_option
def render(ids: tuple[str, ...], render_all: bool, pdf: bool, out: Path | None, directory: str, scheme: str | None) -> None:
    """Write the filled FR.APL.02 of each submission as a printable A4 HTML file (and PDF).

    Laid out like the paper form, from the record's own copy of the scheme text (a later edit of the
    scheme never changes an old form), with the latest review in "Ditinjau oleh Asesor". An ID may be
    abbreviated to its first characters, as `list` shows them. Files: OUT/FR.APL.02-<id>.html|.pdf.
    """
    if bool(ids) == render_all:
        raise click.UsageError("give one or more IDs, or --all")
    store = open_source(directory)
    submissions = index(store, scheme)
    chosen = list(submissions.values()) if render_all else [find(submissions, i, store.describe()) for i in ids]
    items = load_all(store, chosen)
    if not items:
        raise AssessorError(f"no submissions in {store.describe()}: run `assessor.py pull` first")
    out = out or _beside(directory, "forms")
    env = _jinja()
    started = time.monotonic()
    with PdfWriter() if pdf else nullcontext() as writer:
        try:
            out.mkdir(parents=True, exist_ok=True)
            with click.progressbar(items, label="rendering", file=sys.stderr,
                                   hidden=not (sys.stderr.isatty() and len(items) > 1)) as bar:
                for item in bar:
                    html = render_html(item, env)
                    write_atomically(out / f"{form_name(item.record)}.html", html.encode("utf-8"))
                    if writer:
                        write_atomically(out / f"{form_name(item.record)}.pdf", writer.write(html))
        except OSError as exc:
            raise _disk_error(exc, out, "render") from None
    kinds = "HTML and PDF" if pdf else "HTML"
    click.echo(f"rendered {len(items)} form(s) as {kinds} into {out} in {time.monotonic() - started:.1f} s")


@cli.command(epilog="\b\nExamples:\n  assessor.py export --out rekap.xlsx\n  assessor.py export --csv --out rekap.csv   # also writes rekap-answers.csv")
@click.option("--xlsx", "fmt", flag_value="xlsx", help="one workbook, sheets `submissions` and `answers` (default)")
@click.option("--csv", "fmt", flag_value="csv", help="two files: OUT and OUT-answers.csv (UTF-8)")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="where to write  [default: DIR/exports/submissions.xlsx or .csv]")
@_dir_option()
@_scheme_option
def export(fmt: str | None, out: Path | None, directory: str, scheme: str | None) -> None:
    """Write a spreadsheet: one row per submission and, on a second sheet or file, one per element answer.

    Submissions: id, time received (WIB), scheme, candidate's name, email and phone, K and BK counts,
    the latest recommendation and its assessor. Answers: submission id, unit code, element, verdict,
    evidence. Text that starts with =, +, -, @ gets a leading apostrophe so no spreadsheet runs it.
    """
    fmt = fmt or ("csv" if out and out.suffix.lower() == ".csv" else "xlsx")
    out = out or _beside(directory, "exports") / f"submissions.{fmt}"
    store = open_source(directory)
    items = load_all(store, index(store, scheme).values())
    submissions, answers = export_rows(items)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "csv":
            written = write_csv(out, submissions, answers)
        else:
            write_xlsx(out, submissions, answers)
            written = [out]
    except OSError as exc:
        raise _disk_error(exc, out.parent, "export") from None
    click.echo(f"exported {len(submissions)} submission(s) and {len(answers)} answer(s) to {', '.join(map(str, written))}")


@cli.command(epilog="\b\nExample:\n  assessor.py review 3f2a9c1e --store s3://lsp-swanilai-submissions \\\n"
                    "      --recommend tidak-lanjut --assessor \"Andriansyah Bachtillah\" --reg \"MET.000.000000 2020\" \\\n"
                    "      --notes \"Bukti unit 3 belum memadai\"")
@click.argument("submission_id", metavar="ID")
@click.option("--recommend", type=click.Choice(sorted(RECOMMEND_CHOICES)), required=True,
              help="lanjut: Asesmen dapat dilanjutkan; tidak-lanjut: Asesmen tidak dapat dilanjutkan")
@click.option("--assessor", "assessor_name", required=True, metavar="NAME", help="your name as on your certificate")
@click.option("--reg", "registration", required=True, metavar="NO", help="your assessor registration number")
@click.option("--notes", metavar="TEXT", help="notes for the record (optional)")
@click.option("--store", "source", envvar=SOURCE_ENV, show_envvar=True, required=True, metavar="SOURCE",
              help="where the submissions are stored: s3://BUCKET[/PREFIX] or a directory")
@_dir_option("your pulled copy: used to find the id, and the review is copied there too")
def review(submission_id: str, recommend: str, assessor_name: str, registration: str, notes: str | None,
           source: str, directory: str) -> None:
    """Record your recommendation for a submission, as a new review next to it in SOURCE.

    Append-only: each review is its own object with its time; the latest one counts, earlier ones
    stay as history, and the candidate's record is never modified. The review is also copied into
    your pulled copy, so `render` shows it at once.
    """
    assessor_name, registration = _text(assessor_name, "--assessor", ASSESSOR_NAME_MAX), _text(registration, "--reg", REGISTRATION_MAX)
    notes = _text(notes, "--notes", NOTES_MAX) if notes and notes.strip() else None
    store = open_source(source)
    local = open_source(directory, must_exist=False)
    submission = _find_for_review(store, local, submission_id)
    try:
        load_record(store, submission.key)  # refuse to review what cannot be read
    except RecordError as exc:
        if exc.unknown_version:
            raise
        raise AssessorError(f"{exc}: it cannot be reviewed until it can be read; tell the LSP's administrator") from None
    key, written = write_review(store, submission, recommendation=RECOMMEND_CHOICES[recommend],
                                assessor=assessor_name, registration=registration, notes=notes)
    click.echo(f"review stored: {_where(store, key)}")
    if isinstance(local, LocalStore) and local.root.is_dir() and local.describe() != store.describe():
        try:
            local.create(key, review_body(written))
        except (StoreUnavailable, AlreadyExists):
            click.echo(f"note: could not copy the review into {local.root}; `assessor.py pull` will fetch it", err=True)


def _text(value: str, option: str, limit: int) -> str:
    value = " ".join(value.split()) if option != "--notes" else value.strip()
    if not value:
        raise click.BadParameter("must not be empty", param_hint=option)
    if len(value) > limit:
        raise click.BadParameter(f"is {len(value)} characters; at most {limit}", param_hint=option)
    return value


def _find_for_review(store: Store, local: Store, given: str) -> Submission:
    """The submission in SOURCE: looked up in the pulled copy first (cheap), else listed in SOURCE."""
    if isinstance(local, LocalStore) and local.root.is_dir():
        try:
            known = find(index(local), given, str(local.root))
        except AssessorError:
            known = None
        if known is not None:
            with store_errors(store):
                if store.get(known.key) is not None:
                    return known
    return find(index(store), given, store.describe())


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="assessor.py")


if __name__ == "__main__":
    main()
