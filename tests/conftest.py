"""Shared fixtures: schemes and the built site, AWS under moto, a real Chromium at phone size."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import CHROMIUM, CHROMIUM_ARGS, phone_context

from handler.scheme import Scheme, read_catalog_entry
from swanilai import site

HERE = Path(__file__).resolve().parent
# The tests' own schemes: a copy of the seed as it was transcribed, so an LSP's edit of its
# production scheme never turns the tests red (schemes/ only has to pass `check`).
FIXTURE_SCHEMES = HERE / "fixtures" / "schemes"
SEED_ID = "konsultasi-manajemen-pemasaran"


# -- schemes and the site


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """Build the tests' schemes into a temporary site and catalog once per session."""
    out = tmp_path_factory.mktemp("build")
    site.build(site_dir=out / "site", scheme_dir=FIXTURE_SCHEMES, catalog_dir=out / "catalog")
    return out


@pytest.fixture(scope="session")
def site_dir(built) -> Path:
    return built / "site"


@pytest.fixture(scope="session")
def catalog_dir(built) -> Path:
    return built / "catalog"


@pytest.fixture(scope="session")
def seed(catalog_dir) -> Scheme:
    scheme = read_catalog_entry(catalog_dir, SEED_ID)
    assert scheme is not None
    return scheme


# -- AWS, in process


@pytest.fixture
def aws_env(monkeypatch) -> None:
    """Fake credentials and region, so nothing can ever reach a real AWS account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)


@pytest.fixture
def s3(aws_env) -> Iterator[object]:
    """An S3 client inside moto's in-process mock."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        yield boto3.client("s3", region_name="ap-southeast-3")


@pytest.fixture
def bucket(s3) -> str:
    name = "swanilai-test-submissions"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    return name


# -- a real browser


# Module scope, not session: Playwright's sync API allows one running instance per thread, and
# assessor.py's PDF rendering (called in-process by its tests) starts its own.
@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (tests/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A phone-sized page that records every request leaving 127.0.0.1 and blocks it."""
    context = phone_context(browser)
    page = context.new_page()
    page.outside_requests = context.outside_requests  # type: ignore[attr-defined]
    yield page
    context.close()


# -- the built site over HTTP (static files only; the API's own tests start `build.py serve`)


@pytest.fixture(scope="session")
def static_url(site_dir) -> Iterator[str]:
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_dir)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
