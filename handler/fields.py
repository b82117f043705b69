"""The form's field names and limits: the one vocabulary of the page, the handler and the tests.

A field name is the path of its value in the submission JSON. Answers use the element key in
brackets (`answers[M.70MKT00.019.2/1].verdict`) because keys themselves contain dots.
The page renders exactly these names; the handler's 400 messages are keyed by them.
"""

from __future__ import annotations

from handler.scheme import Scheme

CANDIDATE_NAME = "candidate.name"
CANDIDATE_EMAIL = "candidate.email"
CANDIDATE_PHONE = "candidate.phone"
DECLARATION = "declaration"
SIGNATURE = "signature"
SUBMISSION_ID = "submission_id"
SCHEME = "scheme"
# Whole objects, named only when the object itself is unreadable (e.g. a list where an object belongs).
CANDIDATE = "candidate"
ANSWERS = "answers"
# Hidden from people, filled in by naive bots: a filled honeypot is rejected and nothing stored.
HONEYPOT = "website"

VERDICTS = ("K", "BK")

# Limits the page enforces as `maxlength` and the handler enforces again.
NAME_MIN = 2
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 32
# A phone number: an optional leading +, then digits, spaces, dots, hyphens and parentheses,
# with 6 to 15 digits (15 is the E.164 maximum). The page and the handler apply the same rule.
PHONE_DIGITS_MIN = 6
PHONE_DIGITS_MAX = 15
PHONE_PATTERN = r"^(\+?[0-9 ().-]+)?$"  # empty means "not given"
EVIDENCE_MAX = 2000
TYPED_SIGNATURE_MIN = 2
TYPED_SIGNATURE_MAX = 200
SIGNATURE_PNG_MAX_BYTES = 200 * 1024
BODY_MAX_BYTES = 512 * 1024

# How the page labels each field; the handler names fields by these labels in its messages.
LABELS = {
    CANDIDATE_NAME: "Nama Asesi",
    CANDIDATE_EMAIL: "Email",
    CANDIDATE_PHONE: "Nomor telepon",
    DECLARATION: "Pernyataan",
    SIGNATURE: "Tanda Tangan Asesi",
}


def verdict_field(key: str) -> str:
    return f"answers[{key}].verdict"


def evidence_field(key: str) -> str:
    return f"answers[{key}].evidence"


def candidate_fields() -> tuple[str, ...]:
    return (CANDIDATE_NAME, CANDIDATE_EMAIL, CANDIDATE_PHONE)


def form_fields(scheme: Scheme) -> list[str]:
    """Every field name a candidate can fill in on the scheme's page, in page order."""
    answers = [name for key in scheme.element_keys() for name in (verdict_field(key), evidence_field(key))]
    return [*answers, *candidate_fields(), DECLARATION, SIGNATURE]
