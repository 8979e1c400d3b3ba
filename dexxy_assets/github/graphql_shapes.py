"""GraphQL nodes (as ``graphql_queries`` asks for them) → the REST payload shapes staging reads.

Only the fields staging uses are mapped; raw keeps the GraphQL node verbatim. Anything that is not an object
passes through unchanged, so staging counts it as the bad input it is.
"""

from __future__ import annotations

import re
from typing import Any

_PR_STATES = {"OPEN": "open", "CLOSED": "closed", "MERGED": "closed"}
_FILE_STATUS = {
    "ADDED": "added",
    "DELETED": "removed",
    "MODIFIED": "modified",
    "RENAMED": "renamed",
    "COPIED": "copied",
    "CHANGED": "changed",
}
_BOT_NOREPLY = re.compile(r"^(\d+)\+([^@\s]+\[bot\])@users\.noreply\.github\.com$")
_DRAFT_EVENTS = {"ReadyForReviewEvent": "ready_for_review", "ConvertToDraftEvent": "convert_to_draft"}


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def actor(node: Any) -> dict[str, Any] | None:
    """GraphQL ``Actor`` → REST ``simple-user`` (login, id, type); None for a deleted account."""
    if not isinstance(node, dict):
        return None
    login = node.get("login")
    if node.get("__typename") == "Bot" and isinstance(login, str) and not login.endswith("[bot]"):
        login = f"{login}[bot]"  # GraphQL says "dependabot", REST "dependabot[bot]": keep REST's
    return {
        "login": login,
        "id": node.get("databaseId"),
        "type": "Bot" if node.get("__typename") == "Bot" else "User",
    }


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def pull_request(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    state = node.get("state")
    return {
        "id": node.get("databaseId"),
        "number": node.get("number"),
        "title": node.get("title"),
        "body": node.get("body"),
        "html_url": node.get("url"),
        "state": _PR_STATES.get(state, _lower(state)),
        "draft": node.get("isDraft"),
        "merged": state == "MERGED" if state is not None else None,
        "user": actor(node.get("author")),
        "head": {"ref": node.get("headRefName"), "sha": node.get("headRefOid")},
        "base": {"ref": node.get("baseRefName")},
        "merge_commit_sha": _get(node, "mergeCommit", "oid"),
        "merged_by": actor(node.get("mergedBy")),
        "additions": node.get("additions"),
        "deletions": node.get("deletions"),
        "changed_files": node.get("changedFiles"),
        "commits": _get(node, "commits", "totalCount"),
        "comments": _get(node, "comments", "totalCount"),
        "review_comments": _review_comment_total(node),
        "labels": [
            {"name": label.get("name")}
            for label in _get(node, "labels", "nodes") or []
            if isinstance(label, dict)
        ],
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "closed_at": node.get("closedAt"),
        "merged_at": node.get("mergedAt"),
    }


def _review_comment_total(node: dict[str, Any]) -> int | None:
    threads = _get(node, "reviewThreads", "nodes")
    if not isinstance(threads, list):
        return None
    return sum(_get(thread, "comments", "totalCount") or 0 for thread in threads)


def review(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    return {
        "id": node.get("databaseId"),
        "user": actor(node.get("author")),
        "state": node.get("state"),
        "body": node.get("body"),
        "commit_id": _get(node, "commit", "oid"),
        "submitted_at": node.get("submittedAt"),
    }


def commit(node: Any) -> Any:
    """A ``PullRequestCommit`` node (``{commit {…}}``) → REST ``commit``."""
    inner = node.get("commit") if isinstance(node, dict) else None
    if not isinstance(inner, dict):
        return node
    user = _get(inner, "author", "user")
    parents = _get(inner, "parents", "totalCount")  # not asked for (a nested connection per commit): None
    return {
        "sha": inner.get("oid"),
        "commit": {
            "message": inner.get("message"),
            "author": {
                "name": _get(inner, "author", "name"),
                "email": _get(inner, "author", "email"),
                "date": inner.get("authoredDate"),
            },
            "committer": {"date": inner.get("committedDate")},
        },
        "author": {"login": user.get("login"), "id": user.get("databaseId")}
        if isinstance(user, dict)
        else _bot_from_noreply(_get(inner, "author", "email")),
        "committer": {"login": _get(inner, "committer", "user", "login")}
        if _get(inner, "committer", "user")
        else None,
        "parents": [{}] * parents if isinstance(parents, int) else None,
    }


def _bot_from_noreply(email: Any) -> dict[str, Any] | None:
    """GraphQL links commit authors to Users only, so a bot's commit has no ``user``; REST names the bot. Its
    ``ID+login[bot]@users.noreply.github.com`` address says which."""
    match = _BOT_NOREPLY.match(email) if isinstance(email, str) else None
    return {"login": match.group(2), "id": int(match.group(1))} if match else None


def file(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    additions, deletions = node.get("additions"), node.get("deletions")
    return {
        "filename": node.get("path"),
        "status": _FILE_STATUS.get(node.get("changeType"), _lower(node.get("changeType"))),
        "additions": additions,
        "deletions": deletions,
        "changes": additions + deletions
        if isinstance(additions, int) and isinstance(deletions, int)
        else None,
    }


def check_run(node: Any) -> Any:
    """A check run node, carrying the ``app`` and ``head_sha`` the fetcher attached from its suite/commit."""
    if not isinstance(node, dict):
        return node
    return {
        "id": node.get("databaseId"),
        "name": node.get("name"),
        "head_sha": node.get("headSha"),
        "app": {"slug": _get(node, "app", "slug")},
        "status": _lower(node.get("status")),
        "conclusion": _lower(node.get("conclusion")),
        "started_at": node.get("startedAt"),
        "completed_at": node.get("completedAt"),
    }


def issue_comment(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    return {
        "id": node.get("databaseId"),
        "user": actor(node.get("author")),
        "body": node.get("body"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
    }


def review_comment(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    return {
        **issue_comment(node),
        "path": node.get("path"),
        "line": node.get("line"),
        "in_reply_to_id": _get(node, "replyTo", "databaseId"),
    }


def draft_events(nodes: list[Any]) -> list[Any]:
    """``timelineItems`` nodes → REST issue events (``event``, ``created_at``)."""
    return [
        {
            "event": _DRAFT_EVENTS.get(n.get("__typename"), n.get("__typename")),
            "created_at": n.get("createdAt"),
        }
        if isinstance(n, dict)
        else n
        for n in nodes
    ]
