"""The ``sync_control`` sensor: what ``ops.sync_state`` asks for, turned into runs, for every source alike.

- a scope added by an installation event (``pending``) is onboarded: its snapshots, the last 30 days, then
  the rest of history at a lower priority (as the Jira onboarding sensor does for JIRA_PROJECTS; Jira's
  projects are left to that sensor), each run tagged with the scope; the scope turns ``active`` once they
  all succeeded, ``error`` while one failed;
- a trigger (`dexxy sync trigger [--full]`, the ``sync_admin_trigger`` job) becomes a run over yesterday and
  today, or the whole history;
- a stored cadence (`dexxy sync schedule CRON`) requests yesterday and today at each tick of its cron (the
  nightly automation skips that source's runs meanwhile: ``ingestion_hooks.hold_back``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import dagster as dg
from croniter import croniter
from sqlalchemy import Connection

from dexxy_assets.source_contract import INGESTION, LAYER_TAG
from dexxy_assets.sync import state
from dexxy_assets.sync.ingestion_hooks import SCOPE_TAG
from dexxy_assets.sync.state import WHOLE, Status
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG

RECENT_DAYS = 30
ONBOARDING_TAG = "dexxy/scope_onboarding"  # "<source>:<scope>"
STEP_TAG = "dexxy/onboarding_step"
TRIGGER_TAG = "dexxy/sync_trigger"  # trigger | schedule
ONBOARDS_ITSELF = frozenset({"jira"})  # the jira_onboarding sensor onboards JIRA_PROJECTS and watched people
PRIORITY = "dagster/priority"
_FAILED = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


@dataclass(frozen=True)
class SourceAssets:
    """A source's ingestion assets: the daily ones (run over a partition range) and its snapshots."""

    daily: tuple[dg.AssetKey, ...]
    snapshots: tuple[dg.AssetKey, ...]


def source_assets(assets: Iterable[dg.AssetsDefinition]) -> dict[str, SourceAssets]:
    """Group name (the source) -> its ingestion assets, from the built definitions."""
    daily: dict[str, list[dg.AssetKey]] = {}
    snapshots: dict[str, list[dg.AssetKey]] = {}
    for definition in assets:
        for key in definition.keys:
            if definition.tags_by_key.get(key, {}).get(LAYER_TAG) != INGESTION:
                continue
            group = definition.group_names_by_key[key]
            (daily if definition.partitions_def else snapshots).setdefault(group, []).append(key)
    return {
        group: SourceAssets(tuple(daily.get(group, ())), tuple(snapshots.get(group, ())))
        for group in sorted({*daily, *snapshots})
    }


def _requests(
    assets: SourceAssets,
    key: str,
    tags: Mapping[str, str],
    ranges: Sequence[tuple[str, str, str, int]],
    snapshot_priority: int,
) -> list[dg.RunRequest]:
    """The snapshot run, then one run per (step, first partition, last partition, priority)."""
    out = []
    if assets.snapshots:
        out.append(
            dg.RunRequest(
                run_key=f"{key}:snapshots",
                asset_selection=list(assets.snapshots),
                tags={**tags, STEP_TAG: "snapshots", PRIORITY: str(snapshot_priority)},
            )
        )
    if assets.daily:
        for step, first, last, priority in ranges:
            out.append(
                dg.RunRequest(
                    run_key=f"{key}:{step}",
                    asset_selection=list(assets.daily),
                    tags={
                        **tags,
                        STEP_TAG: step,
                        PRIORITY: str(priority),
                        RANGE_START_TAG: first,
                        RANGE_END_TAG: last,
                    },
                )
            )
    return out


def scope_tags(source: str, scope: str) -> dict[str, str]:
    return {} if scope == WHOLE else {SCOPE_TAG: scope}


def onboarding_requests(
    source: str, scope: str, assets: SourceAssets, partition_keys: Sequence[str], today: dt.date
) -> list[dg.RunRequest]:
    """Snapshots and the last 30 days first, then the older history in the background (lower priority)."""
    recent_first = max(0, len(partition_keys) - RECENT_DAYS)
    ranges = [("recent", partition_keys[recent_first], partition_keys[-1], 1)]
    if recent_first > 0:
        ranges.append(("history", partition_keys[0], partition_keys[recent_first - 1], -1))
    tags = {**scope_tags(source, scope), ONBOARDING_TAG: f"{source}:{scope}"}
    return _requests(assets, f"onboard:{source}:{scope}:{today}", tags, ranges, snapshot_priority=2)


