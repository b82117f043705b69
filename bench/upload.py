"""Benchmark evidence uploads: transfer, filing, the browser's photo shrink. Prints; never asserts.

    .venv/bin/python bench/upload.py [--runs 5] [--files 10] [--no-browser]

1. Transfer of one 5 MB file (the per-file limit), ticket included:
   - through the local server's `/api/local-uploads` (`build.py serve`'s stand-in for S3's POST:
     policy, signature, size and SHA-256 checked, stored create-only), beside `LocalStore.create` of
     the same bytes;
   - through a moto server on 127.0.0.1 with a presigned POST signed by `handler.upload.S3Uploads`,
     beside a plain `put_object` of the same bytes to the same server.
   Everything is on loopback: the figures are the software's cost, not a phone network's.
2. Filing: the handler's extra time per attached file (`lambda_handler` on a submission listing
   `--files` uploads in one element, minus the same submission without files), for small (100 KB)
   and large (2 MB) files, on a local store (target: at most 20 ms a file) and on the moto server.
3. In Chromium (when /usr/bin/chromium is there): `Swanilai.shrinkPhoto` on a 12-megapixel JPEG at a
   phone's viewport (bench/page.py's photo_shrink_ms).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent

REGION = "ap-southeast-3"
MB = 1024 * 1024
SEED_ID = "konsultasi-manajemen-pemasaran"

MOTO_SERVER = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.ERROR)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


def jpeg_bytes(size: int, seed: int = 0) -> bytes:
    """Bytes a type check takes for a JPEG (its magic), of exactly `size` bytes, unlike any other."""
    body = hashlib.sha256(f"{seed}".encode()).digest() * (size // 32 + 1)
    return (b"\xff\xd8\xff\xe0" + body)[:size]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def throughput(size: int, seconds: float) -> float:
    return size / MB / seconds


# -- multipart form, as the page's FormData sends it


def form_body(fields: dict[str, str], data: bytes, boundary: str = "SwanilaiBench7MA4YWxk") -> tuple[bytes, str]:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="bukti.jpg"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
    )
    return b"".join(parts) + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def request(url: str, method: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path or "/", body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# -- 1. transfer


def local_transfer(site_dir: Path, catalog_dir: Path, scheme, data: bytes, runs: int) -> tuple[float, float]:
    """(upload endpoint, ticket included; LocalStore.create) in seconds, medians."""
    from handler import app
    from handler.store import LocalStore
    from swanilai.devserver import open_server, start
    from swanilai.testing import ticket_request

    with tempfile.TemporaryDirectory() as tmp:
        server = open_server(0, Path(tmp) / "var")
        start(server, site_dir, catalog_dir)
        app.configure(replace(app.current_config(), log=lambda _: None))  # no log line per request
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            posted = []
            for _ in range(runs):
                started = time.perf_counter()
                status, body = request(
                    base + "/api/uploads",
                    "POST",
                    json.dumps(ticket_request(scheme, data, "image/jpeg", "bukti.jpg", str(uuid.uuid4()))).encode(),
                    {"Content-Type": "application/json", "Origin": base},
                )
                assert status == 200, body
                ticket = json.loads(body)
                form, content_type = form_body(ticket["fields"], data)
                status, body = request(ticket["url"], "POST", form, {"Content-Type": content_type})
                assert status == 204, body
                posted.append(time.perf_counter() - started)
        finally:
            server.shutdown()
            server.server_close()
            app.configure(None)
        store = LocalStore(Path(tmp) / "plain")
        plain = []
        for n in range(runs):
            started = time.perf_counter()
            store.create(f"incoming/plain/{n}", data)
            plain.append(time.perf_counter() - started)
    return statistics.median(posted), statistics.median(plain)


def start_moto() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-c", MOTO_SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=os.environ
    )
    port = process.stdout.readline().strip()
    if not port.isdigit():
        process.kill()
        raise SystemExit(f"the moto server did not start (exit {process.wait()})")
    return process, f"http://127.0.0.1:{port}"


def moto_transfer(bucket: str, scheme, data: bytes, runs: int) -> tuple[float, float]:
    """(presigned POST, ticket signing included; plain put_object) in seconds, medians."""
    from datetime import UTC, datetime

    from handler.store import S3Store
    from handler.upload import S3Uploads, TicketRequest

    store = S3Store(bucket)
    uploads = S3Uploads(store)
    posted = []
    for _ in range(runs):
        submission_id = str(uuid.uuid4())
        started = time.perf_counter()
        wanted = TicketRequest(scheme.id, submission_id, hashlib.sha256(data).hexdigest(), len(data), "image/jpeg", "x")
        ticket = uploads.ticket(wanted, datetime.now(UTC))
        form, content_type = form_body(ticket.fields, data)
        status, body = request(ticket.url, "POST", form, {"Content-Type": content_type})
        assert status in (200, 201, 204), body
        posted.append(time.perf_counter() - started)
    plain = []
    for n in range(runs):
        started = time.perf_counter()
        store.client.put_object(Bucket=bucket, Key=f"plain/{n}", Body=data)
        plain.append(time.perf_counter() - started)
    return statistics.median(posted), statistics.median(plain)


# -- 2. filing


def filing_ms_per_file(store, catalog_dir: Path, scheme, files: int, size: int, runs: int) -> tuple[float, float]:
    """(ms per file, ms of the submission without files): medians of `runs` submissions each."""
    from handler import app
    from handler.config import Config
    from handler.store import incoming_key
    from swanilai.testing import ORIGIN, full_payload, listed_file, make_event

    app.configure(Config(store=store, catalog_dir=catalog_dir, allowed_origins=frozenset({ORIGIN}), log=lambda _: None))
    element = scheme.element_keys()[0]
    try:
        with_files, without = [], []
        for run in range(-1, runs):  # run -1 warms the store's connections and caches, uncounted
            for listed in (True, False):
                submission_id = str(uuid.uuid4())
                payload = full_payload(scheme, submission_id=submission_id)
                if listed:
                    payload["answers"][element]["files"] = []
                    for n in range(files):
                        data = jpeg_bytes(size, seed=run * 1000 + n)
                        entry = listed_file(data, f"foto-{n}.jpg", "image/jpeg")
                        store.create(incoming_key(submission_id, entry["sha256"]), data)
                        payload["answers"][element]["files"].append(entry)
                event = make_event(payload)
                started = time.perf_counter()
                answer = app.lambda_handler(event, None)
                elapsed = time.perf_counter() - started
                assert answer["statusCode"] == 201, answer["body"]
                if run >= 0:
                    (with_files if listed else without).append(elapsed)
    finally:
        app.configure(None)
    base = statistics.median(without)
    return (statistics.median(with_files) - base) / files * 1000, base * 1000


# -- 3. the browser


def bench_page():
    """bench/page.py, whose site build, static server and photo_shrink_ms this benchmark reuses."""
    spec = importlib.util.spec_from_file_location("bench_page", ROOT / "bench" / "page.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shrink_ms(page_bench, site_dir: Path) -> list[float] | None:
    if not Path(page_bench.CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    server, base = page_bench.serve(site_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=page_bench.CHROMIUM, args=page_bench.CHROMIUM_ARGS)
            context = browser.new_context(**page_bench.PHONE)
            page = context.new_page()
            page.goto(base + page_bench.SEED)
            page.wait_for_function("() => window.Swanilai && Swanilai.shrinkPhoto")
            times = [page_bench.photo_shrink_ms(page) for _ in range(3)]
            context.close()
            browser.close()
    finally:
        server.shutdown()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "NO_MKDOCS_2_WARNING": "1",
        }
    )
    from handler import fields as f
    from handler.scheme import read_catalog_entry
    from handler.store import LocalStore

    with tempfile.TemporaryDirectory() as tmp:
        page_bench = bench_page()
        site_dir = page_bench.build(Path(tmp))
        catalog_dir = Path(tmp) / "catalog"
        scheme = read_catalog_entry(catalog_dir, SEED_ID)
        data = jpeg_bytes(f.FILE_MAX_BYTES)
        size_mb = len(data) / MB

        print(f"transfer of one {size_mb:.0f} MB file over loopback (median of {args.runs}; ticket included)")
        print(f"{'path':<46} {'ms':>8} {'MB/s':>8}")
        posted, plain = local_transfer(site_dir, catalog_dir, scheme, data, args.runs)
        print(f"{'local server /api/local-uploads':<46} {posted * 1000:>8.1f} {throughput(len(data), posted):>8.1f}")
        print(f"{'LocalStore.create (plain write)':<46} {plain * 1000:>8.1f} {throughput(len(data), plain):>8.1f}")

        moto, endpoint = start_moto()
        os.environ["AWS_ENDPOINT_URL_S3"] = endpoint
        try:
            from handler.store import S3Store, s3_client

            bucket = f"swanilai-bench-{uuid.uuid4().hex[:8]}"
            client = s3_client()
            client.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
            client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            posted, plain = moto_transfer(bucket, scheme, data, args.runs)
            print(
                f"{'moto server: presigned POST (S3Uploads)':<46} {posted * 1000:>8.1f} {throughput(len(data), posted):>8.1f}"
            )
            print(f"{'moto server: plain put_object':<46} {plain * 1000:>8.1f} {throughput(len(data), plain):>8.1f}")

            print(f"\nfiling: the handler's extra time per attached file ({args.files} files in one element)")
            print(f"{'store':<10} {'file size':>10} {'ms per file':>12} {'ms without files':>17}")
            with tempfile.TemporaryDirectory() as var:
                for label, store in (
                    ("local", LocalStore(Path(var) / "var")),
                    ("moto", S3Store(bucket, denied_means_missing=True)),
                ):
                    for size in (100 * 1024, 2 * MB):
                        per_file, base = filing_ms_per_file(store, catalog_dir, scheme, args.files, size, args.runs)
                        print(f"{label:<10} {size // 1024:>7} KB {per_file:>12.1f} {base:>17.1f}")
            print("target: <= 20 ms per file in local mode")
        finally:
            os.environ.pop("AWS_ENDPOINT_URL_S3", None)
            moto.stdin.close()
            moto.wait(timeout=20)

        if not args.no_browser:
            times = shrink_ms(page_bench, site_dir)
            if times is None:
                print("\nChromium is missing: no browser figure")
            else:
                print(
                    f"\n12-megapixel photo shrunk in Chromium (360 px phone viewport): median {statistics.median(times):.0f} ms "
                    f"(of 3: {', '.join(f'{t:.0f}' for t in times)})"
                )


if __name__ == "__main__":
    main()
