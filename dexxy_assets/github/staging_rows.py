"""GitHub payloads → typed staging rows. A payload that cannot be keyed stays in raw only and is counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

PR_STATES = frozenset({"open", "closed"})
REVIEW_STATES = frozenset({"APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"})
ACCOUNT_TYPES = frozenset({"User", "Bot", "Organization", "Mannequin", "Enterprise"})

Row = dict[str, Any]


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
    payload: Any, repo_full_name: str, partition: dt.date, fetched_at: dt.datetime, problems: ProblemLog
) -> Row | None:
    f = FieldReader(payload, "pull_request", problems, partition)
    pr_id, number = f.integer("id", required=True), f.integer("number", required=True)
    updated_at = f.timestamp("updated_at", required=True)
    if pr_id is None or number is None or updated_at is None:
        f.problem("unkeyed", payload if not isinstance(payload, dict) else payload.get("url"))
        return None
    if f.payload.get("user") is None:
        f.problem("user_missing", f.payload.get("html_url"))
    author_login, author_type = f.text("user", "login"), f.enum(ACCOUNT_TYPES, "user", "type")
    labels = f.payload.get("labels")
    label_names = (
        [str(lbl.get("name")) for lbl in labels if isinstance(lbl, dict)] if isinstance(labels, list) else []
    )
    merged_at = f.timestamp("merged_at")
    return {
        "pr_id": pr_id,
        "repo_full_name": repo_full_name,
        "pr_number": number,
        "title": f.text("title"),
        "body": f.text("body"),
        "state": f.enum(PR_STATES, "state"),
        "is_draft": f.boolean("draft"),
        "is_merged": f.boolean("merged") if "merged" in f.payload else merged_at is not None,
        "author_id": f.integer("user", "id"),
        "author_login": author_login,
        "author_type": author_type,
        "author_is_bot": is_bot_account(author_login, author_type),
        "head_ref": f.text("head", "ref"),
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
        "created_at": f.timestamp("created_at", required=True),
        "updated_at": updated_at,
        "closed_at": f.timestamp("closed_at"),
        "merged_at": merged_at,
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def review_row(payload: Any, pr: Row, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "review", problems, pr["partition_date"])
    review_id = f.integer("id", required=True)
    if review_id is None:
        f.problem("unkeyed", payload)
        return None
    if f.payload.get("user") is None:
        f.problem("user_missing", f.payload.get("html_url"))
    login, account_type = f.text("user", "login"), f.enum(ACCOUNT_TYPES, "user", "type")
    return {
        "review_id": review_id,
        "pr_id": pr["pr_id"],
        "repo_full_name": pr["repo_full_name"],
        "pr_number": pr["pr_number"],
        "reviewer_id": f.integer("user", "id"),
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
