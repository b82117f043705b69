"""`assessor.py erase` on a directory and a bucket, and `pull` dropping erased submissions from a copy."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from support.privacy import FIRST, OTHER, SECOND, all_versions

from swanilai.assessor.cli import Runtime, cli


@pytest.fixture(autouse=True)
def _no_ambient_assessor_env(monkeypatch) -> None:
    for name in ("ASSESSOR_SOURCE", "ASSESSOR_DIR", "ASSESSOR_DEBUG", "ASSESSOR_CHROMIUM"):
        monkeypatch.delenv(name, raising=False)


def run(chain, *args: str, answer: str | None = None):
    return CliRunner().invoke(
        cli, [str(a) for a in args], prog_name="assessor.py", obj=Runtime(chain.clock), input=answer
    )


def chain_files(root) -> list[str]:
    return [p.relative_to(root).as_posix() for p in root.rglob("*") if FIRST in p.name or SECOND in str(p)]


def test_erase_asks_first_says_what_will_be_lost_and_keeps_everything_on_no(local_chain):
    chain = local_chain
    before = chain_files(chain.store.root)
    result = run(chain, "erase", FIRST, "--reason", "permintaan_subjek", "--store", chain.store.root, answer="n\n")
    assert result.exit_code == 1
    assert f"the submission(s) {FIRST}, {SECOND}: 10 object(s) in 10 version(s)" in result.output
    assert "1 review(s) and 4 evidence file(s)" in result.output
    assert "error: nothing erased: not confirmed" in result.output
    assert chain_files(chain.store.root) == before


def test_erase_with_yes_erases_the_chain_of_a_directory_and_says_so(local_chain):
    chain = local_chain
    args = ("erase", SECOND.upper(), "--reason", "permintaan_subjek", "--store", chain.store.root, "--yes")
    result = run(chain, *args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"erased {SECOND}, {FIRST}: 10 object(s), 10 version(s), 1 review(s), 4 file(s), 0 index entr(y/ies);"
    )
    assert chain_files(chain.store.root) == []
    again = run(chain, *args)
    assert (again.exit_code, again.output.split(" (erasure")[0]) == (
        0,
        f"nothing left of {SECOND}: it was erased before",
    )


def test_erase_of_an_unknown_id_names_the_fix(local_chain):
    chain = local_chain
    result = run(
        chain,
        "erase",
        "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "--reason",
        "lainnya",
        "--store",
        chain.store.root,
        "--yes",
    )
    assert (result.exit_code, result.output) == (
        1,
        f"error: nothing of 9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a is in {chain.store.root} and no erasure names it: "
        "check the id (the full 36 characters, as on the candidate's receipt)\n",
    )


def test_erase_on_a_bucket_needs_the_table_and_then_removes_every_version(s3_chain, monkeypatch):
    from handler.store import S3Store

    chain = s3_chain
    monkeypatch.setattr("swanilai.assessor.cli.open_source", lambda source, **_: S3Store(chain.bucket, client=chain.s3))
    source = f"s3://{chain.bucket}"
    refused = run(chain, "erase", FIRST, "--reason", "permintaan_subjek", "--store", source, "--yes")
    assert refused.exit_code == 2 and "give --table" in refused.output
    monkeypatch.setattr("handler.index.DynamoIndex", lambda table: chain.index)
    result = run(chain, "erase", FIRST, "--reason", "permintaan_subjek", "--store", source, "--table", "t", "--yes")
    assert result.exit_code == 0, result.output
    assert "2 index entr(y/ies)" in result.output
    assert [k for k, _ in all_versions(chain.s3, chain.bucket) if FIRST in k or SECOND in k] == []


def test_a_pulled_copy_loses_an_erased_submission_on_the_next_pull_and_says_so(local_chain, tmp_path):
    chain = local_chain
    source, copy = chain.store.root, tmp_path / "copy"
    first = run(chain, "pull", "--from", source, "--to", copy)
    assert first.exit_code == 0, first.output
    assert chain_files(copy) != [] and any(OTHER in p.name for p in copy.rglob("*"))
    assert run(chain, "erase", FIRST, "--reason", "permintaan_subjek", "--store", source, "--yes").exit_code == 0
    second = run(chain, "pull", "--from", source, "--to", copy)
    assert second.exit_code == 0, second.output
    assert (
        f"removed 2 erased submission(s) from {copy}, as the source's erasure log says: {FIRST}, {SECOND}"
        in second.output
    )
    assert chain_files(copy) == []
    assert any(OTHER in p.name for p in copy.rglob("*"))  # the rest of the copy stays
    third = run(chain, "pull", "--from", source, "--to", copy)
    assert "erased" not in third.output  # said once, when it happened
