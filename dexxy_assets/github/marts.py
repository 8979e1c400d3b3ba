"""The BI-facing GitHub tables, each built from its SQL model in dbt_like_sql/marts; their dependencies
come from the models' ``source()`` and ``ref()`` calls."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

GITHUB_MARTS = (
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
    MartSpec(
        name="github_issues",
        description="One row per GitHub issue (by node id: a transferred issue is one row), with bug and "
        "incident flags (DEXXY_BUG_LABELS, DEXXY_INCIDENT_LABELS), time to close, reopenings and the pull "
        "request that closed it.",
        preview_columns=["repository", "issue_number", "state", "is_incident", "time_to_close_hours"],
    ),
    MartSpec(
        name="github_discussions",
        description="One row per GitHub discussion, with category, answer and response times; a deleted "
        "one stays as last seen, flagged.",
        preview_columns=["repository", "discussion_number", "category", "is_answered", "is_deleted"],
    ),
    MartSpec(
        name="member_activity_daily",
        description="A person's activity per UTC day: pull requests opened and merged, reviews, comments, "
        "commits, issues opened and closed, issue comments, discussions and discussion comments.",
        preview_columns=["activity_date", "github_login", "prs_opened", "reviews", "total_actions"],
    ),
)
