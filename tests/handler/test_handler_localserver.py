"""The local server: the built site over HTTP and /api/submissions through the real lambda_handler."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from support.handler import Served, check_response, free_port, full_payload, in_process_server
from support.schemes import FIXTURE_SCHEMES

from handler import app
from swanilai import publish
from swanilai.devserver import SITE_PATH, open_server, start

ROOT = Path(__file__).resolve().parents[2]
SEED = "konsultasi-manajemen-pemasaran"


@pytest.fixture(scope="module")
def local(site_dir, catalog_dir, tmp_path_factory):
    """A local server on an ephemeral port in this process: (host, port, store root)."""
    var = tmp_path_factory.mktemp("local") / "var"
    with in_process_server(var, site_dir, catalog_dir) as server:
        yield server.server_address[1], var


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def post(port: int, payload, origin: str | None = "self", content_type="application/json"):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": content_type}
    if origin:
        headers["Origin"] = f"http://127.0.0.1:{port}" if origin == "self" else origin
    status, headers, data = request(port, "POST", "/api/submissions", body, headers)
    check_response("POST", status, headers, data.decode("utf-8"))
    return status, headers, json.loads(data)


# -- the site


@pytest.mark.parametrize(
    "path, status, content_type",
    [
        ("/", 200, "text/html; charset=utf-8"),
        (f"/skema/{SEED}/", 200, "text/html; charset=utf-8"),
        ("/sitemap.xml", 200, "application/xml; charset=utf-8"),
        ("/halaman-yang-tidak-ada/", 404, "text/html; charset=utf-8"),
        ("/skema/", 404, "text/html; charset=utf-8"),
        ("/../../../etc/passwd", 404, "text/html; charset=utf-8"),
    ],
)
def test_site_is_served_with_content_types(local, path, status, content_type):
    got, headers, body = request(local[0], "GET", path)
    assert (got, headers["content-type"]) == (status, content_type)
    if status == 404:
        assert b"Halaman tidak ditemukan" in body  # the site's own 404 page, in Bahasa Indonesia
    assert headers["x-content-type-options"] == "nosniff"


def test_scheme_page_carries_the_form(local, seed):
    _, _, body = request(local[0], "GET", f"/skema/{SEED}/")
    page = body.decode("utf-8")
    assert 'id="apl02"' in page and f'data-scheme-version="{seed.version}"' in page
    assert 'data-api-url="/api/submissions"' in page


def test_scheme_page_without_slash_redirects(local):
    status, headers, _ = request(local[0], "GET", f"/skema/{SEED}")
    assert status == 301 and headers["location"] == f"/skema/{SEED}/"


# Directories reached by a path a browser could read as another host: never redirected (a
# Location of "/\\evil.example/../skema/" sends the browser to evil.example), the site's 404 instead.
@pytest.mark.parametrize(
    "path, status, location",
    [
        ("/skema", 301, "/skema/"),
        ("/assets", 301, "/assets/"),
        ("/\\evil.example/../skema", 404, None),
        ("/\\evil.example/../assets", 404, None),
        ("/%2F%2Fevil.example/../skema", 404, None),
        ("/%5Cevil.example/../skema", 404, None),
        ("/%09/evil.example/../skema", 404, None),
        ("/skema//../skema", 404, None),
    ],
)
def test_directory_redirects_stay_on_the_site(local, path, status, location):
    got, headers, _ = request(local[0], "GET", path)
    assert (got, headers.get("location")) == (status, location)


def test_local_server_and_cloudfront_redirect_the_same_paths():
    # One rule in two languages: the CloudFront function's regular expression is this one.
    code = publish.load_template()["Resources"]["SiteIndexFunction"]["Properties"]["FunctionCode"]
    assert f"var SITE_PATH = /{SITE_PATH.pattern}/;" in code


def test_assets_have_script_and_style_types(local, site_dir):
    assets = {path.suffix: path for path in (site_dir / "assets").rglob("*") if path.suffix in (".js", ".css")}
    for suffix, expected in ((".js", "text/javascript; charset=utf-8"), (".css", "text/css; charset=utf-8")):
        path = "/" + assets[suffix].relative_to(site_dir).as_posix()
        assert request(local[0], "GET", path)[1]["content-type"] == expected


# -- the API


def test_submission_is_stored_under_var_and_replayed(local, seed):
    port, var = local
    payload = full_payload(seed, submission_id="9a1b2c3d-4e5f-4a6b-8c7d-000000000001")
    status, headers, receipt = post(port, payload)
    assert status == 201
    assert headers["access-control-allow-origin"] == f"http://127.0.0.1:{port}"
    record = (
        var / "submissions" / SEED / receipt["received_at"][:10].replace("-", "/") / f"{payload['submission_id']}.json"
    )
    stored = json.loads(record.read_text(encoding="utf-8"))
    assert stored["answers"] == {key: {**answer, "files": []} for key, answer in payload["answers"].items()}
    status, _, again = post(port, payload)
    assert (status, again) == (200, receipt)


def test_localhost_origin_is_allowed_too(local, seed):
    port, _ = local
    payload = full_payload(seed, submission_id="9a1b2c3d-4e5f-4a6b-8c7d-000000000002")
    assert post(port, payload, origin=f"http://localhost:{port}")[0] == 201


def test_foreign_origin_is_refused(local, seed):
    status, _, body = post(local[0], full_payload(seed), origin="https://evil.example")
    assert (status, body["error"]) == (403, "origin_not_allowed")


def test_invalid_submission_gets_field_messages(local, seed):
    payload = full_payload(seed, submission_id="9a1b2c3d-4e5f-4a6b-8c7d-000000000003")
    payload["candidate"]["name"] = ""
    status, _, body = post(local[0], payload)
    assert (status, body["fields"]) == (400, {"candidate.name": "Nama Asesi wajib diisi: tuliskan nama lengkap Anda."})


def test_preflight_is_answered_locally(local):
    port = local[0]
    status, headers, body = request(
        port,
        "OPTIONS",
        "/api/submissions",
        headers={"Origin": f"http://127.0.0.1:{port}", "Access-Control-Request-Method": "POST"},
    )
    check_response("OPTIONS", status, headers, body.decode())
    assert status == 204 and headers["access-control-allow-methods"] == "POST, OPTIONS"


# Every method the API does not take answers the API's own JSON 405, whatever http.server knows.
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "PROPFIND", "BREW"])
def test_every_other_method_on_the_api_is_its_json_405(local, method):
    status, headers, body = request(local[0], method, "/api/submissions")
    check_response("POST", status, headers, body.decode())
    assert (status, headers["allow"], json.loads(body)["error"]) == (405, "OPTIONS, POST", "method_not_allowed")


def test_head_on_the_api_is_a_405_without_body(local):
    status, headers, body = request(local[0], "HEAD", "/api/submissions")
    assert (status, headers["allow"], body) == (405, "OPTIONS, POST", b"")


SITE_405 = b"Situs ini hanya melayani GET dan HEAD.\n"


# The site is static: GET and HEAD, and one plain 405 for anything else, wherever it is sent.
@pytest.mark.parametrize(
    "method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "BREW"]
)
@pytest.mark.parametrize("path", ["/", f"/skema/{SEED}/", "/halaman-yang-tidak-ada/"])
def test_every_other_method_on_the_site_is_a_plain_405(local, method, path):
    status, headers, body = request(local[0], method, path, b"{}", {"Content-Type": "application/json"})
    assert (status, headers["allow"], headers["content-type"], body) == (
        405,
        "GET, HEAD",
        "text/plain; charset=utf-8",
        SITE_405,
    )


# Under /api the server is the template's HTTP API: a path it does not declare is API Gateway's 404.
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS", "BREW"])
@pytest.mark.parametrize("path", ["/api", "/api/lain", "/api/submissions/lain/lagi", "/api/submissionsX"])
def test_an_api_path_the_template_does_not_declare_is_not_found(local, method, path):
    status, headers, body = request(local[0], method, path, b"{}", {"Content-Type": "application/json"})
    assert (status, headers["content-type"], json.loads(body)) == (
        404,
        "application/json; charset=utf-8",
        {"message": "Not Found"},
    )


def test_body_over_the_limit_is_answered_413_and_read_by_the_client(local):
    status, _, body = post(local[0], b"{" + b" " * (700 * 1024) + b"}")
    assert (status, body["error"]) == (413, "payload_too_large")


def test_body_that_is_not_utf8_reaches_the_handler_base64_encoded(local):
    status, _, body = post(local[0], b'{"candidate": {"name": "\xff\xfe"}}')
    assert (status, body["error"]) == (400, "invalid_json")


def test_concurrent_submissions_are_all_stored(local, seed):
    port, var = local
    # As many at once as a busy moment brings: the listen backlog must not refuse any of them.
    ids = [f"9a1b2c3d-4e5f-4a6b-8c7d-1000000000{n:02d}" for n in range(60)]
    results = []

    def send(submission_id):
        results.append(post(port, full_payload(seed, submission_id=submission_id))[0])

    threads = [threading.Thread(target=send, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [201] * 60
    stored = {path.stem for path in (var / "submissions" / SEED).rglob("*.json") if "by-id" not in path.parts}
    assert set(ids) <= stored


# -- connections that stall


@pytest.fixture
def own_server(site_dir, catalog_dir, tmp_path):
    """A server of this test's own, so that shutting it down is the test's subject."""
    server = open_server(0, tmp_path / "var")
    start(server, site_dir, catalog_dir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    app.configure(None)


def close_within(server, seconds: float) -> float:
    """Stop the server as Ctrl-C does (stop serving, then close); fail unless it is done in time."""
    began = time.monotonic()
    closer = threading.Thread(target=lambda: (server.shutdown(), server.server_close()), daemon=True)
    closer.start()
    closer.join(seconds)
    assert not closer.is_alive(), f"the server was still closing after {seconds} s"
    return time.monotonic() - began


def wait_until_accepted(deadline_s: float = 10) -> None:
    """Wait until a handler thread of the server runs (it accepted the connection and reads)."""
    deadline = time.monotonic() + deadline_s
    while not any(t.name.endswith("(process_request_thread)") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the server did not accept the connection"
        time.sleep(0.01)


def test_an_idle_connection_does_not_hold_up_shutdown(own_server):
    with socket.create_connection(own_server.server_address) as idle:
        wait_until_accepted()  # the server waits for a request line that never comes
        close_within(own_server, 5)
        assert idle.recv(1) == b""  # closed by the server, not left hanging


def test_a_request_stalled_half_way_is_cut_off_after_the_timeout(own_server):
    own_server.request_timeout = 1
    with socket.create_connection(own_server.server_address) as stalled:
        stalled.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # no blank line: headers unfinished
        stalled.settimeout(30)
        began = time.monotonic()
        assert stalled.recv(1) == b""
        assert time.monotonic() - began < 10
    close_within(own_server, 5)


def test_a_request_in_flight_is_answered_before_shutdown(own_server, seed):
    # Ctrl-C never cuts off a candidate's submission: the request already read is answered.
    port = own_server.server_address[1]
    body = json.dumps(full_payload(seed)).encode("utf-8")
    with socket.create_connection(own_server.server_address) as sending:
        head = (
            f"POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        sending.sendall(head + body[:100])
        time.sleep(0.3)
        closer = threading.Thread(target=lambda: (own_server.shutdown(), own_server.server_close()), daemon=True)
        closer.start()
        time.sleep(0.3)
        sending.sendall(body[100:])
        sending.settimeout(30)
        answer = b""
        while chunk := sending.recv(65536):
            answer += chunk
        closer.join(10)
        assert not closer.is_alive()
    assert answer.startswith(b"HTTP/1.0 201 ") or answer.startswith(b"HTTP/1.1 201 "), answer[:200]


# -- `build.py serve` as the LSP runs it


def run_build_py(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=str(ROOT),
        env={**os.environ, **(env or {})},
    )


def test_serve_on_a_port_in_use_says_so_in_one_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_build_py(
            "serve",
            "--port",
            str(port),
            "--store",
            str(tmp_path / "var"),
            "--site-dir",
            str(tmp_path / "site"),
            env={"SUBMISSIONS_BUCKET": ""},
        )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: port {port} on 127.0.0.1 is in use; stop the other server or run "
        f"`python3 build.py serve --port {port + 1}`"
    )
    assert not (tmp_path / "site").exists()  # it failed before building anything


def test_serve_with_an_unwritable_store_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run_build_py(
        "serve",
        "--port",
        str(free_port()),
        "--store",
        str(blocker / "var"),
        "--site-dir",
        str(tmp_path / "site"),
        env={"SUBMISSIONS_BUCKET": ""},
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: cannot write submissions to {blocker / 'var'}: ")
    assert last.endswith("pass a writable directory with --store DIR")


def _moto_env(endpoint: str, bucket: str) -> dict:
    return {
        "SUBMISSIONS_BUCKET": bucket,
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_REGION": "ap-southeast-3",
    }


def test_serve_with_a_missing_bucket_says_so_in_one_line(moto_endpoint, tmp_path):
    result = run_build_py(
        "serve",
        "--port",
        str(free_port()),
        "--site-dir",
        str(tmp_path / "site"),
        env=_moto_env(moto_endpoint, "no-such-bucket"),
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: cannot use bucket 'no-such-bucket' at {moto_endpoint} (404); create it first, or unset "
        "SUBMISSIONS_BUCKET to store under --store"
    )


def test_serve_with_submissions_bucket_stores_in_s3(moto_endpoint, server_bucket, tmp_path, seed):
    s3, bucket = server_bucket
    served = Served(
        free_port(),
        tmp_path / "var",
        tmp_path / "site",
        env=_moto_env(moto_endpoint, bucket),
        schemes=FIXTURE_SCHEMES,
    )
    try:
        assert f"  submissions are stored in s3://{bucket}/\n" in served.output
        payload = full_payload(seed)
        status, _, receipt = post(served.port, payload)
        assert status == 201
        keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
        day = receipt["received_at"][:10].replace("-", "/")
        assert keys == [
            f"submissions/{SEED}/{day}/{payload['submission_id']}.json",
            f"submissions/{SEED}/by-id/{payload['submission_id']}.marker",
        ]
        head = s3.head_object(Bucket=bucket, Key=keys[0])
        assert head["ServerSideEncryption"] == "AES256"
    finally:
        assert served.stop() == 0
    # Only the local desk's accounts (signing in stays local); no submission, marker or index entry.
    leftover = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "var").rglob("*.json"))
    assert leftover == ["var/.desk/users.json"]
