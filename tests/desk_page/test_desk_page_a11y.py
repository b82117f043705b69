"""The desk page is axe-clean at 360 px and 1280 px (sign-in, list, one submission with its review
errors shown), scrolls no wider than a phone, and runs under the site's packaged CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from support.infra import publish
from support.page import run_axe

pytestmark = pytest.mark.browser

SIZES = ["phone", "laptop"]


def open_with_errors(page, name: str) -> None:
    page.fill("#filter-q", name)
    page.press("#filter-q", "Enter")
    page.locator("#list-rows .desk-name a", has_text=name).click()
    expect(page.locator("#detail-print")).to_be_enabled()
    page.check("#outcome-perbaikan")
    page.click("#review-submit")
    expect(page.locator("#review-errors")).to_be_visible()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_screen_is_accessible(desk, open_context, size):
    page = open_context(size)
    page.goto(desk.url)
    expect(page.locator("#signin")).to_be_visible()
    assert run_axe(page) == []
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("size", SIZES)
def test_list_is_accessible(desk, signed_in, size):
    page = signed_in(size)
    page.click("#admin summary")  # the admin's invitation form too
    assert run_axe(page) == []
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("size", SIZES)
def test_one_submission_with_review_errors_is_accessible(desk, signed_in, size):
    page = signed_in(size)
    open_with_errors(page, "Lina Marlina")
    page.click("#review-elements summary")
    assert run_axe(page, iframes=False) == []
    assert no_sideways_scroll(page)
    # The paper form may be wider than a phone: then its box scrolls sideways, and the keyboard reaches it.
    wider = page.evaluate(
        "(() => { const w = document.getElementById('detail-frame-wrap'); return w.scrollWidth > w.clientWidth; })()"
    )
    assert page.locator("#detail-frame-wrap").get_attribute("tabindex") == ("0" if wider else None)


def test_the_rendered_form_itself_is_accessible(desk, open_context):
    # The sandboxed frame runs no script, so axe checks the API's form as a page of its own.
    status, html, _ = desk.api.request("GET", f"/desk/submissions/{desk.ids['Lina Marlina']}/form")
    assert status == 200
    page = open_context()
    page.route(desk.origin + "/uji-formulir/", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto(desk.origin + "/uji-formulir/")
    assert run_axe(page) == []


# -- the site's Content-Security-Policy (infra/template.yaml), as packaging computes it


def test_the_desk_works_under_the_packaged_csp(desk, site_csp, open_context):
    page = open_context()
    messages: list[str] = []
    page.on(
        "console", lambda message: messages.append(message.text) if "Content Security Policy" in message.text else None
    )

    def with_csp(route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": site_csp})

    page.route(lambda url: not url.startswith(desk.origin + "/api/"), with_csp)
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    page.goto(desk.new_link())
    expect(page.locator("#list-rows tr").first).to_be_visible()
    open_with_errors(page, "Lina Marlina")
    # The rendered form inherits the CSP: its stylesheet is the site's file, so it is styled.
    border = page.frame_locator("#detail-frame").locator("td").first.evaluate("n => getComputedStyle(n).borderTopStyle")
    assert border == "solid"
    assert page.evaluate("window.__csp") == []
    assert messages == []


@pytest.fixture(scope="module")
def site_csp(desk):
    """The CSP of the packaged site for the desk's served site (the API on the same origin)."""
    return publish.site_csp(publish.csp_parameters(publish.scan_site(desk.site_dir), "/api/submissions"))
