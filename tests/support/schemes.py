"""The tests' own schemes (tests/fixtures/): never the production schemes/, which LSP staff edit.

- `FIXTURE_SCHEMES`: a copy of the seed as it was transcribed (12 units, 38 elements, 151 KUK), for
  tests that need a real form's size and text;
- `SMALL_SCHEMES`: synthetic schemes a few lines long, each with one point to make (see SMALL).
"""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FIXTURE_SCHEMES = FIXTURES / "schemes"
SMALL_SCHEMES = FIXTURES / "small"
SEED_ID = "konsultasi-manajemen-pemasaran"

# What each small scheme is for; tests/test_fixtures.py holds each to its description.
SMALL = {
    "dua-unit": "two coded units with one and two elements: the smallest ordinary scheme",
    "unit-tanpa-kode": "no kind and a unit without code, keyed by its title (two warnings)",
    "kuk-banyak": "one element with twelve criteria: KUK 1.10 to 1.12 after 1.9",
}
