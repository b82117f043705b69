"""The files a submission lists, and a scheme's own evidence limits: field messages from the rule table."""

from __future__ import annotations

import shutil

import pytest
from support.api import configure_api
from support.handler import full_payload
from support.schemes import SMALL_SCHEMES

from handler import app, fields
from handler.scheme import MEBIBYTE
from handler.store import LocalStore
from swanilai import site
from swanilai.scheme_source import check_schemes

E1, E2 = "M.70MKT00.019.2/1", "M.70MKT00.019.2/2"
A_SHA = "a" * 64
B_SHA = "b" * 64


def pdf(name="laporan.pdf", size=1000, sha=A_SHA):
    return {"name": name, "size": size, "type": "application/pdf", "sha256": sha}


def with_files(files_of_e1, files_of_e2=None):
    def mutate(payload):
        payload["answers"][E1]["files"] = files_of_e1
        if files_of_e2 is not None:
            payload["answers"][E2]["files"] = files_of_e2

    return mutate


FIELD = f"answers[{E1}].files"
FILE0, FILE1 = f"{FIELD}[0]", f"{FIELD}[1]"
EL = "Unit 1, elemen 1"

# Checked before anything is read from storage: nothing here needs an upload.
INVALID = [
    (
        "files-not-a-list",
        with_files({"name": "a"}),
        {FIELD: f"{EL}: daftar lampiran tidak terbaca. Muat ulang halaman, lalu kirim kembali."},
    ),
    (
        "eleven-files",
        with_files([pdf(sha=f"{n:064x}") for n in range(11)]),
        {
            FIELD: f"{EL}: paling banyak 10 berkas lampiran (sekarang 11). Hapus lampiran yang tidak diperlukan, "
            "atau gabungkan beberapa halaman menjadi satu PDF."
        },
    ),
    (
        "over-5-mb",
        with_files([pdf(size=5 * MEBIBYTE + 1)]),
        {
            FILE0: f"{EL}: berkas \u201claporan.pdf\u201d berukuran 5 MB, melebihi batas 5 MB. Perkecil berkasnya "
            "(misalnya simpan ulang PDF dengan ukuran lebih kecil), lalu lampirkan kembali."
        },
    ),
    (
        "heic-not-converted",
        with_files([{**pdf(name="IMG_0001.HEIC"), "type": "image/heic"}]),
        {
            FILE0: f"{EL}: berkas \u201cIMG_0001.HEIC\u201d tidak dapat diterima: lampirkan berkas PDF, JPEG atau PNG. "
            "Foto HEIC dari iPhone diubah otomatis menjadi JPEG; bila gagal, ambil tangkapan layar atau foto ulang."
        },
    ),
    (
        "same-file-twice",
        with_files([pdf(), pdf(name="salinan.pdf")]),
        {FILE1: f"{EL}: berkas \u201csalinan.pdf\u201d terlampir dua kali. Hapus salah satunya."},
    ),
    (
        "size-zero",
        with_files([pdf(size=0)]),
        {FILE0: f"{EL}: lampiran ke-1 tidak terbaca. Hapus lampiran itu, lalu lampirkan kembali."},
    ),
    (
        "size-as-text",
        with_files([pdf(size="1000")]),
        {FILE0: f"{EL}: lampiran ke-1 tidak terbaca. Hapus lampiran itu, lalu lampirkan kembali."},
    ),
    (
        "upper-case-sha",
        with_files([pdf(sha="A" * 64)]),
        {FILE0: f"{EL}: lampiran ke-1 tidak terbaca. Hapus lampiran itu, lalu lampirkan kembali."},
    ),
    (
        "unknown-member",
        with_files([{**pdf(), "path": "/tmp/x"}]),
        {FILE0: f"{EL}: lampiran ke-1 tidak terbaca. Hapus lampiran itu, lalu lampirkan kembali."},
    ),
    (
        "blank-name",
        with_files([pdf(name="  ")]),
        {FILE0: f"{EL}: lampiran ke-1 tidak bernama. Hapus lampiran itu, lalu lampirkan kembali."},
    ),
    (
        "name-with-a-line-break",
        with_files([pdf(name="a\nb.pdf")]),
        {FILE0: f"{EL}: nama berkas hanya boleh berisi satu baris teks, tanpa baris baru atau tab."},
    ),
    (
        "over-25-mb-together",
        with_files([pdf(size=5 * MEBIBYTE, sha=f"{n:064x}") for n in range(5)], [pdf(size=MEBIBYTE, sha=B_SHA)]),
        {
            f"answers[{E2}].files": "Jumlah ukuran semua lampiran paling besar 25 MB (sekarang 26 MB). Hapus atau "
            "perkecil beberapa lampiran, lalu kirim kembali."
        },
    ),
]


@pytest.mark.parametrize("mutate, expected", [pytest.param(m, e, id=i) for i, m, e in INVALID])
def test_a_bad_file_list_is_refused_with_the_tables_message(api, payload, mutate, expected):
    mutate(payload)
    result = api.post(payload)
    assert (result.status, result.fields) == (400, expected)
    assert api.keys() == []


