"""Materialize a selection of assets over a date range as one run recorded in the Dagster instance,
with a live progress display fed by the run's own event log."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass

import dagster as dg
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from dexxy_assets.definitions import defs
from sensors.failure_classification import root_cause_message

INVOCATION_TAG = "dexxy/invocation"


@dataclass
class RunOutcome:
    success: bool
    run_id: str | None
    materialized: list[str]
    error: str | None


def selected_keys(definitions: dg.Definitions, select: str | None) -> list[dg.AssetKey]:
    """The selection, widened to whole multi-assets: `github/pull_requests` is fetched with its reviews
    and commits, so selecting one selects all three."""
    graph = definitions.resolve_asset_graph()
    selection = dg.AssetSelection.from_string(select) if select else dg.AssetSelection.all()
    keys = set(selection.resolve(graph))
    for assets_def in definitions.assets or []:
        if (
            isinstance(assets_def, dg.AssetsDefinition)
            and not assets_def.can_subset
            and keys & assets_def.keys
        ):
            keys |= assets_def.keys
    return sorted(keys, key=lambda k: k.to_user_string())


def run_assets(
    start: dt.date, end: dt.date, select: str | None, instance: dg.DagsterInstance, console: Console
) -> RunOutcome:
    """One run: partitioned assets over [start, end] (a single-run backfill), unpartitioned ones once."""
    definitions = defs()
    keys = selected_keys(definitions, select)
    if not keys:
        raise ValueError(f"--select {select!r} matches no asset")
    token = uuid.uuid4().hex
    outcome: dict[str, object] = {}

    def execute() -> None:
        try:
            result = dg.materialize(
                assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
                selection=keys,
                resources=definitions.resources,
                instance=instance,
                tags={
                    INVOCATION_TAG: token,
                    "dagster/asset_partition_range_start": start.isoformat(),
                    "dagster/asset_partition_range_end": end.isoformat(),
                },
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
                raise_on_error=False,
            )
            outcome["success"] = result.success
            outcome["run_id"] = result.run_id
            if not result.success:
                outcome["error"] = _first_failure(result)
        except Exception as exc:
            outcome["success"] = False
            outcome["error"] = str(exc).splitlines()[0] if str(exc) else type(exc).__name__

    worker = threading.Thread(target=execute, name="dexxy-run", daemon=True)
    done: set[str] = set()
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(f"materializing {start}..{end}", total=len(keys))
        worker.start()
        run_id: str | None = None
        while worker.is_alive():
            worker.join(timeout=0.5)
            run_id = run_id or _find_run(instance, token)
            if run_id:
                done |= _materialized(instance, run_id)
                latest = sorted(done)[-1] if done else "starting"
                progress.update(
                    task, completed=len(done & {k.to_user_string() for k in keys}), description=latest
                )
        run_id = run_id or _find_run(instance, token)
        if run_id:
            done |= _materialized(instance, run_id)
        progress.update(task, completed=len(done), description="done" if outcome.get("success") else "failed")
    return RunOutcome(
        success=bool(outcome.get("success")),
        run_id=str(outcome.get("run_id") or run_id or ""),
        materialized=sorted(done),
        error=outcome.get("error"),  # type: ignore[arg-type]
    )


def _find_run(instance: dg.DagsterInstance, token: str) -> str | None:
    records = instance.get_run_records(filters=dg.RunsFilter(tags={INVOCATION_TAG: token}), limit=1)
    return records[0].dagster_run.run_id if records else None


def _materialized(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    events = instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    return {
        e.dagster_event.asset_key.to_user_string()
        for e in events
        if e.dagster_event is not None and e.dagster_event.asset_key is not None
    }


def _first_failure(result: dg.ExecuteInProcessResult) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error is not None:
            return f"{event.step_key}: {root_cause_message(event.step_failure_data.error)}"
    return "the run failed (see the Dagster UI)"
