"""review: append-only, next to the submission in the SOURCE; the candidate's record is never modified."""

from __future__ import annotations

import json

import pytest
from support.records import make_record, record_key, store_record

from handler.record import parse_review
from handler.store import REVIEW_KEY, LocalStore, S3Store


def review_args(submission_id: str, store, directory, recommend="lanjut", name="Andriansyah Bachtillah", *extra):
    return (
        "review",
        submission_id,
        "--store",
        store,
        "--dir",
        directory,
        "--recommend",
        recommend,
        "--assessor",
        name,
        "--reg",
        "MET.000.001234 2020",
        *extra,
    )


def test_reviews_append_and_the_latest_counts(invoke, copy, seed, tmp_path, clock):
    source = LocalStore(tmp_path / "source")
    record = make_record(seed)
    key = store_record(source, record)
    before = source.get(key)
    sid = record["submission_id"]
    for recommend, name in (("lanjut", "Asesor Satu"), ("tidak-lanjut", "Asesor Dua"), ("lanjut", "Asesor Tiga")):
        result = invoke(*review_args(sid, source.root, tmp_path / "none", recommend, name))
        assert result.exit_code == 0, result.output
        clock.advance(minutes=1)
    keys = [obj.key for obj in source.list("reviews/")]
    assert len(keys) == 3 and all(REVIEW_KEY.match(k)["id"] == sid for k in keys)
    history = [parse_review(source.get(k), k) for k in keys]
    assert [(r.assessor_name, r.recommendation) for r in history] == [
        ("Asesor Satu", "lanjut"),
        ("Asesor Dua", "tidak_lanjut"),
        ("Asesor Tiga", "lanjut"),
    ]
    assert history[0].reviewed_at < history[1].reviewed_at < history[2].reviewed_at
    assert source.get(key) == before  # the candidate's record, byte for byte
    line = invoke("list", source.root).stdout.splitlines()[1]
    assert line.endswith("lanjut (Asesor Tiga)")


@pytest.mark.clock
def test_review_is_stored_in_the_contracts_shape(invoke, copy):
    sid = copy.records["typed"]["submission_id"]
    result = invoke(
        *review_args(
            sid,
            copy.root,
            copy.root,
            "tidak-lanjut",
            "Andriansyah  Bachtillah",
            "--notes",
            "  Bukti unit 3 belum memadai  ",
        )
    )
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().removeprefix(f"review stored: {copy.root}/")
    data = json.loads((copy.root / key).read_bytes())
    assert data == {
        "record_version": 1,
        "submission_id": sid,
        "scheme_id": "konsultasi-manajemen-pemasaran",
        "assessor": {"name": "Andriansyah Bachtillah", "registration": "MET.000.001234 2020"},
        "recommendation": "tidak_lanjut",
        "notes": "Bukti unit 3 belum memadai",
        "reviewed_at": "2026-12-01T03:04:05.678Z",  # the assessor's clock, to the millisecond
    }
    assert key.startswith(f"reviews/konsultasi-manajemen-pemasaran/{sid}/20261201T030405.678")


def test_review_goes_to_s3_and_into_the_pulled_copy(invoke, s3, bucket, seed, tmp_path):
    source = S3Store(bucket, client=s3)
    record = make_record(seed)
    store_record(source, record)
    assert invoke("pull", "--from", f"s3://{bucket}", "--to", tmp_path).exit_code == 0
    result = invoke(*review_args(record["submission_id"][:6], f"s3://{bucket}", tmp_path))
    assert result.exit_code == 0, result.output
    [stored] = [obj.key for obj in source.list("reviews/")]
    assert (tmp_path / stored).read_bytes() == source.get(stored)
    again = invoke("pull", "--from", f"s3://{bucket}", "--to", tmp_path)
    assert again.stdout.startswith("pulled 0 new, 2 skipped")


def test_review_finds_a_submission_not_yet_pulled(invoke, s3, bucket, seed, tmp_path):
    source = S3Store(bucket, client=s3)
    record = make_record(seed)
    store_record(source, record)
    result = invoke(*review_args(record["submission_id"], f"s3://{bucket}", tmp_path / "empty-copy"))
    assert result.exit_code == 0, result.output
    assert len(list(source.list("reviews/"))) == 1


def test_reviewing_a_record_that_cannot_be_read_is_refused(invoke, tmp_path, seed):
    source = LocalStore(tmp_path / "source")
    record = make_record(seed)
    record["record_version"] = 7
    key = record_key(record)
    source.create(key, json.dumps(record).encode())
    result = invoke(*review_args(record["submission_id"], source.root, source.root))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {source.root}/{key}: has record_version 7")
    assert list(source.list("reviews/")) == []


def test_reviewing_a_damaged_record_is_refused_without_touching_it(invoke, tmp_path, seed):
    source = LocalStore(tmp_path / "source")
    record = make_record(seed)
    key = record_key(record)
    source.create(key, b'{"record_version": 1, "submission_id": ')
    result = invoke(*review_args(record["submission_id"], source.root, tmp_path / "copy"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"error: {source.root}/{key}: is not valid JSON (truncated or "
        "corrupt): it cannot be reviewed until it can be read; tell the "
        "LSP's administrator\n",
    )
    assert list(source.list("reviews/")) == [] and source.get(key) == b'{"record_version": 1, "submission_id": '
