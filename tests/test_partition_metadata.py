"""A single-run backfill records one materialization per day, each with that day's own metadata: a long
history must not copy the whole run's detail (and a table of every day) into every day's event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from tests.github_runs import github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

DAYS = [SANDBOX_UNTIL - dt.timedelta(days=n) for n in (2, 1, 0)]
RAW_TABLES = {
    "github/pull_requests": "raw.github_pull_requests",
    "github/reviews": "raw.github_reviews",
    "github/commits": "raw.github_commits",
    "github/deployments": "raw.github_deployments",
}
RUN_WIDE = ("dagster/column_schema", "api_requests", "rows_in_run", "partitions")


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=8, repos=2, days=10) as server:
        yield server


def _rows_per_day(warehouse: WarehouseResource, table: str) -> dict[str, int]:
    from resources.sql_template import render_sql

    sql = render_sql("SELECT partition_date, count(*) FROM {{ t | ident }} GROUP BY partition_date", t=table)
    with warehouse.connect() as conn:
        return {day.isoformat(): count for day, count in conn.execute(text(sql))}


def test_each_day_of_a_range_run_carries_its_own_rows_and_the_run_detail_once(
    warehouse: WarehouseResource, sandbox
) -> None:  # type: ignore[no-untyped-def]
    instance = dg.DagsterInstance.ephemeral()
    selection = " or ".join(f"key:{key}" for key in RAW_TABLES) + " or key:github/files"
    selection += " or key:github/check_runs or key:github/comments"
    result = materialize_range(
        warehouse, github_resource(sandbox), DAYS[0], DAYS[-1], selection=selection, instance=instance
    )
    assert result.success
    keys = [day.isoformat() for day in DAYS]
    for asset, table in RAW_TABLES.items():
        expected = _rows_per_day(warehouse, table)
        records = instance.fetch_materializations(dg.AssetKey.from_user_string(asset), limit=100).records
        by_day = {r.asset_materialization.partition: r.asset_materialization for r in records}
        assert sorted(by_day) == keys and len(records) == len(keys)  # one event per day, no more
        for key in keys:
            metadata = {name: value.value for name, value in by_day[key].metadata.items()}
            assert metadata["dagster/row_count"] == expected.get(key, 0), (asset, key)
            assert "rows_per_partition" not in metadata
            # no other day is named in this day's event (no per-day table of the run)
            assert not any(other in str(metadata) for other in keys if other != key), (asset, key)
            run_wide_here = [name for name in RUN_WIDE if name in metadata]
            if key == keys[-1]:  # the run's detail once, on the newest day
                assert metadata["rows_in_run"] == sum(expected.get(k, 0) for k in keys)
                assert metadata["partitions"] == len(keys)
                assert "dagster/column_schema" in metadata
            else:
                assert run_wide_here == [], (asset, key)
    assert sum(_rows_per_day(warehouse, "raw.github_pull_requests").values()) > 0
