"""The partitions of an incremental mart (UTC days, or weeks starting Monday) and the window of a run."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dexxy_assets.analytics.materializations import Window
from dexxy_assets.partitions import daily_partitions


def mart_partitions(grain: str, start: dt.date) -> dg.TimeWindowPartitionsDefinition:
    """``day``: the daily partitions every dated asset shares. ``week``: Monday-start UTC weeks, the first one
    the week holding ``start``; the current week exists (``end_offset=1``) as today's day does."""
    if grain == "day":
        return daily_partitions(start)
    if grain == "week":
        monday = start - dt.timedelta(days=start.weekday())
        return dg.WeeklyPartitionsDefinition(
            start_date=monday.isoformat(), day_offset=1, timezone="UTC", end_offset=1
        )
    raise ValueError(f"no partitions for grain {grain!r}: day or week")


def run_window(partitions: dg.TimeWindowPartitionsDefinition, window: dg.TimeWindow) -> Window:
    """The model's window for a run over ``window`` (one partition or a single-run backfill's range): the
    first partition's is open at the start (older rows belong to it) and the latest's open at the end."""
    first = partitions.get_first_partition_window()
    last = partitions.get_last_partition_window()
    return Window(
        start=None if first is None or window.start <= first.start else window.start,
        end=None if last is None or window.end >= last.end else window.end,
    )
