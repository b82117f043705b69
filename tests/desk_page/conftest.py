"""Fixtures of the desk page tests: one `build.py serve` per module with known submissions in it.

The store is filled before the server starts, the way the handler files records (support.records),
each at a chosen time: the server indexes what it finds when it starts. One more submission goes
through the real submission API once it runs. Every submission a test changes (by reviewing it) is
its own, so the tests do not depend on their order.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from support.browser import LAPTOP, PHONE, guarded_context
from support.desk_page import DeskApi, desk_schemes, sign_in_link
from support.records import make_record, store_record, store_review

from handler.store import LocalStore
from swanilai.scheme_source import check_schemes
from swanilai.testing import Served, free_port, full_payload


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class Desk:
    """The served desk: its address, its store, the API as the local admin, and the known submissions by name."""

    def __init__(
        self, served: Served, store: LocalStore, api: DeskApi, ids: dict[str, str], schemes: dict, site_dir
    ) -> None:
        self.served = served
        self.site_dir = site_dir
        self.store = store
        self.api = api
        self.ids = ids
        self.schemes = schemes
        self.origin = api.origin
        self.url = api.origin + "/asesor/"

    def new_link(self, admin: bool = True) -> str:
        """A one-time sign-in link for a new assessor, as the admin's invitation makes it."""
        tag = uuid.uuid4().hex[:8]
        status, answer, _ = self.api.request(
            "POST",
            "/desk/assessors",
            {
                "email": f"asesor-{tag}@contoh.ac.id",
                "name": f"Asesor {tag}",
                "registration": f"MET.{tag}",
                "admin": admin,
            },
        )
        assert status == 201, answer
        return answer["sign_in_link"]

    def reviews(self, name: str) -> list[dict]:
        """The stored reviews of a submission, oldest first."""
        import json

        submission_id = self.ids[name]
        found = sorted((self.store.root / "reviews").rglob(f"{submission_id}/*.json"))
        return [json.loads(path.read_text(encoding="utf-8")) for path in found]


# The submissions filed before the server starts: (name, scheme id, received at UTC).
SEED = "konsultasi-manajemen-pemasaran"
SMALL = "dua-unit"
FILED = [
    ("Budi Santoso", SEED, "2025-03-05T02:00:00.000Z"),  # reviewed "lanjut"; revised by Dewi's
    ("Andréas Wijaya", SMALL, "2025-03-09T18:30:00.000Z"),  # UTC 9 March, WIB 10 March 01.30
    ("Dewi Lestari", SEED, "2025-03-10T05:00:00.000Z"),  # a resubmission (revises Budi's)
    ("Rina Kusuma", SMALL, "2025-02-03T03:00:00.000Z"),
    ("Joko Prasetyo", SMALL, "2025-02-04T03:00:00.000Z"),
    ("Maya Sari", SMALL, "2025-02-05T03:00:00.000Z"),
    ("Agus Salim", SMALL, "2025-02-06T03:00:00.000Z"),
    ("Wulan Anggraini", SMALL, "2025-02-07T03:00:00.000Z"),
    ("Yusuf Hakim", SMALL, "2025-02-08T03:00:00.000Z"),
    ("Lina Marlina", SMALL, "2025-02-09T03:00:00.000Z"),
]
FILLERS = 52  # with the rest, more than one page of 50


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("desk")
    folder = desk_schemes(tmp)
    schemes = {scheme.id: scheme for scheme in check_schemes(folder).schemes}
    store = LocalStore(tmp / "var")
    ids: dict[str, str] = {}
    records = {}
    for name, scheme_id, received in FILED:
        record = make_record(schemes[scheme_id], name=name, received_at=at(received))
        if name == "Dewi Lestari":
            record["revises"] = {"submission_id": ids["Budi Santoso"]}
        store_record(store, record)
        ids[name] = record["submission_id"]
        records[name] = record
    store_review(store, records["Budi Santoso"], recommendation="lanjut", reviewed_at=at("2025-03-06T03:00:00.000Z"))
    start = at("2025-01-01T03:00:00.000Z")
    for n in range(FILLERS):
        filler = make_record(schemes[SMALL], name=f"Peserta Nomor {n + 1:02d}", received_at=start + timedelta(hours=n))
        store_record(store, filler)
    served = Served(free_port(), tmp / "var", tmp / "site", schemes=folder)
    try:
        api = DeskApi(f"http://127.0.0.1:{served.port}")
        api.sign_in(sign_in_link(served.output))
        payload = full_payload(schemes[SEED], submission_id=str(uuid.uuid4()))
        ids["Siti Rahmawati"] = api.submit(payload)["submission_id"]
        yield Desk(served, store, api, ids, schemes, tmp / "site")
    finally:
        served.stop()


def _context(browser, size: str):
    return guarded_context(browser, **(PHONE if size == "phone" else LAPTOP))


@pytest.fixture
def open_context(browser):
    """Make browser contexts (phone or laptop, guarded to 127.0.0.1); each page fails its test on a script error."""
    made = []

    def make(size: str = "laptop"):
        context = _context(browser, size)
        page = context.new_page()
        page.errors = []  # type: ignore[attr-defined]
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        made.append((context, page))
        return page

    yield make
    for context, page in made:
        assert page.errors == [], page.errors
        assert context.outside_requests == [], context.outside_requests
        context.close()


@pytest.fixture
def laptop(open_context):
    return open_context("laptop")


@pytest.fixture
def signed_in(desk, open_context):
    """A laptop page signed in to the desk with a fresh admin's one-time link, on the list."""

    def sign(size: str = "laptop", admin: bool = True):
        page = open_context(size)
        page.goto(desk.new_link(admin=admin))
        page.locator("#app").wait_for(state="visible")
        page.locator("#list-rows tr").first.wait_for()
        return page

    return sign
