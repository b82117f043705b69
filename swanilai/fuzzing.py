"""Fuzzing the submission API: hostile requests as hypothesis strategies, and the rules every answer obeys.

Shared by tests/handler/test_handler_fuzz.py (a few hundred cases per family, under pytest) and
bench/fuzz.py (100,000 and more, no pytest), so it lives here beside swanilai/testing.py; like it,
it is never used by the product itself. Four families, each a strategy of `Case`:

- `json_cases`: any JSON document as the body (recursive, bounded), often shaped like a submission;
- `field_cases`: the seed's valid submission with any string in one of its fields: full Unicode,
  lone surrogates (as JSON escapes, or raw in the body), control characters, huge strings;
- `mutation_cases`: the valid submission with keys dropped, duplicated, retyped or added (many, or
  very long), wrong verdicts and nested junk;
- `raw_cases`: bodies that are not UTF-8, truncated JSON, deep nesting, base64 flag set or not,
  under any method, media type and origin.

Each case carries the statuses docs/openapi.yaml allows for it (`Case.statuses`). `Target.send` runs
a case through `handler.app.lambda_handler` with a fresh LocalStore, and `problems` lists every rule
the answer breaks: a 5xx or an exception, a status not allowed for the case, a response that
docs/openapi.yaml does not describe (given the tests' judge, support.handler.check_response), an
error body over 64 KB, anything stored for a 4xx, a 201
without exactly one record that parses and validates again, or stored text no document can hold.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from handler import app
from handler.catalog import forget_schemes
from handler.config import Config
from handler.fields import BODY_MAX_BYTES, EVIDENCE_MAX, VERDICTS
from handler.record import RecordError, parse_record
from handler.scheme import Scheme
from handler.store import RECORD_KEY, LocalStore, submission_marker_key
from handler.submission import TOP_LEVEL_KEYS, SubmissionProblems, validate_submission
from swanilai.testing import ORIGIN, SUBMISSION_ID, full_payload, make_event, png_data_url

# The largest error body the API may send (issue 8: a 524 KB request once got a 5.2 MB answer).
ERROR_BODY_MAX = 64 * 1024
RECEIVED_AT = datetime(2026, 11, 23, 23, 15, 2, 123456, tzinfo=UTC)

# -- hypothesis profiles: `ci` (the default) and `deep`, chosen with HYPOTHESIS_PROFILE

# CI runs the same cases on every run (derandomized, no example database), so a red build is
# reproducible on any machine from the commit alone and never blocks unrelated work by chance.
# Exploring new inputs is the job of the `deep` profile: random, with the example database, and
# printing the blob that replays a failure (@reproduce_failure).
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
# No explain phase: it re-runs a failure many times over to annotate it, which costs more than it tells here.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)
settings.register_profile(
    "ci",
    phases=_PHASES,
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=_SLOW_IS_FINE,
)
settings.register_profile(
    "deep",
    phases=_PHASES,
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=_SLOW_IS_FINE,
)


def fuzz_settings(name: str | None) -> settings:
    """The settings of a profile by name (None or "" means ci); an unknown name fails loudly."""
    return settings.get_profile(name or "ci")


# -- problems: what an answer must never do


# Known defects of main (issue 8), fixed on branch contract: a test that finds only these is an
# expected failure until that branch is merged; anything else is a new defect.
LONE_SURROGATE_500 = "500 from a lone surrogate (issue 8, medium 4)"
ERROR_BODY_TOO_LARGE = "error body over 64 KB (issue 8, medium 5)"
UNSAFE_TEXT_STORED = "stored text no document can hold (issue 8, high 1 and medium 3)"

RAISED = "an exception escaped lambda_handler"
SERVER_ERROR = "5xx"
UNDOCUMENTED_STATUS = "status not documented for this case"
OPENAPI_MISMATCH = "response not as docs/openapi.yaml says"
STORED_ON_4XX = "something stored for a 4xx"
BAD_RECORD = "201 without exactly one record that validates again"

# Characters no document format can hold (XLSX is XML 1.0; PDF and CSV readers choke on them too):
# C0 controls except tab, line feed and carriage return; C1 controls; U+FFFE and U+FFFF; lone surrogates.
_UNSAFE_ANYWHERE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ufffe\uffff\ud800-\udfff]")
# One-line fields also hold no line breaks, tabs, DEL, nor bidi controls that reorder a terminal's line.
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


def assert_no_problems(found: list[Problem]) -> None:
    """Fail with every problem found, each on its own line."""
    if found:
        raise AssertionError("\n".join(map(str, found)))


# -- a case and its answer


class Pairs(list):
    """A JSON object as a list of (key, value) pairs, so that a key can appear twice."""


class RawJson(str):
    """A piece of JSON text put into the body as it is (deep nesting that json.dumps cannot write)."""


@dataclass(frozen=True)
class Case:
    family: str
    what: str  # one line saying what makes this case hostile: hypothesis shows it for a failure
    event: dict[str, Any] = field(repr=False, compare=False)
    statuses: frozenset[int]

    def __repr__(self) -> str:
        # `what` says how the body differs from a valid one: the body itself is mostly the same prefix.
        body = self.event.get("body") or ""
        flag = ", base64" if self.event.get("isBase64Encoded") else ""
        return (
            f"Case({self.family}: {self.what}; allowed {sorted(self.statuses)}; body of {len(body):,} characters{flag})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis prints a falsifying example with its pretty printer: one line, not the whole event.
        printer.text(repr(self))


@dataclass(frozen=True)
class Answer:
    status: int | None  # None when lambda_handler raised
    headers: dict[str, str]
    body: str
    raised: str | None  # the type of an exception that escaped lambda_handler
    logged: tuple[str, ...]  # types of the exceptions the handler logged as unexpected
    store_entries: tuple[str, ...]  # everything in the store's directory afterwards, files and folders
    stored: dict[str, bytes]  # the files among them

    @property
    def body_bytes(self) -> int:
        return len(self.body.encode("utf-8", "surrogatepass"))


class Target:
    """lambda_handler configured with the tests' catalog; every case gets a new, empty LocalStore."""

    def __init__(self, catalog_dir: Path, scheme: Scheme, work_dir: Path) -> None:
        self.catalog_dir = Path(catalog_dir)
        self.scheme = scheme
        self.work_dir = Path(work_dir)
        forget_schemes()

    def send(self, case: Case) -> Answer:
        root = Path(tempfile.mkdtemp(prefix="store-", dir=self.work_dir))
        logged: list[dict[str, Any]] = []
        app.configure(
            Config(
                store=LocalStore(root),
                catalog_dir=self.catalog_dir,
                allowed_origins=frozenset({ORIGIN}),
                clock=lambda: RECEIVED_AT,
                log=logged.append,
            )
        )
        try:
            response = app.lambda_handler(case.event, None)
            status, headers, body, raised = response["statusCode"], response["headers"], response["body"], None
        except Exception as exc:  # noqa: BLE001 - the answer records it; escaping at all is the problem
            status, headers, body, raised = None, {}, "", type(exc).__name__
        finally:
            app.configure(None)
        entries = sorted(path.relative_to(root).as_posix() for path in root.rglob("*"))
        stored = {key: (root / key).read_bytes() for key in entries if (root / key).is_file()}
        shutil.rmtree(root)
        exceptions = tuple(line["exception"] for line in logged if line.get("event") == "unhandled_exception")
        return Answer(status, headers, body, raised, exceptions, tuple(entries), stored)


