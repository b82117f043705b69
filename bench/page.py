"""Page weight and speed of a scheme page, side by side with a bare mkdocs-material page of the same text.

    python bench/page.py            # builds the tests' seed scheme, serves it gzip-compressed, prints figures

Figures (Chromium, 360 x 780 phone, the site served gzip-compressed as CloudFront serves it):
- first visit: bytes transferred (compressed), everything until the network is idle, the service
  worker's install included;
- repeat visit: bytes transferred on a reload;
- offline open: ms from navigation to an interactive form with its draft, with no network (the median
  of five reloads, with the worker's answer and DOMContentLoaded beside it);
- LCP under Chrome's "Slow 4G" (150 ms RTT, 1.6 Mbps down, 750 kbps up, CPU 4x slower).
The bare page is the seed page's own HTML with Material's bundle.js and main.css and none of the
form's scripts or stylesheets: what mkdocs-material alone would serve for the same text.
`photo_shrink_ms()` is for bench/upload.py: the browser-side shrink of a 12-megapixel photo.

    python bench/page.py --lighthouse   # also Lighthouse's mobile performance and accessibility scores

Lighthouse is not a project dependency: install it once beside axe-core with
`npm install --prefix .venv lighthouse@12 --no-save --no-audit --no-fund`; it drives /usr/bin/chromium
(CHROME_PATH) against the same compressed server, with its default mobile emulation and throttling.
"""

from __future__ import annotations

import functools
import gzip
import re
import shutil
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from swanilai.site_hooks import main_stylesheet
from swanilai.testing import CHROMIUM, CHROMIUM_ARGS, PHONE, WORKER_KEEPS_THE_PAGE, wait_until

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_SCHEMES = ROOT / "tests" / "fixtures" / "schemes"  # the tests' copy of the seed: figures stay comparable

SEED = "/skema/konsultasi-manajemen-pemasaran/"
BARE = "/bare/"
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}


