"""Scheme source files: load `schemes/<id>.yaml` with line numbers and check them.

Build-time only (needs PyYAML and jsonschema); the Lambda reads the compiled catalog instead.
Every problem is reported as `file:line: message`, all of them in one run: every rule runs on
every file, on whatever part of it is well-formed. A file with a YAML syntax error still yields
what comes before the error (and its scheme number, for the rule across files), and, where the
message gives the corrected line, what comes after it; a file that breaks the schema in one place
still gets the numbering, identity and emphasis rules everywhere else.

Messages live in `swanilai.check_messages` (Bahasa Indonesia and English); this module only names
the rule and its values.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import yaml

from handler.scheme import (
    SCHEME_ID_MAX,
    Scheme,
    compile_scheme,
    is_scheme_id,
    plain_text,
    slugify,
    unit_key,
)
from swanilai.check_messages import DEFAULT_LANG, Count, Listing, Phrase, Subject, Where, phrase

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemes" / "scheme.schema.json"
MAX_FILE_BYTES = 1024 * 1024
SCHEME_SUFFIXES = (".yaml", ".yml")  # any case: a misnamed file is reported, never skipped
_CODE = re.compile(r"^[A-Z]{1,3}\.[A-Z0-9]{4,8}\.[0-9]{3}\.[0-9]{1,2}$")  # as in scheme.schema.json
_CRITERION_NUMBER = re.compile(r"^[0-9]+\.[0-9]+$")  # as in scheme.schema.json


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


_TAG = "tag:yaml.org,2002:"
_STR_TAG = _TAG + "str"
# Scalar tags a scheme file may spell out (`!!str 1.10`); anything else is a text that began with '!'.
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null")}
_CONTAINER_TAGS = {None, "!", _TAG + "map", _TAG + "seq"}
Loc = tuple  # a location inside the document: its keys and list indexes


@dataclass(frozen=True)
class Problem:
    """One thing to fix, at one line of one file; put into words only when printed."""

    file: str
    line: int
    text: Phrase
    warning: bool = False

    def format(self, lang: str = DEFAULT_LANG) -> str:
        prefix = phrase("label.warning").render(lang) if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.text.render(lang)}"

    @property
    def rule(self) -> str:
        return self.text.key

    @property
    def message(self) -> str:
        return self.text.render(DEFAULT_LANG)

    def __str__(self) -> str:
        return self.format()


@dataclass
class SourceFile:
    """One scheme file as loaded: its data, the line of every node, and what is wrong with it.

    `partial` means YAML stopped at a syntax error: `data` holds what came before it, and the
    containers still open there (`unfinished`, by id) may lack keys that follow the error.
    """

    path: Path
    display: str
    text: str = ""
    data: Any = None
    lines: dict[Loc, int] = field(default_factory=dict)
    # What was typed for a value YAML did not read as text (`1.10` read as 1.1): the exact fix.
    typed: dict[Loc, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    partial: bool = False
    unfinished: set[int] = field(default_factory=set)

    def line(self, path: Loc) -> int:
        # The nearest node that has a line: a missing key is reported at its parent mapping.
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def error(self, path: Loc, text: Phrase) -> None:
        self.problems.append(Problem(self.display, self.line(path), text))

    def warn(self, path: Loc, text: Phrase) -> None:
        self.problems.append(Problem(self.display, self.line(path), text, warning=True))

    def error_at(self, line: int, text: Phrase) -> None:
        self.problems.append(Problem(self.display, line, text))

    def finished(self, container: object) -> bool:
        return not self.partial or id(container) not in self.unfinished

    @property
    def ok(self) -> bool:
        return not any(not p.warning for p in self.problems)


@dataclass(frozen=True)
class CheckResult:
    schemes: list[Scheme]  # compiled, for the build; empty when checked with compile=False
    problems: list[Problem]
    passed: list[str] = field(default_factory=list)  # ids of the schemes without errors

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.warning]

    def summary(self, lang: str = DEFAULT_LANG) -> str:
        errors = len(self.errors)
        return phrase(
            "summary.failed" if errors else "summary.passed",
            ok=len(self.passed),
            errors=errors,
            warnings=len(self.problems) - errors,
        ).render(lang)


# -- loading


def load_source(path: Path, display: str | None = None) -> SourceFile:
    """Read one scheme file with the line of every value; problems of the file itself are recorded.

    Only a file over the size limit is not read at all. A file that is not UTF-8 is read with the
    bad bytes replaced, so its other problems are found in the same run.
    """
    source = SourceFile(path=path, display=display or str(path))
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        source.error_at(1, phrase("file.too_big", size=Count(size), max=Count(MAX_FILE_BYTES)))
        return source
    raw = path.read_bytes()
    try:
        source.text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        source.error_at(line, phrase("file.not_utf8", byte=f"{raw[exc.start]:02x}", offset=exc.start))
        source.text = raw.decode("utf-8", errors="replace")
    _read_yaml(source)
    if source.data is None and not source.partial:
        source.error_at(1, phrase("file.empty"))
    return source


# A broken file is read again at most this many times, each time with one more line repaired.
MAX_REPAIRS = 50


def _read_yaml(source: SourceFile) -> None:
    """Read the YAML; where a message says exactly what to type, read it again as if typed.

    YAML stops at its first syntax error, which would hide everything after it until the next
    run. When the message for that error gives the corrected line (a text to put in quotes, a
    missing ':'), the text is read again with that one line replaced (lines keep their numbers),
    so one run reports the problems after it too. Each problem is reported once.
    """
    lines = source.text.split("\n")
    found: list[Problem] = []
    repaired: set[int] = set()  # each line at most once: a repair that did not help is not retried
    for _ in range(MAX_REPAIRS + 1):
        composer = _Composer(source, "\n".join(lines))
        repair = composer.run()
        # A repaired line was reported as typed; what a re-read says about it is about the repair.
        found.extend(problem for problem in composer.problems if problem.line not in repaired)
        if repair is None or repair[0] in repaired:
            break
        repaired.add(repair[0])
        lines[repair[0] - 1] = repair[1]
    source.problems.extend(dict.fromkeys(found))


class _Repairable(Exception):
    """Stop reading: a line needs the repair its message gives, and the file is read again."""


class _Composer:
    """Build plain Python data from libyaml's events, recording the line of every key and item.

    Events rather than `yaml.compose`: one pass instead of a node tree walked again (about three
    times faster on a scheme), and when YAML stops at a syntax error, everything before it is kept.
    Duplicate keys are reported and the first value kept. Anchors, aliases and tags are not part of
    the scheme format: each one met is almost surely a text that began with `&`, `*` or `!`, and is
    reported with the quoted line to write instead.
    """

    def __init__(self, source: SourceFile, text: str) -> None:
        self.source, self.text = source, text
        source.data, source.lines, source.typed = None, {}, {}
        source.partial, source.unfinished = False, set()
        self.problems: list[Problem] = []
        self.repair: tuple[int, str] | None = None
        self.loader = _Loader(text)
        # Open containers: [container, path, pending key (a 1-tuple) or None, key lines, line if a key]
        self.stack: list[list[Any]] = []
        self.documents = 0
        self.pending_typed: str | None = None

    def run(self) -> tuple[int, str] | None:
        """Compose into the source; return (line, corrected line) if reading again would get further."""
        try:
            self._events()
        except _Repairable:
            self._mark_partial()
        except yaml.MarkedYAMLError as exc:
            self._mark_partial()
            line, text, repair = explain_yaml_error(exc, self.text)
            self._problem(line, text, repair)
        except yaml.YAMLError as exc:  # the reader: a control character, which has no mark
            self._mark_partial()
            self._stopped_reading(exc)
        finally:
            self.loader.dispose()
        return self.repair

    def _problem(self, line: int, text: Phrase, repair: str | None = None) -> None:
        self.problems.append(Problem(self.source.display, line, text))
        if repair is not None and self.repair is None:
            self.repair = (line, repair)

    def _events(self) -> None:
        get_event = self.loader.get_event
        scalar, mapping, sequence = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
        ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar:
                self._place(self._scalar(event), event)
            elif kind is mapping or kind is sequence:
                self._open({} if kind is mapping else [], event)
            elif kind in ends:
                self._close()
            elif kind is yaml.AliasEvent:
                self._quote_problem("yaml.star_start", event)
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self._problem(event.start_mark.line + 1, phrase("yaml.second_document"))
                    return
            elif kind is yaml.StreamEndEvent:
                return

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if event.anchor is not None:
            self._quote_problem("yaml.anchor", event)
        if tag is None or tag == "!":
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == _STR_TAG:
                return event.value
            try:
                value = _SAFE.yaml_constructors[tag](_SAFE, _node(tag, event))
            except (KeyError, ValueError, TypeError, OverflowError, yaml.YAMLError):
                return event.value  # `2023-02-30`, `<<`: not a date or a merge here, just what was typed
            self.pending_typed = event.value
            return value
        if tag not in _SCALAR_TAGS:
            self._quote_problem("yaml.tag", event, tag=_typed_tag(tag))
        try:
            return _SAFE.yaml_constructors[tag](_SAFE, _node(tag, event))
        except (ValueError, TypeError, OverflowError, yaml.YAMLError):
            return event.value

    def _place(self, value: Any, event: yaml.Event) -> Loc | None:
        """Put a finished value into the open container; return its path (None for a key)."""
        line = event.start_mark.line + 1
        typed, self.pending_typed = self.pending_typed, None
        if not self.stack:
            self.source.data = value
            self.source.lines[()] = line
            return ()
        frame = self.stack[-1]
        container, path = frame[0], frame[1]
        if type(container) is list:
            item = path + (len(container),)
            container.append(value)
        elif frame[2] is None:  # a key
            self._key(frame, value, line)
            return None
        else:
            key = frame[2][0]
            frame[2] = None
            if key is _DUPLICATE:
                return path + (_DUPLICATE,)
            container[key] = value
            item = path + (key,)
        if item not in self.source.lines:
            self.source.lines[item] = line
        if typed is not None:
            self.source.typed[item] = typed
        return item

    def _key(self, frame: list[Any], key: Any, line: int) -> None:
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        key_lines = frame[3]
        if key in key_lines:
            self._problem(line, phrase("yaml.duplicate_key", key=repr(key), first=key_lines[key]))
            frame[2] = (_DUPLICATE,)
            return
        key_lines[key] = line
        frame[2] = (key,)
        self.source.lines[frame[1] + (key,)] = line

    def _open(self, container: dict | list, event: yaml.Event) -> None:
        if event.tag not in _CONTAINER_TAGS:
            self._quote_problem("yaml.tag", event, tag=_typed_tag(event.tag))
        if event.anchor is not None:
            self._quote_problem("yaml.anchor", event)
        if self.stack and type(self.stack[-1][0]) is dict and self.stack[-1][2] is None:
            # A list or mapping used as a key (`? [a, b]`): built aside, then used as its text.
            self.stack.append([container, (_DUPLICATE,), None, {}, event.start_mark.line + 1])
            return
        path = self._place(container, event)
        self.stack.append([container, path, None, {}, None])

    def _close(self) -> None:
        frame = self.stack.pop()
        if frame[4] is not None:  # it was a key: its line is where it started
            self._key(self.stack[-1], frame[0], frame[4])

    def _quote_problem(self, rule: str, event: yaml.Event, **args: Any) -> None:
        """A text YAML read as an alias, anchor or tag: report it, then read again with it quoted."""
        line = event.start_mark.line + 1
        fix, repair = _quoted_line(self.text, line)
        self._problem(line, phrase(rule, fix=fix, **args), repair)
        raise _Repairable

    def _stopped_reading(self, exc: yaml.YAMLError) -> None:
        position = getattr(exc, "position", None)
        character = getattr(exc, "character", None)
        if isinstance(position, int) and isinstance(character, int):
            line = self.text.encode("utf-8")[:position].count(b"\n") + 1
            repaired = self.text.split("\n")[line - 1].replace(chr(character), "")
            self._problem(line, phrase("yaml.control_char", char=f"U+{character:04X}"), repaired)
        else:
            self._problem(1, phrase("yaml.syntax", what=str(exc)))

    def _mark_partial(self) -> None:
        self.source.partial = True
        self.source.unfinished = {id(frame[0]) for frame in self.stack}


_SAFE = yaml.constructor.SafeConstructor()
_DUPLICATE = object()  # the path of what is read but not kept: a duplicate key's value, a list used as a key


def _typed_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def _node(tag: str, event: yaml.ScalarEvent) -> yaml.ScalarNode:
    return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)


# -- YAML syntax errors in plain words


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, Phrase, str | None]:
    """Say what YAML saw at a syntax error and what to type instead, at the line to fix.

    Returns the line, the message, and that line rewritten as the message says (None when the
    right fix is not certain, as for indentation).
    """
    lines = text.split("\n")
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem, context = exc.problem or "", exc.context or ""
    context_line = exc.context_mark.line + 1 if exc.context_mark else line
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    char = here[mark.column] if mark and mark.column < len(here) else ""
    if "tab" in problem or (char == "\t" and "cannot start any token" in problem):
        return line, phrase("yaml.tab"), None
    if "alias" in context or "undefined alias" in problem:
        return _quote(text, context_line, "yaml.star_start")
    if "anchor" in context:
        return _quote(text, context_line, "yaml.anchor")
    if "cannot start any token" in problem and char and char in "@`%":
        return _quote(text, line, "yaml.reserved_start", char=char)
    if "quoted scalar" in context and ("escape" in problem or "hexdecimal" in problem):
        return _quote(text, context_line, "yaml.backslash", quote="'")
    if "quoted scalar" in context and "end of stream" in problem:
        quote = _quote_char(lines, exc.context_mark)
        return context_line, phrase("yaml.unclosed_quote", quote=quote), lines[context_line - 1].rstrip() + quote
    if "block scalar" in context:
        return context_line, phrase("yaml.block_scalar"), None
    if "another document" in problem:
        return line, phrase("yaml.second_document"), None
    if "flow sequence" in context or "flow mapping" in context:
        opening, closing, what = ("[", "]", "array") if "sequence" in context else ("{", "}", "object")
        return _quote(
            text, context_line, "yaml.unclosed_bracket", open=opening, close=closing, what=phrase(f"type.{what}")
        )
    if "could not find expected ':'" in problem:
        return _missing_colon(lines, context_line)
    if "mapping values are not allowed" in problem and mark:
        return _colon_or_indent(text, line, mark.column)
    if "did not find expected" in problem and ("block mapping" in context or "block collection" in context):
        found = _misquoted(text, line)
        if found:
            return found
        reference = _reference_indent(lines[context_line - 1], here, "collection" in context)
        return line, phrase("yaml.indent", spaces=_indent(here), ref=context_line, ref_spaces=reference), None
    what = " ".join(filter(None, [problem, context and f"({context})"])) or str(exc)
    return line, phrase("yaml.syntax", what=what), None


# Linear on any line: a key cannot start with '-', so the list dashes before it split only one way.
_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?P<dashes>(?:-[ \t]+)*)(?:(?P<key>[^\s\"'#:-][^:#]*?|\"[^\"]*\"|'[^']*'):(?:[ \t]+|$))?"
)
_KEYS = {"kind", "title", "number", "lsp", "assessor", "instructions", "units", "code", "elements", "criteria", "text"}
_KEYS |= {"evidence", "types", "max_file_mb", "max_files_per_element", "max_total_mb"}
_SHOWN = 60  # characters of a text shown in a suggested line


def _split_line(line: str) -> tuple[str, str, str | None, str]:
    """A YAML line as (indentation, list dashes, key or None, value text)."""
    match = _LINE.match(line)
    assert match is not None  # every part of the pattern is optional
    dashes = "- " * match.group("dashes").count("-")
    return match.group("indent"), dashes, match.group("key"), line[match.end() :].rstrip()


def _shown(value: str) -> str:
    return value if len(value) <= _SHOWN else value[: _SHOWN - 3] + "..."


def _quoted(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid double-quoted YAML one


def _quoted_line(text: str, line_no: int, quote: str = '"') -> tuple[str, str]:
    """The line with its value in quotes: as shown in a message (shortened), and in full."""
    lines = text.split("\n")
    if not 0 < line_no <= len(lines):
        return "", ""
    indent, dashes, key, value = _split_line(lines[line_no - 1])
    if quote == "'" and value[:1] == '"' and value[-1:] == '"':
        value = value[1:-1]
    head = f"{dashes}{key + ': ' if key else ''}"
    return head + _quoted(_shown(value), quote), indent + head + _quoted(value, quote)


def _quote(text: str, line: int, rule: str, quote: str = '"', **args: Any) -> tuple[int, Phrase, str]:
    fix, repair = _quoted_line(text, line, quote)
    return line, phrase(rule, fix=fix, **args), repair


def _quote_char(lines: list[str], mark: Any) -> str:
    if mark and mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return lines[mark.line][mark.column]
    return '"'


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _reference_indent(reference: str, line: str, collection: bool) -> int:
    """Where the block of `reference` puts its keys (after any '- '), or its '-' for a list item."""
    if collection and line.lstrip().startswith("-"):
        return _indent(reference)
    indent, dashes, _, _ = _split_line(reference)
    return len(indent) + len(dashes)


def _missing_colon(lines: list[str], line: int) -> tuple[int, Phrase, str | None]:
    indent, dashes, key, value = _split_line(lines[line - 1])
    if key is None:
        first, _, rest = value.partition(" ")
        if first in _KEYS and rest.strip():
            fixed = f"{dashes}{first}: {rest.strip()}"
            return line, phrase("yaml.missing_colon_fix", key=first, fix=fixed), indent + fixed
    return line, phrase("yaml.missing_colon"), None


def _colon_or_indent(text: str, line: int, column: int) -> tuple[int, Phrase, str | None]:
    lines = text.split("\n")
    here = lines[line - 1]
    match = _LINE.match(here)
    if match and match.group("key") is not None and column >= match.end():
        return _quote(text, line, "yaml.colon_in_text")
    ref = line - 1
    while ref > 1 and (not lines[ref - 1].strip() or lines[ref - 1].lstrip().startswith("#")):
        ref -= 1
    reference = lines[ref - 1] if ref >= 1 else ""
    spaces = _indent(here)
    return (
        line,
        phrase("yaml.indent_deeper", spaces=spaces, ref=ref, ref_spaces=_reference_indent(reference, here, False)),
        None,
    )


def _misquoted(text: str, line: int) -> tuple[int, Phrase, str | None] | None:
    """A quote that closes early with text after it, or one left open on an earlier line."""
    lines = text.split("\n")
    indent, dashes, key, value = _split_line(lines[line - 1])
    end = _closing_quote(value)
    if end is not None and value[end + 1 :].strip() and not value[end + 1 :].lstrip().startswith("#"):
        head = f"{dashes}{key + ': ' if key else ''}"
        fix = head + _quoted(_shown(value), "'")
        return line, phrase("yaml.text_after_quote", fix=fix), indent + head + _quoted(value, "'")
    for earlier in range(line - 1, 0, -1):
        value = _split_line(lines[earlier - 1])[3]
        if value[:1] in ("'", '"') and _closing_quote(value) is None:
            return earlier, phrase("yaml.unclosed_quote", quote=value[0]), lines[earlier - 1].rstrip() + value[0]
    return None


def _closing_quote(value: str) -> int | None:
    """Index of the quote that closes a value starting with one; None if it stays open."""
    if value[:1] not in ("'", '"'):
        return None
    quote, at = value[0], 1
    while at < len(value):
        if quote == '"' and value[at] == "\\":
            at += 2
            continue
        if value[at] == quote:
            if quote == "'" and value[at + 1 : at + 2] == "'":
                at += 2
                continue
            return at
        at += 1
    return None


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
    """Load one scheme file and run every rule on it: name, schema, numbering, identity, emphasis."""
    source = load_source(path, display)
    _check_name(source)
    data = source.data
    if data is not None and not isinstance(data, dict):
        found = phrase("word.a_list") if isinstance(data, list) else phrase("word.a_single_value", value=_short(data))
        source.error((), phrase("file.not_mapping", found=found))
    elif isinstance(data, dict):
        if not source.partial:  # the schema would call everything after a syntax error missing
            for error in _schema_errors(data):
                _report_schema_error(source, error)
            # jsonschema gives one `required` error per missing key, each naming them all: say it once.
            source.problems = list(dict.fromkeys(source.problems))
        _check_rules(source)
    source.problems.sort(key=lambda problem: problem.line)
    return source


def suggest_id(name: str) -> str | None:
    """A valid scheme id made from a file name, or None when the name has nothing to make one of."""
    slug = slugify(name)[:SCHEME_ID_MAX].strip("-")
    return slug if is_scheme_id(slug) else None


def _check_name(source: SourceFile) -> None:
    path = source.path
    suggestion = suggest_id(path.stem) if not is_scheme_id(path.stem) else path.stem
    if path.suffix != ".yaml":
        source.error_at(1, phrase("file.extension", suggestion=f"{suggestion or path.stem}.yaml"))
    elif suggestion != path.stem:
        if suggestion:
            source.error_at(
                1, phrase("file.name", name=repr(path.name), suggestion=f"{suggestion}.yaml", max=SCHEME_ID_MAX)
            )
        else:
            source.error_at(1, phrase("file.name_no_suggestion", name=repr(path.name), max=SCHEME_ID_MAX))


def _where(source: SourceFile, path: Loc) -> tuple[Phrase, ...]:
    """Name a place in the document the way LSP staff read the form: unit, element, criterion."""
    parts: list[Phrase] = []
    if len(path) >= 2 and path[0] == "evidence":
        return (phrase("where.evidence"),)
    if len(path) >= 2 and path[0] == "units" and isinstance(path[1], int):
        units = source.data.get("units") if isinstance(source.data, dict) else None
        unit = units[path[1]] if isinstance(units, list) and path[1] < len(units) else None
        code = unit.get("code") if isinstance(unit, dict) else None
        if isinstance(code, str) and code.strip():
            parts.append(phrase("where.unit_code", code=code.strip()))
        else:
            parts.append(phrase("where.unit_no", n=path[1] + 1))
        if len(path) >= 4 and path[2] == "elements" and isinstance(path[3], int):
            parts.append(phrase("where.element", n=path[3] + 1))
            if len(path) >= 6 and path[4] == "criteria" and isinstance(path[5], int):
                parts.append(phrase("where.criterion", n=path[5] + 1))
    return tuple(parts)


def _subject(source: SourceFile, path: Loc) -> Subject:
    """What a schema message is about: its place and its key (or list item)."""
    where = _where(source, path)
    consumed = 1 if path[:1] == ("evidence",) and where else 2 * len(where)
    rest = path[consumed:]
    name: Any = None
    if rest and isinstance(rest[-1], str):
        name = repr(rest[-1])
    elif len(rest) >= 2 and isinstance(rest[-1], int) and isinstance(rest[-2], str):
        name = phrase("where.item", field=repr(rest[-2]), n=rest[-1] + 1)
    return Subject(where, name)


def _report_schema_error(source: SourceFile, error: jsonschema.ValidationError) -> None:
    path = tuple(error.absolute_path)
    at = Where(_where(source, path))
    subject = _subject(source, path)
    validator, value = error.validator, error.instance
    field_name = path[-1] if path and isinstance(path[-1], str) else None
    if validator == "required":
        # A misspelt key is reported once, as unknown with a suggestion, not also as missing.
        unknown = [str(key) for key in value if key not in error.schema.get("properties", {})]
        missing = [
            name
            for name in error.validator_value
            if name not in value and not difflib.get_close_matches(name, unknown, n=1)
        ]
        if missing:
            source.error(path, phrase("schema.required", at=at, keys=", ".join(map(repr, missing))))
        return
    if validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed), key=str):
            hint = difflib.get_close_matches(str(key), allowed, n=1)
            args = {"at": at, "key": repr(key), "allowed": ", ".join(allowed)}
            if hint:
                source.error(path + (key,), phrase("schema.unknown_key_hint", hint=repr(hint[0]), **args))
            else:
                source.error(path + (key,), phrase("schema.unknown_key", **args))
        return
    source.error(path, _schema_message(source, error, path, subject, field_name))


def _schema_message(
    source: SourceFile, error: jsonschema.ValidationError, path: Loc, subject: Subject, field_name: str | None
) -> Phrase:
    validator, value, expected = error.validator, error.instance, error.validator_value
    if validator == "type":
        return _type_message(source, path, subject, expected, value, field_name)
    if validator == "pattern":
        return _pattern_message(path, subject, expected, value, field_name)
    if validator == "enum":
        fix = _enum_fix(value, expected)
        if fix:
            return phrase("schema.enum_fix", subject=subject, value=_short(value), fix=fix)
        return phrase("schema.enum", subject=subject, value=_short(value), allowed=", ".join(map(str, expected)))
    if validator == "minItems":
        return phrase("schema.min_items", subject=subject)
    if validator == "minimum":
        return phrase("schema.minimum", subject=subject, minimum=expected, value=_short(value))
    if validator == "maximum":
        return phrase("schema.maximum", subject=subject, maximum=expected, value=_short(value))
    if validator == "exclusiveMinimum":
        return phrase("schema.exclusive_minimum", subject=subject, minimum=expected, value=_short(value))
    if validator == "uniqueItems":
        return phrase("schema.unique_items", subject=subject)
    # A rule added to the schema without its own message yet: jsonschema's words.
    return phrase("schema.other", subject=subject, what=error.message)


def _type_message(
    source: SourceFile, path: Loc, subject: Subject, expected: Any, value: Any, field_name: str | None
) -> Phrase:
    """A value of the wrong type, with the fix when what was typed shows it (`1.10`, `"2"`, `yes`)."""
    typed = source.typed.get(path)
    if expected == "string" and value is None:
        line = source.line(path)
        if _split_line(source.text.split("\n")[line - 1])[3].startswith("#"):
            return phrase("schema.no_value_comment", subject=subject, fix=_quoted_line(source.text, line)[0])
        return phrase("schema.no_value", subject=subject)
    if expected == "string" and typed is not None:
        fix, read = json.dumps(typed, ensure_ascii=False), _as_yaml(value)
        if read == typed:
            return phrase("schema.quote", subject=subject, fix=fix)
        return phrase("schema.quote_misread", subject=subject, fix=fix, raw=typed, value=read)
    if expected == "array" and isinstance(value, str) and value.startswith("-"):
        return phrase("schema.list_dash", subject=subject, fix=f"- {_shown(value[1:].lstrip())}")
    if expected == "integer" and isinstance(value, str) and value.strip().isdigit():
        return phrase("schema.unquote", subject=subject, fix=f"{field_name or 'number'}: {int(value)}")
    found = _type_phrase(_json_type(value))
    return phrase("schema.type", subject=subject, expected=_type_phrase(expected), found=found, value=_short(value))


def _pattern_message(path: Loc, subject: Subject, pattern: str, value: Any, field_name: str | None) -> Phrase:
    if pattern == "\\S":
        return phrase("schema.empty_text", subject=subject)
    if field_name == "code":
        fix = _code_fix(value)
        if fix:
            return phrase("schema.code_fix", subject=subject, value=_short(value), fix=fix)
        return phrase("schema.code", subject=subject, value=_short(value))
    if field_name == "number" and len(path) == 7:
        # units/u/elements/e/criteria/c/number: the number this place needs is known.
        fix = json.dumps(f"{path[3] + 1}.{path[5] + 1}")
        return phrase("schema.criterion_number", subject=subject, value=_short(value), fix=fix)
    return phrase("schema.pattern", subject=subject, value=_short(value))


def _code_fix(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    candidate = re.sub(r"\s+", "", value).upper().replace(",", ".")
    return candidate if _CODE.match(candidate) else None


def _enum_fix(value: Any, allowed: list[Any]) -> str | None:
    if not isinstance(value, str):
        return None
    matches = [choice for choice in allowed if str(choice).lower() == value.strip().lower()]
    return str(matches[0]) if matches else None


def _as_yaml(value: Any) -> str:
    """How YAML read a value, written the way YAML would write it back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    names = {float: "number", str: "string", list: "array", dict: "object"}
    return names.get(type(value), "date" if hasattr(value, "isoformat") else type(value).__name__)


