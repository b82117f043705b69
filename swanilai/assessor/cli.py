"""The assessors' command line (`assessor.py`): each command parses its options and calls the module that does the work."""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import click

from handler.record import RECORD_MAX_BYTES, RecordError, review_bytes
from handler.store import (
    AlreadyExists,
    LocalStore,
    Store,
    StoreUnavailable,
    TooLarge,
    make_private_dirs,
    parse_record_key,
)
from swanilai.assessor.errors import AssessorError
from swanilai.assessor.export import export_rows, write_csv, write_xlsx
from swanilai.assessor.files import disk_error, write_atomically
from swanilai.assessor.pull import DEFAULT_JOBS, pull
from swanilai.assessor.records import (
    RecordRef,
    find,
    index,
    load_all,
    load_one,
    load_record,
    record_error_hint,
    verification_of,
)
from swanilai.assessor.render import PdfWriter, form_name, render_html, stylesheet
from swanilai.assessor.review import (
    ASSESSOR_NAME_MAX,
    ELEMENT_NOTE_MAX,
    NOTES_MAX,
    OUTCOME_CHOICES,
    REGISTRATION_MAX,
    signature_data_url,
    write_review,
)
from swanilai.assessor.sources import DEFAULT_DIR, DIR_ENV, SOURCE_ENV, location_of, open_source, store_errors
from swanilai.assessor.text import for_terminal, refused_in_line, refused_in_notes
from swanilai.timezones import WIB

EPILOG_WORKFLOW = f"""\b
Workflow:
  export {SOURCE_ENV}=s3://BUCKET   # where the handler stores submissions (local mode: var)
  export {DIR_ENV}=~/swanilai       # your local copy (default: {DEFAULT_DIR})
  assessor.py pull                    # fetch what is new
  assessor.py list                    # see them
  assessor.py render 3f2a --pdf       # read one as the filled FR.APL.02 (an id may be abbreviated)
  assessor.py review 3f2a --outcome lanjut --assessor "Nama Asesor" --reg "MET.000.000000 2020"
  assessor.py reindex --store var     # rebuild the desk's index (build.py serve's)
"""


class _Commands(click.Group):
    """Commands whose failures are one line on stderr, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            say("interrupted: nothing partial was left; run the same command again to carry on", err=True)
            ctx.exit(130)
        except AssessorError as exc:
            _fail(ctx, str(exc))
        except RecordError as exc:
            _fail(ctx, f"{exc}: {record_error_hint(exc)}")
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                _fail(ctx, str(disk_error(exc, Path(exc.filename or "."), ctx.invoked_subcommand or "")))
            _fail(
                ctx,
                f"{exc.strerror or exc} ({exc.filename or 'no file named'}): check the path and its "
                f"permissions, then retry",
            )
        except Exception as exc:  # a bug: say so in one line; ASSESSOR_DEBUG=1 shows the traceback
            if os.environ.get("ASSESSOR_DEBUG"):
                raise
            _fail(
                ctx,
                f"unexpected {type(exc).__name__}; please report it with the command you ran "
                f"(ASSESSOR_DEBUG=1 shows the details)",
            )


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Runtime:
    """What the commands take from outside their options: the clock (tests give a fixed one as `obj`)."""

    clock: Callable[[], datetime] = utc_now


def say(message: str, err: bool = False) -> None:
    """Print one line; whatever stored text it quotes prints as inert text (text.for_terminal)."""
    click.echo(for_terminal(message), err=err)


def warn(message: str) -> None:
    say(f"warning: {message}", err=True)


def _fail(ctx: click.Context, message: str) -> None:
    say(f"error: {message}", err=True)
    ctx.exit(1)


@click.group(
    cls=_Commands,
    epilog=EPILOG_WORKFLOW,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Swanilai for assessors: pull the FR.APL.02 submissions, read them as the filled form, review them.

    SOURCE is where the submissions are stored: s3://BUCKET[/PREFIX] (AWS credentials from AWS_PROFILE,
    `aws sso login` or the environment; AWS_ENDPOINT_URL_S3 is honoured) or a directory (`var/` in local
    mode). `pull` copies it into a local directory with the same layout; `list`, `render` and `export`
    read that copy; `review` writes to the SOURCE so every assessor sees it after their next pull.
    """
    if ctx.obj is None:
        ctx.obj = Runtime()


