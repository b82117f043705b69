"""Helpers for the assessors' desk page tests: a served site with submissions in it, the sign-in link
`serve` prints, the desk's API from Python, and the page driven as an assessor would.

Submissions are written two ways, both real: through the submission API (as a candidate's phone
sends them) and, where a test needs a chosen receive time, straight into the served store the way
the handler files them (support.records), followed by the admin's "Bangun ulang indeks".
"""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from support.schemes import FIXTURE_SCHEMES, SMALL_SCHEMES

DESK_PATH = "/asesor/"
# `build.py serve` prints the local admin's one-time link: http://127.0.0.1:<port>/asesor/#masuk=<token>
SIGN_IN_LINK = re.compile(r"http://127\.0\.0\.1:\d+/asesor/#masuk=[A-Za-z0-9._~-]+")
SEED = "konsultasi-manajemen-pemasaran"
SMALL = "dua-unit"


def desk_schemes(tmp: Path) -> Path:
    """The tests' schemes for the desk: the seed (a real form's size) and one small scheme, for the scheme filter."""
    folder = tmp / "schemes"
    folder.mkdir()
    shutil.copy(FIXTURE_SCHEMES / f"{SEED}.yaml", folder)
    shutil.copy(SMALL_SCHEMES / f"{SMALL}.yaml", folder)
    return folder


def sign_in_link(output: list[str]) -> str:
    """The last one-time sign-in link `serve` printed."""
    links = [found.group(0) for line in output for found in SIGN_IN_LINK.finditer(line)]
    if not links:
        raise AssertionError("build.py serve printed no sign-in link:\n" + "".join(output))
    return links[-1]


@dataclass
class DeskApi:
    """The desk API as a test calls it from Python: the same routes the page calls."""

    origin: str
    token: str = ""
    calls: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any, dict]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.origin + "/api" + path, data=data, method=method)
        request.add_header("Origin", self.origin)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        bearer = self.token if token is None else token
        if bearer:
            request.add_header("Authorization", f"Bearer {bearer}")
        self.calls.append(f"{method} {path}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw, message = response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            status, raw, message = exc.code, exc.read(), exc.headers
        headers = {name.lower(): value for name, value in message.items()}
        kind = headers.get("content-type", "")
        return status, (json.loads(raw) if "json" in kind and raw else raw), headers

    def sign_in(self, link: str) -> str:
        """Exchange a one-time link for an ID token, as the page does."""
        one_time = link.split("#masuk=", 1)[1]
        status, answer, _ = self.request("POST", "/desk/session", {"token": one_time}, token="")
        assert status == 200, answer
        self.token = answer["id_token"]
        return self.token

    def submit(self, payload: dict[str, Any]) -> dict[str, Any]:
        status, answer, _ = self.request("POST", "/submissions", payload, token="")
        assert status == 201, answer
        return answer

    def reindex(self) -> int:
        status, answer, _ = self.request("POST", "/desk/reindex")
        assert status in (200, 202), answer
        return answer["indexed"]
