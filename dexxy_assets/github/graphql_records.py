"""GraphQL nodes of a pull request and its children (as ``graphql_queries`` asks for them) → the same typed
records as ``rest_records``, read straight from the GraphQL field names (no REST-shaped intermediate).

Values GraphQL spells differently are normalised to REST's (``MERGED`` → ``closed``, ``SUCCESS`` →
``success``, a bot's ``dependabot`` → ``dependabot[bot]``), so both fetch modes stage the same rows. Problem
codes name the GraphQL field, except an account's ``<field>_missing``, named as in REST so a deleted
account counts the same in both modes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from typing import Any

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.child_records import account_columns, integer_key, open_child, text_key
from dexxy_assets.github.file_categories import categorize_file
from dexxy_assets.github.pull_request_records import (
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
from dexxy_assets.payload_fields import FieldReader, dig, parse_timestamp
from dexxy_assets.problems import ProblemLog
from dexxy_assets.processing.jira_links import extract_jira_keys

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
_GHOST_LOGIN = "ghost"


def actor_login(node: Any) -> Any:
    """An ``Actor``'s login as REST spells it: GraphQL says ``dependabot``, REST ``dependabot[bot]``."""
    login = node.get("login") if isinstance(node, dict) else None
    if isinstance(node, dict) and node.get("__typename") == "Bot" and isinstance(login, str):
        return login if login.endswith("[bot]") else f"{login}[bot]"
    return login


def _actor(f: FieldReader, field: str, rest_field: str) -> tuple[int | None, str | None, str | None]:
    """(id, login, type) of an ``Actor`` field; a deleted account (null) is all None, counted as
    ``<rest_field>_missing``."""
    node = f.payload.get(field)
    if not isinstance(node, dict) or node.get("login") == _GHOST_LOGIN:
        f.problem(f"{rest_field}_missing", f.payload.get("url"))
        return None, None, None
    login = actor_login(node)
    if login is not None and not isinstance(login, str):
        f.problem(f"{field}.login_not_text", login)
        login = str(login)
    return f.integer(field, "databaseId"), login, "Bot" if node.get("__typename") == "Bot" else "User"


def _enum(
    f: FieldReader, allowed: Collection[str], spelled: Mapping[str, str] | None, *path: str
) -> str | None:
    """An enum GraphQL spells in capitals, in REST's spelling; unknown values kept and counted."""
    value = dig(f.payload, *path)
    if value is None:
        return None
    if not isinstance(value, str):
        f.problem(f"{'.'.join(path)}_not_text", value)
        value = str(value)
    else:
        value = (spelled or {}).get(value, value.lower())
    if value not in allowed:
        f.problem(f"{'.'.join(path)}_unknown_value", value)
    return value


def draft_events(nodes: Any) -> list[tuple[str, dt.datetime]]:
    """(event, at) of ``timelineItems`` nodes."""
    parsed = []
    for node in nodes if isinstance(nodes, list) else []:
        at = parse_timestamp(node.get("createdAt")) if isinstance(node, dict) else None
        if at is not None:
            kind = node.get("__typename")
            parsed.append((_DRAFT_EVENTS.get(kind, str(kind)), at))
    return parsed


def _review_comment_total(f: FieldReader) -> int | None:
    threads = dig(f.payload, "reviewThreads", "nodes")
    if not isinstance(threads, list):
        return None
    counts = [dig(thread, "comments", "totalCount") for thread in threads]
    return sum(count for count in counts if isinstance(count, int) and not isinstance(count, bool))


def parse_pull_request(
    node: Any,
    repo_full_name: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
    draft_events: list[tuple[str, dt.datetime]] | None = None,
) -> PullRequestRecord | None:
    f = FieldReader(node, "pull_request", problems, partition)
    pr_id, number = f.integer("databaseId", required=True), f.integer("number", required=True)
    updated_at = f.timestamp("updatedAt", required=True)
    if pr_id is None or number is None or updated_at is None:
        f.problem("unkeyed", node if not isinstance(node, dict) else node.get("url"))
        return None
    author_id, author_login, author_type = _actor(f, "author", "user")
    labels = dig(f.payload, "labels", "nodes")
    label_names = (
        [str(lbl.get("name")) for lbl in labels if isinstance(lbl, dict)] if isinstance(labels, list) else []
    )
    state = f.payload.get("state")
    created_at = f.timestamp("createdAt", required=True)
    title, head_ref, body, is_draft = (
        f.text("title"),
        f.text("headRefName"),
        f.text("body"),
        f.boolean("isDraft"),
    )
    opened_as_draft, ready_at = draft_history(created_at, draft_events or [], is_draft)
    jira_keys = extract_jira_keys(title, head_ref, body)
    merged_by = actor_login(f.payload.get("mergedBy"))
    return PullRequestRecord(
        pr_id=pr_id,
        repo_full_name=repo_full_name,
        pr_number=number,
        title=title,
        body=body,
        state=_enum(f, PR_STATES, _PR_STATES, "state"),
        is_draft=is_draft,
        is_merged=state == "MERGED" if state is not None else None,
        author_id=author_id,
        author_login=author_login,
        author_type=author_type,
        author_is_bot=is_bot_account(author_login, author_type),
        head_ref=head_ref,
        base_ref=f.text("baseRefName"),
        head_sha=f.text("headRefOid"),
        merge_commit_sha=f.text("mergeCommit", "oid"),
        merged_by_login=merged_by if merged_by is None or isinstance(merged_by, str) else str(merged_by),
        additions=f.integer("additions"),
        deletions=f.integer("deletions"),
        changed_files=f.integer("changedFiles"),
        commits_count=f.integer("commits", "totalCount"),
        comments_count=f.integer("comments", "totalCount"),
        review_comments_count=_review_comment_total(f),
        labels=label_names,
        html_url=f.text("url"),
        created_at=created_at,
        updated_at=updated_at,
        closed_at=f.timestamp("closedAt"),
        merged_at=f.timestamp("mergedAt"),
        opened_as_draft=opened_as_draft,
        ready_for_review_at=ready_at,
        jira_key=jira_keys[0] if jira_keys else None,
        partition_date=partition,
        fetched_at=fetched_at,
    )