def _dir_option(help_text: str = "the pulled copy to read (or any SOURCE)"):
    return click.option(
        "--dir",
        "directory",
        envvar=DIR_ENV,
        show_envvar=True,
        default=DEFAULT_DIR,
        show_default=True,
        metavar="DIR",
        help=help_text,
    )


_scheme_option = click.option(
    "--scheme", metavar="ID", help="only this scheme (its id, e.g. konsultasi-manajemen-pemasaran)"
)


def store_option(
    metavar: str = "SOURCE", help: str = "where the submissions are stored: s3://BUCKET[/PREFIX] or a directory"
) -> Callable:
    """The --store option of every command that reads the store (also taken from the environment, SOURCE_ENV)."""
    return click.option(
        "--store", "source", envvar=SOURCE_ENV, show_envvar=True, required=True, metavar=metavar, help=help
    )


@cli.command(
    "pull",
    epilog="\b\nExample:\n  assessor.py pull --from s3://lsp-swanilai-submissions --to ~/swanilai --since 2026-11-01",
)
@click.option(
    "--from",
    "source",
    envvar=SOURCE_ENV,
    show_envvar=True,
    required=True,
    metavar="SOURCE",
    help="s3://BUCKET[/PREFIX] or a directory",
)
@click.option(
    "--to",
    "dest",
    envvar=DIR_ENV,
    show_envvar=True,
    default=DEFAULT_DIR,
    show_default=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="your local copy",
)
@_scheme_option
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    metavar="YYYY-MM-DD",
    help="only what was stored on or after this day (a WIB day: it begins at 17:00 UTC the day before)",
)
@click.option(
    "--jobs", type=click.IntRange(1, 128), default=DEFAULT_JOBS, show_default=True, help="downloads at a time"
)
def pull_command(source: str, dest: Path, scheme: str | None, since: datetime | None, jobs: int) -> None:
    """Copy new submissions and reviews from SOURCE into DIR.

    Incremental: what DIR already has is skipped, so run it as often as you like. Each file is
    downloaded under a temporary name and renamed when complete: an interrupted pull leaves nothing
    partial and the next pull carries on. DIR keeps the SOURCE's layout, so it is itself a SOURCE.
    Files are readable by you alone. An object that is not a record or review is named and skipped.
    """
    store = open_source(source, jobs=jobs)
    if isinstance(store, LocalStore) and store.root.resolve() == dest.resolve():
        raise AssessorError(f"--from and --to are both {dest}: pull into another directory")
    started = time.monotonic()
    summary = pull(
        store,
        dest,
        scheme=scheme,
        since=since.date() if since else None,
        jobs=jobs,
        progress=sys.stderr.isatty(),
        warn=warn,
    )
    say(
        f"pulled {summary.new} new, {summary.skipped} skipped (already here), {len(summary.failed)} failed "
        f"from {store.describe()} into {dest} in {time.monotonic() - started:.1f} s"
    )
    if summary.erased:
        say(
            f"removed {len(summary.erased)} erased submission(s) from {dest}, as the source's erasure log "
            f"says: {', '.join(summary.erased)}"
        )
    if summary.failed:
        raise AssessorError(
            f"{len(summary.failed)} download(s) failed (first: {next(iter(summary.failed.values()))}): "
            f"run the same pull again to fetch them"
        )


