"""Weekly volume as a one-row frame for Great Expectations: rows of the last complete Monday-start UTC week
against the mean of the weeks before it. A sudden drop means a sync that silently lost data; a jump, a
duplicate load or a runaway bot."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, text

from dexxy_assets.checks.gx_suite import Expect, WeeklyVolume, expect
from resources.sql_template import render_sql

RATIO_COLUMN = "ratio_to_trailing_mean"
_WEEKLY_COUNTS = """
SELECT (date_trunc('week', {{ ts | ident }} AT TIME ZONE 'UTC'))::date AS week_start, count(*) AS row_count
FROM {{ table | ident }}
WHERE {{ ts | ident }} >= :since AND {{ ts | ident }} < :until
GROUP BY 1
"""
_FIRST_SYNCED_DAY = text(
    "SELECT min(partition_start) FROM ops.sync_log WHERE asset_key = :asset_key AND status = 'success'"
)


@dataclass(frozen=True)
class VolumeSample:
    week_start: dt.date
    row_count: int
    trailing_mean: float
    frame: pd.DataFrame  # one row; empty when there is nothing to compare with (see ``skipped``)
    skipped: str | None = None

    def expectation(self, volume: WeeklyVolume) -> Expect:
        return expect(
            "ExpectColumnValuesToBeBetween",
            column=RATIO_COLUMN,
            min_value=1 / volume.factor,
            max_value=volume.factor,
        )

    def as_metadata(self) -> dict[str, object]:
        if self.skipped:
            return {"week_start": self.week_start.isoformat(), "skipped": self.skipped}
        return {
            "week_start": self.week_start.isoformat(),
            "rows": self.row_count,
            "trailing_mean": round(self.trailing_mean, 2),
        }


def last_complete_week(until: dt.date) -> dt.date:
    """Monday of the latest Monday-start week that ends on or before ``until`` (exclusive end)."""
    return until - dt.timedelta(days=until.weekday()) - dt.timedelta(weeks=1)


def weekly_volume(conn: Connection, table: str, volume: WeeklyVolume, until: dt.date) -> VolumeSample:
    """Compare only weeks Dexxy synced whole: a week before the first synced day holds just the rows
    updated since (a 10-day demo's earlier weeks), so any comparison with it would be noise."""
    week = last_complete_week(until)
    first = week - dt.timedelta(weeks=volume.trailing_weeks)
    synced_from = conn.execute(_FIRST_SYNCED_DAY, {"asset_key": volume.synced_by.to_user_string()}).scalar()
    if synced_from is None or first < synced_from:
        source = volume.synced_by.to_user_string()
        reason = (
            f"{source} has not synced the {volume.trailing_weeks} weeks before {week} (from {synced_from})"
        )
        return VolumeSample(week, 0, 0.0, pd.DataFrame({RATIO_COLUMN: []}), skipped=reason)
    counts = {
        row.week_start: row.row_count
        for row in conn.execute(
            text(render_sql(_WEEKLY_COUNTS, ts=volume.timestamp_column, table=table)),
            {"since": _utc(first), "until": _utc(week + dt.timedelta(weeks=1))},
        )
    }
    trailing = [counts.get(first + dt.timedelta(weeks=i), 0) for i in range(volume.trailing_weeks)]
    mean = sum(trailing) / volume.trailing_weeks
    rows = counts.get(week, 0)
    if not mean:
        return VolumeSample(
            week, rows, 0.0, pd.DataFrame({RATIO_COLUMN: []}), skipped="no rows in the weeks before"
        )
    frame = pd.DataFrame({"week_start": [week], "row_count": [rows], RATIO_COLUMN: [rows / mean]})
    return VolumeSample(week_start=week, row_count=rows, trailing_mean=mean, frame=frame)


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
