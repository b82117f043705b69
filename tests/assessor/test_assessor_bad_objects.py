"""One bad object never stops a command: it is named in one warning and skipped, and the rest is shown.

Bad means unreadable, of an unknown record_version, named in no known format, or with a body that
disagrees with its name (ids, scheme, day or time). A stray review can then neither block the
others nor outrank a colleague's recommendation, and a record cannot shadow another or carry an id
that breaks a file name or the page's style sheet.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from support.records import RECEIVED, make_record, record_body, record_key

SCHEME = "konsultasi-manajemen-pemasaran"
GENUINE = ("tidak_lanjut", "Andriansyah Bachtillah")  # the latest genuine review of copy's "reviewed" record
LATER = RECEIVED + timedelta(days=10)  # later than every genuine review: a stray one would outrank them
COPY_HINT = (
    "if it is in your pulled copy, delete it and run `assessor.py pull` to fetch it again; "
    "if it is in the source, tell the LSP's administrator"
)
UPDATE_HINT = "update Swanilai (`git pull`) to read it"


def review_key_at(record: dict, moment) -> str:
    return f"reviews/{SCHEME}/{record['submission_id']}/{moment:%Y%m%dT%H%M%S}.{moment.microsecond // 1000:03d}Z.json"


def stray_review(record: dict, **change) -> bytes:
    """A review body as the contract writes it, by someone who should not outrank the genuine ones."""
    body = {
        "record_version": 1,
        "submission_id": record["submission_id"],
        "scheme_id": SCHEME,
        "reviewed_at": f"{LATER:%Y-%m-%dT%H:%M:%S}.{LATER.microsecond // 1000:03d}Z",
        "assessor": {"name": "Penyusup", "registration": "MET.0"},
        "recommendation": "lanjut",
        "notes": None,
    }
    return json.dumps({**body, **change}).encode()


# id, the review's key (from the record), its body (from the record), the problem the warning names
BAD_REVIEWS = [
    (
        "not-json",
        lambda r: review_key_at(r, LATER),
        lambda r: b'{"record_version": 1, "sub',
        "is not valid JSON (truncated or corrupt)",
        COPY_HINT,
    ),
    (
        "unknown-record-version",
        lambda r: review_key_at(r, LATER),
        lambda r: stray_review(r, record_version=9),
        "has record_version 9, which this version of Swanilai does not know (it reads 1 and 2)",
        UPDATE_HINT,
    ),
    (
        "free-text-time-in-its-name",
        lambda r: f"reviews/{SCHEME}/{r['submission_id']}/zz-terbaru.json",
        lambda r: stray_review(r),
        "is not named like a review",
        None,
    ),
    (
        "time-in-body-disagrees-with-its-name",
        lambda r: review_key_at(r, LATER),
        lambda r: stray_review(r, reviewed_at="2026-11-20T00:00:00.000Z"),
        "its reviewed_at 2026-11-20T00:00:00.000Z is not the time in its name",
        COPY_HINT,
    ),
    (
        "body-names-another-submission",
        lambda r: review_key_at(r, LATER),
        lambda r: stray_review(r, submission_id="00000000-dead-4bad-8bad-000000000000"),
        "its submission_id '00000000-dead-4bad-8bad-000000000000' is not the id in its name",
        COPY_HINT,
    ),
    (
        "body-names-another-scheme",
        lambda r: review_key_at(r, LATER),
        lambda r: stray_review(r, scheme_id="skema-lain"),
        "its scheme_id 'skema-lain' is not the scheme in its name",
        COPY_HINT,
    ),
    (
        "larger-than-a-review-may-be",
        lambda r: review_key_at(r, LATER),
        lambda r: stray_review(r).ljust(512 * 1024 + 1),  # readable, and one byte more than a review may be
        "is 524,289 bytes, more than the 524,288 it may be",
        None,
    ),
]


def _changed(seed, **change) -> dict:
    record = make_record(seed, name="Penyusup")
    record.update(change)
    return record


def _record_case(change_body, key_suffix: str = ""):
    """A record planted in the copy: its key (from the unchanged record) and its changed body."""

    def plant(seed, copy):
        record = make_record(seed, name="Penyusup")
        key = record_key(record) + key_suffix
        return key, change_body(record, copy)

    return plant


def _renamed(record, copy, submission_id):
    return record_body({**record, "submission_id": submission_id})


BAD_RECORDS = [
    (
        "truncated",
        _record_case(lambda r, c: record_body(r)[:-40]),
        "is not valid JSON (truncated or corrupt)",
        COPY_HINT,
    ),
    (
        "unknown-record-version",
        _record_case(lambda r, c: json.dumps({**r, "record_version": 3}).encode()),
        "has record_version 3, which this version of Swanilai does not know (it reads 1 and 2)",
        UPDATE_HINT,
    ),
    (
        "unknown-scheme-format",
        _record_case(lambda r, c: json.dumps({**r, "scheme": {**r["scheme"], "format": 2}}).encode()),
        "its scheme is of an unknown format (compiled scheme format 2 is not 1)",
        UPDATE_HINT,
    ),
    (
        "id-with-a-slash",
        _record_case(lambda r, c: _renamed(r, c, "../../../keluar")),
        "its submission_id '../../../keluar' is not the id in its name",
        COPY_HINT,
    ),
    (
        "id-with-a-newline-and-css",
        _record_case(lambda r, c: _renamed(r, c, '"; }\nbody { display: none } /*')),
        "its submission_id '\"; }\\nbody { display: none } /*' is not the id in its name",
        COPY_HINT,
    ),
    (
        "another-scheme-in-its-body",
        _record_case(lambda r, c: record_body({**r, "scheme": {**r["scheme"], "id": "skema-lain"}})),
        "its scheme 'skema-lain' is not the scheme in its name",
        COPY_HINT,
    ),
    (
        "received-on-another-day",
        _record_case(lambda r, c: record_body({**r, "received_at": "2026-11-20T10:00:00.000Z"})),
        "it was received on 2026-11-20 (UTC), not on the day in its name",
        COPY_HINT,
    ),
]


def _shadow(seed, copy):
    """`<id>.json` plus a newline: a second file for the typed record's id, sorting after the real one."""
    real = copy.records["typed"]
    return record_key(real) + "\n", record_body({**real, "candidate": {**real["candidate"], "name": "Penyusup"}})