def problems(
    case: Case, answer: Answer, scheme: Scheme, check_response: Callable[..., None] | None = None
) -> list[Problem]:
    """Every rule the answer to a case breaks (an empty list: it is a good answer).

    check_response(method, status, headers, body) judges a response against docs/openapi.yaml and
    raises AssertionError; without it that rule is not checked.
    """
    found: list[Problem] = []
    if answer.raised or answer.status is None:
        return [Problem(RAISED, str(answer.raised))]
    status = answer.status
    if status >= 500:
        kind = LONE_SURROGATE_500 if "UnicodeEncodeError" in answer.logged else SERVER_ERROR
        found.append(Problem(kind, f"{status}, logged {list(answer.logged)}"))
    elif status not in case.statuses:
        found.append(Problem(UNDOCUMENTED_STATUS, f"{status} ({_error_code(answer)}), allowed {sorted(case.statuses)}"))
    if status >= 400 and answer.body_bytes > ERROR_BODY_MAX:
        found.append(Problem(ERROR_BODY_TOO_LARGE, f"{status} with {answer.body_bytes:,} bytes"))
    elif check_response:  # (validating a huge error body would only take long: it is wrong already)
        found.extend(_openapi_problems(case, answer, check_response))
    if 400 <= status < 500 and answer.store_entries:
        found.append(Problem(STORED_ON_4XX, f"{status}: {list(answer.store_entries)[:5]}"))
    if status == 201:
        found.extend(record_problems(answer, scheme))
    return found


