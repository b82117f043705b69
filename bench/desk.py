#!/usr/bin/env python3
"""Benchmark the assessors' desk at 10,000 submissions: the index's list, search and open beside the naive way.

Fills a local store the way `build.py serve` does: every submission is a real payload
(swanilai.testing.full_payload, names varied), validated (handler.submission) and filed
(handler.filing: by-id marker, then the create-only record built by handler/record.py) through
localdesk.IndexingStore, which feeds the SQLite index through handler.indexer exactly as serve
does. About 40% get a review (handler.reviews.create_review, same path) and a few of those sent
back get a revision. The index was built empty first, as serve's start does.

Then it times, in one run, the desk's `lambda_handler` called in-process (server-side, no HTTP),
with the claims the local verifier (swanilai.localauth) gives for the local admin's session:
- the first page of the list, with the recent-days check the desk makes at most every 30 s, and
  without it (the check's answer cached, as for every other request in those 30 s);
- a page half-way down the list (keyset cursor), name searches (a common surname, a single match:
  the search's worst case, it reads the whole index), an id prefix, a filter (state and WIB days);
- opening one submission (the record, its reviews, chain and receipt check) and its filled form;
- the naive way: the list as it would be made without an index, reading every record and its
  reviews (8 threads, as the rebuild reads), sorting, and keeping the first page.
Prints medians over the runs and the naive/indexed ratios; asserts nothing (figures only).

    .venv/bin/python bench/desk.py                    # 10,000 submissions (filling takes minutes)
    .venv/bin/python bench/desk.py --n 1000           # a quick run
    .venv/bin/python bench/desk.py --keep var/bench-desk   # keep the store; a second run reuses it
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from handler import desk
from handler.catalog import CatalogEntry
from handler.deskconfig import DeskConfig
from handler.filing import file_submission
from handler.index import SqliteIndex
from handler.indexer import build_entry, reindex
from handler.record import RECORD_MAX_BYTES, Review
from handler.reviews import create_review, load_reviews
from handler.scheme import Scheme
from handler.store import SUBMISSIONS, LocalStore, parse_record_key
from handler.submission import validate_submission
from swanilai.localauth import LocalAuth
from swanilai.localdesk import IndexingStore, open_index, users_path
from swanilai.scheme_source import check_schemes
from swanilai.testing import full_payload, png_data_url

ROOT = Path(__file__).resolve().parent.parent
# The desk's clock: just after the newest submission, so the recent-days check finds a full day.
NOW = datetime(2026, 11, 30, 3, 0, 0, tzinfo=UTC)
SPAN = timedelta(days=180)  # submissions spread over the half year before NOW
UNIQUE_NAME = "Theodora Kusumawardhani"  # exactly one submission carries it: the search's worst case
FIRST = (
    "Siti Budi Agus Dewi Sri Ahmad Nur Eko Rina Andi Putri Rizky Dian Wahyu Indah Fajar Ayu Hendra "
    "Yuni Bayu Ratna Dimas Lestari Gede Made Ketut Nyoman Ni Wayan Ikhsan Fitri Hadi Réne Zoë Anisa"
).split()
LAST = (
    "Rahmawati Santoso Wijaya Saputra Hidayat Kusuma Pratama Lestari Nugroho Setiawan Permana Siregar "
    "Nasution Harahap Simanjuntak Sitompul Gunawan Hutapea Sembiring Tarigan Ginting Purba Putra Utami"
).split()
OUTCOMES = ("lanjut", "lanjut", "tidak_lanjut", "perbaikan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="submissions in the store (default 10000)")
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each desk request (default 9)")
    parser.add_argument("--naive-runs", type=int, default=3, help="timed runs of the naive list (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the store here (reused when it holds --n submissions)")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="swanilai-bench-desk-"))
    try:
        return run(root, args)
    finally:
        desk.configure(None)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def run(root: Path, args: argparse.Namespace) -> int:
    schemes = load_schemes()
    store_dir = root / "store"
    inner = LocalStore(store_dir)
    index = open_index(store_dir)  # <store>/.desk/index.sqlite3, where serve keeps it
    store = IndexingStore(inner, index, failed=_index_failed)
    held = index.count()
    if held != args.n:
        if held:
            raise SystemExit(f"{store_dir} holds {held} submissions, not {args.n}: remove it or pick another --keep")
        reindex(inner, index, NOW - SPAN - timedelta(days=1))  # serve's start: an empty store, indexed
        started = time.perf_counter()
        fill(store, schemes, args.n)
        print(f"filled: {args.n} submissions in {time.perf_counter() - started:.0f} s", flush=True)
    entries = index.count()
    reviews = sum(1 for _ in inner.list("reviews/"))
    size = sum(path.stat().st_size for path in (store_dir / SUBMISSIONS).rglob("*.json"))
    print(
        f"store: {entries} submissions indexed, {reviews} reviews, records {size / 1e6:.0f} MB, "
        f"in {store_dir} ({len(schemes)} scheme(s)); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )

    auth = LocalAuth(users_path(store_dir), "http://127.0.0.1:8000", clock=lambda: NOW)
    admin = auth.ensure_admin()
    claims = auth.verify({"authorization": f"Bearer {auth.session(admin).id_token}"})
    assert claims is not None
    desk.configure(DeskConfig(store=store, index=index, directory=auth, clock=lambda: NOW, log=lambda line: None))

    caller = Caller(claims)
    deep = deep_cursor(index, args.n // 2)
    rare = index.query(_query(name="kusumawardhani")).items
    one = rare[-1].submission_id  # the earliest: reviewed, and revised when a revision was drawn for it
    results = time_cases(
        cases(caller, deep, one), args.runs, f"in-process: desk.lambda_handler, median of {args.runs} runs"
    )
    with served(root, store_dir) as (port, token):
        http = HttpCaller(port, token)
        served_results = time_cases(
            cases(http, deep, one),
            args.runs,
            f"through build.py serve's server (HTTP on 127.0.0.1), median of {args.runs} runs",
        )

    naive_times, naive_rows = [], 0
    for _ in range(args.naive_runs):
        started = time.perf_counter()
        naive_rows = naive_first_page(inner)
        naive_times.append((time.perf_counter() - started) * 1000)
    naive = statistics.median(naive_times)
    print(f"\nthe naive way (no index), median of {args.naive_runs} runs:")
    print(
        f"  {'list: read every record and its reviews, sort, 1 page':<54} {naive:8.1f} ms   "
        f"(max {max(naive_times):6.0f})  {naive_rows} row(s)"
    )

    print("\ntargets (first page <= 300 ms, search <= 300 ms, >= 20x faster than naive):")
    for where, medians in (("in-process", results), ("through serve", served_results)):
        first_checked = medians[FIRST_PAGE_CHECKED]
        first = medians[FIRST_PAGE]
        search = max(time for label, time in medians.items() if label.startswith("search"))
        print(
            f"  {where}: first page {first_checked:.1f} ms with the check ({first:.1f} ms without); "
            f"slowest search {search:.1f} ms; naive / first page {naive / first_checked:.0f}x, "
            f"naive / slowest search {naive / search:.0f}x"
        )
    return 0


# -- filling the store


def load_schemes() -> list[Scheme]:
    result = check_schemes(ROOT / "schemes")
    if result.errors:
        raise SystemExit("schemes/ does not pass `build.py check`: " + "; ".join(map(str, result.errors[:3])))
    return list(result.schemes)


def fill(store: IndexingStore, schemes: list[Scheme], n: int, workers: int = 4) -> None:
    """n submissions filed through the handler's own code; the index follows each write, as in serve.

    The plan is drawn first (seeded: every run fills the same store), then filed by a few threads,
    as concurrent requests would be: each write waits for its fsync, so threads overlap the waits.
    """
    rng = random.Random(20261130)
    entries = [CatalogEntry(scheme, scheme.to_dict()) for scheme in schemes]
    step = SPAN / n
    originals = n - n // 100  # the last 1% are revisions of submissions sent back
    plan: list[Planned] = []
    for i in range(originals):
        received = NOW - SPAN + step * i + timedelta(seconds=rng.randrange(60))
        outcome, reviewed = None, None
        if rng.random() < 0.4 and received < NOW - timedelta(days=1):
            outcome = rng.choice(OUTCOMES)
            reviewed = received + timedelta(hours=rng.randrange(2, 20))
        plan.append(
            Planned(
                entry=entries[i % len(entries)],
                submission_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                name=UNIQUE_NAME if i == n // 3 else f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                received=received,
                status_key=f"{rng.getrandbits(256):064x}",
                outcome=outcome,
                reviewed=reviewed,
            )
        )
    sent_back = [p for p in plan if p.outcome == "perbaikan"]
    for earlier in rng.sample(sent_back, min(n - originals, len(sent_back))):
        plan.append(
            Planned(
                entry=earlier.entry,
                submission_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                name=earlier.name,
                received=earlier.reviewed + timedelta(hours=20),
                status_key=f"{rng.getrandbits(256):064x}",
                revises=(earlier.submission_id, earlier.status_key),
            )
        )

    def file(planned: Planned) -> None:
        file_one(store, planned)
        if planned.outcome is not None:
            review(store, planned.entry.scheme, planned.submission_id, planned.reviewed, planned.outcome)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for done, _ in enumerate(pool.map(file, plan[:originals]), start=1):
            if done % 1000 == 0:
                print(f"  filed {done}", flush=True)
        list(pool.map(file, plan[originals:]))  # revisions, once what they revise is filed


@dataclass(frozen=True)
class Planned:
    entry: CatalogEntry
    submission_id: str
    name: str
    received: datetime
    status_key: str
    outcome: str | None = None
    reviewed: datetime | None = None
    revises: tuple[str, str] | None = None  # (submission id, its status key)


def file_one(store: IndexingStore, planned: Planned) -> None:
    payload = full_payload(
        planned.entry.scheme,
        submission_id=planned.submission_id,
        status_key=planned.status_key,
        revises={"submission_id": planned.revises[0], "status_key": planned.revises[1]} if planned.revises else None,
    )
    payload["candidate"]["name"] = planned.name
    submission = validate_submission(payload, planned.entry.scheme)
    filed = file_submission(store, submission, planned.entry, planned.received)
    assert filed.status == 201, filed


def review(store: IndexingStore, scheme: Scheme, submission_id: str, at: datetime, outcome: str) -> None:
    notes = "Lengkapi bukti elemen 1." if outcome != "lanjut" else None
    create_review(
        store,
        Review(
            submission_id=submission_id,
            scheme_id=scheme.id,
            reviewed_at=at,
            assessor_name="Andriansyah Bachtillah",
            registration="MET.000.001234 2020",
            outcome=outcome,
            notes=notes,
            signature=png_data_url(),
            assessor_sub="0a9b8c7d-1111-4222-8333-444455556666",
        ),
    )


def _index_failed(key: str, exc: BaseException) -> None:
    raise SystemExit(f"indexing {key} failed: {type(exc).__name__}: {exc}")


# -- timing the desk


class Caller:
    """Desk requests as the local server makes them: payload 2.0 events carrying the verifier's claims."""

    def __init__(self, claims: dict[str, str]) -> None:
        self.claims = claims

    def call(self, route: str, parameters: dict[str, str] | None = None, query: dict[str, str] | None = None) -> dict:
        path = route.split(" ", 1)[1]
        for name, value in (parameters or {}).items():
            path = path.replace("{" + name + "}", value)
        event: dict[str, Any] = {
            "version": "2.0",
            "routeKey": route,
            "rawPath": path,
            "rawQueryString": urlencode(query or {}),
            "headers": {"host": "127.0.0.1:8000"},
            "requestContext": {
                "http": {"method": route.split(" ", 1)[0], "path": path, "sourceIp": "127.0.0.1"},
                "requestId": uuid.uuid4().hex,
                "routeKey": route,
                "authorizer": {"jwt": {"claims": self.claims, "scopes": None}},
            },
            "isBase64Encoded": False,
        }
        if parameters:
            event["pathParameters"] = parameters
        if query:
            event["queryStringParameters"] = query
        response = desk.lambda_handler(event, None)
        if response["statusCode"] != 200:
            raise SystemExit(f"{route} {query or parameters}: {response['statusCode']} {response['body'][:300]}")
        return response

    def json(self, route: str, **options: Any) -> dict[str, Any]:
        return json.loads(self.call(route, **options)["body"])

    def list(self, query: dict[str, str], check: bool = False) -> int:
        if check:
            desk._index_states.clear()  # the check's 30 s cache: every such run makes the check again
        return len(self.json("GET /desk/submissions", query=query)["items"])

    def get(self, route: str, submission_id: str) -> int:
        self.call(route, parameters={"submission_id": submission_id})
        return 1


