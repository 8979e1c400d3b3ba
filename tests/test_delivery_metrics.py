"""The delivery metrics of docs/metrics.md (issue 3), case by case, on hand-made staging rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import text

from resources.bulk_load import upsert
from resources.warehouse import WarehouseResource
from tests.github_runs import materialize_unpartitioned

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the PR is opened (a Monday)
FETCHED = dt.datetime(2026, 3, 20, tzinfo=dt.UTC)
VERSION = T0 + dt.timedelta(days=5)
MERGE_SHA = "m" * 40


def h(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def pr(**overrides: object) -> dict:
    row = {
        "pr_id": 1,
        "repo_full_name": "acme/api",
        "pr_number": 1,
        "title": "Add refunds",
        "body": None,
        "state": "closed",
        "is_draft": False,
        "is_merged": True,
        "author_id": 1,
        "author_login": "alice",
        "author_type": "User",
        "author_is_bot": False,
        "head_ref": "feature/refunds",
        "labels": [],
        "created_at": T0,
        "updated_at": VERSION,
        "merged_at": h(30),
        "closed_at": h(30),
        "merge_commit_sha": MERGE_SHA,
        "opened_as_draft": False,
        "ready_for_review_at": T0,
        "partition_date": VERSION.date(),
        "fetched_at": FETCHED,
    }
    return {**row, **overrides}


def review(review_id: int, login: str, at: float, state: str = "APPROVED", bot: bool = False) -> dict:
    return {
        "review_id": review_id,
        "pr_id": 1,
        "repo_full_name": "acme/api",
        "pr_number": 1,
        "reviewer_id": 100 + review_id,
        "reviewer_login": login,
        "reviewer_type": "Bot" if bot else "User",
        "reviewer_is_bot": bot,
        "state": state,
        "submitted_at": h(at),
        "pr_updated_at": VERSION,
        "fetched_at": FETCHED,
    }


def commit(n: int, at: float) -> dict:
    return {
        "pr_id": 1,
        "sha": f"{n:040d}",
        "repo_full_name": "acme/api",
        "pr_number": 1,
        "message": f"commit {n}",
        "authored_at": h(at),
        "committed_at": h(at),
        "parents_count": 1,
        "pr_updated_at": VERSION,
        "fetched_at": FETCHED,
    }


def comment(comment_id: int, login: str, at: float, kind: str = "issue", bot: bool = False) -> dict:
    return {
        "comment_id": comment_id,
        "comment_kind": kind,
        "pr_id": 1,
        "repo_full_name": "acme/api",
        "pr_number": 1,
        "author_id": 200 + comment_id,
        "author_login": login,
        "author_is_bot": bot,
        "created_at": h(at),
        "updated_at": h(at),
        "pr_updated_at": VERSION,
        "fetched_at": FETCHED,
    }


def deployment(
    deployment_id: int, succeeded: float | None, shas: list[str] | None, production: bool = True
) -> dict:
    return {
        "deployment_id": deployment_id,
        "repo_full_name": "acme/api",
        "environment": "production" if production else "staging",
        "sha": f"d{deployment_id}",
        "is_production": production,
        "latest_state": "success" if succeeded is not None else "failure",
        "succeeded_at": h(succeeded) if succeeded is not None else None,
        "created_at": h(succeeded - 0.2) if succeeded is not None else h(40),
        "updated_at": VERSION,
        "change_set_known": shas is not None,
        "partition_date": VERSION.date(),
        "fetched_at": FETCHED,
        "_shas": shas or [],
    }


def build(
    warehouse: WarehouseResource,
    pull: dict,
    reviews: list[dict] = (),  # type: ignore[assignment]
    commits: list[dict] = (),  # type: ignore[assignment]
    comments: list[dict] = (),  # type: ignore[assignment]
    deployments: list[dict] = (),  # type: ignore[assignment]
) -> dict:
    with warehouse.begin() as conn:
        upsert(conn, "staging.github_pull_requests", list(pull), [pull], ["pr_id"])
        for table, rows, key in (
            ("staging.github_pr_reviews", reviews, ["review_id"]),
            ("staging.github_pr_commits", commits, ["pr_id", "sha"]),
            ("staging.github_pr_comments", comments, ["comment_kind", "comment_id"]),
        ):
            if rows:
                upsert(conn, table, list(rows[0]), rows, key)
        for d in deployments:
            row = {k: v for k, v in d.items() if k != "_shas"}
            upsert(conn, "staging.github_deployments", list(row), [row], ["deployment_id"])
            changes = [
                {
                    "deployment_id": d["deployment_id"],
                    "sha": s,
                    "repo_full_name": "acme/api",
                    "fetched_at": FETCHED,
                }
                for s in d["_shas"]
            ]
            if changes:
                upsert(
                    conn,
                    "staging.github_deployment_commits",
                    list(changes[0]),
                    changes,
                    ["deployment_id", "sha"],
                )
    assert materialize_unpartitioned(
        warehouse, "key:analytics/pull_requests or key:analytics/deployments"
    ).success
    with warehouse.connect() as conn:
        return dict(
            conn.execute(text("SELECT * FROM analytics.pull_requests WHERE pr_id = 1")).one()._mapping
        )


def hours(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_the_full_breakdown_is_contiguous(warehouse: WarehouseResource) -> None:
    row = build(
        warehouse,
        pr(),
        reviews=[review(1, "bob", 4, "CHANGES_REQUESTED"), review(2, "bob", 20)],
        commits=[commit(1, -10), commit(2, -2), commit(3, 8)],
        comments=[comment(1, "carol", 2)],
        deployments=[deployment(7, 36, [MERGE_SHA, "x" * 40])],
    )
    assert row["first_commit_at"] == h(-10)
    assert row["coding_time_hours"] == hours(10)  # first commit → ready (opened ready)
    assert row["first_response_at"] == h(2)  # carol's comment beats bob's review
    assert row["pickup_time_hours"] == hours(2)
    assert row["review_phase_hours"] == hours(28)  # 2 → 30 (merge)
    assert row["deploy_time_hours"] == hours(6)  # 30 → 36
    assert row["lead_time_hours"] == hours(46)  # -10 → 36
    parts = (
        row["coding_time_hours"]
        + row["pickup_time_hours"]
        + row["review_phase_hours"]
        + row["deploy_time_hours"]
    )
    assert parts == row["lead_time_hours"]
    assert row["review_time_hours"] == hours(4)
    assert row["review_rounds"] == 1 and row["avg_fix_response_hours"] == hours(4)  # 4 → commit at 8
    assert row["commits_after_first_review"] == 1
    assert row["total_comments"] == 1
    assert row["deployment_id"] == 7


def test_no_reviews(warehouse: WarehouseResource) -> None:
    row = build(warehouse, pr(), commits=[commit(1, -1)])
    assert row["review_count"] == 0 and row["review_time_hours"] is None
    assert row["review_rounds"] == 0 and row["avg_fix_response_hours"] is None
    assert row["pickup_time_hours"] is None and row["review_phase_hours"] is None
    assert row["commits_after_first_review"] == 0


def test_review_before_the_first_commit_gives_no_negative_span(warehouse: WarehouseResource) -> None:
    # opened with no commits, reviewed at 1h, first commit at 3h: coding ends before it starts → NULL
    row = build(warehouse, pr(), reviews=[review(1, "bob", 1)], commits=[commit(1, 3)])
    assert row["coding_time_hours"] is None
    assert row["pickup_time_hours"] == hours(1)
    assert row["commits_after_first_review"] == 1


def test_only_author_comments_and_bot_reviews_are_no_response(warehouse: WarehouseResource) -> None:
    row = build(
        warehouse,
        pr(),
        reviews=[review(1, "alice", 1, "COMMENTED"), review(2, "dependabot[bot]", 2, bot=True)],
        comments=[
            comment(1, "alice", 3),
            comment(2, "alice", 4, kind="review"),
            comment(3, "ci-bot[bot]", 5, bot=True),
        ],
    )
    assert row["first_response_at"] is None and row["pickup_time_hours"] is None
    assert row["review_count"] == 0 and row["first_review_at"] is None
    assert row["total_comments"] == 2  # the author's own comments count as comments; the bot's do not


def test_draft_time_counts_as_coding(warehouse: WarehouseResource) -> None:
    row = build(
        warehouse,
        pr(opened_as_draft=True, ready_for_review_at=h(12)),
        reviews=[review(1, "bob", 14)],
        commits=[commit(1, -4)],
    )
    assert row["coding_time_hours"] == hours(16) and row["pickup_time_hours"] == hours(2)


def test_merged_without_review(warehouse: WarehouseResource) -> None:
    row = build(warehouse, pr(merged_at=h(1), closed_at=h(1)), commits=[commit(1, -1)])
    assert row["state"] == "merged" and row["cycle_time_hours"] == hours(1)
    assert row["first_review_at"] is None and row["review_phase_hours"] is None


def test_reopened_pr_keeps_its_creation_time(warehouse: WarehouseResource) -> None:
    # closed at 5h, reopened, merged at 50h: cycle time runs from creation to the final merge
    row = build(warehouse, pr(merged_at=h(50), closed_at=h(50)), reviews=[review(1, "bob", 40)])
    assert row["cycle_time_hours"] == hours(50)
    assert row["review_phase_hours"] == hours(10)


def test_a_deployment_before_the_merge_does_not_ship_it(warehouse: WarehouseResource) -> None:
    # deployment 5 (at 20h, before the 30h merge) shipped other commits; deployment 6 ships the merge commit
    row = build(warehouse, pr(), deployments=[deployment(5, 20, ["y" * 40]), deployment(6, 50, [MERGE_SHA])])
    assert row["deployment_id"] == 6 and row["deploy_time_hours"] == hours(20)


def test_the_first_deployment_ever_ships_no_known_pr(warehouse: WarehouseResource) -> None:
    row = build(warehouse, pr(), deployments=[deployment(1, 40, None)])
    assert row["deployed_at"] is None and row["deploy_time_hours"] is None and row["lead_time_hours"] is None
    with warehouse.connect() as conn:
        first = conn.execute(
            text("SELECT commits_count, pull_requests_count FROM analytics.deployments")
        ).one()
    assert tuple(first) == (None, None)  # unknown, not zero


def test_failed_and_staging_deployments_do_not_count(warehouse: WarehouseResource) -> None:
    row = build(
        warehouse,
        pr(),
        deployments=[deployment(3, None, [MERGE_SHA]), deployment(4, 35, [MERGE_SHA], production=False)],
    )
    assert row["deployed_at"] is None


def test_review_rounds_count_cycles_not_requests(warehouse: WarehouseResource) -> None:
    row = build(
        warehouse,
        pr(),
        reviews=[
            review(1, "bob", 2, "CHANGES_REQUESTED"),
            review(2, "carol", 3, "CHANGES_REQUESTED"),
            review(3, "bob", 10, "CHANGES_REQUESTED"),
            review(4, "bob", 20, "CHANGES_REQUESTED"),
        ],
        commits=[commit(1, -1), commit(2, 6), commit(3, 12)],
    )
    # round 1: requests at 2h and 3h, answered at 6h (4h after the first); round 2: 10h → 12h (2h).
    # The request at 20h was never answered with commits: not a round.
    assert row["review_rounds"] == 2 and row["avg_fix_response_hours"] == hours(3)


def test_revert_hotfix_and_jira_flags(warehouse: WarehouseResource) -> None:
    row = build(warehouse, pr(title='Revert "Add refunds"', head_ref="revert-12-feature", jira_key="PAY-9"))
    assert row["is_revert"] and not row["is_hotfix"] and row["jira_key"] == "PAY-9"
    row = build(warehouse, pr(title="hotfix: stop double charge", head_ref="fix/charges"))
    assert row["is_hotfix"] and not row["is_revert"]
    row = build(warehouse, pr(head_ref="hotfix/PAY-10-charges"))
    assert row["is_hotfix"]


def test_a_deleted_author_breaks_no_mart(warehouse: WarehouseResource) -> None:
    """A pull request whose author account was deleted (NULL author) still has reviews and comments by
    others; nobody is its author, so nothing is a self-review or an author's comment."""
    build(
        warehouse,
        pr(author_id=None, author_login=None, author_type=None),
        reviews=[review(1, "bob", 4)],
        comments=[comment(1, "carol", 2), comment(2, "bob", 3, kind="review")],
    )
    assert materialize_unpartitioned(
        warehouse, "key:analytics/pr_reviews or key:analytics/pr_comments"
    ).success
    with warehouse.connect() as conn:
        reviews = conn.execute(text("SELECT is_self_review FROM analytics.pr_reviews")).scalars().all()
        comments = conn.execute(text("SELECT is_pr_author FROM analytics.pr_comments")).scalars().all()
    assert reviews == [False]
    assert comments == [False, False]
