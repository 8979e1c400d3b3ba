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
from typing import Any

from dexxy_assets.github import graphql_queries, rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest, text_checked
from dexxy_assets.ordered_threads import ordered_map
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


@dataclasses.dataclass(frozen=True)
class UnresolvedHit:
    """A search hit that came back null with a NOT_FOUND error: deleted after GitHub indexed it."""

    error: dict[str, Any]


def search_nodes(
    graphql: GitHubGraphQL, search_scope: str, start: dt.datetime, end: dt.datetime, total: int
) -> Iterator[Any]:
    """The window's search hits: nodes as sent, or an ``UnresolvedHit`` where one came back null."""
    after: str | None = None
    remaining = min(total, SEARCH_RESULT_CAP)
    while remaining > 0:
        data, unresolved = graphql.execute_partial(
            graphql_queries.SEARCH_PULL_REQUESTS,
            {
                "query": search_query(search_scope, start, end),
                "first": min(graphql_queries.PAGE_SIZE, remaining),
                "after": after,
            },
        )
        search = data["search"]
        nodes = search.get("nodes") or []
        errors = {
            e["path"][2]: e
            for e in unresolved
            if len(e["path"]) == 3 and e["path"][:2] == ["search", "nodes"]
        }
        for index, node in enumerate(nodes):
            yield UnresolvedHit(errors[index]) if node is None and index in errors else node
        remaining -= len(nodes)
        page = search.get("pageInfo") or {}
        if not page.get("hasNextPage") or not nodes:
            return
        after = page.get("endCursor")


def _short(connection: Any) -> bool:
    if not isinstance(connection, dict):
        return False
    return (connection.get("totalCount") or 0) > len(connection.get("nodes") or [])


def _head_sha(node: dict[str, Any]) -> str | None:
    oid = node.get("headRefOid")
    return oid if isinstance(oid, str) else None


def listed_head_commit(node: dict[str, Any]) -> dict[str, Any] | None:
    """The pull request's head commit as ``commits(last: 1)`` gave it, when that is the head: GitHub lists at
    most 250 commits, so for a longer pull request it is the 250th, not ``headRefOid``."""
    head_oid = _head_sha(node)
    for item in (node.get("headCommit") or {}).get("nodes") or []:
        commit = (item or {}).get("commit")
        if isinstance(commit, dict) and (head_oid is None or commit.get("oid") == head_oid):
            return commit
    return None


def read_head_commit(graphql: GitHubGraphQL, repo: str, oid: str) -> dict[str, Any] | None:
    """The head commit with its status-check rollup, read by its oid (None when GitHub no longer has it)."""
    owner, _, name = repo.partition("/")
    data = graphql.execute(graphql_queries.HEAD_COMMIT_CHECKS, {"owner": owner, "name": name, "oid": oid})
    commit = (data.get("repository") or {}).get("object")
    return commit if isinstance(commit, dict) else None


def overflowing_children(node: dict[str, Any], head: dict[str, Any] | None = None) -> set[str]:
    """The children whose GraphQL connection holds more than the query fetched (``head``: the head commit
    with its status-check rollup)."""
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
    if _short(_check_contexts(head)):
        overflow.add("check_runs")
    return overflow


def _check_contexts(head: dict[str, Any] | None) -> dict[str, Any]:
    """The head commit's status-check rollup contexts (empty when it has no checks or statuses)."""
    contexts = ((head or {}).get("statusCheckRollup") or {}).get("contexts")
    return contexts if isinstance(contexts, dict) else {}


