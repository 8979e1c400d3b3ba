"""The webhook sensor: turns ``ops.webhook_inbox`` into partition refreshes and scope changes.

Each tick reads the deliveries after its cursor (``seq``; plus any row that committed late behind it),
maps each to the daily partitions it touches (``webhook_events.py``) and to scope changes
(``webhook_scope_events.py``), and requests one run per source and UTC day: the touched ingestion assets,
their staging, and everything downstream that reads only the warehouse (AI detection, the marts), so an
event reaches ``analytics`` in the same run, executed in process (one day is small; a process per step
would cost more than the work). LLM summaries keep their nightly schedule (they call Groq).

Coalescing: a day of a source that already has a webhook run waiting to start (not started, queued,
starting) with every needed asset gets no second run: that run reads the source when it starts, so it sees
the change too. A run already executing may have read the source before the change, so a new one is queued
behind it (the API pool runs them one after another).

Exactly once: scope changes are made, and rows marked processed, in one transaction, only for rows not yet
processed; run requests carry a run key per source, day and last seq, so a tick retried after a crash
requests nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.deployment_assets import DEPLOYMENTS_KEY
from dexxy_assets.github.issue_assets import (
    DISCUSSION_COMMENTS_KEY,
    DISCUSSIONS_KEY,
    ISSUE_COMMENTS_KEY,
    ISSUES_KEY,
)
from dexxy_assets.github.pull_request_assets import ENTITIES as PULL_REQUEST_ENTITIES
from dexxy_assets.jira.issue_assets import RAW_ENTITIES as JIRA_ISSUE_ENTITIES
from resources.warehouse import WarehouseResource
from sensors import webhook_inbox, webhook_scope_events
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from sensors.webhook_events import (
    GITHUB_DEPLOYMENTS,
    GITHUB_DISCUSSIONS,
    GITHUB_ISSUES,
    GITHUB_PULL_REQUESTS,
    JIRA_ISSUES,
    touches,
)

SENSOR_NAME = "webhook_inbox"
DEFAULT_INTERVAL_SECONDS = 30
BATCH = 1000
SOURCE_TAG = "dexxy/webhook_source"
REASON_TAG = "dexxy/reason"
# entity family → the ingestion assets that fetch it (the roots of its refresh)
FAMILY_ROOTS: Mapping[str, tuple[dg.AssetKey, ...]] = {
    GITHUB_PULL_REQUESTS: tuple(key for key, _, _ in PULL_REQUEST_ENTITIES.values()),
    GITHUB_DEPLOYMENTS: (DEPLOYMENTS_KEY,),
    GITHUB_ISSUES: (ISSUES_KEY, ISSUE_COMMENTS_KEY),
    GITHUB_DISCUSSIONS: (DISCUSSIONS_KEY, DISCUSSION_COMMENTS_KEY),
    JIRA_ISSUES: tuple(JIRA_ISSUE_ENTITIES),
}
# A refresh is one day: its steps run in the run's own process, not one process per step (the default for
# launched runs), which would add seconds of interpreter start-up to every step.
IN_PROCESS: Mapping[str, object] = {"execution": {"config": {"in_process": {}}}}
WAITING = [dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.STARTING]
_WAREHOUSE_ONLY = {"warehouse", "io_manager"}


def refresh_selection(
    roots: Iterable[dg.AssetKey], assets: Iterable[dg.AssetsDefinition], source_groups: set[str]
) -> list[dg.AssetKey]:
    """The roots, and their downstream assets that need no API (only the warehouse) and belong to the
    roots' own group or to no source's group (processing, analytics): another source's staging waits for
    that source's own sync."""
    by_key = {key: a for a in assets for key in a.keys}
    roots = list(roots)
    root_groups = {by_key[k].group_names_by_key.get(k) for k in roots if k in by_key}
    children: dict[dg.AssetKey, set[dg.AssetKey]] = defaultdict(set)
    for a in by_key.values():
        for key in a.keys:
            for dep in a.asset_deps.get(key, ()):
                children[dep].add(key)
    chosen = set(roots)
    frontier = list(roots)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            a = by_key[child]
            group = a.group_names_by_key.get(child)
            fits = group in root_groups or group not in source_groups
            if child not in chosen and fits and a.required_resource_keys <= _WAREHOUSE_ONLY:
                chosen.add(child)
                frontier.append(child)
    return sorted(chosen, key=lambda k: k.to_user_string())


