"""Schemathesis against docs/openapi.yaml: every operation, every check, through lambda_handler in process.

Schemathesis reads the document, generates requests (its examples, coverage and fuzzing phases,
negative cases and undeclared methods included) and sends them through a WSGI adapter of
`handler.app.lambda_handler`, configured with the tests' catalog and a LocalStore. Every response
must pass all of schemathesis' checks and the tests' own judge (support.handler.check_response);
on top, an error body is at most 64 KB, a 4xx leaves the store as it was, and a 201 stores one
record that passes the fuzzers' record checks (swanilai.fuzzing.record_problems). The document's
request example (the seed scheme's complete submission) takes the run past 403 and 404 into
validation and storage: the run must store it once (201) and must reach validation (400).

The example's scheme version is put in from the fixture scheme when this module loads, because a
version is a hash of the compiled scheme: written into the document, it would silently turn the
example into a 409 whenever the seed or the compiler changes.

In process rather than against `build.py serve`: the subject is the function's contract, and a run
stays within a minute. The local server's own HTTP layer is tested in test_handler_localserver.py.
"""

from __future__ import annotations

import collections
import copy
import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from support.handler import ORIGIN, check_response, make_event, openapi

from handler import app
from handler.catalog import forget_schemes
from handler.config import Config
from handler.scheme import Scheme
from handler.store import LocalStore
from swanilai.fuzzing import ERROR_BODY_MAX, RECEIVED_AT, Answer, assert_no_problems, record_problems
from swanilai.routes import load_routes, resolve
from swanilai.scheme_source import check_schemes
from swanilai.testing import notice_version

FIXTURE_SCHEMES = Path(__file__).resolve().parents[1] / "fixtures" / "schemes"
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def fixture_seed() -> Scheme:
    """The seed scheme compiled as the catalog fixture compiles it (without building the site)."""
    result = check_schemes(FIXTURE_SCHEMES)
    assert not result.errors, result.errors
    return next(scheme for scheme in result.schemes if scheme.id == "konsultasi-manajemen-pemasaran")


def document_with_current_example(seed: Scheme) -> dict[str, Any]:
    spec = copy.deepcopy(openapi())
    media = spec["paths"]["/submissions"]["post"]["requestBody"]["content"]["application/json"]
    media["examples"]["seed"]["value"]["scheme"]["version"] = seed.version
    media["examples"]["seed"]["value"]["consent"]["notice_version"] = notice_version()
    return spec


API_BASE = "/api"
PUBLIC_ROUTES = tuple(route for route in load_routes() if route.entry == "handler.app.lambda_handler")


def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """An HTTP request as the payload format 2.0 event API Gateway would deliver, answered by lambda_handler.

    The route key and path parameters are the template's, as the gateway matches them; a method the
    template does not declare on a public path still reaches the function (as `ANY` would), so its
    own 405 is exercised.
    """
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers: dict[str, str | None] = {"content-type": None, "origin": None, "user-agent": None}
    headers.update({k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")})
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    path = (environ.get("PATH_INFO") or "/").removeprefix(API_BASE)  # the document's server is the site's /api
    route, params, on_path = resolve(PUBLIC_ROUTES, environ["REQUEST_METHOD"], path)
    route = route or (on_path[0] if on_path else None)
    where = {"route_key": route.route_key if route else "POST /submissions", "path": path}
    where["path_parameters"] = params or (route.match(path) if route else None)
    try:
        event = make_event(body.decode("utf-8"), method=environ["REQUEST_METHOD"], headers=headers, **where)
    except UnicodeDecodeError:  # binary: the gateway sends it base64-encoded
        event = make_event(body, method=environ["REQUEST_METHOD"], headers=headers, base64_body=True, **where)
    if environ.get("QUERY_STRING"):
        event["rawQueryString"] = environ["QUERY_STRING"]
    response = app.lambda_handler(event, None)
    start_response(f"{response['statusCode']} -", list(response["headers"].items()))
    return [response["body"].encode("utf-8")]


SEED = fixture_seed()
CONFIG = schemathesis.Config.from_dict(
    {
        "checks": {
            "enabled": True,
            # Schema-valid is not enough to be stored: which element keys a version has, whether a
            # scheme id exists and which origins are allowed come from the catalog and the
            # deployment, not from the document.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "403", "404", "409"]},
            # 409: a schema-invalid body naming an old version is told to reload first (order of checks).
            "negative_data_rejection": {"expected-statuses": ["400", "403", "404", "405", "409", "413", "415"]},
        },
        "generation": {
            "max-examples": 1_000 if DEEP else 60,
            # Reproducible in CI like the hypothesis fuzzers (swanilai/fuzzing.py); random in the deep profile.
            "deterministic": not DEEP,
            "database": "none",
        },
    }
)
# The public function's routes (the desk's sit behind a JWT authorizer: tests/desk/ holds them).
schema = schemathesis.openapi.from_dict(document_with_current_example(SEED), config=CONFIG).include(
    path_regex="^/(submissions|uploads)"
)
schema.app = wsgi_app


def stored_files(root: Path) -> list[str]:
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))


