"""The GraphQL bulk path: pull requests with their reviews, commits, files, comments, draft events and
head-commit check runs, read in windowed ``search`` queries over a whole organisation at once.

GitHub charges a query by the page size it asks for, so each window is counted first (1 point) and its last
page asks for exactly what is left. Search stops at 1000 results: a window with more is split in two until
each part fits. A connection that holds more than the query fetched is re-read over REST for that pull
request only (e.g. its review comments), so nothing is silently cut.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from dexxy_assets.github import graphql_queries, rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.payload_fields import parse_timestamp
from resources.github import GitHubScope
from resources.github_client import GitHubClient
from resources.github_graphql import GitHubGraphQL

SEARCH_RESULT_CAP = 1000
REPOS_PER_QUERY = 5  # GitHub search queries are limited in length and in OR-ed terms


def search_scopes(scope: GitHubScope) -> list[str]:
    """``org:X`` per organisation, or the allow-list as ``repo:`` terms a few at a time."""
    if not scope.repos:
        return [f"org:{org}" for org in scope.orgs]
    repos = sorted(scope.repos)
    return [
        " ".join(f"repo:{r}" for r in repos[i : i + REPOS_PER_QUERY])
        for i in range(0, len(repos), REPOS_PER_QUERY)
    ]


def search_query(search_scope: str, start: dt.datetime, end: dt.datetime) -> str:
    """``updated:`` is inclusive at both ends; the window is [start, end), so it ends a second earlier."""
    last = end - dt.timedelta(seconds=1)
    return f"{search_scope} is:pr updated:{_iso(start)}..{_iso(last)} sort:updated-desc"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows_within_cap(
    graphql: GitHubGraphQL, search_scope: str, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime, int]]:
    """Split [start, end) until each part's search finds at most 1000 pull requests; yield each part with
    its count."""
    count = graphql.execute(
        graphql_queries.COUNT_PULL_REQUESTS, {"query": search_query(search_scope, start, end)}
    )
    total = int(count["search"]["issueCount"])
    if total <= SEARCH_RESULT_CAP or end - start <= dt.timedelta(seconds=2):
        yield start, end, total
        return
    middle = (start + (end - start) / 2).replace(microsecond=0)
    yield from windows_within_cap(graphql, search_scope, start, middle)
    yield from windows_within_cap(graphql, search_scope, middle, end)


def search_nodes(
    graphql: GitHubGraphQL, search_scope: str, start: dt.datetime, end: dt.datetime, total: int
) -> Iterator[Any]:
    after: str | None = None
    remaining = min(total, SEARCH_RESULT_CAP)
    while remaining > 0:
        data = graphql.execute(
            graphql_queries.SEARCH_PULL_REQUESTS,
            {
                "query": search_query(search_scope, start, end),
                "first": min(graphql_queries.PAGE_SIZE, remaining),
                "after": after,
            },
        )
        search = data["search"]
        nodes = search.get("nodes") or []
        yield from nodes
        remaining -= len(nodes)
        page = search.get("pageInfo") or {}
        if not page.get("hasNextPage") or not nodes:
            return
        after = page.get("endCursor")


def _short(connection: Any) -> bool:
    if not isinstance(connection, dict):
        return False
    return (connection.get("totalCount") or 0) > len(connection.get("nodes") or [])


def overflowing_children(node: dict[str, Any]) -> set[str]:
    """The children whose GraphQL connection holds more than the query fetched."""
    overflow = {
        child
        for child, connection in (
            ("reviews", "reviews"),
            ("commits", "commits"),
            ("files", "files"),
            ("issue_comments", "comments"),
            ("draft_events", "timelineItems"),
            ("detail", "labels"),
        )
        if _short(node.get(connection))
    }
    threads = node.get("reviewThreads") or {}
    if _short(threads) or any(_short((t or {}).get("comments")) for t in threads.get("nodes") or []):
        overflow.add("review_comments")
    for head in (node.get("headCommit") or {}).get("nodes") or []:
        suites = ((head or {}).get("commit") or {}).get("checkSuites") or {}
        if _short(suites) or any(_short((s or {}).get("checkRuns")) for s in suites.get("nodes") or []):
            overflow.add("check_runs")
    return overflow


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


def complete_over_rest(
    client: GitHubClient, pr: FetchedPullRequest, children: set[str]
) -> FetchedPullRequest:
    """Re-read the overflowing children over REST (a labels overflow re-reads the whole pull request)."""
    if "detail" in children or pr.number is None:
        listing = rest_fetch.PullRequestListing(pr.repo_full_name, pr.number, pr.updated_at, pr.detail)
        return rest_fetch.fetch_pull_request_details(client, [listing], 1)[0]
    lists = rest_fetch.pull_request_lists(
        client, pr.repo_full_name, pr.number, _head_sha(pr.detail), children
    )
    return dataclasses.replace(pr, **lists, rest_children=frozenset(children))


def _head_sha(node: dict[str, Any]) -> str | None:
    oid = node.get("headRefOid")
    return oid if isinstance(oid, str) else None


def fetch_pull_requests(
    client: GitHubClient, scope: GitHubScope, start: dt.datetime, end: dt.datetime, concurrency: int
) -> list[FetchedPullRequest]:
    graphql = GitHubGraphQL(client)
    fetched: list[FetchedPullRequest] = []
    incomplete: list[tuple[FetchedPullRequest, set[str]]] = []
    for search_scope in search_scopes(scope):
        for window_start, window_end, total in windows_within_cap(graphql, search_scope, start, end):
            for node in search_nodes(graphql, search_scope, window_start, window_end, total):
                if not isinstance(node, dict) or not node:
                    continue  # search hits that are not pull requests come back as empty objects
                repo = str((node.get("repository") or {}).get("nameWithOwner") or "")
                if not scope.allows(repo):
                    continue  # an org-wide search also finds repositories outside the allow-list
                updated_at = parse_timestamp(node.get("updatedAt"))
                if updated_at is None:  # unplaceable: kept in the window's first day, counted by staging
                    fetched.append(to_fetched(repo, node, start))
                    continue
                if not start <= updated_at < end:
                    continue  # search matched on a rounded date; the window is exact
                pr = to_fetched(repo, node, updated_at)
                children = overflowing_children(node)
                if children:
                    incomplete.append((pr, children))
                else:
                    fetched.append(pr)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        fetched += pool.map(lambda item: complete_over_rest(client, *item), incomplete)
    return fetched
