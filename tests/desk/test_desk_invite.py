"""Inviting assessors: Cognito's AdminCreateUser and groups in AWS (moto), a local user with a one-time link locally."""

from __future__ import annotations

import pytest
from support.desk import ADMIN

from handler.deskconfig import CognitoDirectory
from swanilai.localauth import LocalAuth

INVITE = "POST /desk/assessors"


@pytest.fixture
def pool(aws_env):
    """A moto user pool shaped as the template's: email as user name, `name` and `custom:registration`, two groups."""
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("cognito-idp", region_name="ap-southeast-3")
        pool_id = client.create_user_pool(
            PoolName="swanilai-assessors",
            UsernameAttributes=["email"],
            Schema=[
                {"Name": "name", "AttributeDataType": "String", "Mutable": True},
                {"Name": "registration", "AttributeDataType": "String", "Mutable": True},
            ],
        )["UserPool"]["Id"]
        for group in ("asesor", "admin"):
            client.create_group(GroupName=group, UserPoolId=pool_id)
        yield client, pool_id


def invite(local, body):
    return local.call(INVITE, body=body, caller=ADMIN)


def test_an_admin_invites_an_assessor_into_cognito_with_name_registration_and_group(local, pool):
    client, pool_id = pool
    local.directory = CognitoDirectory(pool_id, client=client)
    local.configure()
    answer = invite(local, {"email": "Rina@LSP.example.id", "name": "Rina Marlina", "registration": "MET.000.7 2021"})
    assert answer.status == 201
    body = answer.json
    assert (body["email"], body["groups"], body["sign_in_link"]) == ("rina@lsp.example.id", ["asesor"], None)
    user = client.admin_get_user(UserPoolId=pool_id, Username="rina@lsp.example.id")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (attributes["name"], attributes["custom:registration"], attributes["sub"]) == (
        "Rina Marlina",
        "MET.000.7 2021",
        body["sub"],
    )
    groups = client.admin_list_groups_for_user(UserPoolId=pool_id, Username="rina@lsp.example.id")["Groups"]
    assert [g["GroupName"] for g in groups] == ["asesor"]


def test_an_admin_may_invite_another_admin(local, pool):
    client, pool_id = pool
    local.directory = CognitoDirectory(pool_id, client=client)
    local.configure()
    invite(local, {"email": "kepala@lsp.example.id", "name": "Kepala LSP", "registration": "MET.1", "admin": True})
    groups = client.admin_list_groups_for_user(UserPoolId=pool_id, Username="kepala@lsp.example.id")["Groups"]
    assert sorted(g["GroupName"] for g in groups) == ["admin", "asesor"]


def test_inviting_an_existing_email_is_409(local, pool):
    client, pool_id = pool
    local.directory = CognitoDirectory(pool_id, client=client)
    local.configure()
    body = {"email": "rina@lsp.example.id", "name": "Rina", "registration": "MET.2"}
    assert invite(local, body).status == 201
    again = invite(local, body)
    assert (again.status, again.json["error"]) == (409, "assessor_exists")
    assert again.json["message"] == "Sudah ada akun dengan email ini. Asesor tersebut dapat masuk dengan akunnya."


def test_locally_an_invitation_is_a_user_and_a_one_time_link(local, tmp_path):
    auth = LocalAuth(tmp_path / "users.json", "http://127.0.0.1:8000")
    local.directory = auth
    local.configure()
    body = invite(local, {"email": "rina@lsp.example.id", "name": "Rina", "registration": "MET.2"}).json
    assert body["sign_in_link"].startswith("http://127.0.0.1:8000/asesor/#masuk=")
    session = auth.exchange(body["sign_in_link"].split("#masuk=")[1])
    assert auth.payload(session.id_token)["cognito:groups"] == ["asesor"]


INVITE_PROBLEMS = [
    (
        "nothing",
        {},
        {
            "email": "Email wajib diisi: tuliskan alamat email asesor.",
            "name": "Nama Asesor wajib diisi: tuliskan nama lengkap asesor seperti pada sertifikatnya.",
            "registration": "No. Reg. wajib diisi: tuliskan nomor registrasi asesor (MET.\u2026).",
        },
    ),
    (
        "bad-email",
        {"email": "rina@", "name": "Rina", "registration": "MET.2"},
        {
            "email": "Email tidak valid: tuliskan alamat seperti nama@contoh.co.id.",
        },
    ),
    (
        "name-with-line-break",
        {"email": "r@x.id", "name": "Rina\nM", "registration": "MET.2"},
        {
            "name": "Nama Asesor hanya boleh berisi satu baris teks, tanpa baris baru atau tab.",
        },
    ),
    (
        "long-registration",
        {"email": "r@x.id", "name": "Rina", "registration": "M" * 65},
        {
            "registration": "No. Reg. terlalu panjang: paling banyak 64 karakter (sekarang 65). Persingkat isian ini.",
        },
    ),
    (
        "admin-not-boolean",
        {"email": "r@x.id", "name": "Rina", "registration": "MET.2", "admin": "ya"},
        {
            "admin": "Admin harus dipilih atau tidak (ya/tidak).",
        },
    ),
    (
        "unknown-field",
        {"email": "r@x.id", "name": "Rina", "registration": "MET.2", "password": "x"},
        {
            "password": "Kolom ini tidak dikenal. Muat ulang halaman, lalu coba lagi.",
        },
    ),
]


@pytest.mark.parametrize("body, fields", [c[1:] for c in INVITE_PROBLEMS], ids=[c[0] for c in INVITE_PROBLEMS])
def test_a_bad_invitation_is_refused_by_field(local, tmp_path, body, fields):
    local.directory = LocalAuth(tmp_path / "users.json", "http://127.0.0.1:8000")
    local.configure()
    answer = invite(local, body)
    assert (answer.status, answer.json["error"], answer.json["fields"]) == (400, "invalid_request", fields)
