#!/usr/bin/env python3
"""Swanilai for assessors: pull the FR.APL.02 submissions, read them as the filled form, review them.

Run it with any Python 3.11+: on first use it creates `.venv/` with everything it needs and re-runs
itself there. The commands live in `swanilai/assessor/cli.py`; `python3 assessor.py --help` lists them.
"""

from __future__ import annotations

from pathlib import Path

from swanilai.bootstrap import enter_venv

if __name__ == "__main__":
    enter_venv(Path(__file__))
    from swanilai.assessor.cli import main

    main()
