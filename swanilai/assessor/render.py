"""The filled FR.APL.02 of a record as a printable A4 page (HTML), and as PDF through headless Chromium."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from handler import fields
from handler.record import Answer, Record, png_bytes
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.records import Reviewed
from swanilai.timezones import WIB

TEMPLATES = Path(__file__).resolve().parent / "templates"
RENDER_TEMPLATE = "apl02_render.html.j2"
CHROMIUM_ENV = "ASSESSOR_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def jinja_env():
    import jinja2
    from markupsafe import Markup

    from handler.scheme import text_html

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["text_html"] = lambda text: Markup(text_html(text))
    env.filters["tanggal"] = tanggal
    env.filters["wib"] = lambda moment: f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"
    return env


BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(moment: datetime) -> str:
    """A date as the form writes it, in WIB: `24 November 2026`."""
    day = moment.astimezone(WIB)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def render_html(item: Reviewed, env=None) -> str:
    """The filled FR.APL.02 of one record as a self-contained A4 HTML page, from the record's own scheme text."""
    env = env or jinja_env()
    record = item.record
    signature_png = None
    if record.signature.kind == "drawn" and png_bytes(record.signature.data_url or "", fields.SIGNATURE_PNG_MAX_BYTES):
        signature_png = record.signature.data_url
    return env.get_template(RENDER_TEMPLATE).render(
        record=record,
        scheme=record.scheme,
        review=item.review,
        review_count=item.review_count,
        signature_png=signature_png,
        blank=Answer(verdict="", evidence=""),
    )


class PdfWriter:
    """HTML to PDF with headless Chromium (through Playwright): one browser for all the forms of a run."""

    def __enter__(self) -> PdfWriter:
        from playwright.sync_api import Error, sync_playwright

        self._playwright = sync_playwright().start()
        executable = os.environ.get(CHROMIUM_ENV) or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
        try:
            self._browser = self._playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except Error:
            self._playwright.stop()
            browser = executable or "Playwright's own Chromium"
            raise AssessorError(
                f"a PDF needs Chromium, and {browser} did not start: "
                f"install it (Debian: apt-get install chromium; elsewhere: "
                f"`.venv/bin/python -m playwright install chromium`) or set {CHROMIUM_ENV} "
                f"to its path; or render without --pdf"
            ) from None
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
