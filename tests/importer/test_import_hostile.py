"""Files the importer must refuse, each with one clear line and nothing written: bombs, entities,
encryption, scans, damage, and documents that are not an FR.APL.02."""

from __future__ import annotations

import io
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from swanilai.importer.isolation import run_isolated
from swanilai.importer.messages import ImportRefused
from swanilai.importer.report import import_command
from swanilai.importer.specimen import convert_to_pdf

SECRET = "RAHASIA-XXE-7f3a"


# -- hostile documents, each made the way an attacker or a broken tool would make it


def zip_bomb(path: Path, docx: Path) -> Path:
    """A real .docx with one more part: 300 MB of zeros, 300 KB deflated."""
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item.filename, source.read(item.filename))
        with bomb.open("word/media/padding.bin", "w") as padding:
            block = b"\0" * (1024 * 1024)
            for _ in range(300):
                padding.write(block)
    return path


def lying_zip_bomb(path: Path, docx: Path) -> Path:
    """A .docx whose document.xml says it is 1 KB and inflates to 50 MB: zipfile stops at 1 KB."""
    with zipfile.ZipFile(docx) as source:
        parts = {item.filename: source.read(item.filename) for item in source.infolist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for name, data in parts.items():
            bomb.writestr(name, data if name != "word/document.xml" else data + b" " * (50 * 1024 * 1024))
    raw = bytearray(buffer.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as check:
        info = check.getinfo("word/document.xml")
    real = info.file_size.to_bytes(4, "little")
    fake = (1024).to_bytes(4, "little")
    raw = raw.replace(real, fake)  # both headers: local and central directory
    path.write_bytes(bytes(raw))
    return path


def many_entries(path: Path, docx: Path) -> Path:
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(path, "w") as bomb:
        for item in source.infolist():
            bomb.writestr(item.filename, source.read(item.filename))
        for n in range(1200):
            bomb.writestr(f"customXml/item{n}.bin", b"x")
    return path


def with_part(path: Path, docx: Path, part: str, transform) -> Path:
    with zipfile.ZipFile(docx) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            out.writestr(item.filename, transform(data) if item.filename == part else data)
    return path


def xxe(secret_file: Path):
    """document.xml with an external entity that would paste a local file into the first paragraph."""

    def transform(data: bytes) -> bytes:
        declaration, rest = data.split(b"?>", 1)
        doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_file}">]>'.encode()
        return declaration + b"?>" + doctype + rest.replace(b"FR.APL.02. ASESMEN MANDIRI", b"&xxe;", 1)

    return transform


def billion_laughs(data: bytes) -> bytes:
    declaration, rest = data.split(b"?>", 1)
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{i} "&a{i - 1};&a{i - 1};&a{i - 1};&a{i - 1};">' for i in range(1, 12)
    )
    return declaration + b"?>" + f"<!DOCTYPE w:styles [{entities}]>".encode() + rest


