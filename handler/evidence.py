"""Filing a submission's evidence files: verify what the browser uploaded, then copy it, all or nothing.

For each file a submission lists (each distinct SHA-256 once), before anything of the submission is
stored:
1. Filed before (a retry, perhaps after incoming/ expired): `evidence/<scheme>/<id>/<sha256>.<ext>`
   exists, and names its own content. Nothing more to do.
2. Else the upload `incoming/<id>/<sha256>` must exist (HEAD) with exactly the declared size.
3. Its bytes must hash to the declared SHA-256: S3 verified the checksum field of the upload and
   reports it (HEAD with ChecksumMode); where it reports none (a local directory, moto, or an
   upload that carried no checksum) the handler reads the object once and hashes it itself.
4. Its first bytes (a ranged GET) must be the declared type's magic: `%PDF-`, JPEG's FF D8 FF,
   PNG's signature.
Any problem: 400 naming the element and the file, and nothing is copied. Then each file is copied
create-only to its evidence key, inside the bucket (never through the function), on condition that
the upload is still the version checked (its ETag): a file replaced between check and copy is
refused like a tampered one. A copy left behind by a failure later on is named by its content and
is what the retry would copy again. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass

from handler import fields as f
from handler.errors import InvalidSubmission
from handler.record import EvidenceFile, file_key
from handler.scheme import Scheme
from handler.store import AlreadyExists, SourceChanged, Store, incoming_key
from handler.submission import Submission, element_labels

MAGIC_BYTES = max(len(magic) for magic in f.EVIDENCE_MAGIC.values())


@dataclass(frozen=True)
class _Checked:
    field: str
    element: str
    file: EvidenceFile
    source: str
    dest: str
    etag: str | None


def file_evidence(store: Store, submission: Submission, scheme: Scheme) -> None:
    """Verify and copy every file the submission lists; InvalidSubmission when any is not as declared."""
    labels = element_labels(scheme)
    problems: dict[str, str] = {}
    todo: list[_Checked] = []
    seen: set[str] = set()
    for key, index, file in submission.files():
        if file.sha256 in seen:
            continue  # the same bytes listed by another element: checked and copied once
        seen.add(file.sha256)
        dest = file_key(submission.scheme_id, submission.submission_id, file.to_dict())
        if store.head(dest) is not None:
            continue
        field, element = f.file_field(key, index), labels.get(key, key)
        source = incoming_key(submission.submission_id, file.sha256)
        etag, problem = check_upload(store, source, file)
        if problem is not None:
            problems[field] = _message(problem, element, file)
        else:
            todo.append(_Checked(field, element, file, source, dest, etag))
    if problems:
        raise InvalidSubmission(problems)
    for checked in todo:
        try:
            store.copy(checked.source, checked.dest, if_match=checked.etag)
        except AlreadyExists:
            pass  # a concurrent retry copied the same content first
        except SourceChanged:
            raise InvalidSubmission(
                {checked.field: _message("file.checksum_mismatch", checked.element, checked.file)}
            ) from None


def check_upload(store: Store, key: str, file: EvidenceFile) -> tuple[str | None, str | None]:
    """(the upload's ETag, None) when it is exactly the file declared, else (None, the rule it breaks)."""
    info = store.head(key)
    if info is None:
        return None, "file.missing"
    if info.size != file.size:
        return None, "file.size_mismatch"
    digest = info.sha256 or store.digest(key)
    if digest != file.sha256:
        return None, "file.checksum_mismatch" if digest is not None else "file.missing"
    first = store.read_range(key, 0, MAGIC_BYTES)
    magic = f.EVIDENCE_MAGIC[file.type].encode("latin-1")
    if first is None or not first.startswith(magic):
        return None, "file.wrong_type"
    return info.etag, None


def _message(rule: str, element: str, file: EvidenceFile) -> str:
    return f.message(rule, element=element, name=file.name, kind=f.EVIDENCE_KIND_NAMES[file.type])