def _error_code(answer: Answer) -> str:
    try:
        return str(json.loads(answer.body).get("error"))
    except (ValueError, AttributeError):
        return "no JSON body"


def _openapi_problems(case: Case, answer: Answer, check_response: Callable[..., None]) -> list[Problem]:
    method = "OPTIONS" if case.event["requestContext"]["http"]["method"].upper() == "OPTIONS" else "POST"
    try:
        check_response(method, answer.status, answer.headers, answer.body)
    except (AssertionError, ValueError) as exc:
        return [Problem(OPENAPI_MISMATCH, str(exc)[:500])]
    return []


def record_problems(answer: Answer, scheme: Scheme) -> list[Problem]:
    """A 201 stores one marker and one record; the record parses, matches the receipt and validates again."""
    receipt = json.loads(answer.body)
    records = [key for key in answer.stored if RECORD_KEY.match(key)]
    marker = submission_marker_key(scheme.id, receipt["submission_id"])
    if len(records) != 1 or set(answer.stored) != {records[0], marker}:
        return [Problem(BAD_RECORD, f"stored {sorted(answer.stored)}")]
    key, raw = records[0], answer.stored[records[0]]
    try:
        parse_record(raw, key)
    except RecordError as exc:
        return [Problem(BAD_RECORD, f"unreadable record: {exc}")]
    data = json.loads(raw)
    found = []
    if hashlib.sha256(raw).hexdigest() != receipt["sha256"] or data["submission_id"] != receipt["submission_id"]:
        found.append(Problem(BAD_RECORD, "the receipt does not name the stored record"))
    if RECORD_KEY.match(key)["id"] != receipt["submission_id"] or data["scheme"]["version"] != scheme.version:
        found.append(Problem(BAD_RECORD, f"record {key} is not the receipt's submission of version {scheme.version}"))
    signature = data["signature"]
    payload = {
        "scheme": {"id": data["scheme"]["id"], "version": data["scheme"]["version"]},
        "submission_id": data["submission_id"],
        "candidate": data["candidate"],
        "answers": {
            key: {**answer, "files": [{k: v for k, v in f.items() if k != "key"} for f in answer.get("files", [])]}
            for key, answer in data["answers"].items()
        },
        "declaration": data["declaration"],
        "signature": signature.get("data_url") or signature.get("text"),
        "consent": data["consent"],
        "status_key_sha256": data["status_key_sha256"],
    }
    try:
        again = validate_submission(payload, scheme).content()
    except SubmissionProblems as exc:
        return [*found, Problem(BAD_RECORD, f"the stored record does not validate again: {exc.fields}")]
    if any(again[part] != data[part] for part in ("candidate", "answers", "signature")):
        found.append(Problem(BAD_RECORD, "validating the stored record again changes it"))
    found.extend(_unsafe_text(data))
    return found


def _unsafe_text(record: dict[str, Any]) -> list[Problem]:
    one_line = [(f"candidate.{name}", record["candidate"].get(name)) for name in ("name", "email", "phone")]
    one_line.append(("signature", record["signature"].get("text")))
    many_lines = [(f"answers[{key}].evidence", answer["evidence"]) for key, answer in record["answers"].items()]
    found = []
    for rule, texts in ((_UNSAFE_ONE_LINE, one_line), (_UNSAFE_ANYWHERE, many_lines)):
        for name, text in texts:
            bad = rule.search(text or "")
            if bad:
                found.append(Problem(UNSAFE_TEXT_STORED, f"{name} holds {bad.group()!r}"))
    return found


