"""site_src/privacy.yml: one notice, checked, rendered and versioned by its text; the build refuses a broken one."""

from __future__ import annotations

import hashlib
import json

import pytest
import yaml
from support.schemes import SMALL_SCHEMES

from handler.scheme import canonical_json
from swanilai import site
from swanilai.paths import SITE_SRC
from swanilai.privacy import NoticeError, load_notice

GOOD = (SITE_SRC / "privacy.yml").read_text(encoding="utf-8")


def notice_of(tmp_path, text: str):
    path = tmp_path / "privacy.yml"
    path.write_text(text, encoding="utf-8")
    return load_notice(path)


def test_the_notice_names_controller_contact_and_retention_and_its_version_is_the_hash_of_its_text():
    notice = load_notice()
    assert notice.version == hashlib.sha256(canonical_json(notice.content()).encode()).hexdigest()[:12]
    text = " ".join(section.text for section in notice.sections)
    assert notice.controller in text and notice.contact["email"] in text
    assert f"{notice.retention_years} tahun" in text
    assert "{" not in text  # every placeholder filled in


def test_changing_a_word_changes_the_version_and_reflowing_the_yaml_does_not(tmp_path):
    base = load_notice()
    reworded = notice_of(tmp_path, GOOD.replace("lalu dihapus.", "lalu dimusnahkan."))
    reflowed = notice_of(
        tmp_path,
        GOOD.replace(
            "Asesmen mandiri, hasil peninjauan asesor dan berkas bukti disimpan selama",
            "Asesmen mandiri, hasil peninjauan asesor dan berkas bukti\n      disimpan selama",
        ),
    )
    longer = notice_of(tmp_path, GOOD.replace("retention_years: 5", "retention_years: 10"))
    assert reworded.version != base.version and longer.version != base.version
    assert reflowed.version == base.version


def _broken(change):
    data = yaml.safe_load(GOOD)
    change(data)
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize(
    "text, en, id_",
    [
        (
            _broken(lambda d: d.pop("controller")),
            "privacy.yml: controller is missing; fill it in with your LSP's details",
            "privacy.yml: controller belum diisi; isi sesuai data LSP Anda",
        ),
        (
            _broken(lambda d: d["contact"].pop("email")),
            "privacy.yml: contact.email is missing; fill it in with your LSP's details",
            "privacy.yml: contact.email belum diisi; isi sesuai data LSP Anda",
        ),
        (
            _broken(lambda d: d.update(retention_years=0)),
            "privacy.yml: retention_years 0 must be a whole number of years from 1 to 30 (see BNSP's rules for keeping assessment records)",
            "privacy.yml: retention_years 0 harus bilangan bulat tahun dari 1 sampai 30 (lihat aturan BNSP tentang penyimpanan rekaman asesmen)",
        ),
        (
            _broken(lambda d: d.update(retention_years="5")),
            "privacy.yml: retention_years '5' must be a whole number of years from 1 to 30 (see BNSP's rules for keeping assessment records)",
            "privacy.yml: retention_years '5' harus bilangan bulat tahun dari 1 sampai 30 (lihat aturan BNSP tentang penyimpanan rekaman asesmen)",
        ),
        (
            _broken(lambda d: d.update(sections=[])),
            "privacy.yml: sections is missing; fill it in with your LSP's details",
            "privacy.yml: sections belum diisi; isi sesuai data LSP Anda",
        ),
        (
            _broken(lambda d: d["sections"][0].update(text="Hubungi {kontak}.")),
            "privacy.yml: unknown placeholder {kontak}; allowed: controller, contact, retention_years",
            "privacy.yml: isian {kontak} tidak dikenal; yang boleh dipakai: controller, contact, retention_years",
        ),
        (
            _broken(lambda d: d["sections"][1].pop("heading")),
            "privacy.yml: sections[2].heading is missing; fill it in with your LSP's details",
            "privacy.yml: sections[2].heading belum diisi; isi sesuai data LSP Anda",
        ),
        (
            "controller: [unclosed\n",
            "privacy.yml cannot be read (ParserError): check its YAML",
            "privacy.yml tidak terbaca (ParserError): periksa penulisan YAML-nya",
        ),
    ],
    ids=[
        "no-controller",
        "no-contact-email",
        "retention-zero",
        "retention-as-text",
        "no-sections",
        "unknown-placeholder",
        "section-without-heading",
        "broken-yaml",
    ],
)
def test_a_broken_notice_gets_one_exact_message_in_both_languages(tmp_path, text, en, id_):
    with pytest.raises(NoticeError) as caught:
        notice_of(tmp_path, text)
    rendered = {lang: caught.value.render(lang).replace(str(tmp_path) + "/", "") for lang in ("en", "id")}
    assert rendered == {"en": en, "id": id_}


def test_the_build_refuses_a_broken_notice_before_writing_anything(tmp_path):
    broken = tmp_path / "privacy.yml"
    broken.write_text(_broken(lambda d: d.pop("controller")), encoding="utf-8")
    from swanilai.scheme_source import check_schemes

    schemes = check_schemes(SMALL_SCHEMES).schemes
    with pytest.raises(NoticeError):
        site.write_catalog(schemes, tmp_path / "catalog", notice_path=broken)
    assert not (tmp_path / "catalog").exists()
    site.write_catalog(schemes, tmp_path / "catalog")
    written = json.loads((tmp_path / "catalog" / "privacy_notice.json").read_text(encoding="utf-8"))
    assert written["version"] == load_notice().version
