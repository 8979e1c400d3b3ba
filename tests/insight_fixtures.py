"""The rollup fixture (tests/rollup_fixtures.py) rolled up, with a DORA week for team api: what the weekly
insights and charts tests start from. api in W1: 3 merged, median cycle 20 h, 50 % linked, 4 deployments,
change failure rate 25 %."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection

from dexxy_assets.analytics.mart_asset import rebuild_mart
from tests.rollup_fixtures import API, W1, insert, load_rollup_fixture


def load_rolled_up_weeks(conn: Connection) -> None:
    load_rollup_fixture(conn)
    rebuild_mart(conn, "weekly_member_rollup")
    rebuild_mart(conn, "weekly_team_rollup")
    insert(
        conn,
        "analytics.dora_weekly",
        [
            {
                "week_start": W1,
                "grain": "team",
                "grain_key": API,
                "deployments": 4,
                "deployment_days": 3,
                "changes_deployed": 2,
                "lead_time_median_hours": Decimal("12.5"),
                "failed_deployments": 1,
                "change_failure_rate": Decimal("0.25"),
                "recovered_deployments": 0,
                "deployment_frequency_band": "high",
            }
        ],
    )
