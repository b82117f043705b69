"""Revise and resend: a new record naming the one it replaces, proven by that one's secret; nothing stored changes."""

from __future__ import annotations

import json

import pytest
from support.api import configure_api
from support.handler import STATUS_KEY, full_payload

from handler import app, fields
from handler.store import LocalStore, revised_by_key, submission_marker_key
from swanilai.testing import status_event

SEED = "konsultasi-manajemen-pemasaran"
FIRST = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
SECOND = "1c6f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
THIRD = "2d7f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
KEY_2 = "S" * 43
KEY_3 = "T" * 43
E1 = "M.70MKT00.019.2/1"


def revision(
    seed, submission_id=SECOND, revises=FIRST, proof=STATUS_KEY, key=KEY_2, evidence="Revisi: sertifikat 2025"
):
    payload = full_payload(
        seed, submission_id=submission_id, status_key=key, revises={"submission_id": revises, "status_key": proof}
    )
    payload["answers"][E1]["evidence"] = evidence
    return payload


@pytest.fixture
def first(api, seed):
    assert api.post(full_payload(seed, submission_id=FIRST)).status == 201
    return {key: api.store.get(key) for key in api.keys()}


def stored_objects(api) -> dict[str, bytes]:
    return {key: api.store.get(key) for key in api.keys()}


def record(api, submission_id):
    (key,) = [k for k in api.keys() if k.endswith(f"/{submission_id}.json")]
    return json.loads(api.store.get(key))


def test_a_revision_is_a_new_record_and_the_first_is_unchanged(api, seed, first):
    result = api.post(revision(seed))
    assert result.status == 201
    after = stored_objects(api)
    assert {key: after[key] for key in first} == first  # not one byte of the first submission changed
    new = sorted(set(after) - set(first))
    assert new == sorted(
        [
            next(k for k in after if k.endswith(f"/{SECOND}.json")),
            submission_marker_key(SEED, SECOND),
            revised_by_key(SEED, FIRST),
        ]
    )
    assert record(api, SECOND)["revises"] == {"submission_id": FIRST}
    assert json.loads(api.store.get(revised_by_key(SEED, FIRST)))["submission_id"] == SECOND
    # The proof is never stored, anywhere.
    assert not any(STATUS_KEY.encode() in body for body in after.values())
    # The first submission's status now names its revision; the revision names what it revises.
    assert api.call(status_event(SEED, FIRST)).json["revised_by"] == SECOND
    assert api.call(status_event(SEED, SECOND, KEY_2)).json["revises"] == FIRST


REFUSED = [
    ("wrong-secret", dict(proof="W" * 43)),
    ("secret-of-another-submission", dict(proof=KEY_3)),
    ("unknown-earlier-submission", dict(revises="3e8f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69")),
]


