"""The filled FR.APL.02 of a record as an A4 HTML page: one renderer for `assessor.py render` and the desk.

Laid out like the paper form, from the record's own copy of the scheme text (a later edit of the
scheme never changes an old form), with the review that counts in "Ditinjau oleh Asesor" (its
outcome, notes, per-element notes and the assessor's drawn signature) and the receipt's
verification code with whether the stored record still matches it. Every value a candidate or an
assessor typed is escaped (it is hostile until proven otherwise) and made holdable by a document
(handler/text.py); only the scheme's own text is HTML, built by handler.scheme.text_html.

The style is one static file (site_src/docs/assets/apl02.css), every rule scoped to `.apl02`:
`assessor.py` embeds it so each archived form stands alone; the desk links it from the site, whose
Content-Security-Policy allows no inline style. Standard library only (Lambda).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handler import fields, png
from handler.deskrules import OUTCOME_LABELS
from handler.record import Record, Review
from handler.scheme import text_html
from handler.text import for_document
from handler.wib import WIB

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
KINDS = ("KKNI", "Okupasi", "Klaster")


@dataclass(frozen=True)
class Verification:
    """The stored record's SHA-256, and the one the candidate's receipt carries (None: not at hand)."""

    sha256: str
    receipt_sha256: str | None

    @property
    def matches_receipt(self) -> bool:
        return self.receipt_sha256 is not None and self.receipt_sha256 == self.sha256

    def to_dict(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "receipt_sha256": self.receipt_sha256, "matches_receipt": self.matches_receipt}


@dataclass(frozen=True)
class FormReview:
    """The review that counts (None: not reviewed yet) and how many reviews there are."""

    review: Review | None
    count: int


def escape(value: object) -> str:
    """Text for HTML content or a quoted attribute, after making it holdable by a document."""
    text = for_document(str(value))
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def scheme_html(text: str) -> str:
    """Scheme text as HTML (escaped, *emphasis* as <em>), made holdable by a document."""
    return for_document(text_html(text))


def tanggal(moment: datetime) -> str:
    """A date as the form writes it, in WIB: `24 November 2026`."""
    day = moment.astimezone(WIB)
    return f"{day.day} {BULAN[day.month - 1]} {day.year}"


def wib(moment: datetime) -> str:
    return f"{moment.astimezone(WIB):%Y-%m-%d %H:%M} WIB"


def drawable(data_url: str | None) -> str | None:
    """The data URL when it is a PNG a renderer may draw (size and dimensions within the limits)."""
    if data_url and png.drawable(
        data_url, fields.SIGNATURE_PNG_MAX_BYTES, fields.SIGNATURE_PNG_MAX_WIDTH, fields.SIGNATURE_PNG_MAX_HEIGHT
    ):
        return data_url
    return None


def render_form(
    record: Record,
    review: FormReview,
    verification: Verification | None = None,
    *,
    stylesheet: str | None = None,
    inline_css: str | None = None,
    generator: str = "Swanilai",
) -> str:
    """The whole page: `inline_css` embeds the style (an archive file), `stylesheet` links it (the desk)."""
    scheme = record.scheme
    head = [
        "<!DOCTYPE html>",
        '<html lang="id">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{escape(generator)}">',
        f"<title>FR.APL.02 Asesmen Mandiri · {escape(scheme.number)} · {escape(record.submission_id)}</title>",
    ]
    if inline_css is not None:
        footer = f'"FR.APL.02 · {_css_string(record.submission_id)}"'
        page_footer = (
            f'@page {{ @bottom-left {{ content: {footer}; font: 7pt "DejaVu Sans", sans-serif; color: #555; }} }}'
        )
        head.append(f"<style>\n{inline_css}\n{page_footer}\n</style>")
    if stylesheet is not None:
        head.append(f'<link rel="stylesheet" href="{escape(stylesheet)}">')
    head += ["</head>", "<body>", f'<article class="apl02" data-submission-id="{escape(record.submission_id)}">']
    body = [
        _meta(record),
        "<h1>FR.APL.02. ASESMEN MANDIRI</h1>",
        _header(record),
        _guide(record),
        *(_unit(record, number, unit) for number, unit in enumerate(scheme.units, start=1)),
        _signatures(record, review),
        _history(review),
        _verification(verification),
    ]
    return "\n".join([*head, *(part for part in body if part), "</article>", "</body>", "</html>", ""])


def _css_string(text: str) -> str:
    """Text inside a CSS double-quoted string: nothing but hex digits, hyphens and letters survive."""
    return "".join(c for c in text if c.isascii() and (c.isalnum() or c == "-"))


def _meta(record: Record) -> str:
    scheme = record.scheme
    return (
        f'<p class="meta">Dicetak dari arsip Swanilai · ID pengajuan {escape(record.submission_id)} · diterima '
        f"{escape(wib(record.received_at))} · skema {escape(scheme.id)} versi {escape(scheme.version)}</p>"
    )


def _header(record: Record) -> str:
    scheme = record.scheme
    kinds = "/".join(f"<s>{kind}</s>" if scheme.kind and scheme.kind != kind else kind for kind in KINDS)
    return "\n".join(
        [
            '<table class="head">',
            "  <tr>",
            f'    <th rowspan="2">Skema Sertifikasi<br><span class="kinds">({kinds})</span></th>',
            f'    <td class="label">Judul</td><td class="colon">:</td><td class="value">{scheme_html(scheme.title)}</td>',
            "  </tr>",
            "  <tr>",
            f'    <td class="label">Nomor</td><td class="colon">:</td><td class="value">{escape(scheme.number)}</td>',
            "  </tr>",
            "</table>",
        ]
    )


def _guide(record: Record) -> str:
    lines = "\n".join(f"    <li>{scheme_html(line)}</li>" for line in record.scheme.instructions)
    return "\n".join(
        [
            '<section class="guide">',
            "  <h2>PANDUAN ASESMEN MANDIRI</h2>",
            "  <p><strong>Instruksi:</strong></p>",
            "  <ul>",
            lines,
            "  </ul>",
            "</section>",
        ]
    )


def _unit(record: Record, number: int, unit) -> str:
    rows = [
        f'<table class="unit" data-unit-key="{escape(unit.key)}">',
        "  <thead>",
        '    <tr class="unit-head">',
        f'      <th class="unit-no">Unit Kompetensi: {number}</th>',
        f'      <th colspan="3">Kode Unit: {escape(unit.code or "—")}<br>Judul Unit: {scheme_html(unit.title)}</th>',
        "    </tr>",
        '    <tr class="cols">',
        '      <th class="ask-col">Dapatkah Saya ...?</th><th class="mark-col">K</th><th class="mark-col">BK</th>'
        '<th class="evidence-col">Bukti yang relevan</th>',
        "    </tr>",
        "  </thead>",
        "  <tbody>",
    ]
    for element in unit.elements:
        answer = record.answers.get(element.key)
        verdict = answer.verdict if answer else ""
        criteria = "\n".join(
            f'        <li><span class="kuk-no">{escape(c.number)}</span> {scheme_html(c.text)}</li>'
            for c in element.criteria
        )
        rows += [
            f'    <tr class="element" data-key="{escape(element.key)}" data-verdict="{escape(verdict)}">',
            '      <td class="ask">',
            f'        <p class="el-title"><span class="el-no">{element.number}. Elemen:</span> {scheme_html(element.title)}</p>',
            '        <p class="kuk-label">• Kriteria Unjuk Kerja:</p>',
            '        <ol class="kuk">',
            criteria,
            "        </ol>",
            "      </td>",
            f'      <td class="mark mark-k">{"✓" if verdict == "K" else ""}</td>',
            f'      <td class="mark mark-bk">{"✓" if verdict == "BK" else ""}</td>',
            f'      <td class="evidence">{escape(answer.evidence if answer else "")}{_files(answer)}</td>',
            "    </tr>",
        ]
    rows += ["  </tbody>", "</table>"]
    return "\n".join(rows)


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _files(answer: Any) -> str:
    """The evidence files an answer lists (records version 2), by name, size and SHA-256.

    Each item carries its SHA-256 as `data-sha256`, which the desk page reads to offer the file's
    download (GET .../files/{sha256}) beside it; the printed form shows the hash in groups of eight.
    """
    files = getattr(answer, "files", None) or ()
    items = []
    for item in files:
        name, size, sha = (
            (item.get(key) if isinstance(item, dict) else getattr(item, key, None))
            for key in ("name", "size", "sha256")
        )
        if not isinstance(name, str):
            continue
        kb = f" ({max(1, int(size) // 1024)} KB)" if isinstance(size, int) else ""
        if isinstance(sha, str) and _SHA256.fullmatch(sha):
            grouped = " ".join(sha[i : i + 8] for i in range(0, 64, 8))
            items.append(
                f'<li class="file" data-sha256="{sha}">{escape(name)}{kb} <code class="sha256">SHA-256 {grouped}</code></li>'
            )
        else:
            items.append(f'<li class="file">{escape(name)}{kb}</li>')
    return f'<ul class="files">{"".join(items)}</ul>' if items else ""


def _signatures(record: Record, form_review: FormReview) -> str:
    candidate = escape(record.candidate.name)
    image = drawable(record.signature.value) if record.signature.kind == "drawn" else None
    if image:
        signature = f'<img class="signature" src="{image}" alt="Tanda tangan {candidate}">'
    elif record.signature.kind == "typed":
        signature = f'<span class="typed">{escape(record.signature.value)}</span>'
    else:
        signature = '<span class="missing">(tanda tangan tidak dapat ditampilkan)</span>'
    review = form_review.review
    lines = []
    if record.declaration:
        lines.append(
            '<p class="declaration">☑ Asesi menyatakan bahwa jawaban dan bukti yang diisi dalam asesmen mandiri ini '
            "benar dan dapat dipertanggungjawabkan.</p>"
        )
    lines += [
        '<table class="sign">',
        "  <tr>",
        f'    <td class="first"><span class="field">Nama Asesi:</span> <span class="candidate-name">{candidate}</span></td>',
        f'    <td class="second"><span class="field">Tanggal:</span> {tanggal(record.received_at)}</td>',
        f'    <td><span class="field">Tanda Tangan Asesi:</span>\n      {signature}\n    </td>',
        "  </tr>",
        '  <tr><th class="review-title" colspan="3">Ditinjau oleh Asesor:</th></tr>',
        _review_row(review),
    ]
    if review and review.notes:
        lines.append(
            f'  <tr><td colspan="3"><span class="field">Catatan Asesor:</span> '
            f'<span class="review-notes">{escape(review.notes)}</span></td></tr>'
        )
    if review and review.element_notes:
        labels = _element_labels(record)
        notes = "".join(
            f'<li data-key="{escape(key)}"><strong>{escape(labels.get(key, key))}:</strong> {escape(text)}</li>'
            for key, text in review.element_notes.items()
        )
        lines.append(
            f'  <tr><td colspan="3" class="element-notes"><span class="field">Catatan per elemen:</span>'
            f"<ul>{notes}</ul></td></tr>"
        )
    lines.append("</table>")
    return "\n".join(lines)


def _review_row(review: Review | None) -> str:
    outcome = review.outcome if review else ""
    proceed = OUTCOME_LABELS["lanjut"]
    stop = "tidak dapat dilanjutkan"
    # The paper form's choice: the option not taken is struck; "Perlu perbaikan" strikes both.
    choice = [
        f"<s>{proceed}</s>" if outcome in ("tidak_lanjut", "perbaikan") else proceed,
        f"<s>{stop}</s>" if outcome in ("lanjut", "perbaikan") else stop,
    ]
    mended = (
        f'<br><strong class="outcome-perbaikan">{OUTCOME_LABELS["perbaikan"]}</strong>'
        if outcome == "perbaikan"
        else ""
    )
    name = escape(review.assessor_name) if review else ""
    registration = escape(review.registration) if review else ""
    date = tanggal(review.reviewed_at) if review else ""
    image = drawable(review.signature) if review else None
    signature = f'<img class="assessor-signature" src="{image}" alt="Tanda tangan {name}">' if image else ""
    return "\n".join(
        [
            f'  <tr class="review" data-recommendation="{outcome}" data-outcome="{outcome}">',
            f'    <td><span class="field">Nama Asesor:</span> <span class="assessor-name">{name}</span>',
            f'      <br><span class="field">No. Reg.:</span> <span class="assessor-reg">{registration}</span></td>',
            f'    <td><span class="field">Rekomendasi:</span>\n      {choice[0]}/\n      {choice[1]}{mended}\n    </td>',
            f'    <td><span class="field">Tanda Tangan dan Tanggal:</span> {signature}'
            f'<span class="review-date">{date}</span></td>',
            "  </tr>",
        ]
    )


def _element_labels(record: Record) -> dict[str, str]:
    labels = {}
    for number, unit in enumerate(record.scheme.units, start=1):
        for element in unit.elements:
            labels[element.key] = f"Unit {number}, elemen {element.number}"
    return labels


def _history(form_review: FormReview) -> str:
    if form_review.count <= 1:
        return ""
    return f'<p class="history">Tinjauan terbaru dari {form_review.count} tinjauan; riwayatnya tersimpan di arsip.</p>'


def _verification(verification: Verification | None) -> str:
    if verification is None:
        return ""
    code = " ".join(verification.sha256[i : i + 8] for i in range(0, 64, 8))
    if verification.receipt_sha256 is None:
        status = '<span class="unchecked">tanda terima tidak tersedia untuk dibandingkan</span>'
    elif verification.matches_receipt:
        status = '<span class="match">cocok dengan tanda terima asesi</span>'
    else:
        status = '<span class="mismatch">TIDAK cocok dengan tanda terima asesi</span>'
    return f'<p class="verification">Kode verifikasi (SHA-256) data tersimpan: <code>{code}</code> · {status}</p>'
