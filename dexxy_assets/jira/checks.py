"""Data-quality checks of the Jira analytics tables: durations and the sprint metrics' invariants (every
ingestion asset also gets its ``no_ingest_problems`` check, from definitions.py)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.checks.sql_checks import SqlCheck, build_sql_check

ANALYTICS_CHECKS = (
    SqlCheck(
        asset=dg.AssetKey(["analytics", "jira_issues"]),
        name="durations_are_not_negative",
        description="No cycle or lead time is negative.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.jira_issues WHERE least(cycle_time_hours, lead_time_hours) < 0"
        ),
    ),
    SqlCheck(
        asset=dg.AssetKey(["analytics", "jira_sprint_metrics"]),
        name="completed_within_sprint_scope",
        description="A sprint completes no more issues than it committed plus those added after its start.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.jira_sprint_metrics "
            "WHERE completed_issues > committed_issues + added_issues"
        ),
        severity=dg.AssetCheckSeverity.WARN,
    ),
)


def build_jira_checks() -> list[dg.AssetChecksDefinition]:
    return [build_sql_check(check) for check in ANALYTICS_CHECKS]
