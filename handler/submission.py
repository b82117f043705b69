"""A candidate's submission: validation against the scheme (the stored record is handler/record.py's).

Validation reports every problem at once, keyed by the page's own field names (handler.fields),
in Bahasa Indonesia, naming each field by its label. It checks types strictly: whatever a client
sends, the answer is a field message, never an exception. Standard library only (Lambda).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from handler import fields as f
from handler.record import Answer, Signature
from handler.scheme import Scheme, canonical_json, is_scheme_id, plain_text

TOP_LEVEL_KEYS = frozenset({f.SCHEME, f.SUBMISSION_ID, f.CANDIDATE, f.ANSWERS, f.DECLARATION, f.SIGNATURE, f.HONEYPOT})
CANDIDATE_KEYS = ("name", "email", "phone")
ANSWER_KEYS = frozenset({"verdict", "evidence"})
PNG_DATA_URL_PREFIX = "data:image/png;base64,"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Unknown keys are named in the response; a hostile body must not turn that into a huge answer.
UNKNOWN_KEYS_REPORTED = 20
UNKNOWN_KEY_SHOWN = 100

# Version 4 (random) UUIDs only: the page makes them with crypto.randomUUID().
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
# Pragmatic: the WHATWG form rule for type=email, plus a dot in the domain (a real address).
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_PHONE = re.compile(f.PHONE_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Fields the page fills in itself, named as the candidate sees them (the receipt says "Nomor pengiriman").
_SCHEME_LABEL = "Skema sertifikasi"
_SUBMISSION_ID_LABEL = "Nomor pengiriman"
_UNKNOWN_FIELD = "Kolom ini tidak dikenal formulir. Muat ulang halaman, lalu kirim kembali."
# Longest base64 text that can decode to at most the signature limit.
_PNG_BASE64_MAX = (f.SIGNATURE_PNG_MAX_BYTES + 2) // 3 * 4


@dataclass(frozen=True)
class Submission:
    """A valid submission, normalised (text stripped, absent optional fields None)."""

    submission_id: str
    scheme_id: str
    scheme_version: str
    name: str
    email: str | None
    phone: str | None
    answers: tuple[tuple[str, Answer], ...]
    signature: Signature

    def content(self) -> dict[str, Any]:
        """What the candidate sent, without the time: equal content means the same submission."""
        return {
            "scheme": {"id": self.scheme_id, "version": self.scheme_version},
            "candidate": {"name": self.name, "email": self.email, "phone": self.phone},
            "answers": {key: {"verdict": a.verdict, "evidence": a.evidence} for key, a in self.answers},
            "declaration": True,
            "signature": self.signature.to_dict(),
        }

    def fingerprint(self) -> str:
        return hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SchemeRef:
    id: str
    version: str


# -- reading a payload


def honeypot_filled(payload: dict[str, Any]) -> bool:
    """True when the field hidden from people carries anything: a bot filled the form."""
    value = payload.get(f.HONEYPOT)
    return value is not None and value != ""


def scheme_reference(payload: dict[str, Any]) -> SchemeRef | None:
    """The scheme id and version a payload names, or None when that part is unreadable."""
    ref = payload.get(f.SCHEME)
    if not isinstance(ref, dict) or set(ref) != {"id", "version"}:
        return None
    if not isinstance(ref["id"], str) or not isinstance(ref["version"], str) or duplicate_keys(ref):
        return None
    return SchemeRef(ref["id"], ref["version"])


def logged_scheme_id(payload: dict[str, Any]) -> str | None:
    """The scheme id of a payload when it is a well-formed id: safe to write to logs."""
    ref = payload.get(f.SCHEME)
    scheme_id = ref.get("id") if isinstance(ref, dict) else None
    return scheme_id if is_scheme_id(scheme_id) else None


def duplicate_keys(obj: dict[str, Any]) -> tuple[str, ...]:
    """Keys a JSON object carried more than once (handler.request records them while parsing)."""
    return getattr(obj, "duplicates", ())


# -- validation


class SubmissionProblems(Exception):
    """A submission is invalid; `fields` maps each field name to what the candidate should fix."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(f"{len(fields)} invalid field(s)")
        self.fields = fields


