"""The Great Expectations suites, one declaration per table: staging tables per daily partition, analytics
tables whole. ``gx_integrity`` suites block what is downstream (duplicate keys, time running backwards,
negative durations and impossible counts would poison every metric built on them); ``gx_plausibility``
suites warn (an unknown enum value or an odd week is worth a look, not a stop)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.gx_suite import TableSuite, WeeklyVolume, expect
from dexxy_assets.copilot.copilot_assets import ORG_USAGE_KEY, USER_USAGE_KEY
from dexxy_assets.github.deployment_staged_asset import DEPLOYMENTS_STAGED_KEY
from dexxy_assets.github.pull_request_assets import PULL_REQUESTS_KEY
from dexxy_assets.github.pull_request_records import PR_STATES, REVIEW_STATES
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.github.staging_rows import DEPLOYMENT_STATES
from dexxy_assets.jira.issue_assets import ISSUES_KEY as JIRA_ISSUES_KEY
from dexxy_assets.jira.issue_assets import STAGED_KEY as JIRA_ISSUES_STAGED_KEY

INTEGRITY = "gx_integrity"
PLAUSIBILITY = "gx_plausibility"
JIRA_KEY_PATTERN = r"^[A-Z][A-Z0-9_]*-[1-9][0-9]*$"
JIRA_STATUS_CATEGORIES = ("new", "indeterminate", "done")
ANALYTICS_PR_STATES = ("open", "merged", "closed")
PR_DURATIONS = (
    "cycle_time_hours",
    "review_time_hours",
    "coding_time_hours",
    "pickup_time_hours",
    "review_phase_hours",
    "deploy_time_hours",
    "lead_time_hours",
    "avg_fix_response_hours",
)
JIRA_DURATIONS = ("todo_hours", "in_progress_hours", "cycle_time_hours", "lead_time_hours")


def _key(*columns: str) -> tuple:
    """Keys unique and not null (a compound key: unique as a combination)."""
    if len(columns) > 1:
        return (expect("ExpectCompoundColumnsToBeUnique", column_list=list(columns)),)
    return (
        expect("ExpectColumnValuesToNotBeNull", column=columns[0]),
        expect("ExpectColumnValuesToBeUnique", column=columns[0]),
    )


def _not_before(later: str, earlier: str) -> tuple:
    return (
        expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            column_A=later,
            column_B=earlier,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    )


def _not_negative(*columns: str) -> tuple:
    return tuple(expect("ExpectColumnValuesToBeBetween", column=c, min_value=0) for c in columns)


def _in_set(column: str, values: tuple | frozenset) -> tuple:
    return (expect("ExpectColumnValuesToBeInSet", column=column, value_set=sorted(values)),)


def _acceptances_within_suggestions() -> tuple:
    return (
        expect(
            "ExpectColumnPairValuesAToBeGreaterThanB",
            column_A="code_generation_activity_count",
            column_B="code_acceptance_activity_count",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
    )


def _copilot_usage(*key: str) -> tuple:
    """An analytics Copilot table: its key, acceptances within suggestions, a rate within [0, 1]."""
    return (
        *_key(*key),
        *_acceptances_within_suggestions(),
        expect("ExpectColumnValuesToBeBetween", column="acceptance_rate", min_value=0, max_value=1),
    )


def _jira_key(column: str) -> tuple:
    return (expect("ExpectColumnValuesToMatchRegex", column=column, regex=JIRA_KEY_PATTERN),)


_PULL_REQUESTS = dg.AssetKey(["analytics", "pull_requests"])
_PR_REVIEWS = dg.AssetKey(["analytics", "pr_reviews"])
_DEPLOYMENTS = dg.AssetKey(["analytics", "deployments"])
_JIRA_ISSUES = dg.AssetKey(["analytics", "jira_issues"])
_AI_USAGE = dg.AssetKey(["analytics", "ai_usage_daily"])
_COPILOT_USAGE = dg.AssetKey(["analytics", "copilot_usage_daily"])

STAGING_SUITES = (
    TableSuite(
        asset=PULL_REQUESTS_STAGED_KEY,
        table="staging.github_pull_requests",
        name=INTEGRITY,
        description="GX: pull request ids and (repository, number) unique; merged and closed not before "
        "created; sizes not negative.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *_key("pr_id"),
            *_key("repo_full_name", "pr_number"),
            *_not_before("merged_at", "created_at"),
            *_not_before("closed_at", "created_at"),
            *_not_negative("additions", "deletions", "changed_files"),
        ),
    ),
    TableSuite(
        asset=PULL_REQUESTS_STAGED_KEY,
        table="staging.github_pull_requests",
        name=PLAUSIBILITY,
        description="GX: pull request state is open or closed.",
        partition_column="partition_date",
        expectations=_in_set("state", PR_STATES),
    ),
    TableSuite(
        asset=DEPLOYMENTS_STAGED_KEY,
        table="staging.github_deployments",
        name=INTEGRITY,
        description="GX: deployment ids unique; success not before creation; a known deployment state.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *_key("deployment_id"),
            *_not_before("succeeded_at", "created_at"),
            *_in_set("latest_state", DEPLOYMENT_STATES),
        ),
    ),
    TableSuite(
        asset=JIRA_ISSUES_STAGED_KEY,
        table="staging.jira_issues",
        name=INTEGRITY,
        description="GX: issue ids and keys unique, keys well formed (PROJ-123); resolved not before "
        "created.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *_key("issue_id"),
            *_key("issue_key"),
            *_jira_key("issue_key"),
            *_not_before("resolved_at", "created_at"),
        ),
    ),
    TableSuite(
        asset=JIRA_ISSUES_STAGED_KEY,
        table="staging.jira_issues",
        name=PLAUSIBILITY,
        description="GX: status category is new, indeterminate or done; story points not negative.",
        partition_column="partition_date",
        expectations=(*_in_set("status_category", JIRA_STATUS_CATEGORIES), *_not_negative("story_points")),
    ),
    TableSuite(
        asset=USER_USAGE_KEY,
        table="staging.copilot_usage_user_daily",
        name=INTEGRITY,
        description="GX: one row per (org, day, person); acceptances never exceed suggestions; counts not "
        "negative.",
        partition_column="day",
        blocking=True,
        expectations=(
            *_key("org", "day", "user_login"),
            *_acceptances_within_suggestions(),
            *_not_negative("code_generation_activity_count", "code_acceptance_activity_count"),
        ),
    ),
    TableSuite(
        asset=ORG_USAGE_KEY,
        table="staging.copilot_usage_org_daily",
        name=INTEGRITY,
        description="GX: one row per (org, day); acceptances never exceed suggestions; counts not negative.",
        partition_column="day",
        blocking=True,
        expectations=(
            *_key("org", "day"),
            *_acceptances_within_suggestions(),
            *_not_negative("daily_active_users", "code_generation_activity_count"),
        ),
    ),
)

ANALYTICS_SUITES = (
    TableSuite(
        asset=_PULL_REQUESTS,
        table="analytics.pull_requests",
        name=INTEGRITY,
        description="GX: pull request ids and (repository, number) unique; merged not before created; every "
        "duration not negative.",
        blocking=True,
        expectations=(
            *_key("pr_id"),
            *_key("repository", "pr_number"),
            *_not_before("merged_at", "created_at"),
            *_not_negative(*PR_DURATIONS),
        ),
    ),
    TableSuite(
        asset=_PULL_REQUESTS,
        table="analytics.pull_requests",
        name=PLAUSIBILITY,
        description="GX: state is open, merged or closed; pull requests opened last week within 3x of the "
        "mean of the four weeks before.",
        expectations=_in_set("state", ANALYTICS_PR_STATES),
        volume=WeeklyVolume(timestamp_column="created_at", synced_by=PULL_REQUESTS_KEY),
    ),
    TableSuite(
        asset=_PR_REVIEWS,
        table="analytics.pr_reviews",
        name=INTEGRITY,
        description="GX: review ids unique; a known review state.",
        blocking=True,
        expectations=(*_key("review_id"), *_in_set("state", REVIEW_STATES)),
    ),
    TableSuite(
        asset=_DEPLOYMENTS,
        table="analytics.deployments",
        name=INTEGRITY,
        description="GX: deployment ids unique; success not before creation; change sets not negative.",
        blocking=True,
        expectations=(
            *_key("deployment_id"),
            *_not_before("succeeded_at", "created_at"),
            *_not_negative("commits_count", "pull_requests_count"),
        ),
    ),
    TableSuite(
        asset=_JIRA_ISSUES,
        table="analytics.jira_issues",
        name=INTEGRITY,
        description="GX: issue ids and keys unique, keys well formed; done not before created; durations not "
        "negative.",
        blocking=True,
        expectations=(
            *_key("issue_id"),
            *_key("issue_key"),
            *_jira_key("issue_key"),
            *_not_before("done_at", "created_at"),
            *_not_negative(*JIRA_DURATIONS),
        ),
    ),
    TableSuite(
        asset=_JIRA_ISSUES,
        table="analytics.jira_issues",
        name=PLAUSIBILITY,
        description="GX: status category known; issues created last week within 3x of the mean of the four "
        "weeks before.",
        expectations=_in_set("status_category", JIRA_STATUS_CATEGORIES),
        volume=WeeklyVolume(timestamp_column="created_at", synced_by=JIRA_ISSUES_KEY),
    ),
    TableSuite(
        asset=_AI_USAGE,
        table="analytics.ai_usage_daily",
        name=INTEGRITY,
        description="GX: one row per (day, source, org, person); acceptances never exceed suggestions; "
        "acceptance rate within [0, 1].",
        blocking=True,
        expectations=_copilot_usage("day", "source", "org", "github_login"),
    ),
    TableSuite(
        asset=_COPILOT_USAGE,
        table="analytics.copilot_usage_daily",
        name=INTEGRITY,
        description="GX: one row per (org, day); acceptances never exceed suggestions; acceptance rate "
        "within [0, 1].",
        blocking=True,
        expectations=_copilot_usage("org", "day"),
    ),
)

SUITES = (*STAGING_SUITES, *ANALYTICS_SUITES)
