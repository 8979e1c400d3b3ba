"""The DORA tables (docs/metrics.md), each built from its SQL model in dbt_like_sql/marts. They span sources
(GitHub deployments, workflow runs and releases; Jira incidents), so they belong to the analytics layer;
their settings come from ``processing/dora_settings``."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.mart_asset import MartSpec
from dexxy_assets.checks.sql_checks import SqlCheck, build_sql_check

DORA_MARTS = (
    MartSpec(
        name="incidents",
        description="Production incidents (Jira incident issues, GitHub issues with an incident label, "
        "revert and hotfix pull requests of a shipped change), each attributed to the deployment that "
        "caused it.",
        preview_columns=["source", "repository", "started_at", "deployment_id", "is_change_failure"],
    ),
    MartSpec(
        name="dora_weekly",
        description="DORA metrics per week (Monday start) and organisation, repository or team, with their "
        "DORA 2024 bands.",
        preview_columns=["week_start", "grain", "grain_key", "deployments", "change_failure_rate"],
    ),
    MartSpec(
        name="dora_monthly",
        description="DORA metrics per calendar month and organisation, repository or team, with their DORA "
        "2024 bands.",
        preview_columns=["month_start", "grain", "grain_key", "deployments", "change_failure_rate"],
    ),
)


DORA_CHECKS = (
    SqlCheck(
        asset=dg.AssetKey(["analytics", "dora_weekly"]),
        name="change_failure_rate_is_a_share",
        description="change_failure_rate is between 0 and 1; failed deployments never exceed deployments.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.dora_weekly "
            "WHERE change_failure_rate NOT BETWEEN 0 AND 1 OR failed_deployments > deployments"
        ),
    ),
    SqlCheck(
        asset=dg.AssetKey(["analytics", "incidents"]),
        name="change_failures_are_attributed",
        description="Every change failure names the deployment it is attributed to.",
        offending_rows_sql=(
            "SELECT count(*) FROM analytics.incidents WHERE is_change_failure AND deployment_id IS NULL"
        ),
    ),
)


def build_dora_checks() -> list[dg.AssetChecksDefinition]:
    """The DORA tables' invariants."""
    return [build_sql_check(check) for check in DORA_CHECKS]
