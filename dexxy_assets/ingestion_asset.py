"""The one ingestion-asset factory every source uses: fetch, then land in one transaction, then the shared
bookkeeping (problems, the sync log and the sync state in that transaction; the column schema; per-day
metadata). A paused or disabled source skips before fetching; a failure leaves its classified code in
``ops.sync_state`` and ``ops.sync_log``.

A source describes an ingestion step with an ``IngestionSpec``: the entities it writes (one asset each),
its settings, and a ``load`` function. ``load`` does the API work and returns the landing step, which the
factory runs inside the warehouse transaction; the landing step says, per entity, what it landed
(``Landed``). A step with no API resource (a staging step that parses raw) is built the same way.
"""

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
from sqlalchemy import Connection

import dexxy_assets.sync.ingestion_hooks as sync_hooks
from dexxy_assets import asset_metadata
from dexxy_assets.ingestion_report import (
    ingestion_metadata,
    record_ingestion,
    report_materialization,
    snapshot_report,
)
from dexxy_assets.partitions import partition_dates
from dexxy_assets.problems import ProblemLog
from dexxy_assets.source_contract import INGESTION, LAYER_TAG, SourceSettings
from dexxy_assets.sync.backoff import backoff_skip_reason
from dexxy_assets.table_lineage import publishes
from resources.http.usage import ApiUsage
from resources.warehouse import WarehouseResource


@dataclass(frozen=True)
class Entity:
    """One asset of an ingestion step: its key, its description and the table whose schema it shows
    (plus any other tables it publishes for the marts' lineage)."""

    key: dg.AssetKey
    description: str
    table: str
    also_publishes: tuple[str, ...] = ()


@dataclass
class Landed:
    """What the landing step wrote for one entity, and what its materialization says about it."""

    rows: int
    per_day: Mapping[dt.date, int] = field(default_factory=dict)
    problems: ProblemLog = field(default_factory=ProblemLog)
    usage: ApiUsage | None = None
    run_wide: dict[str, Any] = field(default_factory=dict)  # shown once (the newest day, or the snapshot)
    per_day_extra: Mapping[dt.date, Mapping[str, Any]] | None = None
    status: str = "success"  # ops.sync_log status
    detail: dict[str, Any] | None = None
    note: str | None = None  # beside an active sync state (`dexxy sync status`): why it landed nothing
    check_results: Sequence[dg.AssetCheckResult] = ()


@dataclass(frozen=True)
class IngestionRun:
    """What ``load`` gets: the run's context, the source's API resource (None for a staging step), the
    warehouse, and the days of the run (empty for a snapshot)."""

    context: dg.AssetExecutionContext
    api: Any
    warehouse: WarehouseResource
    days: list[dt.date]

    @property
    def window(self) -> dg.TimeWindow:
        return self.context.partition_time_window

    @property
    def log(self) -> dg.DagsterLogManager:
        return self.context.log


LandingStep = Callable[[Connection], Mapping[dg.AssetKey, Landed]]


@dataclass(frozen=True)
class IngestionSpec:
    """One ingestion step of a source. ``partitions`` None makes it a snapshot."""

    name: str  # the op's name
    entities: tuple[Entity, ...]
    settings: SourceSettings
    load: Callable[[IngestionRun], LandingStep]
    api_resource: str | None = None  # None: reads only the warehouse, so it cannot call an API
    other_resources: tuple[str, ...] = ()  # a second API the step also calls (``run.context.resources``)
    partitions: dg.PartitionsDefinition | None = None
    deps: tuple[dg.AssetKey, ...] = ()
    kinds: frozenset[str] | None = None  # default: the source's
    code_version: str | None = None  # a staging step's parser version
    automation_condition: dg.AutomationCondition | None = None  # default: the source's
    check_specs: tuple[dg.AssetCheckSpec, ...] = ()
    skip_reason: Callable[[Any], str | None] | None = None  # e.g. "Jira is not configured"
    # Besides ``skip_reason``, a step with an API resource skips while its source (or the run's scope) is
    # paused or disabled in ops.sync_state, or when the nightly automation launched it and a stored
    # cadence owns the source (``dexxy_assets/sync/ingestion_hooks.py``).


