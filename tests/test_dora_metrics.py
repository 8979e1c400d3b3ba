"""DORA on a hand-made organisation (tests/dora_handmade.py) whose answers were worked out by hand:
deployments from the Deployments API and from workflow runs only, incidents and their attribution, a week
without deployments, an incident before any deployment, medians and p75, the change-failure window, bands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.processing.dora_settings import write_settings
from resources.warehouse import WarehouseResource
from tests import dora_handmade
from tests.dora_handmade import at


def _rows(warehouse: WarehouseResource, sql: str, **params: Any) -> list[dict[str, Any]]:
    with warehouse.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(text(sql), params)]


@pytest.fixture
def built(warehouse: WarehouseResource) -> WarehouseResource:
    with warehouse.begin() as conn:
        dora_handmade.load(conn)
    return warehouse


def _week(warehouse: WarehouseResource, grain: str, key: str, week: dt.date) -> dict[str, Any]:
    rows = _rows(
        warehouse,
        "SELECT * FROM analytics.dora_weekly WHERE grain = :g AND grain_key = :k AND week_start = :w",
        g=grain,
        k=key,
        w=week,
    )
    assert len(rows) == 1, (grain, key, week, rows)
    return rows[0]


def test_a_repository_that_deploys_only_by_workflow_runs_has_deployments(built: WarehouseResource) -> None:
    rows = _rows(
        built,
        "SELECT source, deployment_id, repository, environment, is_production, ref, latest_state, "
        "succeeded_at, previous_deployment_id, commits_count, pull_requests_count "
        "FROM analytics.deployments WHERE repository = 'acme/pipe' ORDER BY deployment_id",
    )
    # the CI run and the deploy run from another branch are not deployments; the failed run is an
    # unsuccessful one
    assert [(r["deployment_id"], r["latest_state"]) for r in rows] == [
        (201, "success"),
        (202, "success"),
        (203, "failure"),
        (204, "success"),
    ]
    assert {r["source"] for r in rows} == {"workflow_run"}
    assert all(r["environment"] == "production" and r["is_production"] and r["ref"] == "main" for r in rows)
    by_id = {r["deployment_id"]: r for r in rows}
    assert by_id[202]["succeeded_at"] == at(3, 15, 10)  # when the run finished
    assert by_id[203]["succeeded_at"] is None
    assert [by_id[i]["previous_deployment_id"] for i in (201, 202, 203, 204)] == [None, 201, 202, 202]
    # shipped pull requests: unknown for the first, PR 10 by r2, the revert by r4
    assert [by_id[i]["pull_requests_count"] for i in (201, 202, 203, 204)] == [None, 1, None, 1]
    assert all(r["commits_count"] is None for r in rows)


def test_deployments_api_rows_are_unchanged(built: WarehouseResource) -> None:
    rows = _rows(
        built,
        "SELECT source, deployment_id, previous_deployment_id, commits_count, pull_requests_count, "
        "is_successful FROM analytics.deployments WHERE repository = 'acme/api' ORDER BY deployment_id",
    )
    assert rows == [
        {
            "source": "deployments_api",
            "deployment_id": i,
            "previous_deployment_id": prev,
            "commits_count": c,
            "pull_requests_count": p,
            "is_successful": True,
        }
        for i, prev, c, p in (
            (101, None, None, None),
            (102, 101, 1, 1),
            (103, 102, 1, 1),
            (104, 103, 0, 0),
            (105, 104, 0, 0),
        )
    ]


def test_incidents_are_attributed_within_the_window(built: WarehouseResource) -> None:
    rows = {
        r["incident_id"]: r
        for r in _rows(
            built,
            "SELECT incident_id, source, repository, deployment_source, deployment_id, "
            "hours_after_deployment, is_change_failure, time_to_resolve_hours, recovery_hours "
            "FROM analytics.incidents",
        )
    }
    assert set(rows) == {"jira:900", "jira:901", "jira:902", "pr:11", "pr:3"}  # not pr:12 (never shipped)
    before = rows["jira:900"]  # an incident before any deployment: kept, attributed to none
    assert (before["deployment_id"], before["is_change_failure"], before["recovery_hours"]) == (
        None,
        False,
        None,
    )
    assert before["time_to_resolve_hours"] == Decimal("4.00")
    after_d2 = rows["jira:901"]
    assert (after_d2["repository"], after_d2["deployment_source"], after_d2["deployment_id"]) == (
        "acme/api",
        "deployments_api",
        102,
    )
    assert (after_d2["hours_after_deployment"], after_d2["is_change_failure"]) == (Decimal("1.00"), True)
    assert after_d2["recovery_hours"] == Decimal("6.00")
    late = rows["jira:902"]  # 120 h after d4: outside the 72 h window
    assert (late["deployment_id"], late["hours_after_deployment"], late["is_change_failure"]) == (
        104,
        Decimal("120.00"),
        False,
    )
    revert = rows["pr:11"]  # reverts PR 10, which the workflow run r2 shipped
    assert (revert["source"], revert["deployment_source"], revert["deployment_id"]) == (
        "revert",
        "workflow_run",
        202,
    )
    assert (revert["hours_after_deployment"], revert["is_change_failure"]) == (Decimal("17.83"), True)
    assert revert["recovery_hours"] == Decimal("20.00")  # r2 15:10 to r4 (shipping the revert) 11:10 next day
    hotfix = rows["pr:3"]  # an hour after d5, not deployed yet: a change failure still open
    assert (hotfix["source"], hotfix["deployment_id"], hotfix["hours_after_deployment"]) == (
        "hotfix",
        105,
        Decimal("1.00"),
    )
    assert (hotfix["is_change_failure"], hotfix["recovery_hours"]) == (True, None)


def test_organisation_week_known_answers(built: WarehouseResource) -> None:
    week = _week(built, "organisation", "acme", dt.date(2026, 3, 2))
    assert (week["deployments"], week["deployment_days"]) == (7, 4)  # d1-d4 and r1, r2, r4
    assert week["changes_deployed"] == 4
    assert (week["lead_time_median_hours"], week["lead_time_p75_hours"]) == (
        Decimal("23.00"),
        Decimal("29.25"),
    )
    assert (week["failed_deployments"], week["change_failure_rate"]) == (2, Decimal("0.2857"))
    assert (week["recovered_deployments"], week["recovery_median_hours"]) == (2, Decimal("13.00"))
    assert (
        week["deployment_frequency_band"],
        week["lead_time_band"],
        week["change_failure_band"],
        week["recovery_band"],
    ) == ("high", "elite", "low", "high")


def test_a_week_without_deployments_reads_zero(built: WarehouseResource) -> None:
    quiet = _week(built, "organisation", "acme", dt.date(2026, 3, 9))
    assert (quiet["deployments"], quiet["deployment_days"], quiet["changes_deployed"]) == (0, 0, 0)
    assert quiet["change_failure_rate"] is None and quiet["lead_time_median_hours"] is None
    assert (quiet["deployment_frequency_band"], quiet["lead_time_band"], quiet["change_failure_band"]) == (
        "low",
        None,
        None,
    )
    last = _week(built, "organisation", "acme", dt.date(2026, 3, 16))  # d5 failed (the hotfix), unrecovered
    assert (last["deployments"], last["failed_deployments"], last["recovered_deployments"]) == (1, 1, 0)
    assert (last["recovery_median_hours"], last["recovery_band"]) == (None, None)
    weeks = _rows(built, "SELECT DISTINCT week_start FROM analytics.dora_weekly ORDER BY week_start")
    assert [r["week_start"] for r in weeks] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
    ]


def test_repository_and_team_grains(built: WarehouseResource) -> None:
    pipe = _week(built, "repository", "acme/pipe", dt.date(2026, 3, 2))
    assert (pipe["deployments"], pipe["failed_deployments"], pipe["change_failure_rate"]) == (
        3,
        1,
        Decimal("0.3333"),
    )
    assert (pipe["lead_time_median_hours"], pipe["recovery_median_hours"]) == (
        Decimal("11.00"),
        Decimal("20.00"),
    )
    platform = _week(built, "team", "config:platform", dt.date(2026, 3, 2))  # alice: PR 1 (d2), PR 10 (r2)
    assert (platform["deployments"], platform["failed_deployments"], platform["change_failure_rate"]) == (
        2,
        2,
        Decimal("1.0000"),
    )
    assert (platform["lead_time_median_hours"], platform["lead_time_p75_hours"]) == (
        Decimal("23.00"),
        Decimal("25.00"),
    )
    quiet = _week(built, "team", "config:quiet", dt.date(2026, 3, 2))  # a team that shipped nothing
    assert (quiet["deployments"], quiet["changes_deployed"]) == (0, 0)


def test_month_known_answers(built: WarehouseResource) -> None:
    rows = _rows(built, "SELECT * FROM analytics.dora_monthly WHERE grain = 'organisation'")
    assert len(rows) == 1
    march = rows[0]
    assert march["month_start"] == dt.date(2026, 3, 1)
    assert (march["deployments"], march["deployment_days"]) == (8, 5)
    assert march["deployment_frequency_band"] == "high"  # 5 days in 31: more than one a week
    assert (march["failed_deployments"], march["change_failure_rate"], march["change_failure_band"]) == (
        3,  # d2, r2 and d5 (the hotfix)
        Decimal("0.3750"),
        "low",
    )


def test_the_change_failure_window_is_configurable(built: WarehouseResource) -> None:
    with built.begin() as conn:
        write_settings(conn, dora_handmade.settings(window_hours=0.5))
        for name in ("incidents", "dora_weekly"):
            rebuild_mart(conn, name)
    week = _week(built, "organisation", "acme", dt.date(2026, 3, 2))
    assert (week["failed_deployments"], week["change_failure_rate"], week["change_failure_band"]) == (
        0,
        Decimal("0.0000"),
        "elite",
    )
    assert week["recovery_median_hours"] is None
