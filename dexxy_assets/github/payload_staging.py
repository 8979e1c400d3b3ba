"""The staging step of raw tables that hold one payload per row (issues, discussions and their comments,
workflow runs, releases): each raw row of some days is parsed into a typed row and merged newest-wins
(``updated_at``, then ``fetched_at``) into its staging table; no API call.

One builder for every such step, driven by a ``PayloadStaging`` with a ``StagedTable`` per staging table.
Memory stays flat however many rows a window holds: raw is read through a server-side cursor and the parsed
rows are merged ``BATCH_ROWS`` at a time, each batch gathered whole before its COPY starts (a cursor on the
connection cannot answer while a COPY is in flight). All batches run in the caller's transaction, so a killed
run leaves the previous staging whole. Merging batch after batch gives what one merge of every row would: a
row replaces an older-or-equal version, so the newest wins and, between equal versions, the one read last.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
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

Row = dict[str, Any]
# (the raw columns a ``StagedTable`` names, in its order, then problems) -> a typed row, or None (counted)
RowParser = Callable[..., Row | None]
# what a step does once every table is merged (in the same transaction): counts shown in the metadata
Finish = Callable[[Connection, list[dt.date]], dict[str, int]]

BATCH_ROWS = 2_000  # parsed rows merged at a time, held as COPY lines: a few MB whatever the window
# raw read through a server-side cursor 100 rows at a time: an issue with its timeline is some 8 kB of JSON,
# several times that parsed (set per statement: on the connection it would also apply to the merges)
_STREAMED = {"stream_results": True, "max_row_buffer": 100}
_RAW = (
    "SELECT {{ columns | ident_list }} FROM {{ table | ident }} "
    "WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)
# what every step's parsers lean on besides their own files (paths relative to dexxy_assets/)
SHARED_PARSER_FILES = ("github/payload_staging.py", "payload_fields.py", "problems.py")
VERSION_COLUMNS = ("updated_at", "fetched_at")


@dataclass(frozen=True)
class StagedTable:
    """One staging table filled from one raw table: each raw row parsed by ``parse(*its args, problems)``,
    merged by ``key``."""

    name: str  # its count in the metadata (the step's first table counts as the step's rows)
    raw_table: str
    staging_table: str
    key: str
    parse: RowParser
    args: tuple[str, ...]  # the raw columns ``parse`` takes, in its order


@dataclass(frozen=True)
class PayloadStaging:
    """One staging step: its tables staged in order, then ``finish``; its code version hashes
    ``parser_files`` (relative to dexxy_assets/), so a parser change re-stages this step alone."""

    key: dg.AssetKey
    deps: tuple[dg.AssetKey, ...]
    tables: tuple[StagedTable, ...]
    parser_files: tuple[str, ...]
    description: str
    finish: Finish | None = None

    @property
    def code_version(self) -> str:
        return parser_version(*self.parser_files, *SHARED_PARSER_FILES)


def build_payload_staged_asset(
    step: PayloadStaging, partitions: dg.PartitionsDefinition
) -> dg.AssetsDefinition:
    def stage(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
        return stage_payloads(conn, days, step)

    return build_staging_asset(
        SETTINGS,
        partitions,
        key=step.key,
        tables=[table.staging_table for table in step.tables],
        deps=list(step.deps),
        description=step.description,
        parser_version=step.code_version,
        stage=stage,
    )


def stage_payloads(conn: Connection, days: list[dt.date], step: PayloadStaging) -> Landed:
    """Stage the raw rows of ``days``: the first table's rows per day are the step's, the other tables' counts
    and ``finish``'s are shown once."""
    lock_partitions(conn, step.tables[0].raw_table, days)
    problems, per_day = ProblemLog(), Counter[dt.date]()
    first, *others = step.tables
    rows = stage_table(conn, days, first, problems, per_day)
    run_wide = {table.name: stage_table(conn, days, table, problems, Counter()) for table in others}
    if step.finish is not None:
        run_wide.update(step.finish(conn, days))
    return Landed(rows=rows, per_day=per_day, problems=problems, run_wide=run_wide)


def stage_table(
    conn: Connection, days: list[dt.date], table: StagedTable, problems: ProblemLog, per_day: Counter[dt.date]
) -> int:
    """Parse ``table``'s raw rows of ``days`` and merge them; count the staged rows per partition day."""
    sql = text(render_sql(_RAW, table=table.raw_table, columns=["partition_date", *table.args]))

    def parsed() -> Iterator[Row]:
        for day, *args in conn.execute(sql, {"days": list(days)}, execution_options=_STREAMED):
            row = table.parse(*args, problems)
            if row is not None:
                per_day[day] += 1
                yield row

    return upsert_batches(conn, table.staging_table, parsed(), table.key)


def upsert_batches(conn: Connection, table: str, rows: Iterator[Row], key: str) -> int:
    """Merge ``rows`` newest-wins by ``key``, ``BATCH_ROWS`` at a time (each batch is encoded whole before
    its COPY, so ``rows`` may be read from a cursor on ``conn``); return how many were merged."""
    merged = 0
    while (head := next(rows, None)) is not None:
        batch = itertools.chain([head], itertools.islice(rows, BATCH_ROWS - 1))
        merged += upsert(conn, table, list(head), batch, [key], VERSION_COLUMNS)
    return merged
