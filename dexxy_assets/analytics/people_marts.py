"""The tables where the sources' identities meet: one row per person, with the account each source knows
them by (GitHub login, Jira account id, and how each was matched). Not a source's own mart, because a
person spans sources: a source publishes its identity tables and this model joins them."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

PEOPLE_MARTS = (
    MartSpec(
        name="team_members",
        description="People of the organisation (GitHub org members, current and former), with the "
        "Jira account each is matched to and how.",
        preview_columns=["github_login", "name", "is_bot", "is_org_member"],
    ),
)