def build_ingestion_asset(spec: IngestionSpec) -> dg.AssetsDefinition:
    settings = spec.settings
    declared = {**settings.declared(), "kinds": set(spec.kinds or settings.kinds)}
    specs = [
        dg.AssetSpec(
            key=entity.key,
            description=entity.description,
            metadata=publishes(entity.table, *entity.also_publishes),
            deps=list(spec.deps),
            code_version=spec.code_version,
            automation_condition=spec.automation_condition or settings.automation,
            tags={LAYER_TAG: INGESTION},
            **declared,
        )
        for entity in spec.entities
    ]
    resources = {"warehouse", *([spec.api_resource] if spec.api_resource else []), *spec.other_resources}

    @dg.multi_asset(
        name=spec.name,
        specs=specs,
        check_specs=list(spec.check_specs),
        partitions_def=spec.partitions,
        backfill_policy=dg.BackfillPolicy.single_run() if spec.partitions else None,
        pool=settings.pool if spec.api_resource else None,
        can_subset=False,
        required_resource_keys=resources,
    )
    def ingestion(context: dg.AssetExecutionContext) -> Iterator[dg.MaterializeResult]:
        api = getattr(context.resources, spec.api_resource) if spec.api_resource else None
        reason = spec.skip_reason(api) if spec.skip_reason else None
        reason = reason or backoff_skip_reason(context, spec)  # the back-off ladder's cadence
        if reason:
            yield from _skipped(context, spec, reason)
            return
        warehouse: WarehouseResource = context.resources.warehouse
        source, tags, run_id = settings.group, context.run.tags, context.run.run_id
        entity_names = [entity.key.to_user_string() for entity in spec.entities]
        gated = spec.api_resource is not None  # paused or disabled sources do not fetch
        if gated:
            gate = sync_hooks.start(warehouse, source, entity_names, tags, run_id)
            if gate.held:  # `dexxy run` prints the hold
                yield from _skipped(context, spec, gate.held, {sync_hooks.HOLD_METADATA: gate.held})
                return
            if (gate.added or gate.left_out) and isinstance(api, sync_hooks.ScopedResource):
                api = api.scoped(gate.added, gate.left_out)
            elif gate.left_out:
                stopped = ", ".join(sorted(gate.left_out))
                context.log.warning(
                    f"{source} cannot leave out the paused or disabled scopes {stopped}: they sync with the "
                    "rest of the source (pause the whole source to stop them)"
                )
        started_at = dt.datetime.now(dt.UTC)
        days = partition_dates(context) if spec.partitions else []
        scope = sync_hooks.run_scope(tags)
        try:
            land = spec.load(IngestionRun(context, api, warehouse, days))
            with warehouse.begin() as conn:
                landed = land(conn)
                schemas = {}
                for entity in spec.entities:
                    out = landed[entity.key]
                    record_ingestion(
                        conn,
                        run_id=run_id,
                        asset_key=entity.key,
                        partitions=days,
                        started_at=started_at,
                        rows=out.rows,
                        problems=out.problems,
                        usage=out.usage,
                        status=out.status,
                        detail=out.detail,
                        source=source,
                        scope=scope,
                    )
                    if gated:
                        sync_hooks.succeeded(
                            conn, source, scope, entity.key.to_user_string(), days, note=out.note
                        )
                    schemas[entity.key] = asset_metadata.table_schema(conn, entity.table)
        except BaseException as error:  # an interrupted run too: its entities must not stay "syncing"
            if gated:
                sync_hooks.failed(warehouse, source, entity_names, tags, run_id, error)
            raise
        for entity in spec.entities:
            yield _report(context, spec, entity.key, landed[entity.key], schemas[entity.key])

    return ingestion


def _skipped(
    context: dg.AssetExecutionContext,
    spec: IngestionSpec,
    reason: str,
    extra: Mapping[str, str] | None = None,
) -> Iterator[dg.MaterializeResult]:
    """Nothing fetched: each entity says why (not configured, paused, ...), with no rows. The step's own
    checks (Copilot's ``copilot_available``) must still answer (Dagster requires every check output of a
    step that cannot subset): a WARN "not checked", with the reason, never a pass nothing proved."""
    context.log.warning(reason)
    for entity in spec.entities:
        yield dg.MaterializeResult(
            asset_key=entity.key,
            metadata={"status": reason, "dagster/row_count": 0, **(extra or {})},
            check_results=[
                dg.AssetCheckResult(
                    asset_key=check.asset_key,
                    check_name=check.name,
                    passed=False,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"not_checked": reason},
                )
                for check in spec.check_specs
                if check.asset_key == entity.key
            ],
        )


def _report(
    context: dg.AssetExecutionContext,
    spec: IngestionSpec,
    key: dg.AssetKey,
    out: Landed,
    schema: dg.TableSchema,
) -> dg.MaterializeResult:
    run_wide = {**out.run_wide, **({sync_hooks.NOTE_METADATA: out.note} if out.note else {})}
    if spec.partitions is None:
        return snapshot_report(
            key,
            rows=out.rows,
            problems=out.problems,
            schema=schema,
            usage=out.usage,
            check_results=out.check_results,
            **run_wide,
        )
    return report_materialization(
        context,
        key,
        rows_per_day=out.per_day,
        total_rows=out.rows,
        problems=out.problems,
        per_day=out.per_day_extra,
        run_wide=ingestion_metadata(schema=schema, usage=out.usage, **run_wide),
        check_results=out.check_results,
    )
