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
from dataclasses import dataclass
from typing import Any

from handler import png
from handler.scheme import MEBIBYTE, Scheme

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
# Evidence files: the list of an element, and one file of it by its position in the list as sent.
FILES_FIELD = "answers[{key}].files"
FILE_FIELD = "answers[{key}].files[{index}]"
# Personal data (UU 27/2022): the consent checkbox, apart from the declaration.
CONSENT = "consent"
# The candidate's loop: the hash of the status secret, and the submission a revision replaces.
STATUS_KEY_SHA256 = "status_key_sha256"
REVISES = "revises"

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
# Evidence files (issue 12): what a scheme allows unless its YAML says otherwise (`evidence:`, see
# handler.scheme.EvidenceLimits and schemes/README.md). HEIC photos are converted to JPEG in the
# browser, so the server never sees one. Sizes in bytes.
EVIDENCE_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
# What each type calls itself in its first bytes (checked on the stored bytes at filing).
EVIDENCE_MAGIC = {"application/pdf": "%PDF-", "image/jpeg": "\xff\xd8\xff", "image/png": "\x89PNG\r\n\x1a\n"}
EVIDENCE_KIND_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
FILE_MAX_BYTES = 5 * 1024 * 1024
FILES_PER_ELEMENT = 10
FILES_TOTAL_BYTES = 25 * 1024 * 1024
FILE_NAME_MAX = 200
# The upload ticket (POST /uploads): how long its presigned POST may be used.
UPLOAD_TICKET_SECONDS = 15 * 60
# The status secret: made in the browser when the draft is created (256 random bits, base64url
# without padding: 43 characters); only its SHA-256 (hex, of its ASCII text) is ever sent with the
# submission. At least 128 bits (22 characters) are required.
STATUS_KEY_PATTERN = r"^[A-Za-z0-9_-]{22,128}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
NOTICE_VERSION_PATTERN = r"^[0-9a-f]{12}$"
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
    "sha256": SHA256_PATTERN,
    "status_key": STATUS_KEY_PATTERN,
    "notice_version": NOTICE_VERSION_PATTERN,
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
    # Blank is refused by its own message (file.name_required), which names the file's position.
    "file_name": {"kind": LINE, "min": 1, "max": FILE_NAME_MAX},
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
    "file_name": "{element}: nama berkas",
    CONSENT: "Persetujuan pemrosesan data pribadi",
    # An element named only by a key the client sent (a scheme version the catalog no longer has).
    "element_key": "Elemen {key}",
    # A file named before it belongs to an element: an upload ticket is asked for the file alone.
    "upload": "Lampiran",
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
        "atau laporan kerja beserta tahunnya, atau lampirkan berkas buktinya."
    ),
    # evidence files: the list as sent (handler.submission), then the stored bytes (handler.filing)
    "files.unreadable": "{element}: daftar lampiran tidak terbaca. " + _RELOAD,
    "files.too_many": (
        "{element}: paling banyak {max} berkas lampiran (sekarang {count}). Hapus lampiran yang tidak "
        "diperlukan, atau gabungkan beberapa halaman menjadi satu PDF."
    ),
    "files.not_allowed": (
        "{element}: skema ini tidak menerima lampiran berkas. Hapus lampirannya dan tuliskan buktinya "
        "di kolom Bukti yang relevan."
    ),
    "files.total_too_big": (
        "Jumlah ukuran semua lampiran paling besar {max_mb} MB (sekarang {total_mb} MB). Hapus atau "
        "perkecil beberapa lampiran, lalu kirim kembali."
    ),
    "file.unreadable": "{element}: lampiran ke-{position} tidak terbaca. Hapus lampiran itu, lalu lampirkan kembali.",
    "file.name_required": "{element}: lampiran ke-{position} tidak bernama. Hapus lampiran itu, lalu lampirkan kembali.",
    "file.type_not_allowed": (
        "{element}: berkas \u201c{name}\u201d tidak dapat diterima: lampirkan berkas {types}. Foto HEIC "
        "dari iPhone diubah otomatis menjadi JPEG; bila gagal, ambil tangkapan layar atau foto ulang."
    ),
    "file.too_big": (
        "{element}: berkas \u201c{name}\u201d berukuran {size_mb} MB, melebihi batas {max_mb} MB. "
        "Perkecil berkasnya (misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu lampirkan kembali."
    ),
    "file.repeated": "{element}: berkas \u201c{name}\u201d terlampir dua kali. Hapus salah satunya.",
    "file.missing": (
        "{element}: berkas \u201c{name}\u201d belum sampai di server kami. Tunggu hingga unggahannya "
        "selesai, atau hapus lalu lampirkan kembali berkas itu, kemudian kirim."
    ),
    "file.size_mismatch": (
        "{element}: berkas \u201c{name}\u201d yang sampai di server tidak sama ukurannya dengan yang "
        "Anda lampirkan. Hapus lampiran itu, lampirkan kembali, lalu kirim."
    ),
    "file.checksum_mismatch": (
        "{element}: isi berkas \u201c{name}\u201d yang sampai di server berbeda dengan yang Anda "
        "lampirkan (berkas berubah atau rusak saat diunggah). Hapus lampiran itu, lampirkan kembali, lalu kirim."
    ),
    "file.wrong_type": (
        "{element}: berkas \u201c{name}\u201d bukan berkas {kind} seperti yang tertulis pada namanya. "
        "Lampirkan berkas {kind} yang asli, misalnya dengan menyimpan ulang atau memindai ulang dokumennya."
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
    # personal data: consent is its own checkbox, never merged with the declaration
    "consent.required": (
        "{label} wajib dicentang. Tanpa persetujuan Anda, LSP tidak boleh menerima dan menilai data "
        "asesmen mandiri ini (UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi). Baca pemberitahuan "
        "privasi di atas kotak centang, lalu centang bila Anda setuju."
    ),
    "consent.unreadable": "{label} tidak terbaca. " + _RELOAD,
    # the candidate's loop
    "status_key.invalid": "Kode status pengiriman tidak valid. " + _RELOAD,
    "revises.unreadable": (
        "Rujukan ke pengiriman yang diperbaiki tidak terbaca. Buka kembali tautan status dari tanda "
        "terima Anda, lalu pilih \u201cUbah dan kirim ulang\u201d."
    ),
    "revises.itself": (
        "Pengiriman perbaikan tidak boleh merujuk dirinya sendiri. Buka kembali tautan status dari tanda "
        "terima Anda, lalu pilih \u201cUbah dan kirim ulang\u201d."
    ),
    # the upload ticket (POST /uploads): named by the ticket's own fields
    "upload.unreadable": "Permintaan unggah tidak terbaca. " + _RELOAD,
}

