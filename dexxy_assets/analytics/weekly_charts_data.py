"""The figures the weekly charts and the one-page report show, read from the rollups and DORA marts: per team
and week the cycle-time phases (medians) and the AI-assisted share, DORA per month, the week's headline
numbers and its insights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

CHART_WEEKS = 12  # weeks of history in a chart, ending with the report's week
CHART_MONTHS = 6  # months of DORA history
MAX_TEAMS = 6  # teams drawn in a chart of all teams: the most active ones

_LATEST_WEEK = text("SELECT max(week_start) FROM analytics.weekly_team_rollup")
_WEEKS = text(
    "SELECT team_key, team_name, week_start, prs_merged, coding_time_median_hours, pickup_time_median_hours, "
    "review_time_median_hours, deploy_time_median_hours, ai_assisted_share "
    "FROM analytics.weekly_team_rollup "
    "WHERE week_start > :week - :weeks * 7 AND week_start <= :week "
    "AND (CAST(:team AS text) IS NULL OR team_key = :team) "
    "ORDER BY team_key, week_start"
)
_DORA = text(
    "SELECT grain_key, month_start, deployments, lead_time_median_hours, change_failure_rate, "
    "recovery_median_hours FROM analytics.dora_monthly "
    "WHERE grain = :grain AND (CAST(:key AS text) IS NULL OR grain_key = :key) "
    "AND month_start > CAST(:week AS date) - make_interval(months => :months) AND month_start <= :week "
    "ORDER BY grain_key, month_start"
)
_HEADLINES = text(
    "SELECT r.team_key, r.team_name, r.members_count, r.prs_opened, r.prs_merged, r.cycle_time_median_hours, "
    "r.reviews_given, r.ai_assisted_share, r.linkage_rate, d.deployments, d.change_failure_rate, "
    "i.headline, i.observations, i.suggested_focus "
    "FROM analytics.weekly_team_rollup AS r "
    "LEFT JOIN analytics.dora_weekly AS d ON d.grain = 'team' AND d.grain_key = r.team_key "
    "  AND d.week_start = r.week_start "
    "LEFT JOIN analytics.weekly_insights AS i ON i.team_key = r.team_key AND i.week_start = r.week_start "
    "WHERE r.week_start = :week AND (CAST(:team AS text) IS NULL OR r.team_key = :team) "
    "ORDER BY r.prs_merged DESC, r.team_name"
)
_TEAM = text(
    "SELECT team_key, name FROM analytics.teams WHERE team_key = :team OR name = :team OR slug = :team "
    "ORDER BY team_key LIMIT 1"
)


@dataclass(frozen=True)
class TeamWeeks:
    """One team's weeks, oldest first: each a dict of the rollup's columns."""

    team_key: str
    team_name: str
    weeks: list[dict[str, Any]]

    @property
    def merged(self) -> int:
        return sum(w["prs_merged"] or 0 for w in self.weeks)


@dataclass(frozen=True)
class ChartData:
    """What the three charts draw for the weeks up to ``week`` (a team's, or every team's)."""

    week: dt.date
    teams: list[TeamWeeks]
    dora_grain: str  # 'team' for one team's charts, 'organisation' for all teams'
    dora: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # grain key → months, oldest first

    @property
    def empty(self) -> bool:
        return not self.teams and not self.dora


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def latest_week(conn: Connection) -> dt.date | None:
    return conn.execute(_LATEST_WEEK).scalar_one()


def resolve_team(conn: Connection, team: str) -> tuple[str, str] | None:
    """(team_key, name) of a team given by key, name or slug."""
    row = conn.execute(_TEAM, {"team": team}).one_or_none()
    return None if row is None else (row.team_key, row.name)


def chart_data(conn: Connection, week: dt.date, team_key: str | None = None) -> ChartData:
    """The charts' figures up to ``week``'s Monday; without a team, the ``MAX_TEAMS`` teams merging most
    (teams that merged nothing in these weeks are left out)."""
    week = monday(week)
    by_team: dict[str, TeamWeeks] = {}
    for row in conn.execute(_WEEKS, {"week": week, "weeks": CHART_WEEKS, "team": team_key}).mappings():
        team = by_team.setdefault(row["team_key"], TeamWeeks(row["team_key"], row["team_name"], []))
        team.weeks.append(dict(row))
    active = [t for t in by_team.values() if team_key or t.merged]  # an all-teams chart skips idle teams
    teams = sorted(active, key=lambda t: (-t.merged, t.team_name))[:MAX_TEAMS]
    grain = "team" if team_key else "organisation"
    dora: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(_DORA, {"grain": grain, "key": team_key, "week": week, "months": CHART_MONTHS}):
        dora.setdefault(row.grain_key, []).append(dict(row._mapping))
    return ChartData(week, sorted(teams, key=lambda t: t.team_name), grain, dora)


def week_headlines(conn: Connection, week: dt.date, team_key: str | None = None) -> list[dict[str, Any]]:
    """Per team, the week's headline numbers and its insight (when one was written)."""
    return [dict(r) for r in conn.execute(_HEADLINES, {"week": monday(week), "team": team_key}).mappings()]
