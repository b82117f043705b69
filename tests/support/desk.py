"""The desk's function configured for a test, its events as API Gateway delivers them, every response held to docs/openapi.yaml."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from support.handler import check_response

from handler import desk
from handler.deskconfig import DeskConfig
from handler.index import SqliteIndex
from handler.store import LocalStore

# The desk tests' clock: after every fixture record (received from 2026-11-23 23:15 UTC on).
NOW = datetime(2026, 12, 1, 3, 4, 5, 678000, tzinfo=UTC)
POOL_ISSUER = "https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_AbCdEfGhI"
CLIENT_ID = "4kq2c0example0client0id0abc"
ASSESSOR_SUB = "0a9b8c7d-1111-4222-8333-444455556666"
ADMIN_SUB = "1b2c3d4e-5555-4666-8777-888899990000"


def claims(
    sub: str = ASSESSOR_SUB,
    name: str = "Andriansyah Bachtillah",
    registration: str = "MET.000.001234 2020",
    groups: str | list[str] | None = "[asesor]",
    email: str = "andri@lsp.example.id",
) -> dict[str, Any]:
    """A Cognito ID token's claims as the HTTP API's JWT authorizer hands them over (payload 2.0: strings)."""
    found = {
        "sub": sub,
        "email": email,
        "email_verified": "true",
        "name": name,
        "custom:registration": registration,
        "iss": POOL_ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "auth_time": "1795475702",
        "iat": "1795475702",
        "exp": "1795479302",
    }
    if groups is not None:
        found["cognito:groups"] = groups
    return found


ASSESSOR = claims()
ADMIN = claims(sub=ADMIN_SUB, name="Admin LSP", registration="MET.000.000001 2019", groups="[asesor admin]")
OUTSIDER = claims(sub="2c3d4e5f-0000-4000-8000-000000000009", name="Staf Keuangan", groups="[keuangan]")
NO_GROUP = claims(sub="3d4e5f60-0000-4000-8000-00000000000a", groups=None)


def event(
    route: str,
    *,
    parameters: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    caller: dict[str, Any] | None = ASSESSOR,
    method: str | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The payload format 2.0 event of a desk route (`GET /desk/submissions/{submission_id}`)."""
    verb, template = route.split(" ", 1)
    path = template
    for name, value in (parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    text = body if isinstance(body, str) or body is None else json.dumps(body, ensure_ascii=False)
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "api.example.id",
        "http": {"method": method or verb, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"},
        "requestId": "req-desk-1",
        "routeKey": route,
        "stage": "$default",
        "time": "23/Nov/2026:23:15:02 +0000",
        "timeEpoch": 1795475702123,
    }
    if caller is not None:
        context["authorizer"] = {"jwt": {"claims": caller, "scopes": None}}
    found: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route,
        "rawPath": path,
        "rawQueryString": "&".join(f"{k}={v}" for k, v in (query or {}).items()),
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }
    if parameters:
        found["pathParameters"] = parameters
    if query:
        found["queryStringParameters"] = query
    return found


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    raw: dict[str, Any]

    @property
    def text(self) -> str:
        return self.raw["body"]

    @property
    def data(self) -> bytes:
        body = self.raw["body"]
        return base64.b64decode(body) if self.raw.get("isBase64Encoded") else body.encode("utf-8")

    @property
    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Desk:
    """The desk's function with a local store and a SQLite index; every answer checked against the API's contract."""

    store: LocalStore
    index: SqliteIndex
    clock: Any
    directory: Any = None
    logs: list[dict[str, Any]] = field(default_factory=list)

    def configure(self) -> None:
        desk.configure(
            DeskConfig(
                store=self.store, index=self.index, directory=self.directory, clock=self.clock, log=self.logs.append
            )
        )

    def call(self, route: str, **options: Any) -> Answer:
        raw = desk.lambda_handler(event(route, **options), None)
        assert set(raw) == {"statusCode", "headers", "body", "isBase64Encoded"}
        answer = Answer(raw["statusCode"], raw["headers"], raw)
        verb, template = route.split(" ", 1)
        body = answer.text if not raw["isBase64Encoded"] else ""
        check_response(verb, answer.status, answer.headers, body, template)
        return answer


def make_desk(root: Path, clock: Any, directory: Any = None) -> Desk:
    found = Desk(LocalStore(root / "store"), SqliteIndex(root / "index.sqlite3"), clock, directory)
    found.configure()
    return found


def stamp(moment: datetime) -> str:
    from handler.record import utc_timestamp

    return utc_timestamp(moment)


def table_from_template(client: Any, name: str) -> None:
    """The desk's DynamoDB table exactly as infra/template.yaml declares it (keys, indexes, billing)."""
    from swanilai.paths import INFRA_DIR
    from swanilai.publish import load_template

    spec = load_template(INFRA_DIR / "template.yaml")["Resources"]["DeskIndexTable"]["Properties"]
    client.create_table(
        TableName=name,
        BillingMode=spec["BillingMode"],
        AttributeDefinitions=spec["AttributeDefinitions"],
        KeySchema=spec["KeySchema"],
        GlobalSecondaryIndexes=spec["GlobalSecondaryIndexes"],
    )
