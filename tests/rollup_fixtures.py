"""Hand-made analytics rows with known weekly answers, shared by the rollup and Copilot-impact tests.

Weeks: W1 = Monday 2026-03-02, W2 = 2026-03-09 (nothing happens), W3 = 2026-03-16. People: alice (1),
bob (2, in two teams), carol (3) and the bot renovate (99). Teams: api (alice, bob, renovate), web (bob,
carol), idle (nobody).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from resources.bulk_load import copy_rows

W1, W2, W3 = dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)
API, WEB, IDLE = "github:acme/api", "github:acme/web", "github:acme/idle"
ALICE, BOB, CAROL, BOT = 1, 2, 3, 99


def at(day: dt.date, hours: float = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC) + dt.timedelta(hours=hours)


def insert(conn: Connection, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        copy_rows(conn, table, list(rows[0]), rows)


def person(member_id: int, login: str, is_bot: bool = False) -> dict:
    return {
        "member_id": member_id,
        "github_id": member_id,
        "github_login": login,
        "is_bot": is_bot,
        "is_org_member": True,
        "orgs": ["acme"],
    }


def pull_request(pr_id: int, author: int, created: dt.datetime, **metrics: Any) -> dict:
    merged = metrics.pop("merged_at", None)
    row = {
        "pr_id": pr_id,
        "repository": "acme/api",
        "pr_number": pr_id,
        "title": f"PR {pr_id}",
        "author_id": author,
        "author_login": {ALICE: "alice", BOB: "bob", CAROL: "carol", BOT: "renovate[bot]"}[author],
        "state": "merged" if merged else "open",
        "is_draft": False,
        "is_bot": author == BOT,
        "review_count": 0,
        "created_at": created,
        "merged_at": merged,
        "updated_at": merged or created,
        "is_revert": False,
        "is_hotfix": False,
        "additions": 0,
        "deletions": 0,
        "total_comments": 0,
        "review_rounds": 0,
        "cycle_time_hours": None,
        "coding_time_hours": None,
        "pickup_time_hours": None,
        "review_phase_hours": None,
        "deploy_time_hours": None,
        "effective_is_ai_assisted": None,
        "deployment_id": None,
    }
    return {**row, **metrics}


def merged_pr(pr_id: int, author: int, created: dt.datetime, cycle: float, **metrics: Any) -> dict:
    merged = created + dt.timedelta(hours=cycle)
    return pull_request(pr_id, author, created, merged_at=merged, cycle_time_hours=cycle, **metrics)


def phases(coding: float, pickup: float, review: float, deploy: float | None) -> dict:
    return {
        "coding_time_hours": coding,
        "pickup_time_hours": pickup,
        "review_phase_hours": review,
        "deploy_time_hours": deploy,
    }


PULL_REQUESTS = [
    merged_pr(
        1,
        ALICE,
        at(W1),
        10,
        **phases(2, 1, 7, 4),
        review_rounds=1,
        total_comments=3,
        additions=100,
        deletions=20,
        effective_is_ai_assisted=True,
    ),
    merged_pr(
        2,
        ALICE,
        at(W1, 10),
        20,
        **phases(4, 2, 14, None),
        total_comments=1,
        additions=40,
        deletions=10,
        effective_is_ai_assisted=False,
    ),
    merged_pr(
        3,
        BOB,
        at(W1, 11),
        30,
        **phases(6, 3, 21, 8),
        review_rounds=2,
        total_comments=5,
        additions=300,
    ),
    pull_request(4, BOB, at(W1, 12)),
    merged_pr(5, BOT, at(W1, 8), 1, additions=5000, effective_is_ai_assisted=True),
    # opened Sunday 23:30 (still W1), merged Monday 01:00 of W3
    merged_pr(6, CAROL, at(W2, -0.5), 169.5, additions=10, effective_is_ai_assisted=True),
    merged_pr(7, CAROL, at(W3, 2), 40, additions=30, effective_is_ai_assisted=False),
]
# cycle of PR 6 as the rollup sees it: merged in W3
PR6_CYCLE = 169.5


MERGE_FIELDS = ("cycle_time_hours", "coding_time_hours", "pickup_time_hours", "review_phase_hours")


def as_of(rows: Iterable[Mapping[str, Any]], moment: dt.datetime | None) -> list[dict]:
    """The pull requests as a sync at ``moment`` saw them: not yet opened ones absent, not yet merged ones
    open (without the times a merge gives)."""
    seen = []
    for row in rows:
        if moment is not None and row["created_at"] >= moment:
            continue
        if moment is not None and row["merged_at"] is not None and row["merged_at"] >= moment:
            row = {**row, "state": "open", "merged_at": None, "updated_at": row["created_at"]}
            row.update(dict.fromkeys((*MERGE_FIELDS, "deploy_time_hours")))
        seen.append(dict(row))
    return seen


def before(moment: dt.datetime | None, value: dt.datetime | dt.date | None) -> bool:
    """Whether a fact at ``value`` was synced by ``moment`` (a day counts once it is over)."""
    if moment is None or value is None:
        return True
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value + dt.timedelta(days=1), dt.time(), dt.UTC)
    return value <= moment


def load_rollup_fixture(
    conn: Connection, moment: dt.datetime | None = None, extra_prs: Iterable[Mapping[str, Any]] = ()
) -> None:
    """The fixture's rows; with ``moment``, only what a sync at that moment had landed (an incremental
    build's history as it grows)."""
    insert(
        conn,
        "analytics.team_members",
        [
            person(ALICE, "alice"),
            person(BOB, "bob"),
            person(CAROL, "carol"),
            person(BOT, "renovate[bot]", True),
        ],
    )
    insert(
        conn,
        "analytics.teams",
        [
            {"team_key": key, "org": "acme", "slug": key.rsplit("/", 1)[1], "name": key, "source": "github"}
            for key in (API, WEB, IDLE)
        ],
    )
    insert(
        conn,
        "analytics.team_memberships",
        [
            {
                "team_key": team,
                "member_id": member,
                "github_login": login,
                "role": "member",
                "source": "github",
            }
            for team, member, login in (
                (API, ALICE, "alice"),
                (API, BOB, "bob"),
                (API, BOT, "renovate[bot]"),
                (WEB, BOB, "bob"),
                (WEB, CAROL, "carol"),
            )
        ],
    )
    insert(conn, "analytics.pull_requests", as_of([*PULL_REQUESTS, *extra_prs], moment))
    review = {"pr_id": 1, "repository": "acme/api", "pr_number": 1, "state": "APPROVED"}
    insert(
        conn,
        "analytics.pr_reviews",
        [
            row
            for row in [
                {
                    **review,
                    "review_id": 11,
                    "reviewer_id": CAROL,
                    "reviewer_login": "carol",
                    "reviewer_is_bot": False,
                    "is_self_review": False,
                    "submitted_at": at(W1, 12),
                },
                {
                    **review,
                    "review_id": 12,
                    "reviewer_id": BOB,
                    "reviewer_login": "bob",
                    "reviewer_is_bot": False,
                    "is_self_review": False,
                    "submitted_at": at(W1, 13),
                },
                {
                    **review,
                    "review_id": 13,
                    "reviewer_id": ALICE,
                    "reviewer_login": "alice",
                    "reviewer_is_bot": False,
                    "is_self_review": True,
                    "submitted_at": at(W1, 13),
                    "state": "COMMENTED",
                },
                {
                    **review,
                    "review_id": 14,
                    "reviewer_id": BOT,
                    "reviewer_login": "renovate[bot]",
                    "reviewer_is_bot": True,
                    "is_self_review": False,
                    "submitted_at": at(W1, 13),
                },
            ]
            if before(moment, row["submitted_at"])
        ],
    )
    link = {"repository": "acme/api", "key_rank": 1}
    insert(
        conn,
        "analytics.pr_jira_links",
        [
            {**link, "pr_id": 1, "pr_number": 1, "jira_key": "API-1", "is_known_issue": True},
            {**link, "pr_id": 3, "pr_number": 3, "jira_key": "NOPE-9", "is_known_issue": False},
            {**link, "pr_id": 4, "pr_number": 4, "jira_key": "API-2", "is_known_issue": True},
        ],
    )
    usage = {"source": "copilot", "org": "acme", "user_initiated_interaction_count": 0}
    insert(
        conn,
        "analytics.ai_usage_daily",
        [
            row
            for row in [
                {
                    **usage,
                    "day": W1,
                    "github_login": "alice",
                    "member_id": ALICE,
                    "code_generation_activity_count": 10,
                    "code_acceptance_activity_count": 4,
                },
                {
                    **usage,
                    "day": W1 + dt.timedelta(days=1),
                    "github_login": "alice",
                    "member_id": ALICE,
                    "code_generation_activity_count": 10,
                    "code_acceptance_activity_count": 2,
                },
                {
                    **usage,
                    "day": W1 + dt.timedelta(days=2),
                    "github_login": "alice",
                    "member_id": ALICE,
                    "code_generation_activity_count": 0,
                    "code_acceptance_activity_count": 0,
                },
                {
                    **usage,
                    "day": W1,
                    "github_login": "bob",
                    "member_id": BOB,
                    "user_initiated_interaction_count": 3,
                    "code_generation_activity_count": 0,
                    "code_acceptance_activity_count": 0,
                },
            ]
            if before(moment, row["day"])
        ],
    )
    issue = {
        "previous_keys": [],
        "sprint_ids": [],
        "sprint_names": [],
        "labels": [],
        "reopen_count": 0,
        "status_hours": {},
        "changelog_complete": True,
        "updated_at": at(W3),
    }
    insert(
        conn,
        "analytics.jira_issues",
        [
            row
            for row in [
                {
                    **issue,
                    "issue_id": 1,
                    "issue_key": "API-1",
                    "assignee_member_id": ALICE,
                    "story_points": 5,
                    "status_category": "done",
                    "done_at": at(W1 + dt.timedelta(days=2)),
                },
                {
                    **issue,
                    "issue_id": 2,
                    "issue_key": "API-2",
                    "assignee_member_id": BOB,
                    "story_points": 3,
                    "status_category": "done",
                    "done_at": at(W3, 5),
                },
                {
                    **issue,
                    "issue_id": 3,
                    "issue_key": "API-3",
                    "assignee_member_id": ALICE,
                    "story_points": 8,
                    "status_category": "indeterminate",
                    "done_at": None,
                },
            ]
            if before(moment, row["done_at"])
        ],
    )
