"""Time zones the product shows: Indonesian Western Time for people, UTC for keys and records."""

from __future__ import annotations

from datetime import timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")  # Asia/Jakarta, no daylight saving
