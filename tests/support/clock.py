"""The proof that tests/run's second run really has the clock moved ahead.

tests/run sets SWANILAI_CLOCK_AHEAD_DAYS (how far faketime moves the clock) and SWANILAI_REAL_EPOCH
(the real time, read before faketime started); pytest refuses to start when the process's clock is
not that far ahead. So a libfaketime that failed to load, or a clock reset, fails the run instead of
rerunning the time tests on today's date.
"""

from __future__ import annotations

from collections.abc import Mapping

DAY = 86_400
SLACK = DAY  # the rerun starts seconds after the real time was read; a day covers any slow start


def clock_shift_problem(environ: Mapping[str, str], now: float) -> str | None:
    """Why the clock is not as far ahead as tests/run asked, or None (also when no shift was asked)."""
    days = environ.get("SWANILAI_CLOCK_AHEAD_DAYS")
    if days is None:
        return None
    try:
        ahead, real = int(days), float(environ["SWANILAI_REAL_EPOCH"])
    except (KeyError, ValueError):
        return "SWANILAI_CLOCK_AHEAD_DAYS needs an integer and SWANILAI_REAL_EPOCH the real time in epoch seconds"
    moved = (now - real) / DAY
    if abs(now - real - ahead * DAY) > SLACK:
        return (
            f"the clock should be {ahead} days ahead but is {moved:.1f} days from the real time: "
            "faketime (libfaketime) did not take effect; install Debian's faketime and run `bash tests/run`"
        )
    return None
