"""Fuzz lambda_handler with 100,000 hostile requests and print what happened. Prints; never asserts.

    .venv/bin/python bench/fuzz.py [--cases 100000] [--seed N] [--jobs 4] [--minimal]

The cases are the four families of swanilai/fuzzing.py, the strategies the test suite uses
(tests/handler/test_handler_fuzz.py), drawn here by hypothesis without pytest and without shrinking,
in equal shares. Each goes straight through `handler.app.lambda_handler` with the tests' seed scheme
(compiled from tests/fixtures/schemes) and a fresh LocalStore (under /dev/shm when there is one:
this measures the handler, not the disk). Prints, per family and in total: the count per status,
unhandled errors (an exception or a 5xx: must be 0), records stored by invalid input (files left
by a 4xx: must be 0), every broken rule by kind, cases per second and the largest response body.
`--jobs` runs the families side by side; `--minimal` shrinks one example of every kind of broken
rule to a minimal one and prints it. (Holding every response to docs/openapi.yaml is the test
suite's part: its judge lives with the tests.)
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, Phase, find, given, seed, settings

from handler.scheme import read_catalog_entry
from swanilai.fuzzing import FAMILIES, Answer, Case, Target, problems
from swanilai.scheme_source import check_schemes
from swanilai.site import write_catalog

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SCHEMES = ROOT / "tests" / "fixtures" / "schemes"
SEED_ID = "konsultasi-manajemen-pemasaran"


@dataclass
class Tally:
    cases: int = 0
    seconds: float = 0.0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    unhandled: int = 0
    stored_by_invalid: int = 0
    broken: collections.Counter = field(default_factory=collections.Counter)
    largest: tuple[int, str] = (0, "")
    first: dict[str, Case] = field(default_factory=dict)  # one case for each kind of broken rule

    def add(self, case: Case, answer: Answer, found: list, seconds: float) -> None:
        self.cases += 1
        self.seconds += seconds
        self.statuses[answer.status if answer.status is not None else "raised"] += 1
        if answer.status is None or answer.status >= 500:
            self.unhandled += 1
        if answer.status is not None and 400 <= answer.status < 500 and answer.store_entries:
            self.stored_by_invalid += 1
        for kind in {problem.kind for problem in found}:
            self.broken[kind] += 1
            self.first.setdefault(kind, case)
        if answer.body_bytes > self.largest[0]:
            self.largest = (answer.body_bytes, f"{answer.status} to {case.what[:100]}")

    def merge(self, other: Tally) -> None:
        self.cases += other.cases
        self.seconds += other.seconds
        self.statuses.update(other.statuses)
        self.unhandled += other.unhandled
        self.stored_by_invalid += other.stored_by_invalid
        self.broken.update(other.broken)
        self.largest = max(self.largest, other.largest)


def compile_seed(catalog_dir: Path):
    result = check_schemes(FIXTURE_SCHEMES)
    if result.errors:
        sys.exit(f"tests/fixtures/schemes does not pass check: {result.errors[0]}")
    write_catalog(result.schemes, catalog_dir)
    return read_catalog_entry(catalog_dir, SEED_ID)


def run_family(name: str, count: int, run_seed: int) -> Tally:
    """One family's cases, in a work directory of its own (so families can run side by side)."""
    with work_directory() as work:
        work_dir = Path(work)
        target = Target(work_dir / "catalog", compile_seed(work_dir / "catalog"), work_dir)
        tally = Tally()

        @seed(run_seed)
        @settings(
            max_examples=count,
            phases=[Phase.generate],
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=FAMILIES[name](target.scheme))
        def one(case: Case) -> None:
            started = time.perf_counter()
            answer = target.send(case)
            found = problems(case, answer, target.scheme)
            tally.add(case, answer, found, time.perf_counter() - started)

        one()
        return tally


def work_directory() -> tempfile.TemporaryDirectory:
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(prefix="swanilai-fuzz-", dir=shm if shm.is_dir() else None)


def minimal_example(name: str, target: Target, kind: str) -> Case | None:
    def breaks(case: Case) -> bool:
        answer = target.send(case)
        return any(problem.kind == kind for problem in problems(case, answer, target.scheme))

    try:
        return find(
            FAMILIES[name](target.scheme),
            breaks,
            settings=settings(
                max_examples=5_000, database=None, deadline=None, suppress_health_check=list(HealthCheck)
            ),
        )
    except Exception:  # noqa: BLE001 - hypothesis.errors.NoSuchExample: not found again within the budget
        return None


def report(name: str, tally: Tally) -> None:
    rate = tally.cases / tally.seconds if tally.seconds else 0.0
    statuses = ", ".join(f"{status}: {n:,}" for status, n in sorted(tally.statuses.items(), key=lambda i: str(i[0])))
    print(f"{name:>9}: {tally.cases:,} cases, {rate:,.0f} cases/s in the handler")
    print(f"{'':>9}  statuses      {statuses}")
    print(f"{'':>9}  unhandled errors (must be 0): {tally.unhandled:,}")
    print(f"{'':>9}  records stored by invalid input (must be 0): {tally.stored_by_invalid:,}")
    print(f"{'':>9}  largest response body: {tally.largest[0]:,} bytes ({tally.largest[1]})")
    for kind, n in sorted(tally.broken.items()):
        print(f"{'':>9}  broken: {kind}: {n:,}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases in all, shared equally by the families")
    parser.add_argument("--seed", type=int, default=None, help="hypothesis seed (printed; random when not given)")
    parser.add_argument("--minimal", action="store_true", help="print a minimal example of every broken rule")
    parser.add_argument("--jobs", type=int, default=1, help="families run side by side in this many processes")
    args = parser.parse_args(argv)
    run_seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**32)
    count = args.cases // len(FAMILIES)
    with work_directory() as work:
        version = compile_seed(Path(work) / "catalog").version
    print(f"seed {run_seed}; {count * len(FAMILIES):,} cases, {count:,} per family, {args.jobs} job(s)", flush=True)
    print(f"against {SEED_ID} version {version} (tests/fixtures/schemes)", flush=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        runs = {name: pool.submit(run_family, name, count, run_seed) for name in FAMILIES}
        tallies = {name: run.result() for name, run in runs.items()}
    wall = time.perf_counter() - started
    total = Tally()
    for name, tally in tallies.items():
        report(name, tally)
        total.merge(tally)
    report("all", total)
    print(f"{'':>9}  wall time {wall:,.1f} s: {total.cases / wall:,.0f} cases/s with generation", flush=True)
    if args.minimal:
        with work_directory() as work:
            work_dir = Path(work)
            target = Target(work_dir / "catalog", compile_seed(work_dir / "catalog"), work_dir)
            for name, tally in tallies.items():
                for kind in sorted(tally.first):
                    example = minimal_example(name, target, kind)
                    print(f"minimal {name} example of '{kind}':\n    {example!r}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
