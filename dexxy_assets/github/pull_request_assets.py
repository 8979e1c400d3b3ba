"""Daily pull requests with everything about them: one fetch, six raw assets (raw only; staging is
``github/pull_requests_staged``, derived from raw).

A run covers a whole partition range (``BackfillPolicy.single_run``): each repository's pull requests are
fetched once for the window — REST pages newest-updated first and stops at the window's start; GraphQL
searches ``updated:`` windows — so a 90-day backfill costs one pass.
"""

import datetime as dt

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import graphql_fetch, rest_fetch
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_load import land_pull_requests
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
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
    entities = (ingest.Entity(key, description, table) for key, table, description in ENTITIES.values())
    return github_ingestion_asset(
        "github_pull_requests", entities, _load, partitions, deps=[REPOSITORIES_KEY]
    )


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    github: GitHubResource = run.api
    with github.client(EtagCache()) as client:
        fetched, repositories = fetch_window(
            github, client, github.scope(), run.window, run.warehouse, run.log
        )
    usage = client.usage
    prs = max(len(fetched), 1)
    cost = {
        "fetch_mode": github.resolved_fetch_mode(),
        "repositories": repositories,
        "api_requests_per_pr": round(usage.requests / prs, 3),
        "api_points_per_pr": round(usage.budget_points / prs, 3),
    }

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        load = land_pull_requests(conn, fetched, run.days, dt.datetime.now(dt.UTC))
        client.etag_cache.save_to(conn)
        return {
            key: ingest.Landed(
                rows=load.counts[name].raw_rows,
                per_day=load.counts[name].per_partition,
                problems=load.problems[name],
                usage=usage if name == "pull_requests" else None,
                run_wide=cost if name == "pull_requests" else {},
            )
            for name, (key, _, _) in ENTITIES.items()
        }

    return land
