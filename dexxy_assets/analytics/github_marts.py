"""The BI-facing GitHub and Copilot tables, each built from its SQL model in dbt_like_sql/marts; their
dependencies come from the models' ``source()`` and ``ref()`` calls."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

GITHUB_MARTS = (
    MartSpec(
        name="team_members",
        description="People of the organisation (GitHub org members, current and former).",
        preview_columns=["github_login", "name", "is_bot", "is_org_member"],
    ),
    MartSpec(
        name="pull_requests",
        description="One row per pull request in its current state, with the delivery metrics of "
        "docs/metrics.md: cycle time, review rounds, the coding / pickup / review / deploy phases, "
        "lead time.",
        preview_columns=["repository", "pr_number", "state", "author_login", "cycle_time_hours"],
    ),
    MartSpec(
        name="pr_reviews",
        description="One row per submitted review, flagged bot / self-review.",
        preview_columns=["repository", "pr_number", "reviewer_login", "state", "hours_after_pr_created"],
    ),
    MartSpec(
        name="commits",
        description="Commits of pull requests with their Co-authored-by trailers and AI traces.",
        preview_columns=["repository", "pr_number", "author_login", "message_headline"],
    ),
    MartSpec(
        name="pr_files",
        description="Files changed by pull requests, with a file category (docs/metrics.md).",
        preview_columns=["repository", "pr_number", "path", "file_category"],
    ),
    MartSpec(
        name="pr_check_runs",
        description="CI check runs on each pull request's head commit, with their duration.",
        preview_columns=["repository", "pr_number", "name", "conclusion", "duration_seconds"],
    ),
    MartSpec(
        name="pr_comments",
        description="Conversation and inline review comments on pull requests.",
        preview_columns=["repository", "pr_number", "comment_kind", "author_login", "created_at"],
    ),
    MartSpec(
        name="deployments",
        description="Deployments with outcome and change set (commits since the previous successful one).",
        preview_columns=["repository", "environment", "latest_state", "commits_count", "pull_requests_count"],
    ),
)


COPILOT_MARTS = (
    MartSpec(
        name="copilot_usage_daily",
        description="Copilot usage per organisation and day: active users, generations, acceptances and "
        "acceptance rate, lines, and the per IDE / feature / language breakdown.",
        preview_columns=["org", "day", "daily_active_users", "acceptance_rate", "loc_added_sum"],
    ),
    MartSpec(
        name="ai_usage_daily",
        description="AI tool usage per team member and day (source copilot), matched by GitHub id, then "
        "login.",
        preview_columns=["day", "github_login", "code_acceptance_activity_count", "acceptance_rate"],
    ),
)