def _padded(seed, copy):
    """A readable record made larger than a record may be (1 MB): never read, whatever it holds."""
    record = make_record(seed, name="Penyusup")
    return record_key(record), record_body(record).ljust(1024 * 1024 + 1)


BAD_RECORDS.append(("name-ends-in-a-newline", _shadow, "is not named like a record", None))
BAD_RECORDS.append(
    ("larger-than-a-record-may-be", _padded, "is 1,048,577 bytes, more than the 1,048,576 it may be", None)
)

COMMANDS = {
    "list": ["list", "{root}"],
    "render-all": ["render", "--all", "--dir", "{root}", "--out", "{out}"],
    "export": ["export", "--dir", "{root}", "--out", "{out}/rekap.xlsx"],
}


class Review(HTMLParser):
    """The review block of a rendered form: recommendation and assessor's name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.recommendation, self.assessor, self._in_name = None, "", False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "review" in (attrs.get("class") or "").split():
            self.recommendation = attrs["data-recommendation"]
        self._in_name = attrs.get("class") == "assessor-name"

    def handle_endtag(self, tag):
        self._in_name = False

    def handle_data(self, data):
        if self._in_name:
            self.assessor += data


def shown(command: str, result, out) -> dict[str, tuple[str, str, str]]:
    """What a command showed, by submission id: (candidate's name, recommendation, assessor)."""
    if command == "list":
        rows = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()[1:]]
        found = {}
        for row in rows:
            review = re.fullmatch(r"(\S+) \((.*)\)", row[6])
            found[row[0]] = (row[3], *(review.groups() if review else ("", "")))
        return {sid: (name, rec.replace("-", "_"), who) for sid, (name, rec, who) in found.items()}
    if command == "render-all":
        found = {}
        for page in out.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            parser = Review()
            parser.feed(text)
            name = html.unescape(re.search(r'<span class="candidate-name">(.*?)</span>', text)[1])
            found[page.stem.removeprefix("FR.APL.02-")] = (name, parser.recommendation or "", parser.assessor)
        return found
    from openpyxl import load_workbook

    sheet = load_workbook(out / "rekap.xlsx")["submissions"]
    header, *rows = sheet.values
    column = {name: header.index(name) for name in ("candidate_name", "recommendation", "assessor_name")}
    return {
        row[0]: (
            row[column["candidate_name"]].removeprefix("'"),  # the export's guard against formulas
            row[column["recommendation"]] or "",
            row[column["assessor_name"]] or "",
        )
        for row in rows
    }


