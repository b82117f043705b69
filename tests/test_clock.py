"""Time is an input: the tests' clock shift is real, and the handler files by the clock it is given.

tests/run runs the tests marked `clock` a second time with the machine's clock 400 days ahead.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from support.api import Clock, configure_api
from support.clock import DAY, clock_shift_problem
from support.handler import full_payload

from handler import app
from handler.store import LocalStore

REAL = 1_795_000_000.0  # 2026-11-18, any fixed instant


@pytest.mark.parametrize(
    "environ, now, problem",
    [
        ({}, REAL, None),
        ({"SWANILAI_CLOCK_AHEAD_DAYS": "400", "SWANILAI_REAL_EPOCH": str(REAL)}, REAL + 400 * DAY + 5, None),
        (
            {"SWANILAI_CLOCK_AHEAD_DAYS": "400", "SWANILAI_REAL_EPOCH": str(REAL)},
            REAL + 5,
            "the clock should be 400 days ahead but is 0.0 days from the real time: faketime (libfaketime) did not "
            "take effect; install Debian's faketime and run `bash tests/run`",
        ),
        (
            {"SWANILAI_CLOCK_AHEAD_DAYS": "400"},
            REAL,
            "SWANILAI_CLOCK_AHEAD_DAYS needs an integer and SWANILAI_REAL_EPOCH the real time in epoch seconds",
        ),
    ],
    ids=["not-asked", "shifted", "not-shifted", "real-time-missing"],
)
def test_a_clock_that_did_not_move_is_refused(environ, now, problem):
    assert clock_shift_problem(environ, now) == problem


@pytest.mark.clock
def test_handler_files_by_the_clock_it_is_given_not_the_machines(tmp_path, small_schemes, small_catalog_dir):
    # Run a year ahead by tests/run, this shows that no date of the machine leaks into a record.
    given = datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC)
    api = configure_api(LocalStore(tmp_path / "var"), small_catalog_dir, Clock(given))
    try:
        result = api.post(full_payload(small_schemes["dua-unit"]))
    finally:
        app.configure(None)
    assert result.status == 201, result.text
    assert result.json["received_at"] == "2026-11-23T23:15:02.123Z"
    payload_id = result.json["submission_id"]
    assert sorted(api.keys()) == [
        f"submissions/dua-unit/2026/11/23/{payload_id}.json",
        f"submissions/dua-unit/by-id/{payload_id}.marker",
    ]
