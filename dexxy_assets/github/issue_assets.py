"""``github/issues`` with ``github/issue_comments``, and ``github/discussions`` with
``github/discussion_comments`` (raw): what was updated on each partition's day, per repository in scope.

Built by the ingestion-asset factory and landed with ``RawSpool`` a repository at a time. Issues and their
comments follow ``GITHUB_FETCH_MODE`` (``issue_fetch``); discussions are read over GraphQL in both modes,
since GitHub's REST API has none (``discussion_fetch``). After listing, the discussions staged before are
looked up by node id: one GitHub no longer resolves gets a ``deleted`` raw row on the run's last day, so
staging keeps its last seen version flagged ``is_deleted`` (flagged ones are asked again, so re-fetching
that day keeps the row and a re-staging from raw flags it again).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import ingestion_asset as ingest
from dexxy_assets.github import rest_fetch
from dexxy_assets.github.asset_settings import github_ingestion_asset
from dexxy_assets.github.discussion_fetch import DiscussionRecord, fetch_discussions, vanished_discussions
from dexxy_assets.github.issue_fetch import fetch_issues_graphql, fetch_issues_rest
from dexxy_assets.github.snapshot_assets import REPOSITORIES_KEY
from dexxy_assets.problems import ProblemLog
from dexxy_assets.raw_spool import RawSpool
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL

ISSUES_KEY = dg.AssetKey(["github", "issues"])
ISSUE_COMMENTS_KEY = dg.AssetKey(["github", "issue_comments"])
DISCUSSIONS_KEY = dg.AssetKey(["github", "discussions"])
DISCUSSION_COMMENTS_KEY = dg.AssetKey(["github", "discussion_comments"])
ISSUE_COLUMNS = (
    "partition_date",
    "repo_full_name",
    "issue_id",
    "issue_node_id",
    "issue_number",
    "fetched_at",
    "payload_format",
    "payload",
    "timeline",
)
ISSUE_COMMENT_COLUMNS = (
    "partition_date",
    "repo_full_name",
    "comment_id",
    "issue_number",
    "fetched_at",
    "payload_format",
    "payload",
)
DISCUSSION_COLUMNS = (
    "partition_date",
    "repo_full_name",
    "discussion_id",
    "discussion_node_id",
    "fetched_at",
    "payload_format",
    "payload",
)
DISCUSSION_COMMENT_COLUMNS = (
    "partition_date",
    "repo_full_name",
    "comment_node_id",
    "discussion_node_id",
    "fetched_at",
    "payload",
)
_STAGED_DISCUSSIONS = (
    "SELECT discussion_node_id, repo_full_name FROM staging.github_discussions "
    "WHERE repo_full_name = ANY(:repos) ORDER BY discussion_node_id"
)


class _Spools:
    """One spool per raw table, with per-day counts."""

    def __init__(self, tables: dict[dg.AssetKey, tuple[str, Sequence[str]]]) -> None:
        self.spools = {key: RawSpool(table, list(columns)) for key, (table, columns) in tables.items()}
        self.per_day: dict[dg.AssetKey, Counter[dt.date]] = {key: Counter() for key in tables}

    def add(self, key: dg.AssetKey, row: dict[str, Any], days: list[dt.date]) -> None:
        if row["partition_date"] in days:
            self.spools[key].add(row)
            self.per_day[key][row["partition_date"]] += 1

    def land(
        self,
        conn: Connection,
        days: list[dt.date],
        problems: ProblemLog,
        run_wide: dict[str, Any],
        usage: Any,
    ) -> dict[dg.AssetKey, ingest.Landed]:
        landed = {}
        try:
            for index, (key, spool) in enumerate(self.spools.items()):
                written = spool.land(conn, days)
                landed[key] = ingest.Landed(
                    rows=written,
                    per_day=self.per_day[key],
                    problems=problems if index == 0 else ProblemLog(),  # counted once, on the first entity
                    usage=usage if index == 0 else None,
                    run_wide=run_wide,
                )
        finally:
            for spool in self.spools.values():
                spool.close()
        return landed


# (client, graphql, repo, window start, window end, problems, fetched_at) -> (entity, raw row) of the repo
FetchRepository = Callable[
    [GitHubClient, GitHubGraphQL, str, dt.datetime, dt.datetime, ProblemLog, dt.datetime],
    Iterable[tuple[dg.AssetKey, dict[str, Any]]],
]
# after the repositories: (run, graphql, repositories, spools, problems, fetched_at) -> run-wide metadata
AfterFetch = Callable[
    [ingest.IngestionRun, GitHubGraphQL, list[str], "_Spools", ProblemLog, dt.datetime], dict[str, Any]
]


def _load_by_repository(
    run: ingest.IngestionRun,
    tables: dict[dg.AssetKey, tuple[str, Sequence[str]]],
    fetch: FetchRepository,
    after: AfterFetch | None = None,
    run_wide: dict[str, Any] | None = None,
) -> ingest.LandingStep:
    """Fetch each repository in scope into spools (one per raw table), then land them all at once."""
    github: GitHubResource = run.api
    problems, spools = ProblemLog(), _Spools(tables)
    fetched_at = dt.datetime.now(dt.UTC)
    shown = dict(run_wide or {})
    with github.client() as client:
        repos = rest_fetch.repository_names(client, github.scope())
        graphql = GitHubGraphQL(client)
        for repo in repos:
            for key, row in fetch(
                client, graphql, repo, run.window.start, run.window.end, problems, fetched_at
            ):
                spools.add(key, row, run.days)
        if after is not None:
            shown.update(after(run, graphql, repos, spools, problems, fetched_at))
        usage = client.usage
    shown["repositories"] = len(repos)

    def land(conn: Connection) -> dict[dg.AssetKey, ingest.Landed]:
        return spools.land(conn, run.days, problems, shown, usage)

    return land


def _issue_fetch(mode: str) -> FetchRepository:
    def fetch(
        client: GitHubClient,
        graphql: GitHubGraphQL,
        repo: str,
        start: dt.datetime,
        end: dt.datetime,
        problems: ProblemLog,
        fetched_at: dt.datetime,
    ) -> list[tuple[dg.AssetKey, dict[str, Any]]]:
        if mode == "rest":
            issues, comments = fetch_issues_rest(client, repo, start, end, problems)
        else:
            issues, comments = fetch_issues_graphql(graphql, repo, start, end, problems)
        return [(ISSUES_KEY, issue.raw_row(fetched_at)) for issue in issues] + [
            (ISSUE_COMMENTS_KEY, comment.raw_row(fetched_at)) for comment in comments
        ]

    return fetch


def build_issue_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    tables = {
        ISSUES_KEY: ("raw.github_issues", ISSUE_COLUMNS),
        ISSUE_COMMENTS_KEY: ("raw.github_issue_comments", ISSUE_COMMENT_COLUMNS),
    }

    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        mode = run.api.resolved_fetch_mode()
        return _load_by_repository(run, tables, _issue_fetch(mode), run_wide={"fetch_mode": mode})

    entities = [
        ingest.Entity(
            ISSUES_KEY,
            "GitHub issues updated on the partition's day (raw JSON, never pull requests), with their "
            "state timeline (closed by which commit, reopened, transferred); REST or GraphQL per "
            "GITHUB_FETCH_MODE.",
            "raw.github_issues",
        ),
        ingest.Entity(
            ISSUE_COMMENTS_KEY,
            "Comments on GitHub issues updated on the partition's day (raw JSON; pull requests' comments are "
            "github/pull_requests').",
            "raw.github_issue_comments",
        ),
    ]
    return github_ingestion_asset("github__issues", entities, load, partitions, deps=[REPOSITORIES_KEY])


def _discussion_fetch(
    client: GitHubClient,
    graphql: GitHubGraphQL,
    repo: str,
    start: dt.datetime,
    end: dt.datetime,
    problems: ProblemLog,
    fetched_at: dt.datetime,
) -> list[tuple[dg.AssetKey, dict[str, Any]]]:
    discussions, comments = fetch_discussions(graphql, repo, start, end, problems)
    return [(DISCUSSIONS_KEY, d.raw_row(fetched_at)) for d in discussions] + [
        (DISCUSSION_COMMENTS_KEY, c.raw_row(fetched_at)) for c in comments
    ]


def _sweep_deleted(
    run: ingest.IngestionRun,
    graphql: GitHubGraphQL,
    repos: list[str],
    spools: _Spools,
    problems: ProblemLog,
    fetched_at: dt.datetime,
) -> dict[str, Any]:
    """A ``deleted`` row, on the run's last day, for each staged discussion GitHub no longer resolves."""
    with run.warehouse.connect() as conn:
        staged = conn.execute(text(_STAGED_DISCUSSIONS), {"repos": repos}).all()
    gone = vanished_discussions(graphql, [row.discussion_node_id for row in staged])
    day = run.days[-1]
    for row in staged:
        if row.discussion_node_id in gone:
            answer = gone[row.discussion_node_id]
            record = DiscussionRecord(
                day, row.repo_full_name, None, row.discussion_node_id, "deleted", answer
            )
            spools.add(DISCUSSIONS_KEY, record.raw_row(fetched_at), run.days)
            problems.add("discussion.deleted", day, row.discussion_node_id)
    return {"deleted_found": len(gone)}


def build_discussion_assets(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    tables = {
        DISCUSSIONS_KEY: ("raw.github_discussions", DISCUSSION_COLUMNS),
        DISCUSSION_COMMENTS_KEY: ("raw.github_discussion_comments", DISCUSSION_COMMENT_COLUMNS),
    }

    def load(run: ingest.IngestionRun) -> ingest.LandingStep:
        return _load_by_repository(run, tables, _discussion_fetch, after=_sweep_deleted)

    entities = [
        ingest.Entity(
            DISCUSSIONS_KEY,
            "GitHub discussions updated on the partition's day (raw JSON, GraphQL in both fetch modes), "
            "and a deleted row for a staged discussion GitHub no longer resolves.",
            "raw.github_discussions",
        ),
        ingest.Entity(
            DISCUSSION_COMMENTS_KEY,
            "Discussion comments and replies updated on the partition's day (raw JSON, GraphQL).",
            "raw.github_discussion_comments",
        ),
    ]
    return github_ingestion_asset("github__discussions", entities, load, partitions, deps=[REPOSITORIES_KEY])