# -- building blocks: strings, JSON values, bodies

# Characters that broke something somewhere once, or that no document can hold.
NASTY_CHARACTERS = (
    "\x00\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x80\x85\x9b\x9f\xa0\xad\u200b\u200e\u2028\u2029\u202a\u202e\u2066\u2069"
    "\ufeff\ufffd\ufffe\uffff\ud800\udbff\udc00\udfff\U0001f600\U0010ffff\u0301\"\\/<>&'%{}[] é"
)
characters = st.one_of(st.sampled_from(NASTY_CHARACTERS), st.characters(codec=None))
# Lists joined rather than st.text: with this alphabet st.text almost never yields a lone surrogate.
short_texts = st.lists(characters, max_size=30).map("".join)
# A browser's JSON.stringify writes a lone surrogate as an escape ("\ud83d"): the text is then valid JSON.
lone_surrogates = st.integers(0xD800, 0xDFFF).map(chr)
# Past the evidence limit, past the error-body limit, past the request limit.
_HUGE = (EVIDENCE_MAX + 1, 70_000, BODY_MAX_BYTES + 1)


def _repeat(unit: str, size: int) -> str:
    return (unit * size)[:size]


huge_texts = st.builds(_repeat, st.lists(characters, min_size=1, max_size=3).map("".join), st.sampled_from(_HUGE))


@functools.cache
def plausible_texts(scheme: Scheme) -> st.SearchStrategy[str]:
    """Strings a field could expect, so that a nasty character lands inside an otherwise valid value."""
    return st.sampled_from(
        [
            "",
            " ",
            "K",
            "BK",
            "Siti Rahmawati",
            "siti@contoh.co.id",
            "+62 812-3456-7890",
            "Laporan kerja 2024",
            SUBMISSION_ID,
            SUBMISSION_ID.upper(),
            scheme.id,
            scheme.version,
            png_data_url(),
            "data:image/png;base64,",
            "data:image/png;base64,iVBORw0KGgo=",
            "data:text/html,<b>x</b>",
        ]
    )


@functools.cache
def any_texts(scheme: Scheme) -> st.SearchStrategy[str]:
    plausible = plausible_texts(scheme)
    # A plausible value with a nasty character inside is what gets past a validator's other rules.
    middle = st.one_of(short_texts, st.sampled_from(NASTY_CHARACTERS), lone_surrogates)
    spliced = st.builds(lambda a, b, c: a + b + c, plausible, middle, plausible)
    return st.one_of(spliced, short_texts, plausible, huge_texts)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    short_texts,
)
json_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(short_texts, children, max_size=4),
    max_leaves=10,
)


def dumps(value: Any, ensure_ascii: bool = True) -> str:
    """JSON text of a value that may hold Pairs (repeated keys) and RawJson (text put in as it is)."""
    # json.dumps writes the plain parts in one go; Pairs and RawJson go in through placeholders.
    pieces: dict[str, str] = {}
    nonce = f"\x00{id(pieces):x}:"

    def plain(node: Any) -> Any:
        if isinstance(node, RawJson | Pairs):
            token = f"{nonce}{len(pieces)}"
            if isinstance(node, RawJson):
                pieces[token] = str(node)
            else:
                pairs = (f"{json.dumps(k, ensure_ascii=ensure_ascii)}:{dumps(v, ensure_ascii)}" for k, v in node)
                pieces[token] = "{" + ",".join(pairs) + "}"
            return token
        if isinstance(node, dict):
            return {key: plain(child) for key, child in node.items()}
        if isinstance(node, list):
            return [plain(child) for child in node]
        return node

    text = json.dumps(plain(value), ensure_ascii=ensure_ascii, separators=(",", ":"))
    for token, piece in pieces.items():
        text = text.replace(json.dumps(token, ensure_ascii=ensure_ascii), piece, 1)
    return text


