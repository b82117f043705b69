"""The API's errors: each one an HTTP status, a code, a message for the candidate and per-field messages.

Every error response of the API is built from one of these, so they all share one JSON shape
(DESIGN.md): `error`, `message`, `fields`, `retryable`, `request_id`. Messages are Bahasa Indonesia
and say what the candidate can do; they never carry exception text or internals.
"""

from __future__ import annotations

from typing import Any

# Shown whenever the candidate can do nothing but try again: the page keeps the draft meanwhile.
_DRAFT_SAFE = "Jawaban Anda tetap tersimpan di peramban ini"


class ApiError(Exception):
    """A request the API answers with an error response instead of a receipt."""

    status = 400
    code = "invalid_submission"
    retryable = False
    message = ""

    def __init__(
        self,
        message: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(self.code)
        if message is not None:
            self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        # Further members of the body, e.g. the stored receipt of a conflicting submission.
        self.extra = dict(extra or {})

    def body(self, request_id: str) -> dict[str, Any]:
        return {
            "error": self.code,
            "message": self.message,
            "fields": self.fields,
            "retryable": self.retryable,
            "request_id": request_id,
            **self.extra,
        }


class InvalidSubmission(ApiError):
    status, code = 400, "invalid_submission"

    def __init__(self, fields: dict[str, str]) -> None:
        count = len(fields)
        what = "1 isian perlu" if count == 1 else f"{count} isian perlu"
        super().__init__(f"{what} diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali.", fields)


class InvalidJson(ApiError):
    status, code = 400, "invalid_json"
    message = f"Isian tidak dapat kami baca. {_DRAFT_SAFE}; muat ulang halaman, lalu kirim kembali."


class Rejected(ApiError):
    status, code = 400, "rejected"
    message = (
        "Pengiriman ini tidak dapat kami terima. Jika Anda mengisi formulir ini sendiri, "
        "muat ulang halaman lalu kirim kembali, atau hubungi LSP."
    )


class OriginNotAllowed(ApiError):
    status, code = 403, "origin_not_allowed"
    message = (
        "Formulir ini hanya dapat dikirim dari situs resmi LSP. Buka formulir melalui tautan "
        "resmi LSP, lalu kirim kembali."
    )


class UnknownScheme(ApiError):
    status, code = 404, "unknown_scheme"
    message = (
        "Skema sertifikasi ini tidak kami temukan. Buka daftar skema di halaman utama situs LSP "
        "dan pilih skema Anda kembali."
    )


class MethodNotAllowed(ApiError):
    status, code = 405, "method_not_allowed"
    message = "Alamat ini hanya menerima pengiriman formulir (metode POST)."

    def __init__(self) -> None:
        super().__init__(headers={"allow": "OPTIONS, POST"})


class SchemeOutdated(ApiError):
    status, code = 409, "scheme_outdated"
    message = (
        "Formulir skema ini baru saja diperbarui oleh LSP. Muat ulang halaman: jawaban Anda tetap "
        "tersimpan di peramban ini. Periksa kembali isian Anda, lalu kirim."
    )


class SubmissionConflict(ApiError):
    status, code = 409, "submission_conflict"
    message = (
        "Asesmen mandiri dengan nomor pengiriman ini sudah kami terima sebelumnya dengan isian yang "
        "berbeda. Tanda terima pengiriman pertama tercantum di bawah; hubungi LSP bila Anda perlu "
        "mengubah jawaban."
    )

    def __init__(self, receipt: dict[str, Any]) -> None:
        super().__init__(extra={"receipt": receipt})


class PayloadTooLarge(ApiError):
    status, code = 413, "payload_too_large"
    message = (
        "Isian terlalu besar untuk dikirim (paling besar 512 KB). Persingkat bukti yang sangat panjang "
        "atau hapus lalu bubuhkan kembali tanda tangan Anda, kemudian kirim kembali."
    )


class UnsupportedMediaType(ApiError):
    status, code = 415, "unsupported_media_type"
    message = "Format pengiriman tidak didukung: kirim isian sebagai JSON (Content-Type: application/json)."


class StorageUnavailable(ApiError):
    status, code, retryable = 503, "storage_unavailable", True
    message = f"Penyimpanan kami sedang tidak dapat dijangkau. {_DRAFT_SAFE}; kirim kembali dalam beberapa saat."

    def __init__(self) -> None:
        super().__init__(headers={"retry-after": "5"})


class InternalError(ApiError):
    status, code, retryable = 500, "internal_error", True

    def __init__(self, request_id: str) -> None:
        super().__init__(
            f"Maaf, terjadi kesalahan di server kami. {_DRAFT_SAFE}; kirim kembali dalam beberapa saat. "
            f"Bila masalah berlanjut, hubungi LSP dan sebutkan kode {request_id}."
        )
