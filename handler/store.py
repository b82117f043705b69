"""Storage of records: one interface, two backends (S3, a local directory), the same key layout.

Every write is create-only: a key, once written, is never overwritten, so a retry can neither
duplicate nor clobber a record. Readers (the handler on a retry, assessor.py) use get and list;
a reader names the most it will read, so no object can make it hold gigabytes.

The key formats live here and nowhere else; a key a reader cannot parse exactly is not a record
or review (handler/record.py then checks that the body agrees with its key). One function,
`open_store`, turns a location (`s3://BUCKET[/PREFIX]` or a directory) into a store.
"""

from __future__ import annotations

import base64
import hashlib
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
# Evidence files: uploaded by the browser under incoming/ (presigned POST, expires after 2 days),
# then verified and copied by the handler under evidence/ when the submission is filed.
INCOMING = "incoming"
EVIDENCE = "evidence"
# The erasure log: one object per erasure, ids and reason only (handler/erasure.py).
ERASURES = "erasures"

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
_SHA256 = r"(?P<sha256>[0-9a-f]{64})"
# incoming/<submission id>/<sha256>: exactly what an upload ticket lets the browser write.
INCOMING_KEY = re.compile(rf"{INCOMING}/{_ID}/{_SHA256}\Z")
# evidence/<scheme id>/<submission id>/<sha256>.<ext>: a verified file of a filed submission.
EVIDENCE_KEY = re.compile(rf"{EVIDENCE}/{_SCHEME}/{_ID}/{_SHA256}\.(?P<ext>[a-z0-9]{{1,8}})\Z")
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


class SourceChanged(StoreError):
    """A copy's source is gone, or is no longer the version that was checked (its ETag changed)."""


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


@dataclass(frozen=True)
class ObjectInfo:
    """What a HEAD says about one object."""

    size: int
    etag: str | None  # None in a local directory, where nothing can replace a file
    sha256: str | None  # hex, when the store kept a SHA-256 checksum for it (S3's ChecksumSHA256)


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str | None  # None in a local directory (no versions) and in an unversioned bucket


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

    def head(self, key: str) -> ObjectInfo | None:
        """Size, ETag and stored checksum of a key, or None when it does not exist."""

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        """At most length bytes from start (a ranged GET), or None when the key does not exist."""

    def digest(self, key: str) -> str | None:
        """The SHA-256 (hex) of a key's bytes, read through once, or None when it does not exist."""

    def copy(self, source: str, key: str, if_match: str | None = None) -> None:
        """Copy source to key once: AlreadyExists if key is taken, SourceChanged if source is gone or changed."""

    def versions(self, prefix: str) -> Iterator[ObjectVersion]:
        """Every version (and delete marker) of every key under prefix: what an erasure must remove."""

    def delete_versions(self, versions: list[ObjectVersion]) -> None:
        """Remove exactly these versions for good (the erasure role alone may)."""


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


def revised_by_key(scheme_id: str, submission_id: str) -> str:
    """Where the one revision of a submission claims it (create-only), so a second revision is refused."""
    return f"{SUBMISSIONS}/{scheme_id}/revised-by/{submission_id}.marker"


def incoming_key(submission_id: str, sha256: str) -> str:
    """Where an upload ticket lets the browser put one evidence file of a submission not yet filed."""
    return f"{INCOMING}/{submission_id}/{sha256}"


def evidence_key(scheme_id: str, submission_id: str, sha256: str, ext: str) -> str:
    """Where a filed submission's verified evidence file is kept, named by its content."""
    return f"{EVIDENCE}/{scheme_id}/{submission_id}/{sha256}.{ext}"


