"""Pull-request staging holds one group of days at a time (Dexxy issue 11, "memory that stays flat"): the
children need their pull request's keys, and holding those for a whole window grew with the window. Staged a
day at a time, the warehouse is the same as staged in one group."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github import pull_request_staging
from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_assets.github.pull_request_staging import day_groups, stage_pull_requests
from resources.warehouse import WarehouseResource
from tests.github_runs import PULL_REQUEST_STAGING, github_resource, materialize_range, staged_pull_requests
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

DAYS = [SANDBOX_UNTIL - dt.timedelta(days=n) for n in range(4, 0, -1)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=6, repos=2, days=10) as server:
        yield server


def test_days_staged_a_group_at_a_time_give_the_warehouse_of_one_group(
    warehouse: WarehouseResource, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    assert materialize_range(
        warehouse, github_resource(sandbox), DAYS[0], DAYS[-1], selection=PULL_REQUEST_ASSETS
    ).success
    staged_at_once = staged_pull_requests(warehouse)
    assert all(staged_at_once.values()), "every staging table has rows"
    engine = warehouse.engine()
    with engine.connect() as conn:
        per_day = dict(
            conn.execute(
                text(
                    "SELECT partition_date, count(*) FROM raw.github_pull_requests "
                    "WHERE partition_date = ANY(:days) GROUP BY 1"
                ),
                {"days": DAYS},
            )
            .tuples()
            .all()
        )
        assert day_groups(conn, DAYS) == [DAYS]  # a few pull requests: one group
        busy = [day for day in DAYS if per_day.get(day)]
        assert len(busy) >= 2, "the window has at least two days with pull requests"
        one_by_one = day_groups(conn, DAYS, most=1)
        assert [day for group in one_by_one for day in group] == DAYS  # every day, in order, once
        assert [[day for day in group if day in busy] for group in one_by_one] == [[day] for day in busy]

    with engine.begin() as conn:
        for table in PULL_REQUEST_STAGING:
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - names from the constant above
    monkeypatch.setattr(pull_request_staging, "GROUP_PULL_REQUESTS", 1)
    with engine.begin() as conn:
        staged = stage_pull_requests(conn, DAYS)
    assert staged.staged["pull_requests"] == len(staged_at_once["staging.github_pull_requests"])
    assert staged_pull_requests(warehouse) == staged_at_once
