"""The handler configured for a test, with every response held to docs/openapi.yaml."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from support.handler import ORIGIN, check_response, make_event

from handler import app
from handler.catalog import forget_schemes
from handler.config import Config
from handler.request import method_of


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    text: str
    raw: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def fields(self) -> dict[str, str]:
        return self.json["fields"]


@dataclass
class Api:
    """The handler configured for one test; every call's response is held to docs/openapi.yaml."""

    store: Any
    clock: Clock
    logs: list[dict[str, Any]] = field(default_factory=list)

    def call(self, event: dict[str, Any]) -> Result:
        raw = app.lambda_handler(event, None)
        assert set(raw) == {"statusCode", "headers", "body", "isBase64Encoded"}
        assert raw["isBase64Encoded"] is False
        result = Result(raw["statusCode"], raw["headers"], raw["body"], raw)
        # Any method but OPTIONS is answered as the route's own operation documents (405 included).
        route_method, _, path = str(event.get("routeKey") or "POST /submissions").partition(" ")
        check_response(
            "OPTIONS" if method_of(event) == "OPTIONS" else route_method,
            result.status,
            result.headers,
            result.text,
            path,
        )
        return result

    def post(self, payload: dict[str, Any] | str | bytes, **event_options: Any) -> Result:
        return self.call(make_event(payload, **event_options))

    def keys(self) -> list[str]:
        return [item.key for item in self.store.list("")]


def configure_api(store: Any, catalog_dir: Path, clock: Clock, **options: Any) -> Api:
    api = Api(store=store, clock=clock)
    forget_schemes()
    app.configure(
        Config(
            store=store,
            catalog_dir=catalog_dir,
            allowed_origins=frozenset({ORIGIN}),
            clock=clock,
            log=api.logs.append,
            **options,
        )
    )
    return api