class Compressed(SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when asked, with Last-Modified and no-cache (revalidated: 304)."""

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        stamp = self.date_time_string(int(path.stat().st_mtime))
        if self.headers.get("If-Modified-Since") == stamp:
            self.send_response(304)
            self.end_headers()
            return None
        data = gzip.compress(path.read_bytes(), 9)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Last-Modified", stamp)
        self.end_headers()
        import io

        return io.BytesIO(data)


def build(out: Path) -> Path:
    from swanilai import site

    site.build(site_dir=out / "site", scheme_dir=FIXTURE_SCHEMES, catalog_dir=out / "catalog")
    return out / "site"


def bare_page(site_dir: Path) -> None:
    """The seed page's text in a plain mkdocs-material page: bundle.js, no form scripts or stylesheet."""
    html = (site_dir / SEED.strip("/") / "index.html").read_text(encoding="utf-8")
    bundle = next((site_dir / "assets/javascripts").glob("bundle.*.min.js")).name
    main = main_stylesheet(site_dir).name
    html = re.sub(r'<script src="[^"]*assets/form(?:/|\.min\.js)[^"]*" defer></script>\s*', "", html)
    html = re.sub(r'<link rel="stylesheet" href="[^"]*assets/form\.css[^"]*">', "", html)
    # Material's whole main.css in place of the form page's cut copy (site_hooks.FORM_SHEET)
    html = re.sub(
        r'href="[^"]*assets/stylesheets/form-page\.css[^"]*"', f'href="../../assets/stylesheets/{main}"', html
    )
    html = html.replace("</body>", f'<script src="../assets/javascripts/{bundle}"></script></body>')
    html = html.replace("../../", "../")
    (site_dir / BARE.strip("/")).mkdir(exist_ok=True)
    (site_dir / BARE.strip("/") / "index.html").write_text(html, encoding="utf-8")


def serve(site_dir: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Compressed, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def transferred(context, page, action) -> int:
    """Compressed bytes the page and its service worker received while `action` ran, until idle."""
    total = [0]
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.loadingFinished", lambda event: total.__setitem__(0, total[0] + event["encodedDataLength"]))
    action()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # the service worker installs after load
    page.wait_for_load_state("networkidle")
    cdp.detach()
    return total[0]


def visit_bytes(browser, url: str) -> tuple[int, int]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    first = transferred(context, page, lambda: page.goto(url))
    repeat = transferred(context, page, lambda: page.reload())
    context.close()
    return first, repeat


OFFLINE_SAMPLES = 5


def offline_open_ms(browser, url: str) -> dict[str, float] | None:
    """Medians of OFFLINE_SAMPLES reloads with no network, in ms from navigation start: the worker's
    answer (responseEnd), DOMContentLoaded, and an interactive form showing its draft."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(url)
    if not page.evaluate("'Swanilai' in window"):
        context.close()
        return None
    page.fill("#el-1-evidence", "Sertifikat pelatihan 2024")
    wait_until(page, WORKER_KEEPS_THE_PAGE)
    context.set_offline(True)
    samples = []
    for _ in range(OFFLINE_SAMPLES):
        page.reload()
        page.wait_for_function(
            "window.Swanilai && window.Swanilai.form && document.getElementById('el-1-evidence').value !== ''"
        )
        ready = page.evaluate("performance.now()")
        timing = page.evaluate(
            "(({ responseEnd, domContentLoadedEventEnd }) => [responseEnd, domContentLoadedEventEnd])(performance.getEntriesByType('navigation')[0])"
        )
        samples.append((timing[0], timing[1], ready))
    context.close()
    middle = OFFLINE_SAMPLES // 2
    answer, loaded, ready = (sorted(column)[middle] for column in zip(*samples, strict=True))
    return {"answer": answer, "loaded": loaded, "ready": ready}


def lcp_slow_4g_ms(browser, url: str) -> float:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", SLOW_4G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.goto(url, wait_until="load")
    page.wait_for_timeout(1000)
    lcp = page.evaluate(
        "new Promise((resolve) => new PerformanceObserver((list) => { const e = list.getEntries(); "
        "resolve(e[e.length - 1].startTime); }).observe({ type: 'largest-contentful-paint', buffered: true }))"
    )
    context.close()
    return lcp


def photo_shrink_ms(page, width: int = 4000, height: int = 3000) -> float:
    """Time of Swanilai.shrinkPhoto on a width x height JPEG in an open scheme page (for bench/upload.py)."""
    return page.evaluate(
        """async ([w, h]) => {
          const c = new OffscreenCanvas(w, h); const x = c.getContext('2d');
          const g = x.createLinearGradient(0, 0, w, h); g.addColorStop(0, '#2a6'); g.addColorStop(1, '#a26');
          x.fillStyle = g; x.fillRect(0, 0, w, h);
          const photo = await c.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
          const start = performance.now(); await Swanilai.shrinkPhoto(photo); return performance.now() - start;
        }""",
        [width, height],
    )


LIGHTHOUSE = ROOT / ".venv" / "node_modules" / ".bin" / "lighthouse"


def lighthouse(url: str, report: Path) -> str:
    """Lighthouse's performance and accessibility scores and its metrics for one page, as one line."""
    import json
    import os
    import subprocess

    if not LIGHTHOUSE.exists():
        return f"not installed ({LIGHTHOUSE}); npm install --prefix .venv lighthouse@12"
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=performance,accessibility",
            "--chrome-flags=--headless --no-sandbox --disable-gpu",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=300,
    )
    found = json.loads(report.read_text(encoding="utf-8"))
    score = {name: round(category["score"] * 100) for name, category in found["categories"].items()}
    metric = {
        name: found["audits"][name]["displayValue"]
        for name in (
            "first-contentful-paint",
            "largest-contentful-paint",
            "total-blocking-time",
            "cumulative-layout-shift",
        )
    }
    return (
        f"performance {score['performance']}, accessibility {score['accessibility']}; "
        f"FCP {metric['first-contentful-paint']}, LCP {metric['largest-contentful-paint']}, "
        f"TBT {metric['total-blocking-time']}, CLS {metric['cumulative-layout-shift']}"
    )


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lighthouse", action="store_true", help="also Lighthouse's mobile scores (npm package in .venv)"
    )
    arguments = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site_dir = build(Path(tmp))
        bare_page(site_dir)
        server, base = serve(site_dir)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            print(f"{'page':<10} {'first KB':>9} {'repeat KB':>10} {'offline ms':>11} {'LCP slow-4G ms':>15}")
            details = []
            for name, path in (("swanilai", SEED), ("bare", BARE)):
                first, repeat = visit_bytes(browser, base + path)
                offline = offline_open_ms(browser, base + path)
                lcp = lcp_slow_4g_ms(browser, base + path)
                shown = f"{offline['ready']:.0f}" if offline is not None else "n/a"
                print(f"{name:<10} {first / 1024:>9.1f} {repeat / 1024:>10.1f} {shown:>11} {lcp:>15.0f}")
                if offline is not None:
                    details.append(
                        f"offline open, {name} (median of {OFFLINE_SAMPLES}): the worker answers at "
                        f"{offline['answer']:.0f} ms, DOMContentLoaded {offline['loaded']:.0f} ms, "
                        f"form with its draft {offline['ready']:.0f} ms"
                    )
            print(*details, sep="\n")
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.goto(base + SEED)
            times = sorted(photo_shrink_ms(page) for _ in range(3))
            print(f"12-megapixel photo shrunk in the browser: median {times[1]:.0f} ms (of 3)")
            context.close()
            browser.close()
        if arguments.lighthouse:
            for name, path in (("swanilai", SEED), ("bare", BARE)):
                print(f"Lighthouse (mobile), {name}: {lighthouse(base + path, Path(tmp) / f'{name}.json')}")
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
