"""A candidate's submission: validation against the scheme (the stored record is handler/record.py's).

Validation reports every problem at once, keyed by the page's own field names, in Bahasa
Indonesia, naming each field by its label. Limits, patterns, characters and messages all come from
the rule table (handler.fields), which the page applies too, so both give the same verdict and the
same message. It checks types strictly: whatever a client sends, the answer is a field message,
never an exception, and every accepted string can be encoded as UTF-8. Names a client made up (keys
the form does not have) are echoed shortened and made inert, and at most CLIENT_NAMES_REPORTED of
them, so an error can never grow with the request. Standard library only (Lambda).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from handler import fields as f
from handler import png
from handler.record import Answer, Consent, EvidenceFile, Signature
from handler.scheme import Scheme, canonical_json, is_scheme_id

TOP_LEVEL_KEYS = frozenset(
    {
        f.SCHEME,
        f.SUBMISSION_ID,
        f.CANDIDATE,
        f.ANSWERS,
        f.DECLARATION,
        f.SIGNATURE,
        f.CONSENT,
        f.STATUS_KEY_SHA256,
        f.REVISES,
        f.HONEYPOT,
    }
)
CANDIDATE_KEYS = ("name", "email", "phone")
ANSWER_KEYS = frozenset({"verdict", "evidence", "files"})
FILE_KEYS = frozenset({"name", "size", "type", "sha256"})
CONSENT_KEYS = frozenset({"given", "notice_version"})
REVISES_KEYS = frozenset({"submission_id", "status_key"})

_PATTERNS = {name: re.compile(pattern) for name, pattern in f.PATTERNS.items()}
_SPACE = "".join(chr(c) for low, high in f.SPACE for c in range(low, high + 1))


class _Characters:
    """Some of the table's code point ranges, found fast.

    Python compiles a class of BMP ranges into a bitmap, but walks a list for ranges beyond the BMP
    (20x slower on every character). So those get their own class, searched only in the rare text
    that holds a character beyond the BMP at all.
    """

    def __init__(self, *groups: list[list[int]]) -> None:
        ranges = [pair for group in groups for pair in group]
        assert all(high <= 0xFFFF or low > 0xFFFF for low, high in ranges), "a range crosses U+FFFF"
        self._bmp = _class([pair for pair in ranges if pair[1] <= 0xFFFF])
        astral = [pair for pair in ranges if pair[0] > 0xFFFF]
        self._astral = _class(astral) if astral else None

    def search(self, text: str) -> re.Match[str] | None:
        found = self._bmp.search(text)
        if self._astral is not None and not text.isascii() and _BEYOND_BMP.search(text):
            beyond = self._astral.search(text, 0, found.start() if found else len(text))
            found = beyond or found
        return found

    def sub(self, replacement: str, text: str) -> str:
        text = self._bmp.sub(replacement, text)
        return self._astral.sub(replacement, text) if self._astral is not None else text


def _class(ranges: list[list[int]]) -> re.Pattern[str]:
    return re.compile("[" + "".join(f"\\U{low:08x}-\\U{high:08x}" for low, high in ranges) + "]")


_BEYOND_BMP = re.compile("[\\U00010000-\\U0010ffff]")
_LINE_BREAK = _Characters(f.LINE_BREAKS)
_REFUSED_IN_TEXT = _Characters(f.UNSTORABLE)
_REFUSED_IN_LINE = _Characters(f.UNSTORABLE, f.BIDI_CONTROLS)
_NOT_ECHOED = _Characters(f.UNSTORABLE, f.LINE_BREAKS, f.BIDI_CONTROLS)
_PNG_REFUSED = {
    "not_png": "signature.not_png",
    "too_big": "signature.png_too_big",
    "unreadable": "signature.png_unreadable",
}


@dataclass(frozen=True)
class Revision:
    """The submission a revision replaces, and the secret of its status link that proves the right to."""

    submission_id: str
    status_key: str  # checked against the earlier record's hash, never stored

    def key_sha256(self) -> str:
        return status_key_sha256(self.status_key)


def status_key_sha256(status_key: str) -> str:
    """How a status secret is kept and compared: the SHA-256 (hex) of its ASCII text, as the page computes it."""
    return hashlib.sha256(status_key.encode("ascii")).hexdigest()


def secret_matches(expected_sha256: str | None, status_key: str) -> bool:
    """Whether a secret is the one whose hash is kept, compared in constant time; a v1 record has none."""
    if expected_sha256 is None:
        return False
    return hmac.compare_digest(expected_sha256, status_key_sha256(status_key))


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
    consent: Consent
    status_key_sha256: str
    revises: Revision | None = None

    def content(self) -> dict[str, Any]:
        """What the candidate sent, without the time: equal content means the same submission.

        The revision's secret is not content: it proves a right, and is never stored.
        """
        return {
            "scheme": {"id": self.scheme_id, "version": self.scheme_version},
            "candidate": {"name": self.name, "email": self.email, "phone": self.phone},
            "answers": {
                key: {"verdict": a.verdict, "evidence": a.evidence, "files": [file.to_dict() for file in a.files]}
                for key, a in self.answers
            },
            "declaration": True,
            "signature": self.signature.to_dict(),
            "consent": self.consent.to_dict(),
            "revises": {"submission_id": self.revises.submission_id} if self.revises else None,
            "status_key_sha256": self.status_key_sha256,
        }

    def files(self) -> list[tuple[str, int, EvidenceFile]]:
        """Every evidence file with its element key and its position in that element's list."""
        return [(key, index, file) for key, answer in self.answers for index, file in enumerate(answer.files)]

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
    if not _PATTERNS["scheme_version"].fullmatch(ref["version"]):
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


