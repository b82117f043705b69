"""Scheme source files: load `schemes/<id>.yaml` with line numbers and check them.

Build-time only (needs PyYAML and jsonschema); the Lambda reads the compiled catalog instead.
Every problem is reported as `file:line: message`, all of them in one run.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import yaml

from handler.scheme import SCHEME_ID_MAX, Scheme, compile_scheme, is_scheme_id, plain_text

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemes" / "scheme.schema.json"
MAX_FILE_BYTES = 1024 * 1024


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with the implicit-tag resolver memoised: scheme files repeat the same
    keys and numbers thousands of times, and resolving each in Python was half of `check`."""

    _resolved: dict[tuple[Any, str, Any], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        memo = (kind, value, implicit)
        tag = self._resolved.get(memo)
        if tag is None:
            tag = self._resolved[memo] = super().resolve(kind, value, implicit)
            if len(self._resolved) > 100_000:
                self._resolved.clear()
        return tag


_constructor = yaml.constructor.SafeConstructor()
_STR_TAG = "tag:yaml.org,2002:str"
Loc = tuple  # a location inside the document: its keys and list indexes


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "warning: " if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


@dataclass
class SourceFile:
    """One scheme file as loaded: its data, the line of every node, and what is wrong with it."""

    path: Path
    display: str
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line(self, path: Loc) -> int:
        # The nearest node that has a line: a missing key is reported at its parent mapping.
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: Loc, message: str) -> None:
        self.problems.append(Problem(self.display, self.line(path), message))

    def warn(self, path: Loc, message: str) -> None:
        self.problems.append(Problem(self.display, self.line(path), message, warning=True))

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


@dataclass(frozen=True)
class CheckResult:
    schemes: list[Scheme]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


class _DuplicateKey(Exception):
    def __init__(self, key: object, line: int, first_line: int) -> None:
        self.key, self.line, self.first_line = key, line, first_line


# -- loading


def load_source(path: Path, display: str | None = None) -> SourceFile:
    """Read one scheme file; file-level problems (size, encoding, YAML syntax) end the load."""
    source = SourceFile(path=path, display=display or str(path))
    if path.stat().st_size > MAX_FILE_BYTES:
        source.problems.append(
            Problem(
                source.display,
                1,
                f"file is {path.stat().st_size:,} bytes; a scheme file may be at most {MAX_FILE_BYTES:,} bytes (1 MB)",
            )
        )
        return source
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        source.problems.append(
            Problem(
                source.display,
                line,
                f"file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
            )
        )
        return source
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(filter(None, [exc.problem, exc.context and f"({exc.context})"]))
        source.problems.append(Problem(source.display, line, f"YAML syntax error: {what}"))
        return source
    except yaml.YAMLError as exc:
        source.problems.append(Problem(source.display, 1, f"YAML error: {exc}"))
        return source
    if node is None:
        source.problems.append(
            Problem(source.display, 1, "file is empty; a scheme needs title, number, lsp, instructions and units")
        )
        return source
    try:
        source.data = _construct(node, (), source.lines)
    except _DuplicateKey as dup:
        source.problems.append(
            Problem(
                source.display,
                dup.line,
                f"key {dup.key!r} appears twice in the same mapping (first on line {dup.first_line}); remove one",
            )
        )
    return source


def _construct(node: yaml.Node, path: Loc, lines: dict[Loc, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        key_lines: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if key_node.tag == _STR_TAG else _constructor.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key)
            line = key_node.start_mark.line + 1
            if key in key_lines:
                raise _DuplicateKey(key, line, key_lines[key])
            key_lines[key] = line
            result[key] = _construct(value_node, path + (key,), lines)
            lines[path + (key,)] = line
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, path + (index,), lines) for index, item in enumerate(node.value)]
    if node.tag == _STR_TAG:  # most scalars: skip the generic constructor
        return node.value
    return _constructor.construct_object(node, deep=True)


# -- checking


def _validators() -> tuple[Any, jsonschema.Draft202012Validator]:
    """The schema compiled twice: fastjsonschema to pass good files fast, jsonschema to explain bad ones."""
    global _VALIDATORS
    if _VALIDATORS is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        _VALIDATORS = (fastjsonschema.compile(schema), jsonschema.Draft202012Validator(schema))
    return _VALIDATORS


_VALIDATORS: tuple[Any, jsonschema.Draft202012Validator] | None = None


