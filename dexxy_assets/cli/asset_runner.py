"""Materialize a selection of assets over a date range as one run of a named job recorded in the Dagster
instance, with a live progress display that follows the run's event log."""

from __future__ import annotations

import datetime as dt
import difflib
import threading
import uuid
from dataclasses import dataclass, field

import dagster as dg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from dexxy_assets.cli.api_waits import show_api_waits
from dexxy_assets.cli.planned_events import planned_events_for_range
from dexxy_assets.cli.pool_wait import pool_waits
from dexxy_assets.cli.run_follower import RunFollower, StepFailure
from dexxy_assets.cli.stale_runs import run_liveness_tags
from dexxy_assets.jobs import job_for_groups
from dexxy_assets.partitions import daily_partitions, resolve_start_date

INVOCATION_TAG = "dexxy/invocation"
_POLL_SECONDS = 0.5


class RunInputError(ValueError):
    """A `dexxy run` argument that cannot work; raised before anything runs."""


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM: the run was marked canceled and its pool slots released."""

    def __init__(self, run_id: str | None) -> None:
        super().__init__(run_id)
        self.run_id = run_id


@dataclass(frozen=True)
class RunPlan:
    job_name: str
    keys: list[dg.AssetKey]
    pools: set[str]
    partitions: dict[str, int]  # per asset: the partitions this run materializes (1 if unpartitioned)
    start: dt.date
    end: dt.date


@dataclass
class RunOutcome:
    success: bool
    run_id: str | None
    job_name: str
    materialized: list[str]
    partitions_done: int
    failures: list[StepFailure] = field(default_factory=list)
    error: str | None = None
    held: dict[str, str] = field(default_factory=dict)  # asset -> why it skipped (a paused source, ...)
    noted: dict[str, str] = field(default_factory=dict)  # asset -> why it landed nothing (no Copilot, ...)


def selected_keys(definitions: dg.Definitions, select: str | None) -> list[dg.AssetKey]:
    """The selection, widened to whole multi-assets: `github/pull_requests` is fetched with its reviews
    and commits, so selecting one selects all three."""
    graph = definitions.resolve_asset_graph()
    try:
        selection = dg.AssetSelection.from_string(select) if select else dg.AssetSelection.all()
        keys = set(selection.resolve(graph))
    except (dg.DagsterInvalidSubsetError, dg.DagsterInvalidDefinitionError, ValueError) as exc:
        raise RunInputError(_no_match(graph, select, str(exc).splitlines()[0])) from None
    if not keys:
        raise RunInputError(_no_match(graph, select, "matches no asset"))
    for assets_def in definitions.assets or []:
        if (
            isinstance(assets_def, dg.AssetsDefinition)
            and not assets_def.can_subset
            and keys & assets_def.keys
        ):
            keys |= assets_def.keys
    return sorted(keys, key=lambda k: k.to_user_string())


def _no_match(graph: dg.AssetGraph, select: str | None, reason: str) -> str:
    keys = graph.get_all_asset_keys()
    candidates = {f"group:{graph.get(k).group_name}" for k in keys}
    candidates |= {f"key:{k.to_user_string()}" for k in keys}
    close = difflib.get_close_matches(select or "", sorted(candidates), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else '; e.g. "group:github" or "key:github/*"'
    return f"--select {select!r}: {reason}{hint}"


def check_range(start: dt.date, end: dt.date) -> None:
    """Refuse a range outside the daily partitions before anything runs: a day before the first partition
    would fail after other assets were written, and a future day has no partition at all."""
    if end < start:
        raise RunInputError(f"--end {end} is before --start {start}")
    partitions = daily_partitions(resolve_start_date())
    first = dt.date.fromisoformat(partitions.get_first_partition_key() or "")
    last = dt.date.fromisoformat(partitions.get_last_partition_key() or "")  # today (end_offset=1)
    if start < first:
        raise RunInputError(
            f"--start {start} is before the first partition {first} (DEXXY_START_DATE): "
            f"start at {first} or set DEXXY_START_DATE earlier"
        )
    if end > last:
        raise RunInputError(
            f"--end {end} is after today's partition {last}: a future day has nothing to sync"
        )


def plan_run(definitions: dg.Definitions, select: str | None, start: dt.date, end: dt.date) -> RunPlan:
    """Which named job runs which assets, and how many partitions that makes; validated up front."""
    check_range(start, end)
    keys = selected_keys(definitions, select)
    graph = definitions.resolve_asset_graph()
    days = (end - start).days + 1
    nodes = [graph.get(key) for key in keys]
    return RunPlan(
        job_name=job_for_groups(
            (node.group_name for node in nodes), {job.name for job in definitions.jobs or []}
        ),
        keys=keys,
        pools={pool for node in nodes for pool in node.pools or ()},
        partitions={node.key.to_user_string(): days if node.partitions_def else 1 for node in nodes},
        start=start,
        end=end,
    )


def run_assets(
    definitions: dg.Definitions,
    plan: RunPlan,
    instance: dg.DagsterInstance,
    console: Console,
) -> RunOutcome:
    """One run of the plan's job: partitioned assets over [start, end] (a single-run backfill), unpartitioned
    ones once. Ctrl-C (or SIGTERM turned into KeyboardInterrupt) cancels it and frees its pool slots."""
    job = definitions.resolve_job_def(plan.job_name)
    token = uuid.uuid4().hex
    outcome: dict[str, object] = {}

    def execute() -> None:
        try:
            with planned_events_for_range((plan.end - plan.start).days + 1):
                result = job.execute_in_process(
                    instance=instance,
                    asset_selection=plan.keys,
                    tags={
                        INVOCATION_TAG: token,
                        "dagster/asset_partition_range_start": plan.start.isoformat(),
                        "dagster/asset_partition_range_end": plan.end.isoformat(),
                        **run_liveness_tags(),  # a SIGKILLed `dexxy run` is found dead by the next command
                    },
                    # the event log keeps every message and trace; the console gets our summary lines
                    run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
                    raise_on_error=False,
                )
            outcome["success"] = result.success
        except Exception as exc:  # before the run started (e.g. the instance refused it)
            outcome["success"] = False
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            outcome["error"] = f"{type(exc).__name__}: {message}"

    worker = threading.Thread(target=execute, name="dexxy-run", daemon=True)
    follower: RunFollower | None = None
    shown_waits: list[str] = []
    try:
        with (
            show_api_waits(console),
            Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,  # the summary lines printed afterwards are what stays on screen
            ) as progress,
        ):
            overall = progress.add_task(
                f"{plan.job_name} {plan.start}..{plan.end}", total=sum(plan.partitions.values())
            )
            per_asset: dict[str, TaskID] = {}
            worker.start()
            while True:
                worker.join(timeout=_POLL_SECONDS)
                follower = follower or _follow(instance, token)
                if follower is not None:
                    follower.poll()
                    waits = pool_waits(instance, follower.run_id, plan.pools) if worker.is_alive() else []
                    if waits and waits != shown_waits:
                        progress.console.print("; ".join(waits))
                    shown_waits = waits
                    _show(progress, overall, per_asset, follower, plan, waits)
                if not worker.is_alive():
                    break
    except KeyboardInterrupt:
        follower = follower or _follow(instance, token)
        if follower is not None:
            release_interrupted_run(instance, follower.run_id)
        raise RunInterrupted(follower.run_id if follower else None) from None
    return RunOutcome(
        success=bool(outcome.get("success")),
        run_id=follower.run_id if follower else None,
        job_name=plan.job_name,
        materialized=sorted(follower.done) if follower else [],
        partitions_done=follower.partitions_done() if follower else 0,
        failures=follower.failures if follower else [],
        held=follower.held if follower else {},
        noted=follower.noted if follower else {},
        error=_error(outcome.get("error"), follower),
    )


def release_interrupted_run(instance: dg.DagsterInstance, run_id: str) -> None:
    """Mark the run canceled and free its pool slots (claimed and pending): a dead run that keeps a slot
    blocks every later run of that pool."""
    run = instance.get_run_by_id(run_id)
    if run is not None and not run.is_finished:
        instance.report_run_canceled(run, message="dexxy run was interrupted (Ctrl-C or SIGTERM)")
    if instance.event_log_storage.supports_global_concurrency_limits:
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)


def _error(raised: object, follower: RunFollower | None) -> str | None:
    """The one line that explains the run's failure, for callers that print a single line."""
    if raised:
        return str(raised)
    if follower is None:
        return None
    return follower.failures[0].one_line() if follower.failures else follower.run_failure


def _follow(instance: dg.DagsterInstance, token: str) -> RunFollower | None:
    records = instance.get_run_records(filters=dg.RunsFilter(tags={INVOCATION_TAG: token}), limit=1)
    return RunFollower(instance, records[0].dagster_run.run_id) if records else None


def _show(
    progress: Progress,
    overall: TaskID,
    per_asset: dict[str, TaskID],
    follower: RunFollower,
    plan: RunPlan,
    waits: list[str],
) -> None:
    """Partitions done per asset (a row appears when an asset starts landing) and for the whole run."""
    for key, partitions in follower.done.items():
        if key not in per_asset:
            per_asset[key] = progress.add_task(f"  {key}", total=plan.partitions.get(key, len(partitions)))
        progress.update(per_asset[key], completed=len(partitions))
    progress.update(
        overall,
        completed=follower.partitions_done(),
        description="; ".join(waits) or f"{plan.job_name} {plan.start}..{plan.end}",
    )
