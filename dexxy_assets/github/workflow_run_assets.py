"""``github/workflow_runs`` (raw): the GitHub Actions runs created on the partition's day, for repositories
a ``DEXXY_DEPLOYMENT_RULES`` workflow rule covers; and the shape it shares with ``github/releases``.

Built by the ingestion-asset factory (fetch: ``workflow_run_fetch``; landing: ``land_records``, spooled a
repository at a time by ``RawSpool``). Without rules it reads nothing and lands empty days.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import rest_fetch
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.deployment_rules import WORKFLOW_RUN, configured_rules, rules_for
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.github.workflow_run_fetch import FetchedRecord, fetch_workflow_runs
from dexxy_assets.problems import ProblemLog
from dexxy_assets.raw_spool import RawSpool
from resources.bulk_load import Jsonb
from resources.github import GitHubResource
from resources.github_client import GitHubClient

WORKFLOW_RUNS_KEY = dg.AssetKey(["github", "workflow_runs"])
WORKFLOW_RUNS_TABLE = "raw.github_workflow_runs"

# (client, repo, window start, window end, problems) -> the repository's records of the window
Fetch = Callable[[GitHubClient, str, dt.datetime, dt.datetime, ProblemLog], list[FetchedRecord]]


def record_row(record: FetchedRecord, id_column: str, fetched_at: dt.datetime) -> dict[str, Any]:
    """A fetched record as its raw row (payload verbatim)."""
    return {
        "partition_date": record.day,
        "repo_full_name": record.repo_full_name,
        id_column: record.record_id,
        "fetched_at": fetched_at,
        "payload": Jsonb(record.payload),
    }


def land_records(
    conn: Connection,
    table: str,
    id_column: str,
    records: Iterable[FetchedRecord],
    days: list[dt.date],
    fetched_at: dt.datetime,
) -> int:
    """Replace the days of ``table`` with the records of those days (payloads verbatim)."""
    spool = RawSpool(table, ["partition_date", "repo_full_name", id_column, "fetched_at", "payload"])
    try:
        for record in records:
            if record.day in days:
                spool.add(record_row(record, id_column, fetched_at))
        return spool.land(conn, days)
    finally:
        spool.close()


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

    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        github: GitHubResource = run.api
        rules = configured_rules()
        problems = ProblemLog()
        # spooled a repository at a time (``RawSpool``): a long window's records are never all held
        spool = RawSpool(table, ["partition_date", "repo_full_name", id_column, "fetched_at", "payload"])
        fetched_at = dt.datetime.now(dt.UTC)
        per_day: Counter[dt.date] = Counter()
        usage = None
        covered: list[str] = []
        if any(rule.source == source for rule in rules):
            with github.client() as client:
                repos = rest_fetch.repository_names(client, github.scope())
                covered = [repo for repo in repos if rules_for(rules, repo, source)]
                for repo in covered:
                    for record in fetch(client, repo, run.window.start, run.window.end, problems):
                        if record.day in run.days:
                            spool.add(record_row(record, id_column, fetched_at))
                            per_day[record.day] += 1
                usage = client.usage

        def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
            try:
                written = spool.land(conn, run.days)
            finally:
                spool.close()
            return {
                key: ingest.Landed(
                    rows=written,
                    per_day=per_day,
                    problems=problems,
                    usage=usage,
                    run_wide={"rules": len(rules), "repositories": len(covered)},
                )
            }

        return land

    entity = ingest.Entity(key, description, table)
    return github_ingestion_asset("__".join(key.path), [entity], load, partitions, deps=[REPOSITORIES_KEY])


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
