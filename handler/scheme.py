"""The one scheme model: units, elements, criteria, stable keys, version and the compiled catalog.

Build, handler, assessor CLI and tests all read schemes through this module. It needs the
standard library only, because the Lambda package imports it.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# A scheme id is its file name and part of its public URL and storage keys.
SCHEME_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCHEME_ID_MAX = 64
KINDS = ("KKNI", "Okupasi", "Klaster")
# Bumped when the compiled JSON changes shape, so an old catalog is refused, not misread.
CATALOG_FORMAT = 1


@dataclass(frozen=True)
class Criterion:
    number: str
    text: str


@dataclass(frozen=True)
class Element:
    key: str
    number: int
    title: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Unit:
    key: str
    code: str | None
    title: str
    elements: tuple[Element, ...]


# The evidence file types a scheme's YAML may name (`evidence: types:`), as the media types the
# page and S3 use. The default limits live in the rule table (handler.fields).
EVIDENCE_TYPE_NAMES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
MEBIBYTE = 1024 * 1024


@dataclass(frozen=True)
class EvidenceRules:
    """A scheme's own limits for evidence files; None: the rule table's default for that limit."""

    types: tuple[str, ...] | None = None  # media types, e.g. ("application/pdf",)
    max_file_bytes: int | None = None
    max_files_per_element: int | None = None  # 0: this scheme takes no files
    max_total_bytes: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "types": list(self.types) if self.types is not None else None,
            "max_file_bytes": self.max_file_bytes,
            "max_files_per_element": self.max_files_per_element,
            "max_total_bytes": self.max_total_bytes,
        }


@dataclass(frozen=True)
class Scheme:
    id: str
    version: str
    kind: str | None
    title: str
    number: str
    lsp: str
    assessor: str | None
    instructions: tuple[str, ...]
    units: tuple[Unit, ...]
    # None: the rule table's limits. Part of the version only when set, so schemes without an
    # `evidence:` block keep the versions (and the records their versions) they had before it existed.
    evidence: EvidenceRules | None = None

    @property
    def elements(self) -> tuple[Element, ...]:
        return tuple(element for unit in self.units for element in unit.elements)

    def element_keys(self) -> tuple[str, ...]:
        return tuple(element.key for element in self.elements)

    def to_dict(self) -> dict[str, Any]:
        return {"format": CATALOG_FORMAT, "version": self.version, **_content(self)}


class CatalogError(Exception):
    """A compiled catalog entry is missing, unreadable or of a format this code does not know."""


def is_scheme_id(value: object) -> bool:
    return isinstance(value, str) and len(value) <= SCHEME_ID_MAX and bool(SCHEME_ID_PATTERN.match(value))


def plain_text(text: str) -> str:
    """Drop the Markdown emphasis marks, keeping the words."""
    return _emphasis(text, lambda words: words)


def text_html(text: str) -> str:
    """Render scheme text as HTML: escaped, with *emphasis* as <em> and nothing else."""
    return _emphasis(html.escape(text, quote=False), lambda words: f"<em>{words}</em>")


_DELIMITER = re.compile(r"[*_]")


def _emphasis(text: str, wrap: Callable[[str], str]) -> str:
    """Replace each emphasis span with `wrap(words)`, in time linear in the text.

    A span is what the regex `(\\*|_)(?=\\S)(.+?)(?<=\\S)\\1` would match, scanning left to right:
    a delimiter, a non-space, then the nearest same delimiter on that line that follows a
    non-space. That regex retries every opening delimiter to the end of its line, which is
    quadratic (`'*a ' * 40000` took 90 s). The scanner uses one fact: if a delimiter finds no
    closing partner before the end of its line, no later delimiter of the same kind on that line
    can find one (its candidates are a subset), so each line is searched at most once per kind
    and every other search ends at a partner whose span is then consumed.
    """
    if "*" not in text and "_" not in text:
        return text
    parts: list[str] = []
    done = 0  # text[:done] is in parts
    hopeless = {"*": -1, "_": -1}  # per delimiter: openers before this index cannot close
    search = _DELIMITER.search(text)
    while search:
        start = search.start()
        mark = text[start]
        close = -1
        if start >= hopeless[mark] and start + 1 < len(text) and not text[start + 1].isspace():
            line_end = text.find("\n", start + 1)
            line_end = len(text) if line_end < 0 else line_end
            close = _closing(text, mark, start + 2, line_end)
            if close < 0:
                hopeless[mark] = line_end
        if close < 0:
            search = _DELIMITER.search(text, start + 1)
            continue
        parts.append(text[done:start])
        parts.append(wrap(text[start + 1 : close]))
        done = close + 1
        search = _DELIMITER.search(text, done)
    parts.append(text[done:])
    return "".join(parts)


def _closing(text: str, mark: str, begin: int, end: int) -> int:
    """The first `mark` in text[begin:end] that follows a non-space, or -1."""
    at = text.find(mark, begin, end)
    while at >= 0 and text[at - 1].isspace():
        at = text.find(mark, at + 1, end)
    return at


def slugify(text: str) -> str:
    """Make an ASCII slug of a title, for keys of units that have no code."""
    ascii_text = unicodedata.normalize("NFKD", plain_text(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def unit_key(code: str | None, title: str) -> str:
    """A unit's identity in its scheme: its code, or without one the slug of its title.

    Element keys, and so the form's field names and stored answers, are built from it: two units
    of one scheme with the same key would share their answers. `check` and `compile_scheme` both
    call this, so what check accepts is what the build keys.
    """
    code = (code or "").strip()
    return code if code else slugify(title)


def element_key(unit: str, number: int) -> str:
    return f"{unit}/{number}"


def compile_scheme(scheme_id: str, data: dict[str, Any]) -> Scheme:
    """Turn a checked scheme document into the model, with keys and version filled in."""
    units = tuple(_compile_unit(unit) for unit in data["units"])
    draft = Scheme(
        id=scheme_id,
        version="",
        kind=data.get("kind"),
        title=data["title"].strip(),
        number=data["number"].strip(),
        lsp=data["lsp"].strip(),
        assessor=(data.get("assessor") or "").strip() or None,
        instructions=tuple(line.strip() for line in data.get("instructions", ())),
        units=units,
        evidence=_compile_evidence(data.get("evidence")),
    )
    return _with_version(draft)


def _compile_evidence(data: dict[str, Any] | None) -> EvidenceRules | None:
    """The YAML's `evidence:` block (checked already) in media types and bytes."""
    if data is None:
        return None
    types = data.get("types")
    return EvidenceRules(
        types=tuple(EVIDENCE_TYPE_NAMES[name] for name in types) if types is not None else None,
        max_file_bytes=round(data["max_file_mb"] * MEBIBYTE) if "max_file_mb" in data else None,
        max_files_per_element=data.get("max_files_per_element"),
        max_total_bytes=round(data["max_total_mb"] * MEBIBYTE) if "max_total_mb" in data else None,
    )