def waiting_run_covers(instance: dg.DagsterInstance, source: str, day: str, keys: set[dg.AssetKey]) -> bool:
    """A webhook run of this source and day that has not started yet and selects every key."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            tags={SOURCE_TAG: source, RANGE_START_TAG: day, RANGE_END_TAG: day}, statuses=WAITING
        )
    )
    return any(run.asset_selection is not None and keys <= set(run.asset_selection) for run in runs)


def _count_unreadable(conn: Connection, row: webhook_inbox.InboxRow) -> None:
    """A signed body that is not a JSON object: kept in the inbox, counted in ops.ingest_problems."""
    conn.execute(
        text(
            """INSERT INTO ops.ingest_problems (asset_key, partition_date, problem, occurrences, example)
               VALUES (:key, :day, 'webhook_body_not_json', 1, :example)
               ON CONFLICT (asset_key, partition_date, problem)
               DO UPDATE SET occurrences = ops.ingest_problems.occurrences + 1, recorded_at = now()"""
        ),
        {"key": f"webhooks/{row.provider}", "day": row.received_at.date(), "example": row.delivery_id},
    )


def build_webhook_sensor(
    partitions: dg.TimeWindowPartitionsDefinition, source_groups: Mapping[str, str]
) -> dg.SensorDefinition:
    """``source_groups``: registered source name → its asset group (``Source.settings.group``)."""
    all_roots = [key for roots in FAMILY_ROOTS.values() for key in roots]

    @dg.sensor(
        name=SENSOR_NAME,
        description="Refreshes the partitions that GitHub and Jira webhook deliveries touch (one run per "
        "source and day, coalesced) and applies installation and project events to the sync scopes.",
        minimum_interval_seconds=DEFAULT_INTERVAL_SECONDS,
        default_status=dg.DefaultSensorStatus.RUNNING,
        asset_selection=dg.AssetSelection.assets(*all_roots).downstream(),
    )
    def webhook_inbox_sensor(
        context: dg.SensorEvaluationContext, warehouse: WarehouseResource
    ) -> dg.SensorResult | dg.SkipReason:
        after = int(context.cursor or 0)
        now = dt.datetime.now(dt.UTC)
        keys = partitions.get_partition_keys(current_time=now)
        first, last = dt.date.fromisoformat(keys[0]), dt.date.fromisoformat(keys[-1])
        wanted: dict[tuple[str, dt.date], set[dg.AssetKey]] = defaultdict(set)
        outside = 0
        with warehouse.begin() as conn:
            rows = webhook_inbox.pending(conn, after, BATCH)
            if not rows:
                return dg.SkipReason(f"no webhook delivery after seq {after}")
            for row in rows:
                if "unparsed_body" in row.payload:
                    if row.processed_at is None:
                        _count_unreadable(conn, row)
                    continue
                for touch in touches(row.provider, row.event, row.payload, row.received_at):
                    if touch.day < first:
                        outside += 1  # before the partitions' start: nothing synced there
                        continue
                    wanted[(touch.source, min(touch.day, last))].update(FAMILY_ROOTS[touch.family])
                if row.processed_at is None:
                    calls = webhook_scope_events.scope_calls(row.provider, row.event, row.action, row.payload)
                    webhook_scope_events.perform(conn, calls)
                    for call in calls:
                        context.log.info(f"scope change: {call.call} {call.source} {call.scope or ''}")
            webhook_inbox.mark_processed(conn, [row.seq for row in rows])
        last_seq = max(after, *(row.seq for row in rows))
        assets = list(context.repository_def.assets_defs_by_key.values()) if context.repository_def else []
        groups = set(source_groups.values())
        requests = []
        for (source, day), roots in sorted(wanted.items()):
            selection = refresh_selection(roots, assets, groups) if assets else sorted(roots)
            if waiting_run_covers(context.instance, source, day.isoformat(), set(selection)):
                context.log.info(f"{source} {day}: a waiting webhook run already covers it")
                continue
            requests.append(
                dg.RunRequest(
                    run_key=f"webhook:{source}:{day}:{last_seq}",
                    asset_selection=selection,
                    run_config=dict(IN_PROCESS),
                    tags={
                        SOURCE_TAG: source,
                        RANGE_START_TAG: day.isoformat(),
                        RANGE_END_TAG: day.isoformat(),
                        REASON_TAG: "webhook",
                    },
                )
            )
        context.log.info(
            f"{len(rows)} deliveries up to seq {last_seq}: {len(requests)} runs requested, "
            f"{len(wanted) - len(requests)} coalesced, {outside} before the first partition"
        )
        return dg.SensorResult(run_requests=requests, cursor=str(last_seq))

    return webhook_inbox_sensor
