"""Who may use the desk: a token the gateway (or serve's verifier) accepted, then the account's group on every route."""

from __future__ import annotations

import pytest
from support.desk import ADMIN, ASSESSOR, NO_GROUP, OUTSIDER, claims

from handler.account import account_from_claims, parse_groups
from handler.desk import ROUTES

SOME_ID = "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"


def route_options(route: str) -> dict:
    options: dict = {}
    if "{submission_id}" in route:
        options["parameters"] = {"submission_id": SOME_ID}
    if "{sha256}" in route:
        options["parameters"] = {**options["parameters"], "sha256": "0" * 64}
    if route.startswith("POST"):
        options["body"] = {}
    return options


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_refuses_a_call_without_claims(local, route):
    answer = local.call(route, caller=None, **route_options(route))
    assert (answer.status, answer.json["error"]) == (401, "unauthenticated")
    assert answer.json["message"] == "Sesi Anda tidak berlaku atau sudah berakhir. Silakan masuk kembali."


@pytest.mark.parametrize("caller", [OUTSIDER, NO_GROUP], ids=["another-group", "no-group"])
@pytest.mark.parametrize("route", sorted(ROUTES))
def test_every_route_refuses_an_account_outside_the_desks_groups(local, route, caller):
    answer = local.call(route, caller=caller, **route_options(route))
    assert (answer.status, answer.json["error"]) == (403, "forbidden")
    assert answer.json["message"] == (
        "Akun Anda tidak memiliki akses ke bagian ini. Hubungi admin LSP bila Anda memerlukannya."
    )


ADMIN_ROUTES = ["POST /desk/assessors", "POST /desk/reindex"]


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_admin_routes_refuse_an_assessor(local, route):
    answer = local.call(route, caller=ASSESSOR, **route_options(route))
    assert (answer.status, answer.json["error"]) == (403, "forbidden")


def test_the_admin_routes_are_exactly_the_admins():
    assert sorted(route for route, spec in ROUTES.items() if spec.groups == ("admin",)) == ADMIN_ROUTES
    assert all(spec.groups == ("asesor", "admin") for route, spec in ROUTES.items() if route not in ADMIN_ROUTES)


def test_me_is_the_account_the_token_names(local):
    assert local.call("GET /desk/me", caller=ADMIN).json == {
        "sub": ADMIN["sub"],
        "name": "Admin LSP",
        "registration": "MET.000.000001 2019",
        "email": "andri@lsp.example.id",
        "groups": ["admin", "asesor"],
    }


@pytest.mark.parametrize(
    "value, groups",
    [
        ("[asesor admin]", {"asesor", "admin"}),  # API Gateway's payload 2.0 spelling of an array claim
        ("[asesor]", {"asesor"}),
        ('["asesor","admin"]', {"asesor", "admin"}),
        (["admin"], {"admin"}),
        ("asesor", {"asesor"}),
        ("asesor,admin", {"asesor", "admin"}),
        ("[]", set()),
        ("", set()),
        (None, set()),
    ],
    ids=["gateway-array", "gateway-one", "json-array", "list", "one-name", "comma", "empty-array", "empty", "absent"],
)
def test_groups_are_read_in_every_form_a_claim_arrives_in(value, groups):
    assert parse_groups(value) == groups


def test_an_account_without_sub_is_nobody():
    assert account_from_claims({**ASSESSOR, "sub": ""}) is None
    assert account_from_claims(claims(groups="[asesor admin]")).in_any("admin")


def test_a_wrong_method_on_a_route_is_405(local):
    answer = local.call("GET /desk/me", method="DELETE")
    assert (answer.status, answer.json["error"], answer.headers["allow"]) == (405, "method_not_allowed", "GET")


def test_the_log_names_route_and_status_never_the_account(local):
    local.call("GET /desk/me", caller=ADMIN)
    [line] = [line for line in local.logs if line.get("event") == "desk_request"]
    assert line["route"] == "GET /desk/me" and line["status"] == 200
    assert ADMIN["sub"] not in str(local.logs) and "Admin LSP" not in str(local.logs)
