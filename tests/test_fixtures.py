"""The tests' own schemes are what support/schemes.py says they are, and the handler takes each of them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support.api import Clock, configure_api
from support.handler import full_payload
from support.schemes import SMALL, SMALL_SCHEMES

from handler import app
from handler.store import LocalStore
from swanilai.scheme_source import check_schemes


def shape(scheme) -> list[tuple[str | None, list[list[str]]]]:
    """Each unit's code and, per element, its KUK numbers."""
    return [(unit.code, [[c.number for c in e.criteria] for e in unit.elements]) for unit in scheme.units]


def test_every_small_scheme_is_described(small_schemes):
    assert sorted(small_schemes) == sorted(SMALL)


def test_dua_unit_is_two_coded_units_with_one_and_two_elements(small_schemes):
    scheme = small_schemes["dua-unit"]
    assert shape(scheme) == [("M.70MKT00.001.1", [["1.1"]]), ("M.70MKT00.002.1", [["1.1", "1.2"], ["2.1"]])]
    assert scheme.element_keys() == ("M.70MKT00.001.1/1", "M.70MKT00.002.1/1", "M.70MKT00.002.1/2")


def test_unit_tanpa_kode_is_keyed_by_its_title_with_two_warnings(small_schemes):
    scheme = small_schemes["unit-tanpa-kode"]
    assert (scheme.kind, scheme.units[1].code) == (None, None)
    assert scheme.element_keys()[1:] == (
        "menyusun-pelayanan-yang-khas-branded-service/1",
        "menyusun-pelayanan-yang-khas-branded-service/2",
    )
    problems = [p.format("en") for p in check_schemes(SMALL_SCHEMES).problems]
    assert len(problems) == 2, problems
    assert "unit-tanpa-kode.yaml:2: warning: scheme kind is not set" in problems[0]
    assert (
        "unit-tanpa-kode.yaml:17: warning: unit 2 (Menyusun Pelayanan yang Khas (Branded Service)) has no code"
        in problems[1]
    )


def test_kuk_banyak_numbers_criteria_past_nine(small_schemes):
    numbers = shape(small_schemes["kuk-banyak"])[0][1][0]
    assert numbers == [f"1.{n}" for n in range(1, 13)]


@pytest.mark.parametrize("scheme_id", sorted(SMALL))
def test_handler_stores_a_full_submission_of_each_small_scheme(tmp_path, small_schemes, small_catalog_dir, scheme_id):
    clock = Clock(datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC))
    api = configure_api(LocalStore(tmp_path / "var"), small_catalog_dir, clock)
    try:
        result = api.post(full_payload(small_schemes[scheme_id]))
    finally:
        app.configure(None)
    assert result.status == 201, result.text
    assert [key.split("/")[1] for key in api.keys()] == [scheme_id, scheme_id]
