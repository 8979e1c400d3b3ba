"""The GraphQL bulk path: pull requests with their reviews, commits, files, comments, draft events and
head-commit check runs, read in windowed ``search`` queries.

GitHub's search stops at 1000 results, so a window whose ``issueCount`` is larger is split in two until each
part fits. A pull request whose nested connection holds more than the query asked for is re-read whole over
REST, so nothing is silently cut.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from dexxy_assets.github import graphql_queries, rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.payload_fields import parse_timestamp
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL

SEARCH_RESULT_CAP = 1000


def search_query(repo: str, start: dt.datetime, end: dt.datetime) -> str:
    """``updated:`` is inclusive at both ends; the window is [start, end), so it ends a second earlier."""
    last = end - dt.timedelta(seconds=1)
    return f"repo:{repo} is:pr updated:{_iso(start)}..{_iso(last)} sort:updated-desc"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows_within_cap(
    graphql: GitHubGraphQL, repo: str, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Split [start, end) until each part's search finds at most 1000 pull requests."""
    count = graphql.execute(graphql_queries.COUNT_PULL_REQUESTS, {"query": search_query(repo, start, end)})
    total = count["search"]["issueCount"]
    if total <= SEARCH_RESULT_CAP or end - start <= dt.timedelta(seconds=2):
        yield start, end
        return
    middle = start + (end - start) / 2
    middle = middle.replace(microsecond=0)
    yield from windows_within_cap(graphql, repo, start, middle)
    yield from windows_within_cap(graphql, repo, middle, end)


def search_nodes(graphql: GitHubGraphQL, repo: str, start: dt.datetime, end: dt.datetime) -> Iterator[Any]:
    after: str | None = None
    while True:
        data = graphql.execute(
            graphql_queries.SEARCH_PULL_REQUESTS,
            {"query": search_query(repo, start, end), "first": graphql_queries.PAGE_SIZE, "after": after},
        )
        search = data["search"]
        yield from search.get("nodes") or []
        page = search.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return
        after = page.get("endCursor")


def overflows(node: dict[str, Any]) -> bool:
    """Whether any nested connection holds more than the query fetched."""

    def short(connection: Any) -> bool:
        if not isinstance(connection, dict):
            return False
        return (connection.get("totalCount") or 0) > len(connection.get("nodes") or [])

    connections = [
        node.get(name) for name in ("labels", "timelineItems", "reviews", "commits", "files", "comments")
    ]
    threads = node.get("reviewThreads") or {}
    connections += [threads, *((t or {}).get("comments") for t in threads.get("nodes") or [])]
    for head in (node.get("headCommit") or {}).get("nodes") or []:
        suites = ((head or {}).get("commit") or {}).get("checkSuites") or {}
        connections += [suites, *((s or {}).get("checkRuns") for s in suites.get("nodes") or [])]
    return any(short(c) for c in connections)


def to_fetched(repo: str, node: dict[str, Any], updated_at: dt.datetime) -> FetchedPullRequest:
    """Split a search node into the payload lists the loader takes (children stay GraphQL nodes)."""
    check_runs = []
    for head in (node.get("headCommit") or {}).get("nodes") or []:
        commit = (head or {}).get("commit") or {}
        for suite in (commit.get("checkSuites") or {}).get("nodes") or []:
            for run in ((suite or {}).get("checkRuns") or {}).get("nodes") or []:
                # a run does not name its app or commit: carry them down from its suite and head commit
                check_runs.append({**run, "app": (suite or {}).get("app"), "headSha": commit.get("oid")})
    threads = (node.get("reviewThreads") or {}).get("nodes") or []
    return FetchedPullRequest(
        repo_full_name=repo,
        number=node.get("number") if isinstance(node.get("number"), int) else None,
        updated_at=updated_at,
        detail=node,
        reviews=list((node.get("reviews") or {}).get("nodes") or []),
        commits=list((node.get("commits") or {}).get("nodes") or []),
        files=list((node.get("files") or {}).get("nodes") or []),
        check_runs=check_runs,
        issue_comments=list((node.get("comments") or {}).get("nodes") or []),
        review_comments=[c for t in threads for c in ((t or {}).get("comments") or {}).get("nodes") or []],
        draft_events=list((node.get("timelineItems") or {}).get("nodes") or []),
        payload_format="graphql",
    )


def fetch_pull_requests(
    client: GitHubClient, repos: list[str], start: dt.datetime, end: dt.datetime, concurrency: int
) -> list[FetchedPullRequest]:
    graphql = GitHubGraphQL(client)
    fetched: list[FetchedPullRequest] = []
    overflowing: list[rest_fetch.PullRequestListing] = []
    for repo in repos:
        for window_start, window_end in windows_within_cap(graphql, repo, start, end):
            for node in search_nodes(graphql, repo, window_start, window_end):
                if not isinstance(node, dict) or not node:
                    continue  # search hits that are not pull requests come back as empty objects
                updated_at = parse_timestamp(node.get("updatedAt"))
                if updated_at is None:  # unplaceable: kept in the window's first day, counted by staging
                    fetched.append(to_fetched(repo, node, start))
                    continue
                if not start <= updated_at < end:
                    continue  # search matched on a rounded date; the window is exact
                if overflows(node) and isinstance(node.get("number"), int):
                    overflowing.append(rest_fetch.PullRequestListing(repo, node["number"], updated_at, node))
                else:
                    fetched.append(to_fetched(repo, node, updated_at))
    fetched += rest_fetch.fetch_pull_request_details(client, overflowing, concurrency)
    return fetched