def parse_review(
    node: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> ReviewRecord | None:
    opened = open_child(node, "review", pr, problems, integer_key("databaseId"))
    if opened is None:
        return None
    f, review_id = opened
    return ReviewRecord(
        **of_pull_request(pr, fetched_at),
        review_id=review_id,
        **account_columns("reviewer", _actor(f, "author", "user"), with_type=True),
        state=f.enum(REVIEW_STATES, "state"),
        body=f.text("body"),
        commit_id=f.text("commit", "oid"),
        submitted_at=f.timestamp("submittedAt"),
    )


def _commit_author(f: FieldReader) -> tuple[str | None, int | None]:
    """GraphQL links commit authors to Users only, so a bot's commit has no ``user``; REST names the bot. Its
    ``ID+login[bot]@users.noreply.github.com`` address says which."""
    if isinstance(dig(f.payload, "commit", "author", "user"), dict):
        return f.text("commit", "author", "user", "login"), f.integer(
            "commit", "author", "user", "databaseId"
        )
    email = dig(f.payload, "commit", "author", "email")
    match = _BOT_NOREPLY.match(email) if isinstance(email, str) else None
    return (match.group(2), int(match.group(1))) if match else (None, None)


def parse_commit(
    node: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CommitRecord | None:
    """A ``PullRequestCommit`` node (``{commit {…}}``)."""
    opened = open_child(node, "commit", pr, problems, text_key("commit", "oid"))
    if opened is None:
        return None
    f, sha = opened
    author_login, author_id = _commit_author(f)
    parents = dig(f.payload, "commit", "parents", "totalCount")  # not asked for (a connection per commit)
    return CommitRecord(
        **of_pull_request(pr, fetched_at),
        sha=sha,
        message=f.text("commit", "message"),
        author_name=f.text("commit", "author", "name"),
        author_email=f.text("commit", "author", "email"),
        author_login=author_login,
        author_id=author_id,
        committer_login=f.text("commit", "committer", "user", "login"),
        authored_at=f.timestamp("commit", "authoredDate"),
        committed_at=f.timestamp("commit", "committedDate"),
        parents_count=parents if isinstance(parents, int) and not isinstance(parents, bool) else None,
    )


def parse_file(
    node: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> FileRecord | None:
    opened = open_child(node, "file", pr, problems, text_key("path"))
    if opened is None:
        return None
    f, path = opened
    additions, deletions = f.integer("additions"), f.integer("deletions")
    return FileRecord(
        **of_pull_request(pr, fetched_at),
        path=path,
        status=_enum(f, FILE_STATUSES, _FILE_STATUS, "changeType"),
        additions=additions,
        deletions=deletions,
        changes=additions + deletions if additions is not None and deletions is not None else None,
        previous_path=None,  # not asked for in GraphQL
        file_category=categorize_file(path),
    )


def parse_check_run(
    node: Any, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CheckRunRecord | None:
    """A check run node, carrying the ``app`` and ``headSha`` the fetcher attached from its suite/commit."""
    opened = open_child(node, "check_run", pr, problems, integer_key("databaseId"))
    if opened is None:
        return None
    f, check_run_id = opened
    return CheckRunRecord(
        **of_pull_request(pr, fetched_at),
        check_run_id=check_run_id,
        head_sha=f.text("headSha"),
        name=f.text("name"),
        app_slug=f.text("app", "slug"),
        status=_enum(f, CHECK_STATUSES, None, "status"),
        conclusion=_enum(f, CHECK_CONCLUSIONS, None, "conclusion"),
        started_at=f.timestamp("startedAt"),
        completed_at=f.timestamp("completedAt"),
    )


def parse_comment(
    node: Any, kind: str, pr: PullRequestRecord, fetched_at: dt.datetime, problems: ProblemLog
) -> CommentRecord | None:
    """An issue (conversation) or review (inline) comment node; only a review comment has a path and line."""
    opened = open_child(node, f"{kind}_comment", pr, problems, integer_key("databaseId"))
    if opened is None:
        return None
    f, comment_id = opened
    inline = kind == "review"
    return CommentRecord(
        **of_pull_request(pr, fetched_at),
        comment_id=comment_id,
        comment_kind=kind,
        **account_columns("author", _actor(f, "author", "user")),
        body=f.text("body"),
        path=f.text("path") if inline else None,
        line=f.integer("line") if inline else None,
        in_reply_to_id=f.integer("replyTo", "databaseId") if inline else None,
        created_at=f.timestamp("createdAt"),
        updated_at=f.timestamp("updatedAt"),
    )
