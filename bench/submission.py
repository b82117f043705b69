"""Benchmark the submission handler: cold start, warm time per submission, peak memory. Prints; never asserts.

    .venv/bin/python bench/submission.py [--runs 7] [--warm 2000]

Cold start is measured in fresh processes, from before the first import to the end of the first
invocation, side by side with a bare `import boto3; boto3.client("s3")`, with 1 and with 1,000
schemes in the catalog. The S3 store talks to a stub S3 endpoint on 127.0.0.1 that accepts every
PUT, so the handler's first invocation pays for boto3 and two real (loopback) requests and nothing
else. Warm time runs the seed scheme's full submission through lambda_handler with a null store.
Targets: cold ≤ bare + 30 ms and independent of catalog size; warm p50 ≤ 2 ms; RSS ≤ 100 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_ID = "konsultasi-manajemen-pemasaran"

# -- what runs in each fresh process


BARE = """
import time; t0, c0 = time.perf_counter(), time.process_time()
import boto3
boto3.client("s3")
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({"cold_ms": (t1 - t0) * 1000, "cpu_ms": (c1 - c0) * 1000}))
"""

BARE_WITH_PUT = """
import time; t0, c0 = time.perf_counter(), time.process_time()
import boto3
boto3.client("s3").put_object(Bucket="bench", Key="k", Body=b"{}", IfNoneMatch="*")
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({"cold_ms": (t1 - t0) * 1000, "cpu_ms": (c1 - c0) * 1000}))
"""

HANDLER = """
import time; t0, c0 = time.perf_counter(), time.process_time()
from handler import app
from handler.config import Config
from handler.store import S3Store
store = S3Store("bench") if STORE == "s3" else NullStore()
app.configure(Config(store=store, catalog_dir=Path(CATALOG), allowed_origins=frozenset({ORIGIN}), log=lambda line: None))
response = app.lambda_handler(EVENTS[0], None)
t1, c1 = time.perf_counter(), time.process_time()
assert response["statusCode"] == 201, response
result = {"cold_ms": (t1 - t0) * 1000, "cpu_ms": (c1 - c0) * 1000, "boto3": "boto3" in sys.modules}
if WARM:
    app.configure(Config(store=NullStore(), catalog_dir=Path(CATALOG), allowed_origins=frozenset({ORIGIN}),
                         log=lambda line: None))
    times = []
    for event in EVENTS[1:]:
        start = time.perf_counter()
        response = app.lambda_handler(event, None)
        times.append((time.perf_counter() - start) * 1000)
        assert response["statusCode"] == 201
    result["warm_ms"] = times
import resource
result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""

PRELUDE = """
import json, sys
from pathlib import Path
class NullStore:
    def create(self, key, body): pass
    def get(self, key): return None
    def list(self, prefix): return iter(())
    def describe(self): return "null"
STORE, CATALOG, ORIGIN, WARM = {store!r}, {catalog!r}, {origin!r}, {warm!r}
EVENTS = json.loads(open({events!r}).read())
"""


class StubS3(BaseHTTPRequestHandler):
    """Accepts every PUT like S3 would; enough for put_object(IfNoneMatch="*") on fresh keys."""

    protocol_version = "HTTP/1.1"

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("ETag", '"d41d8cd98f00b204e9800998ecf8427e"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def make_catalogs(workdir: Path):
    """A catalog with the seed only, and one with the seed among 1,000 schemes."""
    from handler.scheme import write_catalog_entry
    from swanilai.scheme_source import check_schemes

    seed = next(s for s in check_schemes(ROOT / "schemes").schemes if s.id == SEED_ID)
    catalogs = {}
    for count in (1, 1000):
        directory = workdir / f"catalog-{count}"
        directory.mkdir()
        write_catalog_entry(directory, seed)
        document = json.loads((directory / f"{SEED_ID}.json").read_text(encoding="utf-8"))
        for n in range(1, count):
            document["id"] = f"skema-{n:04d}"
            (directory / f"skema-{n:04d}.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        catalogs[count] = directory
    return catalogs, seed


def make_events(path: Path, seed, count: int) -> None:
    from swanilai.testing import ORIGIN, full_payload, make_event

    events = [
        make_event(full_payload(seed, submission_id=f"3f2504e0-4f89-41d3-9a0c-{n:012d}"), request_id=f"bench-{n}")
        for n in range(count)
    ]
    assert ORIGIN
    path.write_text(json.dumps(events, ensure_ascii=False), encoding="utf-8")


def run_child(code: str, env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT), timeout=120
    )
    if result.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per cold-start case (median shown)")
    parser.add_argument("--warm", type=int, default=2000, help="warm invocations")
    args = parser.parse_args()

    from swanilai.testing import ORIGIN

    stub = ThreadingHTTPServer(("127.0.0.1", 0), StubS3)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_REGION": "ap-southeast-3",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{stub.server_address[1]}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("AWS_PROFILE", None)

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        catalogs, seed = make_catalogs(workdir)
        cold_events, warm_events = workdir / "cold.json", workdir / "warm.json"
        make_events(cold_events, seed, 1)
        make_events(warm_events, seed, args.warm + 1)

        def prelude(store: str, catalog: Path, events: Path, warm: bool) -> str:
            return PRELUDE.format(
                root=str(ROOT), store=store, catalog=str(catalog), origin=ORIGIN, warm=warm, events=str(events)
            )

        cases = {
            "bare: import boto3; boto3.client('s3')": prelude("", catalogs[1], cold_events, False) + BARE,
            "bare + one put_object": prelude("", catalogs[1], cold_events, False) + BARE_WITH_PUT,
        }
        for count in (1, 1000):
            for store in ("null", "s3"):
                label = f"handler, {store} store, {count:>4} scheme(s)"
                cases[label] = prelude(store, catalogs[count], cold_events, False) + HANDLER
        # Compile every module once so that no case pays for writing bytecode.
        run_child(prelude("s3", catalogs[1], cold_events, False) + HANDLER, {**env, "PYTHONDONTWRITEBYTECODE": ""})
        cold: dict[str, list[dict]] = {label: [] for label in cases}
        for _ in range(args.runs):
            for label, code in cases.items():  # interleaved, so drift in machine load hits every case alike
                cold[label].append(run_child(code, env))
        warm = run_child(prelude("s3", catalogs[1], warm_events, True) + HANDLER, env)

    stub.shutdown()
    wall = {label: statistics.median(r["cold_ms"] for r in runs) for label, runs in cold.items()}
    cpu = {label: statistics.median(r["cpu_ms"] for r in runs) for label, runs in cold.items()}
    bare_label = "bare: import boto3; boto3.client('s3')"
    print(
        f"Cold start (fresh process: imports + first invocation), {args.runs} runs per case, in ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print("  wall time is what a cold start costs; CPU time is the same work with other processes' noise removed")
    print(f"  {'case':<42} {'wall med':>9} {'wall min':>9} {'cpu med':>8} {'Δwall':>8} {'Δcpu':>8}")
    for label, runs in cold.items():
        print(
            f"  {label:<42} {wall[label]:9.1f} {min(r['cold_ms'] for r in runs):9.1f} {cpu[label]:8.1f} "
            f"{wall[label] - wall[bare_label]:+8.1f} {cpu[label] - cpu[bare_label]:+8.1f}"
        )
    s3 = {count: f"handler, s3 store, {count:>4} scheme(s)" for count in (1, 1000)}
    null = {count: f"handler, null store, {count:>4} scheme(s)" for count in (1, 1000)}
    print(
        f"  target cold <= bare + 30 ms (CPU): S3 store {cpu[s3[1]] - cpu[bare_label]:+.1f} ms with 1 scheme, "
        f"{cpu[s3[1000]] - cpu[bare_label]:+.1f} ms with 1,000"
    )
    print(
        f"  catalog size 1 -> 1,000 (CPU): null store {cpu[null[1000]] - cpu[null[1]]:+.1f} ms, "
        f"S3 store {cpu[s3[1000]] - cpu[s3[1]]:+.1f} ms"
    )
    times = warm["warm_ms"]
    print(
        f"Warm, seed scheme ({len(seed.element_keys())} elements, full submission with a drawn signature), "
        f"null store, {len(times)} invocations"
    )
    print(
        f"  p50 {percentile(times, 50):.3f} ms   p99 {percentile(times, 99):.3f} ms   "
        f"mean {statistics.fmean(times):.3f} ms   (target p50 <= 2 ms)"
    )
    print(
        f"Peak RSS of that process (boto3 loaded, {len(times) + 1} invocations): {warm['rss_mb']:.1f} MB "
        "(target <= 100 MB)"
    )


if __name__ == "__main__":
    main()