def _size_statuses(encoded_size: int, well_formed: bool) -> frozenset[int] | None:
    """413 when the body is over the limit (and nothing else if it is readable); None: not too large."""
    if encoded_size <= BODY_MAX_BYTES:
        return None
    return frozenset({413}) if well_formed else frozenset({400, 413})


def body_case(family: str, what: str, body: str, statuses: set[int]) -> Case:
    """A POST from the site's origin with a JSON body given as text (it may hold lone surrogates)."""
    encodable = not re.search("[\ud800-\udfff]", body)
    too_large = _size_statuses(len(body.encode("utf-8", "surrogatepass")), encodable)
    return Case(family, what, make_event(body), too_large or frozenset(statuses))


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(value) if hasattr(value, '__len__') else '?'} long)"


def base_payload(scheme: Scheme) -> dict[str, Any]:
    """A fresh copy of the seed's valid submission."""
    return json.loads(_base_json(scheme))


@functools.cache
def _base_json(scheme: Scheme) -> str:
    return json.dumps(full_payload(scheme))


# -- family 1: any JSON document


def json_cases(scheme: Scheme) -> st.SearchStrategy[Case]:
    refs = st.fixed_dictionaries(
        {"id": st.sampled_from([scheme.id]) | short_texts, "version": st.sampled_from([scheme.version]) | short_texts}
    )
    shaped = st.fixed_dictionaries(
        {}, optional={key: (refs | json_values) if key == "scheme" else json_values for key in sorted(TOP_LEVEL_KEYS)}
    )

    def case(document: Any, ensure_ascii: bool) -> Case:
        body = dumps(document, ensure_ascii)
        return body_case("json", f"document {_short(document)}", body, {400, 404, 409})

    return st.builds(case, st.one_of(json_values, shaped), st.booleans())


# -- family 2: any string in one field of a valid submission

_FIELDS = (
    ("scheme", "id"),
    ("scheme", "version"),
    ("submission_id",),
    ("candidate", "name"),
    ("candidate", "email"),
    ("candidate", "phone"),
    ("answers", None, "verdict"),
    ("answers", None, "evidence"),
    ("signature",),
    ("website",),
)


def field_name(path: tuple) -> str:
    if len(path) > 1 and path[0] == "answers":
        return f"answers[{path[1]}].{path[2]}" if len(path) > 2 else f"answers[{path[1]}]"
    return ".".join(str(part) for part in path)


def _field_statuses(path: tuple, value: str, scheme: Scheme) -> set[int]:
    """What the order of checks allows when one field holds this string (400 always: invalid_json too)."""
    name = field_name(path)
    if name == "scheme.id":
        return {400, 201} if value == scheme.id else {400, 404}
    if name == "scheme.version":
        return {400, 201} if value == scheme.version else {400, 409}
    if name == "website":
        return {400, 201} if value == "" else {400}
    if path[-1] == "verdict" and value not in VERDICTS:
        return {400}
    return {400, 201}


@st.composite
def field_cases(draw: st.DrawFn, scheme: Scheme) -> Case:
    path = draw(st.sampled_from(_FIELDS))
    if path[0] == "answers":
        path = ("answers", draw(st.sampled_from(scheme.element_keys())), path[2])
    value = draw(any_texts(scheme))
    # Mostly as a browser sends it (escapes); sometimes raw, lone surrogates making the body itself unencodable.
    ensure_ascii = draw(st.sampled_from((True, True, False)))
    payload = base_payload(scheme)
    _set(payload, path, value)
    how = "as JSON escapes" if ensure_ascii else "raw"
    return body_case(
        "field",
        f"{field_name(path)} = {_short(value)} ({how})",
        dumps(payload, ensure_ascii),
        _field_statuses(path, value, scheme),
    )


# -- family 3: mutations of a valid submission


def _nodes(value: Any, prefix: tuple = ()) -> list[tuple[tuple, Any]]:
    """Every (path, value) inside objects, keys from the root; RawJson and arrays are leaves.

    A key an object carries twice is one path, to its first value, as `_get` reads it.
    """
    found = []
    if isinstance(value, dict | Pairs):
        seen = set()
        for key, child in value if isinstance(value, Pairs) else value.items():
            if key not in seen:
                seen.add(key)
                found.append(((*prefix, key), child))
                found.extend(_nodes(child, (*prefix, key)))
    return found