def test_the_same_file_in_two_elements_counts_once_towards_the_total(api, payload):
    # Five files of 5 MB in element 1 and one of them again in element 2: 25 MB stored, not 30.
    files = [pdf(size=5 * MEBIBYTE, sha=f"{n:064x}") for n in range(5)]
    with_files(files, [files[0]])(payload)
    result = api.post(payload)
    # Within every limit, so the files are looked for in storage, where none was uploaded.
    assert (result.status, sorted(result.fields)) == (400, [f"{FIELD}[{n}]" for n in range(5)])
    assert "belum sampai di server kami" in result.fields[FILE0]


@pytest.fixture(scope="module")
def limited_scheme(tmp_path_factory):
    """dua-unit with its own limits: PDF only, 1 MB a file, 2 files an element, 1.5 MB in all."""
    folder = tmp_path_factory.mktemp("limited")
    text = (SMALL_SCHEMES / "dua-unit.yaml").read_text(encoding="utf-8")
    text += "evidence:\n  types: [pdf]\n  max_file_mb: 1\n  max_files_per_element: 2\n  max_total_mb: 1.5\n"
    (folder / "schemes").mkdir()
    (folder / "schemes" / "dua-unit.yaml").write_text(text, encoding="utf-8")
    (scheme,) = check_schemes(folder / "schemes").schemes
    site.write_catalog([scheme], folder / "catalog")
    return scheme, folder / "catalog"


@pytest.fixture
def limited_api(limited_scheme, tmp_path, clock):
    scheme, catalog = limited_scheme
    yield configure_api(LocalStore(tmp_path / "var"), catalog, clock), scheme
    app.configure(None)


def test_a_schemes_own_limits_are_compiled_into_its_version(limited_scheme, small_schemes):
    scheme, _ = limited_scheme
    assert fields.evidence_limits(scheme) == fields.EvidenceLimits(
        ("application/pdf",), MEBIBYTE, 2, round(1.5 * MEBIBYTE)
    )
    assert scheme.version != small_schemes["dua-unit"].version
    # A scheme without the block keeps the table's limits, and its version is what it was before.
    assert fields.evidence_limits(small_schemes["dua-unit"]).max_files_per_element == fields.FILES_PER_ELEMENT
    assert "evidence" not in small_schemes["dua-unit"].to_dict()


@pytest.mark.parametrize(
    "files, expected",
    [
        (
            [{**pdf(name="foto.jpg"), "type": "image/jpeg"}],
            "berkas \u201cfoto.jpg\u201d tidak dapat diterima: lampirkan berkas PDF.",
        ),
        ([pdf(size=MEBIBYTE + 1)], "berukuran 1 MB, melebihi batas 1 MB."),
        ([pdf(sha=f"{n:064x}") for n in range(3)], "paling banyak 2 berkas lampiran (sekarang 3)."),
    ],
    ids=["type-the-scheme-does-not-take", "over-the-schemes-size", "more-than-the-schemes-count"],
)
def test_the_schemes_own_limits_apply(limited_api, files, expected):
    api, scheme = limited_api
    payload = full_payload(scheme)
    key = scheme.element_keys()[0]
    payload["answers"][key]["files"] = files
    result = api.post(payload)
    assert result.status == 400
    (message,) = result.fields.values()
    assert expected in message


def test_a_scheme_that_takes_no_files_says_so(tmp_path, clock):
    folder = tmp_path / "schemes"
    folder.mkdir()
    shutil.copy(SMALL_SCHEMES / "dua-unit.yaml", folder / "dua-unit.yaml")
    with open(folder / "dua-unit.yaml", "a", encoding="utf-8") as handle:
        handle.write("evidence:\n  max_files_per_element: 0\n")
    (scheme,) = check_schemes(folder).schemes
    site.write_catalog([scheme], tmp_path / "catalog")
    api = configure_api(LocalStore(tmp_path / "var"), tmp_path / "catalog", clock)
    try:
        payload = full_payload(scheme)
        key = scheme.element_keys()[0]
        payload["answers"][key]["files"] = [pdf()]
        assert api.post(payload).fields == {
            f"answers[{key}].files": "Unit 1, elemen 1: skema ini tidak menerima lampiran berkas. Hapus lampirannya "
            "dan tuliskan buktinya di kolom Bukti yang relevan."
        }
    finally:
        app.configure(None)


def test_the_page_rules_carry_the_schemes_limits(limited_scheme):
    scheme, _ = limited_scheme
    rules = fields.page_rules(scheme)["evidence"]
    assert (rules["types"], rules["max_file_bytes"], rules["max_files_per_element"]) == (
        ["application/pdf"],
        MEBIBYTE,
        2,
    )
    assert fields.page_rules()["evidence"]["max_files_per_element"] == fields.FILES_PER_ELEMENT


@pytest.mark.parametrize(
    "size, shown",
    [(1, "0,1"), (MEBIBYTE, "1"), (round(2.44 * MEBIBYTE), "2,4"), (25 * MEBIBYTE, "25"), (1234 * MEBIBYTE, "1.234")],
)
def test_sizes_are_written_as_the_candidate_reads_them(size, shown):
    assert fields.megabytes(size) == shown