class _Found:
    """The problems found so far, the first message of each field, in the order found.

    Fields named by the client (unknown keys, or element keys when the scheme is not known) share
    one budget: past it they still make the submission invalid but are not reported.
    """

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.client_named = 0
        self.unreported = 0

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def add_client_named(self, field: str, message: str) -> None:
        if self.full:
            self.unreported += 1
            return
        self.client_named += 1
        self.add(field, message)

    @property
    def full(self) -> bool:
        """No more client-named field will be reported: checking the rest can only waste time."""
        return self.client_named >= f.CLIENT_NAMES_REPORTED

    def __bool__(self) -> bool:
        return bool(self.fields) or self.unreported > 0


Report = Callable[[str, str], None]


def validate_submission(payload: dict[str, Any], scheme: Scheme | None) -> Submission:
    """Check a payload against a scheme and return it normalised, or raise SubmissionProblems.

    With scheme None every check runs except which elements are answered: that is how the handler
    recognises a retry of a submission made against a version the catalog no longer has.
    """
    found = _Found()
    for key in duplicate_keys(payload):
        if key in TOP_LEVEL_KEYS:
            found.add(key, f.message("field.repeated"))
    ref = scheme_reference(payload)
    if ref is None:
        found.add(f.SCHEME, f.message("scheme.unreadable", label=f.LABELS[f.SCHEME]))
    submission_id = _check_submission_id(payload.get(f.SUBMISSION_ID), found)
    answers = _check_answers(payload.get(f.ANSWERS, {}), scheme, found)
    if scheme is not None:
        _check_total_size(answers, f.evidence_limits(scheme), found)
    name, email, phone = _check_candidate(payload.get(f.CANDIDATE, {}), found)
    if payload.get(f.DECLARATION) is not True:
        found.add(f.DECLARATION, f.message("declaration.required", label=f.LABELS[f.DECLARATION]))
    signature = _check_signature(payload.get(f.SIGNATURE), found)
    consent = _check_consent(payload.get(f.CONSENT), found)
    status_key = _check_status_key(payload.get(f.STATUS_KEY_SHA256), found)
    revises = _check_revises(payload.get(f.REVISES), submission_id, found)
    for key in payload:
        if key not in TOP_LEVEL_KEYS:
            found.add_client_named(shown(key), f.message("field.unknown"))
            if found.full:
                break
    if found:
        raise SubmissionProblems(found.fields)
    assert ref is not None and submission_id and name is not None and signature is not None
    assert consent is not None and status_key is not None
    return Submission(
        submission_id, ref.id, ref.version, name, email, phone, answers, signature, consent, status_key, revises
    )


def _check_submission_id(value: Any, found: _Found) -> str | None:
    if isinstance(value, str) and _PATTERNS["submission_id"].fullmatch(value):
        return value.lower()
    found.add(f.SUBMISSION_ID, f.message("submission_id.invalid", label=f.LABELS[f.SUBMISSION_ID]))
    return None


