"""`build.py check`: every broken scheme file gets exact `file:line: message`s, in both languages."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from handler.scheme import compile_scheme, plain_text, text_html
from swanilai.check_messages import LANGS, MESSAGES, catalogue_problems, placeholders
from swanilai.scheme_source import _texts, _validators, check_file, check_schemes

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "tests" / "fixtures" / "schemes" / "konsultasi-manajemen-pemasaran.yaml"

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

# A unit without code, to append to VALID's units.
UNIT = """\
  - title: {title}
    elements:
      - number: 1
        title: Elemen
        criteria:
          - number: "1.1"
            text: Kriteria.
"""


def edit(old: str, new: str, text: str = VALID) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def without_code(text: str = VALID) -> str:
    return edit("  - code: M.70MKT00.019.2\n    title", "  - title", text)


def check_dir(tmp_path: Path, files: dict[str, str | bytes], lang: str = "en") -> list[str]:
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = scheme_dir / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return [problem.format(lang) for problem in check_schemes(scheme_dir).problems]


# -- one broken file, one exact message, in both languages: (id, content, English, Indonesian)

BROKEN = [
    (
        "missing-required-key",
        edit("title: Skema Uji\n", ""),
        "schemes/s.yaml:1: missing required key 'title'",
        "schemes/s.yaml:1: kunci wajib 'title' belum ada",
    ),
    (
        "unknown-key-with-suggestion",
        edit("title: Skema Uji", "titel: Skema Uji"),
        "schemes/s.yaml:2: unknown key 'titel'; did you mean 'title'? allowed keys: assessor, evidence, instructions, kind, lsp, number, title, units",
        "schemes/s.yaml:2: kunci 'titel' tidak dikenal; mungkin maksudnya 'title'? Kunci yang boleh: assessor, evidence, instructions, kind, lsp, number, title, units",
    ),
    (
        "unknown-key-in-element",
        edit("        title: Elemen dua\n", "        title: Elemen dua\n        bukti: ada\n"),
        "schemes/s.yaml:20: unit M.70MKT00.019.2, element 2: unknown key 'bukti'; allowed keys: criteria, number, title",
        "schemes/s.yaml:20: unit M.70MKT00.019.2, elemen 2: kunci 'bukti' tidak dikenal; kunci yang boleh: criteria, number, title",
    ),
    (
        "wrong-type",
        edit("title: Skema Uji", "title: [Skema, Uji]"),
        "schemes/s.yaml:2: 'title' must be text, not a list (['Skema', 'Uji'])",
        "schemes/s.yaml:2: 'title' harus berupa teks, bukan daftar (['Skema', 'Uji'])",
    ),
    (
        "unit-not-a-mapping",
        edit("units:\n", "units:\n  - Unit lepas\n"),
        "schemes/s.yaml:8: unit 1 must be a mapping of keys, not text ('Unit lepas')",
        "schemes/s.yaml:8: unit ke-1 harus berupa kumpulan kunci, bukan teks ('Unit lepas')",
    ),
    (
        "kind-not-allowed",
        edit("kind: Okupasi", "kind: KKM"),
        "schemes/s.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
        "schemes/s.yaml:1: 'kind' 'KKM' tidak dikenal; pakai salah satu dari KKNI, Okupasi, Klaster",
    ),
    (
        "kind-in-lowercase",
        edit("kind: Okupasi", "kind: okupasi"),
        "schemes/s.yaml:1: 'kind' 'okupasi' is not allowed; write Okupasi",
        "schemes/s.yaml:1: 'kind' 'okupasi' tidak dikenal; tulis Okupasi",
    ),
    (
        "unit-code-pattern",
        edit("code: M.70MKT00.019.2", "code: M70MKT00-019"),
        "schemes/s.yaml:8: unit M70MKT00-019: 'code' 'M70MKT00-019' is not an SKKNI unit code like M.70MKT00.019.2",
        "schemes/s.yaml:8: unit M70MKT00-019: 'code' 'M70MKT00-019' bukan kode unit SKKNI seperti M.70MKT00.019.2; salin kodenya persis dari dokumen LSP, atau hapus code: bila dokumen tidak mencantumkannya",
    ),
    (
        "unit-code-in-lowercase",
        edit("code: M.70MKT00.019.2", "code: m.70mkt00.019.2"),
        "schemes/s.yaml:8: unit m.70mkt00.019.2: 'code' 'm.70mkt00.019.2' is not an SKKNI unit code like M.70MKT00.019.2; write M.70MKT00.019.2",
        "schemes/s.yaml:8: unit m.70mkt00.019.2: 'code' 'm.70mkt00.019.2' bukan kode unit SKKNI seperti M.70MKT00.019.2; tulis M.70MKT00.019.2",
    ),
    (
        "element-out-of-order",
        edit("      - number: 2\n", "      - number: 3\n"),
        "schemes/s.yaml:18: unit M.70MKT00.019.2, element 2: element is numbered 3 out of order (expected 2)",
        "schemes/s.yaml:18: unit M.70MKT00.019.2, elemen 2: elemen bernomor 3 tidak urut; tulis number: 2",
    ),
    (
        "element-number-in-quotes",
        edit("      - number: 2\n", '      - number: "2"\n'),
        "schemes/s.yaml:18: unit M.70MKT00.019.2, element 2: 'number' must be a whole number without quotes: write number: 2",
        "schemes/s.yaml:18: unit M.70MKT00.019.2, elemen 2: 'number' harus berupa bilangan bulat tanpa tanda kutip: tulis number: 2",
    ),
    (
        "criterion-out-of-order",
        edit('number: "1.2"', 'number: "1.3"'),
        "schemes/s.yaml:16: unit M.70MKT00.019.2, element 1: criterion 1.3 is numbered out of order (expected 1.2)",
        'schemes/s.yaml:16: unit M.70MKT00.019.2, elemen 1: KUK 1.3 tidak urut; tulis "1.2"',
    ),
    (
        "criterion-number-unquoted",
        edit('number: "1.2"', "number: 1.2"),
        "schemes/s.yaml:16: unit M.70MKT00.019.2, element 1, criterion 2: 'number' must be text in quotes: write \"1.2\"",
        "schemes/s.yaml:16: unit M.70MKT00.019.2, elemen 1, KUK ke-2: 'number' harus ditulis sebagai teks dalam tanda kutip: tulis \"1.2\"",
    ),
    (
        "criterion-1.10-unquoted-is-read-as-1.1",
        edit('number: "1.2"', "number: 1.10"),
        "schemes/s.yaml:16: unit M.70MKT00.019.2, element 1, criterion 2: 'number' must be text in quotes: write \"1.10\" (unquoted, YAML reads 1.10 as 1.1)",
        "schemes/s.yaml:16: unit M.70MKT00.019.2, elemen 1, KUK ke-2: 'number' harus ditulis sebagai teks dalam tanda kutip: tulis \"1.10\" (tanpa tanda kutip, YAML membaca 1.10 sebagai 1.1)",
    ),
    (
        "criterion-number-with-trailing-dot",
        edit('number: "2.1"', 'number: "2.1."'),
        "schemes/s.yaml:21: unit M.70MKT00.019.2, element 2, criterion 1: 'number' '2.1.' is not a KUK number like \"1.1\"; write \"2.1\"",
        "schemes/s.yaml:21: unit M.70MKT00.019.2, elemen 2, KUK ke-1: 'number' '2.1.' bukan nomor KUK seperti \"1.1\"; tulis \"2.1\"",
    ),
    (
        "scheme-number-read-as-a-number",
        edit("number: SS.001/UJI/2026", "number: 2026"),
        "schemes/s.yaml:3: 'number' must be text in quotes: write \"2026\"",
        "schemes/s.yaml:3: 'number' harus ditulis sebagai teks dalam tanda kutip: tulis \"2026\"",
    ),
    (
        "title-read-as-true",
        edit("title: Skema Uji", "title: yes"),
        "schemes/s.yaml:2: 'title' must be text in quotes: write \"yes\" (unquoted, YAML reads yes as true)",
        "schemes/s.yaml:2: 'title' harus ditulis sebagai teks dalam tanda kutip: tulis \"yes\" (tanpa tanda kutip, YAML membaca yes sebagai true)",
    ),
    (
        "instruction-read-as-a-number",
        edit("  - Baca setiap pertanyaan.", "  - 12"),
        "schemes/s.yaml:6: 'instructions' item 1 must be text in quotes: write \"12\"",
        "schemes/s.yaml:6: 'instructions' butir ke-1 harus ditulis sebagai teks dalam tanda kutip: tulis \"12\"",
    ),
    (
        "assessor-without-value",
        edit("lsp: LSP Uji", "lsp: LSP Uji\nassessor:"),
        "schemes/s.yaml:5: 'assessor' has no value; write the text from the LSP's document",
        "schemes/s.yaml:5: 'assessor' belum diisi; tulis teksnya sesuai dokumen LSP",
    ),
    (
        "text-after-hash-is-a-comment",
        edit("lsp: LSP Uji", "lsp: #LSP Uji"),
        "schemes/s.yaml:4: 'lsp' is empty because YAML reads # as the start of a comment: put the text in quotes: lsp: \"#LSP Uji\"",
        "schemes/s.yaml:4: 'lsp' kosong karena YAML membaca # sebagai awal komentar: bungkus teksnya dengan tanda kutip: lsp: \"#LSP Uji\"",
    ),
    (
        "list-item-without-space-after-dash",
        edit("  - Baca setiap", "  -Baca setiap"),
        "schemes/s.yaml:5: 'instructions' must be a list: start each item with '- ' (a hyphen and a space), e.g. - Baca setiap pertanyaan.",
        "schemes/s.yaml:5: 'instructions' harus berupa daftar: awali setiap butir dengan '- ' (tanda hubung lalu spasi), misalnya - Baca setiap pertanyaan.",
    ),
    (
        "empty-text",
        edit("text: Kriteria tiga.", 'text: "  "'),
        "schemes/s.yaml:22: unit M.70MKT00.019.2, element 2, criterion 1: 'text' is empty; write the text from the LSP's document",
        "schemes/s.yaml:22: unit M.70MKT00.019.2, elemen 2, KUK ke-1: 'text' masih kosong; tulis teksnya sesuai dokumen LSP",
    ),
    (
        "element-without-criteria",
        edit('        criteria:\n          - number: "2.1"\n            text: Kriteria tiga.\n', ""),
        "schemes/s.yaml:18: unit M.70MKT00.019.2, element 2: missing required key 'criteria'",
        "schemes/s.yaml:18: unit M.70MKT00.019.2, elemen 2: kunci wajib 'criteria' belum ada",
    ),
    (
        "no-units",
        edit(VALID[VALID.index("units:") :], "units: []\n"),
        "schemes/s.yaml:7: 'units' is empty; it needs at least one item",
        "schemes/s.yaml:7: 'units' masih kosong; isi paling sedikit satu butir",
    ),
    (
        "element-number-zero",
        edit("      - number: 1\n", "      - number: 0\n"),
        "schemes/s.yaml:11: unit M.70MKT00.019.2, element 1: 'number' must be at least 1, not 0",
        "schemes/s.yaml:11: unit M.70MKT00.019.2, elemen 1: 'number' paling kecil 1, bukan 0",
    ),
    (
        "unbalanced-emphasis",
        edit("text: Kriteria satu.", "text: Kriteria *satu."),
        "schemes/s.yaml:15: unit M.70MKT00.019.2, element 1, criterion 1: unbalanced '*' in 'Kriteria *satu.'; italic terms are written *like this*, with no space just inside the asterisks",
        "schemes/s.yaml:15: unit M.70MKT00.019.2, elemen 1, KUK ke-1: ada '*' yang tidak berpasangan di 'Kriteria *satu.'; istilah miring ditulis *seperti ini*, tanpa spasi tepat di dalam tanda bintang",
    ),
    (
        # An even count of '*' that still shows on the page: the rule follows the renderer.
        "emphasis-with-space-inside",
        edit("text: Kriteria satu.", "text: Kriteria *satu *dua."),
        "schemes/s.yaml:15: unit M.70MKT00.019.2, element 1, criterion 1: unbalanced '*' in 'Kriteria *satu *dua.'; italic terms are written *like this*, with no space just inside the asterisks",
        "schemes/s.yaml:15: unit M.70MKT00.019.2, elemen 1, KUK ke-1: ada '*' yang tidak berpasangan di 'Kriteria *satu *dua.'; istilah miring ditulis *seperti ini*, tanpa spasi tepat di dalam tanda bintang",
    ),
    (
        "duplicate-key",
        edit("lsp: LSP Uji\n", "lsp: LSP Uji\ntitle: Lagi\n"),
        "schemes/s.yaml:5: key 'title' appears twice in the same mapping (first on line 2); remove one",
        "schemes/s.yaml:5: kunci 'title' muncul dua kali di bagian yang sama (pertama di baris 2); hapus salah satunya",
    ),
    (
        "list-used-as-a-key",
        VALID + "? [a, b]\n: c\n",
        "schemes/s.yaml:23: unknown key \"['a', 'b']\"; allowed keys: assessor, evidence, instructions, kind, lsp, number, title, units",
        "schemes/s.yaml:23: kunci \"['a', 'b']\" tidak dikenal; kunci yang boleh: assessor, evidence, instructions, kind, lsp, number, title, units",
    ),
    # -- YAML syntax, in plain words, with the line to write
    (
        "text-starts-with-star",
        edit("text: Kriteria satu.", "text: *Moment of Truth* dipetakan."),
        'schemes/s.yaml:15: a text that starts with * (an italic term) must be in quotes, or YAML reads it as a reference: text: "*Moment of Truth* dipetakan."',
        'schemes/s.yaml:15: teks yang diawali * (istilah miring) harus dibungkus tanda kutip, karena tanpa itu YAML membacanya sebagai rujukan: text: "*Moment of Truth* dipetakan."',
    ),
    (
        "text-starts-with-ampersand",
        edit("lsp: LSP Uji", "lsp: &LSP Uji"),
        'schemes/s.yaml:4: a text that starts with & must be in quotes, or YAML drops its first word: lsp: "&LSP Uji"',
        'schemes/s.yaml:4: teks yang diawali & harus dibungkus tanda kutip, karena tanpa itu YAML membuang kata pertamanya: lsp: "&LSP Uji"',
    ),
    (
        "text-starts-with-exclamation-mark",
        edit("lsp: LSP Uji", "lsp: !penting LSP Uji"),
        'schemes/s.yaml:4: a text that starts with ! must be in quotes, or YAML reads it as the tag !penting: lsp: "!penting LSP Uji"',
        'schemes/s.yaml:4: teks yang diawali ! harus dibungkus tanda kutip, karena tanpa itu YAML membacanya sebagai tag !penting: lsp: "!penting LSP Uji"',
    ),
    (
        "text-starts-with-at-sign",
        edit("lsp: LSP Uji", "lsp: @LSP Uji"),
        'schemes/s.yaml:4: a value cannot start with @: put the whole text in quotes: lsp: "@LSP Uji"',
        'schemes/s.yaml:4: nilai tidak boleh diawali @: bungkus seluruh teks dengan tanda kutip: lsp: "@LSP Uji"',
    ),
    (
        "unclosed-bracket",
        edit("title: Skema Uji", "title: [Skema Uji"),
        'schemes/s.yaml:2: YAML reads [ at the start of a value as the start of a list, and its closing ] is missing: if the text starts with [, put it in quotes: title: "[Skema Uji"',
        'schemes/s.yaml:2: YAML membaca [ di awal nilai sebagai awal daftar, dan ] penutupnya tidak ada: bila teksnya memang diawali [, bungkus dengan tanda kutip: title: "[Skema Uji"',
    ),
    (
        "unclosed-brace",
        edit("title: Skema Uji", "title: {Skema Uji"),
        'schemes/s.yaml:2: YAML reads { at the start of a value as the start of a mapping of keys, and its closing } is missing: if the text starts with {, put it in quotes: title: "{Skema Uji"',
        'schemes/s.yaml:2: YAML membaca { di awal nilai sebagai awal kumpulan kunci, dan } penutupnya tidak ada: bila teksnya memang diawali {, bungkus dengan tanda kutip: title: "{Skema Uji"',
    ),
    (
        "colon-inside-text",
        edit("text: Kriteria dua.", "text: Kriteria: dua."),
        "schemes/s.yaml:17: the text contains ': ', which YAML reads as a new key: put the whole text in quotes: text: \"Kriteria: dua.\"",
        "schemes/s.yaml:17: teks ini memuat ': ' yang dibaca YAML sebagai kunci baru: bungkus seluruh teks dengan tanda kutip: text: \"Kriteria: dua.\"",
    ),
    (
        "missing-colon",
        edit("lsp: LSP Uji", "lsp LSP Uji"),
        "schemes/s.yaml:4: the ':' after lsp is missing; write lsp: LSP Uji",
        "schemes/s.yaml:4: tanda ':' setelah lsp tidak ada; tulis lsp: LSP Uji",
    ),
    (
        "unclosed-quote",
        edit("text: Kriteria satu.", 'text: "Kriteria satu.'),
        'schemes/s.yaml:15: the quote " opened on this line is never closed: end the text with " on the same line',
        'schemes/s.yaml:15: tanda kutip " yang dibuka di baris ini tidak ditutup: akhiri teksnya dengan " di baris yang sama',
    ),
    (
        # YAML only notices 12 lines further down, where the next quote closes it.
        "quote-left-open-on-an-earlier-line",
        edit("title: Skema Uji", 'title: "Skema Uji'),
        'schemes/s.yaml:2: the quote " opened on this line is never closed: end the text with " on the same line',
        'schemes/s.yaml:2: tanda kutip " yang dibuka di baris ini tidak ditutup: akhiri teksnya dengan " di baris yang sama',
    ),
    (
        "text-after-closing-quote",
        edit("title: Skema Uji", 'title: "Skema" Uji'),
        "schemes/s.yaml:2: there is text after the closing quote: put the whole text inside quotes, e.g. title: '\"Skema\" Uji'",
        "schemes/s.yaml:2: ada teks setelah tanda kutip penutup: masukkan seluruh teks ke dalam tanda kutip, misalnya title: '\"Skema\" Uji'",
    ),
    (
        "backslash-in-double-quotes",
        edit("lsp: LSP Uji", 'lsp: "LSP \\Uji"'),
        "schemes/s.yaml:4: inside double quotes a backslash \\ starts an escape: use single quotes instead: lsp: 'LSP \\Uji'",
        "schemes/s.yaml:4: di dalam tanda kutip ganda, garis miring terbalik \\ memulai kode khusus: pakai tanda kutip tunggal: lsp: 'LSP \\Uji'",
    ),
    (
        "tab-indentation",
        edit("    title: Unit *Satu*", "\ttitle: Unit *Satu*"),
        "schemes/s.yaml:9: this line is indented with a tab, but YAML indents with spaces only: replace the tab with spaces",
        "schemes/s.yaml:9: baris ini diberi indentasi dengan tab, padahal YAML hanya menerima spasi: ganti tab dengan spasi",
    ),
    (
        "key-indented-deeper",
        edit("lsp: LSP Uji", "  lsp: LSP Uji"),
        "schemes/s.yaml:4: this line is indented deeper (2 spaces) than line 3 (0 spaces), so YAML reads it as part of the value above: indent it like line 3",
        "schemes/s.yaml:4: baris ini menjorok lebih dalam (2 spasi) daripada baris 3 (0 spasi), sehingga YAML membacanya sebagai lanjutan nilai di atasnya: samakan indentasinya dengan baris 3",
    ),
    (
        "key-indented-less",
        edit("    title: Unit *Satu*", "   title: Unit *Satu*"),
        "schemes/s.yaml:9: this line is indented 3 spaces, but the block it belongs to (line 8) is indented 4: line it up with that block",
        "schemes/s.yaml:9: baris ini menjorok 3 spasi, padahal bagian tempatnya berada (baris 8) menjorok 4 spasi: sejajarkan dengan bagian itu",
    ),
    (
        "text-after-block-marker",
        edit("lsp: LSP Uji", "lsp: | LSP Uji"),
        "schemes/s.yaml:4: nothing may follow | or > on the same line: start the text on the next line, indented, or put it in quotes",
        "schemes/s.yaml:4: setelah | atau > tidak boleh ada teks di baris yang sama: mulai teksnya di baris berikutnya dengan indentasi, atau bungkus dengan tanda kutip",
    ),
    (
        "second-document",
        VALID + "---\ntitle: Lagi\n",
        "schemes/s.yaml:23: a second YAML document starts here (---), but a file holds one scheme: remove this line, or move what follows to its own file",
        "schemes/s.yaml:23: dokumen YAML kedua dimulai di sini (---), padahal satu berkas berisi satu skema: hapus baris ini, atau pindahkan isi di bawahnya ke berkas sendiri",
    ),
    (
        "control-character",
        edit("lsp: LSP Uji", "lsp: LSP\x07 Uji"),
        "schemes/s.yaml:4: the file contains an invisible control character (U+0007) on this line: delete it (retype the line if you cannot see it)",
        "schemes/s.yaml:4: berkas memuat karakter kendali yang tak terlihat (U+0007) di baris ini: hapus karakter itu (ketik ulang barisnya bila tidak terlihat)",
    ),
    # -- the file itself
    (
        "empty-file",
        "",
        "schemes/s.yaml:1: file is empty; a scheme needs title, number, lsp, instructions and units",
        "schemes/s.yaml:1: berkas kosong; skema memerlukan title, number, lsp, instructions dan units (lihat contoh di schemes/README.md)",
    ),
    (
        "only-comments",
        "# nothing yet\n",
        "schemes/s.yaml:1: file is empty; a scheme needs title, number, lsp, instructions and units",
        "schemes/s.yaml:1: berkas kosong; skema memerlukan title, number, lsp, instructions dan units (lihat contoh di schemes/README.md)",
    ),
    (
        "list-not-mapping",
        "- title: Skema Uji\n",
        "schemes/s.yaml:1: a scheme file must be a mapping of keys (title:, number:, units: ...), not a list",
        "schemes/s.yaml:1: berkas skema harus berisi kunci seperti title:, number:, units: ..., bukan daftar",
    ),
    (
        "scalar-not-mapping",
        "Skema Uji\n",
        "schemes/s.yaml:1: a scheme file must be a mapping of keys (title:, number:, units: ...), not a single value ('Skema Uji')",
        "schemes/s.yaml:1: berkas skema harus berisi kunci seperti title:, number:, units: ..., bukan satu nilai ('Skema Uji')",
    ),
    (
        "not-utf8",
        VALID.encode("utf-8").replace(b"Uji\nins", b"Uj\xe9\nins"),
        "schemes/s.yaml:4: file is not UTF-8 (byte 0xe9 at offset 66); save it as UTF-8",
        "schemes/s.yaml:4: berkas tidak tersimpan sebagai UTF-8 (bita 0xe9 pada posisi 66); simpan ulang dengan encoding UTF-8",
    ),
]


# The optional evidence block (its limits for candidates' files), appended after the units.
BROKEN += [
    (
        "evidence-unknown-type",
        VALID + "evidence:\n  types: [pdf, docx]\n",
        "schemes/s.yaml:24: evidence (files): 'types' item 2 'docx' is not allowed; use one of pdf, jpeg, png",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'types' butir ke-2 'docx' tidak dikenal; pakai salah satu dari pdf, jpeg, png",
    ),
    (
        "evidence-type-twice",
        VALID + "evidence:\n  types: [png, png]\n",
        "schemes/s.yaml:24: evidence (files): 'types' lists an item more than once; name each item once",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'types' memuat butir yang sama lebih dari sekali; sebutkan setiap butir sekali saja",
    ),
    (
        "evidence-file-over-20-mb",
        VALID + "evidence:\n  max_file_mb: 25\n",
        "schemes/s.yaml:24: evidence (files): 'max_file_mb' must be at most 20, not 25",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'max_file_mb' paling besar 20, bukan 25",
    ),
    (
        "evidence-negative-count",
        VALID + "evidence:\n  max_files_per_element: -1\n",
        "schemes/s.yaml:24: evidence (files): 'max_files_per_element' must be at least 0, not -1",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'max_files_per_element' paling kecil 0, bukan -1",
    ),
    (
        "evidence-zero-total",
        VALID + "evidence:\n  max_total_mb: 0\n",
        "schemes/s.yaml:24: evidence (files): 'max_total_mb' must be greater than 0, not 0",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'max_total_mb' harus lebih besar dari 0, bukan 0",
    ),
    (
        "evidence-file-over-total",
        VALID + "evidence:\n  max_file_mb: 10\n  max_total_mb: 5\n",
        "schemes/s.yaml:24: evidence: max_file_mb (10) is larger than max_total_mb (5), so one file alone could "
        "exceed the submission's limit; lower max_file_mb or raise max_total_mb",
        "schemes/s.yaml:24: evidence: max_file_mb (10) lebih besar daripada max_total_mb (5), sehingga satu berkas "
        "saja bisa melampaui batas seluruh kiriman; turunkan max_file_mb atau naikkan max_total_mb",
    ),
    (
        "evidence-misspelt-key",
        VALID + "evidence:\n  max_files: 3\n",
        "schemes/s.yaml:24: unknown key 'max_files'; did you mean 'max_file_mb'? allowed keys: max_file_mb, "
        "max_files_per_element, max_total_mb, types",
        "schemes/s.yaml:24: kunci 'max_files' tidak dikenal; mungkin maksudnya 'max_file_mb'? Kunci yang boleh: "
        "max_file_mb, max_files_per_element, max_total_mb, types",
    ),
    (
        "evidence-count-as-text",
        VALID + 'evidence:\n  max_files_per_element: "3"\n',
        "schemes/s.yaml:24: evidence (files): 'max_files_per_element' must be a whole number without quotes: write "
        "max_files_per_element: 3",
        "schemes/s.yaml:24: evidence (lampiran bukti): 'max_files_per_element' harus berupa bilangan bulat tanpa "
        "tanda kutip: tulis max_files_per_element: 3",
    ),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("content, en, id_", [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_broken_scheme_file_gets_one_exact_message(tmp_path, content, en, id_, lang):
    assert check_dir(tmp_path, {"s.yaml": content}, lang) == [{"en": en, "id": id_}[lang]]


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


def test_a_fixed_line_reads_clean_so_each_message_is_the_whole_story(tmp_path):
    """Applying what a YAML message says to write leaves a file that passes: the fix is exact."""
    fixes = {
        "text-starts-with-star": ("text: *Moment of Truth* dipetakan.", 'text: "*Moment of Truth* dipetakan."'),
        "missing-colon": ("lsp LSP Uji", "lsp: LSP Uji"),
        "colon-inside-text": ("text: Kriteria: dua.", 'text: "Kriteria: dua."'),
        "backslash-in-double-quotes": ('lsp: "LSP \\Uji"', "lsp: 'LSP \\Uji'"),
    }
    rows = {row[0]: row for row in BROKEN}
    for name, (typed, fixed) in fixes.items():
        message = rows[name][2]
        assert fixed in message or f"write {fixed.split(': ', 1)[1]}" in message, name
        assert check_dir(tmp_path / name, {"s.yaml": edit(typed, fixed, rows[name][1])}) == [], name


# -- every rule, every file, every run


REPAIR_THAT_DOES_NOT_HELP = r"""
import resource, sys, tempfile
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from swanilai.scheme_source import check_file
path = Path(tempfile.mkdtemp()) / "s.yaml"
path.write_text(sys.stdin.read(), encoding="utf-8")
print("\\n".join(problem.format("en") for problem in check_file(path, "s.yaml").problems))
"""


def test_a_repair_that_does_not_help_is_not_retried():
    # The quoted line still starts with '`' (in its key): reading again with it quoted once more
    # doubled the line's backslashes each time, and memory with them. In a subprocess with a
    # memory limit, so a regression fails this test instead of the machine.
    text = edit("  - code: M.70MKT00.019.2", " `-1>]`': M.70MKT00.019.2")
    result = subprocess.run(
        [sys.executable, "-c", REPAIR_THAT_DOES_NOT_HELP], input=text, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines() == [
        's.yaml:8: a value cannot start with `: put the whole text in quotes: `-1>]`\': "M.70MKT00.019.2"'
    ], result.stderr


_MUTATION = st.text(st.sampled_from(list(":-*&!|>'\"#[]{},?%@`\t\n  ab1.\\~\u00e9\x07")), max_size=12)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(at=st.integers(0, len(VALID)), cut=st.integers(0, 20), insert=_MUTATION)
def test_check_never_raises_on_a_mangled_scheme_and_every_problem_reads_in_both_languages(at, cut, insert):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_text(VALID[:at] + insert + VALID[at + cut :], encoding="utf-8")
        problems = check_file(path).problems
    lines = (VALID[:at] + insert + VALID[at + cut :]).count("\n") + 1
    for problem in problems:
        assert 1 <= problem.line <= lines
        assert problem.format("id") and problem.format("en")


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path):
    a = edit('number: "1.2"', 'number: "1.3"').replace("lsp: LSP Uji\n", "")
    a = edit("text: Kriteria tiga.", "text: Kriteria *tiga.", a)
    a += "  - code: M.70MKT00.019.2\n    title: Lagi\n" + UNIT.split("\n", 1)[1]
    b = edit("kind: Okupasi", "kind: KKM").replace("number: SS.001", "number: SS.002")
    b = edit("text: Kriteria dua.", "text: Kriteria: dua.", b)  # a YAML syntax error...
    b = edit('number: "2.1"', 'number: "2.2"', b)  # ...and a problem after it
    c = edit("lsp: LSP Uji", "lsp: LSP\tUji\n  lsp: lagi")  # a syntax error with no certain fix...
    c = edit("number: SS.001/UJI/2026", "number: SS.002/UJI/2026", c)  # ...after the number
    problems = check_dir(tmp_path, {"a.yaml": a, "b.yaml": b, "Skema C.yaml": c})
    assert problems == [
        "schemes/Skema C.yaml:1: file name 'Skema C.yaml' is not a valid scheme id: rename it to skema-c.yaml (lowercase letters, digits and single hyphens, at most 64 characters, ending in .yaml)",
        "schemes/Skema C.yaml:5: this line is indented deeper (2 spaces) than line 4 (0 spaces), so YAML reads it as part of the value above: indent it like line 4",
        "schemes/a.yaml:1: missing required key 'lsp'",
        "schemes/a.yaml:15: unit M.70MKT00.019.2, element 1: criterion 1.3 is numbered out of order (expected 1.2)",
        "schemes/a.yaml:21: unit M.70MKT00.019.2, element 2, criterion 1: unbalanced '*' in 'Kriteria *tiga.'; italic terms are written *like this*, with no space just inside the asterisks",
        "schemes/a.yaml:22: unit 2 has the same code M.70MKT00.019.2 as unit 1 on line 7; each unit must be unique",
        "schemes/b.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
        "schemes/b.yaml:3: scheme number 'SS.002/UJI/2026' is already used by schemes/Skema C.yaml:3; each scheme needs its own number",
        "schemes/b.yaml:17: the text contains ': ', which YAML reads as a new key: put the whole text in quotes: text: \"Kriteria: dua.\"",
        "schemes/b.yaml:21: unit M.70MKT00.019.2, element 2: criterion 2.2 is numbered out of order (expected 2.1)",
    ]


def test_problems_come_file_by_file_in_line_order(tmp_path):
    files = {
        "a.yaml": edit("kind: Okupasi", "kind: KKM").replace("lsp: LSP Uji\n", ""),
        "b.yaml": edit("kind: Okupasi", "kind: KKM").replace("number: SS.001", "number: SS.002"),
    }
    assert check_dir(tmp_path, files) == [
        "schemes/a.yaml:1: missing required key 'lsp'",
        "schemes/a.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
        "schemes/b.yaml:1: 'kind' 'KKM' is not allowed; use one of KKNI, Okupasi, Klaster",
    ]


def test_a_yaml_syntax_error_before_the_number_does_not_hide_a_duplicate_number(tmp_path):
    broken = edit("kind: Okupasi", "kind: Okupasi\n\tversion 2")  # a tab: the rest cannot be read
    assert check_dir(tmp_path, {"a.yaml": VALID, "b.yaml": broken}, "id") == [
        "schemes/b.yaml:2: baris ini diberi indentasi dengan tab, padahal YAML hanya menerima spasi: ganti tab dengan spasi",
        "schemes/b.yaml:4: nomor skema 'SS.001/UJI/2026' sudah dipakai oleh schemes/a.yaml:3; setiap skema perlu nomornya sendiri",
    ]


def test_a_schema_error_does_not_hide_the_rules_or_the_file_name(tmp_path):
    text = edit("title: Skema Uji\n", "").replace('number: "2.1"', 'number: "2.5"')
    assert check_dir(tmp_path, {"Skema_Uji.yml": text}, "id") == [
        "schemes/Skema_Uji.yml:1: berkas skema berakhiran .yaml; ganti namanya menjadi skema-uji.yaml",
        "schemes/Skema_Uji.yml:1: kunci wajib 'title' belum ada",
        'schemes/Skema_Uji.yml:20: unit M.70MKT00.019.2, elemen 2: KUK 2.5 tidak urut; tulis "2.1"',
    ]


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            {"Skema Uji.yaml": VALID},
            "schemes/Skema Uji.yaml:1: file name 'Skema Uji.yaml' is not a valid scheme id: rename it to skema-uji.yaml (lowercase letters, digits and single hyphens, at most 64 characters, ending in .yaml)",
        ),
        (
            {"Skéma--Pemasaran (2).yaml": VALID},
            "schemes/Skéma--Pemasaran (2).yaml:1: file name 'Skéma--Pemasaran (2).yaml' is not a valid scheme id: rename it to skema-pemasaran-2.yaml (lowercase letters, digits and single hyphens, at most 64 characters, ending in .yaml)",
        ),
        (
            {"表.yaml": VALID},
            "schemes/表.yaml:1: file name '表.yaml' is not a valid scheme id: use lowercase letters, digits and single hyphens, at most 64 characters, ending in .yaml (e.g. konsultasi-manajemen-pemasaran.yaml)",
        ),
        ({"s.yml": VALID}, "schemes/s.yml:1: scheme files end in .yaml; rename it to s.yaml"),
        ({"s.YAML": VALID}, "schemes/s.YAML:1: scheme files end in .yaml; rename it to s.yaml"),
        (
            {"a.yaml": VALID, "b.yaml": VALID},
            "schemes/b.yaml:3: scheme number 'SS.001/UJI/2026' is already used by schemes/a.yaml:3; each scheme needs its own number",
        ),
        (
            {"a.yaml": VALID, "b.yaml": VALID.replace("number: SS.001/UJI/2026", "number: ' SS.001/UJI/2026 '")},
            "schemes/b.yaml:3: scheme number 'SS.001/UJI/2026' is already used by schemes/a.yaml:3; each scheme needs its own number",
        ),
    ],
    ids=[
        "file-name-with-space",
        "file-name-with-accent-and-brackets",
        "file-name-with-nothing-to-make-an-id-of",
        "yml-extension",
        "uppercase-extension",
        "duplicate-scheme-number",
        "duplicate-scheme-number-with-spaces",
    ],
)
def test_rules_on_file_names_and_across_files(tmp_path, files, expected):
    assert expected in check_dir(tmp_path, files)


def test_file_over_one_megabyte_is_refused_before_parsing(tmp_path):
    big = VALID + "# " + "x" * (1024 * 1024) + "\n"
    size = len(big.encode())
    assert check_dir(tmp_path, {"s.yaml": big}) == [
        f"schemes/s.yaml:1: file is {size:,} bytes; a scheme file may be at most 1,048,576 bytes (1 MB)"
    ]
    assert check_dir(tmp_path, {"s.yaml": big}, "id") == [
        f"schemes/s.yaml:1: berkas ini berukuran {size:,} bita; berkas skema paling besar 1.048.576 bita (1 MB): periksa apakah ini berkas skema yang benar".replace(
            ",", "."
        )
    ]


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            VALID + "x: &a {b: 1}\ny:\n  <<: *a\n",
            [
                'schemes/s.yaml:23: a text that starts with & must be in quotes, or YAML drops its first word: x: "&a {b: 1}"',
                "schemes/s.yaml:23: unknown key 'x'; allowed keys: assessor, evidence, instructions, kind, lsp, number, title, units",
                "schemes/s.yaml:24: unknown key 'y'; allowed keys: assessor, evidence, instructions, kind, lsp, number, title, units",
                'schemes/s.yaml:25: a text that starts with * (an italic term) must be in quotes, or YAML reads it as a reference: <<: "*a"',
            ],
        ),
        (
            edit("text: Kriteria satu.", "text: !!binary abc"),
            [
                'schemes/s.yaml:15: a text that starts with ! must be in quotes, or YAML reads it as the tag !!binary: text: "!!binary abc"'
            ],
        ),
        (
            edit("text: Kriteria satu.", "text: !!python/object:os.system ls"),
            [
                'schemes/s.yaml:15: a text that starts with ! must be in quotes, or YAML reads it as the tag !!python/object:os.system: text: "!!python/object:os.system ls"'
            ],
        ),
        (edit("number: SS.001/UJI/2026", "number: 2023-02-30"), []),  # not a date: the text as typed
        (edit("number: SS.001/UJI/2026", "number: !!int SS.001"), []),  # not a number: the text after the tag
    ],
    ids=["anchor-alias-and-merge-key", "binary-tag", "python-tag", "impossible-date", "int-tag-on-a-word"],
)
def test_yaml_features_outside_the_format_are_reported_never_a_traceback(tmp_path, content, expected):
    assert check_dir(tmp_path, {"s.yaml": content}) == expected


# -- unit identity: check and compile use one key, and check reports every clash


@pytest.mark.parametrize(
    "first, second",
    [
        ("Menyusun Rencana", "Menyusun-Rencana!"),
        ("Menyusun Rencana", "menyusun rencana"),
        ("Menyusun Rencana", "*Menyusun* Rencana"),
        ("Menyusun Réncana", "Menyusun Re\u0301ncana"),  # one precomposed é, one e + combining accent
        ("Menyusun Rencana", "Menyusun Réncana"),
    ],
    ids=["punctuation", "case", "emphasis", "unicode-normalisation", "accent"],
)
def test_two_units_whose_titles_give_one_key_are_reported_with_both_lines(tmp_path, first, second):
    text = without_code(edit("Unit *Satu*", json.dumps(first, ensure_ascii=False))) + UNIT.format(
        title=json.dumps(second, ensure_ascii=False)
    )
    problems = check_dir(tmp_path, {"s.yaml": text})
    assert (
        f"schemes/s.yaml:22: unit 2 ({plain_text(second)}) gets the same key menyusun-rencana as unit 1 ({plain_text(first)}) on line 8, so their answers would mix: make the titles differ in letters or digits, or add each unit's code: from the LSP's document"
        in problems
    )


def test_a_code_and_another_units_title_that_give_one_key_are_reported(tmp_path):
    text = edit("code: M.70MKT00.019.2", "code: abc") + UNIT.format(title="ABC")
    assert check_dir(tmp_path, {"s.yaml": text}) == [
        "schemes/s.yaml:8: unit abc: 'code' 'abc' is not an SKKNI unit code like M.70MKT00.019.2",
        "schemes/s.yaml:23: unit 2 (ABC) gets the same key abc as unit 1 (Unit Satu) on line 8, so their answers would mix: make the titles differ in letters or digits, or add each unit's code: from the LSP's document",
    ]


def test_a_clash_is_reported_even_when_the_other_unit_is_broken_elsewhere(tmp_path):
    text = edit("code: M.70MKT00.019.2", "code: abc").replace("title: Unit *Satu*", "title: [Unit, Satu]")
    assert check_dir(tmp_path, {"s.yaml": text + UNIT.format(title="ABC")}) == [
        "schemes/s.yaml:8: unit abc: 'code' 'abc' is not an SKKNI unit code like M.70MKT00.019.2",
        "schemes/s.yaml:9: unit abc: 'title' must be text, not a list (['Unit', 'Satu'])",
        "schemes/s.yaml:23: unit 2 (ABC) gets the same key abc as unit 1 (abc) on line 8, so their answers would mix: make the titles differ in letters or digits, or add each unit's code: from the LSP's document",
    ]


def test_a_unit_title_with_nothing_to_make_a_key_of_is_reported(tmp_path):
    text = without_code(edit("Unit *Satu*", "表 (—)"))
    assert check_dir(tmp_path, {"s.yaml": text}, "id") == [
        "schemes/s.yaml:8: unit ke-1 (表 (—)) tidak punya kode, dan judulnya tidak memuat huruf latin atau angka untuk dijadikan kunci: tambahkan code: dari dokumen LSP"
    ]


_TITLE = st.text(st.sampled_from("aAbB eé\u0301-!*_.(1"), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(first=_TITLE, second=_TITLE)
def test_check_reports_a_key_clash_exactly_when_compile_would_share_a_key(first, second):
    assume(first.strip() and second.strip())
    text = without_code(edit("Unit *Satu*", json.dumps(first, ensure_ascii=False))) + UNIT.format(
        title=json.dumps(second, ensure_ascii=False)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.yaml"
        path.write_text(text, encoding="utf-8")
        source = check_file(path)
    rules = {problem.rule for problem in source.problems}
    keys = [unit.key for unit in compile_scheme("s", source.data).units]
    assert ("rule.unit_key_twice" in rules) == (keys[0] == keys[1] != "")
    assert ("rule.unit_no_key" in rules) == ("" in keys)
    if source.ok:
        assert len(set(compile_scheme("s", source.data).element_keys())) == 3


# -- what a scheme copied from the seed still lacks: said once per file


def test_missing_kind_and_unit_code_are_warnings_said_once_per_file(tmp_path):
    content = without_code(edit("kind: Okupasi\n", "")) + UNIT.format(title="Dua") + UNIT.format(title="Tiga")
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text(content, encoding="utf-8")
    result = check_schemes(scheme_dir)
    assert result.errors == []
    assert [p.format("en") for p in result.problems] == [
        "schemes/s.yaml:1: warning: scheme kind is not set; the page shows 'KKNI/Okupasi/Klaster' as the paper form does. Add kind: KKNI, Okupasi or Klaster if the LSP's document says which",
        "schemes/s.yaml:7: warning: 3 units have no code: unit 1 (Unit Satu) on line 7, unit 2 (Dua) on line 21, unit 3 (Tiga) on line 28. A unit without code is keyed by its title, so editing that title later changes its keys. Add code: where the LSP's document gives one (never invent one)",
    ]
    assert [p.format("id") for p in result.problems] == [
        "schemes/s.yaml:1: peringatan: jenis skema belum diisi, sehingga halaman menampilkan 'KKNI/Okupasi/Klaster' seperti formulir kertas. Bila dokumen LSP menyebutkan jenisnya, tambahkan kind: KKNI, Okupasi atau Klaster",
        "schemes/s.yaml:7: peringatan: 3 unit tidak punya kode: unit ke-1 (Unit Satu) di baris 7, unit ke-2 (Dua) di baris 21, unit ke-3 (Tiga) di baris 28. Unit tanpa kode dikenali dari judulnya: bila judulnya kelak diubah, kunci jawabannya ikut berubah. Tambahkan code: bila dokumen LSP mencantumkan kodenya (jangan mengarang kode)",
    ]
    assert result.schemes[0].element_keys() == ("unit-satu/1", "unit-satu/2", "dua/1", "tiga/1")


def test_the_seed_copied_as_is_gets_two_warnings_and_no_error(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "salinan.yaml").write_text(SEED_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    result = check_schemes(scheme_dir)
    assert result.errors == []
    assert [p.rule for p in result.problems] == ["rule.kind_missing", "rule.unit_without_code"]


# -- the message catalogue


def test_every_message_has_both_languages_with_the_same_placeholders():
    assert list(catalogue_problems()) == []


def test_the_catalogue_check_itself_catches_a_missing_language_and_a_renamed_placeholder():
    broken = {"a": {"id": "x {n}"}, "b": {"id": "x {n}", "en": "x {m}"}}
    assert list(catalogue_problems(broken)) == [
        "a: languages ['id'], expected ['en', 'id']",
        "b: placeholders differ between languages",
    ]


def test_every_message_in_the_catalogue_is_used_by_the_code():
    code = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "swanilai").glob("*.py"))
    dynamic = ("type.",)  # named from a value: f"type.{name}"
    unused = [key for key in MESSAGES if f'"{key}"' not in code and not key.startswith(dynamic)]
    assert unused == []


def test_indonesian_messages_contain_no_english_fix_words():
    for key, texts in MESSAGES.items():
        words = set(re.findall(r"[a-z]+", re.sub(r"\{[^}]*\}", "", texts["id"])))
        assert not words & {"write", "the", "must", "is", "not", "line", "key", "missing"}, key
        assert placeholders(texts["id"]) == placeholders(texts["en"]), key


# -- the docs show what check prints


def test_the_readme_example_is_what_check_prints(tmp_path):
    readme = (ROOT / "schemes" / "README.md").read_text(encoding="utf-8")
    example = re.search(r"<!-- check-example: (\S+) -->\n```yaml\n(.*?)```", readme, re.S)
    output = re.search(r"<!-- check-output: id -->\n```text\n(.*?)```", readme, re.S)
    assert example and output
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / Path(example.group(1)).name).write_text(example.group(2), encoding="utf-8")
    result = check_schemes(scheme_dir)
    printed = [p.format("id") for p in result.problems] + [result.summary("id")]
    assert printed == output.group(1).splitlines()


# -- emphasis: linear, and the same output as the regex it replaced

_OLD_EMPHASIS = re.compile(r"(\*|_)(?=\S)(.+?)(?<=\S)\1")


def old_plain_text(text: str) -> str:
    return _OLD_EMPHASIS.sub(lambda m: m.group(2), text)


def old_text_html(text: str) -> str:
    return _OLD_EMPHASIS.sub(lambda m: f"<em>{m.group(2)}</em>", html.escape(text, quote=False))


# Short enough for the old, quadratic regex; the characters its rules turn on.
_EMPHASIS_TEXT = st.text(st.sampled_from("*_ab \n\t\u00a0<&"), max_size=120)


@settings(
    max_examples=3000, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_EMPHASIS_TEXT)
def test_emphasis_scanner_renders_every_text_as_the_old_regex_did(text):
    assert plain_text(text) == old_plain_text(text)
    assert text_html(text) == old_text_html(text)


def test_emphasis_scanner_renders_every_seed_text_as_the_old_regex_did():
    texts = [text for _, text in _texts(yaml.safe_load(SEED_FILE.read_text(encoding="utf-8")))]
    assert sum("*" in text for text in texts) >= 10
    for text in texts:
        assert (plain_text(text), text_html(text)) == (old_plain_text(text), old_text_html(text)), text


PATHOLOGICAL = r"""
from handler.scheme import plain_text, text_html
for text in ("*a " * 40000, "_a " * 40000, "*a _b " * 20000, ("*a " * 400 + "\n") * 100):
    plain_text(text)
    text_html(text)
