"""One row per asset materialization in ops.sync_log: when, how much, at what API cost."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

from resources.http.usage import ApiUsage

_INSERT = text(
    """
    INSERT INTO ops.sync_log (run_id, asset_key, partition_start, partition_end, started_at, finished_at,
                              status, rows_written, api_requests, api_points, problems, detail)
    VALUES (:run_id, :asset_key, :p_start, :p_end, :started_at, now(), :status, :rows, :requests, :points,
            :problems, CAST(:detail AS jsonb))
    """
)


def record_sync(
    conn: Connection,
    *,
    run_id: str,
    asset_key: str,
    partitions: Sequence[dt.date],
    started_at: dt.datetime,
    rows: int,
    problems: int,
    usage: ApiUsage | None = None,
    status: str = "success",
    detail: dict[str, Any] | None = None,
) -> None:
    """``detail`` adds to the API usage in the row's detail (e.g. why a source was unavailable)."""
    conn.execute(
        _INSERT,
        {
            "run_id": run_id,
            "asset_key": asset_key,
            "p_start": min(partitions) if partitions else None,
            "p_end": max(partitions) if partitions else None,
            "started_at": started_at,
            "status": status,
            "rows": rows,
            "requests": usage.requests if usage else 0,
            "points": usage.graphql_points if usage else 0,
            "problems": problems,
            "detail": json.dumps({**(usage.as_metadata() if usage else {}), **(detail or {})}),
        },
    )
