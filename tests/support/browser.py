"""Chromium as the tests drive it: the launch settings, a phone and a laptop, and a guard that keeps pages on 127.0.0.1.

A plain module, not a fixture file, so that module-scoped fixtures elsewhere can build the same phone.
"""

from __future__ import annotations

from urllib.parse import urlsplit

# One definition, shared with bench/ (which may not import the tests' support).
from swanilai.testing import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: F401

LAPTOP = {
    "viewport": {"width": 1280, "height": 800},
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}


def phone_context(browser):
    """A phone-sized context that aborts, and records in `context.outside_requests`, any request leaving 127.0.0.1."""
    return guarded_context(browser, **PHONE)


def guarded_context(browser, **options):
    """A context (phone, laptop, ...) that aborts, and records in `context.outside_requests`, any request leaving 127.0.0.1."""
    context = browser.new_context(**options)
    outside: list[str] = []

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", guard)
    context.outside_requests = outside
    return context
