"""pull: an incremental, concurrent copy of records and reviews; each file complete or absent; clear errors."""

from __future__ import annotations

import errno
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.records import RECEIVED, make_record, record_body, record_key, store_record, store_review

from handler.store import LocalStore, S3Store

SUMMARY = re.compile(
    r"^pulled (\d+) new, (\d+) skipped \(already here\), (\d+) failed from (\S+) into (\S+) in [\d.]+ s$"
)


@pytest.fixture
def source(s3, bucket, seed):
    """A bucket as the handler leaves it: two schemes' records with their by-id markers, reviews, an upload."""
    store = S3Store(bucket, client=s3)
    other = seed.to_dict()
    other["id"] = "skema-lain"
    from handler.scheme import scheme_from_dict

    records = [
        make_record(seed, name="Satu"),
        make_record(seed, name="Dua", received_at=RECEIVED + timedelta(days=2)),
        make_record(scheme_from_dict(other), name="Tiga", received_at=RECEIVED + timedelta(days=2)),
    ]
    keys = [store_record(store, record) for record in records]
    keys.append(store_review(store, records[0], reviewed_at=RECEIVED + timedelta(days=1)))
    keys.append(store_review(store, records[1], reviewed_at=RECEIVED + timedelta(days=3)))
    s3.put_object(Bucket=bucket, Key="uploads/x/evidence.pdf", Body=b"%PDF")

    class Source:
        pass

    Source.store, Source.bucket, Source.keys, Source.records = store, bucket, keys, records
    return Source


def pulled(root: Path) -> set[str]:
    """The records and reviews in a copy (not pull's own bookkeeping)."""
    return {
        p.relative_to(root).as_posix()
        for top in ("submissions", "reviews")
        for p in (root / top).rglob("*")
        if p.is_file()
    }


def summary(result) -> tuple[int, int, int]:
    match = SUMMARY.match(result.stdout.strip())
    assert match, result.output
    return int(match[1]), int(match[2]), int(match[3])


@pytest.mark.clock
def test_pull_copies_records_and_reviews_in_the_stores_layout(invoke, source, tmp_path):
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path / "copy")
    assert result.exit_code == 0, result.output
    assert summary(result) == (5, 0, 0)
    assert pulled(tmp_path / "copy") == set(source.keys)  # no by-id markers, no uploads
    for key in source.keys:
        assert (tmp_path / "copy" / key).read_bytes() == source.store.get(key)
    assert LocalStore(tmp_path / "copy").get(source.keys[0]) == source.store.get(source.keys[0])


@pytest.mark.clock
def test_second_pull_skips_everything_already_here(invoke, source, tmp_path):
    invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)
    assert result.exit_code == 0 and summary(result) == (0, 5, 0)


def test_pull_replaces_a_damaged_file_and_sweeps_what_a_killed_pull_left(invoke, source, tmp_path):
    invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)
    damaged = tmp_path / source.keys[1]
    damaged.write_bytes(damaged.read_bytes()[:100])
    leftover = damaged.parent / ".tmp-pull-0123456789abcdef"
    leftover.write_bytes(b"{partial")
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)
    assert summary(result) == (1, 4, 0)
    assert damaged.read_bytes() == source.store.get(source.keys[1])
    assert not leftover.exists()


@pytest.mark.clock
@pytest.mark.parametrize(
    "options, expected",
    [
        (["--scheme", "konsultasi-manajemen-pemasaran"], [0, 1, 3, 4]),
        (["--scheme", "skema-lain"], [2]),
        # --since is a WIB day. Received 23 Nov 23:15 UTC is 24 Nov WIB; the 24th's review (23:15 UTC) is the 25th WIB.
        (["--since", "2026-11-25"], [1, 2, 3, 4]),
        (["--since", "2026-11-26"], [1, 2, 4]),
        (["--since", "2026-11-24"], [0, 1, 2, 3, 4]),
        (["--scheme", "skema-lain", "--since", "2026-12-01"], []),
    ],
    ids=[
        "one-scheme",
        "other-scheme",
        "since-wib-day",
        "since-a-later-wib-day",
        "since-includes-that-day",
        "nothing-matches",
    ],
)
def test_pull_filters_by_scheme_and_day(invoke, source, tmp_path, options, expected):
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path, *options)
    assert result.exit_code == 0, result.output
    assert pulled(tmp_path) == {source.keys[i] for i in expected}


