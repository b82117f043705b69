"""Waiting for the browser: `swanilai.testing.wait_until`, and a guard against the trap it replaces.

Playwright's `wait_for_function` does not await a promise, and a pending promise is truthy: given an
async predicate it passes at once (microsoft/playwright#29132). The offline-reload test waited that way
for the service worker and went offline before the worker had kept the page, about one run in three.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

from swanilai.testing import wait_until

ROOT = Path(__file__).resolve().parents[2]
ASYNC_JS = re.compile(r"\basync\b|\bawait\b|\.then\(|\bPromise\b")


def async_waits(path: Path, relative: str) -> list[str]:
    """`file:line` of every `wait_for_function` call in `path` whose expression is asynchronous."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=relative)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr != "wait_for_function" or not node.args:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and ASYNC_JS.search(first.value):
            found.append(f"{relative}:{node.lineno}")
    return found


def test_no_wait_for_function_is_given_an_async_predicate():
    found = [
        problem
        for base in ("tests", "bench", "swanilai")
        for path in sorted((ROOT / base).rglob("*.py"))
        if ".venv" not in path.parts
        for problem in async_waits(path, str(path.relative_to(ROOT)))
    ]
    assert found == [], "wait_for_function passes at once on a promise; use swanilai.testing.wait_until:\n" + "\n".join(
        found
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        ('page.wait_for_function("async () => (await caches.keys()).length > 0")', ["x.py:1"]),
        ('page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")', ["x.py:1"]),
        ('page.wait_for_function(\n    "window.Swanilai && window.Swanilai.form"\n)', []),
    ],
    ids=["async-arrow", "then", "sync"],
)
def test_the_guard_tells_async_predicates_from_sync_ones(tmp_path, source, expected):
    (tmp_path / "x.py").write_text(source + "\n")
    assert async_waits(tmp_path / "x.py", "x.py") == expected


# -- the helper, in a real browser


@pytest.fixture
def blank(phone):
    phone.set_content("<!doctype html><title>wait</title>")
    return phone


@pytest.mark.browser
def test_wait_until_waits_for_an_async_condition_that_becomes_true_later(blank):
    blank.evaluate("setTimeout(() => { window.ready = true; }, 400)")
    started = time.monotonic()
    wait_until(blank, "async () => { await null; return window.ready === true; }", timeout_ms=10_000)
    assert blank.evaluate("window.ready") is True
    assert time.monotonic() - started >= 0.3  # it waited: a pending promise did not count as true


@pytest.mark.browser
def test_wait_until_fails_when_the_condition_never_holds(blank):
    with pytest.raises(TimeoutError, match="not true within 300 ms"):
        wait_until(blank, "async () => false", timeout_ms=300)


@pytest.mark.browser
def test_wait_until_reports_a_predicate_that_throws(blank):
    with pytest.raises(Exception, match="no such thing"):
        wait_until(blank, "async () => { throw new Error('no such thing'); }", timeout_ms=300)
