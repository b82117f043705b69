"""What the infrastructure tests share: the repository's paths and infra/publish.py loaded as a module."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"


def _load_publish():
    # infra/publish.py is a script, not a package module: load it once by path.
    if "swanilai_publish" not in sys.modules:
        spec = importlib.util.spec_from_file_location("swanilai_publish", INFRA / "publish.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["swanilai_publish"]


publish = _load_publish()
