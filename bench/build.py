#!/usr/bin/env python3
"""Benchmark `build.py check` and `build.py build` against a naive mkdocs-material build.

Generates N seed-sized schemes (copies of the seed with their own id and number), then times,
each in a fresh process as LSP staff would run them:
  - `build.py check`,
  - `build.py build` (catalog + hook-rendered pages, scheme pages outside the nav, no search),
  - a naive mkdocs-material build of the same form HTML as Markdown pages in a flat navigation
    with the default search plugin.
Finally loads the seed page in Chromium and sums the gzip-compressed bytes of everything a first
visit fetches. Prints figures only; never asserts.

    .venv/bin/python bench/build.py [--sizes 10 100 1000] [--skip-naive]
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "schemes" / "konsultasi-manajemen-pemasaran.yaml"
PYTHON = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def make_schemes(directory: Path, n: int) -> None:
    directory.mkdir(parents=True)
    text = SEED.read_text(encoding="utf-8")
    for i in range(n):
        (directory / f"skema-{i:05d}.yaml").write_text(
            text.replace("SS.018.05/SKM", f"SS.{i:05d}/SKM"), encoding="utf-8"
        )


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def naive_build(work: Path, catalog_dir: Path, n: int) -> float:
    """The same pages the obvious way: one Markdown file of form HTML each, all in the nav, with search."""
    from handler.scheme import list_catalog, read_catalog_entry
    from swanilai import site_hooks as hooks  # the very form the product renders, from the mkdocs hook

    docs = work / "docs"
    (docs / "skema").mkdir(parents=True)
    (docs / "index.md").write_text("# Asesmen Mandiri\n", encoding="utf-8")
    nav = []
    for scheme_id in list_catalog(catalog_dir):
        scheme = read_catalog_entry(catalog_dir, scheme_id)
        form = hooks.render_form(scheme, "/api/submissions")
        (docs / "skema" / f"{scheme_id}.md").write_text(f"# {scheme.title}\n\n{form}\n", encoding="utf-8")
        nav.append(f"  - '{scheme.number}': skema/{scheme_id}.md")
    config = work / "mkdocs.yml"
    config.write_text(
        "site_name: naive\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n"
        + "\n".join(nav)
        + "\nmarkdown_extensions: [attr_list, md_in_html]\n",
        encoding="utf-8",
    )
    return timed([PYTHON, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(work / "site")])


def first_visit_bytes(site_dir: Path, page: str) -> dict[str, int]:
    """Load a page in Chromium and gzip every file it fetched, grouped by kind."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from playwright.sync_api import sync_playwright

    from swanilai.testing import CHROMIUM, CHROMIUM_ARGS

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetched: list[str] = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True)
            tab = context.new_page()
            tab.on("request", lambda request: fetched.append(request.url))
            tab.goto(f"http://127.0.0.1:{server.server_address[1]}/{page}", wait_until="networkidle")
            browser.close()
    finally:
        server.shutdown()
    sizes: dict[str, int] = {}
    for url in fetched:
        path = urlsplit(url).path
        file = site_dir / path.lstrip("/")
        if file.is_dir() or path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            continue
        kind = {".html": "html", ".css": "css", ".js": "js", ".woff2": "font", ".woff": "font"}.get(
            file.suffix, "other"
        )
        sizes[kind] = sizes.get(kind, 0) + len(gzip.compress(file.read_bytes(), 9))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--skip-naive", action="store_true", help="skip the naive mkdocs build (slow at 1,000)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            work = Path(tmp) / str(n)
            schemes = work / "schemes"
            make_schemes(schemes, n)
            base = [PYTHON, str(ROOT / "build.py"), "--schemes", str(schemes)]
            check_s = timed([*base, "check"])
            build_s = timed([*base, "build", "--site-dir", str(work / "site"), "--catalog-dir", str(work / "catalog")])
            naive_s = None if args.skip_naive else naive_build(work / "naive", work / "catalog", n)
            rows.append((n, check_s, build_s, naive_s))
            print(f"  measured {n} schemes", file=sys.stderr)
        # The real seed, built as the product builds it, for the page weight.
        subprocess.run(
            [
                PYTHON,
                str(ROOT / "build.py"),
                "build",
                "--site-dir",
                str(Path(tmp) / "seed"),
                "--catalog-dir",
                str(Path(tmp) / "seed-catalog"),
            ],
            check=True,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        sizes = first_visit_bytes(Path(tmp) / "seed", "skema/konsultasi-manajemen-pemasaran/")

    print(
        f"{'schemes':>8} | {'check s':>8} {'ms/sch':>7} | {'build s':>8} {'ms/sch':>7} | {'naive s':>8} {'ms/sch':>7} | {'build/naive':>11}"
    )
    for n, check_s, build_s, naive_s in rows:
        naive = f"{naive_s:8.2f} {naive_s / n * 1000:7.1f}" if naive_s else f"{'-':>8} {'-':>7}"
        ratio = f"{build_s / naive_s:10.2f}x" if naive_s else f"{'-':>11}"
        print(
            f"{n:>8} | {check_s:8.2f} {check_s / n * 1000:7.1f} | {build_s:8.2f} {build_s / n * 1000:7.1f} | {naive} | {ratio}"
        )
    print("targets: 1,000 schemes build <= 25 s and <= 0.4x naive; check of 1,000 <= 3 s")
    total = sum(sizes.values())
    parts = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in sorted(sizes.items()))
    print(f"seed page first visit, gzip -9: {total / 1024:.1f} KB ({parts}); target <= 100 KB")


if __name__ == "__main__":
    main()