@cli.command("list", epilog="\b\nExample:\n  assessor.py list ~/swanilai --scheme konsultasi-manajemen-pemasaran")
@click.argument("directory", required=False, envvar=DIR_ENV, default=DEFAULT_DIR, metavar="[DIR]")
@_scheme_option
def list_command(directory: str, scheme: str | None) -> None:
    """Show a table of the submissions in DIR.

    One line per submission: id, time received (WIB), scheme, candidate's name, K and BK counts and
    the latest review. DIR defaults to $ASSESSOR_DIR, else var.
    """
    store = open_source(directory)
    items = load_all(store, index(store, scheme, warn).values(), warn)
    if not items:
        say(f"no submissions in {store.describe()}: run `assessor.py pull` first", err=True)
        return
    rows = [("ID", "RECEIVED (WIB)", "SCHEME", "CANDIDATE", "K", "BK", "REVIEW")]
    for item in items:
        record, review = item.record, item.review
        status = "-" if review is None else f"{review.outcome.replace('_', '-')} ({review.assessor_name})"
        rows.append(
            (
                record.submission_id,
                f"{record.received_at.astimezone(WIB):%Y-%m-%d %H:%M}",
                _clip(record.scheme.id, 64),
                _clip(record.candidate.name, 32),
                str(record.count("K")),
                str(record.count("BK")),
                _clip(status, 40),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip())
    say(f"{len(items)} submission(s), {sum(1 for i in items if i.review is None)} not reviewed", err=True)


def _beside(directory: str, name: str) -> Path:
    """Where output goes by default: inside the local copy read, or here when reading a bucket."""
    return Path(name) if directory.startswith("s3://") else Path(directory) / name


def _clip(text: str, width: int) -> str:
    """One table cell: stored text on one line, inert (escapes shown, never obeyed), at most width long."""
    text = for_terminal(" ".join(text.split()))
    return text if len(text) <= width else text[: width - 1] + "…"


@cli.command(
    epilog="\b\nExamples:\n  assessor.py render 3f2a9c1e --pdf\n  assessor.py render --all --pdf --out ~/arsip-apl02"
)
@click.argument("ids", nargs=-1, metavar="[ID]...")
@click.option("--all", "render_all", is_flag=True, help="every submission in DIR (with --scheme: of that scheme)")
@click.option("--pdf", is_flag=True, help="also write a PDF next to each HTML file")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="OUT",
    help="output directory  [default: DIR/forms]",
)
@_dir_option()
@_scheme_option
def render(
    ids: tuple[str, ...], render_all: bool, pdf: bool, out: Path | None, directory: str, scheme: str | None
) -> None:
    """Write the filled FR.APL.02 of each submission as a printable A4 HTML file (and PDF).

    Laid out like the paper form, from the record's own copy of the scheme text (a later edit of the
    scheme never changes an old form), with the latest review in "Ditinjau oleh Asesor". An ID may be
    abbreviated to its first characters, as `list` shows them. Files: OUT/FR.APL.02-<id>.html|.pdf.
    Chromium makes the PDF inside its sandbox; run as root it cannot, and says so: run as a user.
    """
    if bool(ids) == render_all:
        raise click.UsageError("give one or more IDs, or --all")
    store = open_source(directory)
    refs = index(store, scheme, warn)
    if render_all:
        items = load_all(store, refs.values(), warn)
    else:  # what is asked for by name must be readable
        items = [load_one(store, find(refs, given, store.describe()), warn) for given in ids]
    if not items:
        raise AssessorError(f"no submissions in {store.describe()}: run `assessor.py pull` first")
    out = out or _beside(directory, "forms")
    css = stylesheet()
    started = time.monotonic()
    with PdfWriter(warn) if pdf else nullcontext() as writer:
        try:
            make_private_dirs(out)
            with click.progressbar(
                items, label="rendering", file=sys.stderr, hidden=not (sys.stderr.isatty() and len(items) > 1)
            ) as bar:
                for item in bar:
                    html = render_html(item, verification_of(store, item), css)
                    write_atomically(out / f"{form_name(item.record)}.html", html.encode("utf-8"))
                    if writer:
                        write_atomically(out / f"{form_name(item.record)}.pdf", writer.write(html))
        except OSError as exc:
            raise disk_error(exc, out, "render") from None
    kinds = "HTML and PDF" if pdf else "HTML"
    say(f"rendered {len(items)} form(s) as {kinds} into {out} in {time.monotonic() - started:.1f} s")