def _check_answers(value: Any, scheme: Scheme | None, found: _Found) -> tuple[tuple[str, Answer], ...]:
    if not isinstance(value, dict):
        found.add(f.ANSWERS, f.message("answers.unreadable"))
        return ()
    repeated = set(duplicate_keys(value))
    answers = []
    limits = f.evidence_limits(scheme) if scheme is not None else None
    if scheme is None:
        # The keys are the client's own: each is echoed shortened and counts against the budget.
        for key in value:
            if found.full:
                found.unreported += 1  # invalid already; the rest would not be reported
                break
            if _REFUSED_IN_TEXT.search(key):
                found.add_client_named(f"{f.ANSWERS}[{shown(key)}]", f.message("answers.unknown_element"))
                continue
            element = f.render(f.LABELS["element_key"], key=shown(key))
            answer = _check_answer(
                value[key], element, shown(key), key in repeated, found.add_client_named, found, limits
            )
            if answer is not None:
                answers.append((key, answer))
        return tuple(answers)
    elements = element_labels(scheme)
    for key, element in elements.items():
        answer = _check_answer(value.get(key), element, key, key in repeated, found.add, found, limits)
        if answer is not None:
            answers.append((key, answer))
    for key in value:
        if key not in elements:
            found.add_client_named(f"{f.ANSWERS}[{shown(key)}]", f.message("answers.unknown_element"))
            if found.full:
                break
    return tuple(answers)


def _check_answer(
    value: Any,
    element: str,
    key: str,
    repeated: bool,
    report: Report,
    found: _Found,
    limits: f.EvidenceLimits | None,
) -> Answer | None:
    """One element's answer; key is the element key as its field names show it.

    limits None (a scheme version the catalog no longer has): the files' shape is checked, not
    the limits, which were that version's.
    """
    verdict_field, evidence_field = f.verdict_field(key), f.evidence_field(key)
    if value is None:
        report(verdict_field, f.message("verdict.required", element=element))
        return None
    if not isinstance(value, dict):
        report(verdict_field, f.message("answer.unreadable", element=element))
        return None
    valid = True
    verdict = value.get("verdict")
    if repeated or duplicate_keys(value):
        report(verdict_field, f.message("answer.repeated", element=element))
        valid = False
    elif verdict is None or verdict == "":
        report(verdict_field, f.message("verdict.required", element=element))
        valid = False
    elif verdict not in f.VERDICTS:
        report(verdict_field, f.message("verdict.invalid", element=element))
        valid = False
    files = _check_files(value.get("files"), element, key, report, limits)
    valid = valid and files is not None
    label = f.render(f.LABELS["evidence"], element=element)
    evidence, problem = check_text(value.get("evidence"), "evidence", label)
    if problem is not None:
        report(evidence_field, problem)
        valid = False
    elif verdict == "K" and not evidence and not files:
        report(evidence_field, f.message("evidence.required", element=element))
        valid = False
    for name in value:
        if name not in ANSWER_KEYS:
            found.add_client_named(f"{f.ANSWERS}[{key}].{shown(name)}", f.message("field.unknown"))
            valid = False
            if found.full:
                break
    return Answer(verdict, evidence, files) if valid and evidence is not None and files is not None else None


def _check_files(
    value: Any, element: str, key: str, report: Report, limits: f.EvidenceLimits | None
) -> tuple[EvidenceFile, ...] | None:
    """An answer's evidence files as listed (absent: none); None when any of them is refused."""
    if value is None:
        return ()
    field = f.files_field(key)
    if not isinstance(value, list):
        report(field, f.message("files.unreadable", element=element))
        return None
    if limits is not None and len(value) > limits.max_files_per_element:
        if limits.max_files_per_element == 0:
            report(field, f.message("files.not_allowed", element=element))
        else:
            report(
                field, f.message("files.too_many", element=element, max=limits.max_files_per_element, count=len(value))
            )
        return None
    files, seen, valid = [], set(), True
    for index, item in enumerate(value):
        file, problem = _check_file(item, element, index, limits)
        if file is not None and file.sha256 in seen:
            file, problem = None, f.message("file.repeated", element=element, name=file.name)
        if problem is not None:
            report(f.file_field(key, index), problem)
            valid = False
        elif file is not None:
            seen.add(file.sha256)
            files.append(file)
    return tuple(files) if valid else None


