"""The BI-facing GitHub tables, each built from its SQL model in dbt_like_sql/marts."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.mart_asset import MartSpec, build_mart_asset
from dexxy_assets.copilot.copilot_assets import ORG_USAGE_KEY, USER_USAGE_KEY
from dexxy_assets.github.deployment_assets import DEPLOYMENTS_KEY
from dexxy_assets.github.pull_request_assets import (
    CHECK_RUNS_KEY,
    COMMENTS_KEY,
    COMMITS_KEY,
    FILES_KEY,
    PULL_REQUESTS_KEY,
    REVIEWS_KEY,
)
from dexxy_assets.github.snapshot_assets import MEMBERS_KEY
from dexxy_assets.processing.ai_detection_asset import PR_AI_DETECTION_KEY
from dexxy_assets.processing.llm_summary_asset import PR_LLM_SUMMARIES_KEY

GITHUB_MARTS = (
    MartSpec(
        name="team_members",
        description="People of the organisation (GitHub org members, current and former).",
        deps=[MEMBERS_KEY, COMMITS_KEY],  # commit e-mails match people to Jira accounts
        preview_columns=["github_login", "name", "is_bot", "is_org_member"],
    ),
    MartSpec(
        name="pull_requests",
        description="One row per pull request in its current state, with the delivery metrics of "
        "docs/metrics.md: cycle time, review rounds, the coding / pickup / review / deploy phases, "
        "lead time.",
        deps=[
            PULL_REQUESTS_KEY,
            REVIEWS_KEY,
            COMMITS_KEY,
            COMMENTS_KEY,
            DEPLOYMENTS_KEY,
            PR_AI_DETECTION_KEY,
            PR_LLM_SUMMARIES_KEY,
        ],
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
        description="Commits of pull requests with their Co-authored-by trailers and AI traces.",
        deps=[COMMITS_KEY, PR_AI_DETECTION_KEY],
        preview_columns=["repository", "pr_number", "author_login", "message_headline"],
    ),
    MartSpec(
        name="pr_files",
        description="Files changed by pull requests, with a file category (docs/metrics.md).",
        deps=[FILES_KEY],
        preview_columns=["repository", "pr_number", "path", "file_category"],
    ),
    MartSpec(
        name="pr_check_runs",
        description="CI check runs on each pull request's head commit, with their duration.",
        deps=[CHECK_RUNS_KEY],
        preview_columns=["repository", "pr_number", "name", "conclusion", "duration_seconds"],
    ),
    MartSpec(
        name="pr_comments",
        description="Conversation and inline review comments on pull requests.",
        deps=[COMMENTS_KEY, PULL_REQUESTS_KEY],
        preview_columns=["repository", "pr_number", "comment_kind", "author_login", "created_at"],
    ),
    MartSpec(
        name="deployments",
        description="Deployments with outcome and change set (commits since the previous successful one).",
        deps=[DEPLOYMENTS_KEY, PULL_REQUESTS_KEY],
        preview_columns=["repository", "environment", "latest_state", "commits_count", "pull_requests_count"],
    ),
)


COPILOT_MARTS = (
    MartSpec(
        name="copilot_usage_daily",
        description="Copilot usage per organisation and day: active users, generations, acceptances and "
        "acceptance rate, lines, and the per IDE / feature / language breakdown.",
        deps=[ORG_USAGE_KEY],
        preview_columns=["org", "day", "daily_active_users", "acceptance_rate", "loc_added_sum"],
    ),
    MartSpec(
        name="ai_usage_daily",
        description="AI tool usage per team member and day (source copilot), matched by GitHub id, then "
        "login.",
        deps=[USER_USAGE_KEY, dg.AssetKey(["analytics", "team_members"])],
        preview_columns=["day", "github_login", "code_acceptance_activity_count", "acceptance_rate"],
    ),
)


def build_github_marts() -> list[dg.AssetsDefinition]:
    return [build_mart_asset(spec) for spec in (*GITHUB_MARTS, *COPILOT_MARTS)]
