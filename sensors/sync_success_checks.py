"""After a successful run: restore the daily cadence of every source it synced from the API, and flag its
syncs that took far longer than their norm (``slow_sync``).

A source counts as synced when the run wrote an ``ops.sync_log`` row with status success and at least one
API request for one of its assets (``github/…``): a run that only re-staged from raw, or one the ladder
skipped, proves nothing about the API and leaves the ladder where it is."""

from __future__ import annotations

import datetime as dt

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.sources import registered_sources
from dexxy_assets.sync.backoff import load_state, record_success
from resources.notifications import Alert, NotificationResource, Severity
from resources.warehouse import WarehouseResource
from sensors.slow_sync import slow_syncs

_SYNCED = text(
    """
    SELECT split_part(asset_key, '/', 1) AS source, max(finished_at)
    FROM ops.sync_log
    WHERE run_id = :run_id AND status = 'success' AND api_requests > 0
    GROUP BY 1
    """
)


def sources_synced(conn: Connection, run_id: str) -> dict[str, dt.datetime]:
    """The registered sources ``run_id`` reached the API of, with when its last such sync finished."""
    known = {source.name for source in registered_sources()}
    return {source: at for source, at in conn.execute(_SYNCED, {"run_id": run_id}) if source in known}


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="sync_success_checks",
    description="After a successful run: resets the back-off ladder of each source it synced, and alerts "
    "(warning, SLOW_SYNC) when a sync took over 3x the median of its last 10 successes.",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def sync_success_checks(
    context: dg.RunStatusSensorContext, notifications: NotificationResource, warehouse: WarehouseResource
) -> None:
    run_id = context.dagster_run.run_id
    with warehouse.begin() as conn:
        for source, at in sources_synced(conn, run_id).items():
            before = load_state(conn, source)
            record_success(conn, source, at=at)
            if before.level:
                context.log.info(f"{source}: a successful sync restored the daily cadence")
        slow = slow_syncs(conn, run_id)
    for sync in slow:
        notifications.send(
            Alert(
                alert_class="SLOW_SYNC",
                cause=f"slow sync: {sync.describe()}",
                advice="check the source's rate-limit headroom and latency (ops.sync_log detail), "
                "and the warehouse's load",
                source=sync.asset_key.split("/", 1)[0],
                run_id=run_id,
                severity=Severity.WARNING,
            ),
            context.log,
        )
