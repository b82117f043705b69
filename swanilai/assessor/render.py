"""The filled FR.APL.02 of a record as a printable A4 page (HTML), and as PDF through headless Chromium.

Chromium decodes the candidate's signature image, so it runs inside its sandbox wherever it can:
as an ordinary user. Chromium refuses its sandbox to root, so `render --pdf` run as root (a
container's default user) runs it without one and says so; run it as an ordinary user instead.
"""

from __future__ import annotations

import os
import shutil

from handler.record import Record
from handler.render import FormReview, Verification, render_form
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import Reviewed, Warn, ignore
from swanilai.paths import SITE_SRC

# The form's one stylesheet (the site serves the same file to the desk), embedded in every file.
STYLESHEET = SITE_SRC / "docs" / "assets" / "apl02.css"
CHROMIUM_ENV = "ASSESSOR_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


def render_html(item: Reviewed, verification: Verification | None = None, css: str | None = None) -> str:
    """The filled FR.APL.02 of one record as a self-contained A4 HTML page (handler/render.py draws it)."""
    return render_form(
        item.record,
        FormReview(item.review, item.review_count),
        verification,
        inline_css=css if css is not None else stylesheet(),
        generator="Swanilai assessor.py",
    )


def sandbox_allowed() -> bool:
    """Whether Chromium may run sandboxed here: not as root, where Chromium refuses its sandbox."""
    return not hasattr(os, "geteuid") or os.geteuid() != 0


NO_SANDBOX_AS_ROOT = (
    "Chromium runs without its sandbox because assessor.py runs as root; "
    "run `render --pdf` as an ordinary user to decode candidates' images inside the sandbox"
)


class PdfWriter:
    """HTML to PDF with headless Chromium (through Playwright): one browser for all the forms of a run."""

    def __init__(self, warn: Warn = ignore) -> None:
        self._warn = warn

    def __enter__(self) -> PdfWriter:
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        executable = os.environ.get(CHROMIUM_ENV) or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
        sandbox = sandbox_allowed()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, chromium_sandbox=sandbox
            )
        except Error as exc:
            self._playwright.stop()
            browser = executable or "Playwright's own Chromium"
            if sandbox and executable and os.path.exists(executable) and "sandbox" in str(exc).lower():
                raise AssessorError(
                    f"{browser} could not start its sandbox: allow unprivileged user namespaces "
                    f"(Debian: sysctl -w kernel.unprivileged_userns_clone=1) or render without --pdf"
                ) from None
            raise AssessorError(
                f"a PDF needs Chromium, and {browser} did not start: "
                f"install it (Debian: apt-get install chromium; elsewhere: "
                f"`.venv/bin/python -m playwright install chromium`) or set {CHROMIUM_ENV} "
                f"to its path; or render without --pdf"
            ) from None
        if not sandbox:
            self._warn(NO_SANDBOX_AS_ROOT)
        # The form has no script; with none allowed, nothing a candidate typed could ever run.
        self._page = self._browser.new_page(java_script_enabled=False, offline=True)
        return self

    def write(self, html: str) -> bytes:
        self._page.set_content(html, wait_until="load")
        return self._page.pdf(format="A4", print_background=True, prefer_css_page_size=True)

    def __exit__(self, *exc_info) -> None:
        self._browser.close()
        self._playwright.stop()


def form_name(record: Record) -> str:
    return f"FR.APL.02-{record.submission_id}"
