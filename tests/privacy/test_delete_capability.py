"""Nothing deletes but erasure: the stores' delete capability has exactly the callers docs/ARCHITECTURE.md names."""

from __future__ import annotations

import ast
from pathlib import Path

from swanilai.paths import ROOT

# Who may call what (docs/ARCHITECTURE.md, "Deleting: erasure only").
ERASURE_PATH = {"handler/erasure.py", "swanilai/assessor/erase.py"}
S3_DELETES = {"delete_object", "delete_objects"}


def calls(path: Path) -> list[tuple[str, int]]:
    """Every call of an attribute (`x.name(...)`) in a file, as (name, line)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        (node.func.attr, node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    ]


def offenders(names: set[str], allowed: set[str]) -> list[str]:
    found = []
    for folder in ("handler", "swanilai"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            where = path.relative_to(ROOT).as_posix()
            found += [f"{where}:{line} {name}" for name, line in calls(path) if name in names and where not in allowed]
    return found


def test_only_the_erasure_path_calls_delete_versions():
    assert offenders({"delete_versions"}, ERASURE_PATH) == []


# publish.py deletes the site bucket's stale pages on deploy: published pages, never a candidate's data.
S3_DELETERS = {"handler/store.py", "swanilai/publish.py"}


def test_only_the_store_sends_s3_deletes_to_the_submissions_bucket():
    assert offenders(S3_DELETES, S3_DELETERS) == []


def test_the_scan_finds_the_calls_it_polices():
    # The check itself: with nobody allowed, the erasure path's own calls are found.
    found = offenders({"delete_versions"}, set())
    assert {line.split(":")[0] for line in found} == ERASURE_PATH