def _check_file(
    item: Any, element: str, index: int, limits: f.EvidenceLimits | None
) -> tuple[EvidenceFile | None, str | None]:
    position = index + 1
    unreadable = f.message("file.unreadable", element=element, position=position)
    if not isinstance(item, dict) or set(item) != FILE_KEYS or duplicate_keys(item):
        return None, unreadable
    name, problem = check_text(item["name"], "file_name", f.render(f.LABELS["file_name"], element=element))
    if problem is not None:
        return None, problem
    if not name:
        return None, f.message("file.name_required", element=element, position=position)
    size, media_type, sha256 = item["size"], item["type"], item["sha256"]
    if type(size) is not int or size < 1 or not isinstance(sha256, str) or not _PATTERNS["sha256"].fullmatch(sha256):
        return None, unreadable
    if not isinstance(media_type, str) or media_type not in f.EVIDENCE_TYPES:
        media_type = None
    if limits is not None:
        if media_type not in limits.types:
            return None, f.message("file.type_not_allowed", element=element, name=name, types=limits.type_names())
        if size > limits.max_file_bytes:
            return None, f.message(
                "file.too_big",
                element=element,
                name=name,
                size_mb=f.megabytes(size),
                max_mb=f.megabytes(limits.max_file_bytes),
            )
    elif media_type is None:
        return None, unreadable
    return EvidenceFile(name, size, media_type, sha256), None


def _check_total_size(answers: tuple[tuple[str, Answer], ...], limits: f.EvidenceLimits, found: _Found) -> None:
    """All files together (each stored once, however many elements list it) within the scheme's limit."""
    sizes: dict[str, int] = {}
    for key, answer in answers:
        for file in answer.files:
            sizes[file.sha256] = file.size
            total = sum(sizes.values())
            if total > limits.max_total_bytes:
                found.add(
                    f.files_field(key),
                    f.message(
                        "files.total_too_big",
                        max_mb=f.megabytes(limits.max_total_bytes),
                        total_mb=f.megabytes(sum(file.size for _, a in answers for file in a.files)),
                    ),
                )
                return


def _check_consent(value: Any, found: _Found) -> Consent | None:
    """The separate consent checkbox: given, for a notice version the page names (its currency: app.py)."""
    label = f.LABELS[f.CONSENT]
    if value is None or (isinstance(value, dict) and value.get("given") is not True and set(value) <= CONSENT_KEYS):
        found.add(f.CONSENT, f.message("consent.required", label=label))
        return None
    version = value.get("notice_version") if isinstance(value, dict) else None
    if (
        not isinstance(value, dict)
        or set(value) != CONSENT_KEYS
        or duplicate_keys(value)
        or not isinstance(version, str)
        or not _PATTERNS["notice_version"].fullmatch(version)
    ):
        found.add(f.CONSENT, f.message("consent.unreadable", label=label))
        return None
    return Consent(True, version)


def _check_status_key(value: Any, found: _Found) -> str | None:
    if isinstance(value, str) and _PATTERNS["sha256"].fullmatch(value):
        return value
    found.add(f.STATUS_KEY_SHA256, f.message("status_key.invalid"))
    return None


def _check_revises(value: Any, submission_id: str | None, found: _Found) -> Revision | None:
    if value is None:
        return None
    earlier = value.get("submission_id") if isinstance(value, dict) else None
    key = value.get("status_key") if isinstance(value, dict) else None
    if (
        not isinstance(value, dict)
        or set(value) != REVISES_KEYS
        or duplicate_keys(value)
        or not isinstance(earlier, str)
        or not _PATTERNS["submission_id"].fullmatch(earlier)
        or not isinstance(key, str)
        or not _PATTERNS["status_key"].fullmatch(key)
    ):
        found.add(f.REVISES, f.message("revises.unreadable"))
        return None
    if earlier.lower() == submission_id:
        found.add(f.REVISES, f.message("revises.itself"))
        return None
    return Revision(earlier.lower(), key)


def element_labels(scheme: Scheme) -> dict[str, str]:
    """Each element key, in page order, with the name the page gives it: "Unit 1, elemen 3"."""
    labels = _element_labels.get((scheme.id, scheme.version))
    if labels is None:
        labels = {
            element.key: f.render(f.LABELS["element"], unit=position, element=element.number)
            for position, unit in enumerate(scheme.units, start=1)
            for element in unit.elements
        }
        _element_labels[(scheme.id, scheme.version)] = labels
    return labels


# By scheme id and version (the version is the hash of the content). Only schemes of the catalog
# get here, so the catalog's size bounds it, as it bounds handler.catalog's own cache.
_element_labels: dict[tuple[str, str], dict[str, str]] = {}


