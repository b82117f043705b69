"""`assessor.py bundle`: one candidate's data as a zip of JSON, their files and the filled forms (HTML, PDF).

What a candidate may ask a copy of (UU 27/2022): exactly what an erasure of the same id would
erase (handler.erasure.plan_erasure finds the revision chain and its objects), in its current
version: each record as stored, its reviews, its evidence files under the names the candidate gave
them, and each record's filled FR.APL.02 as HTML (and PDF with Chromium). `manifest.json` lists
every file with its SHA-256; `BACA-SAYA.txt` says in Bahasa Indonesia what the bundle holds.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from handler.erasure import plan_erasure
from handler.record import RECORD_MAX_BYTES, REVIEW_MAX_BYTES, utc_timestamp
from handler.store import Store, parse_record_key
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import RecordRef, load_one, verification_of
from swanilai.assessor.render import form_name, render_html
from swanilai.timezones import WIB

EVIDENCE_MAX_BYTES = 50 * 1024 * 1024  # a file is at most 5 MB at upload; far above, it is not the candidate's
README = """Salinan data pribadi Anda yang disimpan {controller_line}untuk asesmen mandiri (FR.APL.02).

Dibuat: {made} WIB
Pengajuan: {ids}

Isi paket ini, untuk setiap pengajuan (termasuk perbaikannya):
- <id>/pengajuan.json: data yang Anda kirim, persis seperti disimpan;
- <id>/tinjauan/: hasil peninjauan asesor (bila ada);
- <id>/bukti/: berkas bukti yang Anda lampirkan;
- <id>/FR.APL.02-<id>.html (dan .pdf): formulir yang terisi.
manifest.json mencantumkan setiap berkas dengan SHA-256-nya.
"""


@dataclass
class Bundle:
    submission_ids: list[str]
    files: dict[str, bytes] = field(default_factory=dict)  # path in the zip: bytes

    def add(self, path: str, body: bytes) -> None:
        self.files[path] = body


def collect(
    store: Store,
    submission_id: str,
    *,
    now: datetime,
    pdf: Callable[[str], bytes] | None = None,
    controller: str = "",
) -> Bundle:
    """Read every current object of the candidate's chain into a bundle; AssessorError when there is none."""
    plan = plan_erasure(store, None, submission_id)
    records = sorted({v.key for v in plan.groups.get("records", ()) if parse_record_key(v.key)})
    if not records:
        raise AssessorError(
            f"no record of {submission_id} in {store.describe()}: check the id (the full 36 characters), "
            f"or it was erased (see erasures/)"
        )
    bundle = Bundle([])
    reviews = sorted({v.key for v in plan.groups.get("reviews", ())})
    evidence = sorted({v.key for v in plan.groups.get("evidence", ())})
    for key in records:
        named = parse_record_key(key)
        sid = named.submission_id
        raw = store.get(key, max_bytes=RECORD_MAX_BYTES)
        if raw is None:
            continue
        bundle.submission_ids.append(sid)
        bundle.add(f"{sid}/pengajuan.json", raw)
        own_reviews = [k for k in reviews if f"/{sid}/" in k]
        for review_key in own_reviews:
            body = store.get(review_key, max_bytes=REVIEW_MAX_BYTES)
            if body is not None:
                bundle.add(f"{sid}/tinjauan/{review_key.rsplit('/', 1)[1]}", body)
        names = _file_names(raw)
        for evidence_key in (k for k in evidence if f"/{sid}/" in k):
            body = store.get(evidence_key, max_bytes=EVIDENCE_MAX_BYTES)
            if body is not None:
                bundle.add(f"{sid}/bukti/{names.get(evidence_key) or evidence_key.rsplit('/', 1)[1]}", body)
        item = load_one(store, RecordRef(sid, named.scheme_id, key, tuple(own_reviews)))
        html = render_html(item, verification_of(store, item))
        bundle.add(f"{sid}/{form_name(item.record)}.html", html.encode("utf-8"))
        if pdf is not None:
            bundle.add(f"{sid}/{form_name(item.record)}.pdf", pdf(html))
    made = now.astimezone(WIB)
    bundle.add(
        "BACA-SAYA.txt",
        README.format(
            controller_line=f"oleh {controller} " if controller else "",
            made=f"{made:%Y-%m-%d %H:%M}",
            ids=", ".join(bundle.submission_ids),
        ).encode("utf-8"),
    )
    manifest = {
        "exported_at": utc_timestamp(now),
        "submission_ids": bundle.submission_ids,
        "files": [
            {"path": path, "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
            for path, body in sorted(bundle.files.items())
        ],
    }
    bundle.add("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
    return bundle


def _file_names(raw: bytes) -> dict[str, str]:
    """Evidence key: a safe form of the name the candidate gave the file (unique within the submission)."""
    try:
        answers = json.loads(raw).get("answers") or {}
    except (ValueError, AttributeError):
        return {}
    names: dict[str, str] = {}
    taken: set[str] = set()
    for answer in answers.values():
        for item in (answer.get("files") or []) if isinstance(answer, dict) else []:
            if not isinstance(item, dict) or not isinstance(item.get("key"), str) or item["key"] in names:
                continue
            name = re.sub(r"[^\w.\- ]+", "_", str(item.get("name") or "")).strip(" .") or "berkas"
            stem, dot, ext = name.rpartition(".")
            candidate, n = name, 2
            while candidate in taken:
                candidate = f"{stem}-{n}.{ext}" if dot else f"{name}-{n}"
                n += 1
            taken.add(candidate)
            names[item["key"]] = candidate
    return names


def zipped(bundle: Bundle) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, body in sorted(bundle.files.items()):
            archive.writestr(path, body)
    return out.getvalue()
