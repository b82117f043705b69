"""`build.py check`: every broken scheme file gets one exact `file:line: message`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from swanilai.scheme_source import _validators, check_schemes

ROOT = Path(__file__).resolve().parent.parent

VALID = """\
kind: Okupasi
title: Skema Uji
number: SS.001/UJI/2026
lsp: LSP Uji
instructions:
  - Baca setiap pertanyaan.
units:
  - code: M.70MKT00.019.2
    title: Unit *Satu*
    elements:
      - number: 1
        title: Elemen satu
        criteria:
          - number: "1.1"
            text: Kriteria satu.
          - number: "1.2"
            text: Kriteria dua.
      - number: 2
        title: Elemen dua
        criteria:
          - number: "2.1"
            text: Kriteria tiga.
"""


def edit(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def check_dir(tmp_path: Path, files: dict[str, str | bytes]) -> list[str]:
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    for name, content in files.items():
        path = scheme_dir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return [str(problem) for problem in check_schemes(scheme_dir).problems]


BROKEN = [
    ("missing-required-key", edit("title: Skema Uji\n", ""), "schemes/s.yaml:1: missing required key 'title'"),
    (
        "unknown-key-with-suggestion",
        edit("title: Skema Uji", "titel: Skema Uji"),
        "schemes/s.yaml:2: unknown key 'titel'; did you mean 'title'? allowed keys: assessor, instructions, kind, lsp, number, title, units",
    ),
    (
        "unknown-key-in-element",
        edit("        title: Elemen dua\n", "        title: Elemen dua\n        bukti: ada\n"),
        "schemes/s.yaml:20: unit M.70MKT00.019.2, element 2: unknown key 'bukti'; allowed keys: criteria, number, title",
    ),
    (
        "wrong-type",
        edit("title: Skema Uji", "title: [Skema, Uji]"),
        "schemes/s.yaml:2: 'title' must be text, not a list (['Skema', 'Uji'])",
    ),
    (
        "kind-not-allowed",
        edit("kind: Okupasi", "kind: KKM"),
        "schemes/s.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
    ),
    (
        "unit-code-pattern",
        edit("code: M.70MKT00.019.2", "code: M70MKT00-019"),
        "schemes/s.yaml:8: unit M70MKT00-019: 'code' 'M70MKT00-019' is not an SKKNI unit code like M.70MKT00.019.2",
    ),
    (
        "element-out-of-order",
        edit("      - number: 2\n", "      - number: 3\n"),
        "schemes/s.yaml:18: unit M.70MKT00.019.2, element 2: element is numbered 3 out of order (expected 2)",
    ),
    (
        "criterion-out-of-order",
        edit('number: "1.2"', 'number: "1.3"'),
        "schemes/s.yaml:16: unit M.70MKT00.019.2, element 1: criterion 1.3 is numbered out of order (expected 1.2)",
    ),
    (
        "criterion-number-unquoted",
        edit('number: "1.2"', "number: 1.2"),
        "schemes/s.yaml:16: unit M.70MKT00.019.2, element 1, criterion 2: 'number' must be text, not a number (1.2); quote it, e.g. \"1.1\"",
    ),
    (
        "empty-text",
        edit("text: Kriteria tiga.", 'text: "  "'),
        "schemes/s.yaml:22: unit M.70MKT00.019.2, element 2, criterion 1: 'text' is empty; write the text from the LSP's document",
    ),
    (
        "element-without-criteria",
        edit('        criteria:\n          - number: "2.1"\n            text: Kriteria tiga.\n', ""),
        "schemes/s.yaml:18: unit M.70MKT00.019.2, element 2: missing required key 'criteria'",
    ),
    (
        "no-units",
        edit(VALID[VALID.index("units:") :], "units: []\n"),
        "schemes/s.yaml:7: 'units' is empty; it needs at least one item",
    ),
    (
        "element-number-zero",
        edit("      - number: 1\n", "      - number: 0\n"),
        "schemes/s.yaml:11: unit M.70MKT00.019.2, element 1: 'number' must be at least 1, not 0",
    ),
    (
        "unbalanced-emphasis",
        edit("text: Kriteria satu.", "text: Kriteria *satu."),
        "schemes/s.yaml:15: unit M.70MKT00.019.2, element 1, criterion 1: unbalanced '*' in 'Kriteria *satu.'; italic terms are written *like this*",
    ),
    (
        "duplicate-key",
        edit("lsp: LSP Uji\n", "lsp: LSP Uji\ntitle: Lagi\n"),
        "schemes/s.yaml:5: key 'title' appears twice in the same mapping (first on line 2); remove one",
    ),
    (
        "yaml-syntax-error",
        edit("title: Skema Uji", "title: [Skema Uji"),
        "schemes/s.yaml:3: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
    ),
    (
        "bad-indentation",
        edit("lsp: LSP Uji", "  lsp: LSP Uji"),
        "schemes/s.yaml:4: YAML syntax error: mapping values are not allowed in this context",
    ),
    ("empty-file", "", "schemes/s.yaml:1: file is empty; a scheme needs title, number, lsp, instructions and units"),
    (
        "only-comments",
        "# nothing yet\n",
        "schemes/s.yaml:1: file is empty; a scheme needs title, number, lsp, instructions and units",
    ),
    (
        "list-not-mapping",
        "- title: Skema Uji\n",
        "schemes/s.yaml:1: a scheme file must be a mapping of keys (title:, number:, units: ...), not a list",
    ),
    (
        "scalar-not-mapping",
        "Skema Uji\n",
        "schemes/s.yaml:1: a scheme file must be a mapping of keys (title:, number:, units: ...), not a single value ('Skema Uji')",
    ),
    (
        "not-utf8",
        edit("LSP Uji", "LSP Uji").encode("utf-8").replace(b"Uji\nins", b"Uj\xe9\nins"),
        "schemes/s.yaml:4: file is not UTF-8 (byte 0xe9 at offset 66); save it as UTF-8",
    ),
]


@pytest.mark.parametrize("content, expected", [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_broken_scheme_file_gets_one_exact_message(tmp_path, content, expected):
    assert check_dir(tmp_path, {"s.yaml": content}) == [expected]


def _schema_rejects(content: object) -> bool:
    try:
        data = yaml.safe_load(content) if isinstance(content, str) else None
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and bool(list(_validators()[1].iter_errors(data)))


SCHEMA_ROWS = [row for row in BROKEN if _schema_rejects(row[1])]


@pytest.mark.parametrize("content", [row[1] for row in SCHEMA_ROWS], ids=[row[0] for row in SCHEMA_ROWS])
def test_fast_schema_path_never_passes_what_the_thorough_one_rejects(content):
    import fastjsonschema

    fast, _ = _validators()
    with pytest.raises(fastjsonschema.JsonSchemaException):
        fast(yaml.safe_load(content))


def test_the_fast_path_table_covers_the_schema_rules():
    assert len(SCHEMA_ROWS) >= 10


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path):
    problems = check_dir(
        tmp_path,
        {
            "a.yaml": edit('number: "1.2"', 'number: "1.3"').replace("lsp: LSP Uji\n", ""),
            "b.yaml": edit("kind: Okupasi", "kind: KKM").replace("number: SS.001", "number: SS.002"),
        },
    )
    assert problems == [
        "schemes/a.yaml:1: missing required key 'lsp'",
        "schemes/b.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
    ]


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"Skema Uji.yaml": VALID},
            "schemes/Skema Uji.yaml:1: file name 'Skema Uji.yaml' is not a valid scheme id: use lowercase letters, digits and single hyphens, at most 64 characters, ending in .yaml (e.g. konsultasi-manajemen-pemasaran.yaml)",
        ),
        ({"s.yml": VALID}, "schemes/s.yml:1: scheme files end in .yaml; rename it to s.yaml"),
        (
            {"a.yaml": VALID, "b.yaml": VALID},
            "schemes/b.yaml:3: scheme number 'SS.001/UJI/2026' is already used by schemes/a.yaml; each scheme needs its own number",
        ),
        (
            {
                "s.yaml": edit(
                    "      - number: 1\n        title: Elemen satu", "      - number: 1\n        title: Elemen satu"
                ).replace(
                    "units:\n",
                    'units:\n  - code: M.70MKT00.019.2\n    title: Lagi\n    elements:\n      - number: 1\n        title: E\n        criteria:\n          - number: "1.1"\n            text: K.\n',
                )
            },
            "schemes/s.yaml:16: unit 2 has the same code M.70MKT00.019.2 as unit 1; each unit must be unique",
        ),
    ],
    ids=["file-name-not-an-id", "yml-extension", "duplicate-scheme-number", "duplicate-unit-code"],
)
def test_rules_across_files_and_units(tmp_path, files, expected):
    assert expected in check_dir(tmp_path, files)


def test_file_over_one_megabyte_is_refused_before_parsing(tmp_path):
    big = VALID + "# " + "x" * (1024 * 1024) + "\n"
    assert check_dir(tmp_path, {"s.yaml": big}) == [
        f"schemes/s.yaml:1: file is {len(big.encode()):,} bytes; a scheme file may be at most 1,048,576 bytes (1 MB)"
    ]


def test_missing_kind_and_unit_code_are_warnings_not_errors(tmp_path):
    content = edit("kind: Okupasi\n", "").replace("  - code: M.70MKT00.019.2\n    title", "  - title")
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text(content, encoding="utf-8")
    result = check_schemes(scheme_dir)
    assert result.errors == []
    assert [str(p) for p in result.problems] == [
        "schemes/s.yaml:1: warning: scheme kind is not set; the page shows 'KKNI/Okupasi/Klaster' as the paper form does. Add kind: KKNI, Okupasi or Klaster if the LSP's document says which",
        "schemes/s.yaml:7: warning: unit 1 (Unit Satu) has no code; it is keyed by its title. Add code: if the LSP's document gives one (never invent one)",
    ]
    assert result.schemes[0].element_keys() == ("unit-satu/1", "unit-satu/2")


def run_check(scheme_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--schemes", str(scheme_dir), "check"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_command_exits_nonzero_on_errors_without_traceback(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text("- not a mapping\n", encoding="utf-8")
    (scheme_dir / "t.yaml").write_bytes(b"\xff\xfe")
    result = run_check(scheme_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "check failed: 0 scheme(s) ok, 2 error(s), 0 warning(s)"


def test_check_command_passes_the_real_schemes_with_their_warnings():
    result = run_check(ROOT / "schemes")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1].startswith("check passed: 1 scheme(s) ok, 0 error(s), 2 warning(s)")