def _type_phrase(name: Any) -> Any:
    return phrase(f"type.{name}") if f"type.{name}" in _TYPE_KEYS else str(name)


_TYPE_KEYS = {f"type.{name}" for name in ("string", "integer", "number", "array", "object", "boolean", "null", "date")}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_rules(source: SourceFile) -> None:
    """The form's own rules, on every part that is well-formed: numbering, identity, emphasis."""
    data = source.data
    if "kind" not in data and source.finished(data):
        source.warn((), phrase("rule.kind_missing"))
    _check_evidence(source, data.get("evidence"))
    for path, text in _texts(data):
        if "*" in text and "*" in plain_text(text):
            source.error(path, phrase("rule.emphasis", at=Where(_where(source, path)), value=_short(text)))
    units = data.get("units")
    if not isinstance(units, list):
        return
    _check_unit_identity(source, units)
    for u, unit in enumerate(units):
        if isinstance(unit, dict):
            _check_numbering(source, ("units", u), unit)


def _check_evidence(source: SourceFile, evidence: Any) -> None:
    """The evidence limits agree with each other (each one's range is the schema's)."""
    if not isinstance(evidence, dict):
        return
    per_file, total = evidence.get("max_file_mb"), evidence.get("max_total_mb")
    numbers = (int, float)
    if isinstance(per_file, numbers) and isinstance(total, numbers) and not isinstance(per_file, bool):
        if not isinstance(total, bool) and per_file > total:
            source.error(
                ("evidence", "max_file_mb"), phrase("rule.evidence_file_over_total", file=per_file, total=total)
            )


