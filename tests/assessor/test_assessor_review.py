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


@pytest.mark.clock
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
        "record_version": 2,
        "submission_id": sid,
        "scheme_id": "konsultasi-manajemen-pemasaran",
        "assessor": {"sub": None, "name": "Andriansyah Bachtillah", "registration": "MET.000.001234 2020"},
        "outcome": "tidak_lanjut",
        "notes": "Bukti unit 3 belum memadai",
        "element_notes": {},
        "signature": None,
        "seen_latest": None,
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


# Options a terminal, a table or a printed form would show: one line of plain text for the name
# and registration; notes may have lines and tabs, but no other control character.
REFUSED_OPTIONS = [
    ("assessor-escape", "--assessor", "Asesor\x1b[2J", "U+001B"),
    ("assessor-c1-csi", "--assessor", "Asesor\x9b2J", "U+009B"),
    ("assessor-bidi-override", "--assessor", "Asesor \u202eilaW", "U+202E"),
    ("assessor-two-lines", "--assessor", "Asesor\nKedua", "U+000A"),
    ("reg-terminal-title", "--reg", "MET.1\x1b]0;x\x07", "U+001B"),
    ("reg-bidi-isolate", "--reg", "MET.1\u2066", "U+2066"),
    ("notes-escape", "--notes", "Bukti cukup\x1b[31m", "U+001B"),
    ("notes-bell", "--notes", "Bukti\x07 cukup", "U+0007"),
    ("notes-c1-next-line", "--notes", "Bukti\x85cukup", "U+0085"),
    ("notes-bidi-override", "--notes", "Bukti \u202ecukup", "U+202E"),
    ("notes-bare-carriage-return", "--notes", "Bukti\rcukup", "U+000D"),
]


@pytest.mark.parametrize(
    "option, value, code", [row[1:] for row in REFUSED_OPTIONS], ids=[row[0] for row in REFUSED_OPTIONS]
)
def test_review_refuses_control_characters_in_its_options(invoke, copy, option, value, code):
    args = dict(zip(("--assessor", "--reg", "--notes"), ("Andriansyah Bachtillah", "MET.1", "Cukup"), strict=True))
    args[option] = value
    result = invoke(
        "review", copy.records["typed"]["submission_id"], "--store", copy.root, "--dir", copy.root,
        "--recommend", "lanjut", *(item for pair in args.items() for item in pair),
    )  # fmt: skip
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for {option}: contains the control character {code}; type plain text"
    )
    assert not (
        copy.root / "reviews" / "konsultasi-manajemen-pemasaran" / copy.records["typed"]["submission_id"]
    ).exists()


def test_review_notes_keep_their_lines_and_tabs(invoke, copy):
    sid = copy.records["typed"]["submission_id"]
    notes = "Unit 1:\tbukti cukup.\r\nUnit 3:\tbelum memadai."
    result = invoke(*review_args(sid, copy.root, copy.root, "lanjut", "Asesor", "--notes", notes))
    assert result.exit_code == 0, result.output
    key = result.stdout.strip().removeprefix(f"review stored: {copy.root}/")
    assert json.loads((copy.root / key).read_bytes())["notes"] == "Unit 1:\tbukti cukup.\nUnit 3:\tbelum memadai."


@pytest.mark.clock
def test_two_reviews_in_one_millisecond_get_keys_that_agree_with_their_bodies(invoke, copy, tmp_path):
    sid = copy.records["typed"]["submission_id"]
    for name in ("Asesor Satu", "Asesor Dua"):  # the same fixed clock: the second takes the next millisecond
        assert invoke(*review_args(sid, copy.root, tmp_path / "none", "lanjut", name)).exit_code == 0
    keys = sorted(obj.key for obj in LocalStore(copy.root).list(f"reviews/konsultasi-manajemen-pemasaran/{sid}/"))
    assert [key.rsplit("/", 1)[1] for key in keys] == ["20261201T030405.678Z.json", "20261201T030405.679Z.json"]
    assert [parse_review(LocalStore(copy.root).get(key), key).assessor_name for key in keys] == [
        "Asesor Satu",
        "Asesor Dua",
    ]
    assert invoke("list", copy.root).stdout.splitlines()[2].endswith("lanjut (Asesor Dua)")
