"""``ops.sync_log``: one row per asset materialization (when, how much, at what API cost), per skip and
failure of a sync, and per admin action, each with a level, its source, scope and entity, a message a
person reads and, for a failure, its classified code."""

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
                              status, rows_written, api_requests, api_points, problems, detail,
                              level, source, scope, entity, message, classified_code)
    VALUES (:run_id, :asset_key, :p_start, :p_end, :started_at, now(), :status, :rows, :requests, :points,
            :problems, CAST(:detail AS jsonb), :level, :source, :scope, :entity, :message, :code)
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
    source: str | None = None,
    scope: str | None = None,
    message: str | None = None,
    level: str = "info",
    code: str | None = None,
) -> None:
    """``detail`` adds to the API usage in the row's detail (e.g. why a source was unavailable). The
    asset key is also the row's entity."""
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
            "level": level,
            "source": source,
            "scope": scope,
            "entity": asset_key,
            "message": message,
            "code": code,
        },
    )


def record_event(
    conn: Connection,
    *,
    source: str,
    scope: str,
    status: str,
    message: str,
    level: str = "info",
    entity: str | None = None,
    code: str | None = None,
    run_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A row that is not a materialization: an admin action, a scope change, a skip or a failure."""
    now = dt.datetime.now(dt.UTC)
    conn.execute(
        _INSERT,
        {
            "run_id": run_id,
            "asset_key": entity,
            "p_start": None,
            "p_end": None,
            "started_at": now,
            "status": status,
            "rows": 0,
            "requests": 0,
            "points": 0,
            "problems": 0,
            "detail": json.dumps(detail or {}),
            "level": level,
            "source": source,
            "scope": scope,
            "entity": entity,
            "message": message,
            "code": code,
        },
    )
