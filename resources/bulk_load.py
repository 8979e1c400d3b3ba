"""Bulk writes: COPY into the target (or a temp table) and ``INSERT … ON CONFLICT`` — never row by row.

Table and column names are identifiers the code controls, rendered by ``render_sql``; values always
travel through COPY or bind parameters, never through SQL text.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

import orjson
from sqlalchemy import Connection, text

from resources.sql_template import render_sql

_CHUNK_ROWS = 20_000
# A COPY buffer is sent once it holds this many bytes: rows of large payloads (a long backfill's
# deployments, each with statuses and change set) would otherwise build one buffer of the whole load.
_CHUNK_BYTES = 4_000_000
RAW_ROW_ORDINAL = "partition_row"  # with the partition column, the key of every raw table
_temp_counter = itertools.count()


class Jsonb:
    """Marks a value (often a list) to be written as jsonb rather than as a Postgres array."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_COPY = "COPY {{ table | ident }} ({{ columns | ident_list }}) FROM STDIN"
# unnest yields the keys in array order, so the locks are taken in the sorted order the caller passes
_MAX_PARTITION_LOCKS = 64
_LOCK_KEYS = "SELECT count(pg_advisory_xact_lock(key)) FROM unnest(CAST(:keys AS bigint[])) AS k(key)"
_DELETE_PARTITIONS = """
DELETE FROM {{ table | ident }} WHERE {{ column | ident }} = ANY(:values)
{%- for name in within %} AND {{ name | ident }} = ANY(:within_{{ loop.index }}){% endfor %}
"""
_CREATE_TEMP = """
CREATE TEMP TABLE {{ temp | ident }} (LIKE {{ table | ident }} INCLUDING DEFAULTS) ON COMMIT DROP;
ALTER TABLE {{ temp | ident }} ADD COLUMN _load_order bigserial
"""
_MERGE_TEMP = """
INSERT INTO {{ table | ident }} AS target ({{ columns | ident_list }})
SELECT DISTINCT ON ({{ keys | ident_list }}) {{ columns | ident_list }}
FROM {{ temp | ident }}
ORDER BY {{ keys | ident_list }}{% for v in versions %}, {{ v | ident }} DESC{% endfor %}, _load_order DESC
ON CONFLICT ({{ keys | ident_list }})
{%- if updates %} DO UPDATE SET
    {%- for c in updates %} {{ c | ident }} = EXCLUDED.{{ c | ident }}{{ "," if not loop.last }}{% endfor %}
    {%- if versions %}
    WHERE ({{ versions | ident_list("EXCLUDED.") }}) >= ({{ versions | ident_list("target.") }})
    {%- endif %}
{%- else %} DO NOTHING{% endif %};
DROP TABLE {{ temp | ident }}
"""


def copy_rows(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    streamed: bool = False,
) -> int:
    """COPY rows (mappings keyed by column) into ``table``; return how many were written. ``streamed``: see
    ``copy_lines``."""
    return copy_lines(conn, table, columns, (encode_row(row, columns) for row in rows), streamed=streamed)


def encode_row(row: Mapping[str, Any], columns: Sequence[str]) -> str:
    """One row as a line of COPY's text format (ending in a newline): what a spool stores.

    The encoder is looked up by the value's exact type (the common ones are C methods), so a bulk load is
    not held back by Python: a dispatch per field was half of a staging load's time (see `make bench`)."""
    return "\t".join([_ENCODERS.get(type(v), _copy_field)(v) for v in map(row.get, columns)]) + "\n"