@cli.command(
    epilog="\b\nExamples:\n  assessor.py export --out rekap.xlsx\n  assessor.py export --csv --out rekap.csv   # also writes rekap-answers.csv"
)
@click.option("--xlsx", "fmt", flag_value="xlsx", help="one workbook, sheets `submissions` and `answers` (default)")
@click.option("--csv", "fmt", flag_value="csv", help="two files: OUT and OUT-answers.csv (UTF-8)")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="where to write  [default: DIR/exports/submissions.xlsx or .csv]",
)
@_dir_option()
@_scheme_option
def export(fmt: str | None, out: Path | None, directory: str, scheme: str | None) -> None:
    """Write a spreadsheet: one row per submission and, on a second sheet or file, one per element answer.

    Submissions: id, time received (WIB), scheme, candidate's name, email and phone, K and BK counts,
    the latest recommendation and its assessor. Answers: submission id, unit code, element, verdict,
    evidence. Text that starts with =, +, -, @ gets a leading apostrophe so no spreadsheet runs it;
    characters no spreadsheet can hold (control characters, for one) are shown as U+FFFD.
    """
    fmt = fmt or ("csv" if out and out.suffix.lower() == ".csv" else "xlsx")
    out = out or _beside(directory, "exports") / f"submissions.{fmt}"
    store = open_source(directory)
    items = load_all(store, index(store, scheme, warn).values(), warn)
    submissions, answers = export_rows(items)
    try:
        make_private_dirs(out.parent)
        if fmt == "csv":
            written = write_csv(out, submissions, answers)
        else:
            write_xlsx(out, submissions, answers)
            written = [out]
    except OSError as exc:
        raise disk_error(exc, out.parent, "export") from None
    say(f"exported {len(submissions)} submission(s) and {len(answers)} answer(s) to {', '.join(map(str, written))}")


@cli.command(
    epilog="\b\nExamples:\n  assessor.py review 3f2a9c1e --store s3://lsp-swanilai-submissions \\\n"
    '      --outcome tidak-lanjut --assessor "Andriansyah Bachtillah" --reg "MET.000.000000 2020" \\\n'
    '      --notes "Bukti unit 3 belum memadai" --signature ~/ttd.png\n'
    '  assessor.py review 3f2a9c1e --outcome perbaikan --notes "Lengkapi bukti" \\\n'
    '      --element-note "M.70MKT00.019.2/3=Sebutkan tahun laporan" ...'
)
@click.argument("submission_id", metavar="ID")
@click.option(
    "--outcome",
    "--recommend",
    "outcome",
    type=click.Choice(sorted(OUTCOME_CHOICES)),
    required=True,
    help="lanjut: Asesmen dapat dilanjutkan; tidak-lanjut: Asesmen tidak dapat dilanjutkan; "
    "perbaikan: Perlu perbaikan (back to the candidate; needs --notes)",
)
@click.option("--assessor", "assessor_name", required=True, metavar="NAME", help="your name as on your certificate")
@click.option("--reg", "registration", required=True, metavar="NO", help="your assessor registration number")
@click.option("--notes", metavar="TEXT", help="notes for the candidate and the record (required for perbaikan)")
@click.option(
    "--element-note",
    "element_notes",
    multiple=True,
    metavar="KEY=TEXT",
    help="a note on one element, by its key (as `render` shows in data-key); repeat for more",
)
@click.option(
    "--signature",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="PNG",
    help="a PNG of your signature, shown on the form (optional)",
)
@store_option()
@_dir_option("your pulled copy: used to find the id, and the review is copied there too")
@click.pass_obj
def review(
    runtime: Runtime,
    submission_id: str,
    outcome: str,
    assessor_name: str,
    registration: str,
    notes: str | None,
    element_notes: tuple[str, ...],
    signature: Path | None,
    source: str,
    directory: str,
) -> None:
    """Record your decision on a submission, as a new review next to it in SOURCE.

    Append-only: each review is its own object with its time; the latest one counts, earlier ones
    stay as history, and the candidate's record is never modified. The review is also copied into
    your pulled copy, so `render` shows it at once. NAME and NO are one line of plain text; TEXT
    may have several lines, without other control characters.
    """
    assessor_name, registration = (
        _text(assessor_name, "--assessor", ASSESSOR_NAME_MAX),
        _text(registration, "--reg", REGISTRATION_MAX),
    )
    notes = _text(notes, "--notes", NOTES_MAX) if notes and notes.strip() else None
    if OUTCOME_CHOICES[outcome] == "perbaikan" and not notes:
        raise click.BadParameter(
            "say what the candidate should fix: --notes is required with perbaikan", param_hint="--notes"
        )
    drawn = signature_data_url(signature) if signature else None
    store = open_source(source)
    local = open_source(directory, must_exist=False)
    ref = _find_for_review(store, local, submission_id)
    try:
        record = load_record(store, ref.key)  # refuse to review what cannot be read
    except RecordError as exc:
        if exc.unknown_version:
            raise
        raise AssessorError(
            f"{exc}: it cannot be reviewed until it can be read; tell the LSP's administrator"
        ) from None
    written = write_review(
        store,
        ref,
        outcome=OUTCOME_CHOICES[outcome],
        assessor=assessor_name,
        registration=registration,
        notes=notes,
        element_notes=_element_notes(element_notes, set(record.scheme.element_keys())),
        signature=drawn,
        now=runtime.clock(),
    )
    say(f"review stored: {location_of(store, written.key)}")
    if isinstance(local, LocalStore) and local.root.is_dir() and local.describe() != store.describe():
        try:
            local.create(written.key, review_bytes(written))
        except (StoreUnavailable, AlreadyExists):
            say(f"note: could not copy the review into {local.root}; `assessor.py pull` will fetch it", err=True)
    note_in_local_index(store, written)


