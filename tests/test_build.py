"""`build.py build`: the compiled catalog, versions, stable keys and a self-contained site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from handler.scheme import read_catalog_entry
from swanilai import site
from swanilai.scheme_source import check_schemes

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "tests" / "fixtures" / "schemes" / "konsultasi-manajemen-pemasaran.yaml"


def compile_text(tmp_path: Path, text: str, name: str = "konsultasi-manajemen-pemasaran"):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir(parents=True, exist_ok=True)
    (scheme_dir / f"{name}.yaml").write_text(text, encoding="utf-8")
    result = check_schemes(scheme_dir)
    assert result.errors == []
    return next(s for s in result.schemes if s.id == name)


def test_version_is_stable_across_two_compilations(tmp_path):
    text = SEED_FILE.read_text(encoding="utf-8")
    assert compile_text(tmp_path / "a", text).version == compile_text(tmp_path / "b", text).version


def test_version_changes_when_one_criterion_text_changes(tmp_path):
    text = SEED_FILE.read_text(encoding="utf-8")
    before = compile_text(tmp_path / "a", text)
    after = compile_text(
        tmp_path / "b",
        text.replace("dipetakan berdasarkan pengalaman pelanggan.", "dipetakan berdasarkan pengalaman pelanggan!", 1),
    )
    assert re.fullmatch(r"[0-9a-f]{12}", before.version)
    assert before.version != after.version
    assert before.element_keys() == after.element_keys()


def test_element_keys_survive_reordering_units(tmp_path):
    text = SEED_FILE.read_text(encoding="utf-8")
    head, units = text.split("units:\n", 1)
    blocks = re.split(r"(?m)^(?=  - )", units)
    reordered = head + "units:\n" + "".join(reversed([b for b in blocks if b.strip()]))
    before = compile_text(tmp_path / "a", text)
    after = compile_text(tmp_path / "b", reordered)
    assert set(before.element_keys()) == set(after.element_keys())
    assert before.element_keys() != after.element_keys()
    titles = {e.key: e.title for e in before.elements}
    assert all(titles[e.key] == e.title for e in after.elements)


def test_seed_keys_use_unit_codes_and_the_title_for_unit_nine(seed):
    assert seed.element_keys()[:3] == ("M.70MKT00.019.2/1", "M.70MKT00.019.2/2", "M.70MKT00.019.2/3")
    unit9 = seed.units[8]
    assert unit9.code is None
    assert [e.key for e in unit9.elements] == [
        "menyusun-pelayanan-yang-khas-berdasarkan-merek-organisasi-branded-service/1",
        "menyusun-pelayanan-yang-khas-berdasarkan-merek-organisasi-branded-service/2",
    ]
    assert (len(seed.units), len(seed.elements), sum(len(e.criteria) for e in seed.elements)) == (12, 38, 151)


def test_catalog_has_one_file_per_scheme_and_loses_removed_ones(tmp_path, seed):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "removed-scheme.json").write_text("{}")
    site.write_catalog([seed], catalog)
    assert sorted(p.name for p in catalog.iterdir()) == ["konsultasi-manajemen-pemasaran.json", "privacy_notice.json"]
    assert read_catalog_entry(catalog, seed.id) == seed


@pytest.mark.parametrize(
    "lang, printed, refused",
    [
        (
            "id",
            "kunci wajib 'number', 'lsp', 'instructions', 'units' belum ada",
            r"1 kesalahan di .*schemes; perbaiki dulu, lalu jalankan build lagi",
        ),
        (
            "en",
            "missing required key 'number', 'lsp', 'instructions', 'units'",
            r"1 error\(s\) in .*schemes; fix them and build again",
        ),
    ],
)
def test_build_refuses_schemes_with_errors_and_keeps_the_old_site(tmp_path, capsys, lang, printed, refused):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    (scheme_dir / "s.yaml").write_text("title: only\n", encoding="utf-8")
    old_site = tmp_path / "site"
    old_site.mkdir()
    (old_site / "index.html").write_text("old")
    with pytest.raises(site.BuildError, match=refused):
        site.build(site_dir=old_site, scheme_dir=scheme_dir, catalog_dir=tmp_path / "catalog", lang=lang)
    assert (old_site / "index.html").read_text() == "old"
    # The build prints check's problems exactly as `build.py check` does, in the language asked for.
    assert capsys.readouterr().err.splitlines()[0] == f"schemes/s.yaml:1: {printed}"


EXTERNAL = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""", re.I)


def test_site_loads_nothing_from_other_origins(site_dir):
    pages = list(site_dir.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert not EXTERNAL.findall(html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html


def test_scheme_pages_stay_out_of_the_navigation_and_do_not_grow_with_the_catalog(tmp_path):
    scheme_dir = tmp_path / "schemes"
    scheme_dir.mkdir()
    text = SEED_FILE.read_text(encoding="utf-8")
    shutil.copy(SEED_FILE, scheme_dir)
    site.build(site_dir=tmp_path / "one", scheme_dir=scheme_dir, catalog_dir=tmp_path / "c1")
    for n in range(1, 4):
        (scheme_dir / f"salinan-{n}.yaml").write_text(text.replace("SS.018.05", f"SS.9{n}"), encoding="utf-8")
    site.build(site_dir=tmp_path / "four", scheme_dir=scheme_dir, catalog_dir=tmp_path / "c4")
    page = "skema/konsultasi-manajemen-pemasaran/index.html"
    one = (tmp_path / "one" / page).read_text(encoding="utf-8")
    four = (tmp_path / "four" / page).read_text(encoding="utf-8")
    assert len(one) == len(four)
    assert "salinan-1" not in four
    home = (tmp_path / "four" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="skema/salinan-{n}/"' in home for n in range(1, 4))
    assert not (tmp_path / "four" / "search").exists()


def test_page_embeds_scheme_id_version_and_api_url(tmp_path, seed):
    site.build(
        api_url="https://api.example.test/submissions",
        site_dir=tmp_path / "site",
        scheme_dir=SEED_FILE.parent,  # the tests' schemes, which `seed` is built from; never schemes/
        catalog_dir=tmp_path / "catalog",
    )
    html = (tmp_path / "site" / "skema" / seed.id / "index.html").read_text(encoding="utf-8")
    assert f'data-scheme-id="{seed.id}"' in html
    assert f'data-scheme-version="{seed.version}"' in html
    assert 'data-api-url="https://api.example.test/submissions"' in html
    stored = json.loads((tmp_path / "catalog" / f"{seed.id}.json").read_text(encoding="utf-8"))
    assert stored["version"] == seed.version
