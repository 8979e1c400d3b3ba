"""The BI-facing GitHub tables, each built from its SQL model in dbt_like_sql/marts."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.mart_asset import MartSpec, build_mart_asset
from dexxy_assets.github.pull_request_assets import COMMITS_KEY, PULL_REQUESTS_KEY, REVIEWS_KEY
from dexxy_assets.github.snapshot_assets import MEMBERS_KEY

GITHUB_MARTS = (
    MartSpec(
        name="team_members",
        description="People of the organisation (GitHub org members, current and former).",
        deps=[MEMBERS_KEY],
        preview_columns=["github_login", "name", "is_bot", "is_org_member"],
    ),
    MartSpec(
        name="pull_requests",
        description="One row per pull request in its current state, with cycle time (docs/metrics.md).",
        deps=[PULL_REQUESTS_KEY, REVIEWS_KEY],
        preview_columns=["repository", "pr_number", "state", "author_login", "cycle_time_hours"],
    ),
    MartSpec(
        name="pr_reviews",
        description="One row per submitted review, flagged bot / self-review.",
        deps=[REVIEWS_KEY, PULL_REQUESTS_KEY],
        preview_columns=["repository", "pr_number", "reviewer_login", "state", "hours_after_pr_created"],
    ),
    MartSpec(
        name="commits",
        description="Commits of pull requests with their Co-authored-by trailers.",
        deps=[COMMITS_KEY],
        preview_columns=["repository", "pr_number", "author_login", "message_headline"],
    ),
)


def build_github_marts() -> list[dg.AssetsDefinition]:
    return [build_mart_asset(spec) for spec in GITHUB_MARTS]
