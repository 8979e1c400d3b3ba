"""The weekly rollups of docs/metrics.md on hand-made rows with known answers (tests/rollup_fixtures.py):
medians and p75, an empty week, bots excluded, a person in two teams counted in each."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from resources.warehouse import WarehouseResource
from tests.rollup_fixtures import ALICE, API, BOB, BOT, CAROL, IDLE, W1, W2, W3, WEB, load_rollup_fixture

COLUMNS = (
    "prs_opened, prs_merged, cycle_time_median_hours, cycle_time_p75_hours, coding_time_median_hours, "
    "coding_time_p75_hours, pickup_time_median_hours, pickup_time_p75_hours, review_time_median_hours, "
    "review_time_p75_hours, deploy_time_median_hours, deploy_time_p75_hours, reviews_given, "
    "review_rounds_avg, comments_per_pr, pr_size_median_lines, ai_assisted_share, copilot_active_days, "
    "copilot_acceptance_rate, jira_issues_completed, story_points_completed, linkage_rate"
).split(", ")


def d(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@pytest.fixture
def rollups(warehouse: WarehouseResource) -> dict[tuple, dict]:
    """(kind, key, week) → the row's metrics, after building both rollups from the fixture."""
    with warehouse.begin() as conn:
        load_rollup_fixture(conn)
        rebuild_mart(conn, "weekly_member_rollup")
        rebuild_mart(conn, "weekly_team_rollup")
    found: dict[tuple, dict] = {}
    with warehouse.connect() as conn:
        for row in conn.execute(text("SELECT * FROM analytics.weekly_member_rollup")).mappings():
            found[("member", row["member_id"], row["week_start"])] = dict(row)
        for row in conn.execute(text("SELECT * FROM analytics.weekly_team_rollup")).mappings():
            found[("team", row["team_key"], row["week_start"])] = dict(row)
    return found


def metrics(row: dict) -> dict:
    return {c: row[c] for c in COLUMNS}


EMPTY = {c: None for c in COLUMNS} | {
    "prs_opened": 0,
    "prs_merged": 0,
    "reviews_given": 0,
    "copilot_active_days": 0,
    "jira_issues_completed": 0,
    "story_points_completed": Decimal("0.00"),
}


def test_a_person_median_p75_and_their_week(rollups: dict) -> None:
    assert metrics(rollups[("member", ALICE, W1)]) == {
        "prs_opened": 2,
        "prs_merged": 2,
        "cycle_time_median_hours": d(15.00),  # 10 and 20 h
        "cycle_time_p75_hours": d(17.50),
        "coding_time_median_hours": d(3.00),
        "coding_time_p75_hours": d(3.50),
        "pickup_time_median_hours": d(1.50),
        "pickup_time_p75_hours": d(1.75),
        "review_time_median_hours": d(10.50),
        "review_time_p75_hours": d(12.25),
        "deploy_time_median_hours": d(4.00),  # the undeployed one has none
        "deploy_time_p75_hours": d(4.00),
        "reviews_given": 0,  # her review of her own pull request is not one
        "review_rounds_avg": d(0.50),
        "comments_per_pr": d(2.00),
        "pr_size_median_lines": d(85.0),  # 120 and 50 lines
        "ai_assisted_share": d(0.5000),
        "copilot_active_days": 2,  # a day with all-zero counters is no active day
        "copilot_acceptance_rate": d(0.3000),  # 6 of 20
        "jira_issues_completed": 1,
        "story_points_completed": d(5.00),
        "linkage_rate": d(0.5000),
    }
    assert ("member", ALICE, W2) not in rollups  # her only active week is W1


def test_a_team_counts_its_members_and_a_person_in_two_teams_counts_in_each(rollups: dict) -> None:
    api = rollups[("team", API, W1)]
    assert api["members_count"] == 2  # the bot is not counted
    assert metrics(api) == {
        "prs_opened": 4,  # the bot's pull request is not counted
        "prs_merged": 3,
        "cycle_time_median_hours": d(20.00),  # 10, 20, 30
        "cycle_time_p75_hours": d(25.00),
        "coding_time_median_hours": d(4.00),
        "coding_time_p75_hours": d(5.00),
        "pickup_time_median_hours": d(2.00),
        "pickup_time_p75_hours": d(2.50),
        "review_time_median_hours": d(14.00),
        "review_time_p75_hours": d(17.50),
        "deploy_time_median_hours": d(6.00),  # 4 and 8
        "deploy_time_p75_hours": d(7.00),
        "reviews_given": 1,  # bob's; carol is not in api, alice's self-review and the bot's do not count
        "review_rounds_avg": d(1.00),
        "comments_per_pr": d(3.00),
        "pr_size_median_lines": d(120.0),
        "ai_assisted_share": d(0.5000),  # PR 3 has no verdict
        "copilot_active_days": 3,  # alice 2, bob 1 (chat only)
        "copilot_acceptance_rate": d(0.3000),
        "jira_issues_completed": 1,
        "story_points_completed": d(5.00),
        "linkage_rate": d(0.5000),  # PR 3's key names no synced issue
    }
    web = rollups[("team", WEB, W1)]
    assert (web["prs_opened"], web["prs_merged"], web["cycle_time_median_hours"]) == (3, 1, d(30.00))
    assert (web["reviews_given"], web["copilot_active_days"], web["copilot_acceptance_rate"]) == (2, 1, None)
    assert web["linkage_rate"] == d(0.3333)
    # bob's merged pull request is in both teams' weeks
    assert rollups[("member", BOB, W1)]["prs_merged"] == 1


def test_an_empty_week_is_a_row_of_zeros(rollups: dict) -> None:
    for team in (API, WEB, IDLE):
        assert metrics(rollups[("team", team, W2)]) == EMPTY
    assert metrics(rollups[("team", IDLE, W1)]) == EMPTY
    assert rollups[("team", IDLE, W1)]["members_count"] == 0
    assert metrics(rollups[("member", BOB, W2)]) == EMPTY  # between bob's active weeks W1 and W3
    assert {key[2] for key in rollups if key[0] == "team"} == {W1, W2, W3}


def test_weeks_start_monday_utc_and_bots_have_no_rows(rollups: dict) -> None:
    # carol's pull request opened Sunday 23:30 UTC is in W1, merged Monday 01:00 two weeks later in W3
    assert rollups[("member", CAROL, W1)]["prs_opened"] == 1
    w3 = rollups[("team", WEB, W3)]
    assert (w3["prs_merged"], w3["cycle_time_median_hours"], w3["cycle_time_p75_hours"]) == (
        2,
        d(104.75),  # 169.5 and 40 h
        d(137.13),
    )
    assert (w3["jira_issues_completed"], w3["story_points_completed"]) == (1, d(3.00))
    assert not any(key[1] == BOT for key in rollups)
