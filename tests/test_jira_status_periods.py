"""Status periods, time in status, cycle and lead time on hand-made changelogs: a reopened issue, skipped
states, a status whose name disagrees with its category, a change logged after the issue's `updated`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, text

from resources.warehouse import WarehouseResource
from tests.jira_handmade import history as h
from tests.jira_handmade import hours, issue, load, status_item


def _issue(conn: Connection, key: str) -> dict[str, Any]:
    row = conn.execute(text("SELECT * FROM analytics.jira_issues WHERE issue_key = :k"), {"k": key}).one()
    return dict(row._mapping)


def _periods(conn: Connection, key: str) -> list[tuple[str, Decimal | None, bool]]:
    rows = conn.execute(
        text(
            "SELECT status, status_category, hours, is_current FROM analytics.jira_issue_status_periods "
            "WHERE issue_key = :k ORDER BY period_index"
        ),
        {"k": key},
    )
    return [(r.status, r.status_category, r.hours, r.is_current) for r in rows]


def test_a_reopened_issue_sums_its_visits_and_counts_the_reopen(warehouse: WarehouseResource) -> None:
    reopened = issue(
        101,
        "PAY-1",
        "6",
        histories=[
            h(1, hours(2), status_item("1", "3")),
            h(2, hours(10), status_item("3", "6")),
            h(3, hours(30), status_item("6", "3")),
            h(4, hours(40), status_item("3", "6")),
        ],
        resolved=hours(40),
    )
    with warehouse.begin() as conn:
        load(conn, [reopened])
        row = _issue(conn, "PAY-1")
        periods = _periods(conn, "PAY-1")
    assert [p[:3] for p in periods[:4]] == [
        ("To Do", "new", Decimal("2.00")),
        ("In Progress", "indeterminate", Decimal("8.00")),
        ("Done", "done", Decimal("20.00")),
        ("In Progress", "indeterminate", Decimal("10.00")),
    ]
    assert periods[4][0] == "Done" and periods[4][3] is True
    assert row["reopen_count"] == 1
    assert row["first_in_progress_at"] == hours(2) and row["done_at"] == hours(40)
    assert row["cycle_time_hours"] == Decimal("38.00")
    assert row["lead_time_hours"] == Decimal("40.00")
    assert row["todo_hours"] == Decimal("2.00") and row["in_progress_hours"] == Decimal("18.00")
    assert row["status_hours"]["In Progress"] == 18.0


def test_skipped_states_leave_cycle_time_empty_but_lead_time_set(warehouse: WarehouseResource) -> None:
    straight = issue(102, "PAY-2", "6", histories=[h(5, hours(5), status_item("1", "6"))], resolved=hours(5))
    untouched = issue(103, "PAY-3", "1")
    with warehouse.begin() as conn:
        load(conn, [straight, untouched])
        done = _issue(conn, "PAY-2")
        idle = _issue(conn, "PAY-3")
        idle_periods = _periods(conn, "PAY-3")
    assert done["first_in_progress_at"] is None and done["cycle_time_hours"] is None
    assert done["lead_time_hours"] == Decimal("5.00") and done["done_at"] == hours(5)
    assert [(p[0], p[3]) for p in idle_periods] == [("To Do", True)]
    assert idle["created_at"] == hours(0)  # "…-0800" timestamps parse
    assert idle["cycle_time_hours"] is None and idle["lead_time_hours"] is None


def test_the_category_is_trusted_over_a_status_name_and_the_disagreement_counted(
    warehouse: WarehouseResource,
) -> None:
    through_completed = issue(
        104,
        "PAY-4",
        "6",
        histories=[
            h(6, hours(1), status_item("1", "3")),
            h(7, hours(3), status_item("3", "5")),
            h(8, hours(4), status_item("5", "6")),
        ],
        resolved=hours(4),
    )
    stuck_in_completed = issue(105, "PAY-5", "5", histories=[h(9, hours(1), status_item("1", "5"))])
    with warehouse.begin() as conn:
        result = load(conn, [through_completed, stuck_in_completed])
        passed = _issue(conn, "PAY-4")
        stuck = _issue(conn, "PAY-5")
    assert passed["in_progress_hours"] == Decimal("3.00")  # "Completed" counts as in progress
    assert passed["cycle_time_hours"] == Decimal("3.00")
    assert stuck["status_category"] == "indeterminate" and stuck["done_at"] is None
    assert stuck["cycle_time_hours"] is None
    assert result.problems.by_problem()["jira_issue.status_category_disagrees_with_name"] == 1


def test_a_change_logged_after_updated_is_kept_and_counted(warehouse: WarehouseResource) -> None:
    late = issue(
        106,
        "PAY-6",
        "6",
        updated=hours(5),
        histories=[h(10, hours(1), status_item("1", "3")), h(11, hours(8), status_item("3", "6"))],
        resolved=hours(8),
    )
    with warehouse.begin() as conn:
        result = load(conn, [late])
        row = _issue(conn, "PAY-6")
        flagged = conn.execute(
            text("SELECT after_issue_updated FROM staging.jira_issue_changes WHERE history_id = 11")
        ).scalar_one()
    assert row["done_at"] == hours(8) and row["cycle_time_hours"] == Decimal("7.00")
    assert flagged is True
    assert result.problems.by_problem()["jira_changelog.after_issue_updated"] == 1


def test_a_truncated_changelog_is_flagged_not_trusted(warehouse: WarehouseResource) -> None:
    truncated = issue(107, "PAY-7", "3", histories=[h(12, hours(2), status_item("1", "3"))])
    truncated["changelog"]["total"] = 60  # Jira embedded 1 of 60 and nothing was paged into raw
    with warehouse.begin() as conn:
        result = load(conn, [truncated])
        row = _issue(conn, "PAY-7")
    assert row["changelog_complete"] is False
    assert result.problems.by_problem()["jira_issue.changelog_incomplete"] == 1
