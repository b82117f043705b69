"""What `build.py check` says, in Bahasa Indonesia (the default, for LSP staff) and in English.

One table, keyed by rule: every message the checker can print, both languages side by side, with
`{name}` placeholders. The checker never builds a sentence; it names a rule and gives the values
(`Phrase`), and a problem is put into words only when printed, in the language asked for. Values
that are words themselves (a place in the scheme, a type name) are phrases too, so a message is
never half in one language.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LANGS = ("id", "en")
DEFAULT_LANG = "id"

# rule -> {language: template}
MESSAGES: dict[str, dict[str, str]] = {
    # -- the file itself
    "file.too_big": {
        "id": "berkas ini berukuran {size} bita; berkas skema paling besar {max} bita (1 MB): periksa apakah ini berkas skema yang benar",
        "en": "file is {size} bytes; a scheme file may be at most {max} bytes (1 MB)",
    },
    "file.not_utf8": {
        "id": "berkas tidak tersimpan sebagai UTF-8 (bita 0x{byte} pada posisi {offset}); simpan ulang dengan encoding UTF-8",
        "en": "file is not UTF-8 (byte 0x{byte} at offset {offset}); save it as UTF-8",
    },
    "file.empty": {
        "id": "berkas kosong; skema memerlukan title, number, lsp, instructions dan units (lihat contoh di schemes/README.md)",
        "en": "file is empty; a scheme needs title, number, lsp, instructions and units",
    },
    "file.not_mapping": {
        "id": "berkas skema harus berisi kunci seperti title:, number:, units: ..., bukan {found}",
        "en": "a scheme file must be a mapping of keys (title:, number:, units: ...), not {found}",
    },
    "file.name": {
        "id": "nama berkas {name} tidak bisa menjadi id skema: ganti namanya menjadi {suggestion} (huruf kecil, angka dan tanda hubung tunggal, paling banyak {max} karakter, berakhiran .yaml)",
        "en": "file name {name} is not a valid scheme id: rename it to {suggestion} (lowercase letters, digits and single hyphens, at most {max} characters, ending in .yaml)",
    },
    "file.name_no_suggestion": {
        "id": "nama berkas {name} tidak bisa menjadi id skema: pakai huruf kecil, angka dan tanda hubung tunggal, paling banyak {max} karakter, berakhiran .yaml (misalnya konsultasi-manajemen-pemasaran.yaml)",
        "en": "file name {name} is not a valid scheme id: use lowercase letters, digits and single hyphens, at most {max} characters, ending in .yaml (e.g. konsultasi-manajemen-pemasaran.yaml)",
    },
    "file.extension": {
        "id": "berkas skema berakhiran .yaml; ganti namanya menjadi {suggestion}",
        "en": "scheme files end in .yaml; rename it to {suggestion}",
    },
    # -- YAML syntax, in plain words: what YAML saw and what to type instead
    "yaml.tab": {
        "id": "baris ini diberi indentasi dengan tab, padahal YAML hanya menerima spasi: ganti tab dengan spasi",
        "en": "this line is indented with a tab, but YAML indents with spaces only: replace the tab with spaces",
    },
    "yaml.missing_colon_fix": {
        "id": "tanda ':' setelah {key} tidak ada; tulis {fix}",
        "en": "the ':' after {key} is missing; write {fix}",
    },
    "yaml.missing_colon": {
        "id": "baris ini tidak punya tanda ':' setelah kuncinya: tulis kunci: nilai, atau jorokkan baris ini lebih dalam bila ia lanjutan teks di atasnya",
        "en": "this line has no ':' after its key: write key: value, or indent the line further if it continues the text above",
    },
    "yaml.unclosed_quote": {
        "id": "tanda kutip {quote} yang dibuka di baris ini tidak ditutup: akhiri teksnya dengan {quote} di baris yang sama",
        "en": "the quote {quote} opened on this line is never closed: end the text with {quote} on the same line",
    },
    "yaml.text_after_quote": {
        "id": "ada teks setelah tanda kutip penutup: masukkan seluruh teks ke dalam tanda kutip, misalnya {fix}",
        "en": "there is text after the closing quote: put the whole text inside quotes, e.g. {fix}",
    },
    "yaml.unclosed_bracket": {
        "id": "YAML membaca {open} di awal nilai sebagai awal {what}, dan {close} penutupnya tidak ada: bila teksnya memang diawali {open}, bungkus dengan tanda kutip: {fix}",
        "en": "YAML reads {open} at the start of a value as the start of {what}, and its closing {close} is missing: if the text starts with {open}, put it in quotes: {fix}",
    },
    "yaml.colon_in_text": {
        "id": "teks ini memuat ': ' yang dibaca YAML sebagai kunci baru: bungkus seluruh teks dengan tanda kutip: {fix}",
        "en": "the text contains ': ', which YAML reads as a new key: put the whole text in quotes: {fix}",
    },
    "yaml.indent_deeper": {
        "id": "baris ini menjorok lebih dalam ({spaces} spasi) daripada baris {ref} ({ref_spaces} spasi), sehingga YAML membacanya sebagai lanjutan nilai di atasnya: samakan indentasinya dengan baris {ref}",
        "en": "this line is indented deeper ({spaces} spaces) than line {ref} ({ref_spaces} spaces), so YAML reads it as part of the value above: indent it like line {ref}",
    },
    "yaml.indent": {
        "id": "baris ini menjorok {spaces} spasi, padahal bagian tempatnya berada (baris {ref}) menjorok {ref_spaces} spasi: sejajarkan dengan bagian itu",
        "en": "this line is indented {spaces} spaces, but the block it belongs to (line {ref}) is indented {ref_spaces}: line it up with that block",
    },
    "yaml.reserved_start": {
        "id": "nilai tidak boleh diawali {char}: bungkus seluruh teks dengan tanda kutip: {fix}",
        "en": "a value cannot start with {char}: put the whole text in quotes: {fix}",
    },
    "yaml.star_start": {
        "id": "teks yang diawali * (istilah miring) harus dibungkus tanda kutip, karena tanpa itu YAML membacanya sebagai rujukan: {fix}",
        "en": "a text that starts with * (an italic term) must be in quotes, or YAML reads it as a reference: {fix}",
    },
    "yaml.anchor": {
        "id": "teks yang diawali & harus dibungkus tanda kutip, karena tanpa itu YAML membuang kata pertamanya: {fix}",
        "en": "a text that starts with & must be in quotes, or YAML drops its first word: {fix}",
    },
    "yaml.tag": {
        "id": "teks yang diawali ! harus dibungkus tanda kutip, karena tanpa itu YAML membacanya sebagai tag {tag}: {fix}",
        "en": "a text that starts with ! must be in quotes, or YAML reads it as the tag {tag}: {fix}",
    },
    "yaml.backslash": {
        "id": "di dalam tanda kutip ganda, garis miring terbalik \\ memulai kode khusus: pakai tanda kutip tunggal: {fix}",
        "en": "inside double quotes a backslash \\ starts an escape: use single quotes instead: {fix}",
    },
    "yaml.block_scalar": {
        "id": "setelah | atau > tidak boleh ada teks di baris yang sama: mulai teksnya di baris berikutnya dengan indentasi, atau bungkus dengan tanda kutip",
        "en": "nothing may follow | or > on the same line: start the text on the next line, indented, or put it in quotes",
    },
    "yaml.second_document": {
        "id": "dokumen YAML kedua dimulai di sini (---), padahal satu berkas berisi satu skema: hapus baris ini, atau pindahkan isi di bawahnya ke berkas sendiri",
        "en": "a second YAML document starts here (---), but a file holds one scheme: remove this line, or move what follows to its own file",
    },
    "yaml.control_char": {
        "id": "berkas memuat karakter kendali yang tak terlihat ({char}) di baris ini: hapus karakter itu (ketik ulang barisnya bila tidak terlihat)",
        "en": "the file contains an invisible control character ({char}) on this line: delete it (retype the line if you cannot see it)",
    },
    "yaml.syntax": {
        "id": "kesalahan penulisan YAML ({what}): periksa baris ini dan baris di atasnya",
        "en": "YAML syntax error: {what}",
    },
    "yaml.duplicate_key": {
        "id": "kunci {key} muncul dua kali di bagian yang sama (pertama di baris {first}); hapus salah satunya",
        "en": "key {key} appears twice in the same mapping (first on line {first}); remove one",
    },
    # -- the schema (scheme.schema.json): shape, types, required keys
    "schema.required": {
        "id": "{at}kunci wajib {keys} belum ada",
        "en": "{at}missing required key {keys}",
    },
    "schema.unknown_key": {
        "id": "{at}kunci {key} tidak dikenal; kunci yang boleh: {allowed}",
        "en": "{at}unknown key {key}; allowed keys: {allowed}",
    },
    "schema.unknown_key_hint": {
        "id": "{at}kunci {key} tidak dikenal; mungkin maksudnya {hint}? Kunci yang boleh: {allowed}",
        "en": "{at}unknown key {key}; did you mean {hint}? allowed keys: {allowed}",
    },
    "schema.type": {
        "id": "{subject} harus berupa {expected}, bukan {found} ({value})",
        "en": "{subject} must be {expected}, not {found} ({value})",
    },
    "schema.quote": {
        "id": "{subject} harus ditulis sebagai teks dalam tanda kutip: tulis {fix}",
        "en": "{subject} must be text in quotes: write {fix}",
    },
    "schema.quote_misread": {
        "id": "{subject} harus ditulis sebagai teks dalam tanda kutip: tulis {fix} (tanpa tanda kutip, YAML membaca {raw} sebagai {value})",
        "en": "{subject} must be text in quotes: write {fix} (unquoted, YAML reads {raw} as {value})",
    },
    "schema.unquote": {
        "id": "{subject} harus berupa bilangan bulat tanpa tanda kutip: tulis {fix}",
        "en": "{subject} must be a whole number without quotes: write {fix}",
    },
    "schema.no_value": {
        "id": "{subject} belum diisi; tulis teksnya sesuai dokumen LSP",
        "en": "{subject} has no value; write the text from the LSP's document",
    },
    "schema.no_value_comment": {
        "id": "{subject} kosong karena YAML membaca # sebagai awal komentar: bungkus teksnya dengan tanda kutip: {fix}",
        "en": "{subject} is empty because YAML reads # as the start of a comment: put the text in quotes: {fix}",
    },
    "schema.list_dash": {
        "id": "{subject} harus berupa daftar: awali setiap butir dengan '- ' (tanda hubung lalu spasi), misalnya {fix}",
        "en": "{subject} must be a list: start each item with '- ' (a hyphen and a space), e.g. {fix}",
    },
    "schema.empty_text": {
        "id": "{subject} masih kosong; tulis teksnya sesuai dokumen LSP",
        "en": "{subject} is empty; write the text from the LSP's document",
    },
    "schema.code": {
        "id": "{subject} {value} bukan kode unit SKKNI seperti M.70MKT00.019.2; salin kodenya persis dari dokumen LSP, atau hapus code: bila dokumen tidak mencantumkannya",
        "en": "{subject} {value} is not an SKKNI unit code like M.70MKT00.019.2",
    },
    "schema.code_fix": {
        "id": "{subject} {value} bukan kode unit SKKNI seperti M.70MKT00.019.2; tulis {fix}",
        "en": "{subject} {value} is not an SKKNI unit code like M.70MKT00.019.2; write {fix}",
    },
    "schema.criterion_number": {
        "id": '{subject} {value} bukan nomor KUK seperti "1.1"; tulis {fix}',
        "en": '{subject} {value} is not a KUK number like "1.1"; write {fix}',
    },
    "schema.pattern": {
        "id": "{subject} {value} tidak sesuai bentuk yang diharapkan",
        "en": "{subject} {value} is not in the expected form",
    },
    "schema.enum": {
        "id": "{subject} {value} tidak dikenal; pakai salah satu dari {allowed}",
        "en": "{subject} {value} is not allowed; use one of {allowed}",
    },
    "schema.enum_fix": {
        "id": "{subject} {value} tidak dikenal; tulis {fix}",
        "en": "{subject} {value} is not allowed; write {fix}",
    },
    "schema.min_items": {
        "id": "{subject} masih kosong; isi paling sedikit satu butir",
        "en": "{subject} is empty; it needs at least one item",
    },
    "schema.minimum": {
        "id": "{subject} paling kecil {minimum}, bukan {value}",
        "en": "{subject} must be at least {minimum}, not {value}",
    },
    "schema.maximum": {
        "id": "{subject} paling besar {maximum}, bukan {value}",
        "en": "{subject} must be at most {maximum}, not {value}",
    },
    "schema.exclusive_minimum": {
        "id": "{subject} harus lebih besar dari {minimum}, bukan {value}",
        "en": "{subject} must be greater than {minimum}, not {value}",
    },
    "schema.unique_items": {
        "id": "{subject} memuat butir yang sama lebih dari sekali; sebutkan setiap butir sekali saja",
        "en": "{subject} lists an item more than once; name each item once",
    },
    "schema.other": {
        "id": "{subject}: {what}",
        "en": "{subject}: {what}",
    },
    # -- the form's own rules: numbering, identity, emphasis, what a copied seed still lacks
    "rule.kind_missing": {
        "id": "jenis skema belum diisi, sehingga halaman menampilkan 'KKNI/Okupasi/Klaster' seperti formulir kertas. Bila dokumen LSP menyebutkan jenisnya, tambahkan kind: KKNI, Okupasi atau Klaster",
        "en": "scheme kind is not set; the page shows 'KKNI/Okupasi/Klaster' as the paper form does. Add kind: KKNI, Okupasi or Klaster if the LSP's document says which",
    },
    "rule.unit_without_code": {
        "id": "{unit} tidak punya kode, sehingga dikenali dari judulnya: bila judul itu kelak diubah, kunci jawabannya ikut berubah. Tambahkan code: bila dokumen LSP mencantumkan kodenya (jangan mengarang kode)",
        "en": "{unit} has no code; it is keyed by its title, so editing that title later changes its keys. Add code: if the LSP's document gives one (never invent one)",
    },
    "rule.units_without_code": {
        "id": "{count} unit tidak punya kode: {units}. Unit tanpa kode dikenali dari judulnya: bila judulnya kelak diubah, kunci jawabannya ikut berubah. Tambahkan code: bila dokumen LSP mencantumkan kodenya (jangan mengarang kode)",
        "en": "{count} units have no code: {units}. A unit without code is keyed by its title, so editing that title later changes its keys. Add code: where the LSP's document gives one (never invent one)",
    },
    "rule.emphasis": {
        "id": "{at}ada '*' yang tidak berpasangan di {value}; istilah miring ditulis *seperti ini*, tanpa spasi tepat di dalam tanda bintang",
        "en": "{at}unbalanced '*' in {value}; italic terms are written *like this*, with no space just inside the asterisks",
    },
    "rule.unit_code_twice": {
        "id": "{unit} memakai kode {code} yang sama dengan {first} di baris {line}; setiap unit harus unik: periksa kodenya di dokumen LSP",
        "en": "{unit} has the same code {code} as {first} on line {line}; each unit must be unique",
    },
    "rule.unit_key_twice": {
        "id": "{unit} mendapat kunci {key} yang sama dengan {first} di baris {line}, sehingga jawaban keduanya tercampur: bedakan judulnya dengan huruf atau angka, atau tambahkan code: dari dokumen LSP",
        "en": "{unit} gets the same key {key} as {first} on line {line}, so their answers would mix: make the titles differ in letters or digits, or add each unit's code: from the LSP's document",
    },
    "rule.unit_no_key": {
        "id": "{unit} tidak punya kode, dan judulnya tidak memuat huruf latin atau angka untuk dijadikan kunci: tambahkan code: dari dokumen LSP",
        "en": "{unit} has no code, and its title has no Latin letters or digits to make a key from: add its code: from the LSP's document",
    },
    "rule.element_order": {
        "id": "{at}elemen bernomor {number} tidak urut; tulis number: {expected}",
        "en": "{at}element is numbered {number} out of order (expected {expected})",
    },
    "rule.criterion_order": {
        "id": '{at}KUK {number} tidak urut; tulis "{expected}"',
        "en": "{at}criterion {number} is numbered out of order (expected {expected})",
    },
    "rule.evidence_file_over_total": {
        "id": "evidence: max_file_mb ({file}) lebih besar daripada max_total_mb ({total}), sehingga satu berkas saja bisa melampaui batas seluruh kiriman; turunkan max_file_mb atau naikkan max_total_mb",
        "en": "evidence: max_file_mb ({file}) is larger than max_total_mb ({total}), so one file alone could exceed the submission's limit; lower max_file_mb or raise max_total_mb",
    },
    "rule.number_twice": {
        "id": "nomor skema {number} sudah dipakai oleh {other}; setiap skema perlu nomornya sendiri",
        "en": "scheme number {number} is already used by {other}; each scheme needs its own number",
    },
    # -- the privacy notice (site_src/privacy.yml, swanilai/privacy.py)
    "privacy.missing": {
        "id": "{file} tidak ada: pemberitahuan privasi wajib ada sebelum formulir diterbitkan; salin contohnya dari repositori Swanilai lalu sesuaikan",
        "en": "{file} is missing: the privacy notice must exist before forms are published; copy the example from the Swanilai repository and adapt it",
    },
    "privacy.unreadable": {
        "id": "{file} tidak terbaca ({what}): periksa penulisan YAML-nya",
        "en": "{file} cannot be read ({what}): check its YAML",
    },
    "privacy.required": {
        "id": "{file}: {key} belum diisi; isi sesuai data LSP Anda",
        "en": "{file}: {key} is missing; fill it in with your LSP's details",
    },
    "privacy.retention": {
        "id": "{file}: retention_years {value} harus bilangan bulat tahun dari {min} sampai {max} (lihat aturan BNSP tentang penyimpanan rekaman asesmen)",
        "en": "{file}: retention_years {value} must be a whole number of years from {min} to {max} (see BNSP's rules for keeping assessment records)",
    },
    "privacy.placeholder": {
        "id": "{file}: isian {{{name}}} tidak dikenal; yang boleh dipakai: {allowed}",
        "en": "{file}: unknown placeholder {{{name}}}; allowed: {allowed}",
    },
    # -- words used inside the messages above
    "where.unit_code": {"id": "unit {code}", "en": "unit {code}"},
    "where.evidence": {"id": "evidence (lampiran bukti)", "en": "evidence (files)"},
    "where.unit_no": {"id": "unit ke-{n}", "en": "unit {n}"},
    "where.element": {"id": "elemen {n}", "en": "element {n}"},
    "where.criterion": {"id": "KUK ke-{n}", "en": "criterion {n}"},
    "where.item": {"id": "{field} butir ke-{n}", "en": "{field} item {n}"},
    "where.unit_titled": {"id": "unit ke-{n} ({title})", "en": "unit {n} ({title})"},
    "where.unit_on_line": {"id": "unit ke-{n} ({title}) di baris {line}", "en": "unit {n} ({title}) on line {line}"},
    "word.the_scheme": {"id": "skema", "en": "the scheme"},
    "word.a_list": {"id": "daftar", "en": "a list"},
    "word.a_single_value": {"id": "satu nilai ({value})", "en": "a single value ({value})"},
    "type.string": {"id": "teks", "en": "text"},
    "type.integer": {"id": "bilangan bulat", "en": "a whole number"},
    "type.number": {"id": "angka", "en": "a number"},
    "type.array": {"id": "daftar", "en": "a list"},
    "type.object": {"id": "kumpulan kunci", "en": "a mapping of keys"},
    "type.boolean": {"id": "true atau false", "en": "true or false"},
    "type.null": {"id": "kosong", "en": "empty"},
    "type.date": {"id": "tanggal", "en": "a date"},
    # -- what build.py prints around the problems
    "label.warning": {"id": "peringatan: ", "en": "warning: "},
    "summary.passed": {
        "id": "pemeriksaan lulus: {ok} skema siap, {errors} kesalahan, {warnings} peringatan",
        "en": "check passed: {ok} scheme(s) ok, {errors} error(s), {warnings} warning(s)",
    },
    "summary.failed": {
        "id": "pemeriksaan gagal: {ok} skema siap, {errors} kesalahan, {warnings} peringatan",
        "en": "check failed: {ok} scheme(s) ok, {errors} error(s), {warnings} warning(s)",
    },
    "build.refused": {
        "id": "{errors} kesalahan di {dir}; perbaiki dulu, lalu jalankan build lagi",
        "en": "{errors} error(s) in {dir}; fix them and build again",
    },
}


@dataclass(frozen=True)
class Phrase:
    """A message not yet put into words: a catalogue key and its values (picklable, comparable)."""

    key: str
    args: tuple[tuple[str, Any], ...] = ()

    def render(self, lang: str = DEFAULT_LANG) -> str:
        return MESSAGES[self.key][lang].format(**{name: _render(value, lang) for name, value in self.args})


def phrase(key: str, /, **args: Any) -> Phrase:
    if key not in MESSAGES:
        raise KeyError(f"no message {key!r} in the catalogue")
    return Phrase(key, tuple(args.items()))


@dataclass(frozen=True)
class Count:
    """A large number, grouped as each language writes it: 1,048,576 or 1.048.576."""

    value: int


@dataclass(frozen=True)
class Where:
    """A place in the scheme (unit, element, criterion) as a message prefix: 'unit X, element 2: '."""

    parts: tuple[Phrase, ...]


@dataclass(frozen=True)
class Subject:
    """What a message is about: a place and a key ("unit X, element 2: 'title'"), or the scheme."""

    where: tuple[Phrase, ...]
    name: Any = None  # a quoted key, or a phrase such as "'instructions' item 2"


@dataclass(frozen=True)
class Listing:
    """Several phrases or values, joined with commas."""

    items: tuple[Any, ...]


def _render(value: Any, lang: str) -> str:
    if isinstance(value, Phrase):
        return value.render(lang)
    if isinstance(value, Where):
        return "".join(", ".join(part.render(lang) for part in value.parts) + ": " if value.parts else "")
    if isinstance(value, Subject):
        place = ", ".join(part.render(lang) for part in value.where)
        name = _render(value.name, lang) if value.name is not None else ""
        if place and name:
            return f"{place}: {name}"
        return place or name or MESSAGES["word.the_scheme"][lang]
    if isinstance(value, Listing):
        return ", ".join(_render(item, lang) for item in value.items)
    if isinstance(value, Count):
        grouped = f"{value.value:,}"
        return grouped.replace(",", ".") if lang == "id" else grouped
    return str(value)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogue_problems(messages: dict[str, dict[str, str]] = MESSAGES) -> Iterable[str]:
    """What is wrong with the catalogue itself: a language missing, or placeholders that differ."""
    for key, texts in messages.items():
        if set(texts) != set(LANGS):
            yield f"{key}: languages {sorted(texts)}, expected {sorted(LANGS)}"
        elif len({frozenset(placeholders(text)) for text in texts.values()}) != 1:
            yield f"{key}: placeholders differ between languages"
