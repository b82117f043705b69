"""`build.py import`: run one import and tell LSP staff, briefly, what to check.

The report lists each assumption as `FILE:line` (or page / table / row) with what was found and
what was written, then any error `check` still finds, then what to run next. A document that
cannot be imported is one line saying why and what to do, and a non-zero exit.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from swanilai.importer.job import ImportOutcome, import_document
from swanilai.importer.messages import ImportRefused, say
from swanilai.paths import display_path


def format_report(outcome: ImportOutcome, file: str, lang: str = "id") -> str:
    units, elements, criteria = outcome.form.counts
    lines = [
        say(
            "report_written",
            lang,
            target=display_path(outcome.target),
            units=units,
            elements=elements,
            criteria=criteria,
            file=file,
        )
    ]
    notes = outcome.form.notes
    if notes:
        lines.append(say("report_notes", lang, count=len(notes)))
        lines.extend(f"  {note.place.describe(file, lang)}: {note.text(lang)}" for note in notes)
    else:
        lines.append(say("report_clean", lang))
    if outcome.check_errors:
        lines.append(say("report_check_errors", lang, count=len(outcome.check_errors)))
        lines.extend(f"  {error}" for error in outcome.check_errors)
    lines.append(say("report_next", lang))
    return "\n".join(lines)


def import_command(
    file: Path,
    scheme_dir: Path,
    scheme_id: str | None = None,
    force: bool = False,
    lang: str = "id",
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Import FILE into SCHEME_DIR and print the report; 0 when written (with or without notes), 1 when refused."""
    out, err = out or sys.stdout, err or sys.stderr
    shown = str(file)
    try:
        outcome = import_document(file, scheme_dir, scheme_id=scheme_id, force=force, lang=lang)
    except ImportRefused as refused:
        print(f"{say('error_prefix', lang)}: {refused.message(shown, lang)}", file=err)
        return 1
    print(format_report(outcome, shown, lang), file=out)
    return 0
