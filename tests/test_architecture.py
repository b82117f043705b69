"""The architecture of docs/ARCHITECTURE.md, enforced: who may import what, no import-path edits, ruff,
a document that names every module, and production schemes that only have to pass `check`.

Imports are read with `ast`, never by importing: a forbidden import inside a function (as handler/
imports boto3 lazily) is found as surely as one at the top of a file.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"

# Generated or installed trees that hold no code of ours.
SKIPPED_DIRS = {".venv", ".git", "__pycache__", "site", "var", ".aws-sam", "build", "node_modules", ".pytest_cache"}

# Top-level import names that belong to this repository. Anything else is the standard library or an
# installed third-party package.
FIRST_PARTY = {"handler", "swanilai", "support", "conftest", "tests", "bench", "build", "assessor", "infra", "site_src"}
STDLIB = set(sys.stdlib_module_names)


@dataclass(frozen=True)
class Room:
    """A part of the tree and the imports its modules may make."""

    name: str
    paths: tuple[str, ...]  # directories or single files, relative to the repository
    first_party: frozenset[str]  # the repository's own packages it may import
    third_party: bool  # whether installed packages other than `only` may be imported
    only: frozenset[str] = frozenset()  # third-party packages allowed when third_party is False
    why: str = ""


# One table, the same as docs/ARCHITECTURE.md's "What may import what".
ROOMS = (
    Room(
        "handler/",
        ("handler",),
        first_party=frozenset({"handler"}),
        third_party=False,
        only=frozenset({"boto3", "botocore"}),
        why="handler/ is the Lambda package: it may import only the standard library, boto3/botocore and handler",
    ),
    Room(
        "swanilai/",
        ("swanilai",),
        first_party=frozenset({"handler", "swanilai"}),
        third_party=True,
        why="swanilai/ may import handler and swanilai, never the tests' support, bench or the command scripts",
    ),
    Room(
        "the commands",
        ("build.py", "assessor.py", "infra/publish.py"),
        first_party=frozenset({"handler", "swanilai"}),
        third_party=True,
        why="a command parses its arguments and calls handler or swanilai",
    ),
    Room(
        "bench/",
        ("bench",),
        first_party=frozenset({"handler", "swanilai"}),
        third_party=True,
        why="bench/ may import handler and swanilai (shared harnesses live in swanilai/testing.py)",
    ),
    Room(
        "tests/",
        ("tests",),
        first_party=frozenset({"handler", "swanilai", "support"}),
        third_party=True,
        why="tests/ may import handler, swanilai and their own support package",
    ),
)


def python_files(base: Path) -> Iterator[Path]:
    if base.is_file():
        yield base
        return
    for path in sorted(base.rglob("*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(base).parts):
            yield path


def room_files(room: Room, root: Path = ROOT) -> list[Path]:
    return [path for entry in room.paths if (root / entry).exists() for path in python_files(root / entry)]


def imported_names(tree: ast.AST, package: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import, including relative ones and `__import__`/`import_module("x")`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: inside the file's own top-level package
                yield node.lineno, package + ("." + node.module if node.module else "")
            else:
                yield node.lineno, node.module or ""
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ("__import__", "import_module") and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def forbidden_imports(room: Room, root: Path = ROOT) -> list[str]:
    """Every import in the room that its rule forbids, as `file:line: imports 'x'; why`."""
    problems = []
    for path in room_files(room, root):
        relative = path.relative_to(root)
        tree = ast.parse(path.read_bytes(), filename=str(relative))
        for line, name in imported_names(tree, relative.parts[0]):
            top = name.split(".")[0]
            if top in FIRST_PARTY:
                allowed = top in room.first_party
            elif top in STDLIB:
                allowed = True
            else:
                allowed = room.third_party or top in room.only
            if not allowed:
                problems.append(f"{relative}:{line}: imports '{name}'; {room.why}")
    return problems


@pytest.mark.parametrize("room", ROOMS, ids=[room.name for room in ROOMS])
def test_imports_follow_the_architecture(room):
    assert room_files(room), f"no Python file found for {room.name}: is the table out of date?"
    problems = forbidden_imports(room)
    assert not problems, "forbidden imports (docs/ARCHITECTURE.md, 'What may import what'):\n" + "\n".join(problems)


# The checker itself, on small made-up trees: each row must be caught with the exact message.
HANDLER_RULE = ROOMS[0].why
SWANILAI_RULE = ROOMS[1].why
CHECKER_CASES = [
    ("handler/png.py", "import yaml\n", "handler/png.py:1: imports 'yaml'; " + HANDLER_RULE),
    (
        "handler/store.py",
        "def client():\n    from swanilai.paths import ROOT\n",
        "handler/store.py:2: imports 'swanilai.paths'; " + HANDLER_RULE,
    ),
    ("handler/rules.py", "from support import records\n", "handler/rules.py:1: imports 'support'; " + HANDLER_RULE),
    (
        "handler/x.py",
        "import importlib\nimportlib.import_module('jinja2')\n",
        "handler/x.py:2: imports 'jinja2'; " + HANDLER_RULE,
    ),
    ("handler/y.py", "requests = __import__('requests')\n", "handler/y.py:1: imports 'requests'; " + HANDLER_RULE),
    ("swanilai/z.py", "from support.page import NAME\n", "swanilai/z.py:1: imports 'support.page'; " + SWANILAI_RULE),
]


@pytest.mark.parametrize(
    "path, source, expected",
    CHECKER_CASES,
    ids=["third-party", "lazy-swanilai", "tests-support-in-handler", "import-module", "dunder-import", "tests-support"],
)
def test_import_checker_names_file_line_and_the_forbidden_import(tmp_path, path, source, expected):
    (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / path).write_text(source)
    room = next(room for room in ROOMS if room.paths[0] == path.split("/")[0])
    assert forbidden_imports(room, tmp_path) == [expected]


def test_import_checker_allows_what_the_rule_allows(tmp_path):
    (tmp_path / "handler").mkdir()
    (tmp_path / "handler" / "ok.py").write_text(
        "from __future__ import annotations\nimport json\nfrom . import app\n"
        "def s3():\n    import boto3\n    from botocore.exceptions import ClientError\n"
    )
    assert forbidden_imports(ROOMS[0], tmp_path) == []


def test_site_src_holds_no_python():
    found = [str(path.relative_to(ROOT)) for path in python_files(ROOT / "site_src")]
    assert found == [], "site_src/ is what the site is made of (pages, templates, JS, CSS); Python goes in swanilai/"


# -- no import-path edits: pyproject.toml's editable install and pytest.ini's pythonpath make imports plain

# Spelled in two parts so that this file does not find itself.
PATH_EDIT = "sys" + ".path"


def path_edits(path: Path, relative: str) -> list[str]:
    found = [
        f"{relative}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PATH_EDIT in line
    ]
    # The same edit under another spelling: `from sys import path`, `import sys as s; s.path`.
    tree = ast.parse(path.read_bytes())
    sys_names = {
        a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names if a.name == "sys"
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "sys" and any(a.name == "path" for a in node.names):
            found.append(f"{relative}:{node.lineno}: from sys import path")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "path"
            and isinstance(node.value, ast.Name)
            and node.value.id in sys_names - {"sys"}
        ):
            found.append(f"{relative}:{node.lineno}: {node.value.id}.path")
    return found


def test_no_file_edits_the_import_path():
    found = [
        problem
        for base in ("handler", "swanilai", "tests", "bench", "infra", "build.py", "assessor.py")
        for path in python_files(ROOT / base)
        for problem in path_edits(path, str(path.relative_to(ROOT)))
    ]
    assert found == [], (
        "the import path is set by pyproject.toml (editable install) and tests/pytest.ini:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    "source, expected",
    [
        ("import sys\nsys" + ".path.insert(0, 'x')\n", ["x.py:2: sys" + ".path.insert(0, 'x')"]),
        ("from sys import path\npath.append('x')\n", ["x.py:1: from sys import path"]),
        ("import sys as s\ns.path.append('x')\n", ["x.py:2: s.path"]),
        ("import os\nos.path.join('a', 'b')\n", []),
    ],
    ids=["insert", "from-sys-import-path", "aliased-sys", "os-path-is-fine"],
)
def test_import_path_edits_are_found_however_spelled(tmp_path, source, expected):
    (tmp_path / "x.py").write_text(source)
    assert path_edits(tmp_path / "x.py", "x.py") == expected


# -- ruff: the formatter and the linter, configured in pyproject.toml


def ruff() -> str:
    executable = Path(sys.executable).parent / "ruff"
    if not executable.exists():
        pytest.fail(f"{executable} is missing: ruff is pinned in tests/requirements.txt; run `python3 build.py setup`")
    return str(executable)


@pytest.mark.parametrize("command", [["format", "--check"], ["check"]], ids=["format", "lint"])
def test_the_tree_is_clean_under_ruff(command):
    result = subprocess.run(
        [ruff(), *command, "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, (
        f"`ruff {' '.join(command)}` found problems (fix with `.venv/bin/ruff format` / `ruff check --fix`):\n{result.stdout}{result.stderr}"
    )


# -- docs/ARCHITECTURE.md names every module of handler/ and swanilai/, and nothing that is gone

MODULE_NAME = re.compile(r"`((?:handler|swanilai)/[\w/]+\.py)`")


def test_architecture_document_names_every_module_and_only_existing_ones():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    named = set(MODULE_NAME.findall(text))
    actual = {
        str(path.relative_to(ROOT))
        for base in ("handler", "swanilai")
        for path in python_files(ROOT / base)
        if path.name != "__init__.py"
    }
    assert (sorted(actual - named), sorted(named - actual)) == ([], []), (
        "docs/ARCHITECTURE.md, 'Modules': (modules without their line, lines naming modules that do not exist)"
    )


# -- the production schemes are the LSP's data: they only have to pass `check`