def copy_lines(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    lines: Iterable[str],
    chunk_rows: int = _CHUNK_ROWS,
    *,
    streamed: bool = False,
) -> int:
    """COPY rows already encoded (``encode_row``) into ``table``; return how many were written.

    By default a chunk (``chunk_rows`` rows or ``_CHUNK_BYTES`` bytes of UTF-8) is gathered before its COPY
    starts: ``lines`` may be read from a cursor on this very connection (staging streams raw that way), which
    cannot answer while a COPY is in progress. With ``streamed=True`` (rows that come from memory or a file)
    one COPY pulls the lines as PostgreSQL takes them, so encoding here and parsing in the server overlap on
    two cores, and only a read buffer is held."""
    statement = render_sql(_COPY, table=table, columns=columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if streamed:
            reader = _LineReader(lines)
            cursor.copy_expert(statement, reader, size=_READ_CHARS)
            return reader.lines
        written = 0
        chunk, rows = io.BytesIO(), 0
        for line in lines:
            chunk.write(line.encode())
            rows += 1
            if rows >= chunk_rows or chunk.tell() >= _CHUNK_BYTES:
                written += _send(cursor, statement, chunk, rows)
                chunk, rows = io.BytesIO(), 0
        if rows:
            written += _send(cursor, statement, chunk, rows)
        return written
    finally:
        cursor.close()


def copy_file(conn: Connection, table: str, columns: Sequence[str], file: IO[str]) -> None:
    """COPY a file of encoded lines (``encode_row``) from its current position into ``table``: the server
    reads it in blocks, nothing is parsed or held here."""
    statement = render_sql(_COPY, table=table, columns=columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(statement, file, size=_READ_CHARS)
    finally:
        cursor.close()


_READ_CHARS = 1 << 16


class _LineReader:
    """A file-like view of an iterator of lines, read a block at a time (what ``copy_expert`` asks for)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.lines = 0

    def read(self, size: int = -1) -> str:
        block: list[str] = []
        chars = 0
        for line in self._lines:
            block.append(line)
            chars += len(line)
            if 0 <= size <= chars:
                break
        self.lines += len(block)
        return "".join(block)

    def readline(self) -> str:  # part of the file protocol copy_expert checks for
        return self.read(0)


def _send(cursor: Any, statement: str, chunk: io.BytesIO, rows: int) -> int:
    # gathered as UTF-8 bytes: one copy of the chunk, where a list of str joined, then encoded held three (and
    # a str holds 4 bytes a character once one is outside Latin-1): 30 MB at the peak of a sync, now 4
    chunk.seek(0)
    cursor.copy_expert(statement, chunk, size=_READ_CHARS)
    return rows


def lock_partitions(conn: Connection, table: str, partitions: Iterable[Any]) -> None:
    """Hold transaction-scoped advisory locks on (table, partition) until commit or rollback.

    Two runs loading the same partition then take turns: the second one's DELETE sees the first one's
    committed rows, so the partition ends with exactly one run's data. A load takes the table's lock shared
    and each partition's exclusive, sorted, so loads whose partitions overlap queue instead of deadlocking.
    A load of more than ``_MAX_PARTITION_LOCKS`` partitions (a long backfill) takes the table's lock
    exclusive instead: PostgreSQL's lock table is shared by all sessions and sized for 64 locks per connection
    (a transaction taking 60,000 advisory locks fails with "out of shared memory").
    """
    values = set(partitions)
    if not values:
        return
    table_key = _lock_key(table, None)
    if len(values) > _MAX_PARTITION_LOCKS:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": table_key})
        return
    conn.execute(text("SELECT pg_advisory_xact_lock_shared(:key)"), {"key": table_key})
    keys = sorted(_lock_key(table, value) for value in values)
    conn.execute(text(_LOCK_KEYS), {"keys": keys})


def replace_partitions(
    conn: Connection,
    table: str,
    partition_column: str,
    partition_values: Sequence[Any],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    within: Mapping[str, Sequence[Any]] | None = None,
    number_rows: bool | None = None,
) -> int:
    """Delete the given partitions of ``table`` and COPY the new rows, in the caller's transaction.

    ``within`` narrows the partitions to rows whose columns hold one of the given values (Copilot's reports
    are partitioned by kind, organisation and day); each combination is locked and replaced.
    The partitions are locked first (``lock_partitions``) so concurrent loads of one partition serialise.
    Rows of a ``raw.`` table also get ``partition_row``, their 1-based position within their partition:
    raw tables are keyed by (partition, partition_row), a key that tolerates payloads whose ids are
    missing or repeated (migration 0010); ``number_rows=False`` is for a raw table keyed otherwise.
    """
    clear_partitions(conn, table, partition_column, partition_values, within=within)
    if not (table.startswith("raw.") if number_rows is None else number_rows):
        return copy_rows(conn, table, columns, rows)
    numbered = _numbered(rows, partition_column, RAW_ROW_ORDINAL)
    return copy_rows(conn, table, [*columns, RAW_ROW_ORDINAL], numbered)


def clear_partitions(
    conn: Connection,
    table: str,
    partition_column: str,
    partition_values: Sequence[Any],
    *,
    within: Mapping[str, Sequence[Any]] | None = None,
) -> None:
    """Lock the partitions (``lock_partitions``) and delete their rows, in the caller's transaction: the
    first half of ``replace_partitions``, for a loader that then COPYs rows it spooled."""
    scope = {name: list(values) for name, values in (within or {}).items()}
    locked = (
        [
            (*combination, value)
            for combination in itertools.product(*scope.values())
            for value in partition_values
        ]
        if scope
        else partition_values
    )
    lock_partitions(conn, table, locked)
    conn.execute(
        text(render_sql(_DELETE_PARTITIONS, table=table, column=partition_column, within=list(scope))),
        {"values": list(partition_values), **{f"within_{i}": v for i, v in enumerate(scope.values(), 1)}},
    )


def _numbered(
    rows: Iterable[Mapping[str, Any]], partition_column: str, ordinal_column: str
) -> Iterator[Mapping[str, Any]]:
    seen: Counter[Any] = Counter()
    for row in rows:
        seen[row.get(partition_column)] += 1
        yield {**row, ordinal_column: seen[row.get(partition_column)]}


def _lock_key(table: str, value: Any) -> int:
    """A stable signed 64-bit key for (table, partition value), or for the table with ``None``; a collision
    only makes two loads wait for each other."""
    name = f"dexxy:{table}" if value is None else f"dexxy:{table}:{value}"
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def upsert(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    key_columns: Sequence[str],
    version_columns: Sequence[str] = (),
    *,
    streamed: bool = False,
) -> int:
    """Insert or update rows by key; with ``version_columns`` a row only replaces an older-or-equal version.

    Duplicate keys inside the batch are collapsed first (newest version, else last loaded, wins), because
    ``ON CONFLICT DO UPDATE`` cannot touch the same row twice in one statement. Returns rows loaded.
    ``streamed``: see ``copy_lines`` (only for rows that are not read from ``conn``).
    """
    temp = f"tmp_load_{next(_temp_counter)}"
    conn.exec_driver_sql(render_sql(_CREATE_TEMP, temp=temp, table=table))
    loaded = copy_rows(conn, temp, columns, rows, streamed=streamed)
    updates = [c for c in columns if c not in key_columns]
    conn.exec_driver_sql(
        render_sql(
            _MERGE_TEMP,
            table=table,
            temp=temp,
            columns=columns,
            keys=key_columns,
            versions=list(version_columns),
            updates=updates,
        )
    )
    return loaded


def _copy_field(value: Any) -> str:
    """Encode one value for COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Jsonb):
        return _escape(_json_text(value.value))
    if isinstance(value, dict):
        return _escape(_json_text(value))
    if isinstance(value, list | tuple):
        return _escape(_array_literal(value))
    return _escape(str(value))


# jsonb rejects NUL and lone surrogates, text rejects NUL, and UTF-8 cannot encode a surrogate: each such
# character becomes U+FFFD so the row lands (loaders that care repair and count first: ``payload_repair``)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_UNSTORABLE_IN_JSON = re.compile(r"[\ud800-\udfff]|\\u0000")  # as json.dumps(ensure_ascii=False) writes them


def _json_text(value: Any) -> str:
    """Compact JSON that jsonb accepts. orjson writes it several times faster than ``json`` (the encoding, not
    PostgreSQL, was what held a raw load back: see `make bench`) and refuses lone surrogates itself, so only
    NUL is looked for; what orjson refuses (a surrogate, an integer past 64 bits) or jsonb would (NUL) takes
    the slow path, which repairs only those characters."""
    try:
        dumped = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
        if "\\u0000" not in dumped:
            return dumped
    except TypeError:  # orjson.JSONEncodeError included
        pass
    dumped = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if _UNSTORABLE_IN_JSON.search(dumped):  # keep the record, lose only those characters
        dumped = json.dumps(_storable(value), separators=(",", ":"), ensure_ascii=False)
    return dumped


def _storable(value: Any) -> Any:
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def _array_literal(values: Sequence[Any]) -> str:
    items = []
    for item in values:
        if item is None:
            items.append("NULL")
        else:
            escaped = str(item).replace("\\", "\\\\").replace('"', '\\"')
            items.append(f'"{escaped}"')
    return "{" + ",".join(items) + "}"


def _encode_text(value: str) -> str:
    if _NEEDS_ESCAPE.search(value) is None:  # nearly every string: returned as is
        return value
    return _escape(value)  # chained replaces: 8x faster than str.translate on a patch or a body


_NEEDS_ESCAPE = re.compile("[\\\\\t\n\r\x00\ud800-\udfff]")


def _encode_json(value: Any) -> str:
    # json.dumps escapes every control character, and _json_text what jsonb rejects: of COPY's special
    # characters only the backslashes of JSON's own escapes are left to double (one pass over a payload)
    return _json_text(value.value if isinstance(value, Jsonb) else value).replace("\\", "\\\\")


# exact types only: a subclass (an IntEnum, a str subclass) takes ``_copy_field``'s general path
_ENCODERS: dict[type, Any] = {
    str: _encode_text,
    int: int.__repr__,
    float: float.__repr__,
    bool: lambda value: "t" if value else "f",
    dt.datetime: dt.datetime.isoformat,
    dt.date: dt.date.isoformat,
    type(None): lambda _: "\\N",
    Jsonb: _encode_json,
    dict: _encode_json,
}


def _escape(value: str) -> str:
    return (
        _UNSTORABLE.sub("\ufffd", value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
