"""The rule table of the form: field names, limits, patterns, characters, verdicts and every candidate message.

One source for the page and the handler. The handler reads it as Python (submission.py for the
field rules, errors.py for the API's errors); the build embeds `page_rules()` in every scheme page
as JSON data (`<script type="application/json" id="swanilai-rules">`), and the page's checks
(site_src/docs/assets/form/checks.js) read nothing else: no limit, pattern or sentence is written
twice. Everything in the table is plain data (str, int, bool, list, dict), so JSON carries it unchanged.

A field name is the path of its value in the submission JSON. Answers use the element key in
brackets (`answers[M.70MKT00.019.2/1].verdict`) because keys themselves contain dots.

How the two languages are kept saying the same thing (tests/page/test_page_agreement.py proves it):
- Patterns use only syntax that Python's `re` (with fullmatch) and JavaScript's RegExp (no flags)
  read alike: ASCII literals and bracket classes, `(?:...)` groups, `|`, `?`, `*`, `+`, `{m,n}`,
  `^` and `$`. No `\\d`, `\\w`, `\\s` or `.` (Python's match Unicode, JavaScript's do not), no flags.
- Character rules are inclusive code point ranges, not regexes: both sides walk the text by code
  point (a lone surrogate is one code point in Python and in JavaScript's for...of) and look each up.
- Lengths count code points; trimming removes exactly the SPACE ranges (Python's str.strip() and
  JavaScript's trim() disagree on U+001C-U+001F and U+FEFF, so neither is used).
- Multi-line text first turns CRLF and lone CR into LF, as a browser's textarea does for its value:
  a client that sends CRLF is stored as the page's own text would be, never refused for it.
- Messages are templates with named placeholders (`{label}`, `{max}`, `{count}`); integers are
  written with Indonesian digit grouping (2.000).
"""

from __future__ import annotations

import re
from typing import Any

from handler import png
from handler.scheme import Scheme

# -- field names

CANDIDATE_NAME = "candidate.name"
CANDIDATE_EMAIL = "candidate.email"
CANDIDATE_PHONE = "candidate.phone"
DECLARATION = "declaration"
SIGNATURE = "signature"
SUBMISSION_ID = "submission_id"
SCHEME = "scheme"
# Whole objects, named only when the object itself is unreadable (e.g. a list where an object belongs).
CANDIDATE = "candidate"
ANSWERS = "answers"
# Hidden from people, filled in by naive bots: a filled honeypot is rejected and nothing stored.
HONEYPOT = "website"
VERDICT_FIELD = "answers[{key}].verdict"
EVIDENCE_FIELD = "answers[{key}].evidence"

VERDICTS = ("K", "BK")

# -- limits (the page also renders them as maxlength)

NAME_MIN = 2
NAME_MAX = 200
EMAIL_MAX = 254
PHONE_MAX = 32
PHONE_DIGITS_MIN = 6
PHONE_DIGITS_MAX = 15  # the E.164 maximum
EVIDENCE_MAX = 2000
TYPED_SIGNATURE_MIN = 2
TYPED_SIGNATURE_MAX = 200
SIGNATURE_PNG_MAX_BYTES = 200 * 1024
# The page's pad is 800x320; a larger image only makes renders and PDFs slow.
SIGNATURE_PNG_MAX_WIDTH = 2000
SIGNATURE_PNG_MAX_HEIGHT = 1000
BODY_MAX_BYTES = 512 * 1024
# Lambda answers at most 6 MB; an error never needs more than this.
ERROR_BODY_MAX_BYTES = 64 * 1024
# Names the client made up (unknown keys) are reported, shortened, up to this many per request.
CLIENT_NAMES_REPORTED = 20
CLIENT_NAME_SHOWN = 100  # code points

# -- patterns (the common subset of Python and JavaScript regexes; see the module docstring)

# The WHATWG rule for type=email, plus a dot in the domain (a real address).
EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
# An optional leading +, then digits, spaces, dots, hyphens and parentheses; empty means "not given".
# Besides, 6 to 15 of its characters must be the digits 0-9.
PHONE_PATTERN = r"^(\+?[0-9 ().-]+)?$"
# Version 4 (random) UUIDs, as the page makes them with crypto.randomUUID(); upper case is accepted.
SUBMISSION_ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$"
SCHEME_VERSION_PATTERN = r"^[0-9a-f]{12}$"
PATTERNS = {
    "email": EMAIL_PATTERN,
    "phone": PHONE_PATTERN,
    "submission_id": SUBMISSION_ID_PATTERN,
    "scheme_version": SCHEME_VERSION_PATTERN,
    "base64": png.BASE64_PATTERN,
}

