"""The bookkeeping every ingestion asset does at the end: problems and the sync log written in the load's
transaction, and the metadata shown on the materialization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import asset_metadata
from dexxy_assets.problems import ProblemLog
from dexxy_assets.sync_log import record_sync
from resources.github_usage import ApiUsage


def record_ingestion(
    conn: Connection,
    *,
    run_id: str,
    asset_key: dg.AssetKey,
    partitions: Sequence[dt.date],
    started_at: dt.datetime,
    rows: int,
    problems: ProblemLog,
    usage: ApiUsage | None,
    status: str = "success",
    detail: dict[str, Any] | None = None,
) -> None:
    key = asset_key.to_user_string()
    problems.save(conn, key, list(partitions) or None)
    record_sync(
        conn,
        run_id=run_id,
        asset_key=key,
        partitions=partitions,
        started_at=started_at,
        rows=rows,
        problems=problems.total,
        usage=usage,
        status=status,
        detail=detail,
    )


def ingestion_metadata(
    *, rows: int, schema: dg.TableSchema, problems: ProblemLog, usage: ApiUsage | None, **extra: Any
) -> dict[str, Any]:
    return {
        "dagster/row_count": rows,
        "dagster/column_schema": schema,
        **(asset_metadata.usage_metadata(usage) if usage else {}),
        **asset_metadata.problems_metadata(problems),
        **extra,
    }
