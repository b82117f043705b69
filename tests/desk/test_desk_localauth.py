"""Local sign-in: one-time links, HMAC-signed ID tokens and the local verifier, directly and through the local server."""

from __future__ import annotations

import base64
import http.client
import json
from datetime import UTC, datetime

import pytest
from support.api import Clock
from support.handler import Served, check_response, free_port, full_payload, in_process_server, schema_errors

from swanilai.localauth import AUDIENCE, ISSUER, LocalAuth, gateway_claims

NOW = datetime(2026, 12, 1, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def auth(tmp_path, clock) -> LocalAuth:
    return LocalAuth(tmp_path / ".desk" / "users.json", "http://127.0.0.1:8000", clock=clock)


def token_of(auth: LocalAuth) -> str:
    admin = auth.ensure_admin()
    link = auth.sign_in_link(admin.sub)
    return auth.exchange(link.split("#masuk=")[1]).id_token


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_a_session_token_gives_the_claims_as_api_gateway_delivers_them(auth):
    admin = auth.ensure_admin()
    claims = auth.verify(bearer(token_of(auth)))
    assert {k: v for k, v in claims.items() if k not in ("iat", "exp", "jti")} == {
        "sub": admin.sub,
        "email": "admin@lokal.invalid",
        "email_verified": "true",
        "name": "Admin Lokal",
        "custom:registration": "MET.LOKAL",
        "cognito:groups": "[asesor admin]",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "token_use": "id",
    }
    assert int(claims["exp"]) - int(claims["iat"]) == 8 * 3600
    assert all(isinstance(value, str) for value in claims.values())


def _forge(token: str, **change) -> str:
    head, body, signature = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload.update(change)
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return f"{head}.{forged}.{signature}"


def _unsigned(token: str) -> str:
    _, body, _ = token.split(".")
    head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').decode().rstrip("=")
    return f"{head}.{body}."


@pytest.mark.parametrize(
    "make",
    [
        lambda auth, other, token: {},
        lambda auth, other, token: {"authorization": token},
        lambda auth, other, token: {"authorization": "Basic YWRtaW46YWRtaW4="},
        lambda auth, other, token: bearer("bukan.sebuah.token"),
        lambda auth, other, token: bearer(token_of(other)),
        lambda auth, other, token: bearer(_forge(token, **{"cognito:groups": ["asesor", "admin", "root"]})),
        lambda auth, other, token: bearer(_unsigned(token)),
        lambda auth, other, token: bearer(auth.sign({**auth.payload(token), "iss": "https://cognito-idp.x/y"})),
        lambda auth, other, token: bearer(auth.sign({**auth.payload(token), "aud": "another-client"})),
        lambda auth, other, token: bearer(auth.sign(auth.payload(token), {"alg": "HS512", "typ": "JWT"})),
    ],
    ids=[
        "absent",
        "no-bearer-scheme",
        "basic",
        "garbage",
        "another-servers-key",
        "payload-changed",
        "alg-none",
        "another-issuer",
        "another-audience",
        "another-algorithm",
    ],
)
def test_the_verifier_refuses_every_token_it_did_not_issue_as_is(auth, tmp_path, clock, make):
    other = LocalAuth(tmp_path / "other" / "users.json", "http://127.0.0.1:8001", clock=clock)
    token = token_of(auth)
    assert auth.verify(make(auth, other, token)) is None


def test_a_token_expires_and_a_revoked_one_stops_at_once(auth, clock):
    token = token_of(auth)
    clock.advance(hours=8, seconds=-1)
    assert auth.verify(bearer(token)) is not None
    clock.advance(seconds=1)
    assert auth.verify(bearer(token)) is None
    clock.advance(hours=-1)
    fresh = token_of(auth)
    assert auth.revoke(bearer(fresh)) is True
    assert auth.verify(bearer(fresh)) is None
    assert auth.revoke(bearer(fresh)) is False


def test_a_one_time_link_works_once_and_for_ten_minutes(auth, clock):
    admin = auth.ensure_admin()
    once = auth.sign_in_link(admin.sub).split("#masuk=")[1]
    assert auth.exchange(once) is not None
    assert auth.exchange(once) is None
    late = auth.sign_in_link(admin.sub).split("#masuk=")[1]
    clock.advance(minutes=10)
    assert auth.exchange(late) is None
    for bad in (None, 42, "", "x" * 1000, "belum-pernah-dibuat-sebagai-token"):
        assert auth.exchange(bad) is None


def test_users_are_kept_privately_and_the_admin_made_once(auth, tmp_path):
    first = auth.ensure_admin()
    assert auth.ensure_admin() == first
    assert oct(auth.users_file.stat().st_mode & 0o777) == "0o600"
    again = LocalAuth(auth.users_file, "http://127.0.0.1:8000")
    assert again.ensure_admin() == first  # the same admin after a restart (new key, new sessions)


def test_claims_as_the_gateway_spells_them():
    assert gateway_claims({"a": ["x", "y"], "b": True, "c": 3, "d": "t"}) == {
        "a": "[x y]",
        "b": "true",
        "c": "3",
        "d": "t",
    }


# -- through the local server (in this process: the devserver `build.py serve` runs)


@pytest.fixture(scope="module")
def served(site_dir, catalog_dir, tmp_path_factory):
    with in_process_server(tmp_path_factory.mktemp("desk-local") / "var", site_dir, catalog_dir) as server:
        yield server


def call(server, method: str, path: str, body=None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
    try:
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        connection.request(method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})})
        response = connection.getresponse()
        raw = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(raw) if raw else None
    finally:
        connection.close()


