"""Bad arguments and failures: one line on stderr that says what to do next, a non-zero exit, nothing else touched."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

UNKNOWN = "00000000-dead-4bad-8bad-000000000000"


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(root).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


# A bad record or review in the copy is skipped with a warning: test_assessor_bad_objects.py.


UNKNOWN_ID = (
    f"error: no submission with id '{UNKNOWN}' in {{root}}: run `assessor.py list` to see the ids, "
    "or `assessor.py pull` to fetch new submissions\n"
)
BAD_ARGS = [
    ("render-unknown-id", ["render", UNKNOWN, "--dir", "{root}"], 1, UNKNOWN_ID),
    (
        "review-unknown-id",
        [
            "review",
            UNKNOWN,
            "--store",
            "{root}",
            "--dir",
            "{root}",
            "--recommend",
            "lanjut",
            "--assessor",
            "A. Asesor",
            "--reg",
            "MET.1",
        ],
        1,
        UNKNOWN_ID,
    ),
    (
        "render-missing-dir",
        ["render", "--all", "--dir", "{root}/nowhere"],
        1,
        "error: {root}/nowhere is not a directory: give the directory you pulled into (`assessor.py pull --to DIR`) "
        "or s3://BUCKET\n",
    ),
    ("render-nothing-chosen", ["render", "--dir", "{root}"], 2, None),
    (
        "review-bad-recommendation",
        ["review", UNKNOWN, "--store", "{root}", "--recommend", "ya", "--assessor", "A", "--reg", "1"],
        2,
        None,
    ),
    (
        "review-blank-assessor",
        ["review", UNKNOWN, "--store", "{root}", "--recommend", "lanjut", "--assessor", "  ", "--reg", "1"],
        2,
        None,
    ),
    ("review-without-store", ["review", UNKNOWN, "--recommend", "lanjut", "--assessor", "A", "--reg", "1"], 2, None),
    ("pull-bad-since", ["pull", "--from", "{root}", "--to", "{root}/x", "--since", "23-11-2026"], 2, None),
    (
        "pull-into-itself",
        ["pull", "--from", "{root}", "--to", "{root}"],
        1,
        "error: --from and --to are both {root}: pull into another directory\n",
    ),
    (
        "pull-s3-without-bucket",
        ["pull", "--from", "s3://", "--to", "{root}/x"],
        1,
        "error: 's3://' names no bucket: use s3://BUCKET[/PREFIX]\n",
    ),
]


@pytest.mark.parametrize("args, code, message", [row[1:] for row in BAD_ARGS], ids=[row[0] for row in BAD_ARGS])
def test_bad_arguments_are_refused_before_anything_changes(invoke, copy, args, code, message):
    before = snapshot(copy.root)
    result = invoke(*(arg.format(root=copy.root) for arg in args))
    assert (result.exit_code, result.stdout) == (code, "")
    if message:
        assert result.stderr == message.format(root=copy.root)
    else:  # click's usage error: the usage line and one error line
        assert result.stderr.startswith("Usage: assessor.py ") and result.stderr.count("Error: ") == 1
    assert "Traceback" not in result.output
    assert snapshot(copy.root) == before


@pytest.mark.parametrize(
    "command",
    [["render", "--all", "--out", "{root}/forms"], ["export", "--out", "{root}/x.xlsx"]],
    ids=["render", "export"],
)
def test_disk_full_while_writing_is_one_line_and_leaves_no_file(invoke, copy, monkeypatch, command):
    from swanilai.assessor import files

    def full(path, body):
        Path(path).write_bytes(body[:10])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "write_file", full)
    result = invoke(*(arg.format(root=copy.root) for arg in command), "--dir", copy.root)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: disk full while writing under ")
    assert result.stderr.endswith(
        f"free some space and run `assessor.py {command[0]}` again (files already "
        "complete are kept, nothing partial is left)\n"
    )
    assert [p for p in copy.root.rglob("*") if p.name.startswith(".tmp") or p.suffix in (".html", ".xlsx")] == []


def test_an_unexpected_failure_is_one_line_not_a_traceback(invoke, copy, monkeypatch):
    from swanilai.assessor import cli

    monkeypatch.setattr(cli, "export_rows", lambda items: 1 / 0)
    result = invoke("export", "--dir", copy.root, "--out", copy.root / "x.xlsx")
    assert (result.exit_code, result.stderr) == (
        1,
        "error: unexpected ZeroDivisionError; please report it with the "
        "command you ran (ASSESSOR_DEBUG=1 shows the details)\n",
    )


def test_list_of_an_empty_copy_says_to_pull(invoke, tmp_path):
    result = invoke("list", tmp_path)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        f"no submissions in {tmp_path}: run `assessor.py pull` first\n",
    )


@pytest.mark.browser
def test_pdf_without_chromium_says_how_to_get_it_and_writes_nothing(invoke, copy, monkeypatch):
    missing = copy.root / "no-chromium-here"
    monkeypatch.setenv("ASSESSOR_CHROMIUM", str(missing))
    before = snapshot(copy.root)
    result = invoke("render", "--all", "--pdf", "--dir", copy.root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"error: a PDF needs Chromium, and {missing} did not start: install it (Debian: "
        "apt-get install chromium; elsewhere: `.venv/bin/python -m playwright install chromium`) "
        "or set ASSESSOR_CHROMIUM to its path; or render without --pdf\n"
    )
    assert snapshot(copy.root) == before
