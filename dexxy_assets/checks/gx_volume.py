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


@dataclass(frozen=True)
class VolumeSample:
    week_start: dt.date
    row_count: int
    trailing_mean: float
    frame: pd.DataFrame  # one row; empty when the trailing weeks hold no rows (nothing to compare with)

    def expectation(self, volume: WeeklyVolume) -> Expect:
        return expect(
            "ExpectColumnValuesToBeBetween",
            column=RATIO_COLUMN,
            min_value=1 / volume.factor,
            max_value=volume.factor,
        )

    def as_metadata(self) -> dict[str, object]:
        return {
            "week_start": self.week_start.isoformat(),
            "rows": self.row_count,
            "trailing_mean": round(self.trailing_mean, 2),
        }


def last_complete_week(until: dt.date) -> dt.date:
    """Monday of the latest Monday-start week that ends on or before ``until`` (exclusive end)."""
    return until - dt.timedelta(days=until.weekday()) - dt.timedelta(weeks=1)


def weekly_volume(conn: Connection, table: str, volume: WeeklyVolume, until: dt.date) -> VolumeSample:
    week = last_complete_week(until)
    first = week - dt.timedelta(weeks=volume.trailing_weeks)
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
    compared = {"week_start": [week], "row_count": [rows], RATIO_COLUMN: [rows / mean]} if mean else {}
    frame = pd.DataFrame(compared or {RATIO_COLUMN: []})
    return VolumeSample(week_start=week, row_count=rows, trailing_mean=mean, frame=frame)


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
