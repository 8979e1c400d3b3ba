"""Answers to the PR survey given as ``/ai …`` replies on the pull request, read from the conversation
comments the GitHub sync already stages (``staging.github_pr_comments``): no webhook or API call of their own.

Each reply is read once (``ops.pr_survey_comment_replies``, keyed by the comment's id) and, like a Slack
click, the first answer of a survey wins. A reply by anyone but the pull request's author is kept and ignored
(``not_author``); one that is not ``/ai none|some|most`` is kept as ``malformed`` and one about a pull request
its author was never asked about as ``unknown_survey`` (both problems). A run reads the replies on the pull
requests merged in its days and those written in its days: the nightly sync of today stages a late reply (its
comment moves the pull request's ``updated_at`` to today), so today's run reads it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import Connection, Engine, Row, text

from resources.github_survey_comment import COMMAND_PATTERN, read_command

_NEW_REPLIES = text(
    """
SELECT c.comment_id, c.pr_id, p.repo_full_name, p.pr_number, p.merged_at, c.author_login, c.body,
       c.created_at, p.author_login AS pr_author
FROM staging.github_pr_comments AS c
JOIN staging.github_pull_requests AS p ON p.pr_id = c.pr_id
WHERE c.comment_kind = 'issue' AND c.body ~* :pattern
  AND ((p.merged_at >= :start AND p.merged_at < :end) OR (c.created_at >= :start AND c.created_at < :end))
  AND NOT EXISTS (SELECT 1 FROM ops.pr_survey_comment_replies AS r WHERE r.comment_id = c.comment_id)
ORDER BY c.created_at, c.comment_id
"""
)
_KEEP = text(
    """
INSERT INTO ops.pr_survey_comment_replies
    (comment_id, pr_id, repository, pr_number, merged_at, author_login, body, created_at, status, answer,
     tools)
VALUES (:comment_id, :pr_id, :repository, :number, :merged_at, :login, :body, :created_at, 'received',
        :answer, :tools)
ON CONFLICT (comment_id) DO NOTHING
RETURNING comment_id
"""
)
_SETTLE = text("UPDATE ops.pr_survey_comment_replies SET status = :status WHERE comment_id = :comment_id")
# the author's survey, whichever channel asked: the first answer wins (as sensors/slack_interactivity.py)
_ANSWER = text(
    """
UPDATE ops.pr_survey_deliveries
SET answer = :answer, tools = :tools, answered_at = coalesce(:at, now()), status = 'answered',
    answer_source = 'github_comment', answer_comment_id = :comment_id
WHERE pr_id = :pr_id AND person = :person AND role = 'author' AND answer IS NULL
  AND status IN ('sending', 'sent', 'unconfirmed')
RETURNING pr_id
"""
)
_ASKED = text(
    "SELECT 1 FROM ops.pr_survey_deliveries WHERE pr_id = :pr_id AND person = :person "
    "AND status IN ('sending', 'sent', 'unconfirmed', 'answered')"
)


def read_replies(engine: Engine, start: dt.datetime, end: dt.datetime) -> Counter[str]:
    """Store the new ``/ai`` replies of the window; their statuses this run (each in its own transaction, so
    a concurrent run reads each reply once)."""
    statuses: Counter[str] = Counter()
    with engine.connect() as conn:
        replies = conn.execute(_NEW_REPLIES, {"pattern": COMMAND_PATTERN, "start": start, "end": end}).all()
    for reply in replies:
        with engine.begin() as conn:
            status = _store(conn, reply)
        if status:
            statuses[status] += 1
    return statuses


def _store(conn: Connection, reply: Row[Any]) -> str | None:
    command = read_command(reply.body)
    tools = list(command.tools)
    params = {
        "comment_id": reply.comment_id,
        "pr_id": reply.pr_id,
        "repository": reply.repo_full_name,
        "number": reply.pr_number,
        "merged_at": reply.merged_at,
        "login": reply.author_login,
        "body": reply.body,
        "created_at": reply.created_at,
        "answer": command.answer,
        "tools": tools,
    }
    if conn.execute(_KEEP, params).first() is None:
        return None  # another run read it first
    status = _settle(conn, reply, command.answer, tools)
    conn.execute(_SETTLE, {"status": status, "comment_id": reply.comment_id})
    return status


def _settle(conn: Connection, reply: Row[Any], answer: str | None, tools: list[str]) -> str:
    person = (reply.pr_author or "").lower()
    if not reply.author_login or reply.author_login.lower() != person:
        return "not_author"  # only the author was asked: anyone else's /ai is not the survey's answer
    if answer is None:
        return "malformed"
    params = {"pr_id": reply.pr_id, "person": person}
    stored = conn.execute(
        _ANSWER,
        {**params, "answer": answer, "tools": tools, "at": reply.created_at, "comment_id": reply.comment_id},
    ).first()
    if stored is not None:
        return "recorded"
    return "already_answered" if conn.execute(_ASKED, params).first() else "unknown_survey"
