"""`assessor.py retention`: the lifecycle rules for a local store, with an injected clock and set write times."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from support.api import Clock
from support.privacy import FIRST, OTHER, SECOND

from handler import indexer
from handler.erasure import erasure_log
from swanilai.assessor.cli import Runtime, cli
from swanilai.assessor.retention import retention_days
from swanilai.localdesk import open_index

NOW = datetime(2031, 1, 3, 0, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=retention_days(5))  # 2026-01-02: written before it, past a 5-year retention
LONG_AGO = CUTOFF - timedelta(days=30)
RECENTLY = CUTOFF + timedelta(days=400)


def written_at(root, moments) -> None:
    """Give every file its write time: (substring of its key, time) pairs, the first match wins."""
    for path in root.rglob("*"):
        if path.is_file() and ".desk" not in path.parts:
            key = path.relative_to(root).as_posix()
            moment = next(at for part, at in moments if part in key)
            os.utime(path, (moment.timestamp(), moment.timestamp()))


@pytest.fixture
def aged(local_chain):
    """FIRST written long ago, SECOND and OTHER recently; OTHER's review a second before the cutoff, its marker at it.

    A filed evidence file is a hard link of its upload (LocalStore.copy): one file, one write time.
    """
    root = local_chain.store.root
    written_at(
        root,
        [
            (f"reviews/konsultasi-manajemen-pemasaran/{OTHER}/", CUTOFF - timedelta(seconds=1)),
            (f"by-id/{OTHER}", CUTOFF),
            ("revised-by/", RECENTLY),  # FIRST's, written when SECOND arrived
            (FIRST, LONG_AGO),
            ("", RECENTLY),
        ],
    )
    index = open_index(root)
    indexer.reindex(local_chain.store, index, NOW)
    local_chain.desk_index = index
    yield local_chain
    index.close()


def keys(store) -> set[str]:
    return {obj.key for obj in store.list("")}


def run(*args, answer=None):
    runner = CliRunner()
    return runner.invoke(cli, [str(a) for a in args], prog_name="assessor.py", obj=Runtime(Clock(NOW)), input=answer)


@pytest.mark.clock
def test_the_sweep_lists_exactly_what_is_past_retention_and_keeps_it_when_not_confirmed(aged):
    store = aged.store
    before = keys(store)
    result = run("retention", "--older-than-years", 5, "--store", store.root, answer="n\n")
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.endswith("(UTC)")]
    assert listed == [f"  {FIRST}  konsultasi-manajemen-pemasaran  received 2026-11-23 (UTC)"]
    assert (
        f"1 submission(s) and 7 other object(s) (reviews, evidence, markers, uploads) in {store.root} were written "
        "before 2026-01-02, past the 5-year retention. Remove them for good?"
    ) in result.output
    assert keys(store) == before


@pytest.mark.clock
def test_the_sweep_removes_exactly_what_is_past_retention_on_confirmation(aged):
    store = aged.store
    before = keys(store)
    expected = {k for k in before if FIRST in k and "/revised-by/" not in k}
    expected |= {k for k in before if k.startswith("incoming/")}  # uploads: two days, whatever the retention
    expected |= {k for k in before if k.startswith(f"reviews/konsultasi-manajemen-pemasaran/{OTHER}/")}
    result = run("retention", "--older-than-years", 5, "--store", store.root, "--yes")
    assert result.exit_code == 0, result.output
    assert before - keys(store) == expected
    # FIRST's revised-by marker was written with SECOND, recently: S3 would keep it too.
    assert f"submissions/konsultasi-manajemen-pemasaran/revised-by/{FIRST}.marker" in keys(store)
    assert (aged.desk_index.get(FIRST), aged.desk_index.get(SECOND) is not None) == (None, True)
    (entry,) = erasure_log(store)
    assert (entry.reason, entry.submission_ids) == ("retensi", (FIRST,))
    assert result.output.endswith(
        f"removed {len(expected)} object(s) of 1 submission(s) past retention; erasure {entry.erasure_id} logged\n"
    )


@pytest.mark.clock
def test_nothing_past_retention_says_so_and_a_bucket_is_left_to_its_lifecycle(aged):
    assert run("retention", "--older-than-years", 5, "--store", aged.store.root, "--yes").exit_code == 0
    result = run("retention", "--older-than-years", 5, "--store", aged.store.root)
    assert (result.exit_code, result.output) == (
        0,
        f"nothing in {aged.store.root} is past the 5-year retention (written before 2026-01-02)\n",
    )
    refused = run("retention", "--older-than-years", 5, "--store", "s3://bucket")
    assert refused.exit_code == 2 and "the bucket's lifecycle rules expire what is past retention" in refused.output


@pytest.mark.parametrize("years, days", [(1, 366), (4, 1461), (5, 1827), (30, 10958)])
def test_a_retention_in_years_is_never_shorter_than_that_many_calendar_years(years, days):
    assert retention_days(years) == days
    start = datetime(2028, 2, 29, tzinfo=UTC)  # from a leap day, the worst case
    assert start + timedelta(days=days) >= start.replace(year=2028 + years, day=28)
