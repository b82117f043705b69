#!/usr/bin/env python3
"""Publish Swanilai to AWS: the site and the function that accepts its submissions, always together.

  python3 infra/publish.py package [--api-url URL]
  python3 infra/publish.py deploy --stack-name NAME --region REGION [--parameter KEY=VALUE ...]

Run it with any Python 3.11+: it hands over to `build.py publish`, which sets up .venv/ and runs
`swanilai.publish` there (see infra/README.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    build_py = Path(__file__).resolve().parent.parent / "build.py"
    os.execv(sys.executable, [sys.executable, str(build_py), "publish", *sys.argv[1:]])