def _get(value: Any, path: tuple) -> Any:
    for key in path:
        value = next(v for k, v in value if k == key) if isinstance(value, Pairs) else value[key]
    return value


def _get_or_none(value: Any, path: tuple) -> Any:
    try:
        return _get(value, path)
    except (KeyError, TypeError, StopIteration):
        return None


def _set(payload: Any, path: tuple, new: Any) -> None:
    parent, key = _get(payload, path[:-1]), path[-1]
    if isinstance(parent, Pairs):
        parent[:] = [(k, new if k == key else v) for k, v in parent]
    else:
        parent[key] = new


def _drop(payload: Any, path: tuple) -> None:
    parent, key = _get(payload, path[:-1]), path[-1]
    if isinstance(parent, Pairs):
        parent[:] = [(k, v) for k, v in parent if k != key]
    else:
        parent.pop(key, None)


def _add(payload: Any, path: tuple, key: str, value: Any) -> None:
    """Add a key to the object at path, as a second occurrence if it is there already."""
    target = _get(payload, path)
    if isinstance(target, dict) and key not in target:
        target[key] = value  # a plain object stays one: json.dumps writes it fast
        return
    if not isinstance(target, Pairs):
        target = Pairs(target.items())
        _set(payload, path, target)
    target.append((key, value))


def _pick(draw: st.DrawFn, payload: Pairs, objects_only: bool = False) -> tuple:
    """A path, its top-level field chosen first: `answers` holds most paths but is one field of seven.

    Half the time the field itself, else anything below it (only objects, the root included, when
    objects_only). Only the chosen field is walked: after thousands of extra keys that matters.
    """
    regions = [key for key, _ in payload] if isinstance(payload, Pairs) else list(payload)
    regions = list(dict.fromkeys(regions))
    if objects_only:
        regions = ["", *regions]
    if not regions:
        return ()
    region = draw(st.sampled_from(regions))
    if region == "":
        return ()
    if objects_only and draw(st.booleans()):
        return (region,) if isinstance(_get(payload, (region,)), dict | Pairs) else ()
    top = _get(payload, (region,))
    within = [((region,), top), *_nodes(top, (region,))]
    if objects_only:
        within = [(path, value) for path, value in within if isinstance(value, dict | Pairs)] or [((), payload)]
    choice = draw(st.sampled_from(within[:1]) | st.sampled_from(within))
    return choice[0]


_WRONG_VERDICTS = ["k", "bk", "B", "KB", " K", "K ", "", "\uff2b", "K\x00", "null", None, 0, 1, True, False, [], {}]
_DEEP = (10, 1_000, 100_000)


def _scheme_refs(scheme: Scheme) -> list[Any]:
    """Scheme references that lead the handler down each of its paths: unreadable, unknown, outdated."""
    return [
        None,
        scheme.id,
        {"id": scheme.id},
        {"id": scheme.id, "version": scheme.version, "extra": 1},
        {"id": 1, "version": scheme.version},
        {"id": scheme.id, "version": 123456789012},
        {"id": "skema-yang-tidak-ada", "version": scheme.version},
        {"id": "../" + scheme.id, "version": scheme.version},
        {"id": scheme.id, "version": "000000000000"},
        Pairs([("id", scheme.id), ("id", scheme.id), ("version", scheme.version)]),
    ]


