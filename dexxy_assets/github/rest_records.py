"""REST payloads of a pull request and its children → typed records. A payload that cannot be keyed stays
in raw only and is counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.child_records import account_columns, integer_key, open_child, text_key
from dexxy_assets.github.file_categories import categorize_file
from dexxy_assets.github.pull_request_records import (
    ACCOUNT_TYPES,
    CHECK_CONCLUSIONS,
    CHECK_STATUSES,
    FILE_STATUSES,
    PR_STATES,
    REVIEW_STATES,
    CheckRunRecord,
    CommentRecord,
    CommitRecord,
    FileRecord,
    PullRequestRecord,
    ReviewRecord,
    draft_history,
    of_pull_request,
)
from dexxy_assets.payload_fields import FieldReader, parse_timestamp
from dexxy_assets.problems import ProblemLog
from dexxy_assets.processing.jira_links import extract_jira_keys

GHOST_LOGIN = "ghost"  # GitHub's stand-in for deleted accounts where the REST schema forbids null


def account(f: FieldReader, field: str = "user") -> tuple[int | None, str | None, str | None]:
    """(id, login, type) of an account field; a deleted account (null, or GitHub's ``ghost``) is all None
    and counted as ``<field>_missing``."""
    value = f.payload.get(field)
    if value is None or (isinstance(value, dict) and value.get("login") == GHOST_LOGIN):
        f.problem(f"{field}_missing", f.payload.get("html_url"))
        return None, None, None
    return f.integer(field, "id"), f.text(field, "login"), f.enum(ACCOUNT_TYPES, field, "type")


def draft_events(events: Any) -> list[tuple[str, dt.datetime]]:
    """(event, at) of REST issue events."""
    parsed = []
    for event in events if isinstance(events, list) else []:
        at = parse_timestamp(event.get("created_at")) if isinstance(event, dict) else None
        if at is not None:
            parsed.append((str(event.get("event")), at))
    return parsed


def parse_pull_request(
    payload: Any,
    repo_full_name: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
    draft_events: list[tuple[str, dt.datetime]] | None = None,
) -> PullRequestRecord | None:
    f = FieldReader(payload, "pull_request", problems, partition)
    pr_id, number = f.integer("id", required=True), f.integer("number", required=True)
    updated_at = f.timestamp("updated_at", required=True)
    if pr_id is None or number is None or updated_at is None:
        f.problem("unkeyed", payload if not isinstance(payload, dict) else payload.get("url"))
        return None
    author_id, author_login, author_type = account(f)
    labels = f.payload.get("labels")
    label_names = (
        [str(lbl.get("name")) for lbl in labels if isinstance(lbl, dict)] if isinstance(labels, list) else []
    )
    merged_at = f.timestamp("merged_at")
    created_at = f.timestamp("created_at", required=True)
    title, head_ref, body, is_draft = (
        f.text("title"),
        f.text("head", "ref"),
        f.text("body"),
        f.boolean("draft"),
    )
    opened_as_draft, ready_at = draft_history(created_at, draft_events or [], is_draft)
    jira_keys = extract_jira_keys(title, head_ref, body)
    return PullRequestRecord(
        pr_id=pr_id,
        repo_full_name=repo_full_name,
        pr_number=number,
        title=title,
        body=body,
        state=f.enum(PR_STATES, "state"),
        is_draft=is_draft,
        is_merged=f.boolean("merged") if "merged" in f.payload else merged_at is not None,
        author_id=author_id,
        author_login=author_login,
        author_type=author_type,
        author_is_bot=is_bot_account(author_login, author_type),
        head_ref=head_ref,
        base_ref=f.text("base", "ref"),
        head_sha=f.text("head", "sha"),
        merge_commit_sha=f.text("merge_commit_sha"),
        merged_by_login=f.text("merged_by", "login"),
        additions=f.integer("additions"),
        deletions=f.integer("deletions"),
        changed_files=f.integer("changed_files"),
        commits_count=f.integer("commits"),
        comments_count=f.integer("comments"),
        review_comments_count=f.integer("review_comments"),
        labels=label_names,
        html_url=f.text("html_url"),
        created_at=created_at,
        updated_at=updated_at,
        closed_at=f.timestamp("closed_at"),
        merged_at=merged_at,
        opened_as_draft=opened_as_draft,
        ready_for_review_at=ready_at,
        jira_key=jira_keys[0] if jira_keys else None,
        partition_date=partition,
        fetched_at=fetched_at,
    )


def parse_review(
    payload: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> ReviewRecord | None:
    opened = open_child(payload, "review", pr, problems, integer_key("id"))
    if opened is None:
        return None
    f, review_id = opened
    return ReviewRecord(
        **of_pull_request(pr, fetched_at),
        review_id=review_id,
        **account_columns("reviewer", account(f), with_type=True),
        state=f.enum(REVIEW_STATES, "state"),
        body=f.text("body"),
        commit_id=f.text("commit_id"),
        submitted_at=f.timestamp("submitted_at"),
    )


def parse_commit(
    payload: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CommitRecord | None:
    opened = open_child(payload, "commit", pr, problems, text_key("sha"))
    if opened is None:
        return None
    f, sha = opened
    parents = f.payload.get("parents")
    return CommitRecord(
        **of_pull_request(pr, fetched_at),
        sha=sha,
        message=f.text("commit", "message"),
        author_name=f.text("commit", "author", "name"),
        author_email=f.text("commit", "author", "email"),
        author_login=f.text("author", "login"),
        author_id=f.integer("author", "id"),
        committer_login=f.text("committer", "login"),
        authored_at=f.timestamp("commit", "author", "date"),
        committed_at=f.timestamp("commit", "committer", "date"),
        parents_count=len(parents) if isinstance(parents, list) else None,
    )


def parse_file(
    payload: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> FileRecord | None:
    opened = open_child(payload, "file", pr, problems, text_key("filename"))
    if opened is None:
        return None
    f, path = opened
    return FileRecord(
        **of_pull_request(pr, fetched_at),
        path=path,
        status=f.enum(FILE_STATUSES, "status"),
        additions=f.integer("additions"),
        deletions=f.integer("deletions"),
        changes=f.integer("changes"),
        previous_path=f.text("previous_filename"),
        file_category=categorize_file(path),
    )


def parse_check_run(
    payload: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CheckRunRecord | None:
    opened = open_child(payload, "check_run", pr, problems, integer_key("id"))
    if opened is None:
        return None
    f, check_run_id = opened
    return CheckRunRecord(
        **of_pull_request(pr, fetched_at),
        check_run_id=check_run_id,
        head_sha=f.text("head_sha"),
        name=f.text("name"),
        app_slug=f.text("app", "slug"),
        status=f.enum(CHECK_STATUSES, "status"),
        conclusion=f.enum(CHECK_CONCLUSIONS, "conclusion"),
        started_at=f.timestamp("started_at"),
        completed_at=f.timestamp("completed_at"),
    )


def parse_comment(
    payload: Any, kind: str, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CommentRecord | None:
    """An issue (conversation) or review (inline) comment; ``kind`` says which."""
    opened = open_child(payload, f"{kind}_comment", pr, problems, integer_key("id"))
    if opened is None:
        return None
    f, comment_id = opened
    return CommentRecord(
        **of_pull_request(pr, fetched_at),
        comment_id=comment_id,
        comment_kind=kind,
        **account_columns("author", account(f)),
        body=f.text("body"),
        path=f.text("path"),
        line=f.integer("line"),
        in_reply_to_id=f.integer("in_reply_to_id"),
        created_at=f.timestamp("created_at"),
        updated_at=f.timestamp("updated_at"),
    )
