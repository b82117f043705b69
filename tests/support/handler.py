"""The OpenAPI document as the judge of every response a test receives; sample builders re-exported.

The builders themselves live in `swanilai.testing`, shared with `bench/`.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from swanilai.paths import OPENAPI
from swanilai.testing import (  # noqa: F401 - the tests import these from here
    ORIGIN,
    PHONE_USER_AGENT,
    STATUS_KEY,
    SUBMISSION_ID,
    Served,
    free_port,
    full_payload,
    make_event,
    png,
    png_data_url,
    status_key_hash,
)

# -- the OpenAPI document as the judge of every response


@lru_cache(maxsize=1)
def openapi() -> dict[str, Any]:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Follow a Reference Object; return the node and its JSON pointer base (None if inline)."""
    ref = node.get("$ref")
    if ref is None:
        return node, ""
    target: Any = spec
    for part in ref.lstrip("#/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target, ref


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def schema_errors(instance: Any, pointer: str) -> list[str]:
    """Validate an instance against the schema at a JSON pointer of the OpenAPI document."""
    from openapi_schema_validator import OAS31Validator

    root = {**openapi(), "$ref": pointer}
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in OAS31Validator(root).iter_errors(instance)]


def check_response(method: str, status: int, headers: dict[str, str], body: str, path: str = "/submissions") -> None:
    """Fail unless the OpenAPI document describes exactly this response of the path (a template, e.g. /desk/me).

    A JSON body is validated against its schema; any other documented media type (the desk's HTML
    form, its XLSX and CSV downloads) only has to be the one documented.
    """
    spec = openapi()
    operation = spec["paths"][path].get(method.lower())
    assert operation is not None, f"{method} {path} is not in docs/openapi.yaml"
    assert str(status) in operation["responses"], f"{method} {path} {status} is not documented in docs/openapi.yaml"
    response, ref = _resolve(spec, operation["responses"][str(status)])
    base = ref or _pointer("paths", path, method.lower(), "responses", str(status))
    lower = {name.lower(): value for name, value in headers.items()}
    for name, header in (response.get("headers") or {}).items():
        header, _ = _resolve(spec, header)
        if name.lower() in lower:
            errors = schema_errors(lower[name.lower()], _pointer_of(spec, header, base, name))
            assert not errors, f"{method} {status} header {name}: {errors}"
    content = response.get("content")
    if not content:
        assert not body, f"{method} {status} must have no body"
        return
    media_type = lower.get("content-type", "").split(";")[0].strip()
    assert media_type in content, f"{method} {status}: content type {media_type!r} not documented"
    if media_type != "application/json":
        return
    errors = schema_errors(json.loads(body), (ref or base) + _pointer("content", media_type, "schema")[1:])
    assert not errors, f"{method} {status} body does not match docs/openapi.yaml: {errors}"


def _pointer_of(spec: dict[str, Any], header: dict[str, Any], base: str, name: str) -> str:
    # Header schemas are validated through the document so that their own $refs resolve.
    for candidate, node in spec["components"].get("headers", {}).items():
        if node is header:
            return _pointer("components", "headers", candidate, "schema")
    return base + _pointer("headers", name, "schema")[1:]


# -- `build.py serve` in a subprocess


@contextmanager
def in_process_server(var: Path, site_dir: Path, catalog_dir: Path) -> Iterator[Any]:
    """`build.py serve`'s server on an ephemeral port in this process, serving until the block ends.

    Afterwards every function it configured (submissions, desk, indexer, erasure) goes back to its
    environment, so no later test sees this server's store.
    """
    from handler import app, desk, erasure, indexer
    from swanilai.devserver import open_server, start

    server = open_server(0, var)
    start(server, site_dir, catalog_dir)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        for module in (app, desk, indexer, erasure):
            module.configure(None)