def _schema_errors(data: Any) -> list[jsonschema.ValidationError]:
    fast, thorough = _validators()
    try:
        fast(data)
        return []
    except fastjsonschema.JsonSchemaException:
        # Only now pay for the validator that finds every error with its path.
        return sorted(thorough.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))


def check_file(path: Path, display: str | None = None) -> SourceFile:
    """Load and check one scheme file against the schema and the form's numbering rules."""
    source = load_source(path, display)
    if source.problems:
        return source
    if not isinstance(source.data, dict):
        kind = "a list" if isinstance(source.data, list) else f"a single value ({source.data!r})"
        source.error((), f"a scheme file must be a mapping of keys (title:, number:, units: ...), not {kind}")
        return source
    if not is_scheme_id(path.stem):
        source.error(
            (),
            f"file name {path.name!r} is not a valid scheme id: use lowercase letters, digits and single hyphens, at most {SCHEME_ID_MAX} characters, ending in .yaml (e.g. konsultasi-manajemen-pemasaran.yaml)",
        )
    for error in _schema_errors(source.data):
        _report_schema_error(source, error)
    if source.ok:
        _check_rules(source)
    source.problems.sort(key=lambda problem: problem.line)
    return source


def _where(source: SourceFile, path: Loc) -> str:
    """Name a place in the document the way LSP staff read the form: unit, element, criterion."""
    data, parts = source.data, []
    try:
        if len(path) >= 2 and path[0] == "units":
            unit = data["units"][path[1]]
            parts.append(f"unit {unit.get('code') or path[1] + 1}")
            if len(path) >= 4 and path[2] == "elements":
                parts.append(f"element {path[3] + 1}")
                if len(path) >= 6 and path[4] == "criteria":
                    parts.append(f"criterion {path[5] + 1}")
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return ", ".join(parts)


def _report_schema_error(source: SourceFile, error: jsonschema.ValidationError) -> None:
    path = tuple(error.absolute_path)
    where = _where(source, path)
    field_name = str(path[-1]) if path and isinstance(path[-1], str) else None
    subject = " ".join(filter(None, [f"{where}:" if where else "", field_name and f"{field_name!r}"])) or "the scheme"
    validator, value = error.validator, error.instance
    if validator == "required":
        # A misspelt key is reported once, as unknown with a suggestion, not also as missing.
        unknown = [str(key) for key in value if key not in error.schema.get("properties", {})]
        missing = [
            name
            for name in error.validator_value
            if name not in value and not difflib.get_close_matches(name, unknown, n=1)
        ]
        if not missing:
            return
        message = f"{where + ': ' if where else ''}missing required key {', '.join(map(repr, missing))}"
    elif validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed), key=str):
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            advice = f"did you mean {hint[0]!r}? " if hint else ""
            source.error(
                path + (key,),
                f"{where + ': ' if where else ''}unknown key {key!r}; {advice}allowed keys: {', '.join(allowed)}",
            )
        return
    elif validator == "type":
        expected = error.validator_value
        message = f"{subject} must be {_type_name(expected)}, not {_type_name(_json_type(value))} ({_short(value)})"
        if expected == "string" and isinstance(value, (int, float)) and path and path[-1] == "number":
            message += '; quote it, e.g. "1.1"'
    elif validator == "pattern" and error.validator_value == "\\S":
        message = f"{subject} is empty; write the text from the LSP's document"
    elif validator == "pattern":
        examples = {"code": "an SKKNI unit code like M.70MKT00.019.2", "number": 'a KUK number like "1.1"'}
        message = f"{subject} {_short(value)} is not {examples.get(field_name or '', 'in the expected form')}"
    elif validator == "enum":
        message = f"{subject} {_short(value)} is not allowed; use one of {', '.join(map(str, error.validator_value))}"
    elif validator == "minItems":
        message = f"{subject} is empty; it needs at least one item"
    elif validator == "minimum":
        message = f"{subject} must be at least {error.validator_value}, not {value}"
    else:  # a rule added to the schema without a friendly message yet
        message = f"{subject}: {error.message}"
    source.error(path, message)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(type(value), type(value).__name__)


