"""Writing the draft: never over an existing scheme without --force, atomically, under a valid id."""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
import yaml
from support.importer import SEED_ID, SEED_TEXT

from swanilai.importer.job import suggest_id
from swanilai.importer.messages import LANGS, MESSAGES
from swanilai.importer.report import import_command


def run(path, schemes, **options) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = import_command(path, schemes, out=out, err=err, **options)
    return code, out.getvalue(), err.getvalue()


def test_an_existing_scheme_is_never_overwritten_without_force(schemes):
    target = schemes / f"{SEED_ID}.yaml"
    target.write_text("# edited by hand, not yet committed\n", encoding="utf-8")
    code, out, err = run(SEED_TEXT, schemes, scheme_id=SEED_ID)
    assert code == 1
    assert (
        err == f"gagal: {target} sudah ada dan tidak ditimpa; pakai --id NAMA_LAIN, atau --force untuk menggantinya\n"
    )
    assert target.read_text(encoding="utf-8") == "# edited by hand, not yet committed\n"
    assert sorted(p.name for p in schemes.iterdir()) == [f"{SEED_ID}.yaml"]


def test_force_replaces_the_scheme_in_one_step(schemes, seed_data):
    target = schemes / f"{SEED_ID}.yaml"
    target.write_text("title: old\n", encoding="utf-8")
    code, _, _ = run(SEED_TEXT, schemes, scheme_id=SEED_ID, force=True)
    assert code == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == seed_data
    assert sorted(p.name for p in schemes.iterdir()) == [f"{SEED_ID}.yaml"]  # no temporary file left


def test_without_id_the_file_is_named_after_the_title(schemes):
    code, out, _ = run(SEED_TEXT, schemes)
    assert code == 0
    assert (schemes / "memberikan-layanan-konsultasi-manajemen-pemasaran.yaml").exists()
    assert "memberikan-layanan-konsultasi-manajemen-pemasaran.yaml ditulis: 12 unit, 38 elemen, 151 KUK" in out


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Memberikan Layanan Konsultasi Manajemen Pemasaran", "memberikan-layanan-konsultasi-manajemen-pemasaran"),
        ("Pengelolaan *Search Engine Marketing* (SEM)", "pengelolaan-search-engine-marketing-sem"),
        (
            "Perencanaan Pengembangan Layanan Pelanggan Secara Daring ke Pasar Mancanegara dan Regional",
            "perencanaan-pengembangan-layanan-pelanggan-secara-daring-ke",
        ),
        ("", None),
    ],
    ids=["seed", "italics-and-brackets", "cut-at-a-hyphen", "no-title"],
)
def test_suggested_id_is_a_valid_slug_of_the_title(title, expected):
    assert suggest_id(title) == expected


def test_a_bad_id_is_refused_with_a_valid_suggestion(schemes):
    code, out, err = run(SEED_TEXT, schemes, scheme_id="Skema Pemasaran")
    assert code == 1
    assert err == (
        "gagal: --id 'Skema Pemasaran' bukan id skema yang sah: pakai huruf kecil, angka dan tanda hubung tunggal, "
        "paling banyak 64 karakter (mis. skema-pemasaran)\n"
    )
    assert list(schemes.iterdir()) == []


def test_a_number_already_used_by_another_scheme_is_reported(schemes, seed_data):
    (schemes / "lama.yaml").write_text(f"title: Lama\nnumber: {seed_data['number']}\n", encoding="utf-8")
    code, out, _ = run(SEED_TEXT, schemes, scheme_id=SEED_ID)
    assert code == 0
    assert out.splitlines()[-3:-1] == [
        "`build.py check` menemukan 1 kesalahan yang harus diperbaiki sebelum terbit:",
        f"  {schemes / SEED_ID}.yaml: nomor skema “SS.018.05/SKM/LSP-P1 UMB/2023” sudah dipakai oleh "
        f"{schemes / 'lama.yaml'}; tiap skema perlu nomornya sendiri",
    ]


def test_report_in_english(schemes):
    code, out, _ = run(SEED_TEXT, schemes, scheme_id=SEED_ID, lang="en")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == "Check these 14 points (also marked “# CHECK” in the file):"
    assert lines[3] == f"  {SEED_TEXT}:6: the LSP is not named on its own; taken from the scheme number: “LSP-P1 UMB”"
    assert "# CHECK (seed-fr-apl-02.txt:6): the LSP is not named on its own" in (schemes / f"{SEED_ID}.yaml").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize("code", list(MESSAGES))
def test_every_message_says_the_same_in_both_languages(code):
    # The same placeholders in Bahasa Indonesia and English, both non-empty and on one line.
    fields = [{name for _, name, _, _ in string.Formatter().parse(text) if name} for text in MESSAGES[code]]
    assert len(MESSAGES[code]) == len(LANGS)
    assert fields[0] == fields[1]
    assert all(text and "\n" not in text for text in MESSAGES[code])


def test_every_message_code_the_importer_uses_is_in_the_table():
    package = Path(__file__).resolve().parents[2] / "swanilai" / "importer"
    used = set()
    for source in package.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        used |= set(re.findall(r'(?:ImportRefused|add|say)\(\s*"([a-z_0-9]+)"', text))
    assert used and used <= set(MESSAGES)
