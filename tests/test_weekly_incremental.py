"""The weekly and monthly marts are incremental by whole periods on the shared daily partitions: built week
by week (any order), or night after night as the automation asks while history lands (a person's long
quiet gap, an incident that arrives after its deployment's week), they equal a full rebuild."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import dagster as dg
import pytest
from sqlalchemy import Connection, text

from dexxy_assets.analytics.mart_partitions import asset_partitions, period_end, period_start, run_window
from dexxy_assets.analytics.materializations import Window, materialize
from dexxy_assets.automation import RECENT_LOOKBACK
from dexxy_assets.sql_models import model_config
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests import dora_handmade
from tests.rollup_fixtures import ALICE, BOB, CAROL, W1, W2, W3, at, insert, load_rollup_fixture, merged_pr
from tests.test_automation import Automation

GRAINS = {
    "weekly_member_rollup": "week",
    "weekly_team_rollup": "week",
    "copilot_impact_weekly": "week",
    "dora_weekly": "week",
    "dora_monthly": "month",
    "jira_linkage_weekly": "week",
}
ROLLUPS = ("weekly_member_rollup", "weekly_team_rollup", "copilot_impact_weekly")  # in dependency order
LANDED = (  # what the rollup fixture lands, cleared before each simulated night
    "analytics.team_members",
    "analytics.teams",
    "analytics.team_memberships",
    "analytics.pull_requests",
    "analytics.pr_reviews",
    "analytics.pr_jira_links",
    "analytics.ai_usage_daily",
    "analytics.jira_issues",
    "staging.copilot_seats",
)
PARTITIONS = asset_partitions(dt.date(2026, 1, 1))
W6 = W1 + dt.timedelta(weeks=5)
# carol's next pull request after two quiet weeks (W4, W5): a refresh of W5 and W6 alone must still give
# her, and every team, the zero rows of W4
LATE = merged_pr(8, CAROL, at(W6, 10), 5, additions=7, effective_is_ai_assisted=True)


def _rows(conn: Connection, name: str) -> list[tuple]:
    sql = render_sql("SELECT * FROM {{ t | ident }} ORDER BY 1, 2, 3", t=f"analytics.{name}")
    return [tuple(row) for row in conn.execute(text(sql))]


def _clear(conn: Connection, tables: Iterable[str]) -> None:
    for table in tables:
        conn.execute(text(render_sql("DELETE FROM {{ t | ident }}", t=table)))


def _land(conn: Connection, moment: dt.datetime | None) -> None:
    """The rollup fixture plus carol's late pull request and Copilot seats, as synced by ``moment``."""
    _clear(conn, LANDED)
    load_rollup_fixture(conn, moment, extra_prs=[LATE])
    seat = {"org": "acme", "created_at": at(W1 - dt.timedelta(days=30)), "is_current": True}
    insert(
        conn,
        "staging.copilot_seats",
        [
            {**seat, "login": "alice", "user_id": ALICE, "fetched_at": at(W6, 20)},
            {**seat, "login": "carol", "user_id": CAROL, "is_current": False, "fetched_at": at(W1, 30)},
        ],
    )


def _night(day: dt.date) -> Window:
    """The window of the run the automation asks for on ``day``: today's and the seven days before
    (``RECENT_LOOKBACK``), one single-run range, widened to whole weeks."""
    return run_window(PARTITIONS, _nights(day), "week")


def _nights(day: dt.date) -> dg.TimeWindow:
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC)
    return dg.TimeWindow(end - RECENT_LOOKBACK, end)


def _full_builds(conn: Connection) -> dict[str, list[tuple]]:
    """Each rollup mart built whole from all the history; the marts are emptied afterwards."""
    _land(conn, None)
    full = {}
    for name in ROLLUPS:
        materialize(conn, name)
        full[name] = _rows(conn, name)
    _clear(conn, (f"analytics.{name}" for name in ROLLUPS))
    return full