FIRST_PAGE_CHECKED = "list, first page (50) + recent-days check"
FIRST_PAGE = "list, first page (50), check cached"


def cases(caller: Caller, deep: str, one: str) -> list[tuple[str, Callable[[], int]]]:
    """The desk requests timed, by label; each returns the rows (or documents) it got."""
    return [
        (FIRST_PAGE_CHECKED, lambda: caller.list({}, check=True)),
        (FIRST_PAGE, lambda: caller.list({})),
        ("list, a page half-way down (cursor)", lambda: caller.list({"cursor": deep})),
        ("search q=rahmawati (common surname)", lambda: caller.list({"q": "rahmawati"})),
        ("search q=sri rahmawati", lambda: caller.list({"q": "sri rahmawati"})),
        ("search q=kusumawardhani (rare: reads the whole index)", lambda: caller.list({"q": "kusumawardhani"})),
        ("search q=zoe (accent-free, matches Zoë)", lambda: caller.list({"q": "zoe"})),
        ("search id prefix (8 hex)", lambda: caller.list({"q": one[:8]})),
        ("filter state=perbaikan, 30 WIB days", lambda: caller.list(last_days(30, state="perbaikan"))),
        ("open one submission (reviews, chain, receipt)", lambda: caller.get(OPEN, one)),
        ("open its filled form (HTML)", lambda: caller.get(OPEN + "/form", one)),
    ]


