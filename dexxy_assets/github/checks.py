"""Data-quality checks on the GitHub analytics tables (every ingestion asset also gets its
``no_ingest_problems`` check, from definitions.py)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.sql_checks import SqlCheck, build_sql_check

_PULL_REQUESTS = dg.AssetKey(["analytics", "pull_requests"])
_PR_REVIEWS = dg.AssetKey(["analytics", "pr_reviews"])

ANALYTICS_CHECKS = (
    SqlCheck(
        asset=_PULL_REQUESTS,
        name="durations_are_not_negative",
        description="No duration is negative (a negative span is NULL by definition).",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.pull_requests WHERE least(cycle_time_hours, review_time_hours, "
            "coding_time_hours, pickup_time_hours, review_phase_hours, deploy_time_hours, lead_time_hours, "
            "avg_fix_response_hours) < 0"
        ),
    ),
    SqlCheck(
        asset=_PULL_REQUESTS,
        name="state_is_known",
        description="state is one of open, merged, closed.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.pull_requests WHERE state NOT IN ('open', 'merged', 'closed')"
        ),
        severity=dg.AssetCheckSeverity.WARN,
    ),
    SqlCheck(
        asset=_PR_REVIEWS,
        name="reviews_have_pull_requests",
        description="Every review belongs to a pull request in analytics.pull_requests.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.pr_reviews r "
            "WHERE NOT EXISTS (SELECT 1 FROM analytics.pull_requests p WHERE p.pr_id = r.pr_id)"
        ),
        severity=dg.AssetCheckSeverity.WARN,
    ),
)


def build_github_checks() -> list[dg.AssetChecksDefinition]:
    return [build_sql_check(check) for check in ANALYTICS_CHECKS]