@pytest.mark.parametrize("changes", [c[1] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_a_revision_without_the_earlier_submissions_secret_is_refused_and_nothing_stored(api, seed, first, changes):
    # A third submission whose own secret is KEY_3: knowing one secret opens nothing else.
    assert api.post(full_payload(seed, submission_id=THIRD, status_key=KEY_3)).status == 201
    before = stored_objects(api)
    result = api.post(revision(seed, **changes))
    assert (result.status, result.json["error"], result.json["message"]) == (
        404,
        "revision_not_found",
        fields.ERRORS["revision_not_found"]["message"],
    )
    assert stored_objects(api) == before


def test_a_revision_across_schemes_is_refused(tmp_path, small_catalog_dir, small_schemes, clock):
    # dua-unit's submission cannot be revised by a submission of unit-tanpa-kode, even with its secret.
    api = configure_api(LocalStore(tmp_path / "var"), small_catalog_dir, clock)
    try:
        assert api.post(full_payload(small_schemes["dua-unit"], submission_id=FIRST)).status == 201
        other = full_payload(
            small_schemes["unit-tanpa-kode"],
            submission_id=SECOND,
            revises={"submission_id": FIRST, "status_key": STATUS_KEY},
        )
        assert (api.post(other).status, api.post(other).json["error"]) == (404, "revision_not_found")
    finally:
        app.configure(None)


def test_a_replayed_revision_gets_its_receipt_and_stores_nothing_more(api, seed, first, clock):
    first_try = api.post(revision(seed))
    stored = stored_objects(api)
    clock.advance(minutes=5)
    replay = api.post(revision(seed))
    assert (first_try.status, replay.status, replay.json) == (201, 200, first_try.json)
    assert stored_objects(api) == stored


def test_a_replay_must_still_prove_the_secret(api, seed, first):
    assert api.post(revision(seed)).status == 201
    assert api.post(revision(seed, proof="W" * 43)).json["error"] == "revision_not_found"


def test_a_revision_of_a_revision_makes_a_chain(api, seed, first):
    assert api.post(revision(seed)).status == 201
    third = revision(seed, submission_id=THIRD, revises=SECOND, proof=KEY_2, key=KEY_3, evidence="Revisi kedua")
    assert api.post(third).status == 201
    assert (record(api, SECOND)["revises"], record(api, THIRD)["revises"]) == (
        {"submission_id": FIRST},
        {"submission_id": SECOND},
    )
    assert api.call(status_event(SEED, SECOND, KEY_2)).json["revised_by"] == THIRD


def test_a_second_different_revision_of_one_submission_is_refused_with_the_first_revisions_receipt(api, seed, first):
    accepted = api.post(revision(seed))
    before = stored_objects(api)
    other = revision(seed, submission_id=THIRD, key=KEY_3, evidence="Revisi lain")
    result = api.post(other)
    assert (result.status, result.json["error"]) == (409, "already_revised")
    assert result.json["receipt"] == accepted.json
    # What the refused revision left is its by-id claim only: no record, and the first revision stands.
    left = sorted(set(stored_objects(api)) - set(before))
    assert left == [submission_marker_key(SEED, THIRD)]
    assert json.loads(api.store.get(revised_by_key(SEED, FIRST)))["submission_id"] == SECOND


class CrashBeforeClaim(LocalStore):
    """A store whose process dies between the revision's by-id marker and its claim."""

    def create(self, key, body):
        if "/revised-by/" in key:
            raise RuntimeError("crash between the marker and the claim")
        super().create(key, body)


def test_a_revision_whose_claim_was_lost_in_a_crash_is_healed_by_its_retry(api, seed, first, catalog_dir):
    from handler.catalog import load_scheme
    from handler.filing import file_submission
    from handler.submission import validate_submission

    entry = load_scheme(catalog_dir, SEED)
    with pytest.raises(RuntimeError):
        file_submission(
            CrashBeforeClaim(api.store.root), validate_submission(revision(seed), entry.scheme), entry, api.clock()
        )
    assert api.store.get(revised_by_key(SEED, FIRST)) is None
    retry = api.post(revision(seed))
    assert retry.status == 200
    assert json.loads(api.store.get(revised_by_key(SEED, FIRST)))["submission_id"] == SECOND
    assert record(api, SECOND)["revises"] == {"submission_id": FIRST}


@pytest.mark.parametrize(
    "revises, message",
    [
        ({"submission_id": FIRST}, "revises.unreadable"),
        ({"submission_id": FIRST, "status_key": "short"}, "revises.unreadable"),
        ({"submission_id": "x", "status_key": STATUS_KEY}, "revises.unreadable"),
        ({"submission_id": FIRST, "status_key": STATUS_KEY, "extra": 1}, "revises.unreadable"),
        ("0b5f8a47", "revises.unreadable"),
        ({"submission_id": SECOND.upper(), "status_key": STATUS_KEY}, "revises.itself"),
    ],
    ids=["no-secret", "short-secret", "malformed-id", "unknown-member", "not-an-object", "itself"],
)
def test_a_malformed_revision_is_a_field_message(api, seed, revises, message):
    payload = full_payload(seed, submission_id=SECOND, revises=revises)
    result = api.post(payload)
    assert (result.status, result.fields) == (400, {"revises": fields.message(message)})
