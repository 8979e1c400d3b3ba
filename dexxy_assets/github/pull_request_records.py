"""One typed record per pull request entity: what both parsers (``rest_records`` for REST payloads,
``graphql_records`` for GraphQL nodes) produce, field for field the columns of its staging table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

PR_STATES = frozenset({"open", "closed"})
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"})
ACCOUNT_TYPES = frozenset({"User", "Bot", "Organization", "Mannequin", "Enterprise"})
FILE_STATUSES = frozenset({"added", "removed", "modified", "renamed", "copied", "changed", "unchanged"})
CHECK_STATUSES = frozenset({"queued", "in_progress", "completed", "waiting", "requested", "pending"})
CHECK_CONCLUSIONS = frozenset(
    {"success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale"}
)


@dataclass(frozen=True, slots=True)  # staging keeps one per pull request of the days it stages
class PullRequestRecord:
    pr_id: int
    repo_full_name: str
    pr_number: int
    title: str | None
    body: str | None
    state: str | None
    is_draft: bool | None
    is_merged: bool | None
    author_id: int | None
    author_login: str | None
    author_type: str | None
    author_is_bot: bool
    head_ref: str | None
    base_ref: str | None
    head_sha: str | None
    merge_commit_sha: str | None
    merged_by_login: str | None
    additions: int | None
    deletions: int | None
    changed_files: int | None
    commits_count: int | None
    comments_count: int | None
    review_comments_count: int | None
    labels: list[str]
    html_url: str | None
    created_at: dt.datetime | None
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    merged_at: dt.datetime | None
    opened_as_draft: bool | None
    ready_for_review_at: dt.datetime | None
    jira_key: str | None
    partition_date: dt.date
    fetched_at: dt.datetime


@dataclass(frozen=True)
class ReviewRecord:
    review_id: int
    pr_id: int
    repo_full_name: str
    pr_number: int
    reviewer_id: int | None
    reviewer_login: str | None
    reviewer_type: str | None
    reviewer_is_bot: bool
    state: str | None
    body: str | None
    commit_id: str | None
    submitted_at: dt.datetime | None
    pr_updated_at: dt.datetime
    fetched_at: dt.datetime


@dataclass(frozen=True)
class CommitRecord:
    pr_id: int
    sha: str
    repo_full_name: str
    pr_number: int
    message: str | None
    author_name: str | None
    author_email: str | None
    author_login: str | None
    author_id: int | None
    committer_login: str | None
    authored_at: dt.datetime | None
    committed_at: dt.datetime | None
    parents_count: int | None
    pr_updated_at: dt.datetime
    fetched_at: dt.datetime


@dataclass(frozen=True)
class FileRecord:
    pr_id: int
    path: str
    repo_full_name: str
    pr_number: int
    status: str | None
    additions: int | None
    deletions: int | None
    changes: int | None
    previous_path: str | None
    file_category: str
    pr_updated_at: dt.datetime
    fetched_at: dt.datetime


@dataclass(frozen=True)
class CheckRunRecord:
    check_run_id: int
    pr_id: int
    repo_full_name: str
    pr_number: int
    head_sha: str | None
    name: str | None
    app_slug: str | None
    status: str | None
    conclusion: str | None
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    pr_updated_at: dt.datetime
    fetched_at: dt.datetime


@dataclass(frozen=True)
class CommentRecord:
    comment_id: int
    comment_kind: str
    pr_id: int
    repo_full_name: str
    pr_number: int
    author_id: int | None
    author_login: str | None
    author_is_bot: bool
    body: str | None
    path: str | None
    line: int | None
    in_reply_to_id: int | None
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    pr_updated_at: dt.datetime
    fetched_at: dt.datetime


Record = PullRequestRecord | ReviewRecord | CommitRecord | FileRecord | CheckRunRecord | CommentRecord


def as_row(record: Record) -> dict[str, Any]:
    """The record as a staging row (column → value)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def of_pull_request(pr: PullRequestRecord, fetched_at: dt.datetime) -> dict[str, Any]:
    """What every child record copies from its pull request: its keys and version, and the fetch time."""
    return {
        "pr_id": pr.pr_id,
        "repo_full_name": pr.repo_full_name,
        "pr_number": pr.pr_number,
        "pr_updated_at": pr.updated_at,
        "fetched_at": fetched_at,
    }


def draft_history(
    created_at: dt.datetime | None, events: list[tuple[str, dt.datetime]], is_draft_now: bool | None
) -> tuple[bool | None, dt.datetime | None]:
    """(opened as a draft?, when it became ready for review) from ready_for_review / convert_to_draft events.

    Time as a draft counts as coding: a PR opened as a draft is ready at its first ready-for-review event;
    one opened ready is ready at creation, whatever drafts came later.
    """
    ordered = sorted((at, kind) for kind, at in events if kind in ("ready_for_review", "convert_to_draft"))
    if ordered:
        first_at, first_kind = ordered[0]
        if first_kind == "ready_for_review":
            return True, first_at
        return False, created_at
    if is_draft_now:
        return True, None
    return (False, created_at) if is_draft_now is not None else (None, created_at)
