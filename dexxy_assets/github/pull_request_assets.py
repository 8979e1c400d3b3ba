"""Daily pull requests with everything about them: one fetch, six raw assets (raw only; staging is
``github/pull_requests_staged``, derived from raw).

A run covers a whole partition range (``BackfillPolicy.single_run``): each repository's pull requests are
fetched once for the window — REST pages newest-updated first and stops at the window's start; GraphQL
searches ``updated:`` windows — so a 90-day backfill costs one pass.
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, graphql_fetch, rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_load import land_pull_requests
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion, report_materialization
from dexxy_assets.partitions import partition_dates
from dexxy_assets.table_lineage import publishes
from resources.github import GitHubResource, GitHubScope
from resources.github_client import GitHubClient
from resources.http.etag_cache import EtagCache
from resources.warehouse import WarehouseResource

PULL_REQUESTS_KEY = dg.AssetKey(["github", "pull_requests"])
REVIEWS_KEY = dg.AssetKey(["github", "reviews"])
COMMITS_KEY = dg.AssetKey(["github", "commits"])
FILES_KEY = dg.AssetKey(["github", "files"])
CHECK_RUNS_KEY = dg.AssetKey(["github", "check_runs"])
COMMENTS_KEY = dg.AssetKey(["github", "comments"])

# entity name in the loader → (asset key, raw table, description)
ENTITIES: dict[str, tuple[dg.AssetKey, str, str]] = {
    "pull_requests": (
        PULL_REQUESTS_KEY,
        "raw.github_pull_requests",
        "Pull requests updated on the partition's day, as fetched (raw JSON).",
    ),
    "reviews": (REVIEWS_KEY, "raw.github_reviews", "Reviews of the pull requests in the partition."),
    "commits": (
        COMMITS_KEY,
        "raw.github_commits",
        "Commits of the pull requests in the partition (GitHub lists at most 250 per pull request).",
    ),
    "files": (FILES_KEY, "raw.github_files", "Files changed by the pull requests in the partition."),
    "check_runs": (
        CHECK_RUNS_KEY,
        "raw.github_check_runs",
        "CI check runs on the head commit of each pull request.",
    ),
    "comments": (
        COMMENTS_KEY,
        "raw.github_comments",
        "Conversation and inline review comments of the pull requests.",
    ),
}


def _spec(key: dg.AssetKey, raw_table: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        metadata=publishes(raw_table),
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds=asset_settings.KINDS,
        deps=[REPOSITORIES_KEY],
        automation_condition=asset_settings.DAILY_AT_0200,
    )


def fetch_window(
    github: GitHubResource,
    client: GitHubClient,
    scope: GitHubScope,
    window: dg.TimeWindow,
    warehouse: WarehouseResource,
    log: dg.DagsterLogManager,
) -> tuple[list[FetchedPullRequest], int]:
    """Every pull request updated in the window with its children; and how many repositories were read."""
    repos = rest_fetch.repository_names(client, scope)
    if github.resolved_fetch_mode() == "graphql":
        fetched = graphql_fetch.fetch_pull_requests(
            client, scope, window.start, window.end, github.max_concurrency
        )
        return fetched, len(repos)
    listings = [
        item
        for name in repos
        for item in rest_fetch.list_updated_pull_requests(client, name, window.start, window.end)
    ]
    log.info(f"{len(listings)} pull requests updated in {window.start:%Y-%m-%d}..{window.end:%Y-%m-%d}")
    with warehouse.connect() as conn:
        client.etag_cache.load_from(
            conn, [url for item in listings for url in rest_fetch.detail_urls(client, item)]
        )
    return rest_fetch.fetch_pull_request_details(client, listings, github.max_concurrency), len(repos)


def build_pull_request_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="github_pull_requests",
        specs=[_spec(key, table, description) for key, table, description in ENTITIES.values()],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=asset_settings.POOL,
        can_subset=False,
    )
    def github_pull_requests(
        context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
    ) -> Iterator[dg.MaterializeResult]:
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context)
        scope = github.scope()
        with github.client(EtagCache()) as client:
            fetched, repositories = fetch_window(
                github, client, scope, context.partition_time_window, warehouse, context.log
            )
            usage = client.usage
        with warehouse.begin() as conn:
            load = land_pull_requests(conn, fetched, days, dt.datetime.now(dt.UTC))
            client.etag_cache.save_to(conn)
            schemas = {}
            for name, (key, raw_table, _) in ENTITIES.items():
                record_ingestion(
                    conn,
                    run_id=context.run.run_id,
                    asset_key=key,
                    partitions=days,
                    started_at=started_at,
                    rows=load.counts[name].raw_rows,
                    problems=load.problems[name],
                    usage=usage if name == "pull_requests" else None,
                )
                schemas[name] = asset_metadata.table_schema(conn, raw_table)
        prs = max(len(fetched), 1)
        for name, (key, _, _) in ENTITIES.items():
            counts = load.counts[name]
            extra = (
                {
                    "fetch_mode": github.resolved_fetch_mode(),
                    "repositories": repositories,
                    "api_requests_per_pr": round(usage.requests / prs, 3),
                    "api_points_per_pr": round(usage.budget_points / prs, 3),
                }
                if name == "pull_requests"
                else {}
            )
            yield report_materialization(
                context,
                key,
                rows_per_day=counts.per_partition,
                total_rows=counts.raw_rows,
                problems=load.problems[name],
                run_wide=ingestion_metadata(
                    schema=schemas[name],
                    usage=usage if name == "pull_requests" else None,
                    **extra,
                ),
            )

    return github_pull_requests