def _check_candidate(value: Any, found: _Found) -> tuple[str | None, str | None, str | None]:
    if not isinstance(value, dict):
        found.add(f.CANDIDATE, f.message("candidate.unreadable"))
        return None, None, None
    repeated = duplicate_keys(value)
    texts: list[str | None] = []
    for key in CANDIDATE_KEYS:
        field = f"{f.CANDIDATE}.{key}"
        if key in repeated:
            found.add(field, f.message("field.repeated"))
            texts.append(None)
            continue
        text, problem = check_text(value.get(key), field, f.LABELS[field])
        if problem is not None:
            found.add(field, problem)
        texts.append(text)
    for key in value:
        if key not in CANDIDATE_KEYS:
            found.add_client_named(f"{f.CANDIDATE}.{shown(key)}", f.message("field.unknown"))
            if found.full:
                break
    name, email, phone = texts
    return name, email or None, phone or None


def check_text(value: Any, rule_name: str, label: str) -> tuple[str | None, str | None]:
    """Apply a text rule of the table: (the text, trimmed, or None; the problem's message, or None).

    Absent (None) is empty. The steps and their order are the page's (checks.js `checkText`).
    """
    rule = f.TEXT_RULES[rule_name]
    if value is None:
        value = ""
    if not isinstance(value, str):
        return None, f.message("text.unreadable", label=label)
    one_line = rule["kind"] == f.LINE
    text = trim(value if one_line else value.replace("\r\n", "\n").replace("\r", "\n"))
    if not text:
        return ("", None) if "required" not in rule else (None, f.message(rule["required"], label=label))
    if one_line and _LINE_BREAK.search(text):
        return None, f.message("text.one_line", label=label)
    refused = (_REFUSED_IN_LINE if one_line else _REFUSED_IN_TEXT).search(text)
    if refused:
        code = f"U+{ord(refused.group()):04X}"
        return None, f.message("text.character", label=label, code=code, position=refused.start() + 1)
    if len(text) < rule["min"]:
        return None, f.message("text.too_short", label=label, min=rule["min"])
    if len(text) > rule["max"]:
        return None, f.message("text.too_long", label=label, max=rule["max"], count=len(text))
    digits = rule.get("digits")
    if ("pattern" in rule and not _PATTERNS[rule["pattern"]].fullmatch(text)) or (
        digits and not digits[0] <= sum("0" <= c <= "9" for c in text) <= digits[1]
    ):
        return None, f.message(rule["invalid"], label=label)
    return text, None


def trim(text: str) -> str:
    """Remove the table's SPACE characters from both ends (not str.strip(): see handler.fields)."""
    return text.strip(_SPACE)


def _check_signature(value: Any, found: _Found) -> Signature | None:
    label = f.LABELS[f.SIGNATURE]
    if value is None or (isinstance(value, str) and not trim(value)):
        found.add(f.SIGNATURE, f.message("signature.required", label=label))
        return None
    if not isinstance(value, str):
        found.add(f.SIGNATURE, f.message("signature.unreadable", label=label))
        return None
    if value.startswith("data:"):
        return _check_drawn_signature(value, label, found)
    text, problem = check_text(value, f.SIGNATURE, label)
    if problem is not None:
        found.add(f.SIGNATURE, problem)
        return None
    assert text
    return Signature("typed", text)


def _check_drawn_signature(value: str, label: str, found: _Found) -> Signature | None:
    limits = f.SIGNATURE_PNG
    try:
        header = png.read_header(png.decode_data_url(value, limits["max_bytes"]))
    except png.PngRefused as refused:
        found.add(f.SIGNATURE, f.message(_PNG_REFUSED[refused.reason], label=label, max_kb=limits["max_bytes"] // 1024))
        return None
    if header.width > limits["max_width"] or header.height > limits["max_height"]:
        found.add(
            f.SIGNATURE,
            f.message(
                "signature.png_too_wide",
                label=label,
                width=header.width,
                height=header.height,
                max_width=limits["max_width"],
                max_height=limits["max_height"],
            ),
        )
        return None
    return Signature("drawn", value)


def shown(name: str) -> str:
    """A name the client made up, as an error may echo it: at most CLIENT_NAME_SHOWN code points, inert."""
    if len(name) <= f.CLIENT_NAME_SHOWN and name.isascii() and name.isprintable():
        return name  # the usual case, and the cheap one: nothing to shorten or replace
    safe = _NOT_ECHOED.sub("\ufffd", name[: f.CLIENT_NAME_SHOWN])
    return safe if len(name) <= f.CLIENT_NAME_SHOWN else safe + "\u2026"
