"""``github/issues_staged``: the raw issues and issue comments of each day parsed into
``staging.github_issues`` and ``staging.github_issue_comments`` (newest version wins), from either fetch
mode's payloads into the same rows; re-staged from raw with zero API calls after a parser change.

An issue is one entity by its node id: a transferred issue's older version (listed in its old repository,
under its old number) loses to the newer one, so it is never counted twice. Deleted accounts (REST ``null``,
GraphQL's ``ghost``) stage as NULL logins and count as ``<entity>.author_deleted``; unknown state reasons
are kept as they came and counted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from sqlalchemy import Connection

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.graphql_records import actor_login
from dexxy_assets.github.issue_assets import ISSUE_COMMENTS_KEY, ISSUES_KEY
from dexxy_assets.github.payload_staging import (
    PayloadStaging,
    StagedTable,
    build_payload_staged_asset,
    stage_payloads,
)
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.payload_fields import FieldReader, dig, parse_timestamp
from dexxy_assets.problems import ProblemLog

ISSUES_STAGED_KEY = dg.AssetKey(["github", "issues_staged"])
STATES = frozenset({"open", "closed"})
STATE_REASONS = frozenset({"completed", "not_planned", "reopened", "duplicate"})
GHOST = "ghost"


def account(f: FieldReader, field: str, graphql: bool) -> tuple[str | None, bool]:
    """(login, is bot) of an account; a deleted account (null or ``ghost``) is (None, False), counted."""
    node = f.payload.get(field)
    login = actor_login(node) if graphql else dig(node, "login")
    if not isinstance(login, str) or login == GHOST:
        f.problem(f"{'author' if field in ('user', 'author') else field}_deleted", f.payload.get("url"))
        return None, False
    kind = (
        "Bot" if graphql and isinstance(node, dict) and node.get("__typename") == "Bot" else dig(node, "type")
    )
    return login, is_bot_account(login, kind if isinstance(kind, str) else None)


def _names(items: Any, key: str) -> list[str]:
    nodes = items.get("nodes") if isinstance(items, dict) else items
    return sorted(
        {item[key] for item in nodes or [] if isinstance(item, dict) and isinstance(item.get(key), str)}
    )


def _state_events(
    payload_format: str, payload: Any, timeline: Any
) -> list[tuple[dt.datetime, str, Any, Any]]:
    """(when, closed | reopened | transferred, actor login, closing commit), oldest first, either shape."""
    events: list[tuple[dt.datetime, str, Any, Any]] = []
    if payload_format == "graphql":
        for node in dig(payload, "timelineItems", "nodes") or []:
            kind = {
                "ClosedEvent": "closed",
                "ReopenedEvent": "reopened",
                "TransferredEvent": "transferred",
            }.get(dig(node, "__typename") or "")
            at = parse_timestamp(dig(node, "createdAt"))
            if kind and at:
                closer = dig(node, "closer")
                sha = (
                    dig(closer, "mergeCommit", "oid") or dig(closer, "oid")
                    if isinstance(closer, dict)
                    else None
                )
                events.append((at, kind, actor_login(dig(node, "actor")), sha))
    else:
        for event in timeline if isinstance(timeline, list) else []:
            kind = dig(event, "event")
            at = parse_timestamp(dig(event, "created_at"))
            if kind in ("closed", "reopened", "transferred") and at:
                events.append((at, kind, dig(event, "actor", "login"), dig(event, "commit_id")))
    return sorted(events, key=lambda e: e[0])


def issue_row(
    payload_format: str,
    payload: Any,
    timeline: Any,
    repo: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> dict[str, Any] | None:
    """A typed row from a REST or GraphQL issue; None (counted) without a node id or its times."""
    f = FieldReader(payload, "issue", problems, partition)
    graphql = payload_format == "graphql"
    node_id = f.text("id" if graphql else "node_id")
    created = f.timestamp("createdAt" if graphql else "created_at", required=True)
    updated = f.timestamp("updatedAt" if graphql else "updated_at", required=True)
    number = f.integer("number", required=True)
    if not node_id or created is None or updated is None or number is None:
        f.problem("unkeyed", payload)
        return None
    author, author_is_bot = account(f, "author" if graphql else "user", graphql)
    state = (f.text("state") or "").lower()
    if state not in STATES:
        f.problem("state_unknown_value", state)
    reason = f.text("stateReason" if graphql else "state_reason")
    reason = reason.lower() if reason else None
    if reason is not None and reason not in STATE_REASONS:
        f.problem("state_reason_unknown_value", reason)
    events = _state_events(payload_format, payload, timeline)
    closes = [e for e in events if e[1] == "closed"]
    transfers = [e[0] for e in events if e[1] == "transferred"]
    closed_by = closes[-1][2] if closes and state == "closed" else None
    return {
        "issue_node_id": node_id,
        "issue_id": f.integer("databaseId" if graphql else "id"),
        "repo_full_name": repo,
        "issue_number": number,
        "title": f.text("title"),
        "url": f.text("url" if graphql else "html_url"),
        "author_login": author,
        "author_is_bot": author_is_bot,
        "state": state or "unknown",
        "state_reason": reason,
        "labels": _names(f.payload.get("labels"), "name"),
        "assignees": _names(f.payload.get("assignees"), "login"),
        "comments_count": f.integer("comments", "totalCount") if graphql else f.integer("comments"),
        "created_at": created,
        "updated_at": updated,
        "closed_at": f.timestamp("closedAt" if graphql else "closed_at"),
        "closed_by_login": None if closed_by == GHOST else closed_by,
        "closing_commit_sha": closes[-1][3] if closes and state == "closed" else None,
        "reopened_count": sum(1 for e in events if e[1] == "reopened"),
        "transferred_at": transfers[-1] if transfers else None,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def issue_comment_row(
    payload_format: str,
    payload: Any,
    repo: str,
    issue_number: int | None,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> dict[str, Any] | None:
    f = FieldReader(payload, "issue_comment", problems, partition)
    graphql = payload_format == "graphql"
    comment_id = f.integer("databaseId" if graphql else "id", required=True)
    created = f.timestamp("createdAt" if graphql else "created_at", required=True)
    updated = f.timestamp("updatedAt" if graphql else "updated_at", required=True)
    if comment_id is None or created is None or updated is None or issue_number is None:
        f.problem("unkeyed", payload)
        return None
    author, author_is_bot = account(f, "author" if graphql else "user", graphql)
    return {
        "comment_id": comment_id,
        "comment_node_id": f.text("id" if graphql else "node_id"),
        "repo_full_name": repo,
        "issue_number": issue_number,
        "author_login": author,
        "author_is_bot": author_is_bot,
        "created_at": created,
        "updated_at": updated,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


ISSUES_STAGING = PayloadStaging(
    key=ISSUES_STAGED_KEY,
    deps=(ISSUES_KEY, ISSUE_COMMENTS_KEY),
    tables=(
        StagedTable(
            "issues",
            "raw.github_issues",
            "staging.github_issues",
            "issue_node_id",
            issue_row,
            ("payload_format", "payload", "timeline", "repo_full_name", "partition_date", "fetched_at"),
        ),
        StagedTable(
            "comments",
            "raw.github_issue_comments",
            "staging.github_issue_comments",
            "comment_id",
            issue_comment_row,
            ("payload_format", "payload", "repo_full_name", "issue_number", "partition_date", "fetched_at"),
        ),
    ),
    parser_files=("github/issue_staging.py", "github/accounts.py", "github/graphql_records.py"),
    description="Issues and their comments parsed from raw into staging (newest version wins; one row "
    "per issue by node id, so a transferred issue is not duplicated); re-staged from raw after a parser "
    "change.",
)


def stage_issues(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
    return stage_payloads(conn, days, ISSUES_STAGING)


def build_issue_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_payload_staged_asset(ISSUES_STAGING, partitions)
