"""Where the importer's tests find their documents: the tests' copy of the seed, as text and as YAML."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_TEXT = FIXTURES / "import" / "seed-fr-apl-02.txt"
SEED_YAML = FIXTURES / "schemes" / "konsultasi-manajemen-pemasaran.yaml"
SEED_ID = "konsultasi-manajemen-pemasaran"
