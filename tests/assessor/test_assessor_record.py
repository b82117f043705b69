"""handler/record.py: stored records and reviews are read back exactly, and anything else is refused by name."""

from __future__ import annotations

import base64
import json

import pytest
from support.records import make_record, png_data_url, record_body, record_key, tiny_png

from handler import png
from handler.record import RecordError, parse_record, parse_review
from swanilai.testing import png as make_png

ID = "5b8e9a52-3d5a-4c8e-9a0e-2f1c7c1d9b11"
KEY = f"submissions/konsultasi-manajemen-pemasaran/2026/11/23/{ID}.json"
WHERE = f"var/{KEY}"


def test_record_reads_back_every_answer_and_the_schemes_own_text(seed):
    data = make_record(seed, name="Siti Rahayu")
    record = parse_record(record_body(data), record_key(data), WHERE)
    assert record.scheme == seed
    assert set(record.answers) == set(seed.element_keys())
    assert record.count("K") + record.count("BK") == len(seed.elements)
    assert record.candidate.name == "Siti Rahayu"
    assert record.received_at.isoformat() == "2026-11-23T23:15:02.123000+00:00"
    assert record.signature.kind == "drawn" and record.signature.value == data["signature"]["data_url"]


def _broken(seed, change) -> bytes:
    data = make_record(seed, submission_id=ID)
    change(data)
    return json.dumps(data).encode()


BAD_RECORDS = [
    ("truncated", lambda seed: _broken(seed, lambda d: None)[:500], "is not valid JSON (truncated or corrupt)", False),
    ("not-json", lambda seed: b"\x00\x01garbage", "is not valid JSON (truncated or corrupt)", False),
    ("a-list", lambda seed: b"[]", "is not a JSON object", False),
    (
        "newer-record-version",
        lambda seed: _broken(seed, lambda d: d.update(record_version=3)),
        "has record_version 3, which this version of Swanilai does not know (it reads 1 and 2)",
        True,
    ),
    (
        "no-record-version",
        lambda seed: _broken(seed, lambda d: d.pop("record_version")),
        "has record_version None, which this version of Swanilai does not know (it reads 1 and 2)",
        True,
    ),
    (
        "unknown-scheme-format",
        lambda seed: _broken(seed, lambda d: d["scheme"].update(format=9)),
        "its scheme is of an unknown format (compiled scheme format 9 is not 1)",
        True,
    ),
    (
        "scheme-without-units",
        lambda seed: _broken(seed, lambda d: d["scheme"].pop("units")),
        "its scheme is incomplete (missing 'units')",
        False,
    ),
    (
        "no-candidate",
        lambda seed: _broken(seed, lambda d: d.pop("candidate")),
        "field 'candidate' is missing or not a dict",
        False,
    ),
    (
        "bad-verdict",
        lambda seed: _broken(seed, lambda d: d["answers"][seed.element_keys()[0]].update(verdict="YA")),
        "is not a verdict K or BK with evidence text",
        False,
    ),
    (
        "bad-time",
        lambda seed: _broken(seed, lambda d: d.update(received_at="kemarin")),
        "field 'received_at' is not a UTC time like 2026-11-23T23:15:02.123Z: 'kemarin'",
        False,
    ),
    (
        "bad-signature",
        lambda seed: _broken(seed, lambda d: d.update(signature={"kind": "stamp"})),
        "signature kind 'stamp' is neither 'drawn' nor 'typed'",
        False,
    ),
]


@pytest.mark.parametrize(
    "make, problem, unknown_version", [row[1:] for row in BAD_RECORDS], ids=[row[0] for row in BAD_RECORDS]
)
def test_unreadable_record_is_refused_naming_the_file(seed, make, problem, unknown_version):
    with pytest.raises(RecordError) as caught:
        parse_record(make(seed), KEY, WHERE)
    assert problem in str(caught.value)
    assert str(caught.value).startswith(f"{WHERE}: ")
    assert caught.value.unknown_version is unknown_version


