"""Daily pull requests with everything about them: one fetch, six raw assets (raw only; staging is
``github/pull_requests_staged``, derived from raw).

A run covers a whole partition range (``BackfillPolicy.single_run``): each repository's pull requests are
fetched once for the window — REST pages newest-updated first and stops at the window's start; GraphQL
searches ``updated:`` windows — so a 90-day backfill costs one pass.
"""

import datetime as dt
from collections.abc import Iterator

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import graphql_fetch, rest_fetch
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_load import PullRequestSpool
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
) -> tuple[Iterator[FetchedPullRequest], int]:
    """Every pull request updated in the window with its children, streamed (over REST a listing page at a
    time, its ETags warmed in one query); and how many repositories are read."""
    repos = rest_fetch.repository_names(client, scope)
    if github.resolved_fetch_mode() == "graphql":
        fetched = graphql_fetch.stream_pull_requests(
            client, scope, window.start, window.end, github.max_concurrency
        )
        return fetched, len(repos)

    def listed(name: str) -> Iterator[rest_fetch.PullRequestListing]:
        """The repository's listing a page at a time, each page's ETags warmed in one query."""
        for page in rest_fetch.updated_pull_request_pages(client, name, window.start, window.end):
            with warehouse.connect() as conn:
                client.etag_cache.load_from(
                    conn, [url for item in page for url in rest_fetch.detail_urls(client, item)]
                )
            yield from page

    def repository(name: str) -> Iterator[FetchedPullRequest]:
        yield from rest_fetch.stream_pull_request_details(client, listed(name), github.max_concurrency)

    return (pr for name in repos for pr in repository(name)), len(repos)


def build_pull_request_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    entities = (ingest.Entity(key, description, table) for key, table, description in ENTITIES.values())
    return github_ingestion_asset(
        "github_pull_requests", entities, _load, partitions, deps=[REPOSITORIES_KEY]
    )


def _load(run: ingest.IngestionRun) -> ingest.LandingStep:
    github: GitHubResource = run.api
    spool = PullRequestSpool(dt.datetime.now(dt.UTC))
    with github.client(EtagCache()) as client:
        fetched, repositories = fetch_window(
            github, client, github.scope(), run.window, run.warehouse, run.log
        )
        for pr in fetched:
            spool.add(pr)
    window = f"{run.window.start:%Y-%m-%d}..{run.window.end:%Y-%m-%d}"
    run.log.info(f"{spool.pull_requests} pull requests updated in {window}")
    usage = client.usage
    prs = max(spool.pull_requests, 1)
    cost = {
        "fetch_mode": github.resolved_fetch_mode(),
        "repositories": repositories,
        "api_requests_per_pr": round(usage.requests / prs, 3),
        "api_points_per_pr": round(usage.budget_points / prs, 3),
    }

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        try:
            load = spool.land(conn, run.days)
        finally:
            spool.close()
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
