"""Daily pull requests with their reviews and commits: one fetch, three raw assets.

A run covers a whole partition range (``BackfillPolicy.single_run``): each repository's pull requests are
paged once, newest-updated first, stopping at the window's start, so a 90-day backfill costs one pass.
"""

import datetime as dt

import dagster as dg

from dexxy_assets import asset_metadata
from dexxy_assets.github import asset_settings, rest_fetch
from dexxy_assets.github.pull_request_load import PullRequestProblems, load_pull_requests
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.ingestion_report import ingestion_metadata, record_ingestion
from dexxy_assets.partitions import partition_dates
from resources.etag_cache import EtagCache
from resources.github import GitHubResource
from resources.warehouse import WarehouseResource

PULL_REQUESTS_KEY = dg.AssetKey(["github", "pull_requests"])
REVIEWS_KEY = dg.AssetKey(["github", "reviews"])
COMMITS_KEY = dg.AssetKey(["github", "commits"])


def _spec(key: dg.AssetKey, description: str, deps: list[dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=key,
        description=description,
        group_name=asset_settings.GROUP,
        owners=asset_settings.OWNERS,
        kinds=asset_settings.KINDS,
        deps=deps,
        automation_condition=asset_settings.DAILY_AT_0200,
    )


def build_pull_request_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    @dg.multi_asset(
        name="github_pull_requests",
        specs=[
            _spec(
                PULL_REQUESTS_KEY,
                "Pull requests updated on the partition's day (raw JSON + staging).",
                [REPOSITORIES_KEY],
            ),
            _spec(REVIEWS_KEY, "Reviews of the pull requests in the partition.", [REPOSITORIES_KEY]),
            _spec(
                COMMITS_KEY,
                "Commits (up to GitHub's 250) of the pull requests in the partition.",
                [REPOSITORIES_KEY],
            ),
        ],
        partitions_def=partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=asset_settings.POOL,
        can_subset=False,
    )
    def github_pull_requests(
        context: dg.AssetExecutionContext, github: GitHubResource, warehouse: WarehouseResource
    ):
        started_at = dt.datetime.now(dt.UTC)
        window = context.partition_time_window
        days = partition_dates(context)
        scope = github.scope()
        github.resolved_fetch_mode()
        cache = EtagCache()
        with github.client(cache) as client:
            repos = rest_fetch.list_repositories(client, scope)
            listings = []
            for repo in repos:
                full_name = repo.payload.get("full_name")
                if isinstance(full_name, str) and scope.allows(full_name):
                    listings += rest_fetch.list_updated_pull_requests(
                        client, full_name, window.start, window.end
                    )
            context.log.info(
                f"{len(listings)} pull requests updated in {window.start:%Y-%m-%d}..{window.end:%Y-%m-%d}"
            )
            with warehouse.connect() as conn:
                cache.load_from(
                    conn, [url for item in listings for url in rest_fetch.detail_urls(client, item)]
                )
            fetched = rest_fetch.fetch_pull_request_details(client, listings, github.max_concurrency)
            usage = client.usage
        fetched_at = dt.datetime.now(dt.UTC)
        problems = PullRequestProblems()
        with warehouse.begin() as conn:
            result = load_pull_requests(conn, fetched, days, fetched_at, problems)
            cache.save_to(conn)
            outputs = (
                (
                    PULL_REQUESTS_KEY,
                    result.pull_requests,
                    problems.pull_requests,
                    "staging.github_pull_requests",
                ),
                (REVIEWS_KEY, result.reviews, problems.reviews, "staging.github_pr_reviews"),
                (COMMITS_KEY, result.commits, problems.commits, "staging.github_pr_commits"),
            )
            schemas = {}
            for key, counts, log, staging_table in outputs:
                record_ingestion(
                    conn,
                    run_id=context.run.run_id,
                    asset_key=key,
                    partitions=days,
                    started_at=started_at,
                    rows=counts.raw_rows,
                    problems=log,
                    usage=usage if key == PULL_REQUESTS_KEY else None,
                )
                schemas[key] = asset_metadata.table_schema(conn, staging_table)
        for key, counts, log, _ in outputs:
            extra = (
                {
                    "api_requests_per_pr": round(usage.requests / max(len(fetched), 1), 2),
                    "repositories": len(repos),
                }
                if key == PULL_REQUESTS_KEY
                else {}
            )
            yield dg.MaterializeResult(
                asset_key=key,
                metadata=ingestion_metadata(
                    rows=counts.raw_rows,
                    schema=schemas[key],
                    problems=log,
                    usage=usage if key == PULL_REQUESTS_KEY else None,
                    staged_rows=counts.staged_rows,
                    partitions=len(days),
                    **asset_metadata.partition_counts_metadata(counts.per_partition, days),
                    **extra,
                ),
            )

    return github_pull_requests
