"""Discussions and their comments updated in a window, for one repository, over GraphQL in both fetch modes
(GitHub's REST API has no repository discussions).

``repository.discussions(orderBy: UPDATED_AT DESC)`` with each discussion's comments and their replies;
the listing stops at the first discussion last updated before the window (a comment or reply updates its
discussion, so nothing older holds one of the window's comments). A comment or reply list longer than the
query asked for is read on from its ``endCursor`` for that discussion or comment only (``connection_pages``);
one GitHub no longer resolves meanwhile keeps what was read (``discussion.vanished_while_read``), and a list
still short is counted (``discussion.comments_truncated``, ``discussion.replies_truncated``).

GitHub lists no deleted discussions, so ``vanished_discussions`` asks, a hundred node ids at a time, whether
each discussion staged before still exists: one that comes back null is gone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from dexxy_assets.github import connection_pages, issue_queries
from dexxy_assets.payload_fields import parse_timestamp
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import Jsonb
from resources.github_graphql import GitHubGraphQL

NODES_PER_QUERY = 100


@dataclass(frozen=True)
class DiscussionRecord:
    day: dt.date
    repo_full_name: str
    discussion_id: int | None
    node_id: str | None
    payload_format: str  # graphql, or deleted
    payload: Any

    def raw_row(self, fetched_at: dt.datetime) -> dict[str, Any]:
        return {
            "partition_date": self.day,
            "repo_full_name": self.repo_full_name,
            "discussion_id": self.discussion_id,
            "discussion_node_id": self.node_id,
            "fetched_at": fetched_at,
            "payload_format": self.payload_format,
            "payload": Jsonb(self.payload),
        }


@dataclass(frozen=True)
class DiscussionCommentRecord:
    day: dt.date
    repo_full_name: str
    node_id: str | None
    discussion_node_id: str | None
    payload: Any

    def raw_row(self, fetched_at: dt.datetime) -> dict[str, Any]:
        return {
            "partition_date": self.day,
            "repo_full_name": self.repo_full_name,
            "comment_node_id": self.node_id,
            "discussion_node_id": self.discussion_node_id,
            "fetched_at": fetched_at,
            "payload": Jsonb(self.payload),
        }


def _updated(node: Any) -> dt.datetime | None:
    return parse_timestamp(node.get("updatedAt")) if isinstance(node, dict) else None


def _day(moment: dt.datetime | None, start: dt.datetime) -> dt.date:
    return (moment or start).astimezone(dt.UTC).date()


def whole_thread(
    graphql: GitHubGraphQL, repo: str, node: dict[str, Any], problems: ProblemLog, day: dt.date
) -> list[dict[str, Any]]:
    """The discussion's comments, each followed by its replies, every list read to its end."""
    owner, _, name = repo.partition("/")
    number = node.get("number")
    comments = connection_pages.Owner(
        issue_queries.DISCUSSION_COMMENTS_PAGE,
        {"owner": owner, "name": name, "number": number if isinstance(number, int) else None},
        ("repository", "discussion"),
        "discussion",
        day,
        f"{repo}#{number}",
    )
    listed, _ = connection_pages.completed(graphql, comments, "comments", node.get("comments"), problems)
    thread: list[dict[str, Any]] = []
    for comment in listed["nodes"]:
        if not isinstance(comment, dict):
            continue
        replies = connection_pages.Owner(
            issue_queries.DISCUSSION_REPLIES_PAGE,
            {"id": comment.get("id")},
            ("node",),
            "discussion",
            day,
            comments.example,
        )
        answered, _ = connection_pages.completed(
            graphql, replies, "replies", comment.get("replies"), problems
        )
        thread += [_without_nodes(comment, "replies"), *(r for r in answered["nodes"] if isinstance(r, dict))]
    return thread


def _without_nodes(node: dict[str, Any], child: str) -> dict[str, Any]:
    """The node without a child list whose items have raw rows of their own (its totalCount stays)."""
    payload = {**node}
    if isinstance(node.get(child), dict):
        payload[child] = {"totalCount": node[child].get("totalCount")}
    return payload


def fetch_discussions(
    graphql: GitHubGraphQL, repo: str, start: dt.datetime, end: dt.datetime, problems: ProblemLog
) -> tuple[list[DiscussionRecord], list[DiscussionCommentRecord]]:
    owner, _, name = repo.partition("/")
    discussions: list[DiscussionRecord] = []
    comments: list[DiscussionCommentRecord] = []
    after: str | None = None
    while True:
        data = graphql.execute(
            issue_queries.REPOSITORY_DISCUSSIONS, {"owner": owner, "name": name, "after": after}
        )
        connection = (data.get("repository") or {}).get("discussions") or {}
        for node in connection.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            updated = _updated(node)
            if updated is not None and updated < start:
                return discussions, comments  # newest first: the rest is older still
            day = _day(updated, start)
            node_id = node.get("id") if isinstance(node.get("id"), str) else None
            for item in whole_thread(graphql, repo, node, problems, day):
                changed = _updated(item)
                if changed is None or start <= changed < end:
                    item_id = item.get("id") if isinstance(item.get("id"), str) else None
                    comments.append(
                        DiscussionCommentRecord(_day(changed, start), repo, item_id, node_id, item)
                    )
            if updated is None or updated < end:
                database_id = node.get("databaseId")
                discussions.append(
                    DiscussionRecord(
                        day,
                        repo,
                        database_id if isinstance(database_id, int) else None,
                        node_id,
                        "graphql",
                        _without_nodes(node, "comments"),
                    )
                )
        page = connection.get("pageInfo") or {}
        if not page.get("hasNextPage") or not connection.get("nodes"):
            return discussions, comments
        after = page.get("endCursor")


def vanished_discussions(graphql: GitHubGraphQL, node_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The node ids among ``node_ids`` that GitHub no longer resolves, each with what it answered."""
    ids = list(node_ids)
    gone: dict[str, dict[str, Any]] = {}
    for first in range(0, len(ids), NODES_PER_QUERY):
        batch = ids[first : first + NODES_PER_QUERY]
        data, unresolved = graphql.execute_partial(issue_queries.DISCUSSIONS_EXIST, {"ids": batch})
        errors = {e["path"][1]: e for e in unresolved if len(e.get("path") or []) == 2}
        for index, (node_id, node) in enumerate(zip(batch, data.get("nodes") or [], strict=False)):
            if node is None:
                error = errors.get(index) or {"type": "NOT_FOUND", "message": "the node lookup answered null"}
                gone[node_id] = {"id": node_id, "deleted": True, "error": error}
    return gone