def validate_submission(payload: dict[str, Any], scheme: Scheme | None) -> Submission:
    """Check a payload against a scheme and return it normalised, or raise SubmissionProblems.

    With scheme None every check runs except which elements are answered: that is how the handler
    recognises a retry of a submission made against a version the catalog no longer has.
    """
    problems: dict[str, str] = {}
    ref = scheme_reference(payload)
    if ref is None:
        problems[f.SCHEME] = f"{_SCHEME_LABEL} tidak terbaca. Muat ulang halaman, lalu kirim kembali."
    submission_id = _check_submission_id(payload.get(f.SUBMISSION_ID), problems)
    answers = _check_answers(payload.get(f.ANSWERS, {}), scheme, problems)
    name, email, phone = _check_candidate(payload.get(f.CANDIDATE, {}), problems)
    if payload.get(f.DECLARATION) is not True:
        problems[f.DECLARATION] = (
            f"{f.LABELS[f.DECLARATION]} wajib dicentang: nyatakan bahwa jawaban dan bukti yang Anda isi benar."
        )
    signature = _check_signature(payload.get(f.SIGNATURE), problems)
    _check_unknown_keys(payload, problems)
    if problems:
        raise SubmissionProblems(problems)
    assert ref is not None and submission_id and name is not None and signature is not None
    return Submission(submission_id, ref.id, ref.version, name, email, phone, answers, signature)


def _check_submission_id(value: Any, problems: dict[str, str]) -> str | None:
    if isinstance(value, str) and _UUID4.match(value.lower()):
        return value.lower()
    problems[f.SUBMISSION_ID] = (
        f"{_SUBMISSION_ID_LABEL} tidak valid. Muat ulang halaman, lalu kirim "
        "kembali; jawaban Anda tetap tersimpan di peramban ini."
    )
    return None


def _check_answers(value: Any, scheme: Scheme | None, problems: dict[str, str]) -> tuple[tuple[str, Answer], ...]:
    if not isinstance(value, dict):
        problems[f.ANSWERS] = "Jawaban tidak terbaca. Muat ulang halaman, lalu kirim kembali."
        return ()
    keys = tuple(value) if scheme is None else scheme.element_keys()
    names = _element_names(scheme) if scheme is not None else {key: f"Elemen {key}" for key in keys}
    name_of = names.__getitem__
    answers = []
    for key in keys:
        answer = _check_answer(key, value.get(key), name_of(key), problems)
        if answer is not None:
            answers.append((key, answer))
    for key in duplicate_keys(value):
        if key in keys:
            problems[f.verdict_field(key)] = (
                f"{name_of(key)}: jawaban terkirim lebih dari sekali. Muat ulang halaman, lalu kirim kembali."
            )
    if scheme is not None:
        known = set(keys)
        unknown = [key for key in value if key not in known]
        for key in unknown[:UNKNOWN_KEYS_REPORTED]:
            problems[f"{f.ANSWERS}[{_shown(key)}]"] = (
                "Elemen ini tidak ada dalam skema. Muat ulang halaman, lalu kirim kembali."
            )
    return tuple(answers)


