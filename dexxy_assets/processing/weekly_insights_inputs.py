"""What the weekly insights are written from: per team and week, the weekly rollup (with the previous week's
for comparison), the team's DORA row, the sprints its people worked in, and the linkage rate.

Sprints have no team in Jira; a sprint belongs to a team's week when it ran during the week (started before
its end, not completed before its start) and holds an issue assigned to one of the team's people. Its
figures are the whole sprint's, not the team's share (docs/metrics.md "Weekly insights")."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, text

ROLLUP_FIGURES = (
    "members_count",
    "prs_opened",
    "prs_merged",
    "cycle_time_median_hours",
    "cycle_time_p75_hours",
    "coding_time_median_hours",
    "pickup_time_median_hours",
    "review_time_median_hours",
    "deploy_time_median_hours",
    "reviews_given",
    "review_rounds_avg",
    "comments_per_pr",
    "pr_size_median_lines",
    "ai_assisted_share",
    "copilot_active_days",
    "copilot_acceptance_rate",
    "jira_issues_completed",
    "story_points_completed",
    "linkage_rate",
)
DORA_FIGURES = (
    "deployments",
    "deployment_days",
    "lead_time_median_hours",
    "change_failure_rate",
    "recovery_median_hours",
    "deployment_frequency_band",
    "lead_time_band",
    "change_failure_band",
    "recovery_band",
)
SPRINT_FIGURES = (
    "name",
    "state",
    "committed_points",
    "added_points",
    "completed_points",
    "carried_over_issues",
    "completion_ratio",
)
# A week with none of these is no week to write about: no narrative is asked for it.
ACTIVITY = ("prs_opened", "prs_merged", "reviews_given", "jira_issues_completed")

_ROLLUPS = text(
    "SELECT * FROM analytics.weekly_team_rollup WHERE week_start = ANY(:weeks) ORDER BY week_start, team_key"
)
_DORA = text("SELECT * FROM analytics.dora_weekly WHERE grain = 'team' AND week_start = ANY(:weeks)")
_SPRINTS = text(
    "SELECT DISTINCT w.week_start, tm.team_key, s.* "
    "FROM unnest(CAST(:weeks AS date[])) AS w(week_start) "
    "JOIN analytics.jira_sprint_metrics AS s ON s.start_at < w.week_start + 7 "
    "  AND coalesce(s.complete_at, 'infinity') >= w.week_start "
    "JOIN analytics.jira_issues AS i ON s.sprint_id = ANY(i.sprint_ids) "
    "JOIN analytics.team_memberships AS tm ON tm.member_id = i.assignee_member_id "
    "ORDER BY w.week_start, tm.team_key, s.start_at, s.sprint_id"
)


def plain(value: Any) -> Any:
    """A JSON-ready figure: decimals as floats (rounded as stored), dates as ISO strings."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _figures(row: dict[str, Any] | None, names: Sequence[str]) -> dict[str, Any] | None:
    return None if row is None else {name: plain(row.get(name)) for name in names}


def is_active(rollup: dict[str, Any]) -> bool:
    return any((rollup.get(name) or 0) > 0 for name in ACTIVITY)


def weekly_inputs(conn: Connection, weeks: Sequence[dt.date]) -> dict[tuple[dt.date, str], dict[str, Any]]:
    """(week_start, team_key) → the figures the prompt is built from, for every team with a rollup row."""
    previous = [week - dt.timedelta(days=7) for week in weeks]
    rollups = {
        (r["week_start"], r["team_key"]): dict(r)
        for r in conn.execute(_ROLLUPS, {"weeks": [*weeks, *previous]}).mappings()
    }
    dora = {
        (r["week_start"], r["grain_key"]): dict(r)
        for r in conn.execute(_DORA, {"weeks": list(weeks)}).mappings()
    }
    sprints: dict[tuple[dt.date, str], list[dict[str, Any]]] = {}
    for r in conn.execute(_SPRINTS, {"weeks": list(weeks)}).mappings():
        sprints.setdefault((r["week_start"], r["team_key"]), []).append(
            _figures(dict(r), SPRINT_FIGURES) or {}
        )
    found: dict[tuple[dt.date, str], dict[str, Any]] = {}
    for (week, team), rollup in sorted(rollups.items()):
        if week not in weeks:
            continue
        found[(week, team)] = {
            "team": rollup["team_name"],
            "week_start": week.isoformat(),
            "this_week": _figures(rollup, ROLLUP_FIGURES),
            "previous_week": _figures(rollups.get((week - dt.timedelta(days=7), team)), ROLLUP_FIGURES),
            "dora": _figures(dora.get((week, team)), DORA_FIGURES),
            "sprints": sprints.get((week, team), []),
        }
    return found
