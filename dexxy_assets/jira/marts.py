"""The Jira analytics tables. Each mart's deps are the assets that land the tables its model reads
(``source()``) and the marts it ``ref()``s: staging.jira_users/statuses ← jira/users, staging.jira_sprints ←
jira/sprints, staging.jira_issues/_issue_changes/_worklogs/_sprint_issues and processing.pr_jira_keys ←
jira/issues_staged; the GitHub staging tables ← their GitHub assets."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.mart_asset import MartSpec, build_mart_asset
from dexxy_assets.jira.issue_assets import STAGED_KEY
from dexxy_assets.jira.snapshot_assets import SPRINTS_KEY, USERS_KEY

# GitHub's assets, by key (a Jira mart reads their staging tables; no import of the GitHub package)
_GITHUB_MEMBERS = dg.AssetKey(["github", "members"])
_GITHUB_COMMITS = dg.AssetKey(["github", "commits"])
_GITHUB_PULL_REQUESTS = dg.AssetKey(["github", "pull_requests"])


def _mart(name: str) -> dg.AssetKey:
    return dg.AssetKey(["analytics", name])


JIRA_MARTS = (
    MartSpec(
        name="jira_users",
        description="Jira users with the team member each is matched to (by e-mail, then normalised display "
        "name; the method recorded), unmatched people kept.",
        deps=[USERS_KEY, _GITHUB_MEMBERS, _GITHUB_COMMITS],
        preview_columns=["display_name", "match_method"],
    ),
    MartSpec(
        name="jira_issue_status_periods",
        description="Each span an issue spent in one status, from its changelog.",
        deps=[STAGED_KEY, USERS_KEY],
        preview_columns=["issue_key", "status", "started_at", "hours"],
    ),
    MartSpec(
        name="jira_issues",
        description="One row per Jira issue: type, status and category, people, story points, epic, "
        "sprints, hours per status, cycle time (first in progress → done), lead time (created → resolved).",
        deps=[STAGED_KEY, SPRINTS_KEY, _mart("jira_issue_status_periods"), _mart("jira_users")],
        preview_columns=["issue_key", "issue_type", "status", "story_points"],
    ),
    MartSpec(
        name="jira_sprints",
        description="Jira sprints with their board, dates and state.",
        deps=[SPRINTS_KEY, STAGED_KEY],
        preview_columns=["name", "state", "board_name"],
    ),
    MartSpec(
        name="jira_sprint_metrics",
        description="Per sprint: committed vs completed issues and points, scope added after the start, "
        "carry-over and the completion ratio.",
        deps=[SPRINTS_KEY, STAGED_KEY, _mart("jira_issue_status_periods")],
        preview_columns=["name", "committed_issues", "completed_issues", "completion_ratio"],
    ),
    MartSpec(
        name="jira_worklogs",
        description="Time logged on Jira issues, by person and day.",
        deps=[STAGED_KEY, _mart("jira_users")],
        preview_columns=["issue_key", "started_at", "hours"],
    ),
    MartSpec(
        name="pr_jira_links",
        description="Each pull request's Jira keys (title, branch, body) joined to the issues.",
        deps=[STAGED_KEY, _GITHUB_PULL_REQUESTS],
        preview_columns=["pr_id", "jira_key"],
    ),
    MartSpec(
        name="jira_linkage_weekly",
        description="Share of pull requests naming a Jira issue, per repository and week.",
        deps=[_mart("pr_jira_links"), _GITHUB_PULL_REQUESTS],
        preview_columns=["repository", "week_start", "linkage_rate"],
    ),
)


def build_jira_marts() -> list[dg.AssetsDefinition]:
    return [build_mart_asset(spec) for spec in JIRA_MARTS]
