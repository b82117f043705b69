"""render: the filled FR.APL.02 as the paper form lays it out, from the record itself, candidate text escaped."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from html.parser import HTMLParser

import pytest
from support.assessor import EVIL_EVIDENCE
from support.records import make_record, record_key, store_record

from handler.scheme import plain_text


class FormCells(HTMLParser):
    """Per element row (tr[data-key]): the text of its K, BK and evidence cells; plus the review block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: dict[str, dict[str, str]] = {}
        self.review: dict[str, str] = {}
        self._row: str | None = None
        self._cell: str | None = None
        self._stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "tr" and "element" in classes:
            self._row = attrs["data-key"]
            self.rows[self._row] = {}
        if tag == "tr" and "review" in classes:
            self.review["recommendation"] = attrs["data-recommendation"]
        if tag == "td" and self._row:
            self._cell = next((c for c in ("mark-k", "mark-bk", "evidence", "ask") if c in classes), None)
            self.rows[self._row][self._cell] = ""
        if tag == "s":
            self._stack.append("s")
        if tag in ("script", "b") and self._row:
            raise AssertionError(f"a <{tag}> element was rendered from candidate text")

    def handle_endtag(self, tag):
        if tag == "tr":
            self._row = None
        if tag == "td":
            self._cell = None
        if tag == "s" and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if self._row and self._cell:
            self.rows[self._row][self._cell] += data
        if self._stack:
            self.review["struck"] = self.review.get("struck", "") + data.strip()


def parse(page: str) -> FormCells:
    parser = FormCells()
    parser.feed(page)
    return parser


def rendered(invoke, copy, which: str, *extra: str) -> str:
    record = copy.records[which]
    result = invoke("render", record["submission_id"], "--dir", copy.root, "--out", copy.root / "out", *extra)
    assert result.exit_code == 0, result.output
    return (copy.root / "out" / f"FR.APL.02-{record['submission_id']}.html").read_text(encoding="utf-8")


def test_every_elements_mark_is_in_its_own_column(invoke, copy, seed):
    record = copy.records["reviewed"]
    cells = parse(rendered(invoke, copy, "reviewed")).rows
    assert list(cells) == list(seed.element_keys())
    for key, answer in record["answers"].items():
        expected = {"K": ("✓", ""), "BK": ("", "✓")}[answer["verdict"]]
        assert (cells[key]["mark-k"].strip(), cells[key]["mark-bk"].strip()) == expected, key
        assert cells[key]["evidence"] == answer["evidence"]
    assert {a["verdict"] for a in record["answers"].values()} == {"K", "BK"}


def test_every_criterion_is_under_its_element(invoke, copy, seed):
    cells = parse(rendered(invoke, copy, "reviewed")).rows
    for unit in seed.units:
        for element in unit.elements:
            text = " ".join(cells[element.key]["ask"].split())
            assert plain_text(element.title) in text
            for criterion in element.criteria:
                assert f"{criterion.number} {plain_text(criterion.text)}" in text, (element.key, criterion.number)


def test_header_shows_scheme_kind_title_and_number(invoke, copy, seed):
    page = rendered(invoke, copy, "reviewed")
    assert "FR.APL.02. ASESMEN MANDIRI" in page
    assert html.escape(seed.number) in page and "(KKNI/Okupasi/Klaster)" in page
    assert "Mengelola Momen Kebenaran (<em>Moment of Truth</em>)" in page  # the scheme's emphasis, as HTML


def test_candidate_text_renders_as_text_never_as_markup(invoke, copy, seed):
    page = rendered(invoke, copy, "hostile")
    cells = parse(page).rows  # the parser fails on any <script> or <b> inside a row
    assert cells[seed.element_keys()[0]]["evidence"] == EVIL_EVIDENCE
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;/td&gt;&lt;td&gt;" in page


def test_review_block_is_filled_from_the_latest_review_with_the_other_option_struck(invoke, copy):
    page = rendered(invoke, copy, "reviewed")
    review = parse(page).review
    assert review == {"recommendation": "tidak_lanjut", "struck": "Asesmen dapat dilanjutkan"}
    assert '<span class="assessor-name">Andriansyah Bachtillah</span>' in page
    assert '<span class="assessor-reg">MET.000.001234 2020</span>' in page
    assert '<span class="review-date">28 November 2026</span>' in page  # 2026-11-27 23:15 UTC is the 28th in WIB
    assert "Bukti unit 3 &lt;b&gt;belum&lt;/b&gt; memadai" in page
    assert "Tinjauan terbaru dari 2 tinjauan" in page
    assert "Asesor Pertama" not in page


