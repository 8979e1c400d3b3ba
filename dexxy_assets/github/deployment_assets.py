"""Daily deployments with statuses and change sets (partition D = deployments created on day D)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, rest_fetch, staging_rows
from dexxy_assets.github.deployment_fetch import ChangeSetKey, FetchedDeployment, fetch_deployments
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import Jsonb, copy_rows, replace_partitions, upsert
from resources.etag_cache import EtagCache
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.warehouse import WarehouseResource

DEPLOYMENTS_KEY = dg.AssetKey(["github", "deployments"])
RAW_COLUMNS = [
    "partition_date",
    "repo_full_name",
    "deployment_id",
    "fetched_at",
    "payload_format",
    "payload",
    "statuses",
    "change_set",
]
DEPLOYMENTS_SELECTION = "key:github/deployments"


@dataclass
class WarehouseMemory:
    """What earlier runs stored: ETags (``ops.http_cache``) and change sets already computed (raw)."""

    warehouse: WarehouseResource

    def load_etags(self, client: GitHubClient, urls: list[str]) -> None:
        with self.warehouse.connect() as conn:
            client.etag_cache.load_from(conn, urls)

    def change_sets(self, deployment_ids: list[int]) -> dict[ChangeSetKey, dict[str, Any]]:
        with self.warehouse.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT DISTINCT ON (deployment_id) change_set FROM raw.github_deployments "
                    "WHERE deployment_id = ANY(:ids) AND change_set IS NOT NULL "
                    "ORDER BY deployment_id, fetched_at DESC"
                ),
                {"ids": deployment_ids},
            ).scalars()
            return {
                (cs.get("previous_deployment_id"), cs.get("base_sha"), cs.get("head_sha")): cs
                for cs in rows
                if isinstance(cs, dict) and isinstance(cs.get("commit_shas"), list)
            }


def deployment_usage(result: dg.ExecuteInProcessResult) -> tuple[int, int]:
    """(HTTP requests, REST requests + GraphQL points) the run's ``github/deployments`` step spent, for
    ``dexxy bench``'s per-pull-request budget figure; (0, 0) when the run did not materialize it."""
    if not any(node.name == "github__deployments" for node in result.job_def.nodes):
        return 0, 0
    requests = points = 0
    for materialization in result.asset_materializations_for_node("github__deployments"):
        # run-wide figures: on every partition's materialization, or only on one of them
        metadata = {k: v.value for k, v in materialization.metadata.items()}
        requests = max(requests, int(metadata.get("api_requests") or 0))
        points = max(points, int(metadata.get("api_budget_points") or 0))
    return requests, points


def load_deployments(
    conn: Connection,
    fetched: list[FetchedDeployment],
    days: list[dt.date],
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> tuple[int, int]:
    """Replace the days in raw, merge staging newest-wins, rewrite the change sets of what was loaded."""
    raw_rows, staged, commits = [], [], []
    for deployment in fetched:
        day = deployment.created_at.date()
        rest = deployment.payload if deployment.rest is None else deployment.rest
        row = staging_rows.deployment_row(
            rest, deployment.rest_statuses, deployment.repo_full_name, day, fetched_at, problems
        )
        raw_rows.append(
            {
                "partition_date": day,
                "repo_full_name": deployment.repo_full_name,
                "deployment_id": row["deployment_id"] if row else None,
                "fetched_at": fetched_at,
                "payload_format": deployment.payload_format,
                "payload": Jsonb(deployment.payload),
                "statuses": Jsonb(deployment.statuses),
                "change_set": Jsonb(deployment.change_set) if deployment.change_set is not None else None,
            }
        )
        if row is None:
            continue
        change_set = deployment.change_set or {}
        staged.append(
            {
                **row,
                "previous_deployment_id": change_set.get("previous_deployment_id"),
                "change_set_known": deployment.change_set is not None,
            }
        )
        commits += [
            {
                "deployment_id": row["deployment_id"],
                "sha": sha,
                "repo_full_name": deployment.repo_full_name,
                "fetched_at": fetched_at,
            }
            for sha in dict.fromkeys(change_set.get("commit_shas") or [])
        ]
    written = replace_partitions(
        conn, "raw.github_deployments", "partition_date", days, RAW_COLUMNS, raw_rows
    )
    if staged:
        upsert(
            conn,
            "staging.github_deployments",
            list(staged[0]),
            staged,
            ["deployment_id"],
            ["updated_at", "fetched_at"],
        )
    conn.execute(
        text("DELETE FROM staging.github_deployment_commits WHERE deployment_id = ANY(:ids)"),
        {"ids": [row["deployment_id"] for row in staged if row["change_set_known"]]},
    )
    copy_rows(
        conn,
        "staging.github_deployment_commits",
        ["deployment_id", "sha", "repo_full_name", "fetched_at"],
        commits,
    )
    return written, len(staged)


def build_deployment_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.asset(
        key=DEPLOYMENTS_KEY,
        description="Deployments created on the partition's day, with their statuses and, for successful "
        "production deployments, the commits shipped since the previous successful one.",
        metadata=publishes("staging.github_deployments", "staging.github_deployment_commits"),
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds=asset_settings.KINDS,
        deps=[REPOSITORIES_KEY],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=asset_settings.POOL,
        automation_condition=asset_settings.DAILY_AT_0200,
    )
    def github_deployments(
        context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        window = context.partition_time_window
        scope = github.scope()
        problems = ProblemLog()
        memory = WarehouseMemory(warehouse)
        with github.client(EtagCache()) as client:
            repos = rest_fetch.repository_names(client, scope)
            fetched = [
                d
                for repo in repos
                for d in fetch_deployments(
                    client,
                    repo,
                    window.start,
                    window.end,
                    mode=github.resolved_fetch_mode(),
                    concurrency=github.max_concurrency,
                    memory=memory,
                )
            ]
            usage = client.usage
        with warehouse.begin() as conn:
            written, staged = load_deployments(conn, fetched, days, dt.datetime.now(dt.UTC), problems)
            client.etag_cache.save_to(conn)
            record_ingestion(
                conn,
                run_id=context.run.run_id,
                asset_key=DEPLOYMENTS_KEY,
                partitions=days,
                started_at=started_at,
                rows=written,
                problems=problems,
                usage=usage,
            )
            schema = asset_metadata.table_schema(conn, "staging.github_deployments")
        counts: dict[dt.date, int] = {}
        for deployment in fetched:
            counts[deployment.created_at.date()] = counts.get(deployment.created_at.date(), 0) + 1
        return report_materialization(
            context,
            DEPLOYMENTS_KEY,
            rows_per_day=counts,
            total_rows=written,
            problems=problems,
            run_wide=ingestion_metadata(
                schema=schema,
                usage=usage,
                staged_rows=staged,
                change_sets=sum(1 for d in fetched if d.change_set is not None),
            ),
        )

    return github_deployments
