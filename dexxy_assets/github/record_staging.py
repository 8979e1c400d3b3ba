"""Staging of a raw table that holds one payload per row (workflow runs, releases): parse the stored rows of
some days with a row parser and upsert them newest-wins (``updated_at``, then ``fetched_at``); no API call.

One builder for every such step, driven by a ``RecordStaging`` table; each step's code version hashes its
own row parser's file, so changing the release parser re-stages releases and nothing else."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.parser_version import parser_version
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.problems import ProblemLog
from dexxy_assets.staging_asset import build_staging_asset
from resources.bulk_load import lock_partitions, upsert
from resources.sql_template import render_sql

# (payload, repo_full_name, partition day, fetched_at, problems) -> a typed row, or None (counted)
RowParser = Callable[[Any, str, dt.date, dt.datetime, ProblemLog], dict[str, Any] | None]
_RAW = (
    "SELECT partition_date, repo_full_name, fetched_at, payload FROM {{ table | ident }} "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)


# what every row parser leans on besides its own file (paths relative to dexxy_assets/)
_SHARED_PARSER_FILES = ("github/record_staging.py", "payload_fields.py", "problems.py")


@dataclass(frozen=True)
class RecordStaging:
    """One staging step: ``raw_table``'s payloads parsed by ``parse`` into ``staging_table``."""

    key: dg.AssetKey
    raw_key: dg.AssetKey
    raw_table: str
    staging_table: str
    id_column: str
    parse: RowParser
    parser_file: str  # the module of ``parse``, relative to dexxy_assets/
    description: str

    @property
    def code_version(self) -> str:
        return parser_version(self.parser_file, *_SHARED_PARSER_FILES)


def build_record_staged_asset(
    staging: RecordStaging, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    def stage(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
        return stage_records(
            conn, days, staging.raw_table, staging.staging_table, staging.id_column, staging.parse
        )

    return build_staging_asset(
        SETTINGS,
        partitions,
        key=staging.key,
        tables=[staging.staging_table],
        deps=[staging.raw_key],
        description=staging.description,
        parser_version=staging.code_version,
        stage=stage,
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
