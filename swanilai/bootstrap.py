"""The project's virtualenv: create or update `.venv/`, then re-run a command inside it.

Standard library only: it runs under whatever `python3` the user typed, before `.venv/` exists.
The pins live in `handler/requirements.txt` (what the Lambda ships) and `tests/requirements.txt`
(the whole development environment); `pyproject.toml` makes `handler` and `swanilai` importable
through an editable install, so no command edits the import path.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
INPUTS = (ROOT / "handler" / "requirements.txt", ROOT / "tests" / "requirements.txt", ROOT / "pyproject.toml")
_STAMP = VENV / "swanilai-requirements.sha256"


def _digest() -> str:
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(force: bool = False) -> None:
    """Create or update `.venv` when it is missing or its requirement files changed."""
    if not force and _STAMP.exists() and _STAMP.read_text().strip() == _digest() and venv_python().exists():
        return
    if not venv_python().exists():
        print(f"Creating {VENV.relative_to(ROOT)}/ ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("Installing Swanilai's Python packages into .venv/ ...", file=sys.stderr)
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "-r", str(INPUTS[0]), "-r", str(INPUTS[1])], check=True)
    # The project itself, editable: `import handler` and `import swanilai` work from anywhere.
    subprocess.run([*pip, "--no-deps", "-e", str(ROOT)], check=True)
    _STAMP.write_text(_digest() + "\n")


def enter_venv(script: Path) -> None:
    """Re-run the calling script inside `.venv`, setting it up first if needed."""
    ensure_venv()
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(venv_python()), [str(venv_python()), str(script), *sys.argv[1:]])
