"""analytics.copilot_impact_weekly on the hand-made rollup fixture plus seats, deployments and a revert:
adoption tiers, AI-assisted vs other pull requests, and the change failure rate proxy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from resources.warehouse import WarehouseResource
from tests.rollup_fixtures import (
    ALICE,
    API,
    CAROL,
    IDLE,
    W1,
    W2,
    W3,
    WEB,
    at,
    insert,
    load_rollup_fixture,
    merged_pr,
)


@pytest.fixture
def impact(warehouse: WarehouseResource) -> dict[tuple[str, dt.date], dict]:
    with warehouse.begin() as conn:
        load_rollup_fixture(conn)
        # alice reverts her AI-assisted PR 1 in W3
        insert(
            conn,
            "analytics.pull_requests",
            [
                merged_pr(
                    8,
                    ALICE,
                    at(W3, 3),
                    1,
                    title='Revert "PR 1"',
                    is_revert=True,
                    effective_is_ai_assisted=False,
                )
            ],
        )
        seat = {
            "org": "acme",
            "created_at": at(W1 - dt.timedelta(days=30)),
            "is_current": True,
            "fetched_at": at(W3, 20),
        }
        insert(
            conn,
            "staging.copilot_seats",
            [
                {**seat, "login": "alice", "user_id": ALICE},
                {**seat, "login": "BOB", "user_id": None},  # matched by login
                # carol's seat was last seen during W1: held in W1, gone from W2 on
                {**seat, "login": "carol", "user_id": CAROL, "is_current": False, "fetched_at": at(W1, 30)},
            ],
        )
        deployment = {"repository": "acme/api", "is_successful": True, "latest_state": "success"}
        insert(
            conn,
            "analytics.deployments",
            [
                {**deployment, "deployment_id": 101, "is_production": True, "succeeded_at": at(W1, 40)},
                {**deployment, "deployment_id": 102, "is_production": True, "succeeded_at": at(W1, 50)},
                {**deployment, "deployment_id": 103, "is_production": False, "succeeded_at": at(W3, 50)},
            ],
        )
        conn.execute(
            text(
                "UPDATE analytics.pull_requests SET deployment_id = CASE pr_id WHEN 1 THEN 101 "
                "WHEN 3 THEN 101 WHEN 2 THEN 102 WHEN 7 THEN 103 END WHERE pr_id IN (1, 2, 3, 7)"
            )
        )
        for name in ("weekly_team_rollup", "copilot_impact_weekly"):
            rebuild_mart(conn, name)
    with warehouse.connect() as conn:
        rows = conn.execute(text("SELECT * FROM analytics.copilot_impact_weekly")).mappings()
        return {(row["team_key"], row["week_start"]): dict(row) for row in rows}


def test_adoption_tiers(impact: dict) -> None:
    tiers = {
        key: (r["seats"], r["active_seats"], r["adoption_pct"], r["adoption_tier"])
        for key, r in impact.items()
    }
    assert tiers[(API, W1)] == (2, 2, Decimal("100.0"), ">75%")
    assert tiers[(WEB, W1)] == (2, 1, Decimal("50.0"), "50-75%")  # carol holds a seat but did not use it
    assert tiers[(WEB, W2)] == (1, 0, Decimal("0.0"), "<25%")  # carol's seat is gone
    assert tiers[(IDLE, W1)] == (0, 0, None, None)
    assert {key[1] for key in impact} == {W1, W2, W3}


def test_ai_assisted_beside_the_others(impact: dict) -> None:
    api = impact[(API, W1)]
    side_by_side = {
        name: (api[f"ai_{name}"], api[f"other_{name}"])
        for name in (
            "prs_merged",
            "cycle_time_median_hours",
            "pr_size_median_lines",
            "review_rounds_avg",
            "revert_rate",
            "comments_per_pr",
        )
    }
    # PR 1 (AI-assisted, reverted) against PR 2; PR 3 has no verdict and is in neither
    assert side_by_side == {
        "prs_merged": (1, 1),
        "cycle_time_median_hours": (Decimal("10.00"), Decimal("20.00")),
        "pr_size_median_lines": (Decimal("120.0"), Decimal("50.0")),
        "review_rounds_avg": (Decimal("1.00"), Decimal("0.00")),
        "revert_rate": (Decimal("1.0000"), Decimal("0.0000")),
        "comments_per_pr": (Decimal("3.00"), Decimal("1.00")),
    }
    assert (api["prs_merged"], api["cycle_time_median_hours"]) == (3, Decimal("20.00"))
    assert (impact[(API, W2)]["ai_prs_merged"], impact[(API, W2)]["ai_cycle_time_median_hours"]) == (0, None)


def test_change_failure_rate_from_deployments_that_shipped_a_reverted_change(impact: dict) -> None:
    # api shipped PR 1 (later reverted) and PR 3 in deployment 101, PR 2 in 102: one of two failed
    assert (impact[(API, W1)]["deployments"], impact[(API, W1)]["change_failure_rate"]) == (
        2,
        Decimal("0.5000"),
    )
    # web's PR 3 went out in 101 too, with the reverted change
    assert (impact[(WEB, W1)]["deployments"], impact[(WEB, W1)]["change_failure_rate"]) == (
        1,
        Decimal("1.0000"),
    )
    # a week without production deployments has no rate (deployment 103 went to staging)
    assert (impact[(WEB, W3)]["deployments"], impact[(WEB, W3)]["change_failure_rate"]) == (0, None)