def test_the_weekly_and_monthly_marts_are_incremental_by_their_period() -> None:
    for name, grain in GRAINS.items():
        settings = model_config(name)
        assert (settings.materialized, settings.partition_grain) == ("incremental", grain), name
        assert settings.event_time in ("week_start", "month_start")


def test_a_run_window_widens_to_whole_weeks_and_months() -> None:
    wednesday = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
    day = dg.TimeWindow(wednesday, wednesday + dt.timedelta(days=1))
    assert run_window(PARTITIONS, day, "week") == Window(
        dt.datetime(2026, 3, 2, tzinfo=dt.UTC), dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
    )
    assert run_window(PARTITIONS, day, "month") == Window(
        dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    )
    assert run_window(PARTITIONS, day, "day") == Window(day.start, day.end)
    # a range ending on a boundary is not widened past it; the first partition's window stays open
    monday = dt.datetime(2026, 3, 9, tzinfo=dt.UTC)
    assert period_end(monday, "week") == monday and period_start(monday, "week") == monday
    first = dg.TimeWindow(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
    assert run_window(PARTITIONS, first, "week").start is None
    december = dt.datetime(2026, 12, 31, 23, tzinfo=dt.UTC)
    assert period_end(december, "month") == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def test_week_by_week_in_any_order_equals_a_full_build(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        full = _full_builds(conn)
        weeks = [W1 + dt.timedelta(weeks=n) for n in range(-1, 7)]
        for monday in reversed(weeks):
            start = dt.datetime.combine(monday, dt.time(), dt.UTC)
            window = run_window(PARTITIONS, dg.TimeWindow(start, start + dt.timedelta(days=1)), "week")
            for name in ROLLUPS:
                materialize(conn, name, window)
        for name in ROLLUPS:
            assert _rows(conn, name) == full[name], name
        # a week built alone is that week of the full build (a re-run replaces, never adds)
        materialize(conn, "weekly_team_rollup", _night(W3 + dt.timedelta(days=2)))
        assert _rows(conn, "weekly_team_rollup") == full["weekly_team_rollup"]


def test_nightly_refreshes_of_the_recent_weeks_equal_a_full_build(warehouse: WarehouseResource) -> None:
    """History lands night after night (a pull request is open before it is merged, a review or a Jira
    issue appears when it happens); each night rebuilds only the current and previous week. The person
    in two teams, the empty week W2 and carol's quiet weeks W4 and W5 come out as in the full build."""
    with warehouse.begin() as conn:
        full = _full_builds(conn)
        team_weeks = {row[0] for row in full["weekly_team_rollup"]}
        assert W6 - dt.timedelta(weeks=2) in team_weeks  # W4: a row of zeros in the full build
        day = W1 - dt.timedelta(days=1)
        while day <= W6 + dt.timedelta(days=6):
            _land(conn, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), dt.UTC))
            window = _night(day)
            for name in ROLLUPS:
                materialize(conn, name, window)
            day += dt.timedelta(days=3)  # nights apart: a week always sees at least two of them
        for name in ROLLUPS:
            assert _rows(conn, name) == full[name], name


@pytest.fixture
def dora(warehouse: WarehouseResource) -> WarehouseResource:
    """The DORA organisation with a one-week change-failure window: the Jira incident OPS-3 of Tuesday
    10 March is d4's (Thursday 5 March) change failure, one week later."""
    with warehouse.begin() as conn:
        dora_handmade.load(conn, window_hours=168)
    return warehouse


def _dora_rows(conn: Connection) -> dict[str, list[tuple]]:
    return {name: _rows(conn, name) for name in ("dora_weekly", "dora_monthly")}


