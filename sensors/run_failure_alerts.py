"""Alert on failed runs with a classified cause. Without alert channels configured, the alert goes to the
sensor's log (DESIGN.md: none → log only).

It watches every run of the instance, not only runs launched through this code location: `dexxy run`
executes the location's named jobs in its own process, so its runs carry no code-location origin and a
location-scoped run-status sensor would never see them fail."""

import dagster as dg

from sensors.failure_classification import classify_failure, root_cause_message


def failure_message(context: dg.RunFailureSensorContext) -> str:
    step_errors = [
        root_cause_message(event.event_specific_data.error)  # type: ignore[union-attr]
        for event in context.get_step_failure_events()
        if getattr(event.event_specific_data, "error", None) is not None
    ]
    return " | ".join(step_errors) or (context.failure_event.message or "")


@dg.run_failure_sensor(
    name="run_failure_alerts",
    description="Classifies the cause of every failed run (UI, schedules, sensors, `dexxy run`) and "
    "raises an alert.",
    monitor_all_code_locations=True,
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def run_failure_alerts(context: dg.RunFailureSensorContext) -> None:
    message = failure_message(context)
    cause = classify_failure(message)
    first_line = message.strip().splitlines()[0][:300] if message.strip() else "no error message"
    code = f" [{cause.code}]" if cause.code else ""
    context.log.error(
        f"ALERT run {context.dagster_run.run_id}:{code} {cause.category}: {cause.action}. {first_line}"
    )