# -- characters, as inclusive code point ranges

# Trimmed from both ends of every text.
SPACE = [[0x09, 0x0D], [0x20, 0x20], [0xA0, 0xA0], [0x1680, 0x1680], [0x2000, 0x200A], [0x2028, 0x2029]]
SPACE += [[0x202F, 0x202F], [0x205F, 0x205F], [0x3000, 0x3000], [0xFEFF, 0xFEFF]]
# Refused in every text, multi-line too: what no document format can hold. XML 1.0 (inside XLSX
# and DOCX) refuses C0 controls but tab, LF and CR, and U+FFFE/U+FFFF; UTF-8 cannot encode lone
# surrogates. DEL and C1 (U+0080-U+009F; U+009B is a one-byte CSI) drive terminals and mean
# nothing in text; noncharacters (U+FDD0-U+FDEF and the last two of every plane) are never for
# interchange. CR never gets here: multi-line text turns it into LF, one line refuses it first.
UNSTORABLE = [[0x00, 0x08], [0x0B, 0x0C], [0x0E, 0x1F], [0x7F, 0x9F], [0xD800, 0xDFFF], [0xFDD0, 0xFDEF]]
UNSTORABLE += [[plane + 0xFFFE, plane + 0xFFFF] for plane in range(0, 0x110000, 0x10000)]
# Refused in one-line fields (name, email, phone, typed signature) with the one-line message.
LINE_BREAKS = [[0x09, 0x0D], [0x85, 0x85], [0x2028, 0x2029]]
# Also refused in one-line fields: bidirectional controls can reorder what an assessor's table or
# terminal shows (U+202E turns "Siti" into "itiS"). The marks (ALM, LRM, RLM) too: a name never needs them.
BIDI_CONTROLS = [[0x061C, 0x061C], [0x200E, 0x200F], [0x202A, 0x202E], [0x2066, 0x2069]]
CHARACTERS = {"space": SPACE, "unstorable": UNSTORABLE, "line_breaks": LINE_BREAKS, "bidi": BIDI_CONTROLS}

# -- how each text field is checked: the page and the handler run the same steps from these

LINE, TEXT = "line", "text"  # one line; several lines (evidence)
TEXT_RULES: dict[str, dict[str, Any]] = {
    CANDIDATE_NAME: {"kind": LINE, "required": "name.required", "min": NAME_MIN, "max": NAME_MAX},
    CANDIDATE_EMAIL: {"kind": LINE, "min": 0, "max": EMAIL_MAX, "pattern": "email", "invalid": "email.invalid"},
    CANDIDATE_PHONE: {
        "kind": LINE,
        "min": 0,
        "max": PHONE_MAX,
        "pattern": "phone",
        "digits": [PHONE_DIGITS_MIN, PHONE_DIGITS_MAX],
        "invalid": "phone.invalid",
    },
    SIGNATURE: {"kind": LINE, "required": "signature.required", "min": TYPED_SIGNATURE_MIN, "max": TYPED_SIGNATURE_MAX},
    "evidence": {"kind": TEXT, "min": 0, "max": EVIDENCE_MAX},
}
SIGNATURE_PNG = {
    "prefix": png.DATA_URL_PREFIX,
    "magic": list(png.MAGIC),
    "bit_depths": {str(colour): list(depths) for colour, depths in png.BIT_DEPTHS.items()},
    "max_dimension": png.MAX_DIMENSION,
    "max_bytes": SIGNATURE_PNG_MAX_BYTES,
    "max_width": SIGNATURE_PNG_MAX_WIDTH,
    "max_height": SIGNATURE_PNG_MAX_HEIGHT,
}

# -- labels: how the page names each field; every message names a field by its label

LABELS = {
    CANDIDATE_NAME: "Nama Asesi",
    CANDIDATE_EMAIL: "Email",
    CANDIDATE_PHONE: "Nomor telepon",
    DECLARATION: "Pernyataan",
    SIGNATURE: "Tanda Tangan Asesi",
    SCHEME: "Skema sertifikasi",
    SUBMISSION_ID: "Nomor pengiriman",  # as the receipt calls it
    # An element as the page shows it: "Unit Kompetensi 1" and its "Elemen 3".
    "element": "Unit {unit}, elemen {element}",
    "evidence": "{element}: Bukti yang relevan",
    # An element named only by a key the client sent (a scheme version the catalog no longer has).
    "element_key": "Elemen {key}",
}

# -- messages, keyed by rule

