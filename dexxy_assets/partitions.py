"""Daily UTC partitions shared by every dated asset, and weekly ones for rollups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dagster as dg

from resources.environment import dexxy_home, env_value

DEFAULT_HISTORY_DAYS = 90
START_DATE_FILE = "start_date"


class StartDateError(ValueError):
    """DEXXY_START_DATE is not an ISO date."""


def resolve_start_date(home: Path | None = None, today: dt.date | None = None) -> dt.date:
    """DEXXY_START_DATE, else the date remembered under DEXXY_HOME on first use (90 days back).

    Partition keys must not move from one day to the next, so the fallback is written down once and reused.
    """
    configured = env_value("DEXXY_START_DATE")
    if configured:
        try:
            return dt.date.fromisoformat(configured)
        except ValueError as exc:
            raise StartDateError(f"DEXXY_START_DATE={configured!r} is not a date: use YYYY-MM-DD") from exc
    marker = (home or dexxy_home()) / START_DATE_FILE
    try:
        return dt.date.fromisoformat(marker.read_text().strip())
    except (OSError, ValueError):
        pass
    start = (today or dt.datetime.now(dt.UTC).date()) - dt.timedelta(days=DEFAULT_HISTORY_DAYS)
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(start.isoformat() + "\n")
    except OSError:
        pass  # read-only home: the computed date still works for this process
    return start


def daily_partitions(start: dt.date) -> dg.DailyPartitionsDefinition:
    """UTC days from ``start``; ``end_offset=1`` so today's partition exists for webhook refreshes."""
    return dg.DailyPartitionsDefinition(start_date=start.isoformat(), timezone="UTC", end_offset=1)


def partition_dates(context: dg.AssetExecutionContext) -> list[dt.date]:
    """The days a (possibly multi-partition, single-run backfill) run covers."""
    return [dt.date.fromisoformat(key) for key in context.partition_keys]