def _type_name(name: Any) -> str:
    names = {
        "string": "text",
        "integer": "a whole number",
        "number": "a number",
        "array": "a list",
        "object": "a mapping of keys",
        "boolean": "true or false",
        "null": "empty",
    }
    return names.get(name, str(name))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_rules(source: SourceFile) -> None:
    """The form's own rules, once the shape is right: numbering, uniqueness, codes, emphasis."""
    data = source.data
    if "kind" not in data:
        source.warn(
            (),
            "scheme kind is not set; the page shows 'KKNI/Okupasi/Klaster' as the paper form does. Add kind: KKNI, Okupasi or Klaster if the LSP's document says which",
        )
    for path, text in _texts(data):
        if "*" in text and text.count("*") % 2:
            source.error(
                path,
                f"{_where(source, path) + ': ' if _where(source, path) else ''}unbalanced '*' in {_short(text)}; italic terms are written *like this*",
            )
    unit_keys: dict[str, int] = {}
    for u, unit in enumerate(data["units"]):
        upath = ("units", u)
        code = unit.get("code")
        if not code:
            source.warn(
                upath,
                f"unit {u + 1} ({plain_text(unit['title'])}) has no code; it is keyed by its title. Add code: if the LSP's document gives one (never invent one)",
            )
        key = code or plain_text(unit["title"]).strip().lower()
        if key in unit_keys:
            what = f"code {code}" if code else "title (and no code)"
            source.error(
                upath + (("code",) if code else ("title",)),
                f"unit {u + 1} has the same {what} as unit {unit_keys[key] + 1}; each unit must be unique",
            )
        unit_keys.setdefault(key, u)
        for e, element in enumerate(unit["elements"]):
            epath = upath + ("elements", e)
            if element["number"] != e + 1:
                source.error(
                    epath + ("number",),
                    f"{_where(source, epath)}: element is numbered {element['number']} out of order (expected {e + 1})",
                )
            for c, criterion in enumerate(element["criteria"]):
                expected = f"{e + 1}.{c + 1}"  # by position, so one misnumbered element is one error
                if criterion["number"] != expected:
                    cpath = epath + ("criteria", c, "number")
                    source.error(
                        cpath,
                        f"{_where(source, epath)}: criterion {criterion['number']} is numbered out of order (expected {expected})",
                    )


def _texts(data: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
    """Every text of a schema-valid scheme with its location (walked by shape: it runs per file)."""
    for key in ("title", "number", "lsp", "assessor"):
        if key in data:
            yield (key,), data[key]
    for i, line in enumerate(data["instructions"]):
        yield ("instructions", i), line
    for u, unit in enumerate(data["units"]):
        yield ("units", u, "title"), unit["title"]
        for e, element in enumerate(unit["elements"]):
            yield ("units", u, "elements", e, "title"), element["title"]
            for c, criterion in enumerate(element["criteria"]):
                yield ("units", u, "elements", e, "criteria", c, "text"), criterion["text"]


@dataclass(frozen=True)
class _Checked:
    """What checking one file yields, small enough to send back from a worker process."""

    problems: list[Problem]
    scheme: Scheme | None
    number_line: int


def _check_one(path: Path, display: str) -> _Checked:
    source = check_file(path, display)
    if not source.ok:
        return _Checked(source.problems, None, 0)
    return _Checked(source.problems, compile_scheme(path.stem, source.data), source.line(("number",)))


# Below this many files one process is faster than starting workers.
PARALLEL_FROM = 64


def check_schemes(scheme_dir: Path, display_root: Path | None = None) -> CheckResult:
    """Check every scheme file in a directory, and the rules that span files."""
    root = display_root or scheme_dir.parent
    problems: list[Problem] = []
    files: list[tuple[Path, str]] = []
    for path in sorted(scheme_dir.iterdir()):
        display = _display(path, root)
        if path.suffix == ".yml":
            problems.append(Problem(display, 1, f"scheme files end in .yaml; rename it to {path.stem}.yaml"))
        elif path.suffix == ".yaml" and path.is_file():
            files.append((path, display))
    workers = min(os.cpu_count() or 1, 8)
    if len(files) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            checked = list(
                pool.map(_check_one, *zip(*files, strict=False), chunksize=max(1, len(files) // (workers * 4)))
            )
    else:
        checked = [_check_one(path, display) for path, display in files]
    schemes: list[Scheme] = []
    numbers: dict[str, str] = {}
    for (_, display), result in zip(files, checked, strict=False):
        problems.extend(result.problems)
        if result.scheme is None:
            continue
        number = result.scheme.number
        if number in numbers:
            problems.append(
                Problem(
                    display,
                    result.number_line,
                    f"scheme number {number!r} is already used by {numbers[number]}; each scheme needs its own number",
                )
            )
            continue
        numbers[number] = display
        schemes.append(result.scheme)
    return CheckResult(schemes=schemes, problems=problems)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
