"""The GitHub issue and discussion metrics of docs/metrics.md on hand-made rows (tests/issues_handmade.py),
case by case: bug and incident labels (configurable), time to close, reopenings, closed by a pull request,
the incidents fed to analytics.incidents, answered discussions and response times, deleted discussions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from rich.console import Console
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.cli.demo_summary import load_summary, print_summary
from dexxy_assets.processing.dora_settings import configured_settings, write_settings
from resources.warehouse import WarehouseResource
from tests import issues_handmade
from tests.dora_handmade import at


def _rows(warehouse: WarehouseResource, sql: str, **params: Any) -> dict[Any, dict[str, Any]]:
    with warehouse.connect() as conn:
        return {row[0]: dict(row._mapping) for row in conn.execute(text(sql), params)}


@pytest.fixture
def built(warehouse: WarehouseResource) -> WarehouseResource:
    with warehouse.begin() as conn:
        issues_handmade.load(conn)
    return warehouse


def _issues(warehouse: WarehouseResource) -> dict[int, dict[str, Any]]:
    return _rows(warehouse, "SELECT issue_number, * FROM analytics.github_issues")


def test_bugs_incidents_and_time_to_close(built: WarehouseResource) -> None:
    issues = _issues(built)
    assert issues[21]["is_bug"] and not issues[21]["is_incident"]  # "Bug": labels match case-insensitively
    assert issues[21]["time_to_close_hours"] == Decimal("30.00")
    assert issues[22]["is_incident"] and issues[22]["time_to_close_hours"] == Decimal("2.50")
    assert issues[22]["is_reopened"] and issues[22]["reopened_count"] == 1 and not issues[21]["is_reopened"]
    assert (
        issues[24]["time_to_close_hours"] is None
        and not issues[24]["is_bug"]
        and not issues[24]["is_incident"]
    )
    assert issues[25]["author_login"] is None and issues[25]["is_bug"]


def test_closed_by_the_merge_of_a_pull_request(built: WarehouseResource) -> None:
    issues = _issues(built)
    assert issues[21]["closed_by_pull_request"] and issues[21]["closed_by_pr_id"] == 1
    assert (issues[21]["closed_by_pr_repository"], issues[21]["closed_by_pr_number"]) == ("acme/api", 1)
    assert not issues[25]["closed_by_pull_request"] and issues[25]["closed_by_pr_id"] is None  # no PR's merge
    assert not issues[22]["closed_by_pull_request"]


def test_the_labels_come_from_the_environment(
    built: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEXXY_BUG_LABELS", "enhancement, Defect")
    monkeypatch.setenv("DEXXY_INCIDENT_LABELS", "sev1")
    with built.begin() as conn:
        write_settings(conn, configured_settings())
        rebuild_mart(conn, "github_issues")
    issues = _issues(built)
    assert [n for n, row in sorted(issues.items()) if row["is_bug"]] == [24]
    assert [n for n, row in sorted(issues.items()) if row["is_incident"]] == [22]


def test_incident_issues_feed_analytics_incidents(built: WarehouseResource) -> None:
    incidents = _rows(built, "SELECT incident_id, * FROM analytics.incidents WHERE source = 'github_issue'")
    assert list(incidents) == ["github_issue:I_22"]  # I23 was closed as not planned: no incident
    incident = incidents["github_issue:I_22"]
    assert (incident["started_at"], incident["resolved_at"]) == (at(4, 9), at(4, 11, 30))
    assert incident["deployment_id"] == 102 and incident["hours_after_deployment"] == Decimal("21.00")
    assert incident["is_change_failure"] and incident["time_to_resolve_hours"] == Decimal("2.50")
    assert incident["recovery_hours"] == Decimal("23.50")  # from d2 (3 Mar 12:00) to 4 Mar 11:30
    assert incident["repository"] == "acme/api" and incident["url"].endswith("/issues/22")


def test_discussions_answers_and_response_times(built: WarehouseResource) -> None:
    discussions = _rows(built, "SELECT discussion_number, * FROM analytics.github_discussions")
    answered = discussions[31]
    assert answered["is_answered"] and answered["answer_author_login"] == "bob"
    assert answered["time_to_answer_hours"] == Decimal("4.00")
    assert answered["time_to_first_response_hours"] == Decimal(
        "2.00"
    )  # the bot's comment at 1 h does not count
    assert (answered["comments_count"], answered["replies_count"]) == (3, 1)
    deleted = discussions[32]
    assert (
        deleted["is_deleted"]
        and deleted["deleted_seen_at"] == at(6, 9)
        and deleted["title"] == "Discussion 32"
    )
    assert not deleted["is_answered"] and deleted["time_to_first_response_hours"] is None


def test_the_demo_summary_shows_issues(built: WarehouseResource) -> None:
    console = Console(record=True, width=200)
    counts, weekly = load_summary(built.engine())
    print_summary(console, counts, weekly)
    # I21-I25: one open, four closed, one by PR 1's merge; I22 is the one incident from issues; D32 deleted
    assert (
        "GitHub issues: 5 (1 open, 4 closed, 1 by a pull request); 1 incidents from issues; 1 discussions."
        in (console.export_text())
    )
