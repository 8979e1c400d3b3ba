"""``github/deployments_staged``: the raw deployments of each day parsed into staging, with their change sets.

Like ``github/pull_requests_staged``: its code version is the parsers' (GITHUB_PARSER_VERSION) and it holds
no GitHub resource, so a parser change re-stages from raw with zero API calls.
"""

import datetime as dt

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.github import asset_settings
from dexxy_assets.github.deployment_assets import DEPLOYMENTS_KEY
from dexxy_assets.github.deployment_staging import stage_deployments
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.warehouse import WarehouseResource

DEPLOYMENTS_STAGED_KEY = dg.AssetKey(["github", "deployments_staged"])


def build_deployment_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=DEPLOYMENTS_STAGED_KEY,
        metadata=publishes("staging.github_deployments", "staging.github_deployment_commits"),
        description="Deployments and the change sets of successful production deployments parsed from raw "
        "into staging (newest version wins). Its code version is the parsers': a parser change re-stages "
        "from raw with zero GitHub calls.",
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds={"python", "postgres"},
        deps=[DEPLOYMENTS_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=GITHUB_PARSER_VERSION,
        automation_condition=after_upstream_partitions(),
    )
    def github_deployments_staged(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        problems = ProblemLog()
        with warehouse.begin() as conn:
            staged, per_day = stage_deployments(conn, days, problems)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=DEPLOYMENTS_STAGED_KEY,
                partitions=days,
                started_at=started_at,
                rows=staged,
                problems=problems,
                usage=None,
            )
            schema = asset_metadata.table_schema(conn, "staging.github_deployments")
        return report_materialization(
            context,
            DEPLOYMENTS_STAGED_KEY,
            rows_per_day=per_day,
            total_rows=staged,
            problems=problems,
            run_wide=ingestion_metadata(schema=schema, usage=None, parser_version=GITHUB_PARSER_VERSION),
        )

    return github_deployments_staged