OPEN = "GET /desk/submissions/{submission_id}"


def time_cases(timed: list[tuple[str, Callable[[], int]]], runs: int, title: str) -> dict[str, float]:
    print(f"\n{title}:")
    medians = {}
    for label, call in timed:
        call()  # warm: the first call of a kind pays imports and SQLite's page cache
        times, shown = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            shown = call()
            times.append((time.perf_counter() - started) * 1000)
        medians[label] = statistics.median(times)
        print(f"  {label:<54} {medians[label]:8.1f} ms   (max {max(times):6.1f})  {shown} row(s)", flush=True)
    return medians


class HttpCaller(Caller):
    """The same requests over HTTP to the local server, with the session the sign-in link would give."""

    def __init__(self, port: int, token: str) -> None:
        super().__init__({})
        self.port = port
        self.token = token

    def call(self, route: str, parameters: dict[str, str] | None = None, query: dict[str, str] | None = None) -> dict:
        import http.client

        path = "/api" + route.split(" ", 1)[1]
        for name, value in (parameters or {}).items():
            path = path.replace("{" + name + "}", value)
        if query:
            path += "?" + urlencode(query)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers={"Authorization": f"Bearer {self.token}"})
            response = connection.getresponse()
            body = response.read().decode("utf-8")
        finally:
            connection.close()
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status} {body[:300]}")
        return {"statusCode": response.status, "body": body}


