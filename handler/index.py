"""The desk's index: one row per submission with the list's columns, so a list never reads every record.

S3 (or the local directory) stays the single source of truth; the index is derived from it and can
be rebuilt at any time (handler/indexer.py). One interface, two backends: SQLite in local mode (an
embedded file beside the store) and DynamoDB in AWS (on demand, point-in-time recovery, encrypted).

Listing is newest first with keyset paging: a page ends with a cursor naming its last row
(received_at, submission_id), and the next page starts strictly after it, so a page costs the same
at row 10 and row 10,000 and a submission arriving meanwhile never shifts a page. Filters: scheme,
a UTC range (the desk turns WIB days into one), review state; search: a folded substring of the
name (accents and case ignored) or a prefix of the id.

An upsert never goes back in time: reviews are append-only and a revision, once made, stays, so an
entry computed from an older view of S3 (fewer reviews, or not yet revised) never overwrites one
computed from a newer view. That makes the indexer idempotent under duplicated, out-of-order and
replayed events. Standard library and boto3 only (Lambda).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, Protocol

_CURSOR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
_CURSOR_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
META_ID = "#meta"  # the DynamoDB item (and SQLite row) holding the index's own times; never an id
LISTING = "all"  # the one partition of the DynamoDB "newest" index


class IndexUnavailable(Exception):
    """The index cannot be read or written now (DynamoDB throttling or down, a locked SQLite file)."""

    def __init__(self, detail: str, code: str = "") -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class IndexEntry:
    submission_id: str
    scheme_id: str
    scheme_number: str
    scheme_title: str
    received_at: str  # the contract's UTC time, 2026-11-23T23:15:02.123Z: sorts as text
    received_day_wib: str  # YYYY-MM-DD
    name: str
    name_folded: str
    k: int
    bk: int
    state: str  # handler.deskrules.STATES
    reviewed_at: str | None
    reviewer: str | None
    reviewer_registration: str | None
    notes: str | None  # the counting review's general note
    review_count: int
    latest_review_key: str | None
    revises: str | None
    revised_by: str | None
    files: int
    record_key: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexEntry:
        values = {}
        for item in fields(cls):
            value = data.get(item.name)
            if item.type == "int":
                value = int(value or 0)
            values[item.name] = value
        return cls(**values)


@dataclass(frozen=True)
class Query:
    scheme: str | None = None
    received_from: str | None = None  # inclusive, the contract's UTC time
    received_before: str | None = None  # exclusive
    state: str | None = None
    name: str | None = None  # folded (fold()) substring of the name
    id_prefix: str | None = None  # lower-case hex; with name, either one matches
    after: tuple[str, str] | None = None  # (received_at, submission_id) of the last row already shown
    limit: int = 50


@dataclass(frozen=True)
class Page:
    items: list[IndexEntry]
    next_cursor: str | None


@dataclass(frozen=True)
class IndexMeta:
    updated_at: str | None  # the last time anything was written
    rebuilt_at: str | None  # the last complete rebuild from the store


class Index(Protocol):
    def upsert(self, entry: IndexEntry, force: bool = False) -> bool: ...
    def delete(self, submission_id: str) -> None: ...
    def get(self, submission_id: str) -> IndexEntry | None: ...
    def query(self, query: Query) -> Page: ...
    def known_ids(self, ids: Iterable[str]) -> set[str]: ...
    def all_ids(self) -> set[str]: ...
    def meta(self) -> IndexMeta: ...
    def mark(self, updated_at: str, rebuilt: bool = False) -> None: ...


# -- shared pieces


def fold(text: str) -> str:
    """Text as searched: accents dropped, case folded, spaces collapsed (`Sítí  RAHAYU` -> `siti rahayu`)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def encode_cursor(entry: IndexEntry) -> str:
    raw = f"{entry.received_at}|{entry.submission_id}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str] | None:
    """The (received_at, submission_id) a cursor names, or None when it is not one this index made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, ValueError):
        return None
    received_at, sep, submission_id = raw.partition("|")
    if not sep or not _CURSOR_TIME.fullmatch(received_at) or not _CURSOR_ID.fullmatch(submission_id):
        return None
    return received_at, submission_id


def page_of(rows: list[IndexEntry], limit: int) -> Page:
    """A page from up to limit + 1 rows: the extra one only says that there is more."""
    items = rows[:limit]
    return Page(items, encode_cursor(items[-1]) if len(rows) > limit and items else None)


# -- SQLite (local mode)


class SqliteIndex:
    """The index as one SQLite file (WAL), shared by the threads of one process."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10, isolation_level=None)
        self.path.chmod(0o600)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(
                """
                CREATE TABLE IF NOT EXISTS entries (
                    submission_id TEXT PRIMARY KEY,
                    scheme_id TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    state TEXT NOT NULL,
                    name_folded TEXT NOT NULL,
                    review_count INTEGER NOT NULL,
                    revised_by TEXT,
                    data TEXT NOT NULL
                );
                CREATE INDEX IF NOT EXISTS newest ON entries (received_at DESC, submission_id DESC);
                CREATE INDEX IF NOT EXISTS scheme_newest ON entries (scheme_id, received_at DESC, submission_id DESC);
                CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
                """
            )

    def describe(self) -> str:
        return str(self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _run(self, sql: str, parameters: Iterable[Any] = ()) -> list[tuple]:
        try:
            with self._lock:
                return self._db.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(f"SQLite: {exc}", "sqlite") from exc

    def upsert(self, entry: IndexEntry, force: bool = False) -> bool:
        """Write an entry unless the stored one saw more of the store (force: write it anyway, a rebuild)."""
        written = self._changed(
            """
            INSERT INTO entries (submission_id, scheme_id, received_at, state, name_folded, review_count, revised_by, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (submission_id) DO UPDATE SET
                scheme_id = excluded.scheme_id, received_at = excluded.received_at, state = excluded.state,
                name_folded = excluded.name_folded, review_count = excluded.review_count,
                revised_by = excluded.revised_by, data = excluded.data
            WHERE ? OR (excluded.review_count >= entries.review_count
                AND (entries.revised_by IS NULL OR excluded.revised_by IS NOT NULL))
            """,
            (
                entry.submission_id,
                entry.scheme_id,
                entry.received_at,
                entry.state,
                entry.name_folded,
                entry.review_count,
                entry.revised_by,
                json.dumps(entry.to_dict(), ensure_ascii=False),
                force,
            ),
        )
        return written > 0

    def _changed(self, sql: str, parameters: Iterable[Any]) -> int:
        try:
            with self._lock:
                return self._db.execute(sql, tuple(parameters)).rowcount
        except sqlite3.OperationalError as exc:
            raise IndexUnavailable(f"SQLite: {exc}", "sqlite") from exc

    def delete(self, submission_id: str) -> None:
        self._run("DELETE FROM entries WHERE submission_id = ?", (submission_id,))

    def get(self, submission_id: str) -> IndexEntry | None:
        rows = self._run("SELECT data FROM entries WHERE submission_id = ?", (submission_id,))
        return IndexEntry.from_dict(json.loads(rows[0][0])) if rows else None

    def query(self, query: Query) -> Page:
        where, parameters = [], []
        if query.scheme:
            where.append("scheme_id = ?")
            parameters.append(query.scheme)
        if query.received_from:
            where.append("received_at >= ?")
            parameters.append(query.received_from)
        if query.received_before:
            where.append("received_at < ?")
            parameters.append(query.received_before)
        if query.state:
            where.append("state = ?")
            parameters.append(query.state)
        search = []
        if query.name:
            search.append("name_folded LIKE ? ESCAPE '\\'")
            parameters.append("%" + _like(query.name) + "%")
        if query.id_prefix:
            search.append("submission_id LIKE ? ESCAPE '\\'")
            parameters.append(_like(query.id_prefix) + "%")
        if search:
            where.append("(" + " OR ".join(search) + ")")
        if query.after:
            where.append("(received_at, submission_id) < (?, ?)")
            parameters.extend(query.after)
        sql = "SELECT data FROM entries"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY received_at DESC, submission_id DESC LIMIT ?"
        rows = self._run(sql, [*parameters, query.limit + 1])
        return page_of([IndexEntry.from_dict(json.loads(row[0])) for row in rows], query.limit)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = list(ids)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self._run(f"SELECT submission_id FROM entries WHERE submission_id IN ({marks})", chunk)
            )
        return found

    def all_ids(self) -> set[str]:
        return {row[0] for row in self._run("SELECT submission_id FROM entries")}

    def count(self) -> int:
        return self._run("SELECT count(*) FROM entries")[0][0]

    def meta(self) -> IndexMeta:
        values = dict(self._run("SELECT name, value FROM meta"))
        return IndexMeta(values.get("updated_at"), values.get("rebuilt_at"))

    def mark(self, updated_at: str, rebuilt: bool = False) -> None:
        names = ("updated_at", "rebuilt_at") if rebuilt else ("updated_at",)
        for name in names:
            self._run(
                "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (name, updated_at),
            )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# -- DynamoDB (AWS)


