"""The partitions of an incremental mart (UTC days; weeks starting Monday for a weekly partitions definition)
and the window of a run, widened to the whole weeks or months of a weekly or monthly model."""

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


def asset_partitions(start: dt.date) -> dg.TimeWindowPartitionsDefinition:
    """The partitions of an incremental mart's asset: the shared daily ones, whatever the model's grain.
    One Dagster run holds one partitions definition, and a `dexxy run` or a test materializes every asset
    over one range of days; a weekly or monthly model widens each run's window to whole periods instead
    (``run_window``)."""
    return daily_partitions(start)


def run_window(
    partitions: dg.TimeWindowPartitionsDefinition, window: dg.TimeWindow, grain: str = "day"
) -> Window:
    """The model's window for a run over ``window`` (one partition or a single-run backfill's range),
    widened to whole weeks (Monday, UTC) or months for a model of that grain, since its rows aggregate
    whole periods: the first partition's is open at the start (older rows belong to it) and the latest's
    open at the end."""
    first = partitions.get_first_partition_window()
    last = partitions.get_last_partition_window()
    return Window(
        start=None if first is None or window.start <= first.start else period_start(window.start, grain),
        end=None if last is None or window.end >= last.end else period_end(window.end, grain),
    )


def period_start(at: dt.datetime, grain: str) -> dt.datetime:
    """The start (UTC midnight) of the day, Monday-start week or month holding ``at``."""
    day = at.astimezone(dt.UTC).date()
    if grain == "week":
        day -= dt.timedelta(days=day.weekday())
    elif grain == "month":
        day = day.replace(day=1)
    elif grain != "day":
        raise ValueError(f"no periods of grain {grain!r}: day, week or month")
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def period_end(at: dt.datetime, grain: str) -> dt.datetime:
    """The end of the period that holds the instant just before ``at``: ``at`` itself on a boundary."""
    start = period_start(at - dt.timedelta(microseconds=1), grain)
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(weeks=1)
    return (start + dt.timedelta(days=32)).replace(day=1)
