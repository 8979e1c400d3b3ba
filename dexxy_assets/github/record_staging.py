"""Staging of a raw table that holds one payload per row (workflow runs, releases): parse the stored rows of
some days with a row parser and upsert them newest-wins (``updated_at``, then ``fetched_at``); no API call."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import lock_partitions, upsert
from resources.sql_template import render_sql

# (payload, repo_full_name, partition day, fetched_at, problems) -> a typed row, or None (counted)
RowParser = Callable[[Any, str, dt.date, dt.datetime, ProblemLog], dict[str, Any] | None]
_RAW = (
    "SELECT partition_date, repo_full_name, fetched_at, payload FROM {{ table | ident }} "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)


def stage_records(
    conn: Connection, days: list[dt.date], raw_table: str, staging_table: str, key: str, parse: RowParser
) -> Landed:
    lock_partitions(conn, raw_table, days)
    problems, per_day, rows = ProblemLog(), Counter[dt.date](), []
    for raw in conn.execute(text(render_sql(_RAW, table=raw_table)), {"days": days}):
        row = parse(raw.payload, raw.repo_full_name, raw.partition_date, raw.fetched_at, problems)
        if row is not None:
            rows.append(row)
            per_day[raw.partition_date] += 1
    if rows:
        upsert(conn, staging_table, list(rows[0]), rows, [key], ["updated_at", "fetched_at"])
    return Landed(rows=len(rows), per_day=per_day, problems=problems)