@pytest.mark.clock
def test_pull_from_a_prefix_and_from_a_directory(invoke, s3, bucket, seed, tmp_path):
    record = make_record(seed)
    store_record(S3Store(bucket, "lsp/prod", client=s3), record)
    result = invoke("pull", "--from", f"s3://{bucket}/lsp/prod", "--to", tmp_path / "a")
    assert summary(result)[:3] == (1, 0, 0)
    result = invoke("pull", "--from", tmp_path / "a", "--to", tmp_path / "b")  # a pulled copy is itself a source
    assert summary(result) == (1, 0, 0)
    assert pulled(tmp_path / "b") == {record_key(record)}


def test_disk_full_stops_the_pull_and_leaves_nothing_partial(invoke, source, tmp_path, monkeypatch):
    from swanilai.assessor import files

    def full(path, body):
        Path(path).write_bytes(body[:10])  # the disk filled mid-file
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "write_file", full)
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path, "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: disk full while writing under {tmp_path}: free some space and run "
        "`assessor.py pull` again (files already complete are kept, nothing partial is left)\n"
    )
    assert pulled(tmp_path) == set()


def _refusing(monkeypatch, operation: str, code: str) -> None:
    """assessor.py's S3 client, with S3 answering `operation` with the error `code` (HTTP 403)."""
    from handler import store

    make_client = store.s3_client

    def refuse(**kwargs):
        return SimpleNamespace(status_code=403), {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {}}

    def client(connections=64):
        made = make_client(connections)
        made.meta.events.register(f"before-call.s3.{operation}", refuse)
        return made

    monkeypatch.setattr(store, "s3_client", client)


ACCESS = (
    "error: access denied to s3://{bucket}/: your AWS identity needs s3:ListBucket and s3:GetObject "
    "(s3:PutObject to review); ask the LSP's administrator or use another AWS_PROFILE\n"
)
S3_REFUSALS = [
    ("list-denied", "ListObjectsV2", "AccessDenied", ACCESS),
    ("get-denied", "GetObject", "AccessDenied", ACCESS),
    (
        "expired-token",
        "ListObjectsV2",
        "ExpiredToken",
        "error: AWS refused the credentials (ExpiredToken): refresh them (`aws sso login`) and run the command again\n",
    ),
    (
        "invalid-key",
        "GetObject",
        "InvalidAccessKeyId",
        "error: AWS refused the credentials (InvalidAccessKeyId): "
        "refresh them (`aws sso login`) and run the command again\n",
    ),
]


@pytest.mark.parametrize(
    "operation, code, message", [row[1:] for row in S3_REFUSALS], ids=[row[0] for row in S3_REFUSALS]
)
def test_s3_refusals_are_one_line_with_what_to_do(invoke, source, monkeypatch, tmp_path, operation, code, message):
    _refusing(monkeypatch, operation, code)
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path / "copy")
    assert (result.exit_code, result.stderr, result.stdout) == (1, message.format(bucket=source.bucket), "")
    assert pulled(tmp_path) == set()


def test_missing_bucket_is_named(invoke, s3, tmp_path):
    result = invoke("pull", "--from", "s3://no-such-bucket-here", "--to", tmp_path)
    assert (result.exit_code, result.stderr) == (
        1,
        "error: s3://no-such-bucket-here/ does not exist (no such "
        "bucket): check the bucket name (--from/--store or $ASSESSOR_SOURCE)\n",
    )


def test_missing_source_directory_is_an_error(invoke, tmp_path):
    result = invoke("pull", "--from", tmp_path / "nowhere", "--to", tmp_path / "copy")
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {tmp_path / 'nowhere'} is not a directory: give the "
        "directory you pulled into (`assessor.py pull --to DIR`) or s3://BUCKET\n",
    )
    assert not (tmp_path / "copy").exists()


def _spy_listing(store) -> list[str]:
    """Record every prefix the store is asked to list (objects or folders)."""
    asked: list[str] = []
    list_objects, children = store.list, store.children
    store.list = lambda prefix: asked.append(prefix) or list_objects(prefix)
    store.children = lambda prefix: asked.append(prefix) or children(prefix)
    return asked


def test_listing_skips_by_id_markers_and_days_before_since(source, tmp_path):
    from swanilai.assessor import pull

    asked = _spy_listing(source.store)
    pull.pull(source.store, tmp_path, since=date(2026, 11, 25), progress=False)
    assert not [prefix for prefix in asked if "by-id" in prefix]
    days = sorted(prefix for prefix in asked if prefix.count("/") == 5)
    assert days == ["submissions/konsultasi-manajemen-pemasaran/2026/11/25/", "submissions/skema-lain/2026/11/25/"]


