"""A successful sync far slower than its norm is flagged, judged on hand-made ops.sync_log rows: per day of
partitions covered, against the median of the same asset's last successes."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pytest
from sqlalchemy import text

from resources.notifications import NotificationResource
from resources.warehouse import WarehouseResource
from sensors.slow_sync import slow_syncs
from sensors.sync_success_checks import sources_synced, sync_success_checks

T0 = dt.datetime(2026, 11, 1, 2, 0, tzinfo=dt.UTC)
PRS = "github/pull_requests"
NIGHTLY = (dt.date(2026, 10, 31), dt.date(2026, 11, 1))  # two partition days


def _row(
    warehouse: WarehouseResource,
    run_id: str,
    seconds: float,
    *,
    day: int,
    asset_key: str = "github/pull_requests",
    days: tuple[dt.date, dt.date] | None = NIGHTLY,
    status: str = "success",
    requests: int = 40,
) -> None:
    started = T0 + dt.timedelta(days=day)
    with warehouse.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ops.sync_log (run_id, asset_key, partition_start, partition_end, started_at, "
                "finished_at, status, api_requests) VALUES (:r, :k, :s, :e, :t, :f, :st, :q)"
            ),
            {
                "r": run_id,
                "k": asset_key,
                "s": days[0] if days else None,
                "e": days[1] if days else None,
                "t": started,
                "f": started + dt.timedelta(seconds=seconds),
                "st": status,
                "q": requests,
            },
        )


def _history(warehouse: WarehouseResource, seconds: list[float], asset_key: str = PRS) -> None:
    for day, duration in enumerate(seconds):
        _row(warehouse, f"old-{asset_key}-{day}", duration, day=day, asset_key=asset_key)


def _flagged(warehouse: WarehouseResource, run_id: str) -> list[str]:
    with warehouse.connect() as conn:
        return [s.asset_key for s in slow_syncs(conn, run_id)]


def test_over_three_times_the_median_of_the_last_ten_is_flagged(warehouse: WarehouseResource) -> None:
    # 14 earlier nightly runs: the 4 oldest were slow (a migration), the last 10 took 95-110 s: median 100
    _history(warehouse, [900, 900, 900, 900, 95, 100, 110, 100, 98, 102, 100, 105, 100, 97])
    _row(warehouse, "slow", 320, day=30)
    _row(warehouse, "normal", 280, day=31)  # 2.8x: within the norm
    with warehouse.connect() as conn:
        (slow,) = slow_syncs(conn, "slow")
    assert slow.asset_key == "github/pull_requests" and slow.history == 10
    assert slow.median_per_day == pytest.approx(50.0)  # 100 s over two partition days
    assert slow.describe().startswith("github/pull_requests took 320 s, 3.2x its median of the last 10")
    assert _flagged(warehouse, "normal") == []


def test_no_flag_for_a_backfill_no_history_a_short_sync_or_a_failure(
    warehouse: WarehouseResource,
) -> None:
    _history(warehouse, [100] * 10)
    _row(warehouse, "backfill", 1500, day=40, days=(dt.date(2026, 10, 1), dt.date(2026, 10, 30)))  # 50 s/day
    assert _flagged(warehouse, "backfill") == []
    _row(warehouse, "failed", 900, day=41, status="failed")
    assert _flagged(warehouse, "failed") == []

    _history(warehouse, [100] * 4, asset_key="jira/issues")  # fewer than 5 earlier successes: no norm yet
    _row(warehouse, "young", 900, day=42, asset_key="jira/issues")
    assert _flagged(warehouse, "young") == []

    _history(warehouse, [5] * 10, asset_key="copilot/usage")  # 10x, but 50 s is never worth an alert
    _row(warehouse, "tiny", 50, day=43, asset_key="copilot/usage", days=None)
    assert _flagged(warehouse, "tiny") == []
    _row(warehouse, "snapshot", 61, day=44, asset_key="copilot/usage", days=None)
    assert _flagged(warehouse, "snapshot") == ["copilot/usage"]


def test_the_success_sensor_sends_a_warning_and_counts_only_api_syncs(
    warehouse: WarehouseResource, capfd: pytest.CaptureFixture[str]
) -> None:
    @dg.asset
    def anything() -> None:
        """A run to hang the hand-made sync-log rows on."""

    instance = dg.DagsterInstance.ephemeral()
    result = dg.materialize([anything], instance=instance)
    _history(warehouse, [100] * 10)
    _row(warehouse, result.run_id, 400, day=30)
    _row(warehouse, result.run_id, 3, day=30, asset_key="github/pull_requests_staged", requests=0)
    with warehouse.connect() as conn:
        assert list(sources_synced(conn, result.run_id)) == ["github"]  # staging (no request) proves nothing

    capfd.readouterr()
    with dg.build_run_status_sensor_context(
        sensor_name="sync_success_checks",
        dagster_event=result.get_run_success_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources={"notifications": NotificationResource(), "warehouse": warehouse},
    ) as context:
        sync_success_checks(context)
    (alert,) = [line for line in capfd.readouterr().err.splitlines() if "ALERT" in line]
    assert " - WARNING - ALERT run " in alert
    assert f"{result.run_id}: [SLOW_SYNC] github slow sync: github/pull_requests took 400 s, 4.0x" in alert
