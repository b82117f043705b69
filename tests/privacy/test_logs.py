"""No personal data in any log line: a whole send, status, review and erasure run, its failures included."""

from __future__ import annotations

import json
import logging

import pytest
from support.desk import ADMIN, ASSESSOR, event
from support.handler import STATUS_KEY
from support.privacy import FIRST, SECOND

from handler import app, desk
from swanilai.testing import status_event

SCHEME = "konsultasi-manajemen-pemasaran"


def every_log_line(chain, capsys, caplog) -> list[str]:
    captured = capsys.readouterr()
    lines = [json.dumps(line, ensure_ascii=False) for line in chain.logs]
    lines += captured.out.splitlines() + captured.err.splitlines()
    lines += [record.getMessage() for record in caplog.records]
    return lines


@pytest.mark.parametrize("where", ["s3_chain", "local_chain"])
def test_no_name_email_phone_signature_or_evidence_in_any_log_line(request, where, capsys, caplog):
    caplog.set_level(logging.DEBUG, logger="handler")
    chain = request.getfixturevalue(where)  # sent, revised (with evidence) and reviewed, all logging into chain.logs
    app.lambda_handler(status_event(SCHEME, FIRST, STATUS_KEY), None)
    app.lambda_handler(status_event(SCHEME, FIRST, "wrong-secret"), None)
    opened = desk.lambda_handler(
        event("GET /desk/submissions/{submission_id}", parameters={"submission_id": FIRST}, caller=ASSESSOR), None
    )
    assert opened["statusCode"] == 200
    name = chain.payloads[FIRST]["candidate"]["name"]
    assert chain.erase({"submission_id": FIRST, "reason": "lainnya", name: name})[0] == 400  # echoed field name
    assert chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"}, caller=ASSESSOR)[0] == 403
    assert chain.erase({"submission_id": SECOND, "reason": "permintaan_subjek"}, caller=ADMIN)[0] == 200
    lines = every_log_line(chain, capsys, caplog)
    routes = {json.loads(line).get("route") for line in lines if line.startswith("{")}
    assert {"POST /submissions", "POST /desk/submissions/{submission_id}/reviews", "POST /desk/erasures"} <= routes
    assert any('"event": "erasure"' in line for line in lines)
    for personal in chain.personal_data():
        offending = [line for line in lines if personal in line]
        assert offending == [], personal


def test_an_erasure_that_fails_midway_logs_where_not_what(local_chain, monkeypatch, capsys, caplog):
    chain = local_chain

    def broken(versions):
        raise OSError(f"cannot delete {versions[0].key} of Siti Rahmawati")

    monkeypatch.setattr(chain.store, "delete_versions", broken)
    assert chain.erase({"submission_id": FIRST, "reason": "permintaan_subjek"})[0] == 500
    (failure,) = [line for line in chain.logs if line.get("event") == "unhandled_exception"]
    assert failure["exception"] == "OSError" and "detail" not in failure
    assert "Siti" not in "\n".join(every_log_line(chain, capsys, caplog))


def test_desk_access_to_a_submission_logs_who_which_and_when_and_nothing_of_it(local_chain):
    chain = local_chain
    chain.logs.clear()
    for route in ("GET /desk/submissions/{submission_id}", "GET /desk/submissions/{submission_id}/form"):
        answer = desk.lambda_handler(event(route, parameters={"submission_id": FIRST}, caller=ASSESSOR), None)
        assert answer["statusCode"] == 200
    desk.lambda_handler(event("GET /desk/me", caller=ASSESSOR), None)
    lines = [line for line in chain.logs if line.get("event") == "desk_request"]
    assert [(line["route"], line.get("sub"), line.get("submission_id"), line.get("at")) for line in lines] == [
        ("GET /desk/submissions/{submission_id}", ASSESSOR["sub"], FIRST, "2026-11-23T23:30:02.123Z"),
        ("GET /desk/submissions/{submission_id}/form", ASSESSOR["sub"], FIRST, "2026-11-23T23:30:02.123Z"),
        ("GET /desk/me", None, None, None),  # no submission: no account in the log either
    ]
    text = json.dumps(chain.logs, ensure_ascii=False)
    assert ASSESSOR["name"] not in text and ASSESSOR["email"] not in text
    for personal in chain.personal_data():
        assert personal not in text