@pytest.mark.clock
def test_since_starts_at_midnight_wib_which_is_17_00_utc_the_day_before(invoke, s3, bucket, seed, tmp_path):
    store = S3Store(bucket, client=s3)
    before = make_record(seed, name="Sebelum", received_at=datetime(2026, 11, 24, 16, 59, 59, 999000, tzinfo=UTC))
    at = make_record(seed, name="Tepat", received_at=datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    keys = [store_record(store, record) for record in (before, at)]
    early = store_review(store, before, reviewed_at=datetime(2026, 11, 24, 16, 59, 59, 999000, tzinfo=UTC))
    late = store_review(store, at, reviewed_at=datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    result = invoke("pull", "--from", f"s3://{bucket}", "--to", tmp_path, "--since", "2026-11-25")
    assert result.exit_code == 0, result.output
    assert pulled(tmp_path) == {keys[1], late}  # 23:59:59.999 WIB on the 24th is not the 25th
    assert early not in pulled(tmp_path)


# -- finished days, judged by the source's clock: a local source whose files carry the times a
# server would have stamped on them (the moment each record was received).


def arrive(store: LocalStore, record: dict, at: datetime | None = None) -> str:
    """File a record in a local source as received at `at` (default: its received_at), stamped with that time."""
    key = store_record(store, record)
    moment = (at or datetime.fromisoformat(record["received_at"].replace("Z", "+00:00"))).timestamp()
    os.utime(store.root / key, (moment, moment))
    return key


@pytest.fixture
def dated(tmp_path, seed) -> tuple[LocalStore, list[str]]:
    """A local source with a record received on 23 and one on 25 November (UTC)."""
    store = LocalStore(tmp_path / "source")
    keys = [
        arrive(store, make_record(seed, name="Satu")),
        arrive(store, make_record(seed, name="Dua", received_at=RECEIVED + timedelta(days=2))),
    ]
    return store, keys


def listed_days(asked: list[str]) -> list[str]:
    return sorted(prefix for prefix in asked if prefix.startswith("submissions/") and prefix.count("/") == 5)


@pytest.mark.clock
def test_finished_days_are_not_listed_again_while_the_copy_of_them_is_intact(dated, seed, tmp_path):
    from swanilai.assessor import pull

    store, keys = dated
    # A record of 31 December: by the source's clock every earlier day is over.
    late_in_year = arrive(store, make_record(seed, name="Tiga", received_at=datetime(2026, 12, 31, 8, tzinfo=UTC)))
    copy = tmp_path / "copy"
    first = pull.pull(store, copy, progress=False)
    assert (first.new, first.skipped) == (3, 0)
    asked = _spy_listing(store)
    second = pull.pull(store, copy, progress=False)
    assert (second.new, second.skipped) == (0, 3)
    assert listed_days(asked) == [late_in_year.rsplit("/", 1)[0] + "/"]  # only the day still open

    (copy / keys[1]).unlink()  # an assessor deleted a file to fetch it again
    asked.clear()
    third = pull.pull(store, copy, progress=False)
    assert (third.new, third.skipped) == (1, 2)
    assert listed_days(asked) == [keys[1].rsplit("/", 1)[0] + "/", late_in_year.rsplit("/", 1)[0] + "/"]
    assert (copy / keys[1]).read_bytes() == store.get(keys[1])


@pytest.mark.clock
def test_a_finished_day_is_listed_again_when_a_late_record_is_announced(dated, seed, tmp_path):
    from handler.store import late_record_key
    from swanilai.assessor import pull

    store, _ = dated
    copy = tmp_path / "copy"
    pull.pull(store, copy, progress=False)
    # On the 30th a retry heals a record into the 23rd, long over: it announces it, then writes it.
    healed = make_record(seed, name="Empat")
    healed_at = datetime(2026, 11, 30, 9, tzinfo=UTC).timestamp()
    store.create(late_record_key(record_key(healed)), b"")
    os.utime(store.root / late_record_key(record_key(healed)), (healed_at, healed_at))
    key = arrive(store, healed, at=datetime.fromtimestamp(healed_at, UTC))
    again = pull.pull(store, copy, progress=False)
    assert again.new == 1
    assert (copy / key).read_bytes() == store.get(key)
    assert not any("/late/" in path for path in pulled(copy))


@pytest.mark.clock
def test_days_not_yet_over_by_the_sources_clock_are_always_listed(dated, tmp_path):
    from swanilai.assessor import pull

    store, keys = dated
    pull.pull(store, tmp_path / "copy", progress=False)
    asked = _spy_listing(store)
    pull.pull(store, tmp_path / "copy", progress=False)
    # The source's newest record is of the 25th: the 23rd ended more than a day before; the 25th is open.
    assert listed_days(asked) == [keys[1].rsplit("/", 1)[0] + "/"]


@pytest.mark.clock
def test_a_copy_whose_clock_runs_days_fast_still_gets_the_rest_of_that_day(invoke, clock, seed, tmp_path):
    store = LocalStore(tmp_path / "source")
    morning = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    arrive(store, make_record(seed, name="Pagi", received_at=morning))
    clock.now = morning + timedelta(days=3)  # the assessor's laptop is three days fast
    assert summary(invoke("pull", "--from", store.root, "--to", tmp_path / "copy"))[:2] == (1, 0)
    afternoon = arrive(store, make_record(seed, name="Sore", received_at=morning + timedelta(hours=8)))
    assert summary(invoke("pull", "--from", store.root, "--to", tmp_path / "copy"))[:2] == (1, 1)
    assert (tmp_path / "copy" / afternoon).read_bytes() == store.get(afternoon)


def test_a_download_that_keeps_failing_is_counted_and_the_next_pull_fetches_it(invoke, source, monkeypatch, tmp_path):
    from handler import store

    make_client = store.s3_client
    flaky = source.keys[1]

    def slow_down(params, **kwargs):
        if params["url_path"].endswith(flaky.rsplit("/", 1)[1]):
            return SimpleNamespace(status_code=503), {
                "Error": {"Code": "SlowDown", "Message": "x"},
                "ResponseMetadata": {},
            }
        return None

    def client(connections=64):
        made = make_client(connections)
        made.meta.events.register("before-call.s3.GetObject", slow_down)
        return made

    monkeypatch.setattr(store, "s3_client", client)
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)
    assert result.exit_code == 1
    assert summary(result) == (4, 0, 1)
    assert result.stderr == (
        f"error: 1 download(s) failed (first: {flaky}: S3 SlowDown): run the same pull again to fetch them\n"
    )
    assert not (tmp_path / flaky).exists()
    monkeypatch.setattr(store, "s3_client", make_client)
    assert summary(invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path)) == (1, 4, 0)


