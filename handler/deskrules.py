"""The desk's rule table: outcomes and review states with their labels, limits, and every desk message.

One place for what the assessors' desk (handler/desk.py) says and accepts, beside the candidates'
table (handler/fields.py), which it reuses for what both have (the text rules' steps and their
messages, PNG limits). The desk page may read the same table as JSON (`desk_rules()`), so no label,
limit or sentence is written twice. Messages are in Bahasa Indonesia, polite and specific: what
went wrong and what to do. Standard library only (Lambda).
"""

from __future__ import annotations

from typing import Any

from handler import fields as f
from handler.record import OUTCOMES

# -- groups (Cognito groups in AWS, the local users' groups in `build.py serve`)

ASSESSOR = "asesor"
ADMIN = "admin"
GROUPS = (ASSESSOR, ADMIN)

# -- outcomes of a review, and the review state of a submission (the list's filter)

NOT_REVIEWED = "belum"
STATES = (NOT_REVIEWED, *OUTCOMES)
OUTCOME_LABELS = {
    "lanjut": "Asesmen dapat dilanjutkan",
    "tidak_lanjut": "Asesmen tidak dapat dilanjutkan",
    "perbaikan": "Perlu perbaikan",
}
STATE_LABELS = {NOT_REVIEWED: "Belum ditinjau", **OUTCOME_LABELS}
# An outcome that sends the submission back to the candidate needs a note saying what to fix.
NOTES_REQUIRED_FOR = ("perbaikan",)
# Why an admin erased a candidate's data (POST /desk/erasures); only the code is logged.
ERASURE_REASONS = {
    "permintaan_subjek": "Permintaan asesi (subjek data)",
    "retensi": "Masa simpan telah berakhir",
    "lainnya": "Alasan lain",
}

# -- limits

NOTES_MAX = 2000
ELEMENT_NOTE_MAX = 1000
SEARCH_MAX = 100  # code points of the list's `q`
ID_PREFIX_MIN = 4  # hex characters: a shorter prefix would match too many submissions to mean one
PAGE_DEFAULT = 50
PAGE_MAX = 200
EXPORT_MAX_ROWS = 20_000  # about 3 MB of XLSX: within Lambda's 6 MB answer once base64-encoded
REGISTRATION_MAX = 64
ASSESSOR_NAME_MAX = 200

# Text rules in the candidates' table's shape (handler.submission.check_text runs them, with the
# table's messages for characters and length); whether a text is required, and an email's pattern,
# the desk checks itself with its own messages (the candidates' speak to the candidate).
TEXT_RULES: dict[str, dict[str, Any]] = {
    "notes": {"kind": f.TEXT, "min": 0, "max": NOTES_MAX},
    "element_note": {"kind": f.TEXT, "min": 0, "max": ELEMENT_NOTE_MAX},
    "name": {"kind": f.LINE, "min": f.NAME_MIN, "max": ASSESSOR_NAME_MAX},
    "registration": {"kind": f.LINE, "min": 3, "max": REGISTRATION_MAX},
    "email": {"kind": f.LINE, "min": 3, "max": f.EMAIL_MAX},
}
REQUIRED = {"name": "name.required", "registration": "registration.required", "email": "email.required"}

LABELS = {
    "outcome": "Keputusan",
    "notes": "Catatan",
    "element_notes": "Catatan per elemen",
    "element_note": "Catatan untuk elemen {key}",
    "signature": "Tanda tangan Asesor",
    "seen_latest": "Tinjauan terakhir yang Anda lihat",
    "email": "Email",
    "name": "Nama Asesor",
    "registration": "No. Reg.",
    "admin": "Admin",
    "scheme": "Skema",
    "from": "Dari tanggal",
    "to": "Sampai tanggal",
    "state": "Status tinjauan",
    "q": "Pencarian",
    "cursor": "Halaman berikutnya",
    "limit": "Jumlah per halaman",
    "format": "Format berkas",
    "submission_id": "ID pengajuan",
    "reason": "Alasan penghapusan",
}

