"""The DORA tables (docs/metrics.md), each built from its SQL model in dbt_like_sql/marts; the assets they
read beyond the marts: ``processing/dora_settings`` and the workflow-run and release ingestion."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.dora_settings import build_dora_settings_asset
from dexxy_assets.analytics.mart_asset import MartSpec
from dexxy_assets.github.release_assets import build_release_assets
from dexxy_assets.github.release_staged_asset import build_release_staged_asset
from dexxy_assets.github.workflow_run_assets import build_workflow_run_assets
from dexxy_assets.github.workflow_run_staged_asset import build_workflow_run_staged_asset

DORA_MARTS = (
    MartSpec(
        name="incidents",
        description="Production incidents (Jira incident issues, revert and hotfix pull requests of a "
        "shipped change), each attributed to the deployment that caused it.",
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


def build_dora_source_assets(partitions: dg.PartitionsDefinition) -> list[dg.AssetsDefinition]:
    """Workflow runs and releases (raw and staged) and the settings table: what DORA reads besides marts."""
    return [
        build_workflow_run_assets(partitions),
        build_workflow_run_staged_asset(partitions),
        build_release_assets(partitions),
        build_release_staged_asset(partitions),
        build_dora_settings_asset(),
    ]
