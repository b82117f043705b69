"""The desk page in Chromium against `build.py serve`: sign in with the printed link, the list, its
filters, search and paging, with the filter kept in the address."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect
from support.desk_page import DESK_PATH

pytestmark = pytest.mark.browser


def names(page) -> list[str]:
    return [text.strip() for text in page.locator("#list-rows .desk-name a").all_inner_texts()]


def test_the_printed_link_signs_in_and_leaves_no_token_behind(desk, open_context):
    page = open_context()
    page.goto(desk.new_link())
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#account-name")).to_have_text(re.compile(r"^Asesor [0-9a-f]{8}$"))
    assert "masuk" not in page.url
    assert page.url.endswith(DESK_PATH) or page.url.endswith(DESK_PATH + "#")
    saved = json.loads(page.evaluate("sessionStorage.getItem('swanilai:desk:session')"))
    assert saved["id_token"].count(".") == 2
    assert page.evaluate("localStorage.length") == 0


def test_a_used_link_does_not_sign_in_again(desk, open_context):
    link = desk.new_link()
    first = open_context()
    first.goto(link)
    expect(first.locator("#app")).to_be_visible()
    second = open_context()
    second.goto(link)
    expect(second.locator("#signin")).to_be_visible()
    expect(second.locator("#signin-note")).to_contain_text("tidak berlaku")
    assert "masuk" not in second.url


def test_a_page_without_a_token_shows_the_sign_in_screen(desk, open_context):
    page = open_context()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/api/" in request.url else None)
    page.goto(desk.url)
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-local")).to_be_visible()
    expect(page.locator("#app")).to_be_hidden()
    assert requests == []


def test_the_list_is_newest_first_with_every_column(desk, signed_in):
    page = signed_in()
    shown = names(page)
    assert shown[0] == "Siti Rahmawati"  # sent through the API just now
    assert shown[1:4] == ["Dewi Lestari", "Andréas Wijaya", "Budi Santoso"]
    row = page.locator(f'#list-rows tr[data-id="{desk.ids["Budi Santoso"]}"]')
    cells = [text.strip() for text in row.locator("td").all_inner_texts()]
    assert cells[0] == "5 Mar 2025, 09.00 WIB"
    assert cells[1] == desk.schemes["konsultasi-manajemen-pemasaran"].number
    assert cells[2].startswith("Budi Santoso")
    assert "Sudah direvisi" in cells[2]
    assert (cells[3], cells[4]) == ("26", "12")  # every third of the 38 elements is BK
    assert cells[5] == "Asesmen dapat dilanjutkan"  # the rule table's label (handler/deskrules.py)
    revising = page.locator(f'#list-rows tr[data-id="{desk.ids["Dewi Lestari"]}"]')
    expect(revising.locator(".desk-badge")).to_have_text("Kiriman ulang (revisi)")
    expect(revising.locator("td").nth(5)).to_have_text("Belum ditinjau")


@pytest.mark.parametrize(
    ("fill", "expected"),
    [
        pytest.param({"#filter-scheme": "dua-unit", "#filter-from": "2025-03-01"}, ["Andréas Wijaya"], id="scheme"),
        pytest.param(
            {"#filter-state": "lanjut", "#filter-scheme": "konsultasi-manajemen-pemasaran"},
            ["Budi Santoso"],
            id="state",
        ),
        pytest.param(
            {"#filter-from": "2025-03-10", "#filter-to": "2025-03-10"},
            ["Dewi Lestari", "Andréas Wijaya"],
            id="one-wib-day-includes-the-utc-evening-before",
        ),
        pytest.param({"#filter-from": "2025-03-01", "#filter-to": "2025-03-09"}, ["Budi Santoso"], id="wib-day-range"),
        pytest.param({"#filter-q": "andreas"}, ["Andréas Wijaya"], id="search-without-accent"),
        pytest.param({"#filter-q": "ANDRÉAS wij"}, ["Andréas Wijaya"], id="search-case-and-accent"),
        pytest.param({"#filter-q": "lestari"}, ["Dewi Lestari"], id="search-surname"),
    ],
)
def test_filters_and_search_narrow_the_list(desk, signed_in, fill, expected):
    page = signed_in()
    for selector, value in fill.items():
        if selector.startswith("#filter-scheme") or selector.startswith("#filter-state"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.click("#filter button[type=submit]")
    expect(page.locator("#list-rows .desk-name a")).to_have_count(len(expected))
    assert names(page) == expected
    # The filter is in the address: a reload shows the same list and the same filter.
    page.reload()
    expect(page.locator("#list-rows .desk-name a")).to_have_count(len(expected))
    assert names(page) == expected
    for selector, value in fill.items():
        expect(page.locator(selector)).to_have_value(value)


def test_search_by_id_prefix_finds_one(desk, signed_in):
    page = signed_in()
    page.fill("#filter-q", desk.ids["Maya Sari"][:8])
    page.press("#filter-q", "Enter")
    expect(page.locator("#list-rows .desk-name a")).to_have_count(1)
    assert names(page) == ["Maya Sari"]


def test_a_reversed_day_range_is_refused_before_asking(desk, signed_in):
    page = signed_in()
    page.fill("#filter-from", "2025-03-10")
    page.fill("#filter-to", "2025-03-01")
    page.click("#filter button[type=submit]")
    expect(page.locator("#filter-dates-error")).to_have_text("Sampai tanggal tidak boleh lebih awal dari tanggal awal.")
    expect(page.locator("#filter-to")).to_have_attribute("aria-invalid", "true")
    assert "from=" not in page.url


def test_more_pages_load_with_the_cursor(desk, signed_in):
    page = signed_in()
    expect(page.locator("#list-rows tr")).to_have_count(50)
    expect(page.locator("#list-summary")).to_contain_text("50 kiriman ditampilkan; masih ada lagi")
    page.click("#list-more")
    total = 1 + 10 + 52  # Siti, the filed ten, the fillers
    expect(page.locator("#list-rows tr")).to_have_count(total)
    expect(page.locator("#list-more")).to_be_hidden()
    assert len(set(names(page))) == total
    # Focus moved on to the first row that arrived, for a keyboard user.
    assert page.evaluate("document.activeElement.closest('tr').rowIndex") == 51
    assert names(page)[-1] == "Peserta Nomor 01"


def test_a_lagging_index_is_said_beside_the_list(desk, open_context):
    page = open_context()

    def behind(route) -> None:
        response = route.fetch()
        body = response.json()
        body["index"] = {
            **body["index"],
            "behind": True,
            "note": "3 pengajuan yang diterima sejak kemarin belum masuk daftar.",
        }
        route.fulfill(response=response, json=body)

    page.route("**/api/desk/submissions?*", behind)
    page.goto(desk.new_link())
    expect(page.locator("#index-note")).to_have_text("3 pengajuan yang diterima sejak kemarin belum masuk daftar.")