def head_check_runs(head: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The check runs among the rollup's contexts, each with its suite's app and the head's oid carried down
    (the shape ``raw.github_check_runs`` keeps)."""
    runs = []
    for context in _check_contexts(head).get("nodes") or []:
        if not isinstance(context, dict) or context.get("__typename") != "CheckRun":
            continue  # a commit status: not a check run
        run = {key: value for key, value in context.items() if key not in ("__typename", "checkSuite")}
        runs.append({**run, "app": (context.get("checkSuite") or {}).get("app"), "headSha": head.get("oid")})
    return runs


def to_fetched(
    repo: str, node: dict[str, Any], updated_at: dt.datetime, head: dict[str, Any] | None = None
) -> FetchedPullRequest:
    """Split a search node into the payload lists the loader takes (children stay GraphQL nodes); the check
    runs are those of ``head``, the head commit."""
    check_runs = head_check_runs(head) if head else []
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
    """Re-read the overflowing children over REST (a labels overflow re-reads the whole pull request). A
    pull request that answers 404 meanwhile keeps what was read and says what vanished."""
    if "detail" in children or pr.number is None:
        listing = rest_fetch.PullRequestListing(pr.repo_full_name, pr.number, pr.updated_at, pr.detail)
        reread = rest_fetch.fetch_pull_request_details(client, [listing], 1)[0]
        return dataclasses.replace(pr, vanished=reread.vanished) if reread.vanished else reread
    lists, vanished = rest_fetch.pull_request_lists(
        client, pr.repo_full_name, pr.number, _head_sha(pr.detail), children
    )
    return dataclasses.replace(pr, **lists, rest_children=frozenset(lists), vanished=vanished)


def complete(
    client: GitHubClient, graphql: GitHubGraphQL, repo: str, node: dict[str, Any], updated_at: dt.datetime
) -> FetchedPullRequest:
    """One search node made whole: its head commit's checks read by oid when ``commits(last: 1)`` was not
    the head, and overflowing connections re-read over REST."""
    head = listed_head_commit(node)
    head_oid = _head_sha(node)
    if head is None and head_oid is not None:
        head = read_head_commit(graphql, repo, head_oid)
    pr = to_fetched(repo, node, updated_at, head)
    children = overflowing_children(node, head)
    return complete_over_rest(client, pr, children) if children else pr


def unresolved_hit(hit: UnresolvedHit, window_start: dt.datetime) -> FetchedPullRequest:
    """A null search hit, kept as its error in the window's first day and counted as a vanished pull
    request (it names no repository or number)."""
    message = str(hit.error.get("message") or "null search hit")
    return FetchedPullRequest("", None, window_start, hit.error, payload_format="graphql", vanished=message)


def fetch_pull_requests(
    client: GitHubClient, scope: GitHubScope, start: dt.datetime, end: dt.datetime, concurrency: int
) -> list[FetchedPullRequest]:
    return list(stream_pull_requests(client, scope, start, end, concurrency))


def stream_pull_requests(
    client: GitHubClient, scope: GitHubScope, start: dt.datetime, end: dt.datetime, concurrency: int
) -> Iterator[FetchedPullRequest]:
    """Every pull request updated in [start, end), in search order, each made whole on a few threads as its
    page arrives (``ordered_map``): a window of any size is never held."""
    graphql = GitHubGraphQL(client)
    bad_text_before = client.suspect_bodies

    def made_whole(hit: FetchedPullRequest | tuple[str, dict[str, Any], dt.datetime]) -> FetchedPullRequest:
        return hit if isinstance(hit, FetchedPullRequest) else complete(client, graphql, *hit)

    fetched = ordered_map(made_whole, _search_hits(graphql, scope, start, end), concurrency)
    return text_checked(fetched, lambda: client.suspect_bodies > bad_text_before)


def _search_hits(
    graphql: GitHubGraphQL, scope: GitHubScope, start: dt.datetime, end: dt.datetime
) -> Iterator[FetchedPullRequest | tuple[str, dict[str, Any], dt.datetime]]:
    """Each search hit in the window: a pull request to make whole (repository, node, updated at), or one
    kept as it came (a null hit, an unplaceable node)."""
    for search_scope in search_scopes(scope):
        for window_start, window_end, total in windows_within_cap(graphql, search_scope, start, end):
            for node in search_nodes(graphql, search_scope, window_start, window_end, total):
                if isinstance(node, UnresolvedHit):
                    yield unresolved_hit(node, start)
                    continue
                if not isinstance(node, dict) or not node:
                    continue  # search hits that are not pull requests come back as empty objects
                repo = str((node.get("repository") or {}).get("nameWithOwner") or "")
                if not scope.allows(repo):
                    continue  # an org-wide search also finds repositories outside the allow-list
                updated_at = parse_timestamp(node.get("updatedAt"))
                if updated_at is None:  # unplaceable: kept in the window's first day, counted by staging
                    yield to_fetched(repo, node, start, listed_head_commit(node))
                    continue
                if not start <= updated_at < end:
                    continue  # search matched on a rounded date; the window is exact
                yield repo, node, updated_at