def _check_unit_identity(source: SourceFile, units: list[Any]) -> None:
    """Two units may not share a key (code, or title slug): their elements would share answers."""
    seen: dict[str, int] = {}
    without_code: list[int] = []  # said once per file, however many
    for u, unit in enumerate(units):
        if not isinstance(unit, dict) or not source.finished(unit):
            continue
        code, title = unit.get("code"), unit.get("title")
        if code is not None and not isinstance(code, str):
            continue  # the schema says what is wrong with it
        if not _code(unit) and not _title(unit):
            continue  # the schema reports the missing title
        key = unit_key(code, title if isinstance(title, str) else "")  # exactly as compile_scheme keys it
        if not key:
            named = phrase("where.unit_titled", n=u + 1, title=_title(unit))
            source.error(("units", u, "title"), phrase("rule.unit_no_key", unit=named))
        elif key in seen:
            _report_clash(source, units, seen[key], u, key)
        else:
            seen[key] = u
            if not _code(unit):
                without_code.append(u)
    if len(without_code) == 1:
        u = without_code[0]
        named = phrase("where.unit_titled", n=u + 1, title=_title(units[u]))
        source.warn(("units", u), phrase("rule.unit_without_code", unit=named))
    elif without_code:
        listed = tuple(
            phrase("where.unit_on_line", n=u + 1, title=_title(units[u]), line=source.line(("units", u)))
            for u in without_code
        )
        source.warn(
            ("units", without_code[0]),
            phrase("rule.units_without_code", count=len(without_code), units=Listing(listed)),
        )


