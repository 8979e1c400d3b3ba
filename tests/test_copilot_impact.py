"""analytics.copilot_impact_weekly on the hand-made rollup fixture plus seats, deployments and a revert:
adoption tiers, AI-assisted vs other pull requests, and DORA's change failure rate of each team's week."""

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
        dora = {"grain": "team", "deployment_days": 1, "changes_deployed": 1, "recovered_deployments": 0,
                "deployment_frequency_band": "high"}  # fmt: skip
        insert(
            conn,
            "analytics.dora_weekly",
            [  # DORA's team grain (its own tests derive these from deployments and incidents)
                {**dora, "week_start": W1, "grain_key": API, "deployments": 2, "failed_deployments": 1,
                 "change_failure_rate": Decimal("0.5")},
                {**dora, "week_start": W1, "grain_key": WEB, "deployments": 1, "failed_deployments": 1,
                 "change_failure_rate": Decimal("1")},
                {**dora, "week_start": W3, "grain_key": WEB, "deployments": 0, "failed_deployments": 0,
                 "change_failure_rate": None},
            ],
        )  # fmt: skip
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


def test_change_failure_rate_is_doras_for_the_team_and_week(impact: dict) -> None:
    assert (impact[(API, W1)]["deployments"], impact[(API, W1)]["change_failure_rate"]) == (
        2,
        Decimal("0.5000"),
    )
    assert (impact[(WEB, W1)]["deployments"], impact[(WEB, W1)]["change_failure_rate"]) == (
        1,
        Decimal("1.0000"),
    )
    # a week without production deployments has no rate
    assert (impact[(WEB, W3)]["deployments"], impact[(WEB, W3)]["change_failure_rate"]) == (0, None)
    # a week DORA has no row for
    assert (impact[(API, W2)]["deployments"], impact[(API, W2)]["change_failure_rate"]) == (0, None)
