"""What the handler needs to run: a store, the catalog, the origins it serves, a clock and a log.

In AWS it comes from exactly two environment variables, read at first use and required:
SUBMISSIONS_BUCKET (the bucket name) and ALLOWED_ORIGINS (comma-separated exact origins such as
`https://lsp.example.id`). Tests and the local server build a Config in code and hand it to
`handler.app.configure`. Nothing else in handler/ reads the environment; the local server
(swanilai/devserver.py) reads its own (docs/ARCHITECTURE.md, "Environment").
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from handler.catalog import DEFAULT_CATALOG_DIR
from handler.store import S3Store, Store, open_store
from handler.upload import S3Uploads, Uploads

# scheme://host[:port], no path, no trailing slash: exactly what a browser sends as Origin.
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")


class ConfigurationError(Exception):
    """The deployment is missing or misstating its configuration; the message says which and how to fix."""

    safe_to_log = True  # names variables and the fix, never request data


def utc_now() -> datetime:
    return datetime.now(UTC)


def write_log_line(fields: dict[str, Any]) -> None:
    """One JSON object per line on stdout: CloudWatch in AWS, the terminal locally."""
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@dataclass(frozen=True)
class Config:
    store: Store
    catalog_dir: Path = DEFAULT_CATALOG_DIR
    allowed_origins: frozenset[str] = frozenset()
    clock: Callable[[], datetime] = field(default=utc_now)
    log: Callable[[dict[str, Any]], None] = field(default=write_log_line)
    # Who signs upload tickets: None means the bucket of an S3 store (presigned POSTs); a local
    # store needs the local server's signer (handler.upload.LocalUploads).
    uploads: Uploads | None = None

    def upload_signer(self) -> Uploads:
        if self.uploads is not None:
            return self.uploads
        if isinstance(self.store, S3Store):
            return S3Uploads(self.store)
        raise ConfigurationError("no upload signer for a local store: the local server configures LocalUploads")


def parse_origins(value: str) -> frozenset[str]:
    """Read a comma-separated list of origins, refusing anything a browser would never send."""
    origins = [item.strip() for item in value.split(",") if item.strip()]
    if not origins:
        raise ConfigurationError("ALLOWED_ORIGINS is empty; set it to the site's origin, e.g. https://lsp.example.id")
    bad = [origin for origin in origins if not _ORIGIN.match(origin)]
    if bad:
        raise ConfigurationError(
            f"ALLOWED_ORIGINS has {', '.join(map(repr, bad))}: write each origin as "
            "scheme://host[:port] with no path or trailing slash, e.g. https://lsp.example.id"
        )
    return frozenset(origins)


def config_from_environment() -> Config:
    """The AWS configuration; missing variables fail loudly, never fall back to a guess."""
    missing = [name for name in ("SUBMISSIONS_BUCKET", "ALLOWED_ORIGINS") if not os.environ.get(name, "").strip()]
    if missing:
        raise ConfigurationError(
            f"environment variable(s) {', '.join(missing)} not set: the deployment template "
            "must set SUBMISSIONS_BUCKET and ALLOWED_ORIGINS"
        )
    return Config(
        # The function may not list the bucket, so S3 reports a missing marker as 403.
        store=open_store(f"s3://{os.environ['SUBMISSIONS_BUCKET'].strip()}", denied_means_missing=True),
        allowed_origins=parse_origins(os.environ["ALLOWED_ORIGINS"]),
    )