FILTERED_FIRST_READ = 200  # entries DynamoDB reads for a filtered list's first call
FILTERED_READ_MAX = 6400  # and at most per call after doubling (each call also stops at 1 MB)


class DynamoIndex:
    """The index as a DynamoDB table: key `submission_id`; global indexes `newest` and `by_scheme`.

    `newest` has one partition (`listing` = "all") sorted by `newest` = "<received_at>#<id>";
    `by_scheme` is partitioned by scheme id with the same sort key. Filters other than scheme and
    time are applied by DynamoDB to the rows it reads, page by page, until a page is full: at
    10,000 entries (about 4 MB) a search reads the whole index in a few requests at most.
    """

    def __init__(self, table_name: str, client: Any = None) -> None:
        self.table_name = table_name
        self._client = client
        self._lock = threading.Lock()

    def describe(self) -> str:
        return f"dynamodb://{self.table_name}"

    @property
    def client(self) -> Any:
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=3, read_timeout=10)
                    self._client = boto3.client("dynamodb", config=config)
        return self._client

    def _call(self, operation: str, **arguments: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(TableName=self.table_name, **arguments)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise
            raise IndexUnavailable(f"DynamoDB {operation}: {_code(exc)}", _code(exc)) from exc
        except BotoCoreError as exc:
            raise IndexUnavailable(f"DynamoDB {operation}: {type(exc).__name__}", type(exc).__name__) from exc

    def upsert(self, entry: IndexEntry, force: bool = False) -> bool:
        from botocore.exceptions import ClientError

        item = _to_item(entry)
        if force:
            self._call("put_item", Item=item)
            return True
        try:
            self._call(
                "put_item",
                Item=item,
                ConditionExpression=(
                    "attribute_not_exists(submission_id) OR "
                    "(review_count <= :reviews AND (attribute_not_exists(revised_by) OR :revised = :yes))"
                ),
                ExpressionAttributeValues={
                    ":reviews": {"N": str(entry.review_count)},
                    ":revised": {"BOOL": entry.revised_by is not None},
                    ":yes": {"BOOL": True},
                },
            )
            return True
        except ClientError:
            return False  # the stored entry saw more of S3 than this one: keep it

    def delete(self, submission_id: str) -> None:
        self._call("delete_item", Key={"submission_id": {"S": submission_id}})

    def get(self, submission_id: str) -> IndexEntry | None:
        item = self._call("get_item", Key={"submission_id": {"S": submission_id}}, ConsistentRead=True).get("Item")
        return _from_item(item) if item and "data" in item else None

    def query(self, query: Query) -> Page:
        arguments: dict[str, Any] = {"ScanIndexForward": False}
        names: dict[str, str] = {}
        values: dict[str, Any] = {}
        if query.scheme:
            arguments["IndexName"] = "by_scheme"
            condition = "scheme_id = :partition"
            values[":partition"] = {"S": query.scheme}
        else:
            arguments["IndexName"] = "newest"
            condition = "listing = :partition"
            values[":partition"] = {"S": LISTING}
        low, high = query.received_from, query.received_before
        if low or high:
            names["#newest"] = "newest"
        if low and high:
            condition += " AND #newest BETWEEN :low AND :high"
        elif low:
            condition += " AND #newest >= :low"
        elif high:
            condition += " AND #newest < :high"
        if low:
            values[":low"] = {"S": low}
        if high:
            values[":high"] = {"S": high}
        filters = []
        if query.state:
            filters.append("#state = :state")
            names["#state"] = "state"
            values[":state"] = {"S": query.state}
        search = []
        if query.name:
            search.append("contains(name_folded, :name)")
            values[":name"] = {"S": query.name}
        if query.id_prefix:
            search.append("begins_with(submission_id, :prefix)")
            values[":prefix"] = {"S": query.id_prefix}
        if search:
            filters.append("(" + " OR ".join(search) + ")")
        arguments.update(
            KeyConditionExpression=condition, ExpressionAttributeNames=names, ExpressionAttributeValues=values
        )
        if filters:
            arguments["FilterExpression"] = " AND ".join(filters)
            # DynamoDB filters after it reads: a rare name may sit anywhere. The first read is small
            # (a common search fills its page there); each further read doubles, so a search through
            # 10,000 entries is a handful of calls rather than fifty (DynamoDB stops each at 1 MB).
            arguments["Limit"] = max(4 * query.limit, FILTERED_FIRST_READ)
        else:
            arguments["Limit"] = query.limit + 1
        if query.after:
            received_at, submission_id = query.after
            start = {"submission_id": {"S": submission_id}, "newest": {"S": f"{received_at}#{submission_id}"}}
            start.update({"scheme_id": {"S": query.scheme}} if query.scheme else {"listing": {"S": LISTING}})
            arguments["ExclusiveStartKey"] = start
        rows: list[IndexEntry] = []
        while len(rows) <= query.limit:
            answer = self._call("query", **arguments)
            rows.extend(_from_item(item) for item in answer.get("Items", ()))
            if "LastEvaluatedKey" not in answer:
                break
            arguments["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
            if filters:
                arguments["Limit"] = min(2 * arguments["Limit"], FILTERED_READ_MAX)
        return page_of(rows[: query.limit + 1], query.limit)

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        wanted = sorted(set(ids))
        found: set[str] = set()
        for start in range(0, len(wanted), 100):
            keys = [{"submission_id": {"S": i}} for i in wanted[start : start + 100]]
            request = {self.table_name: {"Keys": keys, "ProjectionExpression": "submission_id"}}
            for _ in range(5):
                answer = self._batch_get(request)
                found.update(
                    item["submission_id"]["S"] for item in answer.get("Responses", {}).get(self.table_name, ())
                )
                request = answer.get("UnprocessedKeys") or {}
                if not request:
                    break
        return found

    def _batch_get(self, request: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return self.client.batch_get_item(RequestItems=request)
        except (ClientError, BotoCoreError) as exc:
            raise IndexUnavailable(f"DynamoDB batch_get_item: {_code(exc)}", _code(exc)) from exc

    def all_ids(self) -> set[str]:
        found: set[str] = set()
        arguments: dict[str, Any] = {"ProjectionExpression": "submission_id"}
        while True:
            answer = self._call("scan", **arguments)
            found.update(item["submission_id"]["S"] for item in answer.get("Items", ()))
            if "LastEvaluatedKey" not in answer:
                break
            arguments["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
        found.discard(META_ID)
        return found

    def meta(self) -> IndexMeta:
        item = self._call("get_item", Key={"submission_id": {"S": META_ID}}, ConsistentRead=True).get("Item") or {}
        return IndexMeta(item.get("updated_at", {}).get("S"), item.get("rebuilt_at", {}).get("S"))

    def mark(self, updated_at: str, rebuilt: bool = False) -> None:
        update = "SET updated_at = :t" + (", rebuilt_at = :t" if rebuilt else "")
        self._call(
            "update_item",
            Key={"submission_id": {"S": META_ID}},
            UpdateExpression=update,
            ExpressionAttributeValues={":t": {"S": updated_at}},
        )


def _to_item(entry: IndexEntry) -> dict[str, Any]:
    """The DynamoDB item of an entry: the key and filter attributes, and the whole entry as JSON."""
    item = {
        "submission_id": {"S": entry.submission_id},
        "listing": {"S": LISTING},
        "newest": {"S": f"{entry.received_at}#{entry.submission_id}"},
        "scheme_id": {"S": entry.scheme_id},
        "state": {"S": entry.state},
        "name_folded": {"S": entry.name_folded},
        "review_count": {"N": str(entry.review_count)},
        "data": {"S": json.dumps(entry.to_dict(), ensure_ascii=False)},
    }
    if entry.revised_by is not None:
        item["revised_by"] = {"S": entry.revised_by}
    return item


def _from_item(item: dict[str, Any]) -> IndexEntry:
    return IndexEntry.from_dict(json.loads(item["data"]["S"]))


def _code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "")) or type(exc).__name__
    return type(exc).__name__


def iter_pages(index: Index, query: Query, most: int) -> Iterator[IndexEntry]:
    """Every entry a query matches, newest first, page after page, at most `most` of them."""
    from dataclasses import replace

    shown = 0
    while True:
        page = index.query(query)
        for entry in page.items:
            if shown >= most:
                return
            shown += 1
            yield entry
        if page.next_cursor is None:
            return
        query = replace(query, after=decode_cursor(page.next_cursor))
