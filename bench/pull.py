#!/usr/bin/env python3
"""Benchmark `assessor.py pull` against `aws s3 sync` on one moto S3 server on 127.0.0.1.

Puts N synthetic submission records (the seed scheme, every element answered, a drawn signature)
into a bucket, then times, one after the other in one run: `assessor.py pull` into an empty
directory, `aws s3 sync` of the same prefix into another, a second `pull` with nothing new (and a
second sync for reference), and `render --all --pdf` of a sample. Prints figures; asserts nothing.

    .venv/bin/python bench/pull.py            # 10,000 records (a few minutes)
    .venv/bin/python bench/pull.py --n 1000   # a quick run

awscli lives in its own virtualenv, .venv/tools/awscli/ (it pins another botocore than boto3's);
this script creates it on first use.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

AWSCLI_VERSION = "1.46.2"
AWSCLI_VENV = ROOT / ".venv" / "tools" / "awscli"
BUCKET = "swanilai-bench"
SEED_SCHEME = ROOT / "schemes" / "konsultasi-manajemen-pemasaran.yaml"
# assessor.py's command line in this virtualenv, without its first-run check of .venv/ (which would
# time a pip run whenever the requirement files changed): the command itself is what is measured.
ASSESSOR = [sys.executable, "-c", "from swanilai.assessor.cli import main; main()"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="records to put into the bucket (default 10000)")
    parser.add_argument("--jobs", type=int, default=None, help="assessor.py pull --jobs (default: its own)")
    parser.add_argument("--render", type=int, default=30, help="records to render with --pdf (default 30)")
    args = parser.parse_args()

    aws = ensure_awscli()
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    work = Path(tempfile.mkdtemp(prefix="swanilai-bench-"))
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ASSESSOR_"))}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="ap-southeast-3",
        AWS_ENDPOINT_URL_S3=endpoint,
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    try:
        wait_for(port)
        size = fill_bucket(endpoint, args.n)
        print(f"bucket: {args.n} records, {size / 1e6:.1f} MB, on moto_server {endpoint} (its own process)")
        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        pull = [*ASSESSOR, "pull", "--from", f"s3://{BUCKET}", "--to", str(work / "pull"), *jobs]
        sync = [
            str(aws),
            "s3",
            "sync",
            f"s3://{BUCKET}",
            str(work / "sync"),
            "--only-show-errors",
            "--endpoint-url",
            endpoint,
        ]

        first_pull = timed("assessor.py pull (empty dir)", pull, env)
        first_sync = timed("aws s3 sync (empty dir)", sync, env)
        second_pull = timed("assessor.py pull (nothing new)", pull, env)
        second_sync = timed("aws s3 sync (nothing new)", sync, env)
        check_same(work / "pull", work / "sync", args.n)
        # The same without the record of finished days (a copy made by an older pull, or its file
        # removed): every day folder is listed again.
        (work / "pull" / ".swanilai-pull.json").unlink()
        relisted = timed("assessor.py pull (nothing new, listing every day)", pull, env)

        print()
        print(f"{'':34}{'seconds':>9}{'objects/s':>11}")
        for label, seconds in (
            ("assessor.py pull", first_pull),
            ("aws s3 sync", first_sync),
            ("assessor.py pull, nothing new", second_pull),
            ("aws s3 sync, nothing new", second_sync),
            ("  same, listing every day", relisted),
        ):
            print(f"{label:34}{seconds:9.2f}{args.n / seconds:11.0f}")
        print(f"pull / sync                       {first_pull / first_sync:9.2f}x   (target <= 1.0x)")
        print(
            f"second pull / first pull          {second_pull / first_pull:9.3f}x   (target <= 0.1x; "
            f"{relisted / first_pull:.3f}x listing every day)"
        )

        if args.render:
            render_sample(work, args.render, env)
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


def ensure_awscli() -> Path:
    """awscli from PyPI in its own virtualenv, pinned; created on first use."""
    aws = AWSCLI_VENV / "bin" / "aws"
    if not aws.exists():
        print(f"installing awscli=={AWSCLI_VERSION} into {AWSCLI_VENV.relative_to(ROOT)}/ ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(AWSCLI_VENV)], check=True)
        subprocess.run(
            [
                str(AWSCLI_VENV / "bin" / "pip"),
                "install",
                "-q",
                "--disable-pip-version-check",
                f"awscli=={AWSCLI_VERSION}",
            ],
            check=True,
        )
    return aws


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"moto_server did not start on 127.0.0.1:{port} in {seconds:.0f} s")


def fill_bucket(endpoint: str, count: int) -> int:
    """Put `count` records, as the handler writes them, spread over 30 days; return the bytes put."""
    import boto3
    from botocore.config import Config

    from handler.record import RECORD_VERSION, record_bytes, utc_timestamp
    from handler.store import submission_key
    from swanilai.scheme_source import check_schemes

    scheme = next(s for s in check_schemes(SEED_SCHEME.parent).schemes if s.id == SEED_SCHEME.stem)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="ap-southeast-3",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",
        config=Config(max_pool_connections=16),
    )
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-3"})
    signature = "data:image/png;base64," + base64.b64encode(_png()).decode()
    # Spread over the 30 days up to now, as a month of real submissions would be.
    now = datetime.now(UTC)
    start = now - timedelta(days=30)

    def put(index: int) -> int:
        received = start + (now - start) * index / max(count, 1)
        record = {
            "record_version": RECORD_VERSION,
            "submission_id": str(uuid.uuid4()),
            "received_at": utc_timestamp(received),
            "scheme": scheme.to_dict(),
            "candidate": {"name": f"Asesi {index}", "email": None, "phone": None},
            "answers": {
                key: {"verdict": "K" if i % 4 else "BK", "evidence": f"Laporan kerja {2020 + i % 6}"}
                for i, key in enumerate(scheme.element_keys())
            },
            "declaration": True,
            "signature": {"kind": "drawn", "data_url": signature},
        }
        body = record_bytes(record)
        client.put_object(Bucket=BUCKET, Key=submission_key(scheme.id, received, record["submission_id"]), Body=body)
        return len(body)

    total, started = 0, time.monotonic()
    with ThreadPoolExecutor(16) as pool:
        for done, size in enumerate(pool.map(put, range(count)), 1):
            total += size
            if done % 1000 == 0 or done == count:
                print(
                    f"\r  put {done}/{count} ({time.monotonic() - started:.0f} s)", end="", file=sys.stderr, flush=True
                )
    print(file=sys.stderr)
    return total


def _png() -> bytes:
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\0" + bytes(200) for _ in range(60))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 200, 60, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def timed(label: str, command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"{label} failed ({result.returncode}): {result.stderr.strip()[-500:]}")
    print(f"  {label}: {seconds:.2f} s  {result.stdout.strip()[:120]}", file=sys.stderr)
    return seconds


def check_same(pulled: Path, synced: Path, count: int) -> None:
    def objects(root: Path) -> list[Path]:
        return sorted(p.relative_to(root) for p in root.rglob("*.json") if not p.name.startswith("."))

    files = objects(pulled)
    if len(files) != count or files != objects(synced):
        raise SystemExit(f"pull and sync did not copy the same objects ({len(files)} and {len(objects(synced))})")


def render_sample(work: Path, count: int, env: dict[str, str]) -> None:
    """Copy `count` pulled records into their own directory and time `render --all --pdf` on them."""
    sample = work / "sample"
    for path in sorted(p for p in (work / "pull").rglob("*.json") if not p.name.startswith("."))[:count]:
        target = sample / path.relative_to(work / "pull")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    seconds = timed(
        f"render --all --pdf ({count} records)", [*ASSESSOR, "render", "--all", "--pdf", "--dir", str(sample)], env
    )
    html_only = timed(
        f"render --all ({count} records, HTML only)", [*ASSESSOR, "render", "--all", "--dir", str(sample)], env
    )
    print(
        f"render --all --pdf                {seconds / count:9.3f} s per record ({count} records, "
        f"{seconds:.1f} s including Chromium's start); HTML only {html_only / count:.3f} s per record"
    )


if __name__ == "__main__":
    sys.exit(main())
