"""The bookkeeping every ingestion asset does at the end: problems and the sync log written in the load's
transaction, and the metadata shown on its materializations.

A single-run backfill over N days records N materializations per asset. Each one carries only what is true
of its own day (its rows, its problems); what describes the run (API usage, the schema, totals, the fetch
mode) goes once, on the newest day's materialization, which is the one the UI shows as the latest. Metadata
on the ``MaterializeResult`` itself would be copied into every day's event: cost growing with the square of
the range.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import asset_metadata
from dexxy_assets.problems import ProblemLog
from dexxy_assets.sync_log import record_sync
from resources.http.usage import ApiUsage


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
    source: str | None = None,
    scope: str | None = None,
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
        source=source,
        scope=scope,
        message=f"{rows} rows landed"
        + (f", {problems.total} problems kept in raw" if problems.total else ""),
    )


def ingestion_metadata(*, schema: dg.TableSchema, usage: ApiUsage | None, **extra: Any) -> dict[str, Any]:
    """What describes a whole ingestion run: its schema, its API usage and anything the asset adds."""
    return {
        "dagster/column_schema": schema,
        **(asset_metadata.usage_metadata(usage) if usage else {}),
        **extra,
    }


def report_materialization(
    context: dg.AssetExecutionContext,
    asset_key: dg.AssetKey,
    *,
    rows_per_day: Mapping[dt.date, int],
    problems: ProblemLog | None,
    run_wide: Mapping[str, Any],
    per_day: Mapping[dt.date, Mapping[str, Any]] | None = None,
    total_rows: int | None = None,
    check_results: Sequence[dg.AssetCheckResult] = (),
) -> dg.MaterializeResult:
    """The asset's materialization: per day its own rows and problems (plus ``per_day`` extras); the
    run-wide detail and the run's totals once, on the newest day.

    ``total_rows`` defaults to the sum of ``rows_per_day``; ``problems`` is None for an asset that
    counts none (no problem metadata then)."""
    total = sum(rows_per_day.values()) if total_rows is None else total_rows
    keys = context.partition_keys
    problems_per_day = asset_metadata.problems_per_day(problems) if problems else {}
    for key in keys:
        day = dt.date.fromisoformat(key)
        metadata = {
            **({"dagster/row_count": rows_per_day[day]} if rows_per_day.get(day) else {}),
            **(_problems(problems, problems_per_day[day]) if day in problems_per_day else {}),
            **((per_day or {}).get(day) or {}),
        }
        if key == keys[-1]:
            metadata |= {
                "partitions": len(keys),
                "rows_in_run": total,
                **{f"{name}_in_run": value for name, value in _problems(problems, None).items()},
                **run_wide,
            }
        if metadata:  # Dagster copies its whole per-partition table on every call: only days with news
            context.add_asset_metadata(metadata, asset_key=asset_key, partition_key=key)
    # what an empty, clean day says; every day's event starts from it and days with rows override it
    return dg.MaterializeResult(
        asset_key=asset_key,
        metadata={"dagster/row_count": 0, **_problems(problems, {})},
        check_results=list(check_results),
    )


def snapshot_report(
    asset_key: dg.AssetKey,
    *,
    rows: int,
    problems: ProblemLog,
    schema: dg.TableSchema,
    usage: ApiUsage | None,
    check_results: Sequence[dg.AssetCheckResult] = (),
    **extra: Any,
) -> dg.MaterializeResult:
    """An unpartitioned (snapshot) asset has one event: its rows, problems and the run's detail together."""
    return dg.MaterializeResult(
        asset_key=asset_key,
        metadata={
            "dagster/row_count": rows,
            **_problems(problems, None),
            **ingestion_metadata(schema=schema, usage=usage, **extra),
        },
        check_results=list(check_results),
    )


def _problems(problems: ProblemLog | None, of_day: Mapping[str, int] | None) -> dict[str, Any]:
    """``problems`` and ``problems_by_kind`` of one day (``of_day``) or of the whole log (None)."""
    if problems is None:
        return {}
    by_kind = problems.by_problem() if of_day is None else of_day
    return asset_metadata.problems_metadata(sum(by_kind.values()), by_kind)