def _check_answer(key: str, value: Any, name: str, problems: dict[str, str]) -> Answer | None:
    verdict_field, evidence_field = f.verdict_field(key), f.evidence_field(key)
    if value is None:
        problems[verdict_field] = f"{name}: pilih K atau BK."
        return None
    if not isinstance(value, dict):
        problems[verdict_field] = f"{name}: jawaban tidak terbaca; pilih K atau BK kembali."
        return None
    verdict, evidence = value.get("verdict"), value.get("evidence")
    if verdict is None or verdict == "":
        problems[verdict_field] = f"{name}: pilih K atau BK."
    elif verdict not in f.VERDICTS:
        problems[verdict_field] = f"{name}: jawaban hanya boleh K atau BK."
    if evidence is None:
        evidence = ""
    if not isinstance(evidence, str):
        problems[evidence_field] = f"{name}: Bukti yang relevan tidak terbaca; tulis kembali bukti Anda."
        evidence = None
    else:
        evidence = evidence.strip()
        if len(evidence) > f.EVIDENCE_MAX:
            problems[evidence_field] = (
                f"{name}: Bukti yang relevan terlalu panjang, paling banyak "
                f"{_number(f.EVIDENCE_MAX)} karakter (sekarang {_number(len(evidence))}). "
                "Persingkat bukti Anda."
            )
        elif verdict == "K" and not evidence:
            problems[evidence_field] = (
                f"{name}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, "
                "sertifikat, atau laporan kerja beserta tahunnya."
            )
    extra = [k for k in value if k not in ANSWER_KEYS]
    for k in extra[:UNKNOWN_KEYS_REPORTED]:
        problems[f"{f.ANSWERS}[{key}].{_shown(k)}"] = _UNKNOWN_FIELD
    if duplicate_keys(value):
        problems[verdict_field] = f"{name}: jawaban terkirim lebih dari sekali. Muat ulang halaman, lalu kirim kembali."
    if verdict_field in problems or evidence is None or evidence_field in problems or extra:
        return None
    return Answer(verdict, evidence)


def _element_names(scheme: Scheme) -> dict[str, str]:
    # "Unit M.70MKT00.019.2, elemen 1": the unit's code, or its title when it has none.
    return {
        element.key: f"Unit {unit.code or plain_text(unit.title)}, elemen {element.number}"
        for unit in scheme.units
        for element in unit.elements
    }


def _check_candidate(value: Any, problems: dict[str, str]) -> tuple[str | None, str | None, str | None]:
    if not isinstance(value, dict):
        problems[f.CANDIDATE] = "Data asesi tidak terbaca. Muat ulang halaman, lalu kirim kembali."
        return None, None, None
    for key in [k for k in value if k not in CANDIDATE_KEYS][:UNKNOWN_KEYS_REPORTED]:
        problems[f"{f.CANDIDATE}.{_shown(key)}"] = _UNKNOWN_FIELD
    for key in duplicate_keys(value):
        if key in CANDIDATE_KEYS:
            problems[f"{f.CANDIDATE}.{key}"] = f"{f.LABELS[f'{f.CANDIDATE}.{key}']} terkirim lebih dari sekali."
    name = _check_text(value.get("name"), f.CANDIDATE_NAME, f.NAME_MIN, f.NAME_MAX, problems, required=True)
    email = _check_text(value.get("email"), f.CANDIDATE_EMAIL, 0, f.EMAIL_MAX, problems)
    if email and f.CANDIDATE_EMAIL not in problems and not _EMAIL.match(email):
        problems[f.CANDIDATE_EMAIL] = (
            f"{f.LABELS[f.CANDIDATE_EMAIL]} tidak valid. Periksa penulisannya, misalnya "
            "nama@contoh.co.id, atau kosongkan kolom ini."
        )
    phone = _check_text(value.get("phone"), f.CANDIDATE_PHONE, 0, f.PHONE_MAX, problems)
    if (
        phone
        and f.CANDIDATE_PHONE not in problems
        and (not _PHONE.match(phone) or not f.PHONE_DIGITS_MIN <= sum(c.isdigit() for c in phone) <= f.PHONE_DIGITS_MAX)
    ):
        problems[f.CANDIDATE_PHONE] = (
            f"{f.LABELS[f.CANDIDATE_PHONE]} tidak valid: tuliskan nomor seperti "
            "0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini."
        )
    return name, email or None, phone or None


