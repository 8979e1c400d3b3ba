"""``github/discussions_staged``: the raw discussions and discussion comments of each day parsed into
``staging.github_discussions`` and ``staging.github_discussion_comments`` (newest version wins); re-staged
from raw with zero API calls after a parser change.

A ``deleted`` raw row (a sync found a staged discussion gone) does not replace the staged version: it flags
it ``is_deleted`` and keeps the earliest time a sync saw it gone, so the discussion stays as last seen.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.issue_assets import DISCUSSION_COMMENTS_KEY, DISCUSSIONS_KEY
from dexxy_assets.github.issue_staging import account
from dexxy_assets.github.payload_staging import (
    PayloadStaging,
    StagedTable,
    build_payload_staged_asset,
    stage_payloads,
)
from dexxy_assets.ingestion_asset import Landed
from dexxy_assets.payload_fields import FieldReader, dig
from dexxy_assets.problems import ProblemLog

DISCUSSIONS_STAGED_KEY = dg.AssetKey(["github", "discussions_staged"])
STATE_REASONS = frozenset({"resolved", "outdated", "duplicate", "reopened"})
DELETED = "deleted"  # the payload_format of a raw row that says a sync found the discussion gone
# every deleted discussion of the days flagged at once, with the earliest time a sync saw it gone; the count
# is of deleted raw rows
_FLAG_DELETED = """
WITH gone AS (
    SELECT discussion_node_id, min(fetched_at) AS seen, count(*) AS seen_times
    FROM raw.github_discussions
    WHERE partition_date = ANY(:days) AND payload_format = :deleted
    GROUP BY discussion_node_id
), flagged AS (
    UPDATE staging.github_discussions AS staged
    SET is_deleted = true, deleted_seen_at = LEAST(coalesce(staged.deleted_seen_at, gone.seen), gone.seen)
    FROM gone
    WHERE staged.discussion_node_id = gone.discussion_node_id
)
SELECT CAST(coalesce(sum(seen_times), 0) AS integer) FROM gone
"""


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


def _listed_discussion(
    payload_format: str,
    payload: Any,
    repo: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> dict[str, Any] | None:
    """A discussion's row; none for a ``deleted`` raw row: it flags the staged one (``_flag_deleted``)."""
    if payload_format == DELETED:
        return None
    return discussion_row(payload, repo, partition, fetched_at, problems)


def _flag_deleted(conn: Connection, days: list[dt.date]) -> dict[str, int]:
    """Flag the discussions whose ``deleted`` raw rows these days hold, in one statement."""
    seen = conn.execute(text(_FLAG_DELETED), {"days": days, "deleted": DELETED}).scalar_one()
    return {"deleted_flagged": seen}


DISCUSSIONS_STAGING = PayloadStaging(
    key=DISCUSSIONS_STAGED_KEY,
    deps=(DISCUSSIONS_KEY, DISCUSSION_COMMENTS_KEY),
    tables=(
        StagedTable(
            "discussions",
            "raw.github_discussions",
            "staging.github_discussions",
            "discussion_node_id",
            _listed_discussion,
            ("payload_format", "payload", "repo_full_name", "partition_date", "fetched_at"),
        ),
        StagedTable(
            "comments",
            "raw.github_discussion_comments",
            "staging.github_discussion_comments",
            "comment_node_id",
            discussion_comment_row,
            ("payload", "repo_full_name", "discussion_node_id", "partition_date", "fetched_at"),
        ),
    ),
    parser_files=(
        "github/discussion_staging.py",
        "github/issue_staging.py",
        "github/accounts.py",
        "github/graphql_records.py",
    ),
    description="Discussions and their comments parsed from raw into staging (newest version wins; a "
    "deleted discussion keeps its last seen version, flagged); re-staged from raw after a parser change.",
    finish=_flag_deleted,
)


def stage_discussions(conn: Connection, days: list[dt.date], _context: Any = None) -> Landed:
    return stage_payloads(conn, days, DISCUSSIONS_STAGING)


def build_discussion_staged_asset(partitions: dg.PartitionsDefinition) -> dg.AssetsDefinition:
    return build_payload_staged_asset(DISCUSSIONS_STAGING, partitions)
