"""``github/discussions_staged``: the raw discussions and discussion comments of each day parsed into
``staging.github_discussions`` and ``staging.github_discussion_comments`` (newest version wins); re-staged
from raw with zero API calls after a parser change.

A ``deleted`` raw row (a sync found a staged discussion gone) does not replace the staged version: it flags
it ``is_deleted`` and keeps the earliest time a sync saw it gone, so the discussion stays as last seen.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.asset_settings import SETTINGS
from dexxy_assets.github.issue_assets import DISCUSSION_COMMENTS_KEY, DISCUSSIONS_KEY
from dexxy_assets.github.issue_staging import account, upsert_newest
from dexxy_assets.github.parser_version import parser_version
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.payload_fields import FieldReader, dig
from dexxy_assets.problems import ProblemLog
from dexxy_assets.staging_asset import build_staging_asset
from resources.bulk_load import lock_partitions

DISCUSSIONS_STAGED_KEY = dg.AssetKey(["github", "discussions_staged"])
STATE_REASONS = frozenset({"resolved", "outdated", "duplicate", "reopened"})
_RAW_DISCUSSIONS = (
    "SELECT partition_date, repo_full_name, discussion_node_id, fetched_at, payload_format, payload "
    "FROM raw.github_discussions WHERE partition_date = ANY(:days) ORDER BY partition_date, partition_row"
)
_RAW_COMMENTS = (
    "SELECT partition_date, repo_full_name, discussion_node_id, fetched_at, payload "
    "FROM raw.github_discussion_comments WHERE partition_date = ANY(:days) "
    "ORDER BY partition_date, partition_row"
)
_FLAG_DELETED = (
    "UPDATE staging.github_discussions SET is_deleted = true, "
    "deleted_seen_at = LEAST(coalesce(deleted_seen_at, :seen), :seen) WHERE discussion_node_id = :node_id"
)


def discussion_row(
    payload: Any, repo: str, partition: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> dict[str, Any] | None:
    f = FieldReader(payload, "discussion", problems, partition)
    node_id = f.text("id")
    created, updated = f.timestamp("createdAt", required=True), f.timestamp("updatedAt", required=True)
    number = f.integer("number", required=True)
    if not node_id or created is None or updated is None or number is None:
        f.problem("unkeyed", payload)
        return None
    author, author_is_bot = account(f, "author", graphql=True)
    reason = f.text("stateReason")
    reason = reason.lower() if reason else None
    if reason is not None and reason not in STATE_REASONS:
        f.problem("state_reason_unknown_value", reason)
    chooser = dig(payload, "answerChosenBy", "login")
    return {
        "discussion_node_id": node_id,
        "discussion_id": f.integer("databaseId"),
        "repo_full_name": repo,
        "discussion_number": number,
        "title": f.text("title"),
        "url": f.text("url"),
        "author_login": author,
        "author_is_bot": author_is_bot,
        "category": f.text("category", "name"),
        "is_answerable": f.boolean("category", "isAnswerable"),
        "answer_comment_node_id": f.text("answer", "id"),
        "answer_chosen_at": f.timestamp("answerChosenAt"),
        "answer_chosen_by_login": chooser if isinstance(chooser, str) and chooser != "ghost" else None,
        "is_closed": bool(f.boolean("closed")),
        "state_reason": reason,
        "closed_at": f.timestamp("closedAt"),
        "comments_count": f.integer("comments", "totalCount"),
        "created_at": created,
        "updated_at": updated,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def discussion_comment_row(
    payload: Any,
    repo: str,
    discussion_node_id: str | None,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> dict[str, Any] | None:
    f = FieldReader(payload, "discussion_comment", problems, partition)
    node_id = f.text("id")
    created, updated = f.timestamp("createdAt", required=True), f.timestamp("updatedAt", required=True)
    if not node_id or created is None or updated is None or not discussion_node_id:
        f.problem("unkeyed", payload)
        return None
    author, author_is_bot = account(f, "author", graphql=True)
    return {
        "comment_node_id": node_id,
        "comment_id": f.integer("databaseId"),
        "discussion_node_id": discussion_node_id,
        "repo_full_name": repo,
        "reply_to_node_id": f.text("replyTo", "id"),
        "author_login": author,
        "author_is_bot": author_is_bot,
        "is_answer": bool(f.boolean("isAnswer")),
        "created_at": created,
        "updated_at": updated,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def stage_discussions(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
    lock_partitions(conn, "raw.github_discussions", days)
    problems, per_day = ProblemLog(), Counter[dt.date]()
    discussions, deleted = [], []
    for raw in conn.execute(text(_RAW_DISCUSSIONS), {"days": days}):
        if raw.payload_format == "deleted":
            deleted.append({"node_id": raw.discussion_node_id, "seen": raw.fetched_at})
            continue
        row = discussion_row(raw.payload, raw.repo_full_name, raw.partition_date, raw.fetched_at, problems)
        if row is not None:
            discussions.append(row)
            per_day[raw.partition_date] += 1
    comments = []
    for raw in conn.execute(text(_RAW_COMMENTS), {"days": days}):
        row = discussion_comment_row(
            raw.payload,
            raw.repo_full_name,
            raw.discussion_node_id,
            raw.partition_date,
            raw.fetched_at,
            problems,
        )
        if row is not None:
            comments.append(row)
    upsert_newest(conn, "staging.github_discussions", discussions, "discussion_node_id")
    upsert_newest(conn, "staging.github_discussion_comments", comments, "comment_node_id")
    if deleted:  # one executemany, not a statement per deleted discussion
        conn.execute(text(_FLAG_DELETED), deleted)
    run_wide = {"comments": len(comments), "deleted_flagged": len(deleted)}
    return Landed(rows=len(discussions), per_day=per_day, problems=problems, run_wide=run_wide)


def build_discussion_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_staging_asset(
        SETTINGS,
        partitions,
        key=DISCUSSIONS_STAGED_KEY,
        tables=["staging.github_discussions", "staging.github_discussion_comments"],
        deps=[DISCUSSIONS_KEY, DISCUSSION_COMMENTS_KEY],
        description="Discussions and their comments parsed from raw into staging (newest version wins; a "
        "deleted discussion keeps its last seen version, flagged); re-staged from raw after a parser change.",
        parser_version=parser_version(
            "github/discussion_staging.py",
            "github/issue_staging.py",
            "github/accounts.py",
            "payload_fields.py",
            "problems.py",
        ),
        stage=stage_discussions,
    )