# -- objects that are not what a copy should hold, and a copy that is personal data


def test_a_review_whose_name_is_too_long_for_a_disk_is_named_and_skipped(invoke, source, s3, tmp_path):
    record = source.records[0]
    long_name = f"reviews/{record['scheme']['id']}/{record['submission_id']}/{'9' * 300}.json"
    s3.put_object(Bucket=source.bucket, Key=long_name, Body=b"{}")
    result = invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path / "copy")
    assert result.exit_code == 0, result.output
    assert summary(result) == (5, 0, 0)
    assert result.stderr == f"warning: s3://{source.bucket}/{long_name}: is not named like a review: skipped\n"
    assert pulled(tmp_path / "copy") == set(source.keys)


def test_objects_larger_than_the_contract_allows_are_never_downloaded(invoke, seed, tmp_path, monkeypatch):
    store = LocalStore(tmp_path / "source")
    record = make_record(seed)
    key = store_record(store, record)
    big_record = make_record(seed)
    big_key = record_key(big_record)
    store.create(big_key, record_body(big_record) + b" " * (1024 * 1024))  # valid JSON, just too large
    big_review = f"reviews/{seed.id}/{record['submission_id']}/20261124T000000.000Z.json"
    store.create(big_review, b" " * (512 * 1024 + 1))
    fetched: list[str] = []
    get = LocalStore.get
    monkeypatch.setattr(LocalStore, "get", lambda self, key, *a, **k: fetched.append(key) or get(self, key, *a, **k))
    result = invoke("pull", "--from", store.root, "--to", tmp_path / "copy")
    assert result.exit_code == 0, result.output
    assert fetched == [key]
    big_size = len(record_body(big_record)) + 1024 * 1024
    assert result.stderr.splitlines() == [
        f"warning: {store.root}/{big_key}: is {big_size:,} bytes, more than the 1,048,576 it may be: skipped",
        f"warning: {store.root}/{big_review}: is 524,289 bytes, more than the 524,288 it may be: skipped",
    ]
    assert pulled(tmp_path / "copy") == {key}


