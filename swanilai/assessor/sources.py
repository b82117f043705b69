"""Where submissions are stored (a bucket or a directory), and what its failures mean to an assessor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from handler.store import BadLocation, S3Store, Store, StoreUnavailable, error_code, open_store
from swanilai.assessor.errors import AssessorError

SOURCE_ENV = "ASSESSOR_SOURCE"
DIR_ENV = "ASSESSOR_DIR"
DEFAULT_DIR = "var"


def open_source(location: str, *, jobs: int = 10, must_exist: bool = True) -> Store:
    """The store at `s3://bucket[/prefix]` or in a directory, with S3 connections for `jobs` threads."""
    if not location.startswith("s3://") and must_exist and not Path(location).is_dir():
        raise AssessorError(
            f"{location} is not a directory: give the directory you pulled into "
            f"(`assessor.py pull --to DIR`) or s3://BUCKET"
        )
    try:
        return open_store(location, connections=max(10, jobs))
    except BadLocation as exc:
        raise AssessorError(str(exc)) from None


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
    code = (exc.code if isinstance(exc, StoreUnavailable) else "") or error_code(cause)
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
    return not exc.retryable or type(exc.__cause__).__name__ in _NO_CREDENTIALS


def location_of(store: Store, key: str) -> str:
    return f"{store.describe().rstrip('/')}/{key}"
