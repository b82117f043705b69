"""axe-core finds no serious or critical violation; the home page's filter filters as you type."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.page import RECEIPT, fake_api, fill_valid, open_seed, run_axe

pytestmark = pytest.mark.browser


def test_seed_page_has_no_serious_accessibility_violation_when_empty(phone, static_url):
    open_seed(phone, static_url)
    assert run_axe(phone) == []
    assert phone.outside_requests == []


def test_seed_page_has_no_serious_accessibility_violation_with_every_error_shown(phone, static_url):
    open_seed(phone, static_url)
    phone.fill("#candidate-email", "bukan-email")
    phone.click("#submit")
    expect(phone.locator("#error-summary")).to_be_visible()
    assert run_axe(phone) == []


def test_receipt_has_no_serious_accessibility_violation(phone, static_url):
    open_seed(phone, static_url)
    fill_valid(phone)
    fake_api(phone, (201, RECEIPT))
    phone.click("#submit")
    expect(phone.locator("#receipt")).to_be_visible()
    assert run_axe(phone) == []


def test_home_page_has_no_serious_accessibility_violation(phone, static_url):
    phone.goto(static_url + "/")
    assert run_axe(phone) == []
    assert phone.outside_requests == []


def test_home_page_lists_every_scheme_and_links_to_its_form(phone, static_url, seed):
    phone.goto(static_url + "/")
    row = phone.locator("#catalog-table tbody tr")
    expect(row).to_have_count(1)
    expect(row.first).to_contain_text(seed.number)
    expect(row.first.locator("td").last).to_have_text(str(len(seed.units)))
    row.first.get_by_role("link").click()
    expect(phone.locator(".apl02-head")).to_contain_text(seed.title)


@pytest.mark.parametrize(
    ("typed", "shown", "count"),
    [
        pytest.param("pemasaran", 1, "1 dari 1 skema cocok", id="a-title-word"),
        pytest.param("KONSULTASI   manajemen", 1, "1 dari 1 skema cocok", id="case-and-spaces-ignored"),
        pytest.param("pémasáran", 1, "1 dari 1 skema cocok", id="diacritics-ignored"),
        pytest.param("SS.018.05", 1, "1 dari 1 skema cocok", id="a-scheme-number"),
        pytest.param("kuliner", 0, "0 dari 1 skema cocok", id="no-match"),
        pytest.param("", 1, "1 skema", id="cleared"),
    ],
)
def test_home_page_filter_filters_rows_as_you_type(phone, static_url, typed, shown, count):
    phone.goto(static_url + "/")
    phone.fill("#catalog-filter", "xyz")  # first narrow it, so "cleared" must bring the row back
    phone.fill("#catalog-filter", typed)
    expect(phone.locator("#catalog-table tbody tr:visible")).to_have_count(shown)
    expect(phone.locator("#catalog-count")).to_have_text(count)
    expect(phone.locator("#catalog-empty")).to_be_visible() if shown == 0 else expect(
        phone.locator("#catalog-empty")
    ).to_be_hidden()


def test_the_axe_check_itself_reports_a_serious_violation(phone, static_url):
    open_seed(phone, static_url)
    phone.evaluate("document.getElementById('apl02').append(Object.assign(document.createElement('input'), {id: 'x'}))")
    assert [v["id"] for v in run_axe(phone)] == ["label"]