def _check_text(
    value: Any, field: str, minimum: int, maximum: int, problems: dict[str, str], required: bool = False
) -> str | None:
    """A single-line text field, stripped; None (with a problem noted) when it is not acceptable."""
    label = f.LABELS[field]
    if value is None or value == "":
        value = ""
    elif not isinstance(value, str):
        problems[field] = f"{label} tidak terbaca; isi kembali dengan teks."
        return None
    text = value.strip()
    if not text:
        if required:
            problems[field] = f"{label} wajib diisi."
            return None
        return ""
    if _CONTROL.search(text):
        problems[field] = f"{label} hanya boleh berisi satu baris teks, tanpa baris baru atau tab."
    elif len(text) < minimum:
        problems[field] = f"{label} terlalu pendek: isi paling sedikit {minimum} karakter."
    elif len(text) > maximum:
        problems[field] = (
            f"{label} terlalu panjang: paling banyak {_number(maximum)} karakter (sekarang {_number(len(text))})."
        )
    return None if field in problems else text


def _check_signature(value: Any, problems: dict[str, str]) -> Signature | None:
    label = f.LABELS[f.SIGNATURE]
    if value is None or (isinstance(value, str) and not value.strip()):
        problems[f.SIGNATURE] = f"{label} wajib diisi: bubuhkan tanda tangan pada kotak, atau ketik nama Anda."
        return None
    if not isinstance(value, str):
        problems[f.SIGNATURE] = f"{label} tidak terbaca; bubuhkan kembali tanda tangan Anda."
        return None
    if value.startswith("data:"):
        return _check_drawn_signature(value, label, problems)
    text = _check_text(value, f.SIGNATURE, f.TYPED_SIGNATURE_MIN, f.TYPED_SIGNATURE_MAX, problems)
    return Signature("typed", text) if text else None


def _check_drawn_signature(value: str, label: str, problems: dict[str, str]) -> Signature | None:
    if not value.startswith(PNG_DATA_URL_PREFIX):
        problems[f.SIGNATURE] = (
            f"{label} harus berupa gambar PNG dari kotak tanda tangan, atau nama yang diketik. "
            "Hapus lalu bubuhkan kembali tanda tangan Anda."
        )
        return None
    encoded = value[len(PNG_DATA_URL_PREFIX) :]
    too_big = (
        f"Gambar {label} terlalu besar (paling besar {f.SIGNATURE_PNG_MAX_BYTES // 1024} KB). Hapus lalu "
        "bubuhkan kembali tanda tangan yang lebih sederhana, atau ketik nama Anda sebagai tanda tangan."
    )
    if len(encoded) > _PNG_BASE64_MAX:
        problems[f.SIGNATURE] = too_big
        return None
    try:
        image = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        image = b""
    if not image.startswith(PNG_SIGNATURE):
        problems[f.SIGNATURE] = f"Gambar {label} tidak terbaca. Hapus lalu bubuhkan kembali tanda tangan Anda."
        return None
    if len(image) > f.SIGNATURE_PNG_MAX_BYTES:
        problems[f.SIGNATURE] = too_big
        return None
    return Signature("drawn", value)


def _check_unknown_keys(payload: dict[str, Any], problems: dict[str, str]) -> None:
    unknown = [key for key in payload if key not in TOP_LEVEL_KEYS]
    for key in unknown[:UNKNOWN_KEYS_REPORTED]:
        problems[_shown(key)] = _UNKNOWN_FIELD
    for key in duplicate_keys(payload):
        if key in TOP_LEVEL_KEYS:
            problems[key] = "Kolom ini terkirim lebih dari sekali. Muat ulang halaman, lalu kirim kembali."


def _shown(key: str) -> str:
    return key if len(key) <= UNKNOWN_KEY_SHOWN else key[:UNKNOWN_KEY_SHOWN] + "…"


def _number(n: int) -> str:
    # Indonesian digit grouping: 2.000
    return f"{n:,}".replace(",", ".")