def sign_in(server, sub: str | None = None) -> str:
    user = sub or server.desk_auth.ensure_admin().sub
    token = server.desk_auth.sign_in_link(user).split("#masuk=")[1]
    status, _, body = call(server, "POST", "/api/desk/session", {"token": token})
    assert status == 200 and schema_errors(body, "#/components/schemas/DeskSession") == []
    return body["id_token"]


def test_without_a_valid_token_the_server_answers_as_the_gateway_does(served):
    foreign = LocalAuth(served.state_dir / "elsewhere.json", "http://127.0.0.1:1").session(
        LocalAuth(served.state_dir / "elsewhere.json", "x").ensure_admin()
    )
    for headers in ({}, {"Authorization": "Bearer x.y.z"}, {"Authorization": f"Bearer {foreign.id_token}"}):
        status, _, body = call(served, "GET", "/api/desk/me", headers=headers)
        assert (status, body) == (401, {"message": "Unauthorized"})


def test_sign_in_use_and_sign_out_through_the_server(served):
    token = sign_in(served)
    status, headers, body = call(served, "GET", "/api/desk/me", headers={"Authorization": f"Bearer {token}"})
    check_response("GET", status, headers, json.dumps(body), "/desk/me")
    assert (status, body["name"], body["groups"]) == (200, "Admin Lokal", ["admin", "asesor"])
    assert call(served, "DELETE", "/api/desk/session", headers={"Authorization": f"Bearer {token}"})[0] == 204
    assert call(served, "GET", "/api/desk/me", headers={"Authorization": f"Bearer {token}"})[:3:2] == (
        401,
        {"message": "Unauthorized"},
    )


def test_a_used_link_is_refused_in_bahasa_indonesia(served):
    token = served.desk_auth.sign_in_link(served.desk_auth.ensure_admin().sub).split("#masuk=")[1]
    assert call(served, "POST", "/api/desk/session", {"token": token})[0] == 200
    status, _, body = call(served, "POST", "/api/desk/session", {"token": token})
    assert (status, body["error"]) == (401, "sign_in_link_invalid")
    assert body["message"].startswith("Tautan masuk ini tidak berlaku lagi")
    assert schema_errors(body, "#/components/schemas/DeskErrorBody") == []


def test_an_invited_assessor_signs_in_and_is_no_admin(served):
    admin = {"Authorization": f"Bearer {sign_in(served)}"}
    status, _, invited = call(
        served,
        "POST",
        "/api/desk/assessors",
        {"email": "rina@lsp.example.id", "name": "Rina", "registration": "MET.9"},
        admin,
    )
    assert status == 201
    token = invited["sign_in_link"].split("#masuk=")[1]
    _, _, session = call(served, "POST", "/api/desk/session", {"token": token})
    rina = {"Authorization": f"Bearer {session['id_token']}"}
    assert call(served, "GET", "/api/desk/me", headers=rina)[2]["groups"] == ["asesor"]
    status, _, body = call(served, "POST", "/api/desk/reindex", headers=rina)
    assert (status, body["error"]) == (403, "forbidden")


def test_a_submission_shows_on_the_desk_at_once(served, seed):
    origin = {"Origin": f"http://127.0.0.1:{served.server_address[1]}"}
    payload = full_payload(seed, submission_id="4d3c2b1a-0f9e-4d8c-b7a6-958473625140")
    payload["candidate"]["name"] = "Nur Aini Langsung"
    assert call(served, "POST", "/api/submissions", payload, origin)[0] == 201
    admin = {"Authorization": f"Bearer {sign_in(served)}"}
    status, _, body = call(served, "GET", "/api/desk/submissions?q=nur%20aini", headers=admin)
    assert status == 200 and [item["name"] for item in body["items"]] == ["Nur Aini Langsung"]


def test_serve_prints_a_sign_in_link_that_works_once(site_dir, tmp_path):
    served = Served(free_port(), tmp_path / "var", site_dir)
    try:
        link = served.sign_in_link
        assert link.startswith(f"http://127.0.0.1:{served.port}/asesor/#masuk=")
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        body = json.dumps({"token": link.split("#masuk=")[1]})
        for expected in (200, 401):
            connection.request("POST", "/api/desk/session", body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            assert response.status == expected
        connection.close()
    finally:
        served.stop()
    assert oct((tmp_path / "var" / ".desk").stat().st_mode & 0o777) == "0o700"