def expected(copy) -> dict[str, tuple[str, str, str]]:
    records = copy.records
    return {
        records["reviewed"]["submission_id"]: ("Siti Rahayu", *GENUINE),
        records["typed"]["submission_id"]: ("Budi Santoso", "", ""),
        records["hostile"]["submission_id"]: ("=cmd|' /C calc'!A0", "", ""),
    }


def run_and_check(invoke, copy, tmp_path, command: str, where: str, problem: str, hint: str | None) -> None:
    out = tmp_path / "out"
    result = invoke(*(arg.format(root=copy.root, out=out) for arg in COMMANDS[command]))
    assert result.exit_code == 0, result.output
    assert shown(command, result, out) == expected(copy)  # the genuine ones, and nothing the bad one claims
    warning = f"warning: {where}: {problem}: skipped" + (f" ({hint})" if hint else "")
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == [warning.replace("\n", "\\x0a")]  # one line, whatever the name holds


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "key, body, problem, hint", [row[1:] for row in BAD_REVIEWS], ids=[row[0] for row in BAD_REVIEWS]
)
def test_a_bad_review_is_named_skipped_and_outranks_nothing(invoke, copy, tmp_path, command, key, body, problem, hint):
    record = copy.records["reviewed"]
    path = copy.root / key(record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body(record))
    run_and_check(invoke, copy, tmp_path, command, str(path), problem, hint)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("plant, problem, hint", [row[1:] for row in BAD_RECORDS], ids=[row[0] for row in BAD_RECORDS])
def test_a_bad_record_is_named_skipped_and_shadows_nothing(invoke, copy, seed, tmp_path, command, plant, problem, hint):
    key, body = plant(seed, copy)
    path = copy.root / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    run_and_check(invoke, copy, tmp_path, command, str(path), problem, hint)


def test_a_bad_record_asked_for_by_id_is_an_error_naming_it(invoke, copy, seed, tmp_path):
    record = make_record(seed)
    path = copy.root / record_key(record)
    path.write_bytes(record_body(record)[:-40])
    result = invoke("render", record["submission_id"], "--dir", copy.root, "--out", tmp_path / "out")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"error: {path}: is not valid JSON (truncated or corrupt): {COPY_HINT}\n"
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_review_and_pull_carry_on_past_a_bad_review(invoke, copy, tmp_path):
    record = copy.records["reviewed"]
    stray = copy.root / f"reviews/{SCHEME}/{record['submission_id']}/zz-terbaru.json"
    stray.write_bytes(b"{not json")
    broken = copy.root / review_key_at(record, LATER)
    broken.write_bytes(b"{not json")
    pulled = invoke("pull", "--from", copy.root, "--to", tmp_path / "mine")
    assert pulled.exit_code == 0, pulled.output
    assert pulled.stderr == f"warning: {stray}: is not named like a review: skipped\n"
    assert (tmp_path / "mine" / review_key_at(record, LATER)).read_bytes() == b"{not json"  # copied as it is
    reviewed = invoke(
        "review", record["submission_id"], "--store", copy.root, "--dir", tmp_path / "mine",
        "--recommend", "lanjut", "--assessor", "Asesor Ketiga", "--reg", "MET.3",
    )  # fmt: skip
    assert reviewed.exit_code == 0, reviewed.output
    listed = invoke("list", tmp_path / "mine")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[1].endswith("lanjut (Asesor Ketiga)")
    assert listed.stderr.startswith(f"warning: {tmp_path / 'mine' / review_key_at(record, LATER)}: is not valid JSON")