# Messages only the candidate's page gives (nothing the handler checks): a photo the browser cannot
# read, a file whose bytes were lost before upload, a draft file that is not this scheme's draft.
_DRAFT_FILE = "Pilih berkas .json yang dibuat dengan tombol \u201cSimpan draf ke file\u201d di halaman skema ini."
MESSAGES |= {
    "file.heic_unsupported": (
        "{element}: foto \u201c{name}\u201d (HEIC) tidak dapat dibuka peramban ini. Di iPhone, pilih "
        "Pengaturan > Kamera > Format > Paling Kompatibel lalu foto ulang, atau lampirkan tangkapan layarnya."
    ),
    "file.unreadable_image": (
        "{element}: gambar \u201c{name}\u201d tidak dapat dibuka; berkasnya mungkin rusak. Simpan ulang atau "
        "foto ulang, lalu lampirkan kembali."
    ),
    "file.bytes_lost": (
        "Berkas \u201c{name}\u201d belum terunggah dan isinya tidak lagi tersimpan di perangkat ini. Hapus "
        "lampiran ini, lalu lampirkan kembali berkasnya."
    ),
    "draft_file.not_json": "Berkas ini bukan draf formulir (isinya bukan JSON). " + _DRAFT_FILE,
    "draft_file.foreign": "Berkas ini bukan draf asesmen mandiri Swanilai. " + _DRAFT_FILE,
    "draft_file.other_scheme": (
        "Berkas ini draf untuk skema lain ({number}). Buka halaman skema itu, lalu buka draf di sana."
    ),
    "draft_file.damaged": "Berkas draf ini rusak atau tidak lengkap, jadi tidak dapat dibuka. " + _DRAFT_FILE,
    "draft_file.too_big": "Berkas ini terlalu besar untuk draf (paling besar {max_mb} MB). " + _DRAFT_FILE,
}

# What the status route (GET .../status) calls each state, as the candidate reads it.
STATES = ("diterima", "lanjut", "tidak_lanjut", "perbaikan")
STATE_LABELS = {
    "diterima": "Diterima, belum ditinjau",
    "lanjut": "Asesmen dapat dilanjutkan",
    "tidak_lanjut": "Asesmen tidak dapat dilanjutkan",
    "perbaikan": "Perlu perbaikan",
}

