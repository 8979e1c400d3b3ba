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
)
