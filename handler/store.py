"""Storage of records: one interface, two backends (S3, a local directory), the same key layout.

Every write is create-only: a key, once written, is never overwritten, so a retry can neither
duplicate nor clobber a record. Readers (the handler on a retry, assessor.py) use get and list.
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

SUBMISSIONS = "submissions"
REVIEWS = "reviews"

# submissions/<scheme id>/<YYYY>/<MM>/<DD>/<submission id>.json
RECORD_KEY = re.compile(
    r"^submissions/(?P<scheme>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<id>[0-9a-f-]{36})\.json$"
)
# reviews/<scheme id>/<submission id>/<time>.json
REVIEW_KEY = re.compile(r"^reviews/(?P<scheme>[a-z0-9-]+)/(?P<id>[0-9a-f-]{36})/(?P<time>[^/]+)\.json$")


class StoreError(Exception):
    """Base of storage errors."""


class AlreadyExists(StoreError):
    """A create-only write found the key already written."""


class StoreUnavailable(StoreError):
    """Storage could not be reached or refused for a reason worth retrying later."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


class Store(Protocol):
    def create(self, key: str, body: bytes) -> None:
        """Write body under key once; raise AlreadyExists if the key is taken."""

    def get(self, key: str) -> bytes | None:
        """Read a key, or None when it does not exist."""

    def list(self, prefix: str) -> Iterator[StoredObject]:
        """Every object whose key starts with prefix, in key order."""

    def children(self, prefix: str) -> list[str]:
        """The folders right under prefix (which ends with "/"), as keys ending with "/", in order."""

    def describe(self) -> str:
        """Where this store is, for messages (never secrets)."""


def submission_key(scheme_id: str, received_at: datetime, submission_id: str) -> str:
    day = received_at.astimezone(UTC)
    return f"{SUBMISSIONS}/{scheme_id}/{day:%Y/%m/%d}/{submission_id}.json"


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


LATE_KEY = re.compile(
    r"^submissions/(?P<scheme>[a-z0-9-]+)/late/(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})/(?P<id>[0-9a-f-]{36})\.marker$"
)


def review_key(scheme_id: str, submission_id: str, reviewed_at: datetime) -> str:
    stamp = reviewed_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    return f"{REVIEWS}/{scheme_id}/{submission_id}/{stamp}.json"


# -- a local directory: the same keys as paths under a root


class LocalStore:
    """Records as files under a root directory; a crash never leaves a partial record visible."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return str(self.root)

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise ValueError(f"unsafe key {key!r}")
        return self.root / key

    def create(self, key: str, body: bytes) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
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
        _fsync_dir(path.parent)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {key}: {exc.strerror}") from exc

    def list(self, prefix: str) -> Iterator[StoredObject]:
        folder, _, start = prefix.rpartition("/")
        base = self.root / folder if folder else self.root
        if not base.is_dir():
            return
        # Walk only the entries of base that can match the prefix, not their siblings.
        paths = []
        for entry in os.scandir(base):
            if entry.name.startswith(start) and not entry.name.startswith(".tmp-"):
                if entry.is_dir():
                    paths.extend(
                        p for p in Path(entry.path).rglob("*") if p.is_file() and not p.name.startswith(".tmp-")
                    )
                elif entry.is_file():
                    paths.append(Path(entry.path))
        for path in sorted(paths):
            key = path.relative_to(self.root).as_posix()
            if key.startswith(prefix):
                stat = path.stat()
                yield StoredObject(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def children(self, prefix: str) -> list[str]:
        try:
            entries = list(os.scandir(self._path(prefix.rstrip("/")) if prefix.strip("/") else self.root))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreUnavailable(f"cannot read {prefix}: {exc.strerror}") from exc
        return sorted(
            f"{prefix}{entry.name}/" for entry in entries if entry.is_dir() and not entry.name.startswith(".")
        )


def _fsync_dir(path: Path) -> None:
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


class S3Store:
    """Records as objects in a bucket (optionally under a prefix), encrypted at rest."""

    def __init__(
        self, bucket: str, prefix: str = "", client: object | None = None, denied_means_missing: bool = False
    ) -> None:
        self.bucket = bucket
        # Without s3:ListBucket (the Lambda's role, by design) S3 answers 403, not 404, for a
        # key that does not exist; such a caller asks for 403 on get to mean "not there".
        self.denied_means_missing = denied_means_missing
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
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
                    import boto3
                    from botocore.config import Config

                    # One connection per concurrent request: the local server runs many at once.
                    config = Config(
                        retries={"mode": "standard", "max_attempts": 3},
                        connect_timeout=3,
                        read_timeout=10,
                        max_pool_connections=64,
                    )
                    self._client = boto3.client("s3", config=config)
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
                code = _error_code(exc)
                if code == "PreconditionFailed":
                    raise AlreadyExists(key) from None
                if code == "ConditionalRequestConflict":
                    continue  # a concurrent write of the same key is in flight: try again
                raise _unavailable(exc) from exc
            except Exception as exc:  # connection errors, timeouts
                raise _unavailable(exc) from exc
        raise StoreUnavailable(f"conflicting concurrent writes of {key}")

    def get(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"].read()
        except ClientError as exc:
            code = _error_code(exc)
            if code in ("NoSuchKey", "404") or (self.denied_means_missing and code in ("AccessDenied", "403")):
                return None
            raise _unavailable(exc) from exc
        except Exception as exc:
            raise _unavailable(exc) from exc

    def list(self, prefix: str) -> Iterator[StoredObject]:
        from botocore.exceptions import ClientError

        try:
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
                for item in page.get("Contents", ()):
                    yield StoredObject(item["Key"][len(self.prefix) :], item["Size"], item["LastModified"])
        except ClientError as exc:
            raise _unavailable(exc) from exc
        except Exception as exc:  # no credentials, connection errors, timeouts: as get and create do
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


def _error_code(exc: Exception) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def _unavailable(exc: Exception) -> StoreUnavailable:
    code = _error_code(exc)
    detail = f"S3 {code}" if code else type(exc).__name__
    error = StoreUnavailable(detail)
    error.code = code  # type: ignore[attr-defined]
    error.retryable = not code or code in _RETRYABLE_CODES  # type: ignore[attr-defined]
    return error


def open_store(location: str) -> Store:
    """A store from `s3://bucket[/prefix]` or a local directory path."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[len("s3://") :].partition("/")
        if not bucket:
            raise ValueError(f"{location!r} names no bucket; use s3://BUCKET[/PREFIX]")
        return S3Store(bucket, prefix)
    return LocalStore(location)