def test_review_block_is_empty_without_a_review(invoke, copy):
    page = rendered(invoke, copy, "typed")
    assert parse(page).review == {"recommendation": ""}
    assert '<span class="assessor-name"></span>' in page and '<span class="review-date"></span>' in page


def test_candidate_name_date_and_signature(invoke, copy):
    drawn = rendered(invoke, copy, "reviewed")
    assert '<span class="candidate-name">Siti Rahayu</span>' in drawn
    assert "24 November 2026" in drawn  # received 2026-11-23 23:15 UTC = 24 November in WIB
    assert re.search(
        r'<img class="signature" src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Tanda tangan Siti Rahayu">', drawn
    )
    typed = rendered(invoke, copy, "typed")
    assert '<span class="typed">Budi Santoso</span>' in typed and "<img" not in typed


def test_signature_that_is_not_a_png_is_not_embedded(invoke, copy, seed):
    record = make_record(seed, name="Tanpa Gambar")
    record["signature"] = {"kind": "drawn", "data_url": 'data:image/png;base64,AAAA" onerror="alert(1)'}
    store_record(copy.store, record)
    result = invoke("render", record["submission_id"], "--dir", copy.root, "--out", copy.root / "out")
    assert result.exit_code == 0, result.output
    page = (copy.root / "out" / f"FR.APL.02-{record['submission_id']}.html").read_text()
    assert "(tanda tangan tidak dapat ditampilkan)" in page and "onerror" not in page


def test_form_comes_from_the_records_own_scheme_copy_not_the_catalog(invoke, copy, seed):
    record = make_record(seed, name="Arsip Lama")
    # The scheme as the candidate saw it then; the catalog may have changed since.
    record["scheme"]["title"] = "Judul Skema Versi Lama"
    record["scheme"]["units"][0]["elements"][0]["criteria"][0]["text"] = "KUK yang kemudian diubah."
    store_record(copy.store, record)
    page = rendered_for(invoke, copy, record)
    assert "Judul Skema Versi Lama" in page and "KUK yang kemudian diubah." in page
    assert seed.title not in page


def rendered_for(invoke, copy, record) -> str:
    result = invoke("render", record["submission_id"], "--dir", copy.root, "--out", copy.root / "out")
    assert result.exit_code == 0, result.output
    return (copy.root / "out" / f"FR.APL.02-{record['submission_id']}.html").read_text()


def test_render_all_writes_one_self_contained_file_per_submission(invoke, copy):
    result = invoke("render", "--all", "--dir", copy.root)
    assert result.exit_code == 0, result.output
    files = sorted((copy.root / "forms").glob("*.html"))
    assert [f.name for f in files] == sorted(f"FR.APL.02-{r['submission_id']}.html" for r in copy.records.values())
    for page in (f.read_text() for f in files):
        assert not re.search(r'<(link|script)\b|src="(?!data:)|url\(', page), "the file must not need anything else"
        assert "size: A4" in page


def test_an_abbreviated_id_renders_and_an_unknown_one_is_an_error(invoke, copy):
    short = copy.records["typed"]["submission_id"][:8]
    assert invoke("render", short, "--dir", copy.root).exit_code == 0
    result = invoke("render", "00000000-dead-4bad-8bad-000000000000", "--dir", copy.root)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no submission with id '00000000-dead-4bad-8bad-000000000000' in {copy.root}: "
        "run `assessor.py list` to see the ids, or `assessor.py pull` to fetch new submissions\n"
    )


@pytest.mark.browser
def test_pdf_is_a4_and_holds_the_scheme_number_the_name_and_every_criterion(invoke, copy, seed):
    record = copy.records["reviewed"]
    rendered(invoke, copy, "reviewed", "--pdf")
    pdf = copy.root / "out" / f"FR.APL.02-{record['submission_id']}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:.* pts \(A4\)", info)
    text = " ".join(
        subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split()
    )
    assert seed.number in text and "Siti Rahayu" in text and "Andriansyah Bachtillah" in text
    missing = [
        f"{c.number} {plain_text(c.text)}"
        for e in seed.elements
        for c in e.criteria
        if f"{c.number} {plain_text(c.text)}" not in text
    ]
    assert missing == []
    assert len([c for e in seed.elements for c in e.criteria]) == 151


