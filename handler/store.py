"""Storage of records: one interface, two backends (S3, a local directory), the same key layout.

Every write is create-only: a key, once written, is never overwritten, so a retry can neither
duplicate nor clobber a record. Readers (the handler on a retry, assessor.py) use get and list;
a reader names the most it will read, so no object can make it hold gigabytes.

The key formats live here and nowhere else; a key a reader cannot parse exactly is not a record
or review (handler/record.py then checks that the body agrees with its key). One function,
`open_store`, turns a location (`s3://BUCKET[/PREFIX]` or a directory) into a store.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Protocol

SUBMISSIONS = "submissions"
REVIEWS = "reviews"

# `\Z`, not `$`: `$` also matches before a trailing newline, and `<id>.json\n` would pass for a record.
_SCHEME = r"(?P<scheme>[a-z0-9-]{1,64})"
_ID = r"(?P<id>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
# submissions/<scheme id>/<YYYY>/<MM>/<DD>/<submission id>.json
RECORD_KEY = re.compile(rf"submissions/{_SCHEME}/(?P<y>\d{{4}})/(?P<m>\d{{2}})/(?P<d>\d{{2}})/{_ID}\.json\Z")
# reviews/<scheme id>/<submission id>/<YYYYMMDD>T<HHMMSS>.<mmm>Z.json: the review's UTC time to the
# millisecond, exactly the body's reviewed_at; no other spelling of a time is a review key. The one
# exception is read, never written: Swanilai 0.1 named reviews to the microsecond (<ffffff>Z), the
# body's reviewed_at being that time cut to the millisecond; those reviews are kept, not skipped.
REVIEW_KEY = re.compile(rf"reviews/{_SCHEME}/{_ID}/(?P<time>\d{{8}}T\d{{6}}\.(?:\d{{3}}|\d{{6}})Z)\.json\Z")
LATE_KEY = re.compile(rf"submissions/{_SCHEME}/late/(?P<y>\d{{4}})-(?P<m>\d{{2}})-(?P<d>\d{{2}})/{_ID}\.marker\Z")
_REVIEW_TIME = "%Y%m%dT%H%M%S.%fZ"


class StoreError(Exception):
    """Base of storage errors."""


class AlreadyExists(StoreError):
    """A create-only write found the key already written."""


class StoreUnavailable(StoreError):
    """Storage could not be reached or refused; `code` is S3's error code (or ""), `retryable` says whether to try later."""

    def __init__(self, detail: str, *, code: str = "", retryable: bool = True) -> None:
        super().__init__(detail)
        self.code = code
        self.retryable = retryable


class TooLarge(StoreError):
    """An object is larger than its reader accepts; it was not read."""

    def __init__(self, key: str, size: int, limit: int) -> None:
        super().__init__(f"{key} is {size:,} bytes, more than the {limit:,} accepted")
        self.key, self.size, self.limit = key, size, limit


class BadLocation(ValueError):
    """A store location that names nothing usable; the message says how to write it."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


class Store(Protocol):
    def create(self, key: str, body: bytes) -> None:
        """Write body under key once; raise AlreadyExists if the key is taken."""

    def get(self, key: str, max_bytes: int | None = None) -> bytes | None:
        """Read a key, or None when it does not exist; TooLarge (nothing read) above max_bytes."""

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with prefix, in key order."""

    def children(self, prefix: str) -> list[str]:
        """The folders right under prefix (which ends with "/"), as keys ending with "/", in order."""

    def describe(self) -> str:
        """Where this store is, for messages (never secrets)."""


# -- keys


@dataclass(frozen=True)
class RecordKey:
    scheme_id: str
    day: date  # the UTC day of receipt
    submission_id: str


@dataclass(frozen=True)
class ReviewKey:
    scheme_id: str
    submission_id: str
    reviewed_at: datetime


def submission_key(scheme_id: str, received_at: datetime, submission_id: str) -> str:
    day = received_at.astimezone(UTC)
    return f"{SUBMISSIONS}/{scheme_id}/{day:%Y/%m/%d}/{submission_id}.json"


def parse_record_key(key: str) -> RecordKey | None:
    """The parts of a record's key, or None when key is not exactly one."""
    match = RECORD_KEY.match(key)
    if match is None:
        return None
    try:
        day = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None
    return RecordKey(match["scheme"], day, match["id"])


def submission_marker_key(scheme_id: str, submission_id: str) -> str:
    """Where the receipt of a submission id is claimed, whatever day it arrived.

    The record key carries the day of receipt, so a retry after midnight UTC would miss the
    first record; the marker is keyed by id alone and written create-only before the record.
    It does not end in .json so that the bucket's "new record" notification (suffix .json)
    fires once per submission, not twice.
    """
    return f"{SUBMISSIONS}/{scheme_id}/by-id/{submission_id}.marker"


