"""Files the assessors' commands write: complete or absent, and disk errors an assessor can act on."""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from swanilai.assessor.errors import AssessorError


def write_file(path: Path, body: bytes) -> None:
    """Write bytes to a new file (the one place a pull writes data, so tests can fill the disk)."""
    with open(path, "xb") as handle:
        handle.write(body)


def disk_error(exc: OSError, path: Path, command: str) -> AssessorError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return AssessorError(
            f"disk full while writing under {path}: free some space and run `assessor.py {command}` "
            f"again (files already complete are kept, nothing partial is left)"
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return AssessorError(f"cannot write under {path} ({exc.strerror}): choose a directory you can write to")
    return AssessorError(f"cannot write under {path} ({exc.strerror or exc}): check the disk, then retry")


def write_atomically(path: Path, body: bytes, tmp_prefix: str = ".tmp-") -> None:
    """Replace path with body in one step: readers see the old file or the new one, never half."""
    tmp = path.parent / f"{tmp_prefix}{uuid.uuid4().hex}"
    try:
        write_file(tmp, body)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
