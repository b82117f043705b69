"""Validation: one table of bad submissions, each with its status and the exact field messages."""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Callable
from typing import Any

import pytest
from support.handler import full_payload, png, png_data_url

from handler import fields
from handler import png as png_module
from handler.submission import validate_submission

E1 = "M.70MKT00.019.2/1"  # K with evidence in full_payload
E3 = "M.70MKT00.019.2/3"  # BK without evidence in full_payload
U9 = "menyusun-pelayanan-yang-khas-berdasarkan-merek-organisasi-branded-service/1"  # a unit with no code
RELOAD = "Muat ulang halaman, lalu kirim kembali."
UNKNOWN = "Kolom ini tidak dikenal formulir. " + RELOAD
REPEATED = "Kolom ini terkirim lebih dari sekali. " + RELOAD
NAME_OF_E1 = "Unit 1, elemen 1"
BAD_ID = (
    "Nomor pengiriman tidak valid. Muat ulang halaman, lalu kirim kembali; jawaban Anda tetap tersimpan "
    "di perangkat ini."
)
CLEAR_PAD = "Tekan “Hapus tanda tangan”, lalu tanda tangani lagi"
SIGNATURE_REQUIRED = (
    "Tanda Tangan Asesi wajib diisi: tanda tangani kotak tanda tangan, atau ketik nama Anda sebagai tanda tangan."
)
SIGNATURE_UNREADABLE = f"Gambar Tanda Tangan Asesi tidak terbaca. {CLEAR_PAD}."
DECLARATION = (
    "Pernyataan wajib dicentang: nyatakan bahwa jawaban dan bukti yang Anda isi benar dan dapat Anda "
    "pertanggungjawabkan."
)
EMAIL = "Email tidak valid: tuliskan alamat seperti nama@contoh.co.id, atau kosongkan kolom ini."
PHONE = (
    "Nomor telepon tidak valid: tuliskan nomor seperti 0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini."
)
NAME_REQUIRED = "Nama Asesi wajib diisi: tuliskan nama lengkap Anda."
EVIDENCE_REQUIRED = (
    f"{NAME_OF_E1}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, sertifikat, "
    "atau laporan kerja beserta tahunnya, atau lampirkan berkas buktinya."
)


def hidden(label: str, code: str, position: int) -> str:
    """The message for a character a field refuses."""
    return (
        f"{label} memuat karakter tersembunyi yang tidak dapat diterima ({code}, karakter ke-{position}). "
        "Hapus karakter itu, misalnya dengan mengetik ulang bagian tersebut tanpa salin-tempel."
    )


def one_line(label: str) -> str:
    return f"{label} hanya boleh berisi satu baris teks, tanpa baris baru atau tab."


def setting(path: str, value: Any) -> Callable[[dict], None]:
    """A mutation setting a dotted path (answers' element keys go in brackets) of a payload."""

    def mutate(payload: dict) -> None:
        target, parts = payload, _parts(path)
        for part in parts[:-1]:
            target = target[part]
        target[parts[-1]] = value

    return mutate


def removing(path: str) -> Callable[[dict], None]:
    def mutate(payload: dict) -> None:
        target, parts = payload, _parts(path)
        for part in parts[:-1]:
            target = target[part]
        del target[parts[-1]]

    return mutate


def _parts(path: str) -> list[str]:
    if path.startswith("answers["):
        key, _, rest = path[len("answers[") :].partition("]")
        return ["answers", key, *[p for p in rest.split(".") if p]]
    return path.split(".")


def both(*mutations: Callable[[dict], None]) -> Callable[[dict], None]:
    def mutate(payload: dict) -> None:
        for mutation in mutations:
            mutation(payload)

    return mutate


E1_EVIDENCE = fields.evidence_field(E1)
EVIDENCE_OF_E1 = f"{NAME_OF_E1}: Bukti yang relevan"

