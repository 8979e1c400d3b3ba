"""GitHub payloads → typed staging rows. A payload that cannot be keyed stays in raw only and is counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.file_categories import categorize_file
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from dexxy_assets.processing.jira_links import extract_jira_keys

PR_STATES = frozenset({"open", "closed"})
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"})
ACCOUNT_TYPES = frozenset({"User", "Bot", "Organization", "Mannequin", "Enterprise"})
FILE_STATUSES = frozenset({"added", "removed", "modified", "renamed", "copied", "changed", "unchanged"})
CHECK_STATUSES = frozenset({"queued", "in_progress", "completed", "waiting", "requested", "pending"})
CHECK_CONCLUSIONS = frozenset(
    {"success", "failure", "neutral", "cancelled", "skipped", "timed_out", "action_required", "stale"}
)
DEPLOYMENT_STATES = frozenset({"error", "failure", "inactive", "pending", "success", "queued", "in_progress"})
PRODUCTION_ENVIRONMENTS = frozenset({"production", "prod", "live", "prd"})

Row = dict[str, Any]
GHOST_LOGIN = "ghost"  # GitHub's stand-in for deleted accounts where the REST schema forbids null


def account(f: FieldReader, field: str = "user") -> tuple[int | None, str | None, str | None]:
    """(id, login, type) of an account field; a deleted account (null, or GitHub's ``ghost``) is all None
    and counted as ``<field>_missing``."""
    value = f.payload.get(field)
    if value is None or (isinstance(value, dict) and value.get("login") == GHOST_LOGIN):
        f.problem(f"{field}_missing", f.payload.get("html_url"))
        return None, None, None
    return f.integer(field, "id"), f.text(field, "login"), f.enum(ACCOUNT_TYPES, field, "type")


def user_row(payload: Any, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "user", problems, None)
    user_id, login = f.integer("id", required=True), f.text("login")
    if user_id is None or not login:
        f.problem("unkeyed", payload)
        return None
    user_type = f.enum(ACCOUNT_TYPES, "type")
    return {
        "user_id": user_id,
        "login": login,
        "name": f.text("name"),
        "email": f.text("email"),
        "user_type": user_type,
        "is_bot": is_bot_account(login, user_type),
        "site_admin": f.boolean("site_admin"),
        "created_at": f.timestamp("created_at"),
        # /users/{login} always has updated_at; the members list does not: fall back to the fetch time
        "updated_at": f.timestamp("updated_at") or fetched_at,
        "fetched_at": fetched_at,
    }


def repository_row(payload: Any, org: str, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "repository", problems, None)
    repo_id, full_name, name = f.integer("id", required=True), f.text("full_name"), f.text("name")
    if repo_id is None or not full_name or not name:
        f.problem("unkeyed", payload)
        return None
    return {
        "repo_id": repo_id,
        "org": org,
        "full_name": full_name,
        "name": name,
        "is_private": f.boolean("private"),
        "is_archived": f.boolean("archived"),
        "is_fork": f.boolean("fork"),
        "default_branch": f.text("default_branch"),
        "language": f.text("language"),
        "created_at": f.timestamp("created_at"),
        "updated_at": f.timestamp("updated_at") or fetched_at,
        "pushed_at": f.timestamp("pushed_at"),
        "fetched_at": fetched_at,
    }


def pull_request_row(
    payload: Any,
    repo_full_name: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
    draft_events: list[tuple[str, dt.datetime]] | None = None,
) -> Row | None:
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
    return {
        "pr_id": pr_id,
        "repo_full_name": repo_full_name,
        "pr_number": number,
        "title": title,
        "body": body,
        "state": f.enum(PR_STATES, "state"),
        "is_draft": is_draft,
        "is_merged": f.boolean("merged") if "merged" in f.payload else merged_at is not None,
        "author_id": author_id,
        "author_login": author_login,
        "author_type": author_type,
        "author_is_bot": is_bot_account(author_login, author_type),
        "head_ref": head_ref,
        "base_ref": f.text("base", "ref"),
        "head_sha": f.text("head", "sha"),
        "merge_commit_sha": f.text("merge_commit_sha"),
        "merged_by_login": f.text("merged_by", "login"),
        "additions": f.integer("additions"),
        "deletions": f.integer("deletions"),
        "changed_files": f.integer("changed_files"),
        "commits_count": f.integer("commits"),
        "comments_count": f.integer("comments"),
        "review_comments_count": f.integer("review_comments"),
        "labels": label_names,
        "html_url": f.text("html_url"),
        "created_at": created_at,
        "updated_at": updated_at,
        "closed_at": f.timestamp("closed_at"),
        "merged_at": merged_at,
        "opened_as_draft": opened_as_draft,
        "ready_for_review_at": ready_at,
        "jira_key": jira_keys[0] if jira_keys else None,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def review_row(payload: Any, pr: Row, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "review", problems, pr["partition_date"])
    review_id = f.integer("id", required=True)
    if review_id is None:
        f.problem("unkeyed", payload)
        return None
    reviewer_id, login, account_type = account(f)
    return {
        "review_id": review_id,
        "pr_id": pr["pr_id"],
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "reviewer_id": reviewer_id,
        "reviewer_login": login,
        "reviewer_type": account_type,
        "reviewer_is_bot": is_bot_account(login, account_type),
        "state": f.enum(REVIEW_STATES, "state"),
        "body": f.text("body"),
        "commit_id": f.text("commit_id"),
        "submitted_at": f.timestamp("submitted_at"),
        "pr_updated_at": pr["updated_at"],
        "fetched_at": fetched_at,
    }


def commit_row(payload: Any, pr: Row, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "commit", problems, pr["partition_date"])
    sha = f.text("sha")
    if not sha:
        f.problem("unkeyed", payload)
        return None
    parents = f.payload.get("parents")
    return {
        "pr_id": pr["pr_id"],
        "sha": sha,
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "message": f.text("commit", "message"),
        "author_name": f.text("commit", "author", "name"),
        "author_email": f.text("commit", "author", "email"),
        "author_login": f.text("author", "login"),
        "author_id": f.integer("author", "id"),
        "committer_login": f.text("committer", "login"),
        "authored_at": f.timestamp("commit", "author", "date"),
        "committed_at": f.timestamp("commit", "committer", "date"),
        "parents_count": len(parents) if isinstance(parents, list) else None,
        "pr_updated_at": pr["updated_at"],
        "fetched_at": fetched_at,
    }


def file_row(payload: Any, pr: Row, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "file", problems, pr["partition_date"])
    path = f.text("filename")
    if not path:
        f.problem("unkeyed", payload)
        return None
    return {
        "pr_id": pr["pr_id"],
        "path": path,
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "status": f.enum(FILE_STATUSES, "status"),
        "additions": f.integer("additions"),
        "deletions": f.integer("deletions"),
        "changes": f.integer("changes"),
        "previous_path": f.text("previous_filename"),
        "file_category": categorize_file(path),
        "pr_updated_at": pr["updated_at"],
        "fetched_at": fetched_at,
    }


def check_run_row(payload: Any, pr: Row, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "check_run", problems, pr["partition_date"])
    check_run_id = f.integer("id", required=True)
    if check_run_id is None:
        f.problem("unkeyed", payload)
        return None
    return {
        "check_run_id": check_run_id,
        "pr_id": pr["pr_id"],
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "head_sha": f.text("head_sha"),
        "name": f.text("name"),
        "app_slug": f.text("app", "slug"),
        "status": f.enum(CHECK_STATUSES, "status"),
        "conclusion": f.enum(CHECK_CONCLUSIONS, "conclusion"),
        "started_at": f.timestamp("started_at"),
        "completed_at": f.timestamp("completed_at"),
        "pr_updated_at": pr["updated_at"],
        "fetched_at": fetched_at,
    }


def comment_row(
    payload: Any, kind: str, pr: Row, fetched_at: dt.datetime, problems: ProblemLog
) -> Row | None:
    """An issue (conversation) or review (inline) comment; ``kind`` says which."""
    f = FieldReader(payload, f"{kind}_comment", problems, pr["partition_date"])
    comment_id = f.integer("id", required=True)
    if comment_id is None:
        f.problem("unkeyed", payload)
        return None
    author_id, login, account_type = account(f)
    return {
        "comment_id": comment_id,
        "comment_kind": kind,
        "pr_id": pr["pr_id"],
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "author_id": author_id,
        "author_login": login,
        "author_is_bot": is_bot_account(login, account_type),
        "body": f.text("body"),
        "path": f.text("path"),
        "line": f.integer("line"),
        "in_reply_to_id": f.integer("in_reply_to_id"),
        "created_at": f.timestamp("created_at"),
        "updated_at": f.timestamp("updated_at"),
        "pr_updated_at": pr["updated_at"],
        "fetched_at": fetched_at,
    }


def deployment_row(
    payload: Any,
    statuses: list[Any],
    repo_full_name: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> Row | None:
    f = FieldReader(payload, "deployment", problems, partition)
    deployment_id = f.integer("id", required=True)
    if deployment_id is None:
        f.problem("unkeyed", payload)
        return None
    states = []
    for status in statuses:
        s = FieldReader(status, "deployment_status", problems, partition)
        states.append((s.timestamp("created_at"), s.enum(DEPLOYMENT_STATES, "state")))
    dated = sorted((at, state) for at, state in states if at is not None)
    successes = [at for at, state in dated if state == "success"]
    environment = f.text("environment")
    created_at = f.timestamp("created_at", required=True)
    return {
        "deployment_id": deployment_id,
        "repo_full_name": repo_full_name,
        "environment": environment,
        "sha": f.text("sha"),
        "ref": f.text("ref"),
        "task": f.text("task"),
        "creator_login": f.text("creator", "login"),
        "is_production": is_production_environment(environment, f.boolean("production_environment")),
        "latest_state": dated[-1][1] if dated else None,
        "succeeded_at": successes[0] if successes else None,
        "created_at": created_at,
        "updated_at": max([created_at or fetched_at, *(at for at, _ in dated)]),
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def is_production_environment(name: str | None, flagged: bool | None) -> bool:
    """GitHub's ``production_environment`` flag, else the environment's name."""
    if flagged:
        return True
    return (name or "").strip().lower() in PRODUCTION_ENVIRONMENTS


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