print("done")
"""


def test_emphasis_of_pathological_text_finishes_in_linear_time():
    # A subprocess with a hard timeout, not a timed assertion: the old regex needed 90 s for the
    # first text and would be killed; the scanner needs milliseconds, so the limit has a wide margin
    # for a loaded machine and needs no hook for counting steps in the Lambda's code.
    result = subprocess.run(
        [sys.executable, "-c", PATHOLOGICAL], capture_output=True, text=True, timeout=10, check=True
    )
    assert result.stdout == "done\n"


# -- the command line


def run_check(scheme_dir: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "--schemes", str(scheme_dir), "check", *options],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_command_exits_nonzero_on_errors_without_traceback(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text("- not a mapping\n", encoding="utf-8")
    (scheme_dir / "t.yaml").write_bytes(b"\xff\xfe: x\n")
    result = run_check(scheme_dir)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{scheme_dir.name}/s.yaml:1: berkas skema harus berisi kunci seperti title:, number:, units: ..., bukan daftar",
        f"{scheme_dir.name}/t.yaml:1: berkas tidak tersimpan sebagai UTF-8 (bita 0xff pada posisi 0); simpan ulang dengan encoding UTF-8",
        f"{scheme_dir.name}/t.yaml:1: kunci '\ufffd\ufffd' tidak dikenal; kunci yang boleh: assessor, evidence, instructions, kind, lsp, number, title, units",
        f"{scheme_dir.name}/t.yaml:1: kunci wajib 'title', 'number', 'lsp', 'instructions', 'units' belum ada",
        f"{scheme_dir.name}/t.yaml:1: peringatan: jenis skema belum diisi, sehingga halaman menampilkan 'KKNI/Okupasi/Klaster' seperti formulir kertas. Bila dokumen LSP menyebutkan jenisnya, tambahkan kind: KKNI, Okupasi atau Klaster",
        "pemeriksaan gagal: 0 skema siap, 4 kesalahan, 1 peringatan",
    ]


def test_check_command_speaks_english_when_asked(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text(edit("number: 1", "number: 0"), encoding="utf-8")
    result = run_check(scheme_dir, "--lang", "en")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{scheme_dir.name}/s.yaml:11: unit M.70MKT00.019.2, element 1: 'number' must be at least 1, not 0",
        "check failed: 0 scheme(s) ok, 1 error(s), 0 warning(s)",
    ]


def test_check_command_passes_the_real_schemes():
    result = run_check(ROOT / "schemes")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        r"pemeriksaan lulus: \d+ skema siap, 0 kesalahan, \d+ peringatan", result.stderr.splitlines()[-1]
    )


def test_a_valid_evidence_block_compiles_into_the_schemes_limits(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text(
        VALID + "evidence:\n  types: [pdf, png]\n  max_file_mb: 2.5\n  max_files_per_element: 0\n", encoding="utf-8"
    )
    (scheme,) = check_schemes(scheme_dir).schemes
    assert scheme.evidence.to_dict() == {
        "types": ["application/pdf", "image/png"],
        "max_file_bytes": round(2.5 * 1024 * 1024),
        "max_files_per_element": 0,
        "max_total_bytes": None,
    }
