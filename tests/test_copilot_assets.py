"""Copilot seats and usage reports end to end: sandbox reports → raw → staging → analytics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range, table_rows
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

COPILOT = (
    "key:copilot/seats or key:copilot/usage_org_daily or key:copilot/usage_user_daily or key:github/members "
    "or key:analytics/team_members or key:analytics/copilot_usage_daily or key:analytics/ai_usage_daily"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _metadata(result, key: str) -> dict:  # type: ignore[no-untyped-def]
    """The newest day's materialization: the one carrying the run-wide detail."""
    for event in reversed(result.get_asset_materialization_events()):
        if event.asset_key.to_user_string() == key:
            return {k: v.value for k, v in event.materialization.metadata.items()}
    raise AssertionError(f"no materialization of {key}")


def test_reports_land_in_analytics_per_org_and_per_member(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    days = [SANDBOX_UNTIL - dt.timedelta(days=n) for n in range(10, 0, -1)]
    result = materialize_range(warehouse, github_resource(sandbox), days[0], days[-1], selection=COPILOT)
    assert result.success
    available = [d for d in days if sandbox.copilot.report_available(d)]
    with warehouse.connect() as conn:
        org_days = conn.execute(
            text(
                "SELECT day, code_generation_activity_count, code_acceptance_activity_count, acceptance_rate "
                "FROM analytics.copilot_usage_daily ORDER BY day"
            )
        ).all()
        people = conn.execute(
            text("SELECT count(*), count(member_id), count(DISTINCT day) FROM analytics.ai_usage_daily")
        ).one()
        seats = conn.execute(text("SELECT count(*) FROM staging.copilot_seats WHERE is_current")).scalar_one()
    assert [row.day for row in org_days] == available
    for row in org_days:
        if row.code_generation_activity_count:
            expected = round(row.code_acceptance_activity_count / row.code_generation_activity_count, 4)
            assert float(row.acceptance_rate) == pytest.approx(expected)
    expected_lines = sum(len(sandbox.copilot.users(d)) for d in available)
    assert people[0] == expected_lines > 0
    assert people[1] == people[0]  # every Copilot user is a known team member (by id, then login)
    assert seats == len(sandbox.copilot.seats)
    missing = [d for d in days if d not in available]
    assert _metadata(result, "copilot/usage_org_daily")["days_without_report"] == len(missing)


def test_a_day_without_a_report_is_empty_not_a_failure(
    warehouse: WarehouseResource, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DEXXY_START_DATE", "2025-09-01")
    before_metrics = dt.date(2025, 10, 1)  # the usage-metrics reports start on 2025-10-10
    result = materialize_range(
        warehouse,
        github_resource(sandbox),
        before_metrics,
        before_metrics,
        selection="key:copilot/usage_org_daily",
    )
    assert result.success
    metadata = _metadata(result, "copilot/usage_org_daily")
    assert metadata["dagster/row_count"] == 0 and metadata["days_without_report"] == 1
    assert "no report" in metadata["missing_reason"]  # the day's own reason, on the day
    assert metadata["missing_days_by_org"] == {sandbox.org.login: 1}  # the run's count, bounded by the orgs


def test_rerunning_copilot_days_is_idempotent(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    day = SANDBOX_UNTIL - dt.timedelta(days=2)
    github = github_resource(sandbox)
    assert materialize_range(warehouse, github, day - dt.timedelta(days=2), day, selection=COPILOT).success
    first = table_rows(warehouse, "analytics.ai_usage_daily", "day,org,github_login")
    assert materialize_range(warehouse, github, day - dt.timedelta(days=2), day, selection=COPILOT).success
    assert table_rows(warehouse, "analytics.ai_usage_daily", "day,org,github_login") == first