def image_only_pdf(path: Path, pages: int = 1) -> Path:
    """Pages each holding one grey image and no text at all: a scanned form."""
    pixels = zlib.compress(bytes([128]) * 64 * 64)
    kids = " ".join(f"{6 + n} 0 R" for n in range(pages - 1))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [3 0 R {kids}] /Count {pages} >>".encode(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream",
    ]
    content = b"q 500 0 0 700 40 70 cm /Im1 Do Q"
    objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objects += [objects[2]] * (pages - 1)  # the same page again
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def encrypted_docx(path: Path, docx: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with docx.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("rahasia", out)
    return path


NOT_APL02 = "Notulen rapat pengurus LSP\n\nHadir: 5 orang\nAgenda: jadwal asesmen bulan depan\n"
APL01 = (
    "FR.APL.01. PERMOHONAN SERTIFIKASI KOMPETENSI\nNama lengkap:\t\nTujuan Asesmen:\tSertifikasi\n"
    "Daftar Unit Kompetensi sesuai kemasan:\nUnit Kompetensi 1\tM.70MKT00.019.2\tMengelola Momen Kebenaran\n"
    "Unit Kompetensi 2\tM.70MKT00.020.2\tMenangani Keluhan Pelanggan\n"
)


def sparse(path: Path, head: bytes, size: int) -> Path:
    """A file of `size` bytes that starts with `head` (sparse: costs no disk)."""
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


def build_apl01(path: Path, _docx: Path) -> Path:
    path.write_text(APL01, encoding="utf-8")
    return path


# name: (how to make it from a real seed .docx, the one line the LSP sees ({file} is its path))
HOSTILE = {
    "zero_bytes": (
        lambda p, d: sparse(p.with_suffix(".docx"), b"", 0),
        "gagal: {file} kosong (0 byte); simpan ulang dokumen FR.APL.02 dari Word, lalu impor lagi",
    ),
    "zip_bomb_disguised_as_docx": (
        lambda p, d: zip_bomb(p.with_suffix(".docx"), d),
        "gagal: {file} akan mengembang menjadi 301 MB saat dibuka, melebihi batas 100 MB; berkas ditolak (bukan dokumen Word biasa)",
    ),
    "zip_bomb_lying_about_its_size": (
        lambda p, d: lying_zip_bomb(p.with_suffix(".docx"), d),
        "gagal: {file} rusak atau tidak lengkap (word/document.xml: Bad CRC-32 for file 'word/document.xml'); buka dan simpan ulang di Word, lalu impor lagi",
    ),
    "zip_with_1200_parts": (
        lambda p, d: many_entries(p.with_suffix(".docx"), d),
        "gagal: {file} berisi 1217 bagian, melebihi batas 1000 untuk dokumen Word; berkas ditolak",
    ),
    "docx_with_external_entity": (
        lambda p, d: with_part(p.with_suffix(".docx"), d, "word/document.xml", xxe(p.parent / "secret.txt")),
        "gagal: {file} memuat deklarasi DTD atau entitas XML di word/document.xml, yang tidak pernah dibuat Word; berkas ditolak demi keamanan. Simpan ulang dari Word",
    ),
    "docx_with_billion_laughs": (
        lambda p, d: with_part(p.with_suffix(".docx"), d, "word/styles.xml", billion_laughs),
        "gagal: {file} memuat deklarasi DTD atau entitas XML di word/styles.xml, yang tidak pernah dibuat Word; berkas ditolak demi keamanan. Simpan ulang dari Word",
    ),
    "encrypted_docx": (
        lambda p, d: encrypted_docx(p.with_suffix(".docx"), d),
        "gagal: {file} dikunci dengan kata sandi; buka, hapus kata sandinya, simpan, lalu impor lagi",
    ),
    "old_word_doc": (
        lambda p, d: sparse(p.with_suffix(".doc"), bytes.fromhex("d0cf11e0a1b11ae1") + b"W\0o\0r\0d\0", 4096),
        "gagal: {file} adalah dokumen Word lama (.doc); buka di Word, Simpan Sebagai .docx, lalu impor berkas .docx itu",
    ),
    "truncated_docx": (
        lambda p, d: sparse(
            p.with_suffix(".docx"), d.read_bytes()[: len(d.read_bytes()) // 2], len(d.read_bytes()) // 2
        ),
        "gagal: {file} rusak atau tidak lengkap (zip: File is not a zip file); buka dan simpan ulang di Word, lalu impor lagi",
    ),
    "spreadsheet_named_docx": (
        lambda p, d: _spreadsheet(p.with_suffix(".docx")),
        "gagal: {file} bukan dokumen .docx, PDF, maupun teks; simpan dokumen FR.APL.02 sebagai .docx dari Word, lalu impor berkas itu",
    ),
    "pdf_with_no_text": (
        lambda p, d: image_only_pdf(p.with_suffix(".pdf")),
        "gagal: {file} hanya berisi gambar (hasil pindai), tanpa teks yang bisa dibaca; impor dokumen Word aslinya atau PDF yang disimpan langsung dari Word",
    ),
    "pdf_with_150_pages": (
        lambda p, d: image_only_pdf(p.with_suffix(".pdf"), pages=150),
        "gagal: {file} memiliki 150 halaman, melebihi batas 100; impor hanya bagian FR.APL.02-nya",
    ),
    "damaged_pdf": (
        lambda p, d: sparse(p.with_suffix(".pdf"), b"%PDF-1.7\n1 0 obj <<>> endobj\n", 64),
        "gagal: {file} rusak atau tidak lengkap (Failed to load document (PDFium: Data format error).); buka dan simpan ulang di Word, lalu impor lagi",
    ),
    "pdf_over_20_mb": (
        lambda p, d: sparse(p.with_suffix(".pdf"), b"%PDF-1.7\n", 21 * 1024 * 1024),
        "gagal: {file} berukuran 21 MB, melebihi batas 20 MB (PDF); hapus gambar yang tidak perlu, atau impor versi .docx-nya",
    ),
    "photo_of_the_form": (
        lambda p, d: sparse(p.with_suffix(".jpg"), b"\xff\xd8\xff\xe0\x00\x10JFIF", 2048),
        "gagal: {file} hanya berisi gambar (hasil pindai), tanpa teks yang bisa dibaca; impor dokumen Word aslinya atau PDF yang disimpan langsung dari Word",
    ),
    "text_that_is_not_an_apl02": (
        lambda p, d: _text(p.with_suffix(".txt"), NOT_APL02),
        "gagal: {file} tidak tampak seperti formulir FR.APL.02 Asesmen Mandiri (tidak ada “Unit Kompetensi”); impor dokumen APL.02 skema, bukan APL.01 atau dokumen lain",
    ),
    "apl01_with_units_but_no_elements": (
        lambda p, d: _text(p.with_suffix(".txt"), APL01),
        "gagal: {file} tidak tampak seperti formulir FR.APL.02 Asesmen Mandiri (tidak ada “Elemen” / “Kriteria Unjuk Kerja”); impor dokumen APL.02 skema, bukan APL.01 atau dokumen lain",
    ),
    "text_in_windows_1252": (
        lambda p, d: _text(p.with_suffix(".txt"), "Unit Kompetensi: 1 \u2013 caf\u00e9", "cp1252"),
        "gagal: {file} bukan teks UTF-8 atau UTF-16 (byte 0x96 di posisi 19); simpan sebagai teks UTF-8, atau impor .docx-nya",
    ),
    "missing_file": (
        lambda p, d: p.with_suffix(".docx"),
        "gagal: {file} tidak ditemukan; periksa nama dan foldernya",
    ),
}


def _text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _spreadsheet(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as book:
        book.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        book.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return path


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_or_wrong_file_is_refused_in_one_line_and_nothing_is_written(tmp_path, documents, schemes, name):
    make, expected = HOSTILE[name]
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    path = make(tmp_path / "input", documents / "seed-cell.docx")
    out, err = io.StringIO(), io.StringIO()
    started = time.monotonic()
    assert import_command(path, schemes, scheme_id="hostile", out=out, err=err) == 1
    assert err.getvalue() == expected.format(file=path) + "\n"
    assert out.getvalue() == ""
    assert list(schemes.iterdir()) == []
    assert time.monotonic() - started < 30


def test_a_refusal_can_be_read_in_english(tmp_path, schemes):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    err = io.StringIO()
    assert import_command(path, schemes, lang="en", out=io.StringIO(), err=err) == 1
    assert (
        err.getvalue()
        == f"error: {path} is empty (0 bytes); save the FR.APL.02 document again from Word and import it again\n"
    )


def test_encrypted_pdf_is_refused(tmp_path, documents, schemes):
    [pdf] = convert_to_pdf([documents / "seed-cell.docx"], tmp_path / "locked", password="rahasia")
    err = io.StringIO()
    assert import_command(pdf, schemes, out=io.StringIO(), err=err) == 1
    assert (
        err.getvalue()
        == f"gagal: {pdf} dikunci dengan kata sandi; buka, hapus kata sandinya, simpan, lalu impor lagi\n"
    )


def test_python_docx_itself_does_not_resolve_external_entities(tmp_path, documents):
    # Behind the DTD refusal, the parser python-docx uses must not paste a local file either.
    import docx

    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    path = with_part(
        tmp_path / "xxe.docx", documents / "seed-cell.docx", "word/document.xml", xxe(tmp_path / "secret.txt")
    )
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert SECRET not in text
    assert "ASESMEN MANDIRI" not in text.splitlines()[0]  # the entity stood there, and stays unexpanded


def test_a_reader_that_runs_too_long_is_stopped():
    started = time.monotonic()
    with pytest.raises(ImportRefused) as refused:
        run_isolated(_sleep, b"", seconds=1)
    assert refused.value.message("lambat.pdf") == (
        "membaca lambat.pdf melebihi 1 detik dan dihentikan; simpan ulang dari Word sebagai .docx, lalu impor berkas itu"
    )
    assert time.monotonic() - started < 10


def test_a_reader_that_eats_memory_is_stopped():
    with pytest.raises(ImportRefused) as refused:
        run_isolated(_hog, b"", seconds=60, memory=256 * 1024 * 1024)
    assert refused.value.code == "too_complex"


def _sleep(raw: bytes):
    time.sleep(30)


def _hog(raw: bytes):
    blocks = []
    while True:
        blocks.append(bytearray(64 * 1024 * 1024))