_RELOAD = "Muat ulang halaman, lalu coba lagi."
MESSAGES = {
    "outcome.required": (
        "Pilih {label}: Asesmen dapat dilanjutkan, Asesmen tidak dapat dilanjutkan, atau Perlu perbaikan."
    ),
    "notes.required": (
        "{label} wajib diisi untuk \u201cPerlu perbaikan\u201d: tuliskan apa yang perlu diperbaiki asesi."
    ),
    "element_notes.unreadable": "{label} tidak terbaca. " + _RELOAD,
    "element_notes.unknown": "Elemen ini tidak ada dalam skema pengajuan ini. " + _RELOAD,
    "signature.required": "{label} wajib diisi: tanda tangani kotak tanda tangan.",
    "signature.not_png": "{label} harus berupa gambar dari kotak tanda tangan. Hapus, lalu tanda tangani lagi.",
    "signature.unreadable": "Gambar {label} tidak terbaca. Hapus, lalu tanda tangani lagi.",
    "signature.too_big": (
        "Gambar {label} terlalu besar (paling besar {max_kb} KB atau {max_width} \u00d7 {max_height} piksel). "
        "Hapus, lalu tanda tangani lagi dengan lebih sederhana."
    ),
    "seen_latest.invalid": "{label} tidak dikenali. " + _RELOAD,
    "field.unknown": "Kolom ini tidak dikenal. " + _RELOAD,
    "name.required": "{label} wajib diisi: tuliskan nama lengkap asesor seperti pada sertifikatnya.",
    "email.required": "{label} wajib diisi: tuliskan alamat email asesor.",
    "email.invalid": "{label} tidak valid: tuliskan alamat seperti nama@contoh.co.id.",
    "registration.required": "{label} wajib diisi: tuliskan nomor registrasi asesor (MET.\u2026).",
    "admin.invalid": "{label} harus dipilih atau tidak (ya/tidak).",
    "query.invalid": "{label} tidak valid. " + _RELOAD,
    "day.invalid": "{label} harus berupa tanggal seperti 2026-11-24.",
    "days.reversed": "{label} tidak boleh lebih awal dari tanggal awal.",
    "state.invalid": "{label} hanya boleh: belum, lanjut, tidak_lanjut, atau perbaikan.",
    "q.too_long": "{label} terlalu panjang: paling banyak {max} karakter.",
    "limit.invalid": "{label} harus bilangan 1 sampai {max}.",
    "format.invalid": "{label} hanya boleh xlsx atau csv.",
    "submission_id.invalid": (
        "{label} tidak valid: salin ID lengkap (36 karakter, seperti 0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69) "
        "dari tanda terima atau dari daftar."
    ),
    "reason.invalid": "{label} hanya boleh permintaan_subjek, retensi, atau lainnya.",
}

ERRORS: dict[str, dict[str, Any]] = {
    "invalid_request": {
        "status": 400,
        "retryable": False,
        "message": "{count} isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali.",
    },
    "invalid_json": {
        "status": 400,
        "retryable": False,
        "message": "Permintaan tidak dapat kami baca. " + _RELOAD,
    },
    "unauthenticated": {
        "status": 401,
        "retryable": False,
        "message": "Sesi Anda tidak berlaku atau sudah berakhir. Silakan masuk kembali.",
    },
    "sign_in_link_invalid": {
        "status": 401,
        "retryable": False,
        "message": (
            "Tautan masuk ini tidak berlaku lagi: sudah dipakai, sudah lewat 10 menit, atau server sudah "
            "dimulai ulang. Mintalah tautan baru kepada admin LSP."
        ),
    },
    "forbidden": {
        "status": 403,
        "retryable": False,
        "message": ("Akun Anda tidak memiliki akses ke bagian ini. Hubungi admin LSP bila Anda memerlukannya."),
    },
    "account_incomplete": {
        "status": 403,
        "retryable": False,
        "message": (
            "Akun Anda belum lengkap: {missing} belum tercatat. Minta admin LSP melengkapinya, lalu masuk kembali."
        ),
    },
    "not_found": {
        "status": 404,
        "retryable": False,
        "message": "Alamat ini tidak dikenal meja asesor. " + _RELOAD,
    },
    "submission_not_found": {
        "status": 404,
        "retryable": False,
        "message": (
            "Pengajuan ini tidak kami temukan. Mungkin baru saja diterima atau sudah dihapus; "
            "kembali ke daftar dan muat ulang."
        ),
    },
    "erasure_not_found": {
        "status": 404,
        "retryable": False,
        "message": (
            "Tidak ada data dengan ID pengajuan ini, dan tidak ada catatan bahwa data ini pernah dihapus. "
            "Periksa kembali ID pengajuan pada permintaan asesi."
        ),
    },
    "file_not_found": {
        "status": 404,
        "retryable": False,
        "message": "Berkas bukti ini tidak kami temukan pada pengajuan tersebut. " + _RELOAD,
    },
    "method_not_allowed": {
        "status": 405,
        "retryable": False,
        "message": "Alamat ini tidak menerima permintaan dengan metode tersebut.",
    },
    "assessor_exists": {
        "status": 409,
        "retryable": False,
        "message": "Sudah ada akun dengan email ini. Asesor tersebut dapat masuk dengan akunnya.",
    },
    "payload_too_large": {
        "status": 413,
        "retryable": False,
        "message": "Permintaan terlalu besar (paling besar {max_kb} KB). Persingkat catatan atau tanda tangan.",
    },
    "export_too_large": {
        "status": 413,
        "retryable": False,
        "message": (
            "Terlalu banyak pengajuan untuk satu berkas (lebih dari {max} baris). Persempit saringan, "
            "misalnya rentang tanggal, lalu unduh lagi."
        ),
    },
    "unsupported_media_type": {
        "status": 415,
        "retryable": False,
        "message": "Permintaan harus berupa JSON. " + _RELOAD,
    },
    "record_unreadable": {
        "status": 422,
        "retryable": False,
        "message": (
            "Pengajuan ini tersimpan dalam bentuk yang tidak dapat kami baca, sehingga belum dapat ditinjau. "
            "Beri tahu admin LSP dan sebutkan kode {request_id}."
        ),
    },
    "internal_error": {
        "status": 500,
        "retryable": True,
        "message": (
            "Maaf, terjadi kesalahan di server kami. Coba lagi dalam beberapa saat; bila masalah berlanjut, "
            "hubungi admin LSP dan sebutkan kode {request_id}."
        ),
    },
    "storage_unavailable": {
        "status": 503,
        "retryable": True,
        "message": "Penyimpanan sedang tidak dapat dijangkau. Coba lagi dalam beberapa saat.",
    },
    "index_unavailable": {
        "status": 503,
        "retryable": True,
        "message": "Daftar pengajuan sedang tidak dapat dijangkau. Coba lagi dalam beberapa saat.",
    },
    "directory_unavailable": {
        "status": 503,
        "retryable": True,
        "message": "Layanan akun sedang tidak dapat dijangkau. Coba lagi dalam beberapa saat.",
    },
}

