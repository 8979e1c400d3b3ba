"""GitHub's Great Expectations suites: staging per daily partition, its analytics tables whole."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks import gx_expectations as gx
from dexxy_assets.checks.gx_suite import TableSuite, WeeklyVolume
from dexxy_assets.github.deployment_staged_asset import DEPLOYMENTS_STAGED_KEY
from dexxy_assets.github.pull_request_assets import PULL_REQUESTS_KEY
from dexxy_assets.github.pull_request_records import PR_STATES, REVIEW_STATES
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.github.staging_rows import DEPLOYMENT_STATES

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
_PULL_REQUESTS = dg.AssetKey(["analytics", "pull_requests"])

GITHUB_SUITES = (
    TableSuite(
        asset=PULL_REQUESTS_STAGED_KEY,
        table="staging.github_pull_requests",
        name=gx.INTEGRITY,
        description="GX: pull request ids and (repository, number) unique; merged and closed not before "
        "created; sizes not negative.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *gx.key_expectations("pr_id"),
            *gx.key_expectations("repo_full_name", "pr_number"),
            *gx.not_before("merged_at", "created_at"),
            *gx.not_before("closed_at", "created_at"),
            *gx.not_negative("additions", "deletions", "changed_files"),
        ),
    ),
    TableSuite(
        asset=PULL_REQUESTS_STAGED_KEY,
        table="staging.github_pull_requests",
        name=gx.PLAUSIBILITY,
        description="GX: pull request state is open or closed.",
        partition_column="partition_date",
        expectations=gx.in_set("state", PR_STATES),
    ),
    TableSuite(
        asset=DEPLOYMENTS_STAGED_KEY,
        table="staging.github_deployments",
        name=gx.INTEGRITY,
        description="GX: deployment ids unique; success not before creation; a known deployment state.",
        partition_column="partition_date",
        blocking=True,
        expectations=(
            *gx.key_expectations("deployment_id"),
            *gx.not_before("succeeded_at", "created_at"),
            *gx.in_set("latest_state", DEPLOYMENT_STATES),
        ),
    ),
    TableSuite(
        asset=_PULL_REQUESTS,
        table="analytics.pull_requests",
        name=gx.INTEGRITY,
        description="GX: pull request ids and (repository, number) unique; merged not before created; every "
        "duration not negative.",
        blocking=True,
        expectations=(
            *gx.key_expectations("pr_id"),
            *gx.key_expectations("repository", "pr_number"),
            *gx.not_before("merged_at", "created_at"),
            *gx.not_negative(*PR_DURATIONS),
        ),
    ),
    TableSuite(
        asset=_PULL_REQUESTS,
        table="analytics.pull_requests",
        name=gx.PLAUSIBILITY,
        description="GX: state is open, merged or closed; pull requests opened last week within 3x of the "
        "mean of the four weeks before.",
        expectations=gx.in_set("state", ANALYTICS_PR_STATES),
        volume=WeeklyVolume(timestamp_column="created_at", synced_by=PULL_REQUESTS_KEY),
    ),
    TableSuite(
        asset=dg.AssetKey(["analytics", "pr_reviews"]),
        table="analytics.pr_reviews",
        name=gx.INTEGRITY,
        description="GX: review ids unique; a known review state.",
        blocking=True,
        expectations=(*gx.key_expectations("review_id"), *gx.in_set("state", REVIEW_STATES)),
    ),
    TableSuite(
        asset=dg.AssetKey(["analytics", "deployments"]),
        table="analytics.deployments",
        name=gx.INTEGRITY,
        description="GX: (source, deployment id) unique; success not before creation; change sets not "
        "negative.",
        blocking=True,
        expectations=(
            *gx.key_expectations("source", "deployment_id"),
            *gx.not_before("succeeded_at", "created_at"),
            *gx.not_negative("commits_count", "pull_requests_count"),
        ),
    ),
)
