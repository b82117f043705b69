"""Times and sizes on the candidate's page, written by arithmetic (site_src/docs/assets/form/store.js):
the same text Intl gives, without Intl's cost at start (the first Intl.DateTimeFormat with a time zone
took 40-60 ms of main thread, four times that on a phone: most of the page's script time at start)."""

from __future__ import annotations

import pytest
from support.page import open_seed

pytestmark = pytest.mark.browser

# Instants where a slip would show: Jakarta's midnight (17:00 UTC), the turn of a year and of a
# month in Jakarta but not in UTC, a leap day, seconds at :59, and the ends of the range.
EDGES = [
    "2026-11-30T16:59:59.999Z",
    "2026-11-30T17:00:00.000Z",
    "2026-12-31T17:00:00.000Z",
    "2027-01-31T16:59:59.000Z",
    "2028-02-28T17:00:00.000Z",
    "2028-02-29T16:59:59.000Z",
    "2026-11-24T06:15:02.000Z",
    "1970-01-01T00:00:00.000Z",
    "1999-12-31T16:59:59.000Z",
    "2099-12-31T23:59:59.000Z",
]

COMPARE = """([edges, count]) => {
  const S = window.Swanilai;
  const intl = (options) => new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Jakarta", ...options });
  const date = intl({ dateStyle: "long" }), short = intl({ timeStyle: "short" }), medium = intl({ timeStyle: "medium" });
  const both = intl({ dateStyle: "long", timeStyle: "medium" });
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Jakarta" });
  let seed = 20261130;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const instants = edges.map((iso) => new Date(iso));
  const from = Date.UTC(1970, 0, 1), to = Date.UTC(2100, 0, 1);
  for (let i = 0; i < count; i += 1) instants.push(new Date(from + Math.floor(random() * (to - from))));
  const wrong = [];
  for (const when of instants) {
    const pairs = [
      [S.wibDate(when), date.format(when)],
      [S.wibDay(when), day.format(when)],
      [S.wibClock(when), short.format(when)],
      [S.wibClock(when, true), medium.format(when)],
      [S.wib(when.toISOString()), `${both.format(when)} WIB`],
    ];
    for (const [ours, theirs] of pairs) if (ours !== theirs) wrong.push(`${when.toISOString()}: ${ours} != ${theirs}`);
  }
  return { checked: instants.length, wrong: wrong.slice(0, 10) };
}"""

SIZES = """() => {
  const sizes = [0, 1, 511, 512, 1023, 1024, 1536, 10 * 1024, 999 * 1024, 1000 * 1024, 1023 * 1024, 1048575,
    1048576, 1048576 + 52428, 1048576 + 52429, 1310720, 5 * 1048576 - 1, 1000 * 1048576, 1234567890];
  for (let b = 1; b < 30 * 1048576; b = Math.floor(b * 1.37) + 1) sizes.push(b);
  const intl = (bytes) => bytes >= 1048576
    ? `${(bytes / 1048576).toLocaleString("id-ID", { maximumFractionDigits: 1 })} MB`
    : `${Math.max(1, Math.round(bytes / 1024)).toLocaleString("id-ID")} KB`;
  return sizes.filter((b) => Swanilai.bytes.size(b) !== intl(b)).map((b) => `${b}: ${Swanilai.bytes.size(b)} != ${intl(b)}`);
}"""


@pytest.fixture
def page(phone, static_url):
    open_seed(phone, static_url)
    return phone


def test_wib_dates_and_times_read_exactly_as_intl_writes_them(page):
    found = page.evaluate(COMPARE, [EDGES, 5000])
    assert found == {"checked": len(EDGES) + 5000, "wrong": []}
    assert page.evaluate("Swanilai.wib('2026-11-24T06:15:02.000Z')") == "24 November 2026 pukul 13.15.02 WIB"
    assert page.evaluate("Swanilai.wib('bukan waktu')") == "bukan waktu"


def test_file_sizes_read_exactly_as_intl_writes_them(page):
    assert page.evaluate(SIZES) == []
    assert page.evaluate("[1000 * 1024, 1310720].map(Swanilai.bytes.size)") == ["1.000 KB", "1,3 MB"]


def test_the_page_starts_and_saves_a_draft_without_intl(phone, static_url):
    # Intl's first date format is the costly one: the page may not build any while it starts and saves.
    phone.add_init_script(
        "window.__intl = 0; const Real = Intl.DateTimeFormat;"
        " Intl.DateTimeFormat = function (...args) { window.__intl += 1; return new Real(...args); };"
        " const real = Number.prototype.toLocaleString;"
        " Number.prototype.toLocaleString = function (...args) { window.__intl += 1; return real.apply(this, args); };"
    )
    open_seed(phone, static_url)
    phone.fill("#el-1-evidence", "Sertifikat pelatihan 2024")
    phone.wait_for_function("document.getElementById('save-status').textContent.startsWith('Tersimpan otomatis')")
    assert phone.evaluate("document.getElementById('today').textContent") != ""
    assert phone.evaluate("window.__intl") == 0