@st.composite
def _mutation(draw: st.DrawFn, payload: Pairs, scheme: Scheme) -> str:
    """Apply one mutation to payload in place; return what it did."""
    op = draw(st.sampled_from(["extra", "drop", "retype", "duplicate", "verdict", "junk"]))
    if op == "extra":
        # The objects whose unknown keys the handler names in its answer, or any object at all.
        where = draw(st.sampled_from([(), ("answers",), ("candidate",), ("scheme",), None]))
        if where is None or not isinstance(_get_or_none(payload, where), dict | Pairs):
            where = _pick(draw, payload, objects_only=True)
        count = draw(st.sampled_from((1, 21, 2_000)))
        stem = draw(short_texts if count > 1 else short_texts | huge_texts)
        value = draw(json_values if count == 1 else _scalars)
        for n in range(count):
            _add(payload, where, f"{stem}{n}" if count > 1 else stem, value)
        return f"{count} extra key(s) {_short(stem)} in {field_name(where) if where else 'the root'}"
    path = _pick(draw, payload)
    if not path:
        return "nothing left to mutate"
    if op == "drop":
        _drop(payload, path)
        return f"drop {field_name(path)}"
    if op == "retype":
        value = draw(json_values)
        _set(payload, path, value)
        return f"{field_name(path)} = {_short(value)}"
    if op == "duplicate":
        value = draw(st.just(_get(payload, path)) | json_values)
        _add(payload, path[:-1], path[-1], value)
        return f"{field_name(path)} twice (again {_short(value)})"
    if op == "verdict":
        key = draw(st.sampled_from(scheme.element_keys()))
        value = draw(st.sampled_from(_WRONG_VERDICTS) | short_texts)
        answer = _get_or_none(payload, ("answers", key))
        if not isinstance(answer, dict | Pairs):
            return f"verdict of answers[{key}], which is gone or no object (no change)"
        _set(payload, ("answers", key, "verdict"), value)
        return f"answers[{key}].verdict = {_short(value)}"
    depth = draw(st.sampled_from(_DEEP))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    _set(payload, path, RawJson(opener * depth + ("0" if opener != "[" else "") + closer * depth))
    return f"{field_name(path)} nested {depth} deep in {opener!r}"


@st.composite
def mutation_cases(draw: st.DrawFn, scheme: Scheme) -> Case:
    payload = Pairs(base_payload(scheme).items())
    done = []
    # The scheme reference decides how the rest is validated (with the scheme, or without one): half
    # the cases send one that is unreadable, unknown or outdated.
    if draw(st.booleans()):
        ref = draw(st.sampled_from(_scheme_refs(scheme)))
        _set(payload, ("scheme",), ref)
        done.append(f"scheme = {_short(ref)}")
    # A third of the cases widen an object whose unknown keys the handler names in its answer: a
    # small request must never buy a large answer.
    if draw(st.integers(0, 2)) == 0:
        where = draw(st.sampled_from([("answers",), ("candidate",), (), ("answers", scheme.element_keys()[0])]))
        long_key = draw(st.booleans())
        keys = [_repeat("k", 70_000)] if long_key else [f"k{n}" for n in range(2_000)]
        target = _get(payload, where)
        if isinstance(target, Pairs):
            target.extend((key, None) for key in keys)
        else:
            target.update(dict.fromkeys(keys))
        done.append(
            f"{'one 70,000-character key' if long_key else '2,000 keys'} added to {field_name(where) or 'the root'}"
        )
    done += [draw(_mutation(payload, scheme)) for _ in range(draw(st.integers(0 if done else 1, 3)))]
    # 404 and 409 need a readable scheme reference that is not the seed's current one.
    statuses = {201, 400} | ({404, 409} if any("scheme" in step for step in done) else set())
    return body_case("mutation", "; ".join(done), dumps(payload, draw(st.booleans())), statuses)


# -- family 4: raw bodies, under any method, media type and origin