INVALID = [
    # -- answers
    ("unanswered_element", removing(f"answers[{E1}]"), {fields.verdict_field(E1): f"{NAME_OF_E1}: pilih K atau BK."}),
    (
        "unanswered_element_of_unit_without_code",
        removing(f"answers[{U9}]"),
        {fields.verdict_field(U9): "Unit 9, elemen 1: pilih K atau BK."},
    ),
    (
        "verdict_null",
        setting(f"answers[{E1}].verdict", None),
        {fields.verdict_field(E1): f"{NAME_OF_E1}: pilih K atau BK."},
    ),
    (
        "verdict_not_k_or_bk",
        setting(f"answers[{E1}].verdict", "Ya"),
        {fields.verdict_field(E1): f"{NAME_OF_E1}: jawaban hanya boleh K atau BK."},
    ),
    (
        "verdict_lower_case",
        setting(f"answers[{E1}].verdict", "k"),
        {fields.verdict_field(E1): f"{NAME_OF_E1}: jawaban hanya boleh K atau BK."},
    ),
    (
        "verdict_a_list",
        setting(f"answers[{E1}].verdict", ["K"]),
        {fields.verdict_field(E1): f"{NAME_OF_E1}: jawaban hanya boleh K atau BK."},
    ),
    (
        "answer_a_list",
        setting(f"answers[{E1}]", ["K", "bukti"]),
        {fields.verdict_field(E1): f"{NAME_OF_E1}: jawaban tidak terbaca; pilih K atau BK kembali."},
    ),
    ("k_without_evidence", removing(f"answers[{E1}].evidence"), {E1_EVIDENCE: EVIDENCE_REQUIRED}),
    ("k_with_blank_evidence", setting(f"answers[{E1}].evidence", " \n\t "), {E1_EVIDENCE: EVIDENCE_REQUIRED}),
    ("k_with_evidence_of_crlf_only", setting(f"answers[{E1}].evidence", "\r\n\r"), {E1_EVIDENCE: EVIDENCE_REQUIRED}),
    (
        "evidence_over_2000",
        setting(f"answers[{E1}].evidence", "b" * 2001),
        {
            E1_EVIDENCE: f"{EVIDENCE_OF_E1} terlalu panjang: paling banyak 2.000 karakter (sekarang 2.001). "
            "Persingkat isian ini."
        },
    ),
    (
        "evidence_over_2000_counting_crlf_as_one",
        setting(f"answers[{E1}].evidence", "b\r\n" * 1000 + "b"),
        {
            E1_EVIDENCE: f"{EVIDENCE_OF_E1} terlalu panjang: paling banyak 2.000 karakter (sekarang 2.001). "
            "Persingkat isian ini."
        },
    ),
    (
        "bk_evidence_over_2000",
        setting(f"answers[{E3}].evidence", "b" * 2500),
        {
            fields.evidence_field(E3): "Unit 1, elemen 3: Bukti yang relevan terlalu panjang: paling banyak "
            "2.000 karakter (sekarang 2.500). Persingkat isian ini."
        },
    ),
    (
        "evidence_a_number",
        setting(f"answers[{E1}].evidence", 2021),
        {E1_EVIDENCE: f"{EVIDENCE_OF_E1} tidak terbaca; isi kembali dengan teks."},
    ),
    (
        "unknown_element_key",
        setting("answers[M.70MKT00.019.2/9]", {"verdict": "K", "evidence": "x"}),
        {"answers[M.70MKT00.019.2/9]": "Elemen ini tidak ada dalam skema. " + RELOAD},
    ),
    ("unknown_key_in_answer", setting(f"answers[{E1}].catatan", "x"), {f"answers[{E1}].catatan": UNKNOWN}),
    ("answers_a_list", setting("answers", [{"verdict": "K"}]), {"answers": "Jawaban tidak terbaca. " + RELOAD}),
    # -- candidate
    ("name_missing", removing("candidate.name"), {"candidate.name": NAME_REQUIRED}),
    ("name_blank", setting("candidate.name", "   "), {"candidate.name": NAME_REQUIRED}),
    ("name_of_byte_order_marks_only", setting("candidate.name", "\ufeff \ufeff"), {"candidate.name": NAME_REQUIRED}),
    (
        "name_one_character",
        setting("candidate.name", " S "),
        {"candidate.name": "Nama Asesi terlalu pendek: isi paling sedikit 2 karakter."},
    ),
    (
        "name_201_characters",
        setting("candidate.name", "S" * 201),
        {
            "candidate.name": "Nama Asesi terlalu panjang: paling banyak 200 karakter (sekarang 201). Persingkat isian ini."
        },
    ),
    ("name_two_lines", setting("candidate.name", "Siti\nRahma"), {"candidate.name": one_line("Nama Asesi")}),
    ("name_with_a_tab", setting("candidate.name", "Siti\tRahma"), {"candidate.name": one_line("Nama Asesi")}),
    ("name_with_crlf", setting("candidate.name", "Siti\r\nRahma"), {"candidate.name": one_line("Nama Asesi")}),
    (
        "name_with_next_line_u0085",
        setting("candidate.name", "Siti\x85Rahma"),
        {"candidate.name": one_line("Nama Asesi")},
    ),
    (
        "name_with_line_separator",
        setting("candidate.name", "Siti\u2028Rahma"),
        {"candidate.name": one_line("Nama Asesi")},
    ),
    (
        "name_a_number",
        setting("candidate.name", 42),
        {"candidate.name": "Nama Asesi tidak terbaca; isi kembali dengan teks."},
    ),
    ("candidate_missing", removing("candidate"), {"candidate.name": NAME_REQUIRED}),
    ("candidate_a_list", setting("candidate", ["Siti"]), {"candidate": "Data asesi tidak terbaca. " + RELOAD}),
    ("candidate_unknown_key", setting("candidate.nik", "3174..."), {"candidate.nik": UNKNOWN}),
    ("email_without_domain", setting("candidate.email", "siti@"), {"candidate.email": EMAIL}),
    ("email_without_dot", setting("candidate.email", "siti@contoh"), {"candidate.email": EMAIL}),
    ("email_with_space", setting("candidate.email", "siti rahma@contoh.co.id"), {"candidate.email": EMAIL}),
    ("email_with_non_ascii_letter", setting("candidate.email", "sití@contoh.co.id"), {"candidate.email": EMAIL}),
    (
        "email_256_characters",
        setting("candidate.email", "s" * 243 + "@contoh.co.id"),
        {"candidate.email": "Email terlalu panjang: paling banyak 254 karakter (sekarang 256). Persingkat isian ini."},
    ),
    (
        "email_a_list",
        setting("candidate.email", ["siti@contoh.co.id"]),
        {"candidate.email": "Email tidak terbaca; isi kembali dengan teks."},
    ),
    ("phone_with_letters", setting("candidate.phone", "0812-ABC-7890"), {"candidate.phone": PHONE}),
    ("phone_five_digits", setting("candidate.phone", "12345"), {"candidate.phone": PHONE}),
    ("phone_sixteen_digits", setting("candidate.phone", "+62 812 3456 7890 123"), {"candidate.phone": PHONE}),
    ("phone_plus_in_the_middle", setting("candidate.phone", "0812+3456+7890"), {"candidate.phone": PHONE}),
    # Python's \d would take Arabic-Indic digits; the table's [0-9] does not, as in the page.
    (
        "phone_arabic_indic_digits",
        setting("candidate.phone", "\u0660\u0668\u0661\u0662\u0663\u0664\u0665"),
        {"candidate.phone": PHONE},
    ),
    (
        "phone_33_characters",
        setting("candidate.phone", "1" * 33),
        {
            "candidate.phone": "Nomor telepon terlalu panjang: paling banyak 32 karakter (sekarang 33). Persingkat isian ini."
        },
    ),
    # -- declaration, signature, id
    ("declaration_false", setting("declaration", False), {"declaration": DECLARATION}),
    ("declaration_a_string", setting("declaration", "true"), {"declaration": DECLARATION}),
    ("declaration_missing", removing("declaration"), {"declaration": DECLARATION}),
    ("signature_missing", removing("signature"), {"signature": SIGNATURE_REQUIRED}),
    ("signature_blank", setting("signature", "  "), {"signature": SIGNATURE_REQUIRED}),
    (
        "signature_an_object",
        setting("signature", {"kind": "typed", "text": "Siti"}),
        {"signature": f"Tanda Tangan Asesi tidak terbaca. {CLEAR_PAD}."},
    ),
    (
        "typed_signature_one_character",
        setting("signature", "S"),
        {"signature": "Tanda Tangan Asesi terlalu pendek: isi paling sedikit 2 karakter."},
    ),
    (
        "typed_signature_201_characters",
        setting("signature", "S" * 201),
        {
            "signature": "Tanda Tangan Asesi terlalu panjang: paling banyak 200 karakter (sekarang 201). "
            "Persingkat isian ini."
        },
    ),
    (
        "signature_jpeg",
        setting("signature", "data:image/jpeg;base64,/9j/4AAQSkZJRg=="),
        {
            "signature": "Tanda Tangan Asesi harus berupa gambar PNG dari kotak tanda tangan, atau nama yang diketik. "
            f"{CLEAR_PAD}."
        },
    ),
    (
        "signature_bad_base64",
        setting("signature", "data:image/png;base64,iVBOR%%%"),
        {"signature": SIGNATURE_UNREADABLE},
    ),
    (
        "signature_base64_without_padding",
        setting("signature", png_data_url(png()).rstrip("=")[:-1]),
        {"signature": SIGNATURE_UNREADABLE},
    ),
    (
        "signature_not_a_png",
        setting("signature", "data:image/png;base64," + base64.b64encode(b"GIF89a....").decode()),
        {"signature": SIGNATURE_UNREADABLE},
    ),
    (
        "signature_png_over_200_kib",
        setting("signature", png_data_url(png(300, 240, noise=True))),
        {
            "signature": "Gambar Tanda Tangan Asesi terlalu besar (paling besar 200 KB). "
            f"{CLEAR_PAD} dengan lebih sederhana, atau ketik nama Anda sebagai tanda tangan."
        },
    ),
    ("submission_id_not_a_uuid", setting("submission_id", "abc"), {"submission_id": BAD_ID}),
    (
        "submission_id_uuid_version_1",
        setting("submission_id", "0b5f8a47-3c1e-1d2a-9f6b-1e2d3c4b5a69"),
        {"submission_id": BAD_ID},
    ),
    (
        "submission_id_wrong_variant",
        setting("submission_id", "0b5f8a47-3c1e-4d2a-cf6b-1e2d3c4b5a69"),
        {"submission_id": BAD_ID},
    ),
    # `re.match` with `$` took a trailing newline, and the id names the record's key.
    (
        "submission_id_with_trailing_newline",
        setting("submission_id", "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69\n"),
        {"submission_id": BAD_ID},
    ),
    ("submission_id_a_number", setting("submission_id", 12345), {"submission_id": BAD_ID}),
    ("submission_id_missing", removing("submission_id"), {"submission_id": BAD_ID}),
    # -- the shape of the whole
    ("unknown_top_level_key", setting("nik", "3174"), {"nik": UNKNOWN}),
    ("scheme_missing", removing("scheme"), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    ("scheme_id_a_number", setting("scheme.id", 7), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    ("scheme_with_extra_key", setting("scheme.title", "x"), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    (
        "scheme_version_not_hex",
        setting("scheme.version", "v1\ud83d"),
        {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD},
    ),
    (
        "three_problems_at_once",
        both(removing("candidate.name"), setting("declaration", False), removing(f"answers[{E1}]")),
        {
            fields.verdict_field(E1): f"{NAME_OF_E1}: pilih K atau BK.",
            "candidate.name": NAME_REQUIRED,
            "declaration": DECLARATION,
        },
    ),
]

# Characters no stored document can hold (every text field) and those that rewrite a terminal or a
# table (one-line fields): one row per field and class, with the character's code and position.
# The body is sent as ASCII JSON, so a lone surrogate arrives escaped ("\ud83d"), as a browser's
# JSON.stringify sends it.
CHARACTERS = [
    # id, field path, value, field name, message
    ("evidence_bel", f"answers[{E1}].evidence", "Laporan \x07 2024", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+0007", 9)),
    ("evidence_esc", f"answers[{E1}].evidence", "\x1b[2J Laporan", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+001B", 1)),
    ("evidence_nul", f"answers[{E1}].evidence", "Lap\x00oran", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+0000", 4)),
    ("evidence_delete", f"answers[{E1}].evidence", "Lap\x7foran", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+007F", 4)),
    ("evidence_c1_csi", f"answers[{E1}].evidence", "Lap\x9b2Joran", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+009B", 4)),
    ("evidence_ufffe", f"answers[{E1}].evidence", "Laporan\ufffe", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+FFFE", 8)),
    ("evidence_uffff", f"answers[{E1}].evidence", "\uffffLaporan", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+FFFF", 1)),
    ("evidence_ufdd0", f"answers[{E1}].evidence", "La\ufdd0", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+FDD0", 3)),
    ("evidence_u1fffe", f"answers[{E1}].evidence", "😀\U0001fffe", E1_EVIDENCE, hidden(EVIDENCE_OF_E1, "U+1FFFE", 2)),
    (
        "evidence_lone_high_surrogate",
        f"answers[{E1}].evidence",
        "Lap \ud83d",
        E1_EVIDENCE,
        hidden(EVIDENCE_OF_E1, "U+D83D", 5),
    ),
    (
        "evidence_lone_low_surrogate",
        f"answers[{E1}].evidence",
        "\ude00 Lap",
        E1_EVIDENCE,
        hidden(EVIDENCE_OF_E1, "U+DE00", 1),
    ),
    # Positions count in the trimmed text, line breaks as one.
    (
        "evidence_esc_after_crlf",
        f"answers[{E1}].evidence",
        "  a\r\nb\x1b",
        E1_EVIDENCE,
        hidden(EVIDENCE_OF_E1, "U+001B", 4),
    ),
    (
        "bk_evidence_bel",
        f"answers[{E3}].evidence",
        "\x07",
        fields.evidence_field(E3),
        hidden("Unit 1, elemen 3: Bukti yang relevan", "U+0007", 1),
    ),
    ("name_esc", "candidate.name", "Siti\x1b[31m", "candidate.name", hidden("Nama Asesi", "U+001B", 5)),
    ("name_bel", "candidate.name", "Siti\x07", "candidate.name", hidden("Nama Asesi", "U+0007", 5)),
    ("name_c1_csi", "candidate.name", "Siti\x9b31m", "candidate.name", hidden("Nama Asesi", "U+009B", 5)),
    ("name_ufffe", "candidate.name", "Siti \ufffe", "candidate.name", hidden("Nama Asesi", "U+FFFE", 6)),
    ("name_lone_surrogate", "candidate.name", "Siti \ud83d", "candidate.name", hidden("Nama Asesi", "U+D83D", 6)),
    (
        "name_right_to_left_override",
        "candidate.name",
        "Siti \u202eRahma",
        "candidate.name",
        hidden("Nama Asesi", "U+202E", 6),
    ),
    (
        "name_left_to_right_embedding",
        "candidate.name",
        "\u202aSiti",
        "candidate.name",
        hidden("Nama Asesi", "U+202A", 1),
    ),
    ("name_first_strong_isolate", "candidate.name", "Siti\u2068", "candidate.name", hidden("Nama Asesi", "U+2068", 5)),
    (
        "name_pop_directional_isolate",
        "candidate.name",
        "Siti\u2069x",
        "candidate.name",
        hidden("Nama Asesi", "U+2069", 5),
    ),
    ("name_right_to_left_mark", "candidate.name", "Siti\u200f", "candidate.name", hidden("Nama Asesi", "U+200F", 5)),
    ("name_arabic_letter_mark", "candidate.name", "Si\u061cti", "candidate.name", hidden("Nama Asesi", "U+061C", 3)),
    (
        "email_right_to_left_override",
        "candidate.email",
        "siti@\u202eoc.hotnoc",
        "candidate.email",
        hidden("Email", "U+202E", 6),
    ),
    ("phone_esc", "candidate.phone", "0812\x1b3456", "candidate.phone", hidden("Nomor telepon", "U+001B", 5)),
    (
        "phone_left_to_right_override",
        "candidate.phone",
        "\u202d0812 3456 7890",
        "candidate.phone",
        hidden("Nomor telepon", "U+202D", 1),
    ),
    ("typed_signature_bel", "signature", "Siti\x07", "signature", hidden("Tanda Tangan Asesi", "U+0007", 5)),
    ("typed_signature_rlo", "signature", "Siti\u202e", "signature", hidden("Tanda Tangan Asesi", "U+202E", 5)),
    (
        "typed_signature_lone_surrogate",
        "signature",
        "\udfffSiti",
        "signature",
        hidden("Tanda Tangan Asesi", "U+DFFF", 1),
    ),
]


@pytest.mark.parametrize(
    "path, value, field, message", [pytest.param(p, v, f, m, id=i) for i, p, v, f, m in CHARACTERS]
)
def test_a_character_no_document_or_terminal_can_take_is_refused_by_label(api, payload, path, value, field, message):
    setting(path, value)(payload)
    result = api.post(json.dumps(payload))
    assert (result.status, result.json["error"]) == (400, "invalid_submission")
    assert result.fields == {field: message}
    assert result.json["message"] == "1 isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali."
    assert api.keys() == []


@pytest.mark.parametrize("mutate, expected", [pytest.param(m, e, id=i) for i, m, e in INVALID])
def test_invalid_submission_is_rejected_with_exact_field_messages(api, payload, mutate, expected):
    mutate(payload)
    result = api.post(json.dumps(payload))
    assert (result.status, result.json["error"], result.json["retryable"]) == (400, "invalid_submission", False)
    assert result.fields == expected
    count = len(expected)
    assert result.json["message"] == (
        f"{count} isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali."
    )
    assert api.keys() == []


def test_every_unanswered_element_is_named_in_page_order(api, payload, seed):
    payload["answers"] = {}
    result = api.post(payload)
    assert result.status == 400
    assert list(result.fields) == [fields.verdict_field(key) for key in seed.element_keys()]
    assert len(result.fields) == 38


def test_an_element_answered_twice_is_rejected(api, payload):
    # JSON can only answer an element twice by repeating its key; Python's json keeps the last silently.
    body = json.dumps(payload, ensure_ascii=False)
    again = json.dumps({E1: {"verdict": "BK", "evidence": ""}})[1:-1]
    body = body.replace('"answers": {', '"answers": {' + again + ", ", 1)
    result = api.post(body)
    assert result.status == 400
    assert result.fields == {fields.verdict_field(E1): f"{NAME_OF_E1}: jawaban terkirim lebih dari sekali. {RELOAD}"}


def test_a_field_sent_twice_is_rejected(api, payload):
    body = json.dumps(payload, ensure_ascii=False).replace(
        '"declaration": true', '"declaration": true, "declaration": true'
    )
    result = api.post(body)
    assert result.status == 400
    assert result.fields == {"declaration": "Kolom ini terkirim lebih dari sekali. " + RELOAD}


def test_unknown_names_reported_share_one_bound(api, payload):
    for n in range(500):
        payload["answers"][f"X.{n}/1"] = {"verdict": "K", "evidence": "x"}
    payload["k" * 5000] = 1
    result = api.post(payload)
    assert result.status == 400
    assert len(result.fields) == fields.CLIENT_NAMES_REPORTED == 20
    assert list(result.fields) == [f"answers[X.{n}/1]" for n in range(20)]


# -- a drawn signature: the PNG's own header, not only its first 8 bytes


def png_header(width: int, height: int, bit_depth: int = 8, colour_type: int = 2, length: int = 13, kind=b"IHDR"):
    """A PNG of its signature, an IHDR chunk and IEND only: enough for every check short of drawing it."""
    data = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    ihdr = struct.pack(">I", length) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + ihdr + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def blank_png(width: int, height: int) -> bytes:
    """A real, white 1-bit greyscale PNG of any size: large images in few bytes."""
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    idat = zlib.compress(row * height, 9)
    chunk = struct.pack(">I", len(idat)) + b"IDAT" + idat + struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    return png_header(width, height, bit_depth=1, colour_type=0)[:-12] + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def too_wide(width: str, height: str) -> str:
    return (
        f"Gambar Tanda Tangan Asesi berukuran {width} \u00d7 {height} piksel, melebihi batas 2.000 \u00d7 1.000 "
        f"piksel. {CLEAR_PAD}, atau ketik nama Anda sebagai tanda tangan."
    )


# The review's case: 18000x10000 px in a few KB, which took a PDF 10 s to draw.
BOMB = blank_png(18000, 10000)

PNG_REFUSED = [
    ("18000_by_10000_in_a_few_kb", BOMB, too_wide("18.000", "10.000")),
    ("2001_wide", png_header(2001, 10), too_wide("2.001", "10")),
    ("1001_high", png_header(10, 1001), too_wide("10", "1.001")),
    ("magic_bytes_only", b"\x89PNG\r\n\x1a\n", SIGNATURE_UNREADABLE),
    ("ihdr_cut_short", png_header(40, 12)[:20], SIGNATURE_UNREADABLE),
    ("ihdr_length_not_13", png_header(40, 12, length=14), SIGNATURE_UNREADABLE),
    ("first_chunk_not_ihdr", png_header(40, 12, kind=b"IDAT"), SIGNATURE_UNREADABLE),
    ("width_zero", png_header(0, 12), SIGNATURE_UNREADABLE),
    ("height_over_2_to_the_31", png_header(40, 2**31), SIGNATURE_UNREADABLE),
    ("bit_depth_4_for_truecolour", png_header(40, 12, bit_depth=4), SIGNATURE_UNREADABLE),
    ("colour_type_5", png_header(40, 12, colour_type=5), SIGNATURE_UNREADABLE),
]


@pytest.mark.parametrize("image, message", [pytest.param(i, m, id=n) for n, i, m in PNG_REFUSED])
def test_a_drawn_signature_is_refused_by_its_png_header(api, payload, image, message):
    payload["signature"] = png_data_url(image)
    result = api.post(payload)
    assert (result.status, result.json["error"]) == (400, "invalid_submission")
    assert result.fields == {"signature": message}
    assert result.json["message"] == "1 isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali."
    assert api.keys() == []


def test_the_bomb_really_is_small_and_large():
    assert len(BOMB) < 40_000
    assert png_module.read_header(BOMB) == png_module.PngHeader(18000, 10000, 1, 0)


# -- whatever a request holds, what an error echoes of it is bounded


def _grow(payload: dict, add: Callable[[dict, int], None], size: int = fields.BODY_MAX_BYTES - 4096) -> dict:
    """Add items (add(payload, n)) until the body is nearly `size` bytes: as much as the limit allows."""
    n, current = 0, len(json.dumps(payload).encode())
    while True:
        add(payload, n)
        n += 1
        grown = len(json.dumps(payload).encode())
        per_item, current = grown - current, grown
        batch = (size - current) // (2 * per_item) if per_item else 0
        if batch < 1:
            return payload
        for _ in range(batch):  # half of what would fit, so that longer later items cannot overshoot
            add(payload, n)
            n += 1
        current = len(json.dumps(payload).encode())


def _unreadable_scheme(payload: dict) -> None:
    payload["scheme"] = 1


def _answer(payload: dict, key: str, value: Any = None) -> None:
    payload["answers"][key] = value if value is not None else {"verdict": "X", "evidence": "x"}


WORST_ECHOES = [
    (
        "many_answer_keys_with_unreadable_scheme",
        lambda p: (_unreadable_scheme(p), _grow(p, lambda p, n: _answer(p, f"K{n:06d}"))),
    ),
    ("one_long_answer_key_with_unreadable_scheme", lambda p: (_unreadable_scheme(p), _answer(p, "k" * 500_000))),
    (
        "unknown_keys_in_many_answers_with_unreadable_scheme",
        lambda p: (
            _unreadable_scheme(p),
            _grow(p, lambda p, n: _answer(p, f"K{n:05d}", {f"x{i}": i for i in range(30)})),
        ),
    ),
    ("many_unknown_answer_keys", lambda p: _grow(p, lambda p, n: _answer(p, f"X.{n}/1"))),
    ("many_unknown_top_level_keys", lambda p: _grow(p, lambda p, n: p.update({f"nik{n}": n}))),
    ("many_unknown_candidate_keys", lambda p: _grow(p, lambda p, n: p["candidate"].update({f"nik{n}": n}))),
    (
        "long_keys_that_json_escapes_six_fold",
        lambda p: (_unreadable_scheme(p), _grow(p, lambda p, n: _answer(p, f"{n:05d}" + "\x01" * 3000))),
    ),
    (
        "long_keys_of_four_byte_characters",
        lambda p: _grow(p, lambda p, n: p.update({f"{n:05d}" + "\U0001f600" * 3000: n})),
    ),
    (
        "keys_of_lone_surrogates_and_bidi_controls",
        lambda p: _grow(p, lambda p, n: p["candidate"].update({f"{n}\ud800\u202e\x1b[2J": n})),
    ),
]


def _inert_needed(character: str) -> bool:
    refused = [*fields.UNSTORABLE, *fields.LINE_BREAKS, *fields.BIDI_CONTROLS]
    return any(low <= ord(character) <= high for low, high in refused)


@pytest.mark.parametrize("grow", [pytest.param(g, id=i) for i, g in WORST_ECHOES])
def test_an_error_echoes_a_bounded_part_of_any_request(api, payload, seed, grow):
    grow(payload)
    body = json.dumps(payload)
    assert fields.BODY_MAX_BYTES - 64 * 1024 < len(body.encode()) <= fields.BODY_MAX_BYTES
    result = api.post(body)
    assert (result.status, result.json["error"]) == (400, "invalid_submission")
    count = len(result.fields)
    assert (
        result.json["message"]
        == f"{count} isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali."
    )
    assert len(result.text.encode("utf-8")) <= fields.ERROR_BODY_MAX_BYTES
    known = {*fields.form_fields(seed), "scheme", "submission_id", "candidate", "answers"}
    made_up = [name for name in result.fields if name not in known]
    assert 0 < len(made_up) <= fields.CLIENT_NAMES_REPORTED
    for name in made_up:
        assert len(name) <= len("answers[].") + 2 * (fields.CLIENT_NAME_SHOWN + 1), name[:80]
        assert [c for c in name if _inert_needed(c)] == []
    assert api.keys() == []


VALID = [
    ("full", lambda p: None),
    ("typed_signature", setting("signature", "  Siti Rahmawati ")),
    ("typed_signature_two_characters", setting("signature", "SR")),
    ("email_and_phone_null", both(setting("candidate.email", None), setting("candidate.phone", None))),
    ("email_and_phone_empty", both(setting("candidate.email", ""), setting("candidate.phone", ""))),
    ("email_and_phone_absent", both(removing("candidate.email"), removing("candidate.phone"))),
    ("evidence_exactly_2000_after_trimming", setting(f"answers[{E1}].evidence", "  " + "b" * 2000 + "\n")),
    ("bk_without_evidence_key", removing(f"answers[{E3}].evidence")),
    ("bk_with_evidence", setting(f"answers[{E3}].evidence", "Sedang belajar, sertifikat pelatihan 2025")),
    ("k_with_multi_line_evidence", setting(f"answers[{E1}].evidence", "Laporan 2023\nSertifikat 2024")),
    ("honeypot_absent", removing("website")),
    ("honeypot_null", setting("website", None)),
    ("name_exactly_200", setting("candidate.name", "S" * 200)),
    ("upper_case_submission_id", setting("submission_id", "0B5F8A47-3C1E-4D2A-9F6B-1E2D3C4B5A69")),
    ("phone_with_parentheses", setting("candidate.phone", "(021) 555-0199")),
    ("phone_with_dots", setting("candidate.phone", "0812.3456.7890")),
    ("png_signature_just_under_limit", setting("signature", png_data_url(png(230, 296, noise=True)))),
    ("png_signature_of_2000_by_1000", setting("signature", png_data_url(blank_png(2000, 1000)))),
    ("png_signature_16_bit_rgba", setting("signature", png_data_url(png_header(800, 320, 16, 6)))),
    ("png_signature_1_bit_palette", setting("signature", png_data_url(png_header(800, 320, 1, 3)))),
    ("evidence_with_tabs_and_line_breaks", setting(f"answers[{E1}].evidence", "Laporan\t2023\n\nSertifikat\r\n2024")),
    # Bidirectional text is legitimate in several lines of evidence; one-line fields refuse it.
    ("evidence_with_right_to_left_mark", setting(f"answers[{E1}].evidence", "Sertifikat \u200fعربي\u200f 2024")),
    ("name_with_letters_beyond_ascii", setting("candidate.name", "Ni Luh Ayu Sekar Wangi Ñoño Đặng")),
    ("name_with_an_emoji", setting("candidate.name", "Siti \U0001f600")),
    ("name_with_zero_width_joiner", setting("candidate.name", "Siti \U0001f469\u200d\U0001f4bb")),
]


@pytest.mark.parametrize("mutate", [pytest.param(m, id=i) for i, m in VALID])
def test_valid_submission_is_stored(api, payload, mutate):
    mutate(payload)
    result = api.post(payload)
    assert result.status == 201, result.text
    assert result.json["submission_id"] == "0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69"


def test_valid_submissions_match_the_openapi_request_schema(seed):
    from support.handler import schema_errors

    for name, mutate in VALID:
        payload = full_payload(seed)
        mutate(payload)
        assert schema_errors(payload, "#/components/schemas/Submission") == [], name


def test_png_under_limit_case_is_really_near_the_limit():
    # Keeps the "just under" row honest: within 10% of 200 KiB and not over it.
    size = len(png(230, 296, noise=True))
    assert 0.9 * fields.SIGNATURE_PNG_MAX_BYTES < size <= fields.SIGNATURE_PNG_MAX_BYTES
    assert len(png(300, 240, noise=True)) > fields.SIGNATURE_PNG_MAX_BYTES


def test_stored_text_is_trimmed_and_line_breaks_are_lf(api, payload):
    payload["candidate"]["name"] = "\ufeff  Siti Rahmawati \u3000"
    payload["answers"][E1]["evidence"] = "\r\n Laporan kerja 2024\r\nSertifikat 2025\rPelatihan \n"
    payload["signature"] = " Siti R "
    assert api.post(payload).status == 201
    (record_key,) = [key for key in api.keys() if "/by-id/" not in key]
    record = json.loads(api.store.get(record_key))
    assert record["candidate"]["name"] == "Siti Rahmawati"
    assert record["answers"][E1] == {
        "verdict": "K",
        "evidence": "Laporan kerja 2024\nSertifikat 2025\nPelatihan",
        "files": [],
    }
    assert record["signature"] == {"kind": "typed", "text": "Siti R"}


def test_validation_needs_no_event(seed):
    submission = validate_submission(full_payload(seed), seed)
    assert submission.scheme_version == seed.version
    assert [key for key, _ in submission.answers] == list(seed.element_keys())


REFUSED = [
    # id, mutation, status, error code, message
    (
        "honeypot_filled",
        setting("website", "http://spam.example"),
        400,
        "rejected",
        "Pengiriman ini tidak dapat kami terima. Jika Anda mengisi formulir ini sendiri, muat ulang halaman lalu kirim "
        "kembali, atau hubungi LSP.",
    ),
    ("honeypot_whitespace", setting("website", " "), 400, "rejected", None),
    ("honeypot_not_a_string", setting("website", False), 400, "rejected", None),
    (
        "honeypot_filled_on_an_otherwise_invalid_form",
        both(setting("website", "x"), removing("candidate")),
        400,
        "rejected",
        None,
    ),
    (
        "unknown_scheme",
        setting("scheme.id", "skema-yang-tidak-ada"),
        404,
        "unknown_scheme",
        "Skema sertifikasi ini tidak kami temukan. Buka daftar skema di halaman utama situs LSP dan pilih skema Anda "
        "kembali.",
    ),
    ("scheme_id_with_a_path", setting("scheme.id", "../../etc/passwd"), 404, "unknown_scheme", None),
    ("scheme_id_upper_case", setting("scheme.id", "KONSULTASI-MANAJEMEN-PEMASARAN"), 404, "unknown_scheme", None),
    (
        "outdated_version",
        setting("scheme.version", "000000000000"),
        409,
        "scheme_outdated",
        "Formulir skema ini baru saja diperbarui oleh LSP. Muat ulang halaman: jawaban Anda tetap tersimpan di perangkat "
        "ini. Periksa kembali isian Anda, lalu kirim.",
    ),
    (
        "outdated_version_with_invalid_fields",
        both(setting("scheme.version", "000000000000"), removing("candidate")),
        409,
        "scheme_outdated",
        None,
    ),
    (
        "outdated_version_answering_elements_of_that_version",
        both(setting("scheme.version", "000000000000"), setting("answers[X/1]", {"verdict": "K", "evidence": "x"})),
        409,
        "scheme_outdated",
        None,
    ),
]


@pytest.mark.parametrize("mutate, status, code, message", [pytest.param(m, s, c, t, id=i) for i, m, s, c, t in REFUSED])
def test_refused_submission_stores_nothing(api, payload, mutate, status, code, message):
    mutate(payload)
    result = api.post(payload)
    assert (result.status, result.json["error"], result.json["fields"]) == (status, code, {})
    if message is not None:
        assert result.json["message"] == message
    assert api.keys() == []
