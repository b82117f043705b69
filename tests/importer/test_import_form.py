"""Reading the form, one layout quirk per row: the scheme kind, unit headers, elements and KUK numbering."""

from __future__ import annotations

import pytest

from swanilai.importer.form import read_form
from swanilai.importer.textfile import read_text

KIND_ROW = "Skema Sertifikasi (KKNI/Okupasi/Klaster)"
UNIT = "Unit Kompetensi: 1\tKode Unit: M.70MKT00.019.2 Judul Unit: Mengelola Momen Kebenaran"
ELEMENT = "1. Elemen: Memetakan titik interaksi • Kriteria Unjuk Kerja: 1.1 Titik dipetakan. 1.2 Kriteria ditentukan."


def form_of(
    kind: str = KIND_ROW, unit: str = UNIT, body: str = ELEMENT, instructions: str = "- Baca setiap pertanyaan"
):
    text = "\n".join(
        [
            "FR.APL.02. ASESMEN MANDIRI",
            f"{kind}\tJudul\t:\tSkema Uji",
            "\tNomor\t:\tSS.001/LSP-P1 UJI/2025",
            "Instruksi:",
            instructions,
            unit,
            "Dapatkah Saya\tK\tBK\tBukti yang relevan",
            body,
            "Nama Asesor: Budi Santoso\tRekomendasi:",
        ]
    )
    return read_form(read_text(text.encode("utf-8")))


def codes(form) -> list[str]:
    return [note.code for note in form.notes if note.code != "lsp_from_number"]


@pytest.mark.parametrize(
    ("kind_row", "kind", "notes"),
    [
        ("Skema Sertifikasi ☑ KKNI ☐ Okupasi ☐ Klaster", "KKNI", []),
        ("Skema Sertifikasi KKNI ☐ Okupasi ☑ Klaster ☐", "Okupasi", []),
        ("Skema Sertifikasi [x] Klaster [ ] Okupasi [ ] KKNI", "Klaster", []),
        ('Skema Sertifikasi <input type="checkbox" checked/> Okupasi <input type="checkbox"/> KKNI', "Okupasi", []),
        ("Skema Sertifikasi: Okupasi", "Okupasi", []),
        ("Skema Sertifikasi (KKNI/Okupasi/Klaster)", None, ["kind_none"]),
        ("Skema Sertifikasi ☑ KKNI ☑ Okupasi ☐ Klaster", None, ["kind_unclear"]),
    ],
    ids=[
        "box-before-word",
        "box-after-word",
        "bracket-x",
        "html-checkbox",
        "only-one-named",
        "none-ticked",
        "two-ticked",
    ],
)
def test_scheme_kind_is_the_ticked_one_or_none(kind_row, kind, notes):
    form = form_of(kind=kind_row)
    assert form.kind == kind
    assert codes(form) == notes


def test_header_footer_and_instructions():
    form = form_of(instructions="1. Baca setiap pertanyaan\n2. Beri tanda centang (✓) pada kotak")
    assert (form.title, form.number, form.lsp, form.assessor) == (
        "Skema Uji",
        "SS.001/LSP-P1 UJI/2025",
        "LSP-P1 UJI",
        "Budi Santoso",
    )
    assert form.instructions == ("Baca setiap pertanyaan", "Beri tanda centang (✓) pada kotak")


@pytest.mark.parametrize(
    ("unit", "code", "title", "notes"),
    [
        (UNIT, "M.70MKT00.019.2", "Mengelola Momen Kebenaran", []),
        (
            "Unit Kompetensi: 1\tKode Unit: M.70MKT00. 019.2\tJudul Unit: Mengelola Momen",
            "M.70MKT00.019.2",
            "Mengelola Momen",
            ["unit_code_repaired"],
        ),
        (
            "Unit Kompetensi: 1\tKode Unit: 019.2-MKT\tJudul Unit: Mengelola Momen",
            None,
            "Mengelola Momen",
            ["unit_code_invalid"],
        ),
        ("Unit Kompetensi: 1\tKode Unit: -\tJudul Unit: Mengelola Momen", None, "Mengelola Momen", ["unit_no_code"]),
        ("Unit Kompetensi: 1\tMengelola Momen", None, "Mengelola Momen", ["unit_untitled_label", "unit_no_code"]),
        (
            "Unit Kompetensi: 3\tKode Unit: M.70MKT00.019.2\tJudul Unit: Mengelola Momen",
            "M.70MKT00.019.2",
            "Mengelola Momen",
            ["unit_numbered"],
        ),
        (
            "Unit Kompetensi: 1\tKode Unit: M.70MKT00.019.2\tJudul Unit: Mengembangkan Kompetensi Staf",
            "M.70MKT00.019.2",
            "Mengembangkan Kompetensi Staf",
            [],
        ),
        (
            "Unit\tKode Unit: M.70MKT00.019.2\nKompetensi: 1\tJudul Unit: Mengelola Momen",
            "M.70MKT00.019.2",
            "Mengelola Momen",
            ["unit_header_split"],
        ),
        (
            "Unit Kompetensi: 1\tKode Unit: M.70MKT00.019.2\tJuduk Unit: Mengelola Momen",
            "M.70MKT00.019.2",
            "Mengelola Momen",
            ["unit_label"],
        ),
    ],
    ids=[
        "seed-layout",
        "space-in-code",
        "not-a-code",
        "dash-for-code",
        "no-labels",
        "numbered-3-first",
        "kompetensi-in-title",
        "label-split-over-rows",
        "label-typo",
    ],
)
def test_unit_header_gives_code_and_title_and_never_invents_a_code(unit, code, title, notes):
    form = form_of(unit=unit)
    assert (form.units[0].code, form.units[0].title) == (code, title)
    assert codes(form) == ["kind_none", *notes]


