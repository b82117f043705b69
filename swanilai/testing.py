"""Sample data and harnesses shared by tests, benchmarks and fuzzers (never used by the product itself).

Plain functions, no pytest: `bench/`, `tests/events/` and the OpenAPI examples use them too.
- `full_payload`: a complete, valid submission of a scheme; `make_event`: the payload 2.0 event of a request;
- `png` / `png_data_url`: a real PNG, as a drawn signature;
- `Served`: `build.py serve` in a subprocess, for end-to-end tests and load benchmarks;
- `wait_until`: wait for an async condition in a Playwright page (`WORKER_KEEPS_THE_PAGE`, ...).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import random
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

from swanilai.paths import ROOT

ORIGIN = "https://lsp.example.id"
DESK_LINK_LABEL = "assessors' desk:"  # how `build.py serve` introduces the desk's sign-in link
SUBMISSION_ID = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"
# The secret of a status link, as the page makes it: 256 random bits in base64url, no padding.
STATUS_KEY = "q8Zb3m1Yc0rW9VdP4sTgHn7LkXe2FaJu6oQiRy5ENwM"
# Chromium as tests and benchmarks drive it (Debian's package; Playwright adds nothing of its own).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 360, "height": 780},
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
    "timezone_id": "Asia/Jakarta",
}

PHONE_USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


# The service worker has finished activating, controls the page, and keeps the page: from now on a
# reload with no network is the worker's to answer.
WORKER_KEEPS_THE_PAGE = (
    "async () => { const r = await navigator.serviceWorker.ready;"
    " return r.active.state === 'activated' && !!navigator.serviceWorker.controller &&"
    " !!(await caches.match(location.origin + location.pathname)); }"
)


def wait_until(page: Any, predicate: str, timeout_ms: int = 15_000) -> None:
    """Poll an async `predicate` (JavaScript source of a function) in `page` until it resolves truthy.

    Not Playwright's `wait_for_function`: it does not await a promise, and a pending promise is truthy,
    so an async predicate there passes at once (microsoft/playwright#29132). The loop runs in the page
    (no eval: the site's CSP forbids it), and a predicate that throws fails the wait with its error.
    """
    done = page.evaluate(
        f"""async (timeout) => {{
          const predicate = {predicate};
          const end = performance.now() + timeout;
          do {{
            if (await predicate()) return true;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }} while (performance.now() < end);
          return false;
        }}""",
        timeout_ms,
    )
    if done is not True:
        raise TimeoutError(f"not true within {timeout_ms} ms: {predicate}")


def png(width: int = 40, height: int = 12, noise: bool = False) -> bytes:
    """A valid PNG: a grey stroke on white, or random noise (large, barely compressible)."""
    rows = []
    rng = random.Random(width * 100_003 + height)
    for y in range(height):
        if noise:
            rows.append(b"\x00" + rng.randbytes(width * 3))
        else:
            rows.append(
                b"\x00"
                + b"".join(b"\x40\x40\x40" if y == x * height // width else b"\xff\xff\xff" for x in range(width))
            )
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def png_data_url(image: bytes | None = None) -> str:
    return "data:image/png;base64," + base64.b64encode(image if image is not None else png()).decode("ascii")


def status_key_hash(status_key: str = STATUS_KEY) -> str:
    return hashlib.sha256(status_key.encode("ascii")).hexdigest()


@functools.lru_cache(maxsize=1)
def notice_version() -> str:
    """The version of the privacy notice (site_src/privacy.yml) every build writes into its catalog."""
    from swanilai.privacy import load_notice

    return load_notice().version


def full_payload(
    scheme,
    submission_id: str = SUBMISSION_ID,
    signature: str | None = None,
    status_key: str = STATUS_KEY,
    revises: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A complete, valid submission of a scheme: K with evidence, every third element BK without.

    With consent to the current privacy notice and the hash of `status_key`; `revises` is
    `{submission_id, status_key}` of the submission it replaces.
    """
    answers = {}
    for n, key in enumerate(scheme.element_keys()):
        if n % 3 == 2:
            answers[key] = {"verdict": "BK", "evidence": ""}
        else:
            answers[key] = {"verdict": "K", "evidence": f"Laporan kerja {2020 + n % 5}, elemen {key}"}
    return {
        "scheme": {"id": scheme.id, "version": scheme.version},
        "submission_id": submission_id,
        "candidate": {"name": "Siti Rahmawati", "email": "siti.rahmawati@contoh.co.id", "phone": "+62 812-3456-7890"},
        "answers": answers,
        "declaration": True,
        "signature": signature if signature is not None else png_data_url(),
        "consent": {"given": True, "notice_version": notice_version()},
        "status_key_sha256": status_key_hash(status_key),
        "revises": revises,
        "website": "",
    }


def make_event(
    body: bytes | str | dict | None,
    method: str = "POST",
    headers: dict[str, str] | None = None,
    base64_body: bool = False,
    request_id: str = "req-test-1",
    route_key: str = "POST /submissions",
    path: str | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A payload format 2.0 event as API Gateway's HTTP API delivers it (for `route_key`, at `path`)."""
    path = path or route_key.partition(" ")[2]
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False)
    if isinstance(body, bytes) and not base64_body:
        body = body.decode("utf-8")
    if base64_body and body is not None:
        body = base64.b64encode(body if isinstance(body, bytes) else body.encode("utf-8")).decode("ascii")
    all_headers = {"content-type": "application/json", "origin": ORIGIN, "user-agent": PHONE_USER_AGENT}
    for name, value in (headers or {}).items():
        if value is None:
            all_headers.pop(name.lower(), None)
        else:
            all_headers[name.lower()] = value
    event = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": "",
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "api",
            "domainName": "api.example.id",
            "domainPrefix": "api",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": all_headers.get("user-agent", ""),
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": "23/Nov/2026:23:15:02 +0000",
            "timeEpoch": 1795475702123,
        },
        "body": body,
        "isBase64Encoded": base64_body,
    }
    if path_parameters is not None:
        event["pathParameters"] = path_parameters
    return event


