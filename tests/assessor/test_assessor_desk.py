"""The assessor's commands and the desk: reviews v2 (three outcomes, element notes, a signature), reindex."""

from __future__ import annotations

import base64
import json
import sqlite3

import pytest
from support.desk import table_from_template
from support.records import make_record, store_record

from handler.index import DynamoIndex, SqliteIndex
from handler.store import S3Store
from swanilai.localdesk import index_path
from swanilai.testing import png


def review(invoke, sid, store, directory, *extra):
    return invoke(
        "review", sid, "--store", store, "--dir", directory, "--assessor", "Andriansyah Bachtillah",
        "--reg", "MET.000.001234 2020", *extra,
    )  # fmt: skip


def test_perbaikan_with_notes_per_element_and_a_signature(invoke, copy, seed, tmp_path):
    sid = copy.records["typed"]["submission_id"]
    signature = tmp_path / "ttd.png"
    signature.write_bytes(png(120, 40))
    key = seed.element_keys()[2]
    result = review(
        invoke, sid, copy.root, copy.root, "--outcome", "perbaikan", "--notes", "Lengkapi bukti",
        "--element-note", f"{key}=Sebutkan tahunnya", "--signature", signature,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = json.loads((copy.root / result.stdout.strip().removeprefix(f"review stored: {copy.root}/")).read_bytes())
    assert (stored["outcome"], stored["notes"], stored["element_notes"]) == (
        "perbaikan",
        "Lengkapi bukti",
        {key: "Sebutkan tahunnya"},
    )
    assert stored["signature"] == {
        "kind": "drawn",
        "data_url": "data:image/png;base64," + base64.b64encode(png(120, 40)).decode(),
    }
    line = next(line for line in invoke("list", copy.root).stdout.splitlines() if line.startswith(sid))
    assert line.endswith("perbaikan (Andriansyah Bachtillah)")


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--outcome", "perbaikan"], "say what the candidate should fix: --notes is required with perbaikan"),
        (
            ["--outcome", "lanjut", "--element-note", "X.1/1=ya"],
            "'X.1/1' is not an element key of this submission's scheme",
        ),
        (["--outcome", "lanjut", "--element-note", "tanpa-sama-dengan"], "'tanpa-sama-dengan' is not an element key"),
    ],
    ids=["perbaikan-without-notes", "unknown-element", "no-equals-sign"],
)
def test_a_review_the_candidate_could_not_act_on_is_refused(invoke, copy, extra, message):
    result = review(invoke, copy.records["typed"]["submission_id"], copy.root, copy.root, *extra)
    assert result.exit_code == 2 and message in result.stderr
    assert len(list(copy.store.list("reviews/"))) == 2  # only the fixture's


def test_a_signature_that_is_not_a_png_is_refused(invoke, copy, tmp_path):
    fake = tmp_path / "ttd.png"
    fake.write_bytes(b"GIF89a")
    result = review(
        invoke, copy.records["typed"]["submission_id"], copy.root, copy.root, "--outcome", "lanjut", "--signature", fake
    )
    assert result.exit_code == 1
    assert result.stderr == f"error: {fake} is not a PNG image: give a PNG of your signature (e.g. scanned, cropped)\n"


def test_recommend_still_names_the_outcome(invoke, copy):
    result = review(invoke, copy.records["typed"]["submission_id"], copy.root, copy.root, "--recommend", "tidak-lanjut")
    assert result.exit_code == 0, result.output


def test_reindex_builds_the_local_desks_index(invoke, copy):
    result = invoke("reindex", "--store", copy.root)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"indexed 3 submission(s) into {index_path(copy.root)} in ")
    assert result.stdout.endswith("(0 removed, 0 unreadable skipped)\n")
    index = SqliteIndex(index_path(copy.root))
    states = {entry_id: index.get(entry_id).state for entry_id in index.all_ids()}
    assert sorted(states.values()) == ["belum", "belum", "tidak_lanjut"]


def test_a_review_into_a_served_store_reaches_its_index_at_once(invoke, copy):
    invoke("reindex", "--store", copy.root)
    sid = copy.records["typed"]["submission_id"]
    assert review(invoke, sid, copy.root, copy.root, "--outcome", "lanjut").exit_code == 0
    assert SqliteIndex(index_path(copy.root)).get(sid).state == "lanjut"


def test_reindex_of_a_bucket_writes_the_dynamodb_table(invoke, s3, bucket, seed):
    import boto3

    dynamodb = boto3.client("dynamodb", region_name="ap-southeast-3")
    table_from_template(dynamodb, "swanilai-desk-index")
    record = make_record(seed, name="Dari Bucket")
    store_record(S3Store(bucket, client=s3), record)
    result = invoke("reindex", "--store", f"s3://{bucket}", "--table", "swanilai-desk-index")
    assert result.exit_code == 0, result.output
    assert DynamoIndex("swanilai-desk-index", client=dynamodb).get(record["submission_id"]).name == "Dari Bucket"


def test_reindex_of_a_bucket_needs_its_table(invoke, s3, bucket):
    result = invoke("reindex", "--store", f"s3://{bucket}")
    assert result.exit_code == 2 and "give --table" in result.stderr


def test_an_index_file_is_private(invoke, copy):
    invoke("reindex", "--store", copy.root)
    assert oct(index_path(copy.root).stat().st_mode & 0o777) == "0o600"
    assert oct(index_path(copy.root).parent.stat().st_mode & 0o777) == "0o700"
    with sqlite3.connect(index_path(copy.root)) as db:
        assert db.execute("select count(*) from entries").fetchone() == (3,)
