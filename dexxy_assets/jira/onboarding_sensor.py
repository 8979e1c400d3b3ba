"""Onboarding: when JIRA_PROJECTS gains a project (or JIRA_TRACKED_USERS a person), its sync starts at the
next tick: users and sprints first, then the last 30 days of issues, then the rest of history as a
background backfill, each a single run over a partition range tagged with the scope. Progress is in
``ops.sync_state`` (and in the UI, under the runs' tags)."""

import datetime as dt

import dagster as dg

from dexxy_assets.jira import asset_settings, sync_state
from dexxy_assets.jira.issue_assets import RAW_ENTITIES, STAGED_KEY
from dexxy_assets.jira.snapshot_assets import SPRINTS_KEY, USERS_KEY
from resources.jira import JiraResource
from resources.jira_errors import JiraConfigError
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG

RECENT_DAYS = 30
STEP_TAG = "dexxy/onboarding_step"
_ISSUE_KEYS = [*RAW_ENTITIES, STAGED_KEY]
_FAILED = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def _step(name: str, priority: int) -> dict[str, str]:
    """Users before recent issues before the background history, in the run queue."""
    return {STEP_TAG: name, "dagster/priority": str(priority)}


def onboarding_requests(
    scope: str, tags: dict[str, str], partitions: dg.TimeWindowPartitionsDefinition, today: dt.date
) -> list[dg.RunRequest]:
    """Users and sprints, the last 30 days, then the older history (lower priority), for one scope."""
    keys = partitions.get_partition_keys(current_time=dt.datetime.combine(today, dt.time(12), dt.UTC))
    last = keys[-1]
    recent_first = max(0, len(keys) - RECENT_DAYS)
    base = {**tags, asset_settings.ONBOARDING_TAG: scope}
    requests = [
        dg.RunRequest(
            run_key=f"onboard:{scope}:{today}:people",
            asset_selection=[USERS_KEY, SPRINTS_KEY],
            tags={**base, **_step("people", 2)},
        ),
        dg.RunRequest(
            run_key=f"onboard:{scope}:{today}:recent",
            asset_selection=_ISSUE_KEYS,
            tags={**base, **_step("recent", 1), RANGE_START_TAG: keys[recent_first], RANGE_END_TAG: last},
        ),
    ]
    if recent_first > 0:
        requests.append(
            dg.RunRequest(
                run_key=f"onboard:{scope}:{today}:history",
                asset_selection=_ISSUE_KEYS,
                tags={
                    **base,
                    **_step("history", -1),
                    RANGE_START_TAG: keys[0],
                    RANGE_END_TAG: keys[recent_first - 1],
                },
            )
        )
    return requests


def _configured(jira: JiraResource) -> dict[str, dict[str, str]]:
    """Scope name -> the tags that narrow a run to it."""
    scope = jira.scope()
    out = {project: {asset_settings.PROJECT_TAG: project} for project in scope.projects}
    for who in scope.tracked_users:
        out[sync_state.user_scope(who)] = {asset_settings.USER_TAG: who}
    return out


def _finished_status(instance: dg.DagsterInstance, scope: str) -> str | None:
    """``active`` once the latest run of every onboarding step of the scope succeeded (a failed run relaunched
    from the UI counts by its relaunch), ``error`` while one's latest run failed, else None."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(tags={asset_settings.ONBOARDING_TAG: scope})
    )  # newest first
    latest: dict[str, dg.DagsterRunStatus] = {}
    for run in runs:
        latest.setdefault(run.tags.get(STEP_TAG, ""), run.status)
    if not latest:
        return None
    if any(status in _FAILED for status in latest.values()):
        return "error"
    if all(status == dg.DagsterRunStatus.SUCCESS for status in latest.values()):
        return "active"
    return None


def build_onboarding_sensor(partitions: dg.TimeWindowPartitionsDefinition) -> dg.SensorDefinition:
    @dg.sensor(
        name="jira_onboarding",
        description="Starts the sync of a project added to JIRA_PROJECTS (or a person added to "
        "JIRA_TRACKED_USERS): users, the last 30 days, then the rest of history; progress in ops.sync_state.",
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        asset_selection=[USERS_KEY, SPRINTS_KEY, *_ISSUE_KEYS],
    )
    def jira_onboarding(
        context: dg.SensorEvaluationContext, jira: JiraResource, warehouse: WarehouseResource
    ) -> dg.SensorResult | dg.SkipReason:
        try:
            configured = _configured(jira)
        except JiraConfigError as error:
            return dg.SkipReason(f"Jira is not configured: {error}")
        today = dt.datetime.now(dt.UTC).date()
        history_start = dt.date.fromisoformat(partitions.get_first_partition_key() or today.isoformat())
        requests: list[dg.RunRequest] = []
        with warehouse.begin() as conn:
            known = sync_state.known_scopes(conn)
            for scope, tags in configured.items():
                # pending: added by a scope event; a project removed upstream (webhook) is not started again
                if known.get(scope) in (None, "disabled", "pending"):
                    sync_state.start(conn, scope, history_start)
                    requests += onboarding_requests(scope, tags, partitions, today)
                    context.log.info(f"Jira onboarding of {scope}: users, last {RECENT_DAYS} days, history")
                elif known[scope] in ("syncing", "error"):
                    status = _finished_status(context.instance, scope)
                    if status:
                        sync_state.set_status(conn, scope, status)
            for scope in set(known) - set(configured):
                if known[scope] in ("syncing", "active", "error"):  # a paused or pending scope stays so
                    sync_state.set_status(conn, scope, "disabled")
        if not requests:
            return dg.SkipReason("no new Jira project or tracked person")
        return dg.SensorResult(run_requests=requests)

    return jira_onboarding
