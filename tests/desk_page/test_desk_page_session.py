"""The desk page in Chromium against `build.py serve`: sign-out, an expired session that keeps the
filter, Cognito's managed login with PKCE (Cognito faked at its own address), downloads, admin."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SESSION_KEY = "swanilai:desk:session"


def page_token(page) -> str:
    return json.loads(page.evaluate(f"sessionStorage.getItem({SESSION_KEY!r})"))["id_token"]


def test_sign_out_forgets_and_revokes_the_token(desk, signed_in):
    page = signed_in()
    token = page_token(page)
    page.click("#signout")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-note")).to_have_text("Anda sudah keluar. Sampai jumpa.")
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate(f"sessionStorage.getItem({SESSION_KEY!r})") is None
    assert page.locator("#list-rows tr").count() == 0  # no name left on the page
    status, _, _ = desk.api.request("GET", "/desk/me", token=token)
    assert status == 401
    page.reload()
    expect(page.locator("#signin")).to_be_visible()


def test_an_expired_session_asks_to_sign_in_again_and_keeps_the_filter(desk, signed_in):
    page = signed_in()
    page.select_option("#filter-scheme", "dua-unit")
    page.fill("#filter-q", "peserta nomor 0")
    page.press("#filter-q", "Enter")
    expect(page.locator("#list-rows tr")).to_have_count(9)
    kept = page.url.split("#", 1)[1]
    # The token stops working (as at its expiry): the next request is refused.
    status, _, _ = desk.api.request("DELETE", "/desk/session", token=page_token(page))
    assert status == 204
    page.click("#list-rows .desk-name a >> nth=0")
    expect(page.locator("#signin")).to_be_visible()
    expect(page.locator("#signin-note")).to_have_text(
        "Sesi Anda sudah berakhir. Silakan masuk lagi; saringan Anda tetap tersimpan."
    )
    expect(page.locator("#signin-title")).to_be_focused()
    # Signing in again (a new one-time link) comes back to where the assessor was.
    page.goto(desk.new_link())
    expect(page.locator("#app")).to_be_visible()
    assert "masuk" not in page.url
    expect(page.locator("#detail-view")).to_be_visible()
    assert page.url.split("#", 1)[1].endswith(kept)
    page.click("#detail-back")
    expect(page.locator("#list-rows tr")).to_have_count(9)
    expect(page.locator("#filter-scheme")).to_have_value("dua-unit")


def test_a_stored_token_past_its_expiry_is_not_sent(desk, signed_in):
    page = signed_in()
    page.evaluate(
        f"""() => {{ const s = JSON.parse(sessionStorage.getItem({SESSION_KEY!r}));
                    s.expires_ms = Date.now() - 1000; sessionStorage.setItem({SESSION_KEY!r}, JSON.stringify(s)); }}"""
    )
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url) if "/api/" in request.url else None)
    page.reload()
    expect(page.locator("#signin-note")).to_have_text(
        "Sesi Anda sudah berakhir. Silakan masuk lagi; saringan Anda tetap tersimpan."
    )
    assert requests == []


# -- Cognito: managed login, authorization code with PKCE (S256); Cognito answered by the test

COGNITO = "desk-uji.auth.ap-southeast-3.amazoncognito.com"
CLIENT_ID = "4r7klienujiswanilai"


def sends_to(url: str) -> str:
    """Cognito's redirect as a page that moves on by itself: Chromium does not route a fulfilled 302's target."""
    from html import escape

    return f'<!doctype html><meta http-equiv="refresh" content="0;url={escape(url)}"><title>Cognito</title>'


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def test_cognito_sign_in_with_pkce_and_sign_out_through_managed_login(desk, open_context):
    page = open_context()
    seen: dict[str, dict] = {}
    token_for_page = desk_token(desk)

    def with_cognito(route) -> None:
        response = route.fetch()
        html = response.text()
        assert '"cognito": null' in html
        html = html.replace(
            '"cognito": null', json.dumps({"cognito": {"domain": COGNITO, "client_id": CLIENT_ID}})[1:-1]
        )
        route.fulfill(response=response, body=html)

    def authorize(route) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        seen["authorize"] = query
        back = f"{query['redirect_uri']}?code=kode-sekali&state={query['state']}"
        route.fulfill(body=sends_to(back), content_type="text/html")

    def token(route) -> None:
        seen["token"] = {k: v[0] for k, v in parse_qs(route.request.post_data).items()}
        route.fulfill(
            json={"id_token": token_for_page, "access_token": "a", "expires_in": 3600, "token_type": "Bearer"},
            headers={"access-control-allow-origin": desk.origin},
        )

    def logout(route) -> None:
        seen["logout"] = {k: v[0] for k, v in parse_qs(urlsplit(route.request.url).query).items()}
        route.fulfill(body=sends_to(seen["logout"]["logout_uri"]), content_type="text/html")

    page.route(re.compile(r".*/asesor/(\?.*)?$"), with_cognito)
    page.route(f"https://{COGNITO}/oauth2/authorize?*", authorize)
    page.route(f"https://{COGNITO}/oauth2/token", token)
    page.route(f"https://{COGNITO}/logout?*", logout)

    page.goto(desk.url + "#state=perbaikan&q=maya")
    expect(page.locator("#signin-button")).to_be_visible()
    expect(page.locator("#signin-local")).to_be_hidden()
    page.click("#signin-button")
    expect(page.locator("#app")).to_be_visible()

    asked = seen["authorize"]
    assert {k: asked[k] for k in ("response_type", "client_id", "redirect_uri", "code_challenge_method", "scope")} == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": desk.url,
        "code_challenge_method": "S256",
        "scope": "openid email profile",
    }
    sent = seen["token"]
    assert {k: sent[k] for k in ("grant_type", "client_id", "code", "redirect_uri")} == {
        "grant_type": "authorization_code",
        "client_id": CLIENT_ID,
        "code": "kode-sekali",
        "redirect_uri": desk.url,
    }
    assert "client_secret" not in sent
    assert b64url(hashlib.sha256(sent["code_verifier"].encode("ascii")).digest()) == asked["code_challenge"]
    assert len(sent["code_verifier"]) >= 43
    # The code is gone from the address bar; the filter the assessor came with is back.
    assert "code=" not in page.url and "state=" not in urlsplit(page.url).query
    assert urlsplit(page.url).fragment == "state=perbaikan&q=maya"
    assert page.evaluate("sessionStorage.getItem('swanilai:desk:pkce')") is None
    expect(page.locator("#filter-q")).to_have_value("maya")

    page.click("#signout")
    expect(page.locator("#signin-note")).to_have_text("Anda sudah keluar.")
    assert seen["logout"] == {"client_id": CLIENT_ID, "logout_uri": desk.url}
    assert page.evaluate(f"sessionStorage.getItem({SESSION_KEY!r})") is None


def test_a_cognito_answer_with_a_foreign_state_is_refused(desk, open_context):
    page = open_context()

    def with_cognito(route) -> None:
        response = route.fetch()
        html = response.text().replace(
            '"cognito": null', f'"cognito": {{"domain": "{COGNITO}", "client_id": "{CLIENT_ID}"}}'
        )
        route.fulfill(response=response, body=html)

    tokens: list[str] = []
    page.route(re.compile(r".*/asesor/(\?.*)?$"), with_cognito)
    page.route(f"https://{COGNITO}/oauth2/token", lambda route: tokens.append("asked") or route.abort())
    page.goto(desk.url + "?code=dicuri&state=bukan-milik-halaman-ini")
    expect(page.locator("#signin-note")).to_contain_text("Proses masuk tidak dapat diselesaikan")
    assert tokens == []
    assert "code=" not in page.url


def desk_token(desk) -> str:
    """An ID token for a new admin, as the page would hold after signing in."""
    from support.desk_page import DeskApi

    other = DeskApi(desk.origin)
    return other.sign_in(desk.new_link())


# -- downloads


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_download_of_the_current_filter(desk, signed_in, kind):
    page = signed_in()
    page.select_option("#filter-scheme", "konsultasi-manajemen-pemasaran")
    page.fill("#filter-from", "2025-03-01")
    page.fill("#filter-to", "2025-03-31")
    page.click("#filter button[type=submit]")
    expect(page.locator("#list-rows tr")).to_have_count(2)
    with page.expect_download() as waiting:
        page.click(f"#download-{kind}")
    download = waiting.value
    assert re.fullmatch(rf"rekap-asesmen-mandiri-\d{{4}}-\d{{2}}-\d{{2}}\.{kind}", download.suggested_filename)
    data = open(download.path(), "rb").read()
    if kind == "xlsx":
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    else:
        import csv

        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    name_column = next(n for n, title in enumerate(header) if "Nama" in str(title))
    assert sorted(row[name_column] for row in body) == ["Budi Santoso", "Dewi Lestari"]
    expect(page.locator("#desk-status")).to_have_text(f"Berkas {download.suggested_filename} diunduh.")


# -- admin


def test_admin_invites_an_assessor_who_signs_in_without_the_admin_part(desk, signed_in, open_context):
    page = signed_in()
    page.click("#admin summary")
    page.fill("#invite-email", "lestari.asesor@contoh.ac.id")
    page.fill("#invite-name", "Dra. Lestari Widodo")
    page.fill("#invite-registration", "MET.000.004321 2021")
    page.click("#invite button[type=submit]")
    expect(page.locator("#invite-result")).to_contain_text("Undangan untuk Dra. Lestari Widodo")
    link = page.locator("#invite-result code").inner_text()
    assert re.fullmatch(re.escape(desk.url) + r"#masuk=[A-Za-z0-9_-]+", link)
    invited = open_context("phone")
    invited.goto(link)
    expect(invited.locator("#account-name")).to_have_text("Dra. Lestari Widodo")
    expect(invited.locator("#account-reg")).to_have_text("MET.000.004321 2021")
    expect(invited.locator("#admin")).to_be_hidden()
    expect(invited.locator("#list-rows tr").first).to_be_visible()


def test_an_invitation_without_its_fields_is_refused_in_the_page(desk, signed_in):
    page = signed_in()
    page.click("#admin summary")
    page.click("#invite button[type=submit]")
    expect(page.locator("#invite-email-error")).to_have_text("Email wajib diisi: tuliskan alamat email asesor.")
    expect(page.locator("#invite-name-error")).to_have_text(
        "Nama Asesor wajib diisi: tuliskan nama lengkap asesor seperti pada sertifikatnya."
    )
    expect(page.locator("#invite-registration-error")).to_have_text(
        "No. Reg. wajib diisi: tuliskan nomor registrasi asesor (MET.\u2026)."
    )
    expect(page.locator("#invite-email")).to_be_focused()
    page.fill("#invite-email", "bukan-email")
    page.fill("#invite-name", "Nama")
    page.fill("#invite-registration", "MET.1")
    page.click("#invite button[type=submit]")
    expect(page.locator("#invite-email-error")).to_have_text(
        "Email tidak valid: tuliskan alamat seperti nama@contoh.co.id."
    )


def test_admin_rebuilds_the_index(desk, signed_in):
    page = signed_in()
    page.click("#admin summary")
    page.click("#reindex")
    total = 1 + 10 + 52
    expect(page.locator("#desk-status")).to_have_text(f"Indeks sudah dibangun ulang: {total} kiriman terdaftar.")
