"""The Jira analytics tables. Their dependencies come from their models' ``source()`` and ``ref()`` calls."""

from __future__ import annotations

from dexxy_assets.analytics.mart_asset import MartSpec

JIRA_MARTS = (
    MartSpec(
        name="jira_users",
        description="Jira users with the team member each is matched to (by e-mail, then normalised display "
        "name; the method recorded), unmatched people kept.",
        preview_columns=["display_name", "match_method"],
    ),
    MartSpec(
        name="jira_issue_status_periods",
        description="Each span an issue spent in one status, from its changelog.",
        preview_columns=["issue_key", "status", "started_at", "hours"],
    ),
    MartSpec(
        name="jira_issues",
        description="One row per Jira issue: type, status and category, people, story points, epic, "
        "sprints, hours per status, cycle time (first in progress → done), lead time (created → resolved).",
        preview_columns=["issue_key", "issue_type", "status", "story_points"],
    ),
    MartSpec(
        name="jira_sprints",
        description="Jira sprints with their board, dates and state.",
        preview_columns=["name", "state", "board_name"],
    ),
    MartSpec(
        name="jira_sprint_metrics",
        description="Per sprint: committed vs completed issues and points, scope added after the start, "
        "carry-over and the completion ratio.",
        preview_columns=["name", "committed_issues", "completed_issues", "completion_ratio"],
    ),
    MartSpec(
        name="jira_worklogs",
        description="Time logged on Jira issues, by person and day.",
        preview_columns=["issue_key", "started_at", "hours"],
    ),
    MartSpec(
        name="pr_jira_links",
        description="Each pull request's Jira keys (title, branch, body) joined to the issues.",
        preview_columns=["pr_id", "jira_key"],
    ),
    MartSpec(
        name="jira_linkage_weekly",
        description="Share of pull requests naming a Jira issue, per repository and week.",
        preview_columns=["repository", "week_start", "linkage_rate"],
    ),
)