def kuk(form, element: int = 0) -> list[tuple[str, str]]:
    return [(c.number, c.text) for c in form.units[0].elements[element].criteria]


@pytest.mark.parametrize(
    ("body", "criteria", "notes"),
    [
        (ELEMENT, [("1.1", "Titik dipetakan."), ("1.2", "Kriteria ditentukan.")], []),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Iklan ditayangkan dalam 1.5 jam. 1.2 Biaya dihitung.",
            [("1.1", "Iklan ditayangkan dalam 1.5 jam."), ("1.2", "Biaya dihitung.")],
            [],
        ),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: 1.1. Satu. 1.2. Dua.",
            [("1.1", "Satu."), ("1.2", "Dua.")],
            ["kuk_trailing_dot", "kuk_trailing_dot"],
        ),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Satu.\n1.3 Tiga.",
            [("1.1", "Satu."), ("1.2", "Tiga.")],
            ["kuk_gap"],
        ),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: " + " ".join(f"1.{n} Kriteria {n}." for n in range(1, 13)),
            [(f"1.{n}", f"Kriteria {n}.") for n in range(1, 13)],
            [],
        ),
        (
            "1. Elemen: A\nKriteria Unjuk Kerja:\nSatu.\nDua.",
            [("1.1", "Satu."), ("1.2", "Dua.")],
            ["criteria_unnumbered"],
        ),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Membuat cetak-\t\t\t\nbiru layanan.\t\t\t",
            [("1.1", "Membuat cetak-biru layanan.")],
            ["kuk_hyphen_joined"],
        ),
        (
            "<p>1. Elemen: A</p> <ul><li>Kriteria Unjuk Kerja:</li></ul> <ol><li>1.1 Nilai (<i>value</i>) dianalisis.</li></ol>",
            [("1.1", "Nilai (*value*) dianalisis.")],
            [],
        ),
        (
            "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Satu. 1.2 organisasi didaftarkan.",
            [("1.1", "Satu."), ("1.2", "organisasi didaftarkan.")],
            ["kuk_lowercase"],
        ),
    ],
    ids=[
        "seed-layout",
        "number-inside-a-sentence",
        "trailing-dots",
        "gap-at-line-start",
        "kuk-1-10-to-1-12",
        "unnumbered-lines",
        "hyphen-at-row-end",
        "html-debris-and-italics",
        "lowercase-start",
    ],
)
def test_kuk_are_split_on_their_numbers_in_sequence(body, criteria, notes):
    form = form_of(body=body)
    assert kuk(form) == criteria
    assert codes(form) == ["kind_none", *notes]


def test_kuk_numbered_under_another_element_are_renumbered_and_noted():
    body = "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Satu.\n2. Elemen: B • Kriteria Unjuk Kerja: 1.1 Dua. 1.2 Tiga."
    form = form_of(body=body)
    assert kuk(form, 1) == [("2.1", "Dua."), ("2.2", "Tiga.")]
    assert [n.text("en") for n in form.notes if n.code == "kuk_renumbered"] == [
        "KUK number “1.1” written as “2.1” (its place in the document)",
        "KUK number “1.2” written as “2.2” (its place in the document)",
    ]


def test_elements_are_numbered_by_their_place_and_a_different_number_is_noted():
    body = "1. Elemen: A • Kriteria Unjuk Kerja: 1.1 Satu.\n3. Elemen: B • Kriteria Unjuk Kerja: 3.1 Dua."
    form = form_of(body=body)
    assert [(e.number, e.title) for e in form.units[0].elements] == [(1, "A"), (2, "B")]
    assert kuk(form, 1) == [("2.1", "Dua.")]
    assert [n.code for n in form.notes if n.code.startswith(("element", "kuk"))] == [
        "element_numbered",
        "kuk_renumbered",
    ]


def test_empty_boxes_of_a_layout_export_are_not_part_of_an_element_title():
    # `pdftotext -layout` puts the K and BK boxes on the element's first line.
    form = form_of(body="1. Elemen: Memetakan titik        ☐     ☐\ninteraksi • Kriteria Unjuk Kerja: 1.1 Satu.")
    assert form.units[0].elements[0].title == "Memetakan titik interaksi"