def test_an_incident_after_its_deployments_week_reaches_that_week_by_the_nightly_refresh(
    dora: WarehouseResource,
) -> None:
    with dora.begin() as conn:
        full = _dora_rows(conn)
        week = conn.execute(
            text(
                "SELECT failed_deployments FROM analytics.dora_weekly "
                "WHERE grain = 'repository' AND grain_key = 'acme/api' AND week_start = '2026-03-02'"
            )
        ).scalar_one()
        assert week == 2  # d2 (OPS-2) and d4 (OPS-3, arriving the next week)
        # the nights until Monday 9 March, before OPS-3 was synced
        late = conn.execute(text("SELECT * FROM analytics.jira_issues WHERE issue_key = 'OPS-3'")).mappings()
        incident = [dict(row) for row in late]
        conn.execute(text("DELETE FROM analytics.jira_issues WHERE issue_key = 'OPS-3'"))
        materialize(conn, "incidents")
        _clear(conn, ("analytics.dora_weekly", "analytics.dora_monthly"))
        for night in (dt.date(2026, 2, 20), dt.date(2026, 3, 2), dt.date(2026, 3, 6), dt.date(2026, 3, 9)):
            _dora_night(conn, night)
        # OPS-3 lands on Tuesday 10 March; the incidents mart (unpartitioned) is rebuilt
        insert(conn, "analytics.jira_issues", incident)
        materialize(conn, "incidents")
        assert _dora_rows(conn) != full  # the week of 2 March does not know d4 failed yet
        _dora_night(conn, dt.date(2026, 3, 10))  # today and the seven days before: that week too
        _dora_night(conn, dt.date(2026, 3, 17))
        assert _dora_rows(conn) == full


def _dora_night(conn: Connection, day: dt.date) -> None:
    nights = _nights(day)
    materialize(conn, "dora_weekly", run_window(PARTITIONS, nights, "week"))
    materialize(conn, "dora_monthly", run_window(PARTITIONS, nights, "month"))


WEEKLY = dg.AssetKey(["analytics", "dora_weekly"])
INCIDENTS = dg.AssetKey(["analytics", "incidents"])
MONTHLY = dg.AssetKey(["analytics", "dora_monthly"])


def test_an_upstream_update_requests_the_recent_days_not_the_whole_history() -> None:
    with dg.DagsterInstance.ephemeral() as instance:
        automation = Automation(instance)
        assert automation.definitions.get_assets_def(WEEKLY).partitions_def == PARTITIONS
        automation.tick(at_time("2026-03-10", "12:00"))
        automation.materialized([INCIDENTS])  # an incident arrived: the unpartitioned upstream changed
        requested = automation.tick(at_time("2026-03-10", "12:05"))
        recent = {(dt.date(2026, 3, 10) - dt.timedelta(days=n)).isoformat() for n in range(8)}
        # the days of the current and previous week in reach, not the 69 days since January
        assert requested[WEEKLY] == recent and requested[MONTHLY] == recent
        for key in recent:
            automation.materialized([WEEKLY, MONTHLY], key)
        assert WEEKLY not in automation.tick(at_time("2026-03-10", "12:10"))


def at_time(day: str, time: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}:00+00:00")


def test_the_weekly_asset_run_of_a_day_rebuilds_its_whole_week(warehouse: WarehouseResource) -> None:
    from dexxy_assets.definitions import defs

    asset = defs().get_assets_def(dg.AssetKey(["analytics", "weekly_member_rollup"]))
    with warehouse.begin() as conn:
        _land(conn, None)
    wednesday = (W1 + dt.timedelta(days=2)).isoformat()
    result = dg.materialize([asset], partition_key=wednesday, resources={"warehouse": warehouse})
    (materialization,) = result.asset_materializations_for_node(asset.node_def.name)
    assert materialization.metadata["window_start"].value == "2026-03-02T00:00:00+00:00"
    assert materialization.metadata["window_end"].value == "2026-03-09T00:00:00+00:00"
    with warehouse.connect() as conn:
        weeks = conn.execute(text("SELECT DISTINCT week_start FROM analytics.weekly_member_rollup"))
        # and the quiet week after it up to the next active one: bob's and carol's W2 (rows of zeros)
        assert sorted(weeks.scalars()) == [W1, W2]
        quiet = conn.execute(text("SELECT member_id, prs_opened FROM analytics.weekly_member_rollup "
                                  "WHERE week_start = :w ORDER BY 1"), {"w": W2}).all()  # fmt: skip
        assert [tuple(row) for row in quiet] == [(BOB, 0), (CAROL, 0)]