def late_record_key(record_key: str) -> str:
    """Where a record written after its own day announces itself.

    Records normally appear only under the day they are received, so a reader may stop listing a
    day once it is over. The one exception is a retry that heals a record whose marker was written
    on an earlier day; it first writes this key, which names the day, so readers look again.
    """
    match = RECORD_KEY.match(record_key)
    if match is None:
        raise ValueError(f"not a record key: {record_key!r}")
    return f"{SUBMISSIONS}/{match['scheme']}/late/{match['y']}-{match['m']}-{match['d']}/{match['id']}.marker"


def review_key(scheme_id: str, submission_id: str, reviewed_at: datetime) -> str:
    """The key of a review: its UTC time to the millisecond, as the body's reviewed_at says it."""
    moment = reviewed_at.astimezone(UTC)
    return f"{REVIEWS}/{scheme_id}/{submission_id}/{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z.json"


def parse_review_key(key: str) -> ReviewKey | None:
    """The parts of a review's key, or None when key is not exactly one."""
    match = REVIEW_KEY.match(key)
    if match is None:
        return None
    try:
        moment = datetime.strptime(match["time"], _REVIEW_TIME).replace(tzinfo=UTC)
    except ValueError:
        return None
    # A 0.1 key's microseconds: its body says the same time to the millisecond.
    return ReviewKey(match["scheme"], match["id"], moment.replace(microsecond=moment.microsecond // 1000 * 1000))


# -- choosing a store


def open_store(location: str | Path, *, connections: int = 64, denied_means_missing: bool = False) -> Store:
    """The store at `s3://BUCKET[/PREFIX]` or in a local directory (created on first write).

    `connections` sizes the S3 connection pool (one per thread that uses it at once);
    `denied_means_missing` is for callers without s3:ListBucket (see S3Store).
    """
    text = str(location)
    if text.startswith("s3://"):
        bucket, _, prefix = text[len("s3://") :].partition("/")
        if not bucket:
            raise BadLocation(f"{text!r} names no bucket: use s3://BUCKET[/PREFIX]")
        return S3Store(bucket, prefix, connections=connections, denied_means_missing=denied_means_missing)
    return LocalStore(location)


# -- a local directory: the same keys as paths under a root


class LocalStore:
    """Records as files under a root directory; a crash never leaves a partial record visible.

    Files are private (0600) and the folders it creates too (0700). Symbolic links are never
    followed, on reading or listing: a link in the directory is not a record, wherever it points.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/") or "\0" in key:
            raise ValueError(f"unsafe key {key!r}")
        return self.root / key

    def create(self, key: str, body: bytes) -> None:
        path = self._path(key)
        try:
            make_private_dirs(path.parent)
            tmp = path.parent / f".tmp-{uuid.uuid4().hex}"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise StoreUnavailable(f"cannot write under {path.parent}: {exc.strerror}") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            # link() publishes the complete file atomically and, unlike rename(), never replaces
            # an existing one: two concurrent writers of one key get exactly one winner.
            os.link(tmp, path)
        except FileExistsError:
            raise AlreadyExists(key) from None
        except OSError as exc:
            raise StoreUnavailable(f"cannot write {path}: {exc.strerror}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        fsync_dir(path.parent)

    def get(self, key: str, max_bytes: int | None = None) -> bytes | None:
        path = self._path(key)
        try:
            if not self._inside(path.parent):
                return None  # reached through a linked folder: not part of this store
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            if os.path.islink(path):
                return None  # O_NOFOLLOW refused a link (ELOOP): not a record
            raise StoreUnavailable(f"cannot read {key}: {exc.strerror}") from exc
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                return None
            if max_bytes is not None and info.st_size > max_bytes:
                raise TooLarge(key, info.st_size, max_bytes)
            try:
                body = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
            except OSError as exc:
                raise StoreUnavailable(f"cannot read {key}: {exc.strerror}") from exc
        if max_bytes is not None and len(body) > max_bytes:
            raise TooLarge(key, len(body), max_bytes)  # grew while being read
        return body

    def _inside(self, folder: Path) -> bool:
        root = os.path.realpath(self.root)
        real = os.path.realpath(folder)
        return real == root or real.startswith(root + os.sep)

    def list(self, prefix: str) -> Iterator[StoredObject]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir() or base.is_symlink() or not self._inside(base):
            return
        # Walk only the entries of base that can match the prefix, not their siblings.
        found: list[tuple[str, os.stat_result]] = []
        try:
            for entry in os.scandir(base):
                if entry.name.startswith(start):
                    _collect(entry, found)
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {prefix}: {exc.strerror}") from exc
        for path, info in sorted(found):
            key = Path(path).relative_to(self.root).as_posix()
            if key.startswith(prefix):
                yield StoredObject(key, info.st_size, datetime.fromtimestamp(info.st_mtime, UTC))

    def children(self, prefix: str) -> list[str]:
        folder = self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root
        try:
            if folder.is_symlink() or not self._inside(folder):
                return []
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {prefix}: {exc.strerror}") from exc
        return sorted(
            f"{prefix}{entry.name}/"
            for entry in entries
            if entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")
        )


def _collect(entry: os.DirEntry, found: list[tuple[str, os.stat_result]]) -> None:
    """Regular files under entry (itself included), never through a link, skipping temporary files."""
    if entry.name.startswith(".tmp-"):
        return
    if entry.is_dir(follow_symlinks=False):
        for child in os.scandir(entry.path):
            _collect(child, found)
    elif entry.is_file(follow_symlinks=False):
        found.append((entry.path, entry.stat(follow_symlinks=False)))


def make_private_dirs(path: Path) -> None:
    """Create path and its missing parents readable by the owner only (0700); existing ones stay as they are."""
    missing = []
    while not path.is_dir():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not folder.is_dir():
                raise


def fsync_dir(path: Path) -> None:
    """Make a rename or link in path durable: without it a crash may forget the new name."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- S3


_RETRYABLE_CODES = {
    "SlowDown",
    "ServiceUnavailable",
    "InternalError",
    "RequestTimeout",
    "Throttling",
    "ThrottlingException",
    "RequestTimeTooSkewed",
    "OperationAborted",
    "ConditionalRequestConflict",
}


def s3_client(connections: int = 64):
    """The one S3 client configuration: standard retries, short timeouts, a pool for `connections` threads."""
    import boto3
    import botocore.session
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=10,
        max_pool_connections=connections,
    )
    core = botocore.session.get_session()
    # botocore parses every timestamp with dateutil, a large share of a small GET's cost.
    core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_s3_time)
    return boto3.session.Session(botocore_session=core).client("s3", config=config)


