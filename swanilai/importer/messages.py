"""Every message the importer prints, in Bahasa Indonesia (for LSP staff, the default) and English.

One table: the report, the comments in the YAML draft and the one-line errors all read it, and a
test keeps both languages in step. A `Note` is an assumption made while reading the document; an
`ImportRefused` stops the import, with the reason and what to do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

LANGS = ("id", "en")

# code: (Bahasa Indonesia, English). Placeholders are filled from the note's or error's parameters.
MESSAGES: dict[str, tuple[str, str]] = {
    # -- documents the importer refuses (one line each, with what to do)
    "missing": (
        "{file} tidak ditemukan; periksa nama dan foldernya",
        "{file} does not exist; check its name and folder",
    ),
    "empty": (
        "{file} kosong (0 byte); simpan ulang dokumen FR.APL.02 dari Word, lalu impor lagi",
        "{file} is empty (0 bytes); save the FR.APL.02 document again from Word and import it again",
    ),
    "too_large": (
        "{file} berukuran {size}, melebihi batas {limit}; hapus gambar yang tidak perlu, atau impor versi .docx-nya",
        "{file} is {size}, over the limit of {limit}; remove unneeded pictures, or import its .docx version",
    ),
    "unknown_type": (
        "{file} bukan dokumen .docx, PDF, maupun teks; simpan dokumen FR.APL.02 sebagai .docx dari Word, lalu impor berkas itu",
        "{file} is not a .docx, PDF or text document; save the FR.APL.02 document as .docx from Word and import that",
    ),
    "old_word": (
        "{file} adalah dokumen Word lama (.doc); buka di Word, Simpan Sebagai .docx, lalu impor berkas .docx itu",
        "{file} is an old Word document (.doc); open it in Word, Save As .docx, and import the .docx",
    ),
    "encrypted": (
        "{file} dikunci dengan kata sandi; buka, hapus kata sandinya, simpan, lalu impor lagi",
        "{file} is protected by a password; open it, remove the password, save it and import it again",
    ),
    "scanned": (
        "{file} hanya berisi gambar (hasil pindai), tanpa teks yang bisa dibaca; impor dokumen Word aslinya atau PDF yang disimpan langsung dari Word",
        "{file} holds only images (a scan) and no text to read; import the original Word document or a PDF saved from Word",
    ),
    "corrupt": (
        "{file} rusak atau tidak lengkap ({detail}); buka dan simpan ulang di Word, lalu impor lagi",
        "{file} is damaged or incomplete ({detail}); open it, save it again in Word and import it again",
    ),
    "not_text": (
        "{file} bukan teks UTF-8 atau UTF-16 (byte 0x{byte} di posisi {offset}); simpan sebagai teks UTF-8, atau impor .docx-nya",
        "{file} is not UTF-8 or UTF-16 text (byte 0x{byte} at offset {offset}); save it as UTF-8 text, or import the .docx",
    ),
    "zip_entries": (
        "{file} berisi {count} bagian, melebihi batas {limit} untuk dokumen Word; berkas ditolak",
        "{file} holds {count} parts, over the limit of {limit} for a Word document; refused",
    ),
    "zip_unpacked": (
        "{file} akan mengembang menjadi {size} saat dibuka, melebihi batas {limit}; berkas ditolak (bukan dokumen Word biasa)",
        "{file} would unpack to {size}, over the limit of {limit}; refused (not an ordinary Word document)",
    ),
    "xml_dtd": (
        "{file} memuat deklarasi DTD atau entitas XML di {part}, yang tidak pernah dibuat Word; berkas ditolak demi keamanan. Simpan ulang dari Word",
        "{file} declares an XML DTD or entities in {part}, which Word never writes; refused for safety. Save it again from Word",
    ),
    "too_many_pages": (
        "{file} memiliki {count} halaman, melebihi batas {limit}; impor hanya bagian FR.APL.02-nya",
        "{file} has {count} pages, over the limit of {limit}; import only its FR.APL.02 part",
    ),
    "timeout": (
        "membaca {file} melebihi {seconds} detik dan dihentikan; simpan ulang dari Word sebagai .docx, lalu impor berkas itu",
        "reading {file} took over {seconds} seconds and was stopped; save it again from Word as .docx and import that",
    ),
    "too_complex": (
        "{file} terlalu rumit untuk dibaca (melebihi batas memori); simpan ulang dari Word sebagai .docx, lalu impor berkas itu",
        "{file} is too complex to read (over the memory limit); save it again from Word as .docx and import that",
    ),
    "not_apl02": (
        "{file} tidak tampak seperti formulir FR.APL.02 Asesmen Mandiri (tidak ada {missing}); impor dokumen APL.02 skema, bukan APL.01 atau dokumen lain",
        "{file} does not look like an FR.APL.02 Asesmen Mandiri form (no {missing} found); import the scheme's APL.02 document, not APL.01 or another document",
    ),
    "exists": (
        "{target} sudah ada dan tidak ditimpa; pakai --id NAMA_LAIN, atau --force untuk menggantinya",
        "{target} already exists and was not overwritten; use --id ANOTHER_ID, or --force to replace it",
    ),
    "bad_id": (
        "--id {scheme_id!r} bukan id skema yang sah: pakai huruf kecil, angka dan tanda hubung tunggal, paling banyak 64 karakter (mis. {suggestion})",
        "--id {scheme_id!r} is not a valid scheme id: use lowercase letters, digits and single hyphens, at most 64 characters (e.g. {suggestion})",
    ),
    "no_id": (
        "judul skema tidak ditemukan di {file}, jadi nama berkasnya tidak bisa dibuat; beri nama dengan --id, mis. --id konsultasi-pemasaran",
        "no scheme title found in {file}, so no file name can be made from it; name it with --id, e.g. --id marketing-consulting",
    ),
    "no_scheme_dir": (
        "folder skema {folder} tidak ada; jalankan perintah dari folder repositori Swanilai atau beri --schemes",
        "scheme folder {folder} does not exist; run the command from the Swanilai repository or give --schemes",
    ),
    # -- notes: what was found and what was assumed
    "kind_none": (
        "jenis skema tidak dicentang di “{found}”; kind dibiarkan kosong (halaman menampilkan KKNI/Okupasi/Klaster). Tambahkan kind: jika dokumen menyebutnya",
        "no scheme kind is ticked in “{found}”; kind left out (the page shows KKNI/Okupasi/Klaster). Add kind: if the document says which",
    ),
    "kind_struck": (
        "jenis skema dibaca sebagai {kind} karena jenis lain dicoret di “{found}”",
        "scheme kind read as {kind} because the others are struck through in “{found}”",
    ),
    "kind_unclear": (
        "jenis skema tidak jelas di “{found}” (lebih dari satu dicentang); kind dibiarkan kosong",
        "scheme kind is unclear in “{found}” (more than one ticked); kind left out",
    ),
    "title_missing": (
        "judul skema (Judul) tidak ditemukan; isi title: dari dokumen",
        "no scheme title (Judul) found; fill in title: from the document",
    ),
    "number_missing": (
        "nomor skema (Nomor) tidak ditemukan; isi number: dari dokumen",
        "no scheme number (Nomor) found; fill in number: from the document",
    ),
    "lsp_from_number": (
        "nama LSP tidak tertulis tersendiri; diambil dari nomor skema: “{lsp}”",
        "the LSP is not named on its own; taken from the scheme number: “{lsp}”",
    ),
    "lsp_missing": (
        "nama LSP tidak ditemukan; isi lsp: dengan nama LSP Anda",
        "no LSP name found; fill in lsp: with your LSP's name",
    ),
    "instructions_missing": (
        "Panduan Asesmen Mandiri (Instruksi) tidak ditemukan; isi instructions: dari dokumen",
        "no instructions (Panduan Asesmen Mandiri) found; fill in instructions: from the document",
    ),
    "unit_numbered": (
        "unit tertulis “Unit Kompetensi: {found}” tetapi unit ke-{position} di dokumen; urutan dokumen dipakai",
        "unit labelled “Unit Kompetensi: {found}” is unit {position} in the document; the document's order is kept",
    ),
    "unit_header_split": (
        "kepala unit {position} terpecah di {rows} baris tabel; digabung menjadi satu",
        "the header of unit {position} is split over {rows} table rows; joined into one",
    ),
    "unit_label": (
        "label “{found}” dibaca sebagai “Judul Unit”",
        "label “{found}” read as “Judul Unit”",
    ),
    "unit_no_code": (
        "unit {position} tidak punya Kode Unit; code dibiarkan kosong (kode tidak pernah dikarang). Tambahkan code: jika LSP punya kodenya",
        "unit {position} has no Kode Unit; code left out (a code is never invented). Add code: if the LSP has it",
    ),
    "unit_untitled_label": (
        "unit {position}: teks tanpa label “Judul Unit:” dipakai sebagai judul: “{title}”",
        "unit {position}: text without a “Judul Unit:” label used as its title: “{title}”",
    ),
    "unit_no_title": (
        "unit {position} tidak punya judul; isi title: dari dokumen",
        "unit {position} has no title; fill in title: from the document",
    ),
    "unit_code_repaired": (
        "Kode Unit tertulis “{found}”; dibaca sebagai {code}",
        "Kode Unit written “{found}”; read as {code}",
    ),
    "unit_code_invalid": (
        "Kode Unit “{found}” bukan kode SKKNI (mis. M.70MKT00.019.2); code dibiarkan kosong: perbaiki dan tambahkan code:",
        "Kode Unit “{found}” is not an SKKNI code (e.g. M.70MKT00.019.2); code left out: correct it and add code:",
    ),
    "unit_no_elements": (
        "unit {position} tidak punya elemen yang terbaca; salin elemennya dari dokumen",
        "no element could be read in unit {position}; copy its elements from the document",
    ),
    "element_numbered": (
        "elemen tertulis bernomor {found}, tetapi elemen ke-{position} di unit ini; ditulis sebagai {position}",
        "element numbered {found} is element {position} of this unit; written as {position}",
    ),
    "element_title_joined": (
        "judul elemen {position} berlanjut di halaman berikutnya; digabung: “…{before} {after}…”",
        "the title of element {position} continues on the next page; joined: “…{before} {after}…”",
    ),
    "element_no_title": (
        "elemen {position} tidak punya judul; isi title: dari dokumen",
        "element {position} has no title; fill in title: from the document",
    ),
    "element_no_criteria": (
        "elemen {position} tidak punya KUK yang terbaca; salin KUK-nya dari dokumen",
        "no KUK could be read in element {position}; copy its KUK from the document",
    ),
    "criteria_unnumbered": (
        "KUK elemen {position} tidak bernomor; tiap paragraf dibaca sebagai satu KUK dan diberi nomor urut",
        "the KUK of element {position} are not numbered; each paragraph read as one KUK and numbered in order",
    ),
    "text_ignored": (
        "teks “{text}” tidak termasuk elemen atau KUK mana pun dan diabaikan",
        "text “{text}” belongs to no element or KUK and was left out",
    ),
    "kuk_trailing_dot": (
        "nomor KUK “{found}” dibaca sebagai “{number}”",
        "KUK number “{found}” read as “{number}”",
    ),
    "kuk_renumbered": (
        "nomor KUK “{found}” ditulis sebagai “{number}” (urutan di dokumen)",
        "KUK number “{found}” written as “{number}” (its place in the document)",
    ),
    "kuk_gap": (
        "KUK {missing} tidak ada di dokumen; KUK sesudahnya bernomor {found} dan ditulis sebagai {number}",
        "KUK {missing} is not in the document; the next one is numbered {found} and written as {number}",
    ),
    "kuk_joined": (
        "KUK {number} berlanjut di baris tabel berikutnya (pindah halaman); digabung: “…{before} {after}…”",
        "KUK {number} continues in the next table row (a page break); joined: “…{before} {after}…”",
    ),
    "kuk_hyphen_joined": (
        "KUK {number} terpotong tanda hubung di akhir baris tabel; digabung tanpa spasi: “…{joined}…”",
        "KUK {number} breaks at a hyphen at the end of a table row; joined without a space: “…{joined}…”",
    ),
    "kuk_lowercase": (
        "KUK {number} diawali huruf kecil (“{start}”); pastikan ini memang KUK baru, bukan lanjutan KUK sebelumnya",
        "KUK {number} starts in lowercase (“{start}”); make sure it is a KUK of its own, not the rest of the one before",
    ),
    "struck_kept": (
        "teks bercoret “{text}” tetap disalin; hapus jika memang tidak berlaku",
        "struck-through text “{text}” was kept; remove it if it no longer applies",
    ),
    "pages_without_text": (
        "halaman {pages} tidak berisi teks (gambar?); isinya tidak terbaca",
        "page(s) {pages} hold no text (images?); their content could not be read",
    ),
    # -- the report
    "report_written": (
        "{target} ditulis: {units} unit, {elements} elemen, {criteria} KUK (dari {file})",
        "{target} written: {units} units, {elements} elements, {criteria} KUK (from {file})",
    ),
    "report_notes": (
        "Periksa {count} hal berikut (juga ditandai “# PERIKSA” di berkasnya):",
        "Check these {count} points (also marked “# CHECK” in the file):",
    ),
    "report_clean": (
        "Tidak ada yang perlu diperiksa secara khusus; tetap bandingkan dengan dokumen aslinya.",
        "Nothing in particular to check; still compare it with the original document.",
    ),
    "report_check_errors": (
        "`build.py check` menemukan {count} kesalahan yang harus diperbaiki sebelum terbit:",
        "`build.py check` found {count} error(s) to fix before publishing:",
    ),
    "number_taken": (
        "{target}: nomor skema “{number}” sudah dipakai oleh {other}; tiap skema perlu nomornya sendiri",
        "{target}: scheme number “{number}” is already used by {other}; each scheme needs its own number",
    ),
    "report_next": (
        "Lalu: python3 build.py check, dan python3 build.py serve untuk melihat halamannya.",
        "Then: python3 build.py check, and python3 build.py serve to see the page.",
    ),
    "comment_mark": ("PERIKSA", "CHECK"),
    "comment_header": (
        "Diimpor oleh `build.py import` dari {file}. Periksa setiap baris bertanda PERIKSA, lalu jalankan `python3 build.py check`.",
        "Imported by `build.py import` from {file}. Check every line marked CHECK, then run `python3 build.py check`.",
    ),
    # -- places in the document
    "place_page": ("halaman {page}", "page {page}"),
    "place_table_row": ("tabel {table}, baris {row}", "table {table}, row {row}"),
    "place_paragraph": ("paragraf {paragraph}", "paragraph {paragraph}"),
    "place_text_line": ("baris teks {row}", "text line {row}"),
    "error_prefix": ("gagal", "error"),
}


def megabytes(size: int) -> str:
    """A size as LSP staff read it: whole megabytes, rounded up, so a file over a limit never shows equal to it."""
    return f"{math.ceil(size / (1024 * 1024))} MB"


def say(code: str, lang: str = "id", **params: Any) -> str:
    """The message `code` in `lang`, its placeholders filled."""
    return MESSAGES[code][LANGS.index(lang)].format(**params)


class ImportRefused(Exception):
    """The import cannot go on (the document is unreadable, the target exists ...): `code` names
    the reason in MESSAGES, `params` fill it; the message says what to do."""

    def __init__(self, code: str, params: dict[str, Any] | None = None) -> None:
        super().__init__(code, params or {})
        self.code = code
        self.params = params or {}

    def message(self, file: str, lang: str = "id") -> str:
        return say(self.code, lang, file=file, **self.params)


@dataclass(frozen=True)
class Place:
    """Where a row is in the document: a line of a text file, or page / table / row / paragraph."""

    line: int | None = None
    page: int | None = None
    table: int | None = None
    row: int | None = None
    paragraph: int | None = None

    def describe(self, file: str, lang: str = "id") -> str:
        if self.line is not None:
            return f"{file}:{self.line}"
        parts = []
        if self.page is not None:
            parts.append(say("place_page", lang, page=self.page))
        if self.table is not None:
            parts.append(say("place_table_row", lang, table=self.table, row=self.row))
        elif self.paragraph is not None:
            parts.append(say("place_paragraph", lang, paragraph=self.paragraph))
        elif self.row is not None:
            parts.append(say("place_text_line", lang, row=self.row))
        return f"{file}: {', '.join(parts)}" if parts else file


@dataclass(frozen=True)
class Note:
    """One assumption made while reading: what was found, what was written, and where.

    `target` is the place in the scheme the note is about (("units", 8), ("kind",) ...), so the
    YAML draft can carry the note as a comment right there.
    """

    code: str
    place: Place
    target: tuple = ()
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, lang: str = "id") -> str:
        return say(self.code, lang, **self.params)
