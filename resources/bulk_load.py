"""Bulk writes: COPY into the target (or a temp table) and ``INSERT … ON CONFLICT`` — never row by row.

Table and column names are identifiers the code controls, rendered by ``render_sql``; values always
travel through COPY or bind parameters, never through SQL text.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, text

from resources.sql_template import render_sql

_CHUNK_ROWS = 20_000
_temp_counter = itertools.count()


class Jsonb:
    """Marks a value (often a list) to be written as jsonb rather than as a Postgres array."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_COPY = "COPY {{ table | ident }} ({{ columns | ident_list }}) FROM STDIN"
_DELETE_PARTITIONS = "DELETE FROM {{ table | ident }} WHERE {{ column | ident }} = ANY(:values)"
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


def copy_rows(conn: Connection, table: str, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> int:
    """COPY rows (mappings keyed by column) into ``table``; return how many were written."""
    statement = render_sql(_COPY, table=table, columns=columns)
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    written = 0
    try:
        iterator = iter(rows)
        while chunk := list(itertools.islice(iterator, _CHUNK_ROWS)):
            buffer = io.StringIO()
            for row in chunk:
                buffer.write("\t".join(_copy_field(row.get(c)) for c in columns))
                buffer.write("\n")
            buffer.seek(0)
            cursor.copy_expert(statement, buffer)
            written += len(chunk)
    finally:
        cursor.close()
    return written


def replace_partitions(
    conn: Connection,
    table: str,
    partition_column: str,
    partition_values: Sequence[Any],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
) -> int:
    """Delete the given partitions of ``table`` and COPY the new rows, in the caller's transaction."""
    conn.execute(
        text(render_sql(_DELETE_PARTITIONS, table=table, column=partition_column)),
        {"values": list(partition_values)},
    )
    return copy_rows(conn, table, columns, rows)


def upsert(
    conn: Connection,
    table: str,
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    key_columns: Sequence[str],
    version_columns: Sequence[str] = (),
) -> int:
    """Insert or update rows by key; with ``version_columns`` a row only replaces an older-or-equal version.

    Duplicate keys inside the batch are collapsed first (newest version, else last loaded, wins), because
    ``ON CONFLICT DO UPDATE`` cannot touch the same row twice in one statement. Returns rows loaded.
    """
    temp = f"tmp_load_{next(_temp_counter)}"
    conn.exec_driver_sql(render_sql(_CREATE_TEMP, temp=temp, table=table))
    loaded = copy_rows(conn, temp, columns, rows)
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


def _escape(value: str) -> str:
    return (
        _UNSTORABLE.sub("\ufffd", value)
        .replace("\\", "\\\\")
        .replace("\t", "\\t")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
