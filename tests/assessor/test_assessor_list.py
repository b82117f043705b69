"""list: one line per submission, oldest first: id, time received in WIB, scheme, name, K, BK, latest review."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from support.assessor import ASSESSOR, ROOT


def test_list_shows_one_row_per_submission_with_counts_and_the_latest_review(invoke, copy):
    result = invoke("list", copy.root)
    assert result.exit_code == 0, result.output
    rows = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()]
    assert rows[0] == ["ID", "RECEIVED (WIB)", "SCHEME", "CANDIDATE", "K", "BK", "REVIEW"]
    records = copy.records
    assert rows[1:] == [
        [
            records["reviewed"]["submission_id"],
            "2026-11-24 06:15",
            "konsultasi-manajemen-pemasaran",
            "Siti Rahayu",
            "26",
            "12",
            "tidak-lanjut (Andriansyah Bachtillah)",
        ],
        [
            records["typed"]["submission_id"],
            "2026-11-25 06:15",
            "konsultasi-manajemen-pemasaran",
            "Budi Santoso",
            "26",
            "12",
            "-",
        ],
        [
            records["hostile"]["submission_id"],
            "2026-11-26 06:15",
            "konsultasi-manajemen-pemasaran",
            "=cmd|' /C calc'!A0",
            "26",
            "12",
            "-",
        ],
    ]
    assert result.stderr == "3 submission(s), 2 not reviewed\n"


def test_list_reads_the_directory_from_the_environment_and_filters_by_scheme(invoke, copy, monkeypatch):
    monkeypatch.setenv("ASSESSOR_DIR", str(copy.root))
    assert len(invoke("list").stdout.splitlines()) == 4
    result = invoke("list", "--scheme", "skema-lain")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"no submissions in {copy.root}: run `assessor.py pull` first\n"


def test_a_fresh_clone_runs_with_the_base_python(copy):
    """`python3 assessor.py` outside the virtualenv re-runs itself inside it (build.py's bootstrap).

    -S hides every installed package from the first interpreter: only the standard library may run
    before the re-run, as on a fresh machine.
    """
    python = os.path.join(sys.base_prefix, "bin", "python3")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(
        [python, "-S", str(ASSESSOR), "list", str(copy.root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 4