def _compile_unit(unit: dict[str, Any]) -> Unit:
    code = (unit.get("code") or "").strip() or None
    title = unit["title"].strip()
    key = unit_key(code, title)
    elements = tuple(
        Element(
            key=element_key(key, element["number"]),
            number=element["number"],
            title=element["title"].strip(),
            criteria=tuple(Criterion(c["number"].strip(), c["text"].strip()) for c in element["criteria"]),
        )
        for element in unit["elements"]
    )
    return Unit(key=key, code=code, title=title, elements=elements)


def _content(scheme: Scheme) -> dict[str, Any]:
    # Everything but the version: the version is the hash of exactly this.
    content = _text_content(scheme)
    if scheme.evidence is not None:
        content["evidence"] = scheme.evidence.to_dict()
    return content


def _text_content(scheme: Scheme) -> dict[str, Any]:
    return {
        "id": scheme.id,
        "kind": scheme.kind,
        "title": scheme.title,
        "number": scheme.number,
        "lsp": scheme.lsp,
        "assessor": scheme.assessor,
        "instructions": list(scheme.instructions),
        "units": [
            {
                "key": unit.key,
                "code": unit.code,
                "title": unit.title,
                "elements": [
                    {
                        "key": element.key,
                        "number": element.number,
                        "title": element.title,
                        "criteria": [{"number": c.number, "text": c.text} for c in element.criteria],
                    }
                    for element in unit.elements
                ],
            }
            for unit in scheme.units
        ],
    }


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _with_version(scheme: Scheme) -> Scheme:
    digest = hashlib.sha256(canonical_json(_content(scheme)).encode("utf-8")).hexdigest()
    return Scheme(**{**scheme.__dict__, "version": digest[:12]})


def scheme_from_dict(data: dict[str, Any]) -> Scheme:
    """Read a compiled scheme back (from the catalog or from a stored record)."""
    if data.get("format") != CATALOG_FORMAT:
        raise CatalogError(f"compiled scheme format {data.get('format')!r} is not {CATALOG_FORMAT}")
    units = tuple(
        Unit(
            key=unit["key"],
            code=unit["code"],
            title=unit["title"],
            elements=tuple(
                Element(
                    key=element["key"],
                    number=element["number"],
                    title=element["title"],
                    criteria=tuple(Criterion(c["number"], c["text"]) for c in element["criteria"]),
                )
                for element in unit["elements"]
            ),
        )
        for unit in data["units"]
    )
    return Scheme(
        id=data["id"],
        version=data["version"],
        kind=data["kind"],
        title=data["title"],
        number=data["number"],
        lsp=data["lsp"],
        assessor=data["assessor"],
        instructions=tuple(data["instructions"]),
        units=units,
        evidence=_evidence_from_dict(data.get("evidence")),
    )


def _evidence_from_dict(data: dict[str, Any] | None) -> EvidenceRules | None:
    if data is None:
        return None
    types = data.get("types")
    return EvidenceRules(
        types=tuple(types) if types is not None else None,
        max_file_bytes=data.get("max_file_bytes"),
        max_files_per_element=data.get("max_files_per_element"),
        max_total_bytes=data.get("max_total_bytes"),
    )


# -- the compiled catalog: one JSON file per scheme, so the handler reads only what a request names


def catalog_path(catalog_dir: Path, scheme_id: str) -> Path:
    if not is_scheme_id(scheme_id):
        raise CatalogError(f"{scheme_id!r} is not a scheme id")
    return catalog_dir / f"{scheme_id}.json"


def write_catalog_entry(catalog_dir: Path, scheme: Scheme) -> Path:
    path = catalog_path(catalog_dir, scheme.id)
    path.write_text(json.dumps(scheme.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def read_catalog_entry(catalog_dir: Path, scheme_id: str) -> Scheme | None:
    """Load one scheme from the catalog, or None when the catalog has no such scheme."""
    path = catalog_path(catalog_dir, scheme_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return scheme_from_dict(json.loads(raw))
    except (ValueError, KeyError, TypeError) as exc:
        raise CatalogError(f"{path}: not a compiled scheme ({exc})") from exc


def list_catalog(catalog_dir: Path) -> list[str]:
    return sorted(path.stem for path in catalog_dir.glob("*.json") if is_scheme_id(path.stem))