def sync_requests(
    source: str,
    scope: str,
    assets: SourceAssets,
    partition_keys: Sequence[str],
    *,
    full: bool,
    kind: str,
    at: dt.datetime,
) -> list[dg.RunRequest]:
    """A trigger or a scheduled tick (``kind``): yesterday and today, or the whole history."""
    first = partition_keys[0] if full else partition_keys[max(0, len(partition_keys) - 2)]
    step = "full" if full else "recent"
    tags = {**scope_tags(source, scope), TRIGGER_TAG: kind}
    key = f"{kind}:{source}:{scope}:{at.isoformat()}"
    return _requests(assets, key, tags, [(step, first, partition_keys[-1], 1)], snapshot_priority=1)


def onboarding_outcome(instance: dg.DagsterInstance, source: str, scope: str) -> Status | None:
    """``active`` once the latest run of every onboarding step succeeded (a relaunch counts for the run it
    relaunched), ``error`` while one's latest failed, else None (still running)."""
    latest: dict[str, dg.DagsterRunStatus] = {}
    for run in instance.get_runs(filters=dg.RunsFilter(tags={ONBOARDING_TAG: f"{source}:{scope}"})):
        latest.setdefault(run.tags.get(STEP_TAG, ""), run.status)  # newest first
    if not latest:
        return None
    if any(status in _FAILED for status in latest.values()):
        return Status.ERROR
    if all(status == dg.DagsterRunStatus.SUCCESS for status in latest.values()):
        return Status.ACTIVE
    return None


def due_ticks(cron: str, after: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """The latest tick of ``cron`` (UTC) in (after, now], or None."""
    latest = croniter(cron, now).get_prev(dt.datetime)
    return latest if latest > after else None


def evaluate(
    conn: Connection,
    instance: dg.DagsterInstance,
    by_source: Mapping[str, SourceAssets],
    partition_keys: Sequence[str],
    now: dt.datetime,
    last_evaluated: dt.datetime | None,
    log: dg.DagsterLogManager | None = None,
) -> list[dg.RunRequest]:
    """One tick: triggers, pending scopes, finished onboardings, stored cadences."""
    today = now.date()
    requests: list[dg.RunRequest] = []
    for source, scope, full in state.take_triggers(conn):
        if source in by_source and not state.stopped_reason(conn, source, scope):
            requests += sync_requests(
                source, scope, by_source[source], partition_keys, full=full, kind="trigger", at=now
            )
    for row in state.read(conn, entity=WHOLE):
        if row.scope == WHOLE or row.source not in by_source or row.source in ONBOARDS_ITSELF:
            continue
        if row.status == Status.PENDING and not state.stopped_reason(conn, row.source):
            requests += onboarding_requests(
                row.source, row.scope, by_source[row.source], partition_keys, today
            )
            state.set_status(conn, row.source, row.scope, Status.SYNCING)
            if log:
                log.info(f"onboarding {row.source} scope {row.scope}: last {RECENT_DAYS} days, then history")
        elif row.status in (Status.SYNCING, Status.ERROR):
            outcome = onboarding_outcome(instance, row.source, row.scope)
            if outcome is not None and outcome != row.status:
                state.set_status(conn, row.source, row.scope, outcome)
    for source, cron in state.schedules(conn).items():
        tick = due_ticks(cron, last_evaluated or now, now) if source in by_source else None
        if tick is not None and not state.stopped_reason(conn, source):
            requests += sync_requests(
                source, WHOLE, by_source[source], partition_keys, full=False, kind="schedule", at=tick
            )
    return requests


def build_sync_control_sensor(
    assets: Iterable[dg.AssetsDefinition], partitions: dg.TimeWindowPartitionsDefinition
) -> dg.SensorDefinition:
    by_source = source_assets(assets)
    targets = [key for group in by_source.values() for key in (*group.daily, *group.snapshots)]

    @dg.sensor(
        name="sync_control",
        description="Acts on ops.sync_state: onboards scopes added by installation events (last 30 days, "
        "then the history), starts the syncs asked for by `dexxy sync trigger` or the sync_admin_trigger "
        "job, and runs sources on the cadence stored by `dexxy sync schedule`.",
        minimum_interval_seconds=30,
        default_status=dg.DefaultSensorStatus.RUNNING,
        asset_selection=targets,
    )
    def sync_control(
        context: dg.SensorEvaluationContext, warehouse: WarehouseResource
    ) -> dg.SensorResult | dg.SkipReason:
        now = dt.datetime.now(dt.UTC)
        cursor = json.loads(context.cursor) if context.cursor else {}
        last = dt.datetime.fromisoformat(cursor["evaluated_at"]) if "evaluated_at" in cursor else None
        keys = partitions.get_partition_keys(current_time=now)
        with warehouse.begin() as conn:
            requests = evaluate(conn, context.instance, by_source, keys, now, last, context.log)
        next_cursor = json.dumps({"evaluated_at": now.isoformat()})
        if not requests:
            context.update_cursor(next_cursor)
            return dg.SkipReason("no pending scope, trigger or scheduled tick")
        return dg.SensorResult(run_requests=requests, cursor=next_cursor)

    return sync_control
