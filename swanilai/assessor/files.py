"""Files the assessors' commands write: complete or absent, private, and disk errors an assessor can act on.

Everything written holds personal data (names, answers, signatures): files are created 0600 and
new folders 0700, as the handler's local store does. A file is written under a temporary name,
flushed to disk and then renamed, so a crash leaves the old file or the new one, never half.
"""

from __future__ import annotations

import errno
import os
import uuid
from datetime import datetime
from pathlib import Path

from handler.store import fsync_dir
from swanilai.assessor.errors import AssessorError


def write_file(path: Path, body: bytes) -> None:
    """Write bytes to a new private file and flush them to disk (the one place data is written, so tests can fill the disk)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(body)
        handle.flush()
        os.fsync(handle.fileno())


def disk_error(exc: OSError, path: Path, command: str) -> AssessorError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return AssessorError(
            f"disk full while writing under {path}: free some space and run `assessor.py {command}` "
            f"again (files already complete are kept, nothing partial is left)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AssessorError(f"cannot write under {path} ({exc.strerror}): choose a directory you can write to")
    return AssessorError(f"cannot write under {path} ({exc.strerror or exc}): check the disk, then retry")


def write_atomically(
    path: Path,
    body: bytes,
    *,
    tmp_prefix: str = ".tmp-",
    sync_dir: bool = True,
    modified: datetime | None = None,
) -> None:
    """Replace path with body in one step: readers see the old file or the new one, never half.

    sync_dir=False leaves the folder's fsync to the caller (pull syncs each folder once at the end);
    `modified` sets the file's time (pull keeps the source's, so a copy is a faithful source too).
    """
    tmp = path.parent / f"{tmp_prefix}{uuid.uuid4().hex}"
    try:
        write_file(tmp, body)
        if modified is not None:
            os.utime(tmp, (modified.timestamp(), modified.timestamp()))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)
