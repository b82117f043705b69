"""One import: check the file, read it in isolation, recover the form, write and check the YAML draft.

The limits are checked before any parser sees a byte: the file's size per kind (known from its
first bytes, not its name), then the reader's own limits (zip entries and unpacked size, PDF
pages) inside a child process that is stopped after `seconds`.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from handler.scheme import SCHEME_ID_MAX, is_scheme_id, slugify
from swanilai.importer.form import Form, read_form
from swanilai.importer.isolation import SECONDS, run_isolated
from swanilai.importer.messages import ImportRefused, megabytes, say
from swanilai.importer.pdffile import read_pdf
from swanilai.importer.rows import Source
from swanilai.importer.textfile import read_text
from swanilai.importer.wordfile import OLE_MAGIC, read_word
from swanilai.paths import display_path
from swanilai.scheme_source import check_file

MB = 1024 * 1024


@dataclass(frozen=True)
class Format:
    name: str
    read: Callable[[bytes], Source]
    max_bytes: int


FORMATS = {
    "docx": Format("docx", read_word, 20 * MB),
    "pdf": Format("PDF", read_pdf, 20 * MB),
    "text": Format("text", read_text, 2 * MB),
}
_IMAGES = (b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF8")


@dataclass(frozen=True)
class ImportOutcome:
    target: Path
    form: Form
    check_errors: tuple[str, ...]


def sniff(head: bytes) -> str:
    """The kind of document from its first bytes (a name can lie; the bytes decide the parser)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", OLE_MAGIC)):
        return "docx"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_IMAGES):
        raise ImportRefused("scanned")
    return "text"


def suggest_id(title: str) -> str | None:
    """A scheme id from the title: its slug, cut at a hyphen to fit."""
    slug = slugify(title)
    while len(slug) > SCHEME_ID_MAX:
        slug = slug[: SCHEME_ID_MAX + 1].rsplit("-", 1)[0] if "-" in slug[:SCHEME_ID_MAX] else slug[:SCHEME_ID_MAX]
    return slug or None


def import_document(
    path: Path,
    scheme_dir: Path,
    scheme_id: str | None = None,
    force: bool = False,
    lang: str = "id",
    seconds: float = SECONDS,
) -> ImportOutcome:
    """Import one FR.APL.02 document into `scheme_dir`; raise ImportRefused with the reason if it cannot."""
    if not scheme_dir.is_dir():
        raise ImportRefused("no_scheme_dir", {"folder": display_path(scheme_dir)})
    if scheme_id is not None:
        if not is_scheme_id(scheme_id):
            raise ImportRefused(
                "bad_id", {"scheme_id": scheme_id, "suggestion": suggest_id(scheme_id) or "konsultasi-pemasaran"}
            )
        _refuse_existing(scheme_dir / f"{scheme_id}.yaml", force)
    form = read_form(_read_source(path, seconds))
    scheme_id = scheme_id or suggest_id(form.title)
    if scheme_id is None:
        raise ImportRefused("no_id")
    target = scheme_dir / f"{scheme_id}.yaml"
    _refuse_existing(target, force)
    from swanilai.importer.yamlfile import render_yaml, write_scheme

    text = render_yaml(form, path.name, lang)
    errors = _check(text, target) + _number_taken(form.number, target, lang)
    write_scheme(target, text, force)
    return ImportOutcome(target=target, form=form, check_errors=tuple(errors))


def _refuse_existing(target: Path, force: bool) -> None:
    if target.exists() and not force:
        raise ImportRefused("exists", {"target": display_path(target)})


def _read_source(path: Path, seconds: float) -> Source:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(1024)
    except FileNotFoundError as exc:
        raise ImportRefused("missing") from exc
    except IsADirectoryError as exc:
        raise ImportRefused("unknown_type") from exc
    if size == 0:
        raise ImportRefused("empty")
    kind = FORMATS[sniff(head)]
    if size > kind.max_bytes:
        raise ImportRefused(
            "too_large", {"size": megabytes(size), "limit": f"{megabytes(kind.max_bytes)} ({kind.name})"}
        )
    return run_isolated(kind.read, path.read_bytes(), seconds=seconds)


def _check(text: str, target: Path) -> list[str]:
    """`build.py check`'s errors for the draft, checked under its final name before it is written."""
    with tempfile.TemporaryDirectory(prefix="swanilai-import-") as scratch:
        draft = Path(scratch) / target.name
        draft.write_text(text, encoding="utf-8")
        checked = check_file(draft, display_path(target))
    return [str(problem) for problem in checked.problems if not problem.warning]


_NUMBER_LINE = re.compile(r"^number:\s*(.+?)\s*$", re.M)


def _number_taken(number: str, target: Path, lang: str) -> list[str]:
    # Two schemes may not share a number; say so now rather than at the next `check`.
    taken = []
    for other in sorted(target.parent.glob("*.yaml")):
        if other == target:
            continue
        match = _NUMBER_LINE.search(other.read_text(encoding="utf-8", errors="replace"))
        try:
            value = yaml.safe_load(match.group(1)) if match else None
        except yaml.YAMLError:
            continue
        if number and str(value).strip() == number:
            taken.append(
                say("number_taken", lang, target=display_path(target), number=number, other=display_path(other))
            )
    return taken
