"""The privacy notice: read from `site_src/privacy.yml`, checked, versioned, and written into the catalog.

One configuration feeds everything that speaks of personal data: the notice on every scheme page
and on the privacy page (the site reads the catalog's copy), the version a candidate consents to
(the handler accepts the catalog's current version only, handler.catalog.current_notice_version),
and the retention the bucket's lifecycle rules apply (infra/publish.py passes `retention_years` as
the template's RetentionYears). The version is the first 12 hex digits of the SHA-256 of the
notice as shown (canonical JSON of controller, contact, retention and the rendered sections).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from handler.catalog import NOTICE_FILE
from handler.scheme import canonical_json
from swanilai.check_messages import phrase
from swanilai.paths import SITE_SRC, display_path

NOTICE_PATH = SITE_SRC / "privacy.yml"
NOTICE_FORMAT = 1
RETENTION_YEARS = (1, 30)
CONTACT_KEYS = ("email", "phone", "address")
PLACEHOLDERS = ("controller", "contact", "retention_years")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class NoticeError(Exception):
    """privacy.yml cannot be used; the message names the file and what to fix (in the language asked for)."""

    def __init__(self, text) -> None:
        super().__init__(text.render())
        self.text = text

    def render(self, lang: str) -> str:
        return self.text.render(lang)


@dataclass(frozen=True)
class Section:
    heading: str
    text: str  # placeholders filled in


@dataclass(frozen=True)
class Notice:
    controller: str
    contact: dict[str, str]  # email, and phone and address when given
    retention_years: int
    sections: tuple[Section, ...]

    @property
    def version(self) -> str:
        return hashlib.sha256(canonical_json(self.content()).encode("utf-8")).hexdigest()[:12]

    def contact_text(self) -> str:
        """How the notice names the contact: "email privasi@..., telepon ..., alamat ..."."""
        words = {"email": "email", "phone": "telepon", "address": "alamat"}
        return ", ".join(f"{words[key]} {self.contact[key]}" for key in CONTACT_KEYS if key in self.contact)

    def content(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "contact": self.contact,
            "retention_years": self.retention_years,
            "sections": [{"heading": s.heading, "text": s.text} for s in self.sections],
        }

    def to_dict(self) -> dict[str, Any]:
        return {"format": NOTICE_FORMAT, "version": self.version, **self.content()}


def load_notice(path: Path = NOTICE_PATH) -> Notice:
    """Read and check privacy.yml; NoticeError says what to fix."""
    where = display_path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NoticeError(phrase("privacy.missing", file=where)) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise NoticeError(phrase("privacy.unreadable", file=where, what=type(exc).__name__)) from None
    if not isinstance(data, dict):
        raise NoticeError(phrase("privacy.required", file=where, key="controller"))
    controller = _text(data, "controller", where)
    contact = data.get("contact")
    if not isinstance(contact, dict) or not _is_text(contact.get("email")):
        raise NoticeError(phrase("privacy.required", file=where, key="contact.email"))
    contact = {key: str(contact[key]).strip() for key in CONTACT_KEYS if _is_text(contact.get(key))}
    years = data.get("retention_years")
    if type(years) is not int or not RETENTION_YEARS[0] <= years <= RETENTION_YEARS[1]:
        raise NoticeError(
            phrase("privacy.retention", file=where, value=repr(years), min=RETENTION_YEARS[0], max=RETENTION_YEARS[1])
        )
    sections = data.get("sections")
    if not isinstance(sections, list) or not sections:
        raise NoticeError(phrase("privacy.required", file=where, key="sections"))
    notice = Notice(controller, contact, years, ())
    values = {"controller": controller, "contact": notice.contact_text(), "retention_years": str(years)}
    rendered = []
    for n, section in enumerate(sections, start=1):
        if not isinstance(section, dict):
            raise NoticeError(phrase("privacy.required", file=where, key=f"sections[{n}].heading"))
        heading = _text(section, "heading", where, f"sections[{n}].")
        text = _text(section, "text", where, f"sections[{n}].")
        for name in _PLACEHOLDER.findall(heading + text):
            if name not in PLACEHOLDERS:
                raise NoticeError(phrase("privacy.placeholder", file=where, name=name, allowed=", ".join(PLACEHOLDERS)))
        fill = lambda text: _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)  # noqa: E731
        rendered.append(Section(fill(heading), " ".join(fill(text).split())))
    return Notice(controller, contact, years, tuple(rendered))


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip() != ""


def _text(data: dict[str, Any], key: str, where: str, prefix: str = "") -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise NoticeError(phrase("privacy.required", file=where, key=prefix + key))
    return value.strip()


def write_notice(notice: Notice, catalog_dir: Path) -> Path:
    """The catalog's copy: what the site shows and the version the handler accepts."""
    path = catalog_dir / NOTICE_FILE
    path.write_text(json.dumps(notice.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
