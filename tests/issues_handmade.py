"""Hand-made GitHub issues and discussions on top of the DORA organisation (tests/dora_handmade.py), with
answers worked out by hand (docs/metrics.md, "GitHub issues", "GitHub discussions", "Member activity").

All in March 2026 (UTC), repository ``acme/api`` (deployments d2 Tue 3 Mar 12:00, d3 Wed 4 Mar 12:00):

- I1 (alice, label ``Bug``): opened Mon 2 Mar 10:00, closed by alice Tue 3 Mar 16:00 by the merge of PR 1
  (its merge commit ``merge1``): a bug, 30.00 h to close, closed by a pull request.
- I2 (bob, labels ``incident``, ``sev1``): opened Wed 4 Mar 09:00, closed 11:30, reopened once: an incident
  2.50 h to close; in analytics.incidents attributed to d2 (21.00 h earlier, a change failure).
- I3 (bob, ``incident``) closed as not planned: an incident issue, but no row of analytics.incidents.
- I4 (carol, ``enhancement``): open: no time to close, neither bug nor incident.
- I5 (a deleted account, ``bug``): closed by a commit no pull request merged: not closed by a pull request.

Discussions: D1 (alice, Q&A) Mon 2 Mar 09:00, bob answers 11:00 (marked the answer 13:00), alice replies
12:00, a bot comments: answered after 4.00 h, first response after 2.00 h. D2 (bob, General), deleted.

Member activity of alice: Mon 2 Mar: PR 1 and PR 10 opened, I1 opened, one issue comment, D1 opened, one
discussion reply (6 actions); Tue 3 Mar: PR 1 and PR 10 merged, I1 closed (3 actions).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection

from dexxy_assets.analytics.mart_asset import rebuild_mart
from resources.bulk_load import copy_rows
from tests import dora_handmade
from tests.dora_handmade import FETCHED, at

MARTS = ("github_issues", "github_discussions", "pr_reviews", "pr_comments", "commits", "team_members")


def issue(
    number: int,
    author: str | None,
    labels: list[str],
    created: dt.datetime,
    closed: dt.datetime | None = None,
    reason: str | None = None,
    closed_by: str | None = None,
    commit: str | None = None,
    reopened: int = 0,
) -> dict[str, Any]:
    return {
        "issue_node_id": f"I_{number}",
        "issue_id": 5000 + number,
        "repo_full_name": "acme/api",
        "issue_number": number,
        "title": f"Issue {number}",
        "url": f"https://github.example/acme/api/issues/{number}",
        "author_login": author,
        "author_is_bot": False,
        "state": "closed" if closed else "open",
        "state_reason": reason,
        "labels": labels,
        "assignees": [],
        "comments_count": 0,
        "created_at": created,
        "updated_at": closed or created,
        "closed_at": closed,
        "closed_by_login": closed_by,
        "closing_commit_sha": commit,
        "reopened_count": reopened,
        "transferred_at": None,
        "partition_date": (closed or created).date(),
        "fetched_at": FETCHED,
    }


def _comment(
    comment_id: int, number: int, author: str | None, created: dt.datetime, bot: bool = False
) -> dict:
    return {
        "comment_id": comment_id,
        "comment_node_id": f"IC_{comment_id}",
        "repo_full_name": "acme/api",
        "issue_number": number,
        "author_login": author,
        "author_is_bot": bot,
        "created_at": created,
        "updated_at": created,
        "partition_date": created.date(),
        "fetched_at": FETCHED,
    }


def _discussion(
    node: str, number: int, author: str, category: str, created: dt.datetime, **extra: Any
) -> dict:
    row = {
        "discussion_node_id": node,
        "discussion_id": 7000 + number,
        "repo_full_name": "acme/api",
        "discussion_number": number,
        "title": f"Discussion {number}",
        "url": f"https://github.example/acme/api/discussions/{number}",
        "author_login": author,
        "author_is_bot": False,
        "category": category,
        "is_answerable": category == "Q&A",
        "answer_comment_node_id": None,
        "answer_chosen_at": None,
        "answer_chosen_by_login": None,
        "is_closed": False,
        "state_reason": None,
        "closed_at": None,
        "comments_count": 0,
        "created_at": created,
        "updated_at": created,
        "is_deleted": False,
        "deleted_seen_at": None,
        "partition_date": created.date(),
        "fetched_at": FETCHED,
    }
    row.update(extra)
    return row


def _discussion_comment(
    node: str,
    discussion: str,
    author: str,
    created: dt.datetime,
    reply_to: str | None = None,
    bot: bool = False,
) -> dict:
    return {
        "comment_node_id": node,
        "comment_id": None,
        "discussion_node_id": discussion,
        "repo_full_name": "acme/api",
        "reply_to_node_id": reply_to,
        "author_login": author,
        "author_is_bot": bot,
        "is_answer": node == "DC_1",
        "created_at": created,
        "updated_at": created,
        "partition_date": created.date(),
        "fetched_at": FETCHED,
    }


def load(conn: Connection) -> None:
    """The DORA organisation, then the issues and discussions, then every mart they feed."""
    dora_handmade.load(conn)
    issues = [
        issue(21, "alice", ["Bug"], at(2, 10), at(3, 16), "completed", "alice", "merge1"),
        issue(22, "bob", ["incident", "sev1"], at(4, 9), at(4, 11, 30), "completed", "bob", None, reopened=1),
        issue(23, "bob", ["incident"], at(5, 9), at(5, 10), "not_planned", "bob"),
        issue(24, "carol", ["enhancement"], at(5, 11)),
        issue(25, None, ["bug"], at(6, 9), at(6, 15), "completed", "carol", "deadbeef"),
    ]
    copy_rows(conn, "staging.github_issues", list(issues[0]), issues)
    comments = [
        _comment(1, 21, "alice", at(2, 11)),
        _comment(2, 21, "ci[bot]", at(2, 12), bot=True),
        _comment(3, 21, None, at(2, 13)),  # a deleted account: nobody's activity
    ]
    copy_rows(conn, "staging.github_issue_comments", list(comments[0]), comments)
    discussions = [
        _discussion(
            "D_1",
            31,
            "alice",
            "Q&A",
            at(2, 9),
            answer_comment_node_id="DC_1",
            answer_chosen_at=at(2, 13),
            answer_chosen_by_login="alice",
        ),
        _discussion("D_2", 32, "bob", "General", at(3, 9), is_deleted=True, deleted_seen_at=at(6, 9)),
    ]
    copy_rows(conn, "staging.github_discussions", list(discussions[0]), discussions)
    replies = [
        _discussion_comment("DC_1", "D_1", "bob", at(2, 11)),
        _discussion_comment("DC_2", "D_1", "alice", at(2, 12), reply_to="DC_1"),
        _discussion_comment("DC_3", "D_1", "ci[bot]", at(2, 10), bot=True),
    ]
    copy_rows(conn, "staging.github_discussion_comments", list(replies[0]), replies)
    for name in (*MARTS, "incidents", "member_activity_daily"):
        rebuild_mart(conn, name)