def _element_notes(given: tuple[str, ...], keys: set[str]) -> dict[str, str]:
    """--element-note KEY=TEXT options, each for an element of the submission's own scheme."""
    notes: dict[str, str] = {}
    for item in given:
        key, sep, text = item.partition("=")
        if not sep or key.strip() not in keys:
            raise click.BadParameter(
                f"{key.strip()!r} is not an element key of this submission's scheme; write KEY=TEXT with a key "
                f"such as {sorted(keys)[0]!r}",
                param_hint="--element-note",
            )
        notes[key.strip()] = _text(text, "--element-note", ELEMENT_NOTE_MAX, multiline=True)
    return notes


def note_in_local_index(store: Store, written) -> None:
    """A review written into a local store that `build.py serve` indexes shows on its desk at once."""
    from swanilai.localdesk import index_path

    if isinstance(store, LocalStore) and index_path(store.root).is_file():
        from handler.index import SqliteIndex
        from handler.indexer import refresh

        index = SqliteIndex(index_path(store.root))
        try:
            refresh(store, index, written.scheme_id, written.submission_id)
        finally:
            index.close()


def _text(value: str, option: str, limit: int, multiline: bool = False) -> str:
    """An option's text, checked: one line of plain text, or for --notes lines without other controls."""
    if option == "--notes" or multiline:
        value = value.replace("\r\n", "\n").strip()
        refused = refused_in_notes(value)
    else:
        refused = refused_in_line(value)
        value = " ".join(value.split())
    if refused:
        raise click.BadParameter(refused, param_hint=option)
    if not value.strip():
        raise click.BadParameter("must not be empty", param_hint=option)
    if len(value) > limit:
        raise click.BadParameter(f"is {len(value)} characters; at most {limit}", param_hint=option)
    return value


def _find_for_review(store: Store, local: Store, given: str) -> RecordRef:
    """The submission in SOURCE: looked up in the pulled copy first (cheap), else listed in SOURCE."""
    if isinstance(local, LocalStore) and local.root.is_dir():
        try:
            known = find(index(local), given, str(local.root))
        except AssessorError:
            known = None
        if known is not None:
            try:
                with store_errors(store):
                    if store.get(known.key, max_bytes=RECORD_MAX_BYTES) is not None:
                        return known
            except TooLarge:
                return known  # there, and refused by the reading that follows, which names it
    return find(index(store), given, store.describe())


