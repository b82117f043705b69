"""Property-based fuzzing of lambda_handler: whatever arrives, the API never fails open.

Four families of hostile requests (swanilai/fuzzing.py) go straight through `handler.app.lambda_handler`
with the tests' catalog and a fresh LocalStore per case. Every answer must be a status
docs/openapi.yaml documents for that case, never a 5xx, with a body the document describes, an
error body of at most 64 KB, nothing stored for a 4xx, and for a 201 exactly one record that parses,
matches its receipt and validates again, holding only text every document format can hold.

Profiles (HYPOTHESIS_PROFILE): `ci`, the default, runs 200 derandomized cases per family, the same
on every run; `deep` runs 5,000 random ones per family and prints a blob to replay a failure.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.handler import check_response

from handler import app
from swanilai.fuzzing import FAMILIES, Target, assert_no_problems, fuzz_settings, problems

FUZZ = fuzz_settings(os.environ.get("HYPOTHESIS_PROFILE"))


@pytest.fixture(scope="module")
def target(catalog_dir, seed, tmp_path_factory):
    yield Target(catalog_dir, seed, tmp_path_factory.mktemp("fuzz"))
    app.configure(None)


def _fuzz(target, family: str, data) -> None:
    case = data.draw(FAMILIES[family](target.scheme), label="case")
    answer = target.send(case)
    assert_no_problems(problems(case, answer, target.scheme, check_response))


@FUZZ
@given(data=st.data())
def test_any_json_document_is_refused_cleanly(target, data):
    _fuzz(target, "json", data)


@FUZZ
@given(data=st.data())
def test_any_string_in_any_field_is_stored_safely_or_refused(target, data):
    _fuzz(target, "field", data)


@FUZZ
@given(data=st.data())
def test_mutated_submission_is_stored_once_or_refused(target, data):
    _fuzz(target, "mutation", data)


@FUZZ
@given(data=st.data())
def test_raw_body_under_any_envelope_gets_its_documented_status(target, data):
    _fuzz(target, "raw", data)
