"""Days as people in Indonesia count them: Western Indonesian Time (WIB, UTC+7, no daylight saving).

Keys and records keep UTC; anything a person names as a day (the desk's filters, `assessor.py pull
--since`, an export's file name) is a WIB day, which starts at 17:00 UTC of the day before.
Standard library only (Lambda).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta


def wib_day(moment: datetime) -> date:
    """The WIB day a moment falls on."""
    return moment.astimezone(WIB).date()


def wib_day_start(day: date) -> datetime:
    """The first instant of a WIB day, in UTC (00:00 WIB is 17:00 UTC of the day before)."""
    return datetime.combine(day, time(), WIB).astimezone(UTC)


def wib_days_between(first: date | None, last: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC half-open range [start, end) of the WIB days first..last, inclusive; None leaves a side open."""
    start = wib_day_start(first) if first is not None else None
    end = wib_day_start(last + timedelta(days=1)) if last is not None else None
    return start, end


def wib_text(moment: datetime) -> str:
    """A time as the desk and the forms show it: `2026-11-24 06:15 WIB`."""
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"
