"""Metric definitions of docs/metrics.md, case by case, on hand-made staging rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from resources.bulk_load import upsert
from resources.warehouse import WarehouseResource
from tests.github_runs import materialize_unpartitioned

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday
FETCHED = dt.datetime(2026, 3, 10, tzinfo=dt.UTC)


def _pr(pr_id: int, **overrides: object) -> dict:
    row = {
        "pr_id": pr_id,
        "repo_full_name": "acme/api",
        "pr_number": pr_id,
        "title": f"PR {pr_id}",
        "body": None,
        "state": "open",
        "is_draft": False,
        "is_merged": False,
        "author_id": 1,
        "author_login": "alice",
        "author_type": "User",
        "author_is_bot": False,
        "created_at": T0,
        "updated_at": T0 + dt.timedelta(days=3),
        "merged_at": None,
        "closed_at": None,
        "labels": [],
        "partition_date": T0.date(),
        "fetched_at": FETCHED,
    }
    return {**row, **overrides}


def _review(review_id: int, pr_id: int, login: str, hours: float, **overrides: object) -> dict:
    row = {
        "review_id": review_id,
        "pr_id": pr_id,
        "repo_full_name": "acme/api",
        "pr_number": pr_id,
        "reviewer_id": 100 + review_id,
        "reviewer_login": login,
        "reviewer_type": "User",
        "reviewer_is_bot": False,
        "state": "APPROVED",
        "submitted_at": T0 + dt.timedelta(hours=hours),
        "pr_updated_at": T0 + dt.timedelta(days=3),
        "fetched_at": FETCHED,
    }
    return {**row, **overrides}


def _build(warehouse: WarehouseResource, prs: list[dict], reviews: list[dict]) -> dict[int, dict]:
    with warehouse.begin() as conn:
        upsert(conn, "staging.github_pull_requests", list(prs[0]), prs, ["pr_id"])
        if reviews:
            upsert(conn, "staging.github_pr_reviews", list(reviews[0]), reviews, ["review_id"])
    result = materialize_unpartitioned(warehouse, "key:analytics/pull_requests or key:analytics/pr_reviews")
    assert result.success
    with warehouse.connect() as conn:
        return {
            row.pr_id: dict(row._mapping)
            for row in conn.execute(text("SELECT * FROM analytics.pull_requests"))
        }


def test_cycle_time_is_created_to_merged(warehouse: WarehouseResource) -> None:
    merged = T0 + dt.timedelta(hours=26, minutes=30)
    rows = _build(warehouse, [_pr(1, state="closed", is_merged=True, merged_at=merged, closed_at=merged)], [])
    assert rows[1]["state"] == "merged"
    assert rows[1]["cycle_time_hours"] == Decimal("26.50")


def test_closed_without_merge_has_no_cycle_time(warehouse: WarehouseResource) -> None:
    rows = _build(warehouse, [_pr(2, state="closed", closed_at=T0 + dt.timedelta(hours=5))], [])
    assert rows[2]["state"] == "closed"
    assert rows[2]["cycle_time_hours"] is None


def test_negative_span_is_null(warehouse: WarehouseResource) -> None:
    merged = T0 - dt.timedelta(hours=1)
    rows = _build(warehouse, [_pr(3, state="closed", is_merged=True, merged_at=merged, closed_at=merged)], [])
    assert rows[3]["cycle_time_hours"] is None


@pytest.mark.parametrize(
    ("reviews", "expected_count", "expected_first_hours"),
    [
        ([], 0, None),
        ([("dependabot[bot]", 1.0, {"reviewer_is_bot": True, "reviewer_type": "Bot"})], 0, None),
        ([("alice", 1.0, {"state": "COMMENTED"})], 0, None),  # the author's own comment-review
        ([("bob", 1.0, {"state": "PENDING", "submitted_at": None})], 0, None),
        ([("alice", 0.5, {}), ("bob", 4.0, {"state": "CHANGES_REQUESTED"}), ("carol", 6.0, {})], 2, 4.0),
    ],
    ids=["no-reviews", "bot-only", "self-review-only", "pending-only", "mixed"],
)
def test_review_count_excludes_bots_self_reviews_and_pending(
    warehouse: WarehouseResource, reviews: list, expected_count: int, expected_first_hours: float | None
) -> None:
    review_rows = [
        _review(i + 1, 4, login, hours, **extra) for i, (login, hours, extra) in enumerate(reviews)
    ]
    rows = _build(warehouse, [_pr(4)], review_rows)
    assert rows[4]["review_count"] == expected_count
    expected_first = (
        T0 + dt.timedelta(hours=expected_first_hours) if expected_first_hours is not None else None
    )
    assert rows[4]["first_review_at"] == expected_first


def test_review_flags_and_hours(warehouse: WarehouseResource) -> None:
    _build(
        warehouse,
        [_pr(5)],
        [_review(1, 5, "alice", 2.0), _review(2, 5, "bob", 3.25), _review(3, 5, "eve", -1.0)],
    )
    with warehouse.connect() as conn:
        reviews = {r.review_id: r for r in conn.execute(text("SELECT * FROM analytics.pr_reviews"))}
    assert reviews[1].is_self_review and not reviews[2].is_self_review
    assert reviews[2].hours_after_pr_created == Decimal("3.25")
    assert reviews[3].hours_after_pr_created is None  # before the PR existed: bad data, not a negative number


def test_unknown_state_is_kept_and_flagged(warehouse: WarehouseResource) -> None:
    rows = _build(warehouse, [_pr(6, state="superseded")], [])
    assert rows[6]["state"] == "superseded"