@cli.command(
    epilog="\b\nExamples:\n  assessor.py reindex --store var                      # build.py serve's desk\n"
    "  assessor.py reindex --store s3://lsp-swanilai-submissions --table swanilai-desk-index"
)
@store_option()
@click.option(
    "--table",
    metavar="TABLE",
    help="the desk's DynamoDB index (the stack's DeskIndexTableName output); required for s3:// sources",
)
@click.option("--jobs", type=click.IntRange(1, 128), default=16, show_default=True, help="records read at a time")
@click.pass_obj
def reindex(runtime: Runtime, source: str, table: str | None, jobs: int) -> None:
    """Rebuild the assessors' desk's index from SOURCE: every record with its reviews.

    The index is derived: SOURCE stays the truth, and rebuilding never changes a record or review.
    For a directory the index is DIR/.desk/index.sqlite3 (what `build.py serve` uses); for a bucket,
    the DynamoDB table named by --table. Entries of submissions no longer in SOURCE are removed.
    """
    from handler.index import DynamoIndex, IndexUnavailable
    from handler.indexer import reindex as rebuild
    from swanilai.localdesk import open_index

    store = open_source(source, jobs=jobs)
    if isinstance(store, LocalStore):
        index = open_index(store.root)
    elif table:
        index = DynamoIndex(table)
    else:
        raise click.UsageError("a bucket's index is a DynamoDB table: give --table (the stack's DeskIndexTableName)")
    started = time.monotonic()
    progress = (lambda done, total: say(f"  {done:,} of {total:,} read", err=True)) if sys.stderr.isatty() else None
    where = index.describe()
    try:
        with store_errors(store):
            done = rebuild(store, index, runtime.clock(), workers=jobs, progress=progress)
    except IndexUnavailable as exc:
        raise AssessorError(
            f"the index {where} could not be written ({exc.code or exc}): check --table, the region "
            f"(AWS_DEFAULT_REGION) and your credentials, then run the same command again"
        ) from None
    say(
        f"indexed {done.indexed} submission(s) into {where} in {time.monotonic() - started:.1f} s "
        f"({done.removed} removed, {done.unreadable} unreadable skipped)"
    )


def _desk_index(store: Store, table: str | None):
    """The desk's index beside a store: a directory's own SQLite (when serve made one), a bucket's --table."""
    from handler.index import DynamoIndex, SqliteIndex
    from swanilai.localdesk import index_path

    if isinstance(store, LocalStore):
        return SqliteIndex(index_path(store.root)) if index_path(store.root).is_file() else None
    if table:
        return DynamoIndex(table)
    raise click.UsageError("a bucket's index is a DynamoDB table: give --table (the stack's DeskIndexTableName)")


ERASURE_REASON_CHOICES = ("permintaan_subjek", "retensi", "lainnya")


@cli.command(
    "erase",
    epilog="\b\nExamples:\n  assessor.py erase 0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69 --reason permintaan_subjek --store var\n"
    "  assessor.py erase 0b5f8a47-... --reason permintaan_subjek --store s3://lsp-swanilai-submissions \\\n"
    "      --table swanilai-desk-index",
)
@click.argument("submission_id", metavar="ID")
@click.option(
    "--reason",
    type=click.Choice(ERASURE_REASON_CHOICES),
    required=True,
    help="permintaan_subjek: the candidate asked; retensi: past retention; lainnya: another reason",
)
@store_option()
@click.option("--table", metavar="TABLE", help="the desk's DynamoDB index; required for s3:// sources")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.pass_obj
def erase_command(runtime: Runtime, submission_id: str, reason: str, source: str, table: str | None, yes: bool) -> None:
    """Erase one candidate's data for good: the submission, every revision before and after it, every version.

    Records, markers, reviews, evidence files and uploads, in every version, and the desk's index
    entries. An entry in SOURCE's erasure log (erasures/<YYYY>/<MM>/<id>.json) records the ids, the
    time, who erased (your local account) and the reason, never the candidate's data. ID is the full
    36-character id. Run again, it answers that the erasure was done before. Pulled copies lose the
    submission on their next `assessor.py pull`.
    """
    from swanilai.assessor.erase import erase_submission, local_admin

    wanted = submission_id.strip().lower()
    store = open_source(source)
    index = _desk_index(store, table)
    with store_errors(store):
        erased = erase_submission(
            store,
            index,
            wanted,
            reason=reason,
            admin=local_admin(),
            now=runtime.clock(),
            confirm=lambda text: yes or click.confirm(f"{text}\nErase?", default=False, err=True),
        )
    if erased.again:
        say(f"nothing left of {wanted}: it was erased before (erasure {erased.erasure_id})")
        return
    counts = erased.to_dict()["erased"]
    say(
        f"erased {', '.join(erased.submission_ids)}: {counts['objects']} object(s), {counts['versions']} "
        f"version(s), {counts['reviews']} review(s), {counts['files']} file(s), {counts['index_entries']} index "
        f"entr(y/ies); erasure {erased.erasure_id} logged in {store.describe()}"
    )


