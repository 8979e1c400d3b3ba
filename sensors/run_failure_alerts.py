"""Alert on failed runs with a classified cause and one line of advice, through the notification resource
(e-mail, Slack, the log, by the policy's channels for the class), and count the failure on the back-off
ladder of each source whose API step failed. Without alert channels configured, the alert goes to the
sensor's log (DESIGN.md: none → log only).

It watches every run of the instance, not only runs launched through this code location: `dexxy run`
executes the location's named jobs in its own process, so its runs carry no code-location origin and a
location-scoped run-status sensor would never see them fail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import dagster as dg
from sqlalchemy.exc import SQLAlchemyError

from dexxy_assets.sources import registered_sources
from dexxy_assets.sync.backoff import BackoffState, record_failure
from resources.notifications import Alert, NotificationResource
from resources.warehouse import WarehouseResource
from sensors.failure_classification import classify_failure, root_cause_message


def failure_message(context: dg.RunFailureSensorContext) -> str:
    step_errors = [
        root_cause_message(event.event_specific_data.error)  # type: ignore[union-attr]
        for event in context.get_step_failure_events()
        if getattr(event.event_specific_data, "error", None) is not None
    ]
    return " | ".join(step_errors) or (context.failure_event.message or "")


@dataclass(frozen=True)
class FailedSources:
    """The registered sources a failed run's failed steps belong to (by asset key: ``github/…``), and
    those whose failed step called the source's API (it has the source's pool): only these step down."""

    named: tuple[str, ...]
    api: tuple[str, ...]


def failed_sources(context: dg.RunFailureSensorContext) -> FailedSources:
    known = {source.name for source in registered_sources()}
    run = context.dagster_run
    failed_steps = {event.step_key for event in context.get_step_failure_events()}
    named: set[str] = set()
    api: set[str] = set()
    plan = (
        context.instance.get_execution_plan_snapshot(run.execution_plan_snapshot_id)
        if run.execution_plan_snapshot_id
        else None
    )
    for step in plan.steps if plan else ():
        if step.key not in failed_steps:
            continue
        for output in step.outputs:
            key = output.properties.asset_key if output.properties else None
            if key is not None and key.path[0] in known:
                named.add(key.path[0])
                if step.pool:
                    api.add(key.path[0])
    if not named:  # the run failed before any step (e.g. a resource): its selection names the source
        named = {key.path[0] for key in run.asset_selection or () if key.path[0] in known}
    return FailedSources(tuple(sorted(named)), tuple(sorted(api)))


def run_ended_at(context: dg.RunFailureSensorContext) -> dt.datetime:
    record = context.instance.get_run_record_by_id(context.dagster_run.run_id)
    end = record.end_time if record else None
    return dt.datetime.fromtimestamp(end, dt.UTC) if end else dt.datetime.now(dt.UTC)


def ladder_fact(state: BackoffState) -> tuple[str, str]:
    if state.level == 0:
        text = f"daily ({state.consecutive_failures} {state.failure_class} failure(s) in a row)"
    else:
        text = (
            f"{state.cadence()} after {state.consecutive_failures} {state.failure_class} failures in a row; "
            f"next unattended sync {state.next_due()}"
        )
    return (f"{state.source} cadence", text)


@dg.run_failure_sensor(
    name="run_failure_alerts",
    description="Classifies the cause of every failed run (UI, schedules, sensors, `dexxy run`), sends an "
    "alert with one line of advice through the notification policy, and steps the source's back-off "
    "ladder down after repeated failures of one class.",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def run_failure_alerts(
    context: dg.RunFailureSensorContext, notifications: NotificationResource, warehouse: WarehouseResource
) -> None:
    message = failure_message(context)
    sources = failed_sources(context)
    cause = classify_failure(message, sources.named[0] if len(sources.named) == 1 else None)
    first_line = message.strip().splitlines()[0][:300] if message.strip() else "no error message"
    run_id = context.dagster_run.run_id
    facts: list[tuple[str, str]] = []
    if sources.api:
        at = run_ended_at(context)
        try:
            with warehouse.begin() as conn:
                for source in sources.api:
                    state = record_failure(conn, source, cause.alert_class.value, run_id=run_id, at=at)
                    facts.append(ladder_fact(state))
        except SQLAlchemyError as error:  # the warehouse may be why the run failed: alert all the same
            reason = type(getattr(error, "orig", None) or error).__name__
            context.log.warning(f"back-off ladder not updated: {reason}")
            facts = [("cadence", "unchanged: the warehouse could not be reached")]
    alert = Alert(
        alert_class=cause.alert_class.value,
        cause=f"{cause.category}: {first_line}",
        advice=cause.action,
        source=", ".join(sources.named) or None,
        run_id=run_id,
        facts=tuple(facts),
    )
    notifications.send(alert, context.log)
