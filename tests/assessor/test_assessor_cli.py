"""assessor.py as an assessor runs it: its own process, S3 over HTTP (moto on 127.0.0.1), killed and resumed."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.assessor import ASSESSOR, ROOT, aws_process_env, run_assessor
from support.records import make_record, record_body, record_key

COMMANDS = ("pull", "list", "render", "export", "review")
RECORDS = 240


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(invoke, command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and "assessor.py " + command in result.stdout


def test_plain_python3_runs_the_command_and_shows_the_workflow():
    result = subprocess.run([sys.executable, str(ASSESSOR), "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert all(command in result.stdout for command in COMMANDS) and "Workflow:" in result.stdout


@pytest.fixture
def filled_bucket(server_bucket, seed):
    """RECORDS submissions in a bucket on the moto server, and their bytes by key."""
    client, name = server_bucket
    bodies = {}
    for index in range(RECORDS):
        record = make_record(seed, name=f"Asesi {index}")
        bodies[record_key(record)] = record_body(record)
    for key, body in bodies.items():
        client.put_object(Bucket=name, Key=key, Body=body)
    return name, bodies


def _start_pull(bucket: str, dest: Path, endpoint: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ASSESSOR), "pull", "--from", f"s3://{bucket}", "--to", str(dest), "--jobs", "1"],
        env=aws_process_env(endpoint),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_files(dest: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while len(_records(dest)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "pull wrote nothing in 60 s"
        time.sleep(0.005)


def _records(dest: Path) -> list[Path]:
    """The records pulled so far (not pull's own bookkeeping beside them)."""
    return list((dest / "submissions").rglob("*.json"))


def _assert_every_file_complete(dest: Path, bodies: dict[str, bytes]) -> None:
    for path in _records(dest):
        assert path.read_bytes() == bodies[path.relative_to(dest).as_posix()], f"{path} is partial"


@pytest.mark.clock
def test_killed_pull_leaves_only_complete_files_and_the_next_pull_resumes(filled_bucket, moto_endpoint, tmp_path):
    bucket, bodies = filled_bucket
    dest = tmp_path / "copy"
    process = _start_pull(bucket, dest, moto_endpoint)
    _wait_for_files(dest, 5, process)
    process.send_signal(signal.SIGKILL)  # as hard as an interruption gets: no cleanup at all
    process.communicate()
    done = len(_records(dest))
    assert 5 <= done < RECORDS, "the pull finished before it could be interrupted"
    _assert_every_file_complete(dest, bodies)

    resumed = run_assessor("pull", "--from", f"s3://{bucket}", "--to", dest, env=aws_process_env(moto_endpoint))
    assert resumed.returncode == 0, resumed.stderr
    assert resumed.stdout.startswith(
        f"pulled {RECORDS - done} new, {done} skipped (already here), 0 failed from s3://{bucket}/ into {dest} in "
    )
    assert "\r" not in resumed.stderr and "pulling" not in resumed.stderr  # no progress bar without a terminal
    assert len(_records(dest)) == RECORDS
    _assert_every_file_complete(dest, bodies)
    assert [p for p in dest.rglob("*") if p.name.startswith(".tmp")] == []

    again = run_assessor("pull", "--from", f"s3://{bucket}", "--to", dest, env=aws_process_env(moto_endpoint))
    assert again.stdout.startswith(f"pulled 0 new, {RECORDS} skipped (already here), 0 failed")


def test_ctrl_c_stops_the_pull_cleanly_in_one_line(filled_bucket, moto_endpoint, tmp_path):
    bucket, bodies = filled_bucket
    dest = tmp_path / "copy"
    process = _start_pull(bucket, dest, moto_endpoint)
    _wait_for_files(dest, 5, process)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == "interrupted: nothing partial was left; run the same command again to carry on"
    assert "Traceback" not in stderr
    assert len(_records(dest)) < RECORDS
    _assert_every_file_complete(dest, bodies)
    assert [p for p in dest.rglob("*") if p.name.startswith(".tmp")] == []


def test_list_render_and_review_work_on_the_pulled_copy(filled_bucket, moto_endpoint, tmp_path):
    bucket, bodies = filled_bucket
    env = aws_process_env(moto_endpoint)
    dest = tmp_path / "copy"
    assert run_assessor("pull", "--from", f"s3://{bucket}", "--to", dest, env=env).returncode == 0
    key = sorted(bodies)[0]
    submission_id = json.loads(bodies[key])["submission_id"]

    listed = run_assessor("list", dest, env=env)
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == RECORDS + 1

    reviewed = run_assessor(
        "review",
        submission_id[:8],
        "--store",
        f"s3://{bucket}",
        "--dir",
        dest,
        "--recommend",
        "tidak-lanjut",
        "--assessor",
        "Andriansyah Bachtillah",
        "--reg",
        "MET.9",
        env=env,
    )
    assert reviewed.returncode == 0, reviewed.stderr
    assert reviewed.stdout.startswith(
        f"review stored: s3://{bucket}/reviews/konsultasi-manajemen-pemasaran/{submission_id}/"
    )
    line = next(row for row in run_assessor("list", dest, env=env).stdout.splitlines() if row.startswith(submission_id))
    assert line.endswith("tidak-lanjut (Andriansyah Bachtillah)")  # the local copy has it at once


def test_missing_credentials_is_one_line_with_what_to_do(moto_endpoint, tmp_path):
    result = run_assessor(
        "pull",
        "--from",
        "s3://any-bucket",
        "--to",
        tmp_path / "copy",
        env=aws_process_env(moto_endpoint, credentials=False),
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "error: no AWS credentials found: set AWS_PROFILE or run `aws sso login` (or export "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), then run the command again\n"
    )
    assert not (tmp_path / "copy").exists()


def test_unknown_profile_is_named(moto_endpoint, tmp_path):
    env = {**aws_process_env(moto_endpoint, credentials=False), "AWS_PROFILE": "lsp-asesor"}
    result = run_assessor("pull", "--from", "s3://any-bucket", "--to", tmp_path, env=env)
    assert (result.returncode, result.stderr) == (
        1,
        "error: AWS profile 'lsp-asesor' not found: check AWS_PROFILE against ~/.aws/config\n",
    )
