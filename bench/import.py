"""Benchmark `build.py import` on a 12-unit FR.APL.02: seconds per document and KUK recovered. Prints; never asserts.

    .venv/bin/python bench/import.py [--runs 5]

The document is the seed scheme (12 units, 38 elements, 151 KUK): as the LSP's own text export
(tests/fixtures/import/seed-fr-apl-02.txt), as .docx written by python-docx in three table layouts,
and as those .docx exported to PDF by LibreOffice (skipped, and said so, without `soffice`). Each
import is the whole command's work: size checks, the reader in its child process, the form, the
YAML, `check` on it and the atomic write. Time is the median wall time over the runs, with the
CPU time of parent and reading child beside it (the machine may be shared). A KUK counts as
recovered when its number and text equal the source scheme's exactly. Target: <= 2 s each.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from swanilai.importer import import_document
from swanilai.importer.specimen import LAYOUTS, convert_to_pdf, soffice, write_docx

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = ROOT / "tests" / "fixtures" / "import" / "seed-fr-apl-02.txt"
SEED_YAML = ROOT / "tests" / "fixtures" / "schemes" / "konsultasi-manajemen-pemasaran.yaml"


def criteria(data: dict) -> list[tuple[int, int, str, str]]:
    return [
        (u, e, c["number"], c["text"])
        for u, unit in enumerate(data["units"])
        for e, element in enumerate(unit["elements"])
        for c in element["criteria"]
    ]


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(path: Path, source: dict, runs: int, scratch: Path, label: int) -> tuple[float, float, int, int]:
    walls, cpus = [], []
    recovered = 0
    for run in range(runs):
        schemes = scratch / f"schemes-{label}-{run}"
        schemes.mkdir()
        wall, cpu = time.perf_counter(), cpu_seconds()
        outcome = import_document(path, schemes, scheme_id="bench")
        walls.append(time.perf_counter() - wall)
        cpus.append(cpu_seconds() - cpu)
        imported = yaml.safe_load(outcome.target.read_text(encoding="utf-8"))
        recovered = len(set(criteria(imported)) & set(criteria(source)))
    return statistics.median(walls), statistics.median(cpus), recovered, len(criteria(source))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    source = yaml.safe_load(SEED_YAML.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        scratch = Path(tmp)
        documents = [("text (LSP export)", SEED_TEXT)]
        docx = [
            write_docx(source, scratch / f"seed-{layout}.docx", layout=layout, kind_mark="none") for layout in LAYOUTS
        ]
        documents += [(f"docx, {layout} layout", path) for layout, path in zip(LAYOUTS, docx, strict=True)]
        if soffice():
            started = time.perf_counter()
            pdfs = convert_to_pdf(docx, scratch / "pdf")
            print(f"(LibreOffice exported {len(pdfs)} PDFs in {time.perf_counter() - started:.1f} s)")
            documents += [(f"PDF, {layout} layout", path) for layout, path in zip(LAYOUTS, pdfs, strict=True)]
        else:
            print(
                "soffice not found: PDF rows skipped (apt-get install -y --no-install-recommends libreoffice-writer-nogui)"
            )
        print(f"12-unit FR.APL.02, median of {args.runs} runs; target <= 2 s per document")
        print(f"{'document':<22} {'bytes':>8} {'wall s':>7} {'cpu s':>7} {'KUK recovered':>14}")
        for label, (name, path) in enumerate(documents):
            wall, cpu, recovered, present = measure(path, source, args.runs, scratch, label)
            print(f"{name:<22} {path.stat().st_size:>8,} {wall:>7.2f} {cpu:>7.2f} {recovered:>9}/{present}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
