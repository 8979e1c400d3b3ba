"""``github/pull_requests_staged``: the raw pull requests and their children of each day parsed into staging.

Why a separate asset: staging is derived from raw, and its code version is the parsers'
(GITHUB_PARSER_VERSION). A parser or derivation-rule change (Jira keys, file categories, bot accounts) marks
its partitions stale, and the stale-code-version sensor re-runs only this asset, which holds no GitHub
resource: re-staging cannot call the API. The fetching assets have no code version tied to the parsers, so a
parser change never re-fetches.
"""

import datetime as dt

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_upstream_partitions
from dexxy_assets.github import asset_settings
from dexxy_assets.github.parser_version import GITHUB_PARSER_VERSION
from dexxy_assets.github.pull_request_assets import ENTITIES
from dexxy_assets.github.pull_request_entities import CHILDREN
from dexxy_assets.github.pull_request_staging import stage_pull_requests
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.table_lineage import publishes
from resources.warehouse import WarehouseResource

PULL_REQUESTS_STAGED_KEY = dg.AssetKey(["github", "pull_requests_staged"])


def build_pull_request_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=PULL_REQUESTS_STAGED_KEY,
        metadata=publishes("staging.github_pull_requests", *(child.staging_table for child in CHILDREN)),
        description="Pull requests, reviews, commits, files, check runs and comments parsed from raw into "
        "staging (newest version of each pull request wins). Its code version is the parsers': a parser "
        "or rule change re-stages from raw with zero GitHub calls.",
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds={"python", "postgres"},
        deps=[key for key, _, _ in ENTITIES.values()],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        code_version=GITHUB_PARSER_VERSION,
        automation_condition=after_upstream_partitions(),
    )
    def github_pull_requests_staged(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        with warehouse.begin() as conn:
            result = stage_pull_requests(conn, days)
            problems = result.all_problems()
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=PULL_REQUESTS_STAGED_KEY,
                partitions=days,
                started_at=started_at,
                rows=result.staged["pull_requests"],
                problems=problems,
                usage=None,
            )
            schema = asset_metadata.table_schema(conn, "staging.github_pull_requests")
        return report_materialization(
            context,
            PULL_REQUESTS_STAGED_KEY,
            rows_per_day=result.per_partition,
            total_rows=result.staged["pull_requests"],
            problems=problems,
            run_wide=ingestion_metadata(
                schema=schema,
                usage=None,
                **{f"staged_{name}": count for name, count in result.staged.items()},
                parser_version=GITHUB_PARSER_VERSION,
            ),
        )

    return github_pull_requests_staged
