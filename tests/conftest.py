"""Shared fixtures: schemes and the built site, AWS under moto, a real Chromium at phone size."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.browser import CHROMIUM, CHROMIUM_ARGS, phone_context
from support.clock import clock_shift_problem
from support.schemes import FIXTURE_SCHEMES, SEED_ID, SMALL_SCHEMES

from handler.scheme import Scheme, read_catalog_entry
from swanilai import site

# tests/run runs pytest-xdist with --dist loadgroup. Each module stays on one worker, so its
# module-scoped fixtures (a browser, its pages, a sam build, a server) start once, as in a serial
# run, except the modules below: their tests are independent and each runs a tool for tens of
# seconds, so they are spread over the workers one test at a time.
SPREAD_OVER_WORKERS = {"tests/infra/test_infra_template.py"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        module = item.nodeid.split("::")[0]
        if module not in SPREAD_OVER_WORKERS:
            item.add_marker(pytest.mark.xdist_group(module))


def pytest_configure(config) -> None:
    # tests/run reruns the `clock` tests under faketime; a clock that did not move must not pass for one that did.
    problem = clock_shift_problem(os.environ, time.time())
    if problem:
        raise pytest.UsageError(problem)


# -- schemes and the site

# The tests build from their own schemes (support/schemes.py), so an LSP's edit of its production
# schemes never turns the tests red: schemes/ only has to pass `check` (test_architecture.py).


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


@pytest.fixture(scope="session")
def small_schemes() -> dict[str, Scheme]:
    """The synthetic schemes of tests/fixtures/small/ by id, checked and compiled (no site built)."""
    from swanilai.scheme_source import check_schemes

    result = check_schemes(SMALL_SCHEMES)
    assert result.errors == [], result.errors
    return {scheme.id: scheme for scheme in result.schemes}


@pytest.fixture(scope="session")
def small_catalog_dir(small_schemes, tmp_path_factory) -> Path:
    """A compiled catalog of the small schemes, for handler tests that need no site."""
    out = tmp_path_factory.mktemp("small-catalog")
    site.write_catalog(small_schemes.values(), out)
    return out


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


# -- AWS over HTTP: one moto S3 server, for code that runs as its own process (`build.py serve`, `assessor.py`)

# The server runs in a process of its own, not in pytest's: moto's in-process mock (`s3` above) resets
# every backend of this process when it starts and stops, which would empty a server living here.
_MOTO_SERVER = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on the tests' stderr
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()  # until pytest closes the pipe or dies: the server never outlives the session
server.stop()
"""


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto S3 server on 127.0.0.1 (ephemeral port), one per session (per xdist worker).

    Session scope: it starts in about a second and holds nothing between tests, because every test
    makes its own bucket (`server_bucket`) with a unique name.
    """
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    process = subprocess.Popen(
        [sys.executable, "-c", _MOTO_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        pytest.fail(f"the moto server did not start (exit {process.wait()})")
    yield f"http://127.0.0.1:{port}"
    process.stdin.close()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def server_bucket(moto_endpoint):
    """A fresh bucket with a unique name on the moto server, and a boto3 client for it."""
    import uuid

    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = f"swanilai-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    return client, name


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
