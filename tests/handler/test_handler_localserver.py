"""The local server: the built site over HTTP and /api/submissions through the real lambda_handler."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from support.handler import Served, check_response, free_port, full_payload

from handler import app
from swanilai.devserver import open_server, start

ROOT = Path(__file__).resolve().parents[2]
SEED = "konsultasi-manajemen-pemasaran"


@pytest.fixture(scope="module")
def local(site_dir, catalog_dir, tmp_path_factory):
    """A local server on an ephemeral port in this process: (host, port, store root)."""
    var = tmp_path_factory.mktemp("local") / "var"
    server = open_server(0, var)
    start(server, site_dir, catalog_dir)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], var
    server.shutdown()
    server.server_close()
    app.configure(None)


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
        assert b"404" in body  # the site's own 404 page, not a directory listing
    assert headers["x-content-type-options"] == "nosniff"


def test_scheme_page_carries_the_form(local, seed):
    _, _, body = request(local[0], "GET", f"/skema/{SEED}/")
    page = body.decode("utf-8")
    assert 'id="apl02"' in page and f'data-scheme-version="{seed.version}"' in page
    assert 'data-api-url="/api/submissions"' in page


def test_scheme_page_without_slash_redirects(local):
    status, headers, _ = request(local[0], "GET", f"/skema/{SEED}")
    assert status == 301 and headers["location"] == f"/skema/{SEED}/"


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
    assert stored["answers"] == payload["answers"]
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


def test_get_on_the_api_is_a_json_405(local):
    status, headers, body = request(local[0], "GET", "/api/submissions")
    check_response("POST", status, headers, body.decode())
    assert (status, json.loads(body)["error"]) == (405, "method_not_allowed")


def test_post_elsewhere_is_a_404(local):
    status, _, _ = request(local[0], "POST", "/api/lain", b"{}", {"Content-Type": "application/json"})
    assert status == 404


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


def test_serve_with_a_missing_bucket_says_so_in_one_line(moto_server, tmp_path):
    result = run_build_py(
        "serve",
        "--port",
        str(free_port()),
        "--site-dir",
        str(tmp_path / "site"),
        env=_moto_env(moto_server, "no-such-bucket"),
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: cannot use bucket 'no-such-bucket' at {moto_server} (404); create it first, or unset "
        "SUBMISSIONS_BUCKET to store under --store"
    )


def test_serve_with_submissions_bucket_stores_in_s3(moto_server, tmp_path, seed):
    import boto3

    s3 = boto3.client("s3", endpoint_url=moto_server, region_name="ap-southeast-3")
    s3.create_bucket(Bucket="lsp-local", CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    served = Served(free_port(), tmp_path / "var", tmp_path / "site", env=_moto_env(moto_server, "lsp-local"))
    try:
        assert "  submissions are stored in s3://lsp-local/\n" in served.output
        payload = full_payload(seed)
        status, _, receipt = post(served.port, payload)
        assert status == 201
        keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket="lsp-local")["Contents"])
        day = receipt["received_at"][:10].replace("-", "/")
        assert keys == [
            f"submissions/{SEED}/{day}/{payload['submission_id']}.json",
            f"submissions/{SEED}/by-id/{payload['submission_id']}.marker",
        ]
        head = s3.head_object(Bucket="lsp-local", Key=keys[0])
        assert head["ServerSideEncryption"] == "AES256"
    finally:
        assert served.stop() == 0
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").rglob("*.json"))