_RELOAD = "Muat ulang halaman, lalu kirim kembali."
_KEPT = "Jawaban Anda tetap tersimpan di perangkat ini"
_CLEAR_PAD = "Tekan \u201cHapus tanda tangan\u201d, lalu tanda tangani lagi"
MESSAGES = {
    # any text field
    "text.unreadable": "{label} tidak terbaca; isi kembali dengan teks.",
    "text.one_line": "{label} hanya boleh berisi satu baris teks, tanpa baris baru atau tab.",
    "text.character": (
        "{label} memuat karakter tersembunyi yang tidak dapat diterima ({code}, karakter ke-{position}). "
        "Hapus karakter itu, misalnya dengan mengetik ulang bagian tersebut tanpa salin-tempel."
    ),
    "text.too_short": "{label} terlalu pendek: isi paling sedikit {min} karakter.",
    "text.too_long": "{label} terlalu panjang: paling banyak {max} karakter (sekarang {count}). Persingkat isian ini.",
    # the candidate
    "name.required": "{label} wajib diisi: tuliskan nama lengkap Anda.",
    "email.invalid": "{label} tidak valid: tuliskan alamat seperti nama@contoh.co.id, atau kosongkan kolom ini.",
    "phone.invalid": (
        "{label} tidak valid: tuliskan nomor seperti 0812 3456 7890 atau +62 812 3456 7890, atau kosongkan kolom ini."
    ),
    "candidate.unreadable": "Data asesi tidak terbaca. " + _RELOAD,
    # answers
    "verdict.required": "{element}: pilih K atau BK.",
    "verdict.invalid": "{element}: jawaban hanya boleh K atau BK.",
    "answer.unreadable": "{element}: jawaban tidak terbaca; pilih K atau BK kembali.",
    "answer.repeated": "{element}: jawaban terkirim lebih dari sekali. " + _RELOAD,
    "evidence.required": (
        "{element}: isi Bukti yang relevan untuk jawaban K, misalnya nama dokumen, sertifikat, "
        "atau laporan kerja beserta tahunnya."
    ),
    "answers.unreadable": "Jawaban tidak terbaca. " + _RELOAD,
    "answers.unknown_element": "Elemen ini tidak ada dalam skema. " + _RELOAD,
    # declaration and signature
    "declaration.required": (
        "{label} wajib dicentang: nyatakan bahwa jawaban dan bukti yang Anda isi benar dan dapat Anda "
        "pertanggungjawabkan."
    ),
    "signature.required": "{label} wajib diisi: tanda tangani kotak tanda tangan, atau ketik nama Anda sebagai tanda tangan.",
    "signature.unreadable": "{label} tidak terbaca. " + _CLEAR_PAD + ".",
    "signature.not_png": (
        "{label} harus berupa gambar PNG dari kotak tanda tangan, atau nama yang diketik. " + _CLEAR_PAD + "."
    ),
    "signature.png_unreadable": "Gambar {label} tidak terbaca. " + _CLEAR_PAD + ".",
    "signature.png_too_big": (
        "Gambar {label} terlalu besar (paling besar {max_kb} KB). " + _CLEAR_PAD + " dengan lebih sederhana, "
        "atau ketik nama Anda sebagai tanda tangan."
    ),
    "signature.png_too_wide": (
        "Gambar {label} berukuran {width} \u00d7 {height} piksel, melebihi batas {max_width} \u00d7 "
        "{max_height} piksel. " + _CLEAR_PAD + ", atau ketik nama Anda sebagai tanda tangan."
    ),
    # what the page fills in itself, and the shape of the whole
    "scheme.unreadable": "{label} tidak terbaca. " + _RELOAD,
    "submission_id.invalid": (
        "{label} tidak valid. Muat ulang halaman, lalu kirim kembali; jawaban Anda tetap tersimpan di perangkat ini."
    ),
    "field.unknown": "Kolom ini tidak dikenal formulir. " + _RELOAD,
    "field.repeated": "Kolom ini terkirim lebih dari sekali. " + _RELOAD,
}