def status_event(
    scheme_id: str, submission_id: str, status_key: str | None = STATUS_KEY, **options: Any
) -> dict[str, Any]:
    """The event of GET /submissions/{scheme_id}/{submission_id}/status, with the secret as the page sends it."""
    headers = {"content-type": None, "x-status-key": status_key, **options.pop("headers", {})}
    return make_event(
        None,
        method=options.pop("method", "GET"),
        headers=headers,
        route_key="GET /submissions/{scheme_id}/{submission_id}/status",
        path=f"/submissions/{scheme_id}/{submission_id}/status",
        path_parameters={"scheme_id": scheme_id, "submission_id": submission_id},
        **options,
    )


def upload_event(request: dict[str, Any], **options: Any) -> dict[str, Any]:
    """The event of POST /uploads asking a ticket for one file."""
    return make_event(request, route_key="POST /uploads", **options)


def listed_file(data: bytes, name: str, media_type: str = "application/pdf") -> dict:
    """A file as the page lists it in an answer's `files`."""
    return {"name": name, "size": len(data), "type": media_type, "sha256": hashlib.sha256(data).hexdigest()}


def ticket_request(scheme, data: bytes, media_type: str, name: str, submission_id: str = SUBMISSION_ID) -> dict:
    """What the page sends to POST /uploads for a file's bytes."""
    return {
        "scheme": {"id": scheme.id, "version": scheme.version},
        "submission_id": submission_id,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "type": media_type,
        "name": name,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Served:
    """`build.py serve` running in a subprocess, ready when it has printed its address."""

    def __init__(
        self, port: int, store: Path, site_dir: Path, env: dict | None = None, schemes: Path | None = None
    ) -> None:
        self.port = port
        # The catalog goes beside the site, never into handler/catalog: servers may run side by side.
        scheme_args = ["--schemes", str(schemes)] if schemes else []
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "build.py"),
                *scheme_args,
                "serve",
                "--port",
                str(port),
                "--store",
                str(store),
                "--site-dir",
                str(site_dir),
                "--catalog-dir",
                str(Path(site_dir).parent / "catalog"),
            ],
            cwd=str(ROOT),
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.output: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError("build.py serve exited:\n" + "".join(self.output))
            self.output.append(line)
            if line.startswith("Press Ctrl-C to stop."):
                threading.Thread(target=self._drain, daemon=True).start()
                return
        self.stop()
        raise AssertionError("build.py serve did not start in time:\n" + "".join(self.output))

    @property
    def sign_in_link(self) -> str:
        """The desk's one-time sign-in link `serve` printed for its local admin (valid 10 minutes, once)."""
        for line in self.output:
            if line.strip().startswith(DESK_LINK_LABEL):
                return line.strip().removeprefix(DESK_LINK_LABEL).strip()
        raise AssertionError("build.py serve printed no desk sign-in link:\n" + "".join(self.output))

    def _drain(self) -> None:
        for line in self.process.stdout:
            self.output.append(line)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode
