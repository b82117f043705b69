"""Load run: 1,000 distinct submissions at concurrency 50 against `build.py serve` backed by a moto S3 server.

    .venv/bin/python bench/load.py [--submissions 1000] [--concurrency 50]

Starts a moto server and `build.py serve` on free ports of 127.0.0.1 (nothing else is ever
contacted), sends every submission once, then counts what the bucket holds. Prints the stored
count (must equal the submissions sent), duplicates (must be 0) and latency percentiles. Bounded:
every request times out after 60 s and the whole run gives up after 10 minutes.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from swanilai.testing import Served, free_port, full_payload

ROOT = Path(__file__).resolve().parent.parent

BUCKET = "swanilai-load"
RUN_LIMIT_S = 600


def start_moto(port: int, env: dict[str, str]) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/moto-api/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("moto server did not start")


def send(port: int, body: bytes) -> tuple[int | str, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(
            "POST",
            "/api/submissions",
            body=body,
            headers={"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"},
        )
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    except OSError as exc:
        return type(exc).__name__, (time.perf_counter() - started) * 1000
    finally:
        connection.close()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()

    import boto3

    from swanilai.scheme_source import check_schemes

    seed = next(s for s in check_schemes(ROOT / "schemes").schemes if s.id == "konsultasi-manajemen-pemasaran")
    moto_port = free_port()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "load",
        "AWS_SECRET_ACCESS_KEY": "load",
        "AWS_REGION": "ap-southeast-3",
        "AWS_DEFAULT_REGION": "ap-southeast-3",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{moto_port}",
    }
    env.pop("AWS_PROFILE", None)
    moto = start_moto(moto_port, env)
    served = None
    try:
        s3 = boto3.client(
            "s3",
            endpoint_url=env["AWS_ENDPOINT_URL_S3"],
            region_name="ap-southeast-3",
            aws_access_key_id="load",
            aws_secret_access_key="load",
        )
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
        with tempfile.TemporaryDirectory() as tmp:
            served = Served(
                free_port(),
                Path(tmp) / "var",
                Path(tmp) / "site",
                env={"SUBMISSIONS_BUCKET": BUCKET, **{k: v for k, v in env.items() if k.startswith("AWS_")}},
            )
            ids = [f"7c9e6679-7425-40de-944b-{n:012d}" for n in range(args.submissions)]
            bodies = [json.dumps(full_payload(seed, submission_id=i), ensure_ascii=False).encode("utf-8") for i in ids]
            statuses: collections.Counter[int | str] = collections.Counter()
            latencies: list[float] = []
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                futures = [pool.submit(send, served.port, body) for body in bodies]
                for future in as_completed(futures, timeout=RUN_LIMIT_S):
                    status, latency = future.result()
                    statuses[status] += 1
                    latencies.append(latency)
            elapsed = time.perf_counter() - started
            keys = [
                item["Key"]
                for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
                for item in page.get("Contents", ())
            ]
    finally:
        if served is not None:
            served.stop()
        moto.terminate()
        moto.wait(timeout=30)

    records = [key for key in keys if "/by-id/" not in key]
    markers = [key for key in keys if "/by-id/" in key]
    record_ids = [key.rsplit("/", 1)[1].removesuffix(".json") for key in records]
    duplicates = len(record_ids) - len(set(record_ids))
    print(
        f"Load: {args.submissions} distinct submissions of the seed scheme ({len(bodies[0]) / 1024:.1f} KB each), "
        f"concurrency {args.concurrency}, build.py serve -> moto S3 server, all on 127.0.0.1; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"  responses: {dict(sorted(statuses.items(), key=str))}")
    print(
        f"  stored records: {len(records)} (must be {args.submissions}), markers: {len(markers)}, "
        f"duplicates: {duplicates} (must be 0), missing: {len(set(ids) - set(record_ids))}"
    )
    print(
        f"  latency p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms, "
        f"mean {statistics.fmean(latencies):.0f} ms; {args.submissions / elapsed:.0f} submissions/s over {elapsed:.1f} s"
    )


if __name__ == "__main__":
    main()