def _report_clash(source: SourceFile, units: list[Any], first: int, u: int, key: str) -> None:
    """Unit u has the key unit `first` already has: said at u, naming the other's line."""
    first_line = source.line(("units", first, "code" if _code(units[first]) else "title"))
    if _code(units[u]) and _code(units[first]):
        text = phrase(
            "rule.unit_code_twice",
            unit=phrase("where.unit_no", n=u + 1),
            code=key,
            first=phrase("where.unit_no", n=first + 1),
            line=first_line,
        )
    else:
        text = phrase(
            "rule.unit_key_twice",
            unit=phrase("where.unit_titled", n=u + 1, title=_title(units[u]) or _code(units[u])),
            key=key,
            first=phrase("where.unit_titled", n=first + 1, title=_title(units[first]) or _code(units[first])),
            line=first_line,
        )
    source.error(("units", u, "code" if _code(units[u]) else "title"), text)


def _code(unit: dict[str, Any]) -> str:
    code = unit.get("code")
    return code.strip() if isinstance(code, str) else ""


def _title(unit: dict[str, Any]) -> str:
    """A unit's title as the page shows it (emphasis marks dropped), for messages."""
    title = unit.get("title")
    return plain_text(title).strip() if isinstance(title, str) else ""


def _check_numbering(source: SourceFile, upath: Loc, unit: dict[str, Any]) -> None:
    elements = unit.get("elements")
    if not isinstance(elements, list):
        return
    for e, element in enumerate(elements):
        if not isinstance(element, dict):
            continue
        epath = upath + ("elements", e)
        at = Where(_where(source, epath))
        number = element.get("number")
        if type(number) is int and number >= 1 and number != e + 1:
            source.error(epath + ("number",), phrase("rule.element_order", at=at, number=number, expected=e + 1))
        criteria = element.get("criteria")
        if not isinstance(criteria, list):
            continue
        for c, criterion in enumerate(criteria):
            number = criterion.get("number") if isinstance(criterion, dict) else None
            expected = f"{e + 1}.{c + 1}"  # by position, so one misnumbered element is one error
            if isinstance(number, str) and _CRITERION_NUMBER.match(number) and number != expected:
                source.error(
                    epath + ("criteria", c, "number"),
                    phrase("rule.criterion_order", at=at, number=number, expected=expected),
                )