# The API's errors: status, whether sending again can help, and the message (handler.errors).
# "throttled" is answered by the gateway in front of the function; the page knows it by its status.
ERRORS: dict[str, dict[str, Any]] = {
    "invalid_submission": {
        "status": 400,
        "retryable": False,
        "message": "{count} isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali.",
    },
    "invalid_json": {
        "status": 400,
        "retryable": False,
        "message": f"Isian tidak dapat kami baca. {_KEPT}; muat ulang halaman, lalu kirim kembali.",
    },
    "rejected": {
        "status": 400,
        "retryable": False,
        "message": (
            "Pengiriman ini tidak dapat kami terima. Jika Anda mengisi formulir ini sendiri, muat ulang "
            "halaman lalu kirim kembali, atau hubungi LSP."
        ),
    },
    "origin_not_allowed": {
        "status": 403,
        "retryable": False,
        "message": (
            "Formulir ini hanya dapat dikirim dari situs resmi LSP. Buka formulir melalui tautan resmi LSP, "
            "lalu kirim kembali."
        ),
    },
    "unknown_scheme": {
        "status": 404,
        "retryable": False,
        "message": (
            "Skema sertifikasi ini tidak kami temukan. Buka daftar skema di halaman utama situs LSP dan "
            "pilih skema Anda kembali."
        ),
    },
    "method_not_allowed": {
        "status": 405,
        "retryable": False,
        "message": "Alamat ini hanya menerima pengiriman formulir (metode POST).",
    },
    "scheme_outdated": {
        "status": 409,
        "retryable": False,
        "message": (
            "Formulir skema ini baru saja diperbarui oleh LSP. Muat ulang halaman: jawaban Anda tetap "
            "tersimpan di perangkat ini. Periksa kembali isian Anda, lalu kirim."
        ),
    },
    "submission_conflict": {
        "status": 409,
        "retryable": False,
        "message": (
            "Asesmen mandiri dengan nomor pengiriman ini sudah kami terima sebelumnya dengan isian yang "
            "berbeda. Tanda terima pengiriman pertama tercantum di bawah; hubungi LSP bila Anda perlu "
            "mengubah jawaban."
        ),
    },
    "payload_too_large": {
        "status": 413,
        "retryable": False,
        "message": (
            "Isian terlalu besar untuk dikirim (paling besar {max_kb} KB). Persingkat bukti yang sangat "
            "panjang atau hapus lalu bubuhkan kembali tanda tangan Anda, kemudian kirim kembali."
        ),
    },
    "unsupported_media_type": {
        "status": 415,
        "retryable": False,
        "message": (
            "Format pengiriman tidak dikenali server (yang diterima hanya JSON). Muat ulang halaman, lalu "
            "kirim kembali; bila tetap gagal, hubungi LSP."
        ),
    },
    "throttled": {
        "status": 429,
        "retryable": True,
        "message": f"Server sedang menerima terlalu banyak kiriman. {_KEPT}; kirim kembali dalam beberapa saat.",
    },
    "internal_error": {
        "status": 500,
        "retryable": True,
        "message": (
            f"Maaf, terjadi kesalahan di server kami. {_KEPT}; kirim kembali dalam beberapa saat. "
            "Bila masalah berlanjut, hubungi LSP dan sebutkan kode {request_id}."
        ),
    },
    "storage_unavailable": {
        "status": 503,
        "retryable": True,
        "message": f"Penyimpanan kami sedang tidak dapat dijangkau. {_KEPT}; kirim kembali dalam beberapa saat.",
    },
}

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


# -- reading the table


def render(template: str, **values: Any) -> str:
    """Fill a template's {placeholders}; integers get Indonesian digit grouping (2.000)."""
    return _PLACEHOLDER.sub(lambda m: _written(values[m.group(1)]), template)


def message(rule: str, **values: Any) -> str:
    return render(MESSAGES[rule], **values)


def error_message(code: str, **values: Any) -> str:
    return render(ERRORS[code]["message"], **values)


def _written(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", ".")
    return str(value)


def verdict_field(key: str) -> str:
    return VERDICT_FIELD.replace("{key}", key)


def evidence_field(key: str) -> str:
    return EVIDENCE_FIELD.replace("{key}", key)


def candidate_fields() -> tuple[str, ...]:
    return (CANDIDATE_NAME, CANDIDATE_EMAIL, CANDIDATE_PHONE)


def form_fields(scheme: Scheme) -> list[str]:
    """Every field name a candidate can fill in on the scheme's page, in page order."""
    answers = [name for key in scheme.element_keys() for name in (verdict_field(key), evidence_field(key))]
    return [*answers, *candidate_fields(), DECLARATION, SIGNATURE]


def page_rules() -> dict[str, Any]:
    """The table as the page reads it: JSON-ready, embedded in every scheme page by the build."""
    return {
        "fields": {
            "name": CANDIDATE_NAME,
            "email": CANDIDATE_EMAIL,
            "phone": CANDIDATE_PHONE,
            "declaration": DECLARATION,
            "signature": SIGNATURE,
            "verdict": VERDICT_FIELD,
            "evidence": EVIDENCE_FIELD,
        },
        "verdicts": list(VERDICTS),
        "text": TEXT_RULES,
        "signature_png": SIGNATURE_PNG,
        "patterns": PATTERNS,
        "characters": CHARACTERS,
        "labels": LABELS,
        "messages": MESSAGES,
        "errors": ERRORS,
        "limits": {"body_max_kb": BODY_MAX_BYTES // 1024},
    }