@contextlib.contextmanager
def served(root: Path, store_dir: Path) -> Iterator[tuple[int, str]]:
    """build.py serve's server on the store (its own desk configuration, real clock), in a thread."""
    import threading

    from swanilai import devserver
    from swanilai.testing import free_port

    (root / "site").mkdir(exist_ok=True)  # the desk's routes need no pages and no catalog
    (root / "catalog").mkdir(exist_ok=True)
    server = devserver.open_server(free_port(), store_dir)
    devserver.start(server, root / "site", root / "catalog")
    # Its log lines are made as serve makes them, but not printed among the figures.
    desk.configure(replace(desk.current_config(), log=lambda line: json.dumps(line)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        auth = server.desk_auth
        assert auth is not None
        yield server.server_address[1], auth.session(auth.ensure_admin()).id_token
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _query(**options: Any):
    from handler.index import Query

    return Query(**options)


def deep_cursor(index: SqliteIndex, row: int) -> str:
    """The cursor the desk gives after `row` rows (paging through the list 200 at a time)."""
    from handler.index import encode_cursor, iter_pages

    entries = list(iter_pages(index, _query(limit=200), row))
    return encode_cursor(entries[-1])


def last_days(days: int, **query: str) -> dict[str, str]:
    from handler.wib import wib_day

    today = wib_day(NOW)
    return {"from": (today - timedelta(days=days - 1)).isoformat(), "to": today.isoformat(), **query}


# -- the naive way


def naive_first_page(store: LocalStore, limit: int = 50) -> int:
    """The list without an index: every record and its reviews read, entries built, sorted, one page kept."""
    keys = []
    for obj in store.list(f"{SUBMISSIONS}/"):
        named = parse_record_key(obj.key)
        if named is not None:
            keys.append((named.scheme_id, named.submission_id, obj.key))

    def entry(item: tuple[str, str, str]):
        scheme_id, submission_id, key = item
        raw = store.get(key, max_bytes=RECORD_MAX_BYTES)
        return build_entry(key, raw, load_reviews(store, scheme_id, submission_id), None)

    with ThreadPoolExecutor(max_workers=8) as pool:
        entries = list(pool.map(entry, keys))
    entries.sort(key=lambda e: (e.received_at, e.submission_id), reverse=True)
    return len(entries[:limit])


if __name__ == "__main__":
    sys.exit(main())
