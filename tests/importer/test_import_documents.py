"""Word and PDF documents laid out as LSPs lay them out import to the scheme they were written from."""

from __future__ import annotations

import pytest
import yaml

from swanilai.importer import import_document
from swanilai.importer.form import read_form
from swanilai.importer.wordfile import read_word

LAYOUTS = ["cell", "rows", "merged"]


def imported_data(path, schemes, scheme_id="imported"):
    outcome = import_document(path, schemes, scheme_id=scheme_id)
    return outcome, yaml.safe_load(outcome.target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_as_docx_imports_to_the_seed(documents, schemes, seed_data, layout):
    outcome, data = imported_data(documents / f"seed-{layout}.docx", schemes)
    assert data == seed_data
    assert [note.code for note in outcome.form.notes] == [
        "kind_none",
        "lsp_from_number",
        "kuk_lowercase",
        "unit_untitled_label",
        "unit_no_code",
    ]
    assert outcome.check_errors == ()


@pytest.mark.parametrize("name", ["long-tick", "long-strike"])
def test_long_scheme_as_docx_keeps_kind_kuk_1_10_italics_and_the_missing_code(documents, schemes, long_data, name):
    outcome, data = imported_data(documents / f"{name}.docx", schemes)
    assert data == long_data
    criteria = data["units"][0]["elements"][0]["criteria"]
    assert [c["number"] for c in criteria[9:]] == ["1.10", "1.11", "1.12"]
    assert "dalam waktu 1.5 jam" in criteria[2]["text"]  # a number inside a KUK is text, not a new KUK
    codes = [note.code for note in outcome.form.notes]
    assert "unit_no_code" in codes
    assert ("kind_struck" in codes) == (name == "long-strike")
    assert outcome.check_errors == ()


def test_a_ticked_kind_needs_no_note_and_a_struck_one_says_how_it_was_read(documents):
    ticked = read_form(read_word((documents / "long-tick.docx").read_bytes()))
    struck = read_form(read_word((documents / "long-strike.docx").read_bytes()))
    assert ticked.kind == struck.kind == "Okupasi"
    assert [n.text("en") for n in struck.notes if n.code == "kind_struck"] == [
        "scheme kind read as Okupasi because the others are struck through in “Skema Sertifikasi (KKNI/Okupasi/Klaster)”"
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_seed_as_pdf_imports_to_the_seed(pdfs, schemes, seed_data, layout):
    outcome, data = imported_data(pdfs / f"seed-{layout}.pdf", schemes)
    assert data == seed_data
    assert outcome.check_errors == ()


@pytest.mark.parametrize("name", ["long-tick", "long-strike"])
def test_long_scheme_as_pdf_imports_to_the_long_scheme(pdfs, schemes, long_data, name):
    _, data = imported_data(pdfs / f"{name}.pdf", schemes)
    assert data == long_data


def test_an_element_cell_merged_down_and_broken_by_a_page_keeps_its_title_whole_and_says_so(pdfs, schemes, seed_data):
    # The end of element 4's title lands on the next page beside the end of KUK 4.1.
    outcome, data = imported_data(pdfs / "seed-merged.pdf", schemes)
    assert data["units"][6]["elements"][3] == seed_data["units"][6]["elements"][3]
    # Where LibreOffice breaks the page depends on its fonts: the note's place, not its words, is pinned.
    (note,) = [n for n in outcome.form.notes if n.code == "element_title_joined"]
    assert note.target == ("units", 6, "elements", 3)
    assert note.text("en").startswith("the title of element 4 continues on the next page; joined: “…")
