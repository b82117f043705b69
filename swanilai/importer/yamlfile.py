"""Write the recovered form as `schemes/<id>.yaml`: the documented format, a comment at each assumption.

The file is laid out like the hand-written schemes (schemes/README.md), so LSP staff edit an
import as they edit any scheme. Each note becomes a `# PERIKSA (where): what` comment right
above the line it is about. The file is written to a temporary file beside the target and then
linked into place, so a reader never sees half a file, and an existing scheme is never replaced
unless asked (`force`), in which case the replacement is one atomic rename.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import yaml

from swanilai.importer.form import Form
from swanilai.importer.messages import ImportRefused, Note, say


def render_yaml(form: Form, file: str, lang: str = "id") -> str:
    """The scheme file's text, with every note as a comment where it applies."""
    pending: dict[tuple, list[Note]] = {}
    for note in form.notes:
        pending.setdefault(tuple(note.target), []).append(note)
    mark = say("comment_mark", lang)
    out = ["# yaml-language-server: $schema=scheme.schema.json", f"# {say('comment_header', lang, file=file)}"]

    def comments(target: tuple, indent: str) -> None:
        for note in pending.pop(target, []):
            out.append(f"{indent}# {mark} ({note.place.describe(file, lang)}): {note.text(lang)}")

    comments(("kind",), "")
    if form.kind:
        out.append(f"kind: {form.kind}")
    for key in ("title", "number", "lsp"):
        comments((key,), "")
        out.append(f"{key}: {_scalar(getattr(form, key))}")
    if form.assessor:
        out.append(f"assessor: {_scalar(form.assessor)}")
    comments(("instructions",), "")
    out.append("instructions:" + ("" if form.instructions else " []"))
    out.extend(f"  - {_scalar(line)}" for line in form.instructions)
    out.append("units:")
    for u, unit in enumerate(form.units):
        comments(("units", u), "  ")
        first = f"code: {unit.code}" if unit.code else f"title: {_scalar(unit.title)}"
        out.append(f"  - {first}")
        if unit.code:
            out.append(f"    title: {_scalar(unit.title)}")
        out.append("    elements:" + ("" if unit.elements else " []"))
        for e, element in enumerate(unit.elements):
            comments(("units", u, "elements", e), "      ")
            out.append(f"      - number: {element.number}")
            out.append(f"        title: {_scalar(element.title)}")
            out.append("        criteria:" + ("" if element.criteria else " []"))
            for c, criterion in enumerate(element.criteria):
                comments(("units", u, "elements", e, "criteria", c), "          ")
                out.append(f"          - number: {json.dumps(criterion.number)}")
                out.append(f"            text: {_scalar(criterion.text)}")
    leftover = [note for notes in pending.values() for note in notes]
    if leftover:  # a note about no particular line: at the top, where it is read first
        head = [f"# {mark} ({note.place.describe(file, lang)}): {note.text(lang)}" for note in leftover]
        out[2:2] = head
    return "\n".join(out) + "\n"


def _scalar(text: str) -> str:
    """A YAML scalar for the text: plain where YAML allows it, quoted where it must be."""
    dumped = yaml.safe_dump(text, allow_unicode=True, width=1_000_000, default_flow_style=True)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def write_scheme(target: Path, text: str, force: bool = False) -> None:
    """Put `text` at `target` atomically; refuse an existing file unless `force`."""
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(temporary, target)
        else:
            try:
                os.link(temporary, target)  # fails if the target exists: never a silent overwrite
            except FileExistsError as exc:
                raise ImportRefused("exists", {"target": str(target)}) from exc
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
