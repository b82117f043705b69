#!/usr/bin/env python3
"""Swanilai for LSP staff: check the schemes, build the site, serve it locally.

Run it with any Python 3.11+: on first use it creates `.venv/` with everything it needs and
re-runs itself there. The work is done in `swanilai/`; this file parses the command line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from swanilai.bootstrap import ensure_venv, enter_venv, venv_python

if __name__ == "__main__":
    enter_venv(Path(__file__))

# -- from here on, inside the virtualenv

import argparse  # noqa: E402

from swanilai.check_messages import DEFAULT_LANG, LANGS  # noqa: E402
from swanilai.paths import CATALOG_DIR, SCHEME_DIR, SITE_DIR  # noqa: E402
from swanilai.site import DEFAULT_API_URL, BuildError, build, check  # noqa: E402

# -- the command line


def _cmd_setup(args: argparse.Namespace) -> int:
    ensure_venv(force=args.force)
    print(f"environment ready: {venv_python()}", file=sys.stderr)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    return 1 if check(args.schemes, lang=args.lang, compile=False).errors else 0


def _cmd_build(args: argparse.Namespace) -> int:
    build(
        api_url=args.api_url,
        site_dir=args.site_dir,
        scheme_dir=args.schemes,
        catalog_dir=args.catalog_dir,
        lang=args.lang,
    )
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from swanilai.devserver import ServeError, open_server, run

    # Claim the port and the store first: a port in use or a missing bucket shows before the build.
    try:
        server = open_server(port=args.port, store=args.store)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with server:
        build(
            api_url=DEFAULT_API_URL,
            site_dir=args.site_dir,
            scheme_dir=args.schemes,
            catalog_dir=args.catalog_dir,
            lang=args.lang,
        )
        return run(server, site_dir=args.site_dir, catalog_dir=args.catalog_dir)


def _cmd_import(args: argparse.Namespace) -> int:
    from swanilai.importer.report import import_command

    return import_command(args.file, args.schemes, scheme_id=args.id, force=args.force, lang=args.lang)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["publish"]:  # infra/publish.py's own command line, in this virtualenv
        from swanilai.publish import main as publish_main

        return publish_main(argv[1:])
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", type=Path, default=SCHEME_DIR, help="scheme directory (default: schemes/)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Every command that checks the schemes prints check's problems the same way.
    checks = argparse.ArgumentParser(add_help=False)
    checks.add_argument(
        "--lang",
        choices=LANGS,
        default=DEFAULT_LANG,
        help=f"language of the scheme check's messages: id (Bahasa Indonesia) or en (default: {DEFAULT_LANG})",
    )

    setup = commands.add_parser("setup", help="create or update .venv/ (done automatically on first run)")
    setup.add_argument("--force", action="store_true", help="reinstall even if the requirements did not change")
    setup.set_defaults(run=_cmd_setup)

    commands.add_parser(
        "check", parents=[checks], help="check every scheme; file:line errors; exit 1 on any error"
    ).set_defaults(run=_cmd_check)

    build_cmd = commands.add_parser("build", parents=[checks], help="check, compile the catalog and build site/")
    build_cmd.add_argument(
        "--api-url", default=DEFAULT_API_URL, help=f"where the page sends submissions (default: {DEFAULT_API_URL})"
    )
    build_cmd.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: site/)")
    build_cmd.add_argument(
        "--catalog-dir",
        type=Path,
        default=CATALOG_DIR,
        help="where the compiled catalog goes (default: handler/catalog/, packaged with the handler)",
    )
    build_cmd.set_defaults(run=_cmd_build)

    serve = commands.add_parser(
        "serve", parents=[checks], help="build, then serve the site and the submission API on 127.0.0.1"
    )
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    serve.add_argument(
        "--store",
        default="var",
        help="local directory for submissions (default: var/); ignored when SUBMISSIONS_BUCKET is set",
    )
    serve.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: site/)")
    serve.add_argument(
        "--catalog-dir",
        type=Path,
        default=CATALOG_DIR,
        help="where the compiled catalog goes (default: handler/catalog/)",
    )
    serve.set_defaults(run=_cmd_serve)

    importer = commands.add_parser(
        "import",
        help="turn the LSP's FR.APL.02 document (.docx, PDF or text) into schemes/<id>.yaml, with a report of what to check",
        description="Turn the LSP's FR.APL.02 Asesmen Mandiri document (.docx, PDF or text) into schemes/<id>.yaml. "
        "Nothing is invented: what the document does not say is left out and listed in the report, and marked "
        "PERIKSA in the file. Example: python3 build.py import APL-02-pemasaran.docx --id konsultasi-pemasaran",
    )
    importer.add_argument("file", type=Path, metavar="FILE", help="the FR.APL.02 document: .docx, .pdf or .txt")
    importer.add_argument("--id", help="scheme id, the file name and link /skema/<id>/ (default: made from the title)")
    importer.add_argument(
        "--force", action="store_true", help="replace schemes/<id>.yaml if it exists (git keeps the old one)"
    )
    importer.add_argument(
        "--lang", choices=("id", "en"), default="id", help="report language (default: id, Bahasa Indonesia)"
    )
    importer.set_defaults(run=_cmd_import)

    commands.add_parser("publish", help="package or deploy to AWS: see `python3 infra/publish.py --help`")

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
