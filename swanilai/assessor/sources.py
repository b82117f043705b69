"""Where submissions are stored (a bucket or a directory), and what its failures mean to an assessor."""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from handler.store import LocalStore, S3Store, Store, StoreUnavailable
from swanilai.assessor.errors import AssessorError

SOURCE_ENV = "ASSESSOR_SOURCE"
DIR_ENV = "ASSESSOR_DIR"
DEFAULT_DIR = "var"


def open_source(location: str, *, jobs: int = 10, must_exist: bool = True) -> Store:
    """A store from `s3://bucket[/prefix]` or a directory, with a connection pool for `jobs` threads."""
    if location.startswith("s3://"):
        bucket, _, prefix = location[len("s3://") :].partition("/")
        if not bucket:
            raise AssessorError(f"{location!r} names no bucket: use s3://BUCKET[/PREFIX]")
        return S3Store(bucket, prefix, client=s3_client(jobs))
    path = Path(location)
    if must_exist and not path.is_dir():
        raise AssessorError(
            f"{location} is not a directory: give the directory you pulled into "
            f"(`assessor.py pull --to DIR`) or s3://BUCKET"
        )
    return LocalStore(path)


def s3_client(jobs: int):
    import boto3
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    # One client shared by all threads (boto3 clients are thread-safe), its pool sized to them.
    config = Config(
        max_pool_connections=max(10, jobs),
        retries={"mode": "standard", "max_attempts": 5},
        connect_timeout=5,
        read_timeout=30,
    )
    try:
        core = botocore.session.get_session()
        # botocore parses every timestamp with dateutil, a large share of a small GET's cost.
        core.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=_timestamp)
        return boto3.session.Session(botocore_session=core).client("s3", config=config)
    except BotoCoreError as exc:
        raise AssessorError(explain_aws(exc, "S3")) from None


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


_NO_CREDENTIALS = (
    "NoCredentialsError",
    "PartialCredentialsError",
    "CredentialRetrievalError",
    "TokenRetrievalError",
    "UnauthorizedSSOTokenError",
    "SSOTokenLoadError",
    "SSOError",
)
_BAD_CREDENTIALS = (
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "InvalidToken",
    "TokenRefreshRequired",
    "ExpiredTokenException",
)


def explain_aws(exc: BaseException, where: str) -> str:
    """One line for an S3 or botocore failure: the cause and what to do."""
    cause = exc.__cause__ if isinstance(exc, StoreUnavailable) and exc.__cause__ else exc
    name = type(cause).__name__
    code = getattr(exc, "code", "") or str(getattr(cause, "response", {}).get("Error", {}).get("Code", ""))
    if name == "ProfileNotFound":
        return f"AWS profile {getattr(cause, 'kwargs', {}).get('profile', '')!r} not found: check AWS_PROFILE against ~/.aws/config"
    if name in _NO_CREDENTIALS:
        return (
            "no AWS credentials found: set AWS_PROFILE or run `aws sso login` (or export "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again"
        )
    if code in _BAD_CREDENTIALS:
        return f"AWS refused the credentials ({code}): refresh them (`aws sso login`) and run the command again"
    if code == "NoSuchBucket":
        return f"{where} does not exist (no such bucket): check the bucket name (--from/--store or ${SOURCE_ENV})"
    if code in ("AccessDenied", "AllAccessDisabled", "403"):
        return (
            f"access denied to {where}: your AWS identity needs s3:ListBucket and s3:GetObject "
            f"(s3:PutObject to review); ask the LSP's administrator or use another AWS_PROFILE"
        )
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ConnectionClosedError", "ReadTimeoutError"):
        return f"cannot reach S3 for {where} ({name}): check the network (and AWS_ENDPOINT_URL_S3 if set), then retry"
    detail = code or name
    return f"S3 failed for {where} ({detail}): try again in a minute"


def explain_store_error(exc: StoreUnavailable, store: Store) -> str:
    if isinstance(store, S3Store):
        return explain_aws(exc, store.describe())
    return f"{exc}: check the directory and its permissions, then retry"


@contextmanager
def store_errors(store: Store) -> Iterator[None]:
    """Turn a storage failure into one line that names the store and says what to do."""
    try:
        yield
    except StoreUnavailable as exc:
        raise AssessorError(explain_store_error(exc, store)) from None


def is_fatal(exc: StoreUnavailable) -> bool:
    return not getattr(exc, "retryable", True) or type(exc.__cause__).__name__ in _NO_CREDENTIALS


def location_of(store: Store, key: str) -> str:
    return f"{store.describe().rstrip('/')}/{key}"
