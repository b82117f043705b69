"""Validation: one table of bad submissions, each with its status and the exact field messages."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import pytest
from support.handler import full_payload, png, png_data_url

from handler import fields
from handler.submission import validate_submission

E1 = "M.70MKT00.019.2/1"  # K with evidence in full_payload
E3 = "M.70MKT00.019.2/3"  # BK without evidence in full_payload
U9 = "menyusun-pelayanan-yang-khas-berdasarkan-merek-organisasi-branded-service/1"  # a unit with no code
RELOAD = "Muat ulang halaman, lalu kirim kembali."
UNKNOWN = "Kolom ini tidak dikenal formulir. " + RELOAD
NAME_OF_E1 = "Unit M.70MKT00.019.2, elemen 1"
BAD_ID = (
    "Nomor pengiriman tidak valid. Muat ulang halaman, lalu kirim kembali; jawaban Anda tetap tersimpan "
    "di peramban ini."
)
SIGNATURE_REQUIRED = "Tanda Tangan Asesi wajib diisi: bubuhkan tanda tangan pada kotak, atau ketik nama Anda."
SIGNATURE_UNREADABLE = "Gambar Tanda Tangan Asesi tidak terbaca. Hapus lalu bubuhkan kembali tanda tangan Anda."
DECLARATION = "Pernyataan wajib dicentang: nyatakan bahwa jawaban dan bukti yang Anda isi benar."
EMAIL = "Email tidak valid. Periksa penulisannya, misalnya nama@contoh.co.id, atau kosongkan kolom ini."
PHONE = (
    "Nomor telepon tidak valid: tuliskan nomor seperti 0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini."
)


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


INVALID = [
    # -- answers
    ("unanswered_element", removing(f"answers[{E1}]"), {fields.verdict_field(E1): f"{NAME_OF_E1}: pilih K atau BK."}),
    (
        "unanswered_element_of_unit_without_code",
        removing(f"answers[{U9}]"),
        {
            fields.verdict_field(
                U9
            ): "Unit Menyusun Pelayanan yang Khas Berdasarkan Merek organisasi (Branded Service), "
            "elemen 1: pilih K atau BK."
        },
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
    (
        "k_without_evidence",
        removing(f"answers[{E1}].evidence"),
        {
            fields.evidence_field(E1): f"{NAME_OF_E1}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, "
            "sertifikat, atau laporan kerja beserta tahunnya."
        },
    ),
    (
        "k_with_blank_evidence",
        setting(f"answers[{E1}].evidence", " \n\t "),
        {
            fields.evidence_field(E1): f"{NAME_OF_E1}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, "
            "sertifikat, atau laporan kerja beserta tahunnya."
        },
    ),
    (
        "evidence_over_2000",
        setting(f"answers[{E1}].evidence", "b" * 2001),
        {
            fields.evidence_field(
                E1
            ): f"{NAME_OF_E1}: Bukti yang relevan terlalu panjang, paling banyak 2.000 karakter "
            "(sekarang 2.001). Persingkat bukti Anda."
        },
    ),
    (
        "bk_evidence_over_2000",
        setting(f"answers[{E3}].evidence", "b" * 2500),
        {
            fields.evidence_field(
                E3
            ): "Unit M.70MKT00.019.2, elemen 3: Bukti yang relevan terlalu panjang, paling banyak "
            "2.000 karakter (sekarang 2.500). Persingkat bukti Anda."
        },
    ),
    (
        "evidence_a_number",
        setting(f"answers[{E1}].evidence", 2021),
        {fields.evidence_field(E1): f"{NAME_OF_E1}: Bukti yang relevan tidak terbaca; tulis kembali bukti Anda."},
    ),
    (
        "unknown_element_key",
        setting("answers[M.70MKT00.019.2/9]", {"verdict": "K", "evidence": "x"}),
        {"answers[M.70MKT00.019.2/9]": "Elemen ini tidak ada dalam skema. " + RELOAD},
    ),
    ("unknown_key_in_answer", setting(f"answers[{E1}].catatan", "x"), {f"answers[{E1}].catatan": UNKNOWN}),
    ("answers_a_list", setting("answers", [{"verdict": "K"}]), {"answers": "Jawaban tidak terbaca. " + RELOAD}),
    # -- candidate
    ("name_missing", removing("candidate.name"), {"candidate.name": "Nama Asesi wajib diisi."}),
    ("name_blank", setting("candidate.name", "   "), {"candidate.name": "Nama Asesi wajib diisi."}),
    (
        "name_one_character",
        setting("candidate.name", " S "),
        {"candidate.name": "Nama Asesi terlalu pendek: isi paling sedikit 2 karakter."},
    ),
    (
        "name_201_characters",
        setting("candidate.name", "S" * 201),
        {"candidate.name": "Nama Asesi terlalu panjang: paling banyak 200 karakter (sekarang 201)."},
    ),
    (
        "name_two_lines",
        setting("candidate.name", "Siti\nRahma"),
        {"candidate.name": "Nama Asesi hanya boleh berisi satu baris teks, tanpa baris baru atau tab."},
    ),
    (
        "name_a_number",
        setting("candidate.name", 42),
        {"candidate.name": "Nama Asesi tidak terbaca; isi kembali dengan teks."},
    ),
    ("candidate_missing", removing("candidate"), {"candidate.name": "Nama Asesi wajib diisi."}),
    ("candidate_a_list", setting("candidate", ["Siti"]), {"candidate": "Data asesi tidak terbaca. " + RELOAD}),
    ("candidate_unknown_key", setting("candidate.nik", "3174..."), {"candidate.nik": UNKNOWN}),
    ("email_without_domain", setting("candidate.email", "siti@"), {"candidate.email": EMAIL}),
    ("email_without_dot", setting("candidate.email", "siti@contoh"), {"candidate.email": EMAIL}),
    ("email_with_space", setting("candidate.email", "siti rahma@contoh.co.id"), {"candidate.email": EMAIL}),
    (
        "email_256_characters",
        setting("candidate.email", "s" * 243 + "@contoh.co.id"),
        {"candidate.email": "Email terlalu panjang: paling banyak 254 karakter (sekarang 256)."},
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
    (
        "phone_33_characters",
        setting("candidate.phone", "1" * 33),
        {"candidate.phone": "Nomor telepon terlalu panjang: paling banyak 32 karakter (sekarang 33)."},
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
        {"signature": "Tanda Tangan Asesi tidak terbaca; bubuhkan kembali tanda tangan Anda."},
    ),
    (
        "typed_signature_one_character",
        setting("signature", "S"),
        {"signature": "Tanda Tangan Asesi terlalu pendek: isi paling sedikit 2 karakter."},
    ),
    (
        "typed_signature_201_characters",
        setting("signature", "S" * 201),
        {"signature": "Tanda Tangan Asesi terlalu panjang: paling banyak 200 karakter (sekarang 201)."},
    ),
    (
        "signature_jpeg",
        setting("signature", "data:image/jpeg;base64,/9j/4AAQSkZJRg=="),
        {
            "signature": "Tanda Tangan Asesi harus berupa gambar PNG dari kotak tanda tangan, atau nama yang diketik. "
            "Hapus lalu bubuhkan kembali tanda tangan Anda."
        },
    ),
    (
        "signature_bad_base64",
        setting("signature", "data:image/png;base64,iVBOR%%%"),
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
            "signature": "Gambar Tanda Tangan Asesi terlalu besar (paling besar 200 KB). Hapus lalu bubuhkan kembali "
            "tanda tangan yang lebih sederhana, atau ketik nama Anda sebagai tanda tangan."
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
    ("submission_id_a_number", setting("submission_id", 12345), {"submission_id": BAD_ID}),
    ("submission_id_missing", removing("submission_id"), {"submission_id": BAD_ID}),
    # -- the shape of the whole
    ("unknown_top_level_key", setting("nik", "3174"), {"nik": UNKNOWN}),
    ("scheme_missing", removing("scheme"), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    ("scheme_id_a_number", setting("scheme.id", 7), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    ("scheme_with_extra_key", setting("scheme.title", "x"), {"scheme": "Skema sertifikasi tidak terbaca. " + RELOAD}),
    (
        "three_problems_at_once",
        both(removing("candidate.name"), setting("declaration", False), removing(f"answers[{E1}]")),
        {
            fields.verdict_field(E1): f"{NAME_OF_E1}: pilih K atau BK.",
            "candidate.name": "Nama Asesi wajib diisi.",
            "declaration": DECLARATION,
        },
    ),
]


@pytest.mark.parametrize("mutate, expected", [pytest.param(m, e, id=i) for i, m, e in INVALID])
def test_invalid_submission_is_rejected_with_exact_field_messages(api, payload, mutate, expected):
    mutate(payload)
    result = api.post(payload)
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


def test_unknown_keys_reported_are_bounded(api, payload):
    for n in range(500):
        payload["answers"][f"X.{n}/1"] = {"verdict": "K", "evidence": "x"}
    payload["k" * 5000] = 1
    result = api.post(payload)
    assert result.status == 400
    assert len(result.fields) == 21
    assert "k" * 100 + "…" in result.fields


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


def test_stored_text_is_trimmed(api, payload):
    payload["candidate"]["name"] = "  Siti Rahmawati  "
    payload["answers"][E1]["evidence"] = "\n Laporan kerja 2024 \n"
    payload["signature"] = " Siti R "
    assert api.post(payload).status == 201
    (record_key,) = [key for key in api.keys() if "/by-id/" not in key]
    record = json.loads(api.store.get(record_key))
    assert record["candidate"]["name"] == "Siti Rahmawati"
    assert record["answers"][E1] == {"verdict": "K", "evidence": "Laporan kerja 2024"}
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
        "Formulir skema ini baru saja diperbarui oleh LSP. Muat ulang halaman: jawaban Anda tetap tersimpan di peramban "
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
