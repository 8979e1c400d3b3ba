"""Issues and their comments updated in a window, for one repository, over REST or GraphQL.

REST (``GITHUB_FETCH_MODE=rest``): ``/issues?state=all&sort=updated&direction=asc&since=START`` lists issues
*and pull requests*; pull requests (the items with a ``pull_request`` key) are skipped, they are
``github/pull_requests``' business. Each issue's ``/timeline`` is read for its state changes (closed by which
commit, reopened, transferred): one request per issue, except an issue untouched since it was opened (open,
no state reason, ``updated_at`` = ``created_at``): closing, reopening or transferring it would have moved
``updated_at``, so its timeline holds none and is kept as ``[]`` unread. Any other open issue is read: a
transfer leaves no trace in the issue's REST payload. Comments come from the repository-wide
``/issues/comments?sort=updated&direction=asc&since=START``, which lists pull requests' conversation comments
too: those (an ``html_url`` under ``/pull/``) are skipped. Both listings stop at the window's end.

GraphQL: ``repository.issues(filterBy: {since}, orderBy: UPDATED_AT ASC)`` with labels, assignees, comments
and the state timeline in one query. An issue updated after the window may hold a comment edited inside
it, so the listing is read to its end; only the window's records are kept. A list longer than the query
asked for (more than 100 comments, say) is read on from its ``endCursor`` for that issue only
(``connection_pages``): an issue is staged the same in both modes. One that GitHub no longer resolves
meanwhile keeps what the listing gave (``issue.vanished_while_read``); a list still short is counted
(``issue.comments_truncated``), never silently cut.

Records land on the UTC day of their ``updated_at`` (the window's first day when unreadable: staging counts
it). The payloads are kept as GitHub sent them; a GraphQL issue's comments move to their own raw rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github import connection_pages, issue_queries
from dexxy_assets.payload_fields import parse_timestamp
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb
from resources.github_client import GitHubClient
from resources.github_errors import GitHubError, GitHubNotFoundError
from resources.github_graphql import GitHubGraphQL
from resources.github_names import repo_path


@dataclass(frozen=True)
class IssueRecord:
    """One raw issue row."""

    day: dt.date
    repo_full_name: str
    issue_id: int | None
    node_id: str | None
    number: int | None
    payload_format: str
    payload: Any
    timeline: list[Any] | None = None

    def raw_row(self, fetched_at: dt.datetime) -> dict[str, Any]:
        return {
            "partition_date": self.day,
            "repo_full_name": self.repo_full_name,
            "issue_id": self.issue_id,
            "issue_node_id": self.node_id,
            "issue_number": self.number,
            "fetched_at": fetched_at,
            "payload_format": self.payload_format,
            "payload": Jsonb(self.payload),
            "timeline": None if self.timeline is None else Jsonb(self.timeline),
        }


@dataclass(frozen=True)
class CommentRecord:
    """One raw issue-comment row."""

    day: dt.date
    repo_full_name: str
    comment_id: int | None
    issue_number: int | None
    payload_format: str
    payload: Any

    def raw_row(self, fetched_at: dt.datetime) -> dict[str, Any]:
        return {
            "partition_date": self.day,
            "repo_full_name": self.repo_full_name,
            "comment_id": self.comment_id,
            "issue_number": self.issue_number,
            "fetched_at": fetched_at,
            "payload_format": self.payload_format,
            "payload": Jsonb(self.payload),
        }


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _updated(payload: Any, key: str) -> dt.datetime | None:
    return parse_timestamp(payload.get(key)) if isinstance(payload, dict) else None


def _day(moment: dt.datetime | None, start: dt.datetime) -> dt.date:
    return (moment or start).astimezone(dt.UTC).date()


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----- REST -----
GONE = 410  # an issue deleted where the token can read: staged as listed, without its timeline


def _sorted_since(
    client: GitHubClient, path: str, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[Any, dt.datetime | None]]:
    """The items of a ``sort=updated&direction=asc&since=`` listing updated before ``end``."""
    params = {"sort": "updated", "direction": "asc", "since": _iso(start)}
    if path.endswith("/issues"):
        params["state"] = "all"
    for page in client.pages(path, params):
        for payload in page:
            updated = _updated(payload, "updated_at")
            if updated is not None and updated >= end:
                return
            yield payload, updated


def state_changes_possible(payload: Any) -> bool:
    """Whether the issue's timeline may hold a state change: False only for one untouched since it was
    opened (open, no state reason, ``updated_at`` = ``created_at``; any close, reopen or transfer moves
    ``updated_at``). Unreadable times: True (read it)."""
    if not isinstance(payload, dict) or payload.get("state") != "open" or payload.get("state_reason"):
        return True
    created, updated = _updated(payload, "created_at"), _updated(payload, "updated_at")
    return created is None or updated is None or updated != created


def fetch_issues_rest(
    client: GitHubClient, repo: str, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> tuple[list[IssueRecord], list[CommentRecord]]:
    issues: list[IssueRecord] = []
    for payload, updated in _sorted_since(client, repo_path(repo, "issues"), start, end):
        if isinstance(payload, dict) and "pull_request" in payload:
            continue
        number = _int(payload.get("number")) if isinstance(payload, dict) else None
        timeline: list[Any] | None = None
        if number is not None and not state_changes_possible(payload):
            timeline = []  # known empty: nothing to ask
        elif number is not None:
            try:
                timeline = list(client.paginate(repo_path(repo, "issues", number, "timeline")))
            except GitHubError as error:  # deleted since it was listed (404, or GitHub's 410 Gone)
                if not isinstance(error, GitHubNotFoundError) and error.status != GONE:
                    raise
                problems.add("issue.timeline_unavailable", _day(updated, start), f"{repo}#{number}")
        record = IssueRecord(
            _day(updated, start),
            repo,
            _int(payload.get("id")) if isinstance(payload, dict) else None,
            _text(payload.get("node_id")) if isinstance(payload, dict) else None,
            number,
            "rest",
            payload,
            timeline,
        )
        issues.append(record)
    comments: list[CommentRecord] = []
    for payload, updated in _sorted_since(client, repo_path(repo, "issues", "comments"), start, end):
        html = _text(payload.get("html_url")) if isinstance(payload, dict) else None
        if html is not None and "/pull/" in html:
            continue  # a pull request's conversation: github/pull_requests reads those
        issue_url = _text(payload.get("issue_url")) if isinstance(payload, dict) else None
        tail = issue_url.rsplit("/", 1)[-1] if issue_url else ""
        comments.append(
            CommentRecord(
                _day(updated, start),
                repo,
                _int(payload.get("id")) if isinstance(payload, dict) else None,
                int(tail) if tail.isdigit() else None,
                "rest",
                payload,
            )
        )
    return issues, comments


# ----- GraphQL -----
ISSUE_CHILDREN = tuple(issue_queries.ISSUE_CONNECTIONS)


def _connection_nodes(node: dict[str, Any], name: str) -> list[Any]:
    connection = node.get(name)
    return list(connection.get("nodes") or []) if isinstance(connection, dict) else []


def made_whole(
    graphql: GitHubGraphQL,
    repo: str,
    node: dict[str, Any],
    children: tuple[str, ...],
    problems: ProblemLog,
    day: dt.date,
) -> dict[str, Any]:
    """The issue node with each of ``children`` that the listing cut short read to its end, and each of
    them as ``{totalCount, nodes}``."""
    owner, _, name = repo.partition("/")
    number = _int(node.get("number"))
    whole = {**node}
    vanished: str | None = None
    for child in children:
        if not isinstance(node.get(child), dict):
            continue
        reader = connection_pages.Owner(
            issue_queries.ISSUE_CONNECTION_PAGES[child],
            {"owner": owner, "name": name, "number": number},
            ("repository", "issue"),
            "issue",
            day,
            f"{repo}#{number}",
        )
        # once gone, the other lists stay as the listing gave them
        whole[child], gone = connection_pages.completed(
            graphql, reader, child, node[child], problems, ask=vanished is None
        )
        vanished = vanished or gone
    return whole


def fetch_issues_graphql(
    graphql: GitHubGraphQL, repo: str, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> tuple[list[IssueRecord], list[CommentRecord]]:
    owner, _, name = repo.partition("/")
    issues: list[IssueRecord] = []
    comments: list[CommentRecord] = []
    after: str | None = None
    while True:
        data = graphql.execute(
            issue_queries.REPOSITORY_ISSUES,
            {"owner": owner, "name": name, "since": _iso(start), "after": after},
        )
        connection = (data.get("repository") or {}).get("issues") or {}
        for node in connection.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            number = _int(node.get("number"))
            updated = _updated(node, "updatedAt")
            kept = updated is None or start <= updated < end
            day = _day(updated if kept else None, start)
            # an issue updated after the window is only read for its comments edited inside it
            node = made_whole(graphql, repo, node, ISSUE_CHILDREN if kept else ("comments",), problems, day)
            for comment in _connection_nodes(node, "comments"):
                changed = _updated(comment, "updatedAt")
                if changed is None or start <= changed < end:
                    comment_id = _int(comment.get("databaseId")) if isinstance(comment, dict) else None
                    comments.append(
                        CommentRecord(_day(changed, start), repo, comment_id, number, "graphql", comment)
                    )
            if not kept:
                continue
            payload = {**node}
            if isinstance(node.get("comments"), dict):  # the comments have raw rows of their own
                payload["comments"] = {"totalCount": node["comments"].get("totalCount")}
            issues.append(
                IssueRecord(
                    day, repo, _int(node.get("databaseId")), _text(node.get("id")), number, "graphql", payload
                )
            )
        page = connection.get("pageInfo") or {}
        if not page.get("hasNextPage") or not connection.get("nodes"):
            return issues, comments
        after = page.get("endCursor")