_METHODS = [("POST", "post"), ("post", "post"), ("OPTIONS", "preflight")] + [
    (m, "other") for m in ("GET", "PUT", "DELETE", "PATCH", "HEAD", "TRACE", "", "PO ST")
]
_ORIGINS = [(ORIGIN, True), (None, True), ("https://evil.example", False), ("null", False), ("", False)]
_ORIGINS += [(ORIGIN + "/", False), (ORIGIN.upper(), False)]
_CONTENT_TYPES = [
    ("application/json", True),
    ("application/json; charset=utf-8", True),
    ('Application/JSON; charset="UTF-8"', True),
    (None, False),
    ("", False),
    ("text/plain", False),
    ("application/json; charset=latin-1", False),
    ("application/x-www-form-urlencoded", False),
    ("application/jsonp", False),
    ("multipart/form-data; boundary=x", False),
]
_BAD_UTF8 = [b"\xff", b"\x80", b"\xc3", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80"]


@st.composite
def _raw_body(draw: st.DrawFn, scheme: Scheme) -> tuple[str, bytes, set[int]]:
    """(what, body bytes, statuses) for a POST that passes method, origin and media type."""
    valid = _base_json(scheme).encode("utf-8")
    kind = draw(st.sampled_from(["valid", "truncated", "bad utf-8", "binary", "deep", "wide"]))
    if kind == "valid":
        return "the valid submission", valid, {201}
    if kind == "truncated":
        cut = draw(st.integers(0, len(valid) - 1))
        return f"truncated to {cut} bytes", valid[:cut], {400}
    if kind == "bad utf-8":
        at, bad = draw(st.integers(0, len(valid))), draw(st.sampled_from(_BAD_UTF8))
        return f"{bad!r} at byte {at}", valid[:at] + bad + valid[at:], {400}
    if kind == "binary":
        data = draw(st.binary(max_size=200))
        return f"bytes {_short(data)}", data, {400}
    if kind == "deep":
        depth = draw(st.sampled_from((100, 1_000, 10_000, 100_000, 300_000)))
        opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
        body = opener * depth + ("0" if opener != "[" else "") + closer * depth
        return f"nested {depth} deep in {opener!r}", body.encode("ascii"), {400}
    count = draw(st.sampled_from((1_000, 50_000)))
    body = "{" + ",".join(f'"k{n}":{n}' for n in range(count)) + "}"
    return f"an object of {count} keys", body.encode("ascii"), {400}


@st.composite
def raw_cases(draw: st.DrawFn, scheme: Scheme) -> Case:
    what, data, statuses = draw(_raw_body(scheme))
    # Mostly a well-formed envelope, so that the body rules are what gets exercised.
    method, method_kind = draw(st.sampled_from(_METHODS[:1] * 6 + _METHODS))
    origin, origin_ok = draw(st.sampled_from(_ORIGINS[:2] * 6 + _ORIGINS))
    content_type, type_ok = draw(st.sampled_from(_CONTENT_TYPES[:1] * 6 + _CONTENT_TYPES))
    flag = draw(st.sampled_from(["base64", "text", "text, flag set", "base64 with line breaks"]))
    try:
        text, utf8 = data.decode("utf-8"), True
    except UnicodeDecodeError:
        # What a gateway could never send as text: the bytes that are not UTF-8 become lone surrogates.
        text, utf8 = data.decode("utf-8", "surrogateescape"), False
    if flag == "base64":
        event = make_event(
            data, method=method, headers={"origin": origin, "content-type": content_type}, base64_body=True
        )
        well_formed = True
    else:
        body = base64.encodebytes(data).decode("ascii") if flag == "base64 with line breaks" else text
        event = make_event(body, method=method, headers={"origin": origin, "content-type": content_type})
        event["isBase64Encoded"] = flag != "text"
        well_formed = flag == "text" and utf8
    if well_formed:
        body_statuses = _size_statuses(len(data), True) or statuses
    else:
        # Unreadable transport: 400, or 413 when the text alone is over the limit.
        body_statuses = {400, 413} if len(event["body"]) > BODY_MAX_BYTES else {400}
    if method_kind == "other":
        allowed = {405}
    elif not origin_ok:
        allowed = {403}
    elif method_kind == "preflight":
        allowed = {204}
    elif not type_ok:
        allowed = {415}
    else:
        allowed = set(body_statuses)
    headers = f"{method or '(no method)'}, origin {origin!r}, content-type {content_type!r}, {flag}"
    return Case("raw", f"{what}; {headers}", event, frozenset(allowed))


# Each family's strategy for a scheme, built once: building strategies on every draw is slow.
FAMILIES = {
    "json": functools.cache(json_cases),
    "field": functools.cache(field_cases),
    "mutation": functools.cache(mutation_cases),
    "raw": functools.cache(raw_cases),
}