@cli.command(
    "retention",
    epilog="\b\nExample:\n  assessor.py retention --older-than-years 5 --store var",
)
@click.option(
    "--older-than-years",
    "years",
    type=click.IntRange(1, 30),
    required=True,
    metavar="N",
    help="the retention: retention_years in site_src/privacy.yml (RetentionYears in AWS)",
)
@store_option("DIR", "the local store (build.py serve's var); a bucket's lifecycle rules do this in AWS")
@click.option("--yes", is_flag=True, help="do not ask for confirmation")
@click.pass_obj
def retention_command(runtime: Runtime, years: int, source: str, yes: bool) -> None:
    """List what in a local store is past retention, and remove it on confirmation.

    The bucket's lifecycle rules, for a directory: every record, marker, review and evidence file
    written more than N years ago (365 days a year and a leap day every four), and uploads under
    incoming/ older than two days, each by its own write time. Removing goes through the erasure
    path: the desk's index loses the records' entries, and one erasure log entry (reason retensi)
    names them, so assessors' pulled copies lose them on their next pull.
    """
    from swanilai.assessor.erase import local_admin
    from swanilai.assessor.retention import past_retention, sweep

    store = open_source(source)
    if not isinstance(store, LocalStore):
        raise click.UsageError(
            "in AWS the bucket's lifecycle rules expire what is past retention (RetentionYears); give a directory"
        )
    index = _desk_index(store, None)
    now = runtime.clock()
    with store_errors(store):
        found = past_retention(store, index, years, now)
        versions = found.plan.versions
        if not versions:
            say(
                f"nothing in {store.describe()} is past the {years}-year retention (written before {found.cutoff:%Y-%m-%d})"
            )
            return
        for submission_id, key in sorted(found.records.items(), key=lambda item: item[1]):
            named = parse_record_key(key)
            say(f"  {submission_id}  {named.scheme_id}  received {named.day:%Y-%m-%d} (UTC)")
        others = len(versions) - len(found.records)
        question = (
            f"{len(found.records)} submission(s) and {others} other object(s) (reviews, evidence, markers, uploads) "
            f"in {store.describe()} were written before {found.cutoff:%Y-%m-%d}, past the {years}-year retention. "
            f"Remove them for good?"
        )
        if not (yes or click.confirm(question, default=False, err=True)):
            raise AssessorError("nothing removed: not confirmed")
        done = sweep(store, index, found, admin=local_admin(), now=now)
    logged = f"; erasure {done.erasure_id} logged" if found.records else ""
    say(f"removed {done.versions} object(s) of {len(found.records)} submission(s) past retention{logged}")


@cli.command(
    "bundle",
    epilog="\b\nExample:\n  assessor.py bundle 0b5f8a47-3c1e-4d2a-9f6b-1e2d3c4b5a69 --store s3://lsp-swanilai-submissions --pdf",
)
@click.argument("submission_id", metavar="ID")
@store_option()
@click.option("--pdf", is_flag=True, help="also the filled forms as PDF (needs Chromium)")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="where to write the zip  [default: data-<ID>.zip here]",
)
@click.pass_obj
def bundle_command(runtime: Runtime, submission_id: str, source: str, pdf: bool, out: Path | None) -> None:
    """Export one candidate's data, on their request, as a zip: JSON, their files and the filled forms.

    Everything kept about the submission and every revision before and after it, in its current
    version: each record as stored, the reviews, the evidence files under the names the candidate
    gave them, the filled FR.APL.02 (HTML, and PDF with --pdf), a manifest with SHA-256s and a note
    in Bahasa Indonesia. ID is the full 36-character id. The file is readable by you alone: send it
    to the candidate over a channel the LSP trusts.
    """
    from swanilai.assessor.bundle import collect, zipped

    wanted = submission_id.strip().lower()
    store = open_source(source)
    out = out or Path(f"data-{wanted}.zip")
    try:
        from swanilai.privacy import load_notice

        controller = load_notice().controller
    except Exception:  # noqa: BLE001 - the note then names no controller; the data is what matters
        controller = ""
    with PdfWriter(warn) if pdf else nullcontext() as writer, store_errors(store):
        found = collect(store, wanted, now=runtime.clock(), pdf=writer.write if writer else None, controller=controller)
    try:
        make_private_dirs(out.resolve().parent)
        write_atomically(out, zipped(found))
    except OSError as exc:
        raise disk_error(exc, out.parent, "bundle") from None
    say(f"wrote {len(found.files)} file(s) of {', '.join(found.submission_ids)} to {out}")


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="assessor.py")