def _texts(data: dict[str, Any]) -> Iterable[tuple[Loc, str]]:
    """Every text of a scheme with its location, wherever the shape lets it be found."""
    for key in ("title", "number", "lsp", "assessor"):
        if isinstance(data.get(key), str):
            yield (key,), data[key]
    instructions = data.get("instructions")
    for i, line in enumerate(instructions if isinstance(instructions, list) else ()):
        if isinstance(line, str):
            yield ("instructions", i), line
    for u, unit in _items(data.get("units")):
        if isinstance(unit.get("title"), str):
            yield ("units", u, "title"), unit["title"]
        for e, element in _items(unit.get("elements")):
            if isinstance(element.get("title"), str):
                yield ("units", u, "elements", e, "title"), element["title"]
            for c, criterion in _items(element.get("criteria")):
                if isinstance(criterion.get("text"), str):
                    yield ("units", u, "elements", e, "criteria", c, "text"), criterion["text"]


def _items(value: Any) -> Iterable[tuple[int, dict[str, Any]]]:
    """The mappings in a list, with their index (anything else the schema reports)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


# -- every file of a directory, and the rules that span files


@dataclass(frozen=True)
class _Checked:
    """What checking one file yields, small enough to send back from a worker process."""

    problems: list[Problem]
    ok: bool
    scheme: Scheme | None
    number: str | None
    number_line: int


def _check_one(path: Path, display: str, compile: bool = True) -> _Checked:
    source = check_file(path, display)
    number, line = scheme_number(source)
    scheme = compile_scheme(path.stem, source.data) if source.ok and compile else None
    return _Checked(source.problems, source.ok, scheme, number, line)


_NUMBER_LINE = re.compile(r"^number:(.*)$", re.MULTILINE)


def scheme_number(source: SourceFile) -> tuple[str | None, int]:
    """The scheme's number and its line, from whatever the file yields, even with errors.

    After a YAML syntax error that came before the number, a top-level `number:` line is read on
    its own, so the rule across files still sees it.
    """
    data = source.data
    if isinstance(data, dict) and "number" in data:
        number = data["number"]
        return (number.strip() or None, source.line(("number",))) if isinstance(number, str) else (None, 0)
    if source.partial:
        for match in _NUMBER_LINE.finditer(source.text):
            try:
                value = yaml.safe_load(match.group(1).strip())
            except yaml.YAMLError:
                continue
            if isinstance(value, str) and value.strip():
                return value.strip(), source.text.count("\n", 0, match.start()) + 1
    return None, 0


# Below this many files one process is faster than starting workers.
PARALLEL_FROM = 64


def scheme_files(scheme_dir: Path) -> list[Path]:
    """Every file that looks meant as a scheme, `.yml` and `.YAML` too (check says to rename them)."""
    return sorted(path for path in scheme_dir.iterdir() if path.suffix.lower() in SCHEME_SUFFIXES and path.is_file())


def check_schemes(scheme_dir: Path, display_root: Path | None = None, compile: bool = True) -> CheckResult:
    """Check every scheme file in a directory, and the rules that span files.

    With compile=False (`build.py check`) the schemes that pass are counted but not compiled:
    compiling and sending each one back from its worker was a third of the time of a large check.
    """
    root = display_root or scheme_dir.parent
    files = [(path, _display(path, root)) for path in scheme_files(scheme_dir)]
    workers = min(os.cpu_count() or 1, 8)
    if len(files) >= PARALLEL_FROM and workers > 1:
        paths, displays = zip(*files, strict=True)
        with ProcessPoolExecutor(workers) as pool:
            chunk = max(1, len(files) // (workers * 4))
            checked = list(pool.map(_check_one, paths, displays, [compile] * len(files), chunksize=chunk))
    else:
        checked = [_check_one(path, display, compile) for path, display in files]
    problems: list[Problem] = []
    schemes: list[Scheme] = []
    passed: list[str] = []
    numbers: dict[str, tuple[str, int]] = {}
    for (path, display), result in zip(files, checked, strict=True):
        found = list(result.problems)
        duplicate = result.number is not None and result.number in numbers
        if duplicate:
            other, other_line = numbers[result.number]
            found.append(
                Problem(
                    display,
                    result.number_line,
                    phrase("rule.number_twice", number=repr(result.number), other=f"{other}:{other_line}"),
                )
            )
            found.sort(key=lambda problem: problem.line)
        elif result.number is not None:
            numbers[result.number] = (display, result.number_line)
        problems.extend(found)
        if result.ok and not duplicate:
            passed.append(path.stem)
            if result.scheme is not None:
                schemes.append(result.scheme)
    return CheckResult(schemes=schemes, problems=problems, passed=passed)


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
