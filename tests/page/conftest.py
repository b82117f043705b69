"""Fixtures of the candidate's page tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_script_errors_nor_outside_requests(request):
    """Fail any test that drives the `phone` page on an uncaught script error or a request leaving 127.0.0.1.

    Tests that use no `phone` (a module-scoped page guards itself) are left alone rather than handed
    a browser context they never use.
    """
    if "phone" not in request.fixturenames:
        yield
        return
    phone = request.getfixturevalue("phone")
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    yield
    assert errors == []
    assert phone.outside_requests == []
