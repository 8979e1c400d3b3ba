"""The team tables and the weekly rollups built on them. Their dependencies come from their models'
``source()`` and ``ref()`` calls."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

TEAM_MARTS = (
    MartSpec(
        name="teams",
        description="Teams: GitHub organisation teams (nested ones name their parent) and the teams of the "
        "teams file (DEXXY_TEAMS_FILE).",
        preview_columns=["team_key", "name", "parent_team_key", "source"],
    ),
    MartSpec(
        name="team_memberships",
        description="Who is in which team; a person may be in several teams, and a child team's members "
        "are in its parent too.",
        preview_columns=["team_key", "github_login", "role", "source"],
    ),
    MartSpec(
        name="weekly_member_rollup",
        description="Per person and week (Monday, UTC; bots excluded): pull requests opened and merged, "
        "median and p75 of cycle, coding, pickup, review and deploy times, reviews given, review rounds, "
        "comments, size, AI-assisted share, Copilot active days and acceptance, Jira work, linkage rate.",
        preview_columns=["week_start", "github_login", "prs_merged", "cycle_time_median_hours"],
    ),
    MartSpec(
        name="weekly_team_rollup",
        description="Per team and week (Monday, UTC): the weekly_member_rollup metrics over the team's "
        "current members (bots excluded; a person in two teams counts in each); empty weeks are rows of "
        "zeros.",
        preview_columns=["week_start", "team_name", "prs_merged", "cycle_time_median_hours"],
    ),
    MartSpec(
        name="copilot_impact_weekly",
        description="Per team and week: Copilot adoption tier (share of seats active) beside median cycle "
        "time and change failure rate, and AI-assisted vs other merged pull requests (cycle time, size, "
        "review rounds, revert rate, comments).",
        preview_columns=["week_start", "team_name", "adoption_tier", "cycle_time_median_hours"],
    ),
)
