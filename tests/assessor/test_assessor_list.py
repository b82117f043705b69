"""list: one line per submission, oldest first: id, time received in WIB, scheme, name, K, BK, latest review."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from support.assessor import ASSESSOR, ROOT
from support.records import make_record, record_key

from handler.store import LocalStore


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


# Stored text that a terminal would obey: the table shows it as inert escapes, never runs it.
HOSTILE_NAMES = [
    ("escape-clears-the-screen", "Siti\x1b[2J\x1b[HRahayu", "Siti\\x1b[2J\\x1b[HRahayu"),
    ("c1-one-byte-csi", "Siti\x9b2JRahayu", "Siti\\x9b2JRahayu"),
    ("bidi-override", "Siti \u202eayuhaR", "Siti \\u202eayuhaR"),
    ("terminal-title", "\x1b]0;diretas\x07Siti", "\\x1b]0;diretas\\x07Siti"),
    ("lone-surrogate", "Siti \ud83d", "Siti \\ud83d"),
]
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@pytest.mark.parametrize("stored, shown", [row[1:] for row in HOSTILE_NAMES], ids=[row[0] for row in HOSTILE_NAMES])
def test_list_shows_control_characters_as_inert_text(invoke, tmp_path, seed, stored, shown):
    store = LocalStore(tmp_path / "copy")
    record = make_record(seed, name=stored)
    store.create(record_key(record), json.dumps(record).encode())  # ASCII JSON: a lone surrogate survives
    review = {
        "record_version": 1,
        "submission_id": record["submission_id"],
        "scheme_id": seed.id,
        "reviewed_at": "2026-11-25T01:02:03.456Z",
        "assessor": {"name": stored, "registration": "MET.1"},
        "recommendation": "lanjut",
        "notes": stored,
    }
    store.create(f"reviews/{seed.id}/{record['submission_id']}/20261125T010203.456Z.json", json.dumps(review).encode())
    result = invoke("list", store.root)
    assert result.exit_code == 0, result.output
    row = result.stdout.splitlines()[1]
    assert f"  {shown}  " in row and row.endswith(f"lanjut ({shown})")
    assert RAW_CONTROLS.findall(result.stdout + result.stderr) == []
