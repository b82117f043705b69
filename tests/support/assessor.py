"""What the assessor tests share besides fixtures: paths, hostile text, running the command as a process.

(A module of its own, not conftest: several conftest.py files share that module name.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSESSOR = ROOT / "assessor.py"
# The assessor's clock in the tests run in process: after every record and review of the fixtures.
NOW = datetime(2026, 12, 1, 3, 4, 5, 678000, tzinfo=UTC)
EVIL_EVIDENCE = '<script>alert("x")</script></td><td>=HYPERLINK("http://evil.example","klik")'


def aws_process_env(endpoint: str, *, credentials: bool = True) -> dict[str, str]:
    """The environment of an assessor's shell pointed at the moto server: nothing from the real ~/.aws."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ASSESSOR_"))}
    env.update(
        AWS_ENDPOINT_URL_S3=endpoint,
        AWS_DEFAULT_REGION="ap-southeast-3",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    if credentials:
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    return env


def run_assessor(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `python assessor.py ARGS` exactly as an assessor would."""
    return subprocess.run(
        [sys.executable, str(ASSESSOR), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