def test_the_schemes_kind_is_shown_by_striking_the_other_two(invoke, copy, seed):
    record = make_record(seed, name="Jenis Okupasi")
    record["scheme"]["kind"] = "Okupasi"
    store_record(copy.store, record)
    page = rendered_for(invoke, copy, record)
    assert '<span class="kinds">(<s>KKNI</s>/Okupasi/<s>Klaster</s>)</span>' in page


def test_render_straight_from_a_bucket_writes_into_the_current_directory(
    invoke, s3, bucket, seed, tmp_path, monkeypatch
):
    from handler.store import S3Store

    record = make_record(seed, name="Langsung dari S3")
    store_record(S3Store(bucket, client=s3), record)
    monkeypatch.chdir(tmp_path)
    result = invoke("render", "--all", "--dir", f"s3://{bucket}")
    assert result.exit_code == 0, result.output
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")] == [
        "forms",
        f"forms/FR.APL.02-{record['submission_id']}.html",
    ]


UNSAFE_IN_A_PAGE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]"
)


def test_text_no_document_can_hold_is_replaced_in_the_form(invoke, seed, tmp_path):
    record = make_record(seed, name="Siti\x1b[2J \u202eayuhaR \ud83d", signature="typed")
    record["answers"][seed.element_keys()[0]] = {"verdict": "K", "evidence": "Laporan\x07 2024\x00\ufffe\x9b"}
    path = tmp_path / "copy" / record_key(record)
    path.parent.mkdir(parents=True)
    path.write_bytes(json.dumps(record).encode())  # ASCII JSON: the lone surrogate survives, escaped
    result = invoke("render", "--all", "--dir", tmp_path / "copy", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / f"FR.APL.02-{record['submission_id']}.html").read_text(encoding="utf-8")
    assert UNSAFE_IN_A_PAGE.findall(page) == []
    assert parse(page).rows[seed.element_keys()[0]]["evidence"] == "Laporan\ufffd 2024\ufffd\ufffd\ufffd"
    assert '<span class="candidate-name">Siti\ufffd[2J \ufffdayuhaR \ufffd</span>' in page


class FakeChromium:
    """Playwright's Chromium as far as render --pdf uses it, remembering how it was launched."""

    def __init__(self) -> None:
        self.launched: dict = {}

    def start(self):
        return self

    @property
    def chromium(self):
        return self

    def launch(self, **options):
        self.launched = options
        return self

    def new_page(self, **options):
        return self

    def set_content(self, html, **options) -> None:
        pass

    def pdf(self, **options) -> bytes:
        return b"%PDF-1.7 fake"

    def close(self) -> None:
        pass

    def stop(self) -> None:
        pass


@pytest.mark.parametrize(
    "euid, sandboxed, stderr",
    [
        (1000, True, ""),
        (
            0,
            False,
            "warning: Chromium runs without its sandbox because assessor.py runs as root; run `render --pdf` "
            "as an ordinary user to decode candidates' images inside the sandbox\n",
        ),
    ],
    ids=["ordinary-user-sandboxed", "root-says-it-cannot"],
)
def test_chromium_decodes_candidates_images_inside_its_sandbox_unless_root(
    invoke, copy, monkeypatch, euid, sandboxed, stderr
):
    import playwright.sync_api

    chromium = FakeChromium()
    monkeypatch.setattr(playwright.sync_api, "sync_playwright", lambda: chromium)
    monkeypatch.setattr(os, "geteuid", lambda: euid)
    result = invoke("render", "--all", "--pdf", "--dir", copy.root, "--out", copy.root / "out")
    assert result.exit_code == 0, result.output
    assert chromium.launched.get("chromium_sandbox", False) is sandboxed
    assert "--no-sandbox" not in chromium.launched["args"]
    assert result.stderr == stderr
    assert len(list((copy.root / "out").glob("*.pdf"))) == 3
