"""docs/openapi.yaml is a valid OpenAPI 3.1 document and says what the code does."""

from __future__ import annotations

import re

from support.handler import openapi, schema_errors

from handler import errors, fields
from handler.submission import ANSWER_KEYS, CANDIDATE_KEYS, TOP_LEVEL_KEYS


def _all_errors() -> list[type[errors.ApiError]]:
    found, todo = [], [errors.ApiError]
    while todo:
        cls = todo.pop()
        found.extend(cls.__subclasses__())
        todo.extend(cls.__subclasses__())
    return found


def test_document_is_valid_openapi_3_1():
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator

    spec = openapi()
    assert spec["openapi"].startswith("3.1")
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_request_schema_names_the_fields_the_handler_reads():
    schema = openapi()["components"]["schemas"]["Submission"]
    assert set(schema["properties"]) == TOP_LEVEL_KEYS
    candidate = schema["properties"]["candidate"]
    assert tuple(candidate["properties"]) == CANDIDATE_KEYS
    assert (candidate["properties"]["name"]["minLength"], candidate["properties"]["name"]["maxLength"]) == (
        fields.NAME_MIN,
        fields.NAME_MAX,
    )
    assert candidate["properties"]["email"]["maxLength"] == fields.EMAIL_MAX
    assert candidate["properties"]["phone"]["maxLength"] == fields.PHONE_MAX
    assert candidate["properties"]["phone"]["pattern"] == fields.PHONE_PATTERN
    assert schema["properties"]["scheme"]["$ref"] == "#/components/schemas/SchemeRef"
    components = openapi()["components"]["schemas"]
    assert components["SchemeRef"]["properties"]["version"]["pattern"] == fields.SCHEME_VERSION_PATTERN
    assert components["SubmissionId"]["pattern"] == fields.SUBMISSION_ID_PATTERN
    answer = schema["properties"]["answers"]["additionalProperties"]
    assert set(answer["properties"]) == ANSWER_KEYS
    assert answer["properties"]["verdict"]["enum"] == list(fields.VERDICTS)


def test_every_error_code_and_status_is_documented():
    spec = openapi()
    documented = spec["components"]["schemas"]["Error"]["properties"]["error"]["enum"]
    assert list(fields.ERRORS) == documented
    # Every code the handler raises is in the table; "throttled" is the gateway's own.
    assert {cls.code for cls in _all_errors()} == set(fields.ERRORS) - {"throttled"}
    responses = spec["paths"]["/submissions"]["post"]["responses"]
    assert {str(error["status"]) for error in fields.ERRORS.values()} <= set(responses)


def test_the_error_size_limit_is_documented():
    description = openapi()["components"]["schemas"]["Error"]["description"]
    assert f"{fields.ERROR_BODY_MAX_BYTES // 1024} KiB" in description
    assert f"at most {fields.CLIENT_NAMES_REPORTED}" in description
    assert f"{fields.CLIENT_NAME_SHOWN} characters" in description


def test_request_schema_refuses_what_the_handler_refuses(seed):
    from support.handler import full_payload

    good = full_payload(seed)
    assert schema_errors(good, "#/components/schemas/Submission") == []
    for broken in (
        {**good, "declaration": False},
        {**good, "website": "x"},
        {**good, "nik": "1"},
        {**good, "scheme": {"id": "A B", "version": seed.version}},
    ):
        assert schema_errors(broken, "#/components/schemas/Submission") != []


def test_no_candidate_sentence_is_written_outside_the_rule_table():
    import ast
    from pathlib import Path

    import handler

    indonesian = re.compile(r"\b(Anda|tidak|kirim|isian|halaman|wajib|silakan|mohon)\b", re.IGNORECASE)
    found = []
    # fields.py is the candidates' table, deskrules.py the desk's; render.py prints the paper form's
    # own wording (the FR.APL.02 layout), which is the form's content, not a message.
    tables = {"fields.py", "deskrules.py", "render.py"}
    for path in sorted(Path(handler.__file__).parent.glob("*.py")):
        if path.name in tables:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and indonesian.search(node.value):
                found.append(f"{path.name}:{node.lineno}: {node.value[:60]}")
    assert found == []


def test_the_rule_table_is_plain_json_data():
    import json as json_module

    table = fields.page_rules()
    assert json_module.loads(json_module.dumps(table)) == json_module.loads(json_module.dumps(table, sort_keys=True))
    for rule in fields.MESSAGES:
        assert fields.MESSAGES[rule].strip() == fields.MESSAGES[rule]
    # Every message a text rule names exists.
    named = [rule[key] for rule in fields.TEXT_RULES.values() for key in ("required", "invalid") if key in rule]
    assert set(named) <= set(fields.MESSAGES)