@pytest.fixture
def configured(tmp_path, catalog_dir, seed):
    """lambda_handler with the tests' catalog; yields the store's root and a count of statuses seen."""
    assert seed.version == SEED.version, "the catalog fixture and this module compiled different seeds"
    root = tmp_path / "var"
    root.mkdir()
    forget_schemes()
    app.configure(
        Config(
            store=LocalStore(root),
            catalog_dir=catalog_dir,
            allowed_origins=frozenset({ORIGIN}),
            clock=lambda: RECEIVED_AT,
            log=lambda _: None,
        )
    )
    seen: collections.Counter = collections.Counter()
    yield root, seen
    app.configure(None)
    if seen["POST /submissions"]:
        # The example got past origin and scheme into storage, and generated cases into validation.
        assert seen[201] == 1 and seen[400] > 0, f"statuses seen: {dict(seen)}"


@schema.parametrize()
# One store for the whole run (the fixture is not reset between cases, on purpose): retries and
# conflicts of the stored example are part of what gets exercised.
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_response_obeys_the_document(case, configured):
    root, seen = configured
    before = stored_files(root)
    response = case.call_and_validate()
    seen[f"{case.method} {case.operation.path}"] += 1
    seen[response.status_code] += 1
    documented = openapi()["paths"][case.operation.path]
    method = response.request.method if response.request.method.lower() in documented else case.operation.method
    headers = {name: ", ".join(values) for name, values in response.headers.items()}
    check_response(method.upper(), response.status_code, headers, response.content.decode("utf-8"), case.operation.path)
    if response.status_code >= 400:
        assert len(response.content) <= ERROR_BODY_MAX, f"{response.status_code} with {len(response.content):,} bytes"
    if 400 <= response.status_code < 500:
        assert stored_files(root) == before, f"{response.status_code} stored something"
    if response.status_code == 201:
        # The new record and marker, judged as the hypothesis fuzzers judge them.
        new = {
            key: (root / key).read_bytes() for key in stored_files(root) if key not in before and (root / key).is_file()
        }
        answer = Answer(201, headers, response.content.decode("utf-8"), None, (), tuple(new), new)
        assert_no_problems(record_problems(answer, SEED))


def test_document_example_is_accepted_as_it_stands_but_for_the_versions(api, seed):
    """The example is the seed's complete submission: keep it in step when the seed changes."""
    example = document_with_current_example(seed)["paths"]["/submissions"]["post"]["requestBody"]["content"][
        "application/json"
    ]["examples"]["seed"]["value"]
    assert example["scheme"] == {"id": seed.id, "version": seed.version}
    result = api.post(example)
    assert result.status == 201, result.json
