"""Time zones the product shows: WIB for people, UTC for keys and records (defined once, in handler/wib.py)."""

from __future__ import annotations

from handler.wib import WIB, wib_day, wib_day_start  # noqa: F401 - swanilai's code imports them from here