# The API's errors: status, whether sending again can help, and the message (handler.errors).
# "throttled" is answered by the gateway in front of the function; the page knows it by its status.
ERRORS: dict[str, dict[str, Any]] = {
    "invalid_submission": {
        "status": 400,
        "retryable": False,
        "message": "{count} isian perlu diperbaiki. Periksa pesan pada setiap kolom, lalu kirim kembali.",
    },
    "invalid_upload": {
        "status": 400,
        "retryable": False,
        "message": "Berkas ini tidak dapat diunggah. Periksa pesan pada lampiran, lalu lampirkan kembali.",
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
    "not_found": {
        "status": 404,
        "retryable": False,
        "message": (
            "Pengiriman ini tidak kami temukan, atau tautan statusnya tidak lengkap. Buka tautan status "
            "persis seperti pada tanda terima Anda (salin seluruhnya, termasuk bagian setelah tanda #)."
        ),
    },
    "revision_not_found": {
        "status": 404,
        "retryable": False,
        "message": (
            "Pengiriman yang hendak Anda perbaiki tidak kami temukan untuk skema ini, atau kode statusnya "
            "tidak cocok. Buka kembali tautan status dari tanda terima pengiriman itu, lalu pilih "
            "\u201cUbah dan kirim ulang\u201d. Jawaban Anda tetap tersimpan di perangkat ini."
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
        "message": "Alamat ini tidak menerima metode permintaan tersebut. Buka formulir melalui tautan resmi LSP.",
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
    "already_revised": {
        "status": 409,
        "retryable": False,
        "message": (
            "Pengiriman ini sudah diperbaiki sebelumnya dengan pengiriman lain (tanda terimanya tercantum "
            "di bawah). Buka tautan status pengiriman terbaru itu untuk memperbaikinya lagi."
        ),
    },
    "notice_outdated": {
        "status": 409,
        "retryable": False,
        "message": (
            "Pemberitahuan privasi LSP baru saja diperbarui. Muat ulang halaman: jawaban Anda tetap "
            "tersimpan di perangkat ini. Baca pemberitahuan yang baru, centang persetujuan kembali, lalu kirim."
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


def files_field(key: str) -> str:
    return FILES_FIELD.replace("{key}", key)


def file_field(key: str, index: int) -> str:
    return FILE_FIELD.replace("{key}", key).replace("{index}", str(index))


def megabytes(size: int) -> str:
    """A size as the candidate reads it: 5, 2,4 or 0,1 (MB of 1.048.576 bytes, one decimal, comma)."""
    tenths = max(1, round(size * 10 / MEBIBYTE)) if size else 0
    whole, tenth = divmod(tenths, 10)
    return f"{whole:,}".replace(",", ".") + (f",{tenth}" if tenth else "")


@dataclass(frozen=True)
class EvidenceLimits:
    """The evidence rules that hold for one scheme: its own (`evidence:` in its YAML), else the table's."""

    types: tuple[str, ...]
    max_file_bytes: int
    max_files_per_element: int
    max_total_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "types": list(self.types),
            "max_file_bytes": self.max_file_bytes,
            "max_files_per_element": self.max_files_per_element,
            "max_total_bytes": self.max_total_bytes,
        }

    def type_names(self) -> str:
        """The allowed types for a message: "PDF, JPEG atau PNG"."""
        names = [EVIDENCE_KIND_NAMES[media_type] for media_type in self.types]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " atau " + names[-1]


def evidence_limits(scheme: Scheme | None) -> EvidenceLimits:
    """The limits for a scheme's evidence files; None (a version the catalog no longer has): the table's."""
    rules = scheme.evidence if scheme is not None else None
    pick = lambda value, default: default if value is None else value  # noqa: E731 - four fields alike
    return EvidenceLimits(
        types=pick(rules and rules.types, tuple(EVIDENCE_TYPES)),
        max_file_bytes=pick(rules and rules.max_file_bytes, FILE_MAX_BYTES),
        max_files_per_element=pick(rules and rules.max_files_per_element, FILES_PER_ELEMENT),
        max_total_bytes=pick(rules and rules.max_total_bytes, FILES_TOTAL_BYTES),
    )


def candidate_fields() -> tuple[str, ...]:
    return (CANDIDATE_NAME, CANDIDATE_EMAIL, CANDIDATE_PHONE)


def form_fields(scheme: Scheme) -> list[str]:
    """Every field name a candidate can fill in on the scheme's page, in page order."""
    answers = [name for key in scheme.element_keys() for name in (verdict_field(key), evidence_field(key))]
    return [*answers, *candidate_fields(), DECLARATION, SIGNATURE]


def page_rules(scheme: Scheme | None = None) -> dict[str, Any]:
    """The table as the page reads it: JSON-ready, embedded in every scheme page by the build.

    With a scheme, `evidence` holds that scheme's limits (its YAML may change the table's).
    """
    return {
        "fields": {
            "name": CANDIDATE_NAME,
            "email": CANDIDATE_EMAIL,
            "phone": CANDIDATE_PHONE,
            "declaration": DECLARATION,
            "signature": SIGNATURE,
            "verdict": VERDICT_FIELD,
            "evidence": EVIDENCE_FIELD,
            "files": FILES_FIELD,
            "file": FILE_FIELD,
            "consent": CONSENT,
            "status_key_sha256": STATUS_KEY_SHA256,
            "revises": REVISES,
        },
        "evidence": {
            **evidence_limits(scheme).to_dict(),
            "extensions": EVIDENCE_TYPES,
            "kind_names": EVIDENCE_KIND_NAMES,
            "name_max": FILE_NAME_MAX,
            "ticket_seconds": UPLOAD_TICKET_SECONDS,
        },
        "states": STATE_LABELS,
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
