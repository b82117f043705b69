"""Transport rules: method, origin, media type, size, encoding and JSON, CORS, the one top-level catch."""

from __future__ import annotations

import base64
import json

import pytest
from support.api import configure_api
from support.handler import ORIGIN, check_response, make_event

from handler import app
from handler.config import ConfigurationError, config_from_environment, parse_origins
from handler.errors import InvalidSubmission
from handler.fields import BODY_MAX_BYTES, ERROR_BODY_MAX_BYTES
from handler.response import error_response
from handler.store import LocalStore, S3Store


def _json_body(payload, size: int) -> str:
    """The payload padded with trailing whitespace (valid JSON) to exactly size bytes."""
    text = json.dumps(payload, ensure_ascii=False)
    return text + " " * (size - len(text.encode("utf-8")))


BAD_REQUESTS = [
    # id, event options (or a callable of the payload), status, error code
    ("get", {"method": "GET"}, 405, "method_not_allowed"),
    ("put", {"method": "PUT"}, 405, "method_not_allowed"),
    (
        "get_from_foreign_origin_is_a_405_first",
        {"method": "GET", "headers": {"origin": "https://evil.example"}},
        405,
        "method_not_allowed",
    ),
    ("foreign_origin", {"headers": {"origin": "https://evil.example"}}, 403, "origin_not_allowed"),
    ("null_origin", {"headers": {"origin": "null"}}, 403, "origin_not_allowed"),
    ("origin_with_trailing_slash", {"headers": {"origin": ORIGIN + "/"}}, 403, "origin_not_allowed"),
    ("origin_on_another_port", {"headers": {"origin": ORIGIN + ":8443"}}, 403, "origin_not_allowed"),
    (
        "foreign_origin_is_a_403_before_the_media_type",
        {"headers": {"origin": "https://evil.example", "content-type": "text/plain"}},
        403,
        "origin_not_allowed",
    ),
    ("text_plain", {"headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type"),
    ("form_encoded", {"headers": {"content-type": "application/x-www-form-urlencoded"}}, 415, "unsupported_media_type"),
    ("no_content_type", {"headers": {"content-type": None}}, 415, "unsupported_media_type"),
    (
        "json_in_latin1",
        {"headers": {"content-type": "application/json; charset=iso-8859-1"}},
        415,
        "unsupported_media_type",
    ),
    ("json_patch", {"headers": {"content-type": "application/json-patch+json"}}, 415, "unsupported_media_type"),
    ("body_one_byte_over_512_kib", lambda p: {"body": _json_body(p, BODY_MAX_BYTES + 1)}, 413, "payload_too_large"),
    ("garbage_over_512_kib_is_a_413_before_parsing", {"body": "\xff" * (BODY_MAX_BYTES + 1)}, 413, "payload_too_large"),
    ("multibyte_body_over_512_kib", {"body": "é" * (BODY_MAX_BYTES // 2 + 1)}, 413, "payload_too_large"),
    (
        "base64_body_over_512_kib",
        lambda p: {"body": _json_body(p, BODY_MAX_BYTES + 1), "base64_body": True},
        413,
        "payload_too_large",
    ),
    ("not_json", {"body": "Kirim"}, 400, "invalid_json"),
    ("truncated_json", lambda p: {"body": json.dumps(p)[:-10]}, 400, "invalid_json"),
    ("empty_body", {"body": ""}, 400, "invalid_json"),
    ("no_body", {"body": None}, 400, "invalid_json"),
    ("json_array", {"body": "[1, 2]"}, 400, "invalid_json"),
    ("json_string", {"body": '"K"'}, 400, "invalid_json"),
    ("nan", lambda p: {"body": json.dumps(p)[:-1] + ', "x": NaN}'}, 400, "invalid_json"),
    ("deeply_nested", {"body": "[" * 100_000 + "]" * 100_000}, 400, "invalid_json"),
    ("enormous_number", {"body": '{"declaration": ' + "1" * 5000 + "}"}, 400, "invalid_json"),
    ("lone_surrogate", {"body": '{"candidate": {"name": "\ud800"}}'}, 400, "invalid_json"),
    (
        "invalid_utf8_in_base64_body",
        {"body": b'{"candidate": {"name": "\xc3\x28"}}', "base64_body": True},
        400,
        "invalid_json",
    ),
    ("invalid_base64", lambda p: {"body": "eyJ$$$", "base64_body": False, "raw_base64": True}, 400, "invalid_json"),
]


@pytest.mark.parametrize("options, status, code", [pytest.param(o, s, c, id=i) for i, o, s, c in BAD_REQUESTS])
def test_bad_request_gets_its_status_and_one_error_shape(api, payload, options, status, code):
    options = options(payload) if callable(options) else dict(options)
    body = options.pop("body", payload)
    raw_base64 = options.pop("raw_base64", False)
    event = make_event(body, **options)
    if raw_base64:
        event["isBase64Encoded"] = True
    result = api.call(event)
    assert (result.status, result.json["error"]) == (status, code)
    assert result.json["fields"] == {}
    assert result.json["retryable"] is False
    assert result.json["request_id"] == "req-test-1" == result.headers["x-request-id"]
    assert api.keys() == []


def test_method_not_allowed_names_the_allowed_methods(api, payload):
    assert api.post(payload, method="DELETE").headers["allow"] == "OPTIONS, POST"


def test_body_of_exactly_512_kib_is_accepted(api, payload):
    assert api.post(_json_body(payload, BODY_MAX_BYTES)).status == 201


def test_base64_encoded_body_is_decoded(api, payload):
    result = api.post(payload, base64_body=True)
    assert result.status == 201
    assert result.json["submission_id"] == payload["submission_id"]


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON; Charset=UTF-8",
        'application/json;charset="utf-8"',
    ],
)
def test_json_media_type_variants_are_accepted(api, payload, content_type):
    assert api.post(payload, headers={"content-type": content_type}).status == 201


def test_request_without_origin_is_accepted_as_a_non_browser_client(api, payload):
    result = api.post(payload, headers={"origin": None})
    assert result.status == 201
    assert "access-control-allow-origin" not in result.headers


# -- CORS


def test_allowed_origin_can_read_receipts_and_errors(api, payload):
    ok = api.post(payload)
    assert ok.headers["access-control-allow-origin"] == ORIGIN
    assert ok.headers["vary"] == "Origin"
    payload["declaration"] = False
    payload["submission_id"] = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    bad = api.post(payload)
    assert bad.status == 400
    assert bad.headers["access-control-allow-origin"] == ORIGIN


def test_preflight_from_allowed_origin_is_answered(api):
    result = api.call(
        make_event(None, method="OPTIONS", headers={"access-control-request-method": "POST", "content-type": None})
    )
    assert result.status == 204 and result.text == ""
    assert result.headers["access-control-allow-origin"] == ORIGIN
    assert result.headers["access-control-allow-methods"] == "POST, OPTIONS"
    assert result.headers["access-control-allow-headers"] == "content-type"


def test_preflight_from_foreign_origin_is_refused(api):
    result = api.call(make_event(None, method="OPTIONS", headers={"origin": "https://evil.example"}))
    assert (result.status, result.json["error"]) == (403, "origin_not_allowed")
    assert "access-control-allow-origin" not in result.headers


def test_options_without_origin_lists_the_methods(api):
    result = api.call(make_event(None, method="OPTIONS", headers={"origin": None}))
    assert result.status == 204
    assert result.headers["allow"] == "OPTIONS, POST"
    assert "access-control-allow-origin" not in result.headers


# -- the one top-level catch and the log


class ExplodingStore(LocalStore):
    def create(self, key, body):
        raise RuntimeError("Siti Rahmawati wrote Laporan kerja 2020 in " + body.decode("utf-8")[:200])


PERSONAL = ["Siti", "Rahmawati", "siti.rahmawati@contoh.co.id", "3456-7890", "Laporan kerja", "iVBOR", "203.0.113.7"]


def test_unexpected_failure_is_a_generic_500_and_the_log_has_no_personal_data(tmp_path, catalog_dir, clock, payload):
    api = configure_api(ExplodingStore(tmp_path), catalog_dir, clock)
    try:
        result = api.post(payload)
    finally:
        app.configure(None)
    assert (result.status, result.json["error"], result.json["retryable"]) == (500, "internal_error", True)
    assert result.json["message"] == (
        "Maaf, terjadi kesalahan di server kami. Jawaban Anda tetap tersimpan di perangkat ini; kirim kembali dalam "
        "beberapa saat. Bila masalah berlanjut, hubungi LSP dan sebutkan kode req-test-1."
    )
    assert "Siti" not in result.text and "RuntimeError" not in result.text
    exception, line = api.logs
    assert exception["event"] == "unhandled_exception" and exception["exception"] == "RuntimeError"
    assert any("test_handler_transport.py" in where and "create" in where for where in exception["where"])
    assert line["status"] == 500 and line["error"] == "internal_error"
    logged = json.dumps(api.logs, ensure_ascii=False)
    assert [word for word in PERSONAL if word in logged] == []


def test_every_request_logs_one_line_without_personal_data(api, payload):
    api.post(payload)
    payload["candidate"]["name"] = "X"
    api.post(payload)
    assert [(line["event"], line["status"]) for line in api.logs] == [
        ("submission_request", 201),
        ("submission_request", 400),
    ]
    first = api.logs[0]
    assert set(first) == {"level", "event", "request_id", "method", "route", "scheme_id", "status", "duration_ms"}
    assert first["route"] == "POST /submissions"
    assert first["scheme_id"] == "konsultasi-manajemen-pemasaran"
    logged = json.dumps(api.logs, ensure_ascii=False)
    assert [word for word in PERSONAL if word in logged] == []


def test_a_made_up_scheme_id_is_not_logged(api, payload):
    payload["scheme"]["id"] = "Siti Rahmawati"
    assert api.post(payload).status == 404
    assert "scheme_id" not in api.logs[0]


@pytest.mark.parametrize(
    "event_id, context_id, expected",
    [
        ("abc-123=", None, "abc-123="),
        (None, "lambda-req-9", "lambda-req-9"),
        ("has spaces", "lambda-req-9", "lambda-req-9"),
    ],
)
def test_request_id_comes_from_the_gateway_or_lambda(event_id, context_id, expected):
    event = make_event({}, request_id=event_id)
    context = type("Context", (), {"aws_request_id": context_id})()
    assert app.request_id_of(event, context) == expected


def test_request_id_is_made_when_nobody_gave_one():
    assert len(app.request_id_of({}, None)) == 32


# -- configuration


def test_missing_environment_fails_loudly(monkeypatch, payload, capsys):
    monkeypatch.delenv("SUBMISSIONS_BUCKET", raising=False)
    monkeypatch.delenv("ALLOWED_ORIGINS", raising=False)
    app.configure(None)
    with pytest.raises(ConfigurationError, match="SUBMISSIONS_BUCKET, ALLOWED_ORIGINS not set"):
        config_from_environment()
    response = app.lambda_handler(make_event(payload), None)
    assert response["statusCode"] == 500
    check_response("POST", 500, response["headers"], response["body"])
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert logged[0]["exception"] == "ConfigurationError"
    assert "SUBMISSIONS_BUCKET" in logged[0]["detail"]


def test_environment_names_the_bucket_and_origins(monkeypatch):
    monkeypatch.setenv("SUBMISSIONS_BUCKET", "lsp-submissions")
    monkeypatch.setenv("ALLOWED_ORIGINS", " https://lsp.example.id, http://localhost:8000 ")
    config = config_from_environment()
    assert isinstance(config.store, S3Store) and config.store.bucket == "lsp-submissions"
    assert config.allowed_origins == {"https://lsp.example.id", "http://localhost:8000"}


@pytest.mark.parametrize(
    "value", ["", " , ", "https://lsp.example.id/", "lsp.example.id", "*", "https://lsp.example.id/skema"]
)
def test_allowed_origins_refuse_what_a_browser_never_sends(value):
    with pytest.raises(ConfigurationError, match="ALLOWED_ORIGINS"):
        parse_origins(value)


def test_handler_module_imports_no_boto3_and_no_third_party_package():
    import subprocess
    import sys

    # -S: no site-packages at all, so importing boto3 (or anything else) would fail outright.
    code = (
        "import sys, handler.app, swanilai.devserver; "
        "print(sorted({m.split('.')[0] for m in sys.modules} - set(sys.stdlib_module_names) - {'handler', 'swanilai', '__main__'}))"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(app.__file__).rsplit("/handler/", 1)[0],
    ).stdout
    assert out.strip() == "[]"


def test_base64_flag_with_a_text_body_is_read_as_base64(api, payload):
    event = make_event(base64.b64encode(json.dumps(payload).encode()).decode())
    event["isBase64Encoded"] = True
    assert api.call(event).status == 201


@pytest.mark.parametrize(
    "event",
    [{}, {"requestContext": "x"}, {"requestContext": {"http": []}}, {"headers": [1]}],
    ids=["empty", "context_a_string", "http_a_list", "headers_a_list"],
)
def test_event_that_is_not_payload_2_0_is_answered_not_raised(api, event):
    result = api.call(event)
    assert (result.status, result.json["error"]) == (405, "method_not_allowed")


# -- the size of an error: a guarantee of its own, whatever validation reports


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({f"answers[X.{n}/1].verdict": "x" * 200 for n in range(1000)}, id="1000_messages"),
        pytest.param({"k" * 100_000: "x", "signature": "y"}, id="one_huge_field_name"),
        pytest.param({f"\x01{n}" * 50: "\x02" * 50 for n in range(2000)}, id="names_that_json_escapes"),
    ],
)
def test_an_error_body_keeps_the_field_messages_that_fit_in_64_kib(fields):
    error = InvalidSubmission(fields)
    response = error_response(error, "req-test-1", {})
    body = response["body"]
    assert len(body.encode("utf-8")) <= ERROR_BODY_MAX_BYTES
    kept = json.loads(body)["fields"]
    assert list(kept.items()) == list(fields.items())[: len(kept)]  # in order, whole messages
    # As many as fit: the next one would not have.
    if len(kept) < len(fields):
        name, message = list(fields.items())[len(kept)]
        grown = json.dumps({**json.loads(body), "fields": {**kept, name: message}}, ensure_ascii=False)
        assert len(grown.encode("utf-8")) > ERROR_BODY_MAX_BYTES
    check_response("POST", 400, response["headers"], body)


def test_an_error_body_is_utf_8_even_with_a_lone_surrogate():
    response = error_response(InvalidSubmission({"candidate.name": "Nama \ud83d"}), "req-test-1", {})
    assert json.loads(response["body"].encode("utf-8"))["fields"] == {"candidate.name": "Nama \ud83d"}