def erasure_key(erased_at: datetime, erasure_id: str) -> str:
    """The erasure log entry of one erasure: its UTC month, then its id."""
    moment = erased_at.astimezone(UTC)
    return f"{ERASURES}/{moment:%Y/%m}/{erasure_id}.json"


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

    def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        try:
            info = os.stat(path, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {key}: {exc.strerror}") from exc
        if not stat.S_ISREG(info.st_mode) or not self._inside(path.parent):
            return None
        return ObjectInfo(info.st_size, None, None)

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        handle = self._open(key)
        if handle is None:
            return None
        with handle:
            handle.seek(start)
            return handle.read(length)

    def digest(self, key: str) -> str | None:
        handle = self._open(key)
        if handle is None:
            return None
        with handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()

    def _open(self, key: str):
        path = self._path(key)
        if not self._inside(path.parent):
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            if os.path.islink(path):
                return None
            raise StoreUnavailable(f"cannot read {key}: {exc.strerror}") from exc
        handle = os.fdopen(fd, "rb")
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            handle.close()
            return None
        return handle

    def copy(self, source: str, key: str, if_match: str | None = None) -> None:
        # A hard link: create-only and atomic like create(), and no byte is copied. Files here are
        # never changed in place (every write is create-only), so the link is the checked content.
        src, dst = self._path(source), self._path(key)
        if self.head(source) is None:
            raise SourceChanged(source)
        try:
            make_private_dirs(dst.parent)
            os.link(src, dst, follow_symlinks=False)
        except FileExistsError:
            raise AlreadyExists(key) from None
        except FileNotFoundError:
            raise SourceChanged(source) from None
        except OSError as exc:
            raise StoreUnavailable(f"cannot write {dst}: {exc.strerror}") from exc
        fsync_dir(dst.parent)

    def versions(self, prefix: str) -> Iterator[ObjectVersion]:
        for obj in self.list(prefix):
            yield ObjectVersion(obj.key, None)

    def delete_versions(self, versions: list[ObjectVersion]) -> None:
        folders = set()
        for version in versions:
            path = self._path(version.key)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise StoreUnavailable(f"cannot delete {version.key}: {exc.strerror}") from exc
            folders.add(path.parent)
        for folder in sorted(folders, key=lambda path: len(path.parts), reverse=True):
            _remove_empty_folders(folder, self.root)


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """Remove folder and its parents up to root while they are empty: an erased id leaves no name behind."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or already gone): stop here
        folder = folder.parent


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

    # Presigned POSTs (evidence uploads) and GETs (the desk's downloads) are followed by browsers:
    # they must name the bucket's regional endpoint. botocore's default is the legacy global one
    # (<bucket>.s3.amazonaws.com), which buckets of Regions launched after March 2019 (Jakarta among
    # them) do not answer, and the site's CSP names the regional origin (UploadOrigin). A local
    # endpoint (a moto server on 127.0.0.1) keeps path-style addressing.
    local_endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    config = Config(
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=3,
        read_timeout=10,
        max_pool_connections=connections,
        s3=None if local_endpoint else {"addressing_style": "virtual", "us_east_1_regional_endpoint": "regional"},
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

    # -- evidence files: checked where they are, copied within the bucket, never through the function

    def head(self, key: str) -> ObjectInfo | None:
        from botocore.exceptions import ClientError

        try:
            # ChecksumMode: S3 answers the SHA-256 it verified on upload (x-amz-checksum-sha256).
            response = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key, ChecksumMode="ENABLED")
        except ClientError as exc:
            if self._missing(exc):
                return None
            raise _unavailable(exc) from exc
        except Exception as exc:
            raise _unavailable(exc) from exc
        checksum = response.get("ChecksumSHA256")
        sha256 = None
        if checksum and "-" not in checksum:  # "<b64>-<parts>" would be a checksum of checksums
            try:
                sha256 = base64.b64decode(checksum, validate=True).hex()
            except ValueError:
                sha256 = None
        return ObjectInfo(response["ContentLength"], response.get("ETag"), sha256)

    def read_range(self, key: str, start: int, length: int) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self.prefix + key, Range=f"bytes={start}-{start + length - 1}"
            )
            return response["Body"].read(length)
        except ClientError as exc:
            if self._missing(exc):
                return None
            if error_code(exc) == "InvalidRange":  # an empty object has no byte at start
                return b""
            raise _unavailable(exc) from exc
        except Exception as exc:
            raise _unavailable(exc) from exc

    def digest(self, key: str) -> str | None:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"]
            digest = hashlib.sha256()
            for chunk in iter(lambda: body.read(1 << 20), b""):
                digest.update(chunk)
            return digest.hexdigest()
        except ClientError as exc:
            if self._missing(exc):
                return None
            raise _unavailable(exc) from exc
        except Exception as exc:
            raise _unavailable(exc) from exc

    def copy(self, source: str, key: str, if_match: str | None = None) -> None:
        from botocore.exceptions import ClientError

        options = {"CopySourceIfMatch": if_match} if if_match else {}
        for _ in range(3):
            try:
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=self.prefix + key,
                    CopySource={"Bucket": self.bucket, "Key": self.prefix + source},
                    IfNoneMatch="*",
                    ServerSideEncryption="AES256",
                    MetadataDirective="COPY",
                    **options,
                )
                return
            except ClientError as exc:
                code = error_code(exc)
                if code == "PreconditionFailed":
                    # Either our If-None-Match (the copy exists) or the source's If-Match (it changed).
                    if self.head(key) is not None:
                        raise AlreadyExists(key) from None
                    raise SourceChanged(source) from None
                if self._missing(exc):
                    raise SourceChanged(source) from None
                if code == "ConditionalRequestConflict":
                    continue
                raise _unavailable(exc) from exc
            except Exception as exc:
                raise _unavailable(exc) from exc
        raise StoreUnavailable(f"conflicting concurrent writes of {key}", code="ConditionalRequestConflict")

    def versions(self, prefix: str) -> Iterator[ObjectVersion]:
        try:
            paginator = self.client.get_paginator("list_object_versions")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in [*page.get("Versions", ()), *page.get("DeleteMarkers", ())]:
                    version = item.get("VersionId")
                    yield ObjectVersion(item["Key"][len(self.prefix) :], None if version == "null" else version)
        except Exception as exc:
            raise _unavailable(exc) from exc

    def delete_versions(self, versions: list[ObjectVersion]) -> None:
        for start in range(0, len(versions), 1000):  # DeleteObjects takes at most 1,000 keys
            batch = versions[start : start + 1000]
            objects = [
                {"Key": self.prefix + v.key, **({"VersionId": v.version_id} if v.version_id else {})} for v in batch
            ]
            try:
                response = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True})
            except Exception as exc:
                raise _unavailable(exc) from exc
            failed = response.get("Errors") or []
            if failed:
                raise StoreUnavailable(f"{len(failed)} version(s) not deleted", code=str(failed[0].get("Code", "")))

    def _missing(self, exc: BaseException) -> bool:
        code = error_code(exc)
        return code in ("NoSuchKey", "404", "NotFound") or (
            self.denied_means_missing and code in ("AccessDenied", "403")
        )


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