def test_the_copy_is_readable_by_its_owner_only(invoke, source, tmp_path):
    previous = os.umask(0o022)  # the usual default, which would leave files readable by everyone
    try:
        assert invoke("pull", "--from", f"s3://{source.bucket}", "--to", tmp_path / "copy" / "lsp").exit_code == 0
    finally:
        os.umask(previous)
    made = [tmp_path / "copy", *(p for p in (tmp_path / "copy").rglob("*"))]
    assert {oct(p.stat().st_mode & 0o777) for p in made if p.is_dir()} == {"0o700"}
    assert {oct(p.stat().st_mode & 0o777) for p in made if p.is_file()} == {"0o600"}


def test_a_link_in_a_local_source_is_not_followed(invoke, seed, tmp_path):
    store = LocalStore(tmp_path / "source")
    key = store_record(store, make_record(seed))
    outside = tmp_path / "outside"
    linked_file = make_record(seed, name="Berkas di luar")  # a file elsewhere, linked in under a record's name
    outside.mkdir()
    (outside / "record.json").write_bytes(record_body(linked_file))
    (store.root / record_key(linked_file)).symlink_to(outside / "record.json")
    linked_day = make_record(seed, name="Folder di luar", received_at=RECEIVED + timedelta(days=1))
    (outside / "day").mkdir()
    (outside / "day" / record_key(linked_day).rsplit("/", 1)[1]).write_bytes(record_body(linked_day))
    (store.root / record_key(linked_day).rsplit("/", 1)[0]).symlink_to(outside / "day", target_is_directory=True)

    result = invoke("pull", "--from", store.root, "--to", tmp_path / "copy")
    assert result.exit_code == 0, result.output
    assert pulled(tmp_path / "copy") == {key}
    listed = invoke("list", store.root)
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:]] == [key.rsplit("/", 1)[1][:-5]]


def test_every_file_is_on_disk_before_its_name_and_every_folder_after(invoke, source, tmp_path, monkeypatch):
    events: list[tuple[str, str]] = []
    fsync, replace = os.fsync, os.replace

    def spy_fsync(fd):
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        fsync(fd)

    def spy_replace(src, dst):
        events.append(("replace", str(src), str(dst)))
        replace(src, dst)

    monkeypatch.setattr(os, "fsync", spy_fsync)
    monkeypatch.setattr(os, "replace", spy_replace)
    copy = tmp_path / "copy"
    assert invoke("pull", "--from", f"s3://{source.bucket}", "--to", copy).exit_code == 0
    for key in source.keys:
        target = str(copy / key)
        [at] = [n for n, event in enumerate(events) if event[0] == "replace" and event[2] == target]
        temporary = events[at][1]
        assert ("fsync", temporary) in events[:at], f"{key} renamed before its bytes were on disk"
        folders = {str(parent) for parent in (copy / key).parents if parent.is_relative_to(copy)}
        synced = {event[1] for event in events[at:] if event[0] == "fsync"}
        assert folders <= synced, f"{key}: folders never synced after the rename: {folders - synced}"


def test_a_second_pull_into_the_same_copy_stops_and_leaves_the_first_one_alone(source, tmp_path, monkeypatch):
    import threading

    from swanilai.assessor import files, pull
    from swanilai.assessor.errors import AssessorError

    copy = tmp_path / "copy"
    writing, go_on = threading.Event(), threading.Event()
    write_file = files.write_file

    def slow_first_file(path, body):
        write_file(path, body)
        if not writing.is_set():  # the first pull, holding its first file under its temporary name
            writing.set()
            go_on.wait(30)

    monkeypatch.setattr(files, "write_file", slow_first_file)
    outcome = {}

    def first():
        try:
            outcome["first"] = pull.pull(source.store, copy, jobs=1, progress=False)
        except Exception as exc:  # noqa: BLE001 - the test reports it below
            outcome["first"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    assert writing.wait(30)
    try:
        with pytest.raises(AssessorError) as second:
            pull.pull(source.store, copy, jobs=1, progress=False)
    finally:
        go_on.set()
        thread.join(60)
    assert str(second.value) == (
        f"another `assessor.py pull` is writing into {copy}: wait for it to finish, then run pull again"
    )
    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert (outcome["first"].new, outcome["first"].failed) == (5, {})
    assert pulled(copy) == set(source.keys)
