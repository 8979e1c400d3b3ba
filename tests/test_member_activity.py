"""analytics.member_activity_daily on hand-made rows (tests/issues_handmade.py): one row per person and day
with at least one action, each count as docs/metrics.md defines it; bots and deleted accounts are nobody."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from tests import issues_handmade

COUNTS = (
    "prs_opened",
    "prs_merged",
    "reviews",
    "review_comments",
    "pr_comments",
    "commits",
    "issues_opened",
    "issues_closed",
    "issue_comments",
    "discussions_opened",
    "discussion_comments",
    "total_actions",
)


@pytest.fixture
def activity(warehouse: WarehouseResource) -> dict[tuple[str, dt.date], dict[str, int]]:
    with warehouse.begin() as conn:
        issues_handmade.load(conn)
    with warehouse.connect() as conn:
        rows = conn.execute(text("SELECT * FROM analytics.member_activity_daily")).mappings().all()
    return {(row["github_login"], row["activity_date"]): {c: row[c] for c in COUNTS} for row in rows}


def _expected(**counts: int) -> dict[str, int]:
    row = dict.fromkeys(COUNTS, 0)
    row.update(counts)
    row["total_actions"] = sum(counts.values())
    return row


def test_a_day_of_pull_requests_issues_and_discussions(activity) -> None:  # type: ignore[no-untyped-def]
    # PR 1 (09:00) and PR 10 (21:00) opened, I21 opened and commented, D31 opened, a reply to bob's answer
    assert activity["alice", dt.date(2026, 3, 2)] == _expected(
        prs_opened=2, issues_opened=1, issue_comments=1, discussions_opened=1, discussion_comments=1
    )
    # PR 1 and PR 10 merged, I21 closed
    assert activity["alice", dt.date(2026, 3, 3)] == _expected(prs_merged=2, issues_closed=1)
    # bob answered D31 on 2 Mar; opened and closed I22 on 4 Mar (PR 11 opened and merged that day too)
    assert activity["bob", dt.date(2026, 3, 2)] == _expected(discussion_comments=1)


def test_bots_and_deleted_accounts_are_nobody(activity) -> None:  # type: ignore[no-untyped-def]
    assert not [key for key in activity if key[0].endswith("[bot]")]
    # I25's author was deleted: carol closed it, and that is the only action on 6 Mar
    assert activity["carol", dt.date(2026, 3, 6)] == _expected(issues_closed=1)
    assert all(row["total_actions"] > 0 for row in activity.values())  # no empty days
