"""Jira's Great Expectations suites: staged issues per daily partition, analytics.jira_issues whole."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks import gx_expectations as gx
from dexxy_assets.checks.gx_suite import TableSuite, WeeklyVolume
from dexxy_assets.jira.issue_assets import ISSUES_KEY, STAGED_KEY

JIRA_STATUS_CATEGORIES = ("new", "indeterminate", "done")
JIRA_DURATIONS = ("todo_hours", "in_progress_hours", "cycle_time_hours", "lead_time_hours")
_JIRA_ISSUES = dg.AssetKey(["analytics", "jira_issues"])

JIRA_SUITES = (
    TableSuite(
        asset=STAGED_KEY,
        table="staging.jira_issues",
        name=gx.INTEGRITY,
        description="GX: issue ids and keys unique, keys well formed (PROJ-123); resolved not before "
        "created.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *gx.key_expectations("issue_id"),
            *gx.key_expectations("issue_key"),
            *gx.jira_key("issue_key"),
            *gx.not_before("resolved_at", "created_at"),
        ),
    ),
    TableSuite(
        asset=STAGED_KEY,
        table="staging.jira_issues",
        name=gx.PLAUSIBILITY,
        description="GX: status category is new, indeterminate or done; story points not negative.",
        partition_column="partition_date",
        expectations=(
            *gx.in_set("status_category", JIRA_STATUS_CATEGORIES),
            *gx.not_negative("story_points"),
        ),
    ),
    TableSuite(
        asset=_JIRA_ISSUES,
        table="analytics.jira_issues",
        name=gx.INTEGRITY,
        description="GX: issue ids and keys unique, keys well formed; done not before created; durations not "
        "negative.",
        blocking=True,
        expectations=(
            *gx.key_expectations("issue_id"),
            *gx.key_expectations("issue_key"),
            *gx.jira_key("issue_key"),
            *gx.not_before("done_at", "created_at"),
            *gx.not_negative(*JIRA_DURATIONS),
        ),
    ),
    TableSuite(
        asset=_JIRA_ISSUES,
        table="analytics.jira_issues",
        name=gx.PLAUSIBILITY,
        description="GX: status category known; issues created last week within 3x of the mean of the four "
        "weeks before.",
        expectations=gx.in_set("status_category", JIRA_STATUS_CATEGORIES),
        volume=WeeklyVolume(timestamp_column="created_at", synced_by=ISSUES_KEY),
    ),
)