REVIEW_KEY = f"reviews/s/{ID}/20261124T010203.456Z.json"
REVIEW = {
    "record_version": 1,
    "submission_id": ID,
    "scheme_id": "s",
    "reviewed_at": "2026-11-24T01:02:03.456Z",
    "assessor": {"name": "A", "registration": "R"},
    "recommendation": "lanjut",
    "notes": None,
}


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            {"record_version": 3},
            "has record_version 3, which this version of Swanilai does not know (it reads 1 and 2)",
        ),
        ({"recommendation": "tidak-lanjut"}, "recommendation 'tidak-lanjut' is not one of lanjut, tidak_lanjut"),
        ({"assessor": "A"}, "field 'assessor' is missing or not a dict"),
        (
            {"reviewed_at": "2026-11-24T01:02:03"},
            "field 'reviewed_at' is not a UTC time like 2026-11-23T23:15:02.123Z: '2026-11-24T01:02:03'",
        ),
    ],
    ids=["newer-version", "hyphenated-recommendation", "assessor-not-object", "naive-time"],
)
def test_unreadable_review_is_refused(change, problem):
    with pytest.raises(RecordError) as caught:
        parse_review(json.dumps({**REVIEW, **change}).encode(), REVIEW_KEY)
    assert str(caught.value) == f"{REVIEW_KEY}: {problem}"


def test_a_review_written_by_swanilai_0_1_under_a_microsecond_key_is_read_not_skipped():
    # 0.1 named the key to the microsecond and wrote the body's time to the millisecond.
    legacy_key = f"reviews/s/{ID}/20261124T010203.456789Z.json"
    review = parse_review(json.dumps(REVIEW).encode(), legacy_key)
    assert review.reviewed_at.isoformat() == "2026-11-24T01:02:03.456000+00:00"
    later = {**REVIEW, "reviewed_at": "2026-11-24T01:02:03.457Z"}
    with pytest.raises(RecordError, match="is not the time in its name"):
        parse_review(json.dumps(later).encode(), legacy_key)


def test_review_reads_back():
    review = parse_review(json.dumps(REVIEW).encode(), REVIEW_KEY)
    assert (review.assessor_name, review.registration, review.recommendation) == ("A", "R", "lanjut")
    assert review.reviewed_at.isoformat() == "2026-11-24T01:02:03.456000+00:00"


@pytest.mark.parametrize(
    "data_url, accepted",
    [
        (png_data_url(), True),
        ("data:image/png;base64," + base64.b64encode(b"GIF89a not a png").decode(), False),
        ("data:image/svg+xml;base64," + base64.b64encode(tiny_png()).decode(), False),
        ('data:image/png;base64,AAAA" onerror="alert(1)', False),
        ("data:image/png;base64," + base64.b64encode(tiny_png() + b"\0" * 300_000).decode(), False),
        ("javascript:alert(1)", False),
        ("data:image/png;base64," + base64.b64encode(make_png(width=2001, height=10)).decode(), False),
    ],
    ids=["real-png", "not-png-bytes", "svg", "attribute-injection", "too-large", "javascript-url", "too-wide"],
)
def test_signature_is_embedded_only_when_it_really_is_a_small_png(data_url, accepted):
    assert (png.drawable(data_url, 200 * 1024, 2000, 1000) is not None) is accepted


def test_each_record_keeps_its_own_scheme_text_even_under_the_same_version(seed):
    def parsed(data):
        return parse_record(record_body(data), record_key(data))

    first = parsed(make_record(seed))
    altered = make_record(seed)
    altered["scheme"]["units"][0]["title"] = "Judul unit yang berbeda"  # same id and version, other text
    assert parsed(altered).scheme.units[0].title == "Judul unit yang berbeda"
    assert parsed(make_record(seed)).scheme == first.scheme == seed
