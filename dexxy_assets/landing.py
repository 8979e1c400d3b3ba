"""How every source lands what it fetched: daily raw partitions replaced whole, and snapshots replaced per
scope (an organisation, a Jira site) with their parsed rows merged into staging. One transaction each, the
caller's, so a killed run leaves the previous data whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from resources.bulk_load import replace_partitions, upsert
from resources.sql_template import render_sql

_RETIRE = "UPDATE {{ table | ident }} SET {{ flag | ident }} = false WHERE {{ scope | ident }} = ANY(:scopes)"


def land_partitions(
    conn: Connection,
    table: str,
    days: Sequence[dt.date],
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    within: Mapping[str, Sequence[Any]] | None = None,
    number_rows: bool | None = None,
) -> int:
    """Replace the days (``partition_date``) of a raw table with ``rows``, optionally only ``within`` a
    scope (e.g. one report kind of some organisations); return the rows written."""
    return replace_partitions(
        conn, table, "partition_date", days, columns, rows, within=within, number_rows=number_rows
    )


@dataclass(frozen=True)
class SnapshotTarget:
    """Where a snapshot lands: its raw table replaced per scope, then (optionally) its staging table.

    ``retire_flag`` names a staging boolean (``is_current``) set false for the scopes' rows before the new
    rows are merged, so what is no longer listed stays, flagged. ``version_columns`` keep a newer staged
    version from being overwritten by an older one."""

    raw_table: str
    scope_column: str
    raw_columns: tuple[str, ...]
    staging_table: str | None = None
    staging_key: tuple[str, ...] = ()
    version_columns: tuple[str, ...] = ()
    retire_flag: str | None = None


def land_snapshot(
    conn: Connection,
    target: SnapshotTarget,
    scopes: Sequence[str],
    raw_rows: Iterable[Mapping[str, Any]],
    staged_rows: Sequence[Mapping[str, Any]] = (),
) -> int:
    """Replace the scopes' raw rows and merge the staged rows; return the raw rows written."""
    written = replace_partitions(
        conn, target.raw_table, target.scope_column, scopes, target.raw_columns, raw_rows
    )
    if target.staging_table is None:
        return written
    if target.retire_flag:
        sql = render_sql(
            _RETIRE, table=target.staging_table, flag=target.retire_flag, scope=target.scope_column
        )
        conn.execute(text(sql), {"scopes": list(scopes)})
    if staged_rows:
        columns = list(staged_rows[0])
        upsert(conn, target.staging_table, columns, staged_rows, target.staging_key, target.version_columns)
    return written
