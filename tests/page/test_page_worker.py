"""The service worker (site_src/form/sw.js.j2) when the network or the server misbehaves, and when a new
build takes over: the candidate's form must still open, with its draft, from the last good copy.

Each test serves its own copy of the built site from a server it can make fail (a 503, a page cut off
on the way) or give a new build, so the session's static server stays as it is.
"""

from __future__ import annotations

import functools
import re
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect
from support.page import NAME, SEED_PATH

from swanilai.testing import WORKER_KEEPS_THE_PAGE, wait_until

pytestmark = pytest.mark.browser

EVIDENCE = "Sertifikat pelatihan 2024"
FORM_READY = "window.Swanilai && window.Swanilai.form"
KEPT_TEXT = (
    "async () => { const r = await caches.match(location.origin + location.pathname); return r ? r.text() : null; }"
)


class Site:
    """A copy of the built site on 127.0.0.1, whose scheme page can answer 503 or be cut off."""

    def __init__(self, root) -> None:
        self.root = root
        self.page_mode = "ok"  # "ok", "503" or "cut"
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path in (SEED_PATH, SEED_PATH + "index.html") and site.page_mode != "ok":
                    return self.misbehave(site.page_mode)
                return super().do_GET()

            def misbehave(self, mode: str) -> None:
                body = (site.root / SEED_PATH.strip("/") / "index.html").read_bytes()
                if mode == "503":
                    self.send_response(503)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", "19")
                    self.end_headers()
                    self.wfile.write(b"Service Unavailable")
                    return
                self.send_response(200)  # "cut": the whole length promised, a third of it sent
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 3])
                self.wfile.flush()
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def page_text(self) -> str:
        return (self.root / SEED_PATH.strip("/") / "index.html").read_text(encoding="utf-8")


@pytest.fixture
def site(site_dir, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(site_dir, root)
    served = Site(root)
    yield served
    served.server.shutdown()
    served.server.server_close()


@pytest.fixture
def page(phone, site):
    """The seed page opened once, a draft typed, and the worker keeping the page."""
    phone.goto(site.url + SEED_PATH)
    phone.wait_for_function(FORM_READY)
    phone.fill("#el-1-evidence", EVIDENCE)
    phone.fill("#candidate-name", NAME)
    wait_until(phone, WORKER_KEEPS_THE_PAGE)
    return phone


def form_with_its_draft(page) -> None:
    page.wait_for_function(FORM_READY)
    expect(page.locator("#el-1-evidence")).to_have_value(EVIDENCE)
    expect(page.locator("#candidate-name")).to_have_value(NAME)


def test_a_server_fault_brings_up_the_kept_page_with_its_draft(page, site):
    site.page_mode = "503"
    page.reload()
    form_with_its_draft(page)


def test_a_page_cut_off_on_the_way_never_replaces_the_kept_one(page, site):
    whole = page.evaluate(KEPT_TEXT)
    assert whole is not None and whole.rstrip().endswith("</html>")
    site.page_mode = "cut"
    page.reload(wait_until="commit")
    page.wait_for_timeout(1000)  # the cut answer reaches the worker's keeping, which must refuse it
    site.page_mode = "ok"
    page.context.set_offline(True)
    page.reload()
    form_with_its_draft(page)
    assert page.evaluate(KEPT_TEXT) == whole
    page.context.set_offline(False)


def test_a_page_that_cannot_be_kept_still_opens_from_the_network(page, site):
    # Storage full: the worker cannot keep the page. The candidate, online, must still get it.
    page.evaluate(
        "async () => { for (const name of await caches.keys())"
        " await (await caches.open(name)).delete(location.origin + location.pathname); }"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": site.url, "quotaSize": 1})
    assert "QuotaExceededError" in page.evaluate(
        "caches.open('probe').then((c) => c.put('/probe', new Response('x'.repeat(4096)))).then(() => 'stored', (e) => e.name)"
    )
    page.reload()
    form_with_its_draft(page)
    assert page.title() != "Tidak tersambung"


def test_a_new_build_takes_over_with_the_kept_page_and_its_draft(page, site):
    old_build = page.evaluate("caches.keys()")
    assert len(old_build) == 1 and old_build[0].startswith("swanilai-")
    # A new build: the page says something new, and the worker carries a new build name.
    (site.root / SEED_PATH.strip("/") / "index.html").write_text(
        site.page_text().replace("</h1>", " (versi baru)</h1>", 1), encoding="utf-8"
    )
    worker = site.root / "sw.js"
    worker.write_text(
        re.sub(r'const BUILD = "[0-9a-f]+";', 'const BUILD = "0123456789ab";', worker.read_text()), encoding="utf-8"
    )
    page.reload()  # a navigation checks the worker for an update
    wait_until(
        page,
        "async () => { const names = await caches.keys(); if (names.join() !== 'swanilai-0123456789ab') return false;"
        " const kept = await caches.match(location.origin + location.pathname);"
        " return !!kept && (await kept.text()).includes('(versi baru)') && !!navigator.serviceWorker.controller; }",
    )
    page.context.set_offline(True)
    page.reload()
    form_with_its_draft(page)
    expect(page.locator("h1").first).to_contain_text("(versi baru)")
    page.context.set_offline(False)