# What the desk says about the index beside the list (IndexState.note).
INDEX_NOTES = {
    "current": "",
    "never_built": (
        "Indeks daftar belum pernah dibangun, jadi daftar ini mungkin belum lengkap. Admin dapat "
        "membangunnya dengan \u201cBangun ulang indeks\u201d."
    ),
    "missing": (
        "{count} pengajuan yang diterima sejak kemarin belum masuk daftar. Muat ulang dalam beberapa saat; "
        "bila tetap begitu, admin dapat membangun ulang indeks."
    ),
    "caught_up": "{count} pengajuan terbaru baru saja dimasukkan ke daftar.",
    "not_checked": "Kelengkapan daftar tidak dapat diperiksa saat ini.",
}


class DeskError(Exception):
    """A desk request answered with an error: status, code, message and per-field messages, one JSON shape."""

    def __init__(
        self,
        code: str,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        **values: Any,
    ) -> None:
        super().__init__(code)
        rule = ERRORS[code]
        self.code = code
        self.status: int = rule["status"]
        self.retryable: bool = rule["retryable"]
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        self.values = values

    def body(self, request_id: str) -> dict[str, Any]:
        values = {"count": len(self.fields), "request_id": request_id, **self.values}
        return {
            "error": self.code,
            "message": f.render(ERRORS[self.code]["message"], **values),
            "fields": self.fields,
            "retryable": self.retryable,
            "request_id": request_id,
        }


def message(rule: str, **values: Any) -> str:
    return f.render(MESSAGES[rule], **values)


def label(name: str, **values: Any) -> str:
    return f.render(LABELS[name], **values)


def desk_rules() -> dict[str, Any]:
    """The table as the desk page may read it: JSON-ready."""
    return {
        "groups": {"assessor": ASSESSOR, "admin": ADMIN},
        "outcomes": list(OUTCOMES),
        "states": list(STATES),
        "outcome_labels": OUTCOME_LABELS,
        "state_labels": STATE_LABELS,
        "notes_required_for": list(NOTES_REQUIRED_FOR),
        # A list: the page shows them in this order (a JSON object's keys may come out sorted).
        "erasure_reasons": [{"code": code, "label": label} for code, label in ERASURE_REASONS.items()],
        "limits": {
            "notes_max": NOTES_MAX,
            "element_note_max": ELEMENT_NOTE_MAX,
            "search_max": SEARCH_MAX,
            "id_prefix_min": ID_PREFIX_MIN,
            "page_default": PAGE_DEFAULT,
            "page_max": PAGE_MAX,
            "signature_max_bytes": f.SIGNATURE_PNG_MAX_BYTES,
            "signature_max_width": f.SIGNATURE_PNG_MAX_WIDTH,
            "signature_max_height": f.SIGNATURE_PNG_MAX_HEIGHT,
        },
        "text": TEXT_RULES,
        "labels": LABELS,
        "messages": MESSAGES,
        "errors": ERRORS,
    }
