#!/usr/bin/env python3
"""Swanilai for LSP staff: check the schemes, build the site, serve it locally.

Run it with any Python 3.11+: on first use it creates `.venv/` with everything it needs and
re-runs itself there.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS = (ROOT / "handler" / "requirements.txt", ROOT / "tests" / "requirements.txt")
_STAMP = VENV / "swanilai-requirements.sha256"


# -- the environment: stdlib only, because it runs before the virtualenv exists


def _requirements_digest() -> str:
    digest = hashlib.sha256()
    for path in REQUIREMENTS:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_venv(force: bool = False) -> None:
    """Create or update `.venv` when it is missing or the requirement files changed."""
    if not force and _STAMP.exists() and _STAMP.read_text().strip() == _requirements_digest():
        return
    if not _venv_python().exists():
        print(f"Creating {VENV.relative_to(ROOT)}/ ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print("Installing Swanilai's Python packages into .venv/ ...", file=sys.stderr)
    pip = [str(_venv_python()), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *(arg for path in REQUIREMENTS for arg in ("-r", str(path)))], check=True)
    _STAMP.write_text(_requirements_digest() + "\n")


def enter_venv(script: Path) -> None:
    """Re-run the calling script inside `.venv`, setting it up first if needed."""
    ensure_venv()
    if Path(sys.prefix).resolve() != VENV.resolve():
        os.execv(str(_venv_python()), [str(_venv_python()), str(script), *sys.argv[1:]])


if __name__ == "__main__":
    enter_venv(Path(__file__))

# -- from here on, inside the virtualenv

import argparse  # noqa: E402
import logging  # noqa: E402

sys.path.insert(0, str(ROOT))

SCHEME_DIR = ROOT / "schemes"
CATALOG_DIR = ROOT / "handler" / "catalog"
SITE_DIR = ROOT / "site"
DEFAULT_API_URL = "/api/submissions"


class BuildError(Exception):
    """A build step failed for a reason the LSP can fix; the message says how."""


def check(scheme_dir: Path = SCHEME_DIR, quiet: bool = False):
    """Check every scheme and print its problems; return the result."""
    from handler.scheme_source import check_schemes

    result = check_schemes(scheme_dir)
    for problem in result.problems:
        print(problem, file=sys.stderr)
    if not quiet or result.errors:
        errors, warnings = len(result.errors), len(result.problems) - len(result.errors)
        verdict = "failed" if errors else "passed"
        print(f"check {verdict}: {len(result.schemes)} scheme(s) ok, {errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return result


def write_catalog(schemes, catalog_dir: Path = CATALOG_DIR) -> None:
    """Write one compiled JSON file per scheme, removing entries of schemes that are gone."""
    from handler.scheme import write_catalog_entry

    catalog_dir.mkdir(parents=True, exist_ok=True)
    keep = {f"{scheme.id}.json" for scheme in schemes}
    for stale in catalog_dir.glob("*.json"):
        if stale.name not in keep:
            stale.unlink()
    for scheme in schemes:
        write_catalog_entry(catalog_dir, scheme)


def build(api_url: str = DEFAULT_API_URL, site_dir: Path = SITE_DIR, scheme_dir: Path = SCHEME_DIR,
          catalog_dir: Path = CATALOG_DIR) -> None:
    """Check, compile the catalog, and build the static site with mkdocs-material."""
    result = check(scheme_dir, quiet=True)
    if result.errors:
        raise BuildError(f"{len(result.errors)} error(s) in {display_path(scheme_dir)}; fix them and build again")
    write_catalog(result.schemes, catalog_dir)
    _mkdocs_build(api_url, site_dir, catalog_dir)
    print(f"built {len(result.schemes)} scheme page(s) into {display_path(site_dir)}/", file=sys.stderr)


def _mkdocs_build(api_url: str, site_dir: Path, catalog_dir: Path) -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site_dir))
    config["extra"]["api_url"] = api_url
    config["extra"]["catalog_dir"] = str(catalog_dir)
    try:
        mkdocs_build(config)
    except MkDocsException as exc:
        raise BuildError(f"mkdocs: {exc}") from exc
    finally:
        config.plugins.on_shutdown()


def display_path(path: Path) -> str:
    """A path as LSP staff see it: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


# -- the command line


def _cmd_setup(args: argparse.Namespace) -> int:
    ensure_venv(force=args.force)
    print(f"environment ready: {_venv_python()}", file=sys.stderr)
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    return 1 if check(args.schemes).errors else 0


def _cmd_build(args: argparse.Namespace) -> int:
    build(api_url=args.api_url, site_dir=args.site_dir, scheme_dir=args.schemes, catalog_dir=args.catalog_dir)
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from handler.localserver import ServeError, open_server, run

    # Claim the port and the store first: a port in use or a missing bucket shows before the build.
    try:
        server = open_server(port=args.port, store=args.store)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    with server:
        build(api_url=DEFAULT_API_URL, site_dir=args.site_dir, scheme_dir=args.schemes)
        return run(server, site_dir=args.site_dir, catalog_dir=CATALOG_DIR)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=__doc__.splitlines()[0])
    parser.add_argument("--schemes", type=Path, default=SCHEME_DIR, help="scheme directory (default: schemes/)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    setup = commands.add_parser("setup", help="create or update .venv/ (done automatically on first run)")
    setup.add_argument("--force", action="store_true", help="reinstall even if the requirements did not change")
    setup.set_defaults(run=_cmd_setup)

    commands.add_parser("check", help="check every scheme; file:line errors; exit 1 on any error").set_defaults(run=_cmd_check)

    build_cmd = commands.add_parser("build", help="check, compile the catalog and build site/")
    build_cmd.add_argument("--api-url", default=DEFAULT_API_URL, help=f"where the page sends submissions (default: {DEFAULT_API_URL})")
    build_cmd.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: site/)")
    build_cmd.add_argument("--catalog-dir", type=Path, default=CATALOG_DIR,
                           help="where the compiled catalog goes (default: handler/catalog/, packaged with the handler)")
    build_cmd.set_defaults(run=_cmd_build)

    serve = commands.add_parser("serve", help="build, then serve the site and the submission API on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    serve.add_argument("--store", default="var", help="local directory for submissions (default: var/); ignored when SUBMISSIONS_BUCKET is set")
    serve.add_argument("--site-dir", type=Path, default=SITE_DIR, help="output directory (default: site/)")
    serve.set_defaults(run=_cmd_serve)

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
