"""End to end in real Chromium at phone size against `build.py serve`: Kirim ends as exactly one record."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support.handler import Served, check_response, free_port, full_payload
from support.schemes import FIXTURE_SCHEMES

from swanilai.routes import load_routes, resolve

ROOT = Path(__file__).resolve().parents[2]
SEED = "konsultasi-manajemen-pemasaran"
ROUTES = load_routes()

pytestmark = pytest.mark.browser


def fill_whole_form(page, seed) -> dict[str, dict[str, str]]:
    answers = full_payload(seed)["answers"]  # K with evidence, every third element BK
    for key, answer in answers.items():
        page.check(f'input[name="answers[{key}].verdict"][value="{answer["verdict"]}"]')
        if answer["evidence"]:
            page.fill(f'textarea[name="answers[{key}].evidence"]', answer["evidence"])
    page.fill("#candidate-name", "Siti Rahmawati")
    page.fill("#candidate-email", "siti.rahmawati@contoh.co.id")
    page.check("#declaration")
    page.check("#consent")  # the separate consent to the privacy notice (UU 27/2022)
    sign(page)
    return {key: {**answer, "files": []} for key, answer in answers.items()}  # records v2 list files, here none


def sign(page) -> None:
    """Draw a stroke across the signature canvas with a finger-sized pointer."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x + w * (0.1 + 0.04 * step), y + h * (0.6 - 0.3 * (step % 2)), steps=2)
    page.mouse.up()


def watch_api(page) -> list:
    """Collect the API's responses as the browser received them, to hold them to the OpenAPI document."""
    responses: list = []
    page.on("response", lambda response: responses.append(response) if "/api/submissions" in response.url else None)
    return responses


def check_api_responses(responses: list) -> None:
    """Each response against the document's operation for its route (the send, then the status the receipt asks)."""
    assert responses, "the page never reached the API"
    for response in responses:
        path = urlsplit(response.url).path.removeprefix("/api")
        route, _, on_path = resolve(ROUTES, response.request.method, path)
        template = (route or on_path[0]).path
        check_response(response.request.method, response.status, response.headers, response.text(), template)


def stored_records(var: Path) -> list[dict]:
    paths = [p for p in (var / "submissions").rglob("*.json") if "by-id" not in p.parts] if var.exists() else []
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


@pytest.fixture
def served(tmp_path):
    servers: list[Served] = []

    def start(port: int | None = None) -> Served:
        server = Served(port or free_port(), tmp_path / "var", tmp_path / "site", schemes=FIXTURE_SCHEMES)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_candidate_fills_signs_and_submits_on_a_phone(served, phone, seed, tmp_path):
    server = served()
    page = phone
    responses = watch_api(page)
    page.goto(f"http://127.0.0.1:{server.port}/skema/{SEED}/")
    answers = fill_whole_form(page, seed)
    page.click("#submit")
    page.locator("#receipt").wait_for(state="visible", timeout=20_000)
    (record,) = stored_records(tmp_path / "var")
    assert page.locator("#receipt-id").inner_text().strip() == record["submission_id"]
    assert record["answers"] == answers
    assert record["candidate"] == {"name": "Siti Rahmawati", "email": "siti.rahmawati@contoh.co.id", "phone": None}
    assert record["signature"]["kind"] == "drawn"
    assert record["signature"]["data_url"].startswith("data:image/png;base64,")
    assert record["scheme"]["version"] == seed.version
    assert page.outside_requests == []
    check_api_responses(responses)


def test_server_down_at_kirim_keeps_the_draft_and_the_retry_stores_once(served, phone, seed, tmp_path):
    server = served()
    port = server.port
    page = phone
    responses = watch_api(page)
    page.goto(f"http://127.0.0.1:{port}/skema/{SEED}/")
    answers = fill_whole_form(page, seed)
    assert server.stop() == 0

    page.click("#submit")
    status = page.locator("#send-status")
    page.wait_for_function("document.querySelector('#send-status').textContent.trim().length > 0", timeout=20_000)
    assert status.inner_text().strip()
    assert page.locator("#receipt").is_hidden()
    first_key = next(iter(answers))
    assert page.input_value(f'textarea[name="answers[{first_key}].evidence"]') == answers[first_key]["evidence"]
    assert page.evaluate("window.localStorage.length") > 0  # the draft is kept in the browser
    assert stored_records(tmp_path / "var") == []

    served(port)
    receipt = page.locator("#receipt")
    try:
        receipt.wait_for(state="visible", timeout=5_000)  # the page may retry by itself
    except Exception:  # noqa: BLE001 - then the candidate presses Kirim again
        page.click("#submit")
        receipt.wait_for(state="visible", timeout=20_000)
    (record,) = stored_records(tmp_path / "var")
    assert record["answers"] == answers
    assert page.locator("#receipt-id").inner_text().strip() == record["submission_id"]
    check_api_responses(responses)
