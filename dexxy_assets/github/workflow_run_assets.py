"""``github/workflow_runs`` (raw): the GitHub Actions runs created on the partition's day, for repositories
a ``DEXXY_DEPLOYMENT_RULES`` workflow rule covers; and the shape it shares with ``github/releases``.

The asset is thin on purpose (fetch: ``workflow_run_fetch``; landing: ``land_records``), so it can move onto
the ingestion-asset factory. Without rules it reads nothing and lands empty days.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, rest_fetch
from dexxy_assets.github.deployment_rules import WORKFLOW_RUN, configured_rules, rules_for
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.github.workflow_run_fetch import FetchedRecord, fetch_workflow_runs
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, replace_partitions
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.warehouse import WarehouseResource

WORKFLOW_RUNS_KEY = dg.AssetKey(["github", "workflow_runs"])
WORKFLOW_RUNS_TABLE = "raw.github_workflow_runs"

# (client, repo, window start, window end, problems) -> the repository's records of the window
Fetch = Callable[[GitHubClient, str, dt.datetime, dt.datetime, ProblemLog], list[FetchedRecord]]


def land_records(
    conn: Connection,
    table: str,
    id_column: str,
    records: list[FetchedRecord],
    days: list[dt.date],
    fetched_at: dt.datetime,
) -> int:
    """Replace the days of ``table`` with the records (payloads verbatim)."""
    rows = [
        {
            "partition_date": record.day,
            "repo_full_name": record.repo_full_name,
            id_column: record.record_id,
            "fetched_at": fetched_at,
            "payload": Jsonb(record.payload),
        }
        for record in records
        if record.day in days
    ]
    columns = ["partition_date", "repo_full_name", id_column, "fetched_at", "payload"]
    return replace_partitions(conn, table, "partition_date", days, columns, rows)


def build_rule_scoped_raw_asset(
    partitions: dg.PartitionsDefinition,
    *,
    key: dg.AssetKey,
    table: str,
    id_column: str,
    source: str,
    fetch: Fetch,
    description: str,
) -> dg.AssetsDefinition:
    """A daily raw asset reading, for each repository in scope that a ``source`` rule covers, ``fetch``."""

    @dg.asset(
        key=key,
        description=description,
        metadata=publishes(table),
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds=asset_settings.KINDS,
        deps=[REPOSITORIES_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=asset_settings.POOL,
        automation_condition=asset_settings.DAILY_AT_0200,
    )
    def raw_asset(
        context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        window = context.partition_time_window
        rules = configured_rules()
        problems = ProblemLog()
        records: list[FetchedRecord] = []
        usage = None
        covered: list[str] = []
        if any(rule.source == source for rule in rules):
            with github.client() as client:
                repos = rest_fetch.repository_names(client, github.scope())
                covered = [repo for repo in repos if rules_for(rules, repo, source)]
                for repo in covered:
                    records += fetch(client, repo, window.start, window.end, problems)
                usage = client.usage
        with warehouse.begin() as conn:
            written = land_records(conn, table, id_column, records, days, dt.datetime.now(dt.UTC))
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=key,
                partitions=days,
                started_at=started_at,
                rows=written,
                problems=problems,
                usage=usage,
            )
            schema = asset_metadata.table_schema(conn, table)
        return report_materialization(
            context,
            key,
            rows_per_day=Counter(record.day for record in records if record.day in days),
            total_rows=written,
            problems=problems,
            run_wide=ingestion_metadata(
                schema=schema, usage=usage, rules=len(rules), repositories=len(covered)
            ),
        )

    return raw_asset


def build_workflow_run_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_rule_scoped_raw_asset(
        partitions,
        key=WORKFLOW_RUNS_KEY,
        table=WORKFLOW_RUNS_TABLE,
        id_column="run_id",
        source=WORKFLOW_RUN,
        fetch=fetch_workflow_runs,
        description="GitHub Actions workflow runs created on the partition's day (raw JSON), in the "
        "repositories a DEXXY_DEPLOYMENT_RULES workflow rule covers: every workflow, so a rule change "
        "re-stages without API calls.",
    )