def _s3_time(text: str) -> datetime:
    """S3's times: ISO 8601 in listings, RFC 1123 in headers; anything else as botocore would."""
    import email.utils

    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        from botocore.utils import parse_timestamp

        return parse_timestamp(text)


class S3Store:
    """Records as objects in a bucket (optionally under a prefix), encrypted at rest."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        client: object | None = None,
        denied_means_missing: bool = False,
        connections: int = 64,
    ) -> None:
        self.bucket = bucket
        # Without s3:ListBucket (the Lambda's role, by design) S3 answers 403, not 404, for a
        # key that does not exist; such a caller asks for 403 on get to mean "not there".
        self.denied_means_missing = denied_means_missing
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.connections = connections
        self._client = client
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def client(self):
        # Created on first use, once: at import time moto could not intercept it, and a cold
        # start should not pay for a client it may not need.
        if self._client is None:
            with self._lock:
                if self._client is None:
                    self._client = s3_client(self.connections)
        return self._client

    def create(self, key: str, body: bytes) -> None:
        from botocore.exceptions import ClientError

        for _ in range(3):
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self.prefix + key,
                    Body=body,
                    IfNoneMatch="*",
                    ContentType="application/json",
                    ServerSideEncryption="AES256",
                )
                return
            except ClientError as exc:
                code = error_code(exc)
                if code == "PreconditionFailed":
                    raise AlreadyExists(key) from None
                if code == "ConditionalRequestConflict":
                    continue  # a concurrent write of the same key is in flight: try again
                raise _unavailable(exc) from exc
            except Exception as exc:  # connection errors, timeouts
                raise _unavailable(exc) from exc
        raise StoreUnavailable(f"conflicting concurrent writes of {key}", code="ConditionalRequestConflict")

    def get(self, key: str, max_bytes: int | None = None) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            body = response["Body"]
            # The length is known from the headers: an object over the limit is never downloaded.
            if max_bytes is not None and response.get("ContentLength", 0) > max_bytes:
                body.close()
                raise TooLarge(key, response["ContentLength"], max_bytes)
            return body.read()
        except ClientError as exc:
            code = error_code(exc)
            if code in ("NoSuchKey", "404") or (self.denied_means_missing and code in ("AccessDenied", "403")):
                return None
            raise _unavailable(exc) from exc
        except TooLarge:
            raise
        except Exception as exc:
            raise _unavailable(exc) from exc

    def list(self, prefix: str) -> Iterator[StoredObject]:
        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    yield StoredObject(item["Key"][len(self.prefix) :], item["Size"], item["LastModified"])
        except Exception as exc:  # S3 errors, no credentials, connection errors, timeouts: as get and create do
            raise _unavailable(exc) from exc

    def children(self, prefix: str) -> list[str]:
        found = []
        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix, Delimiter="/"):
                found.extend(item["Prefix"][len(self.prefix) :] for item in page.get("CommonPrefixes", ()))
        except Exception as exc:  # S3 errors, no credentials, connection errors: as list does
            raise _unavailable(exc) from exc
        return sorted(found)


def error_code(exc: BaseException) -> str:
    """S3's error code of a botocore ClientError ("NoSuchKey", "SlowDown", ...), or "" for anything else."""
    response = getattr(exc, "response", None)
    return str(response.get("Error", {}).get("Code", "")) if isinstance(response, dict) else ""


def _unavailable(exc: Exception) -> StoreUnavailable:
    code = error_code(exc)
    # Without a code it is the network or the credentials, worth another try; with one, S3 said why.
    return StoreUnavailable(
        f"S3 {code}" if code else type(exc).__name__, code=code, retryable=not code or code in _RETRYABLE_CODES
    )
