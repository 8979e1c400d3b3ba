"""Daily deployments with statuses and change sets (partition D = deployments created on day D)."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import rest_fetch
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.deployment_fetch import ChangeSetKey, FetchedDeployment, fetch_deployments
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.raw_spool import RawSpool
from resources.bulk_load import Jsonb
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.http.etag_cache import EtagCache
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
DEPLOYMENTS_SELECTION = "key:github/deployments or key:github/deployments_staged"


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


def deployment_row(deployment: FetchedDeployment, fetched_at: dt.datetime) -> dict[str, Any]:
    """A fetched deployment as its raw row."""
    rest = deployment.payload if deployment.rest is None else deployment.rest
    deployment_id = rest.get("id") if isinstance(rest, dict) else None
    return {
        "partition_date": deployment.created_at.date(),
        "repo_full_name": deployment.repo_full_name,
        "deployment_id": deployment_id
        if isinstance(deployment_id, int) and not isinstance(deployment_id, bool)
        else None,
        "fetched_at": fetched_at,
        "payload_format": deployment.payload_format,
        "payload": Jsonb(deployment.payload),
        "statuses": Jsonb(deployment.statuses),
        "change_set": Jsonb(deployment.change_set) if deployment.change_set is not None else None,
    }


def build_deployment_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    entity = ingest.Entity(
        DEPLOYMENTS_KEY,
        "Deployments created on the partition's day, with their statuses and, for successful production "
        "deployments, the commits shipped since the previous successful one (raw JSON).",
        "raw.github_deployments",
    )
    return github_ingestion_asset("github__deployments", [entity], _load, partitions, deps=[REPOSITORIES_KEY])


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    github: GitHubResource = run.api
    window = run.window
    memory = WarehouseMemory(run.warehouse)
    # spooled a repository at a time (``RawSpool``): a long window's deployments are never all held
    spool = RawSpool("raw.github_deployments", RAW_COLUMNS)
    fetched_at = dt.datetime.now(dt.UTC)
    per_day: Counter[dt.date] = Counter()
    change_sets = 0
    with github.client(EtagCache()) as client:
        for repo in rest_fetch.repository_names(client, github.scope()):
            for deployment in fetch_deployments(
                client,
                repo,
                window.start,
                window.end,
                mode=github.resolved_fetch_mode(),
                concurrency=github.max_concurrency,
                memory=memory,
            ):
                spool.add(deployment_row(deployment, fetched_at))
                per_day[deployment.created_at.date()] += 1
                change_sets += deployment.change_set is not None

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        try:
            written = spool.land(conn, run.days)
        finally:
            spool.close()
        client.etag_cache.save_to(conn)
        return {
            DEPLOYMENTS_KEY: ingest.Landed(
                rows=written, per_day=per_day, usage=client.usage, run_wide={"change_sets": change_sets}
            )
        }

    return land
