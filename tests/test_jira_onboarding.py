"""The Jira onboarding sensor on a real instance and warehouse: a project added to JIRA_PROJECTS (or a person
to JIRA_TRACKED_USERS) gets its sync at the next tick (users, the last 30 days, then the older history as a
background range), once; the runs it starts advance ``ops.sync_state`` and close it as active."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.jira import asset_settings
from dexxy_assets.jira.issue_assets import STAGED_KEY
from dexxy_assets.jira.onboarding_sensor import RECENT_DAYS, build_onboarding_sensor
from dexxy_assets.jira.snapshot_assets import SPRINTS_KEY, USERS_KEY
from dexxy_assets.partitions import daily_partitions
from dexxy_assets.sync.scope_changes import add_scope, remove_scope
from dexxy_sandbox.server import SandboxServer
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from tests.sandbox_fixtures import running_sandbox
from tests.test_jira_assets import JIRA_SELECTION, jira_resource, run, window_tags

START = dt.date(2026, 1, 1)
SANDBOX_DAYS = (dt.date(2026, 5, 15), dt.date(2026, 6, 30))
FIRST_PROJECT_ROWS = (
    "SELECT r.issue_id, r.partition_date, c.history_id FROM raw.jira_issues AS r "
    "LEFT JOIN raw.jira_changelogs AS c ON c.issue_id = r.issue_id WHERE r.project_key = :project"
)


def project_rows(warehouse: WarehouseResource, project: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(FIRST_PROJECT_ROWS), {"project": project}))


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


def tick(sensor: dg.SensorDefinition, instance: dg.DagsterInstance, **resources: Any) -> Any:
    return sensor(dg.build_sensor_context(instance=instance, resources=resources))


def states(warehouse: WarehouseResource) -> dict[str, tuple]:
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT scope, status, history_start, synced_through FROM ops.sync_state "
                "WHERE source = 'jira'"
            )
        )
        return {r.scope: (r.status, r.history_start, r.synced_through) for r in rows}


def test_a_new_project_is_onboarded_at_the_next_tick(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    keys = server.jira.site.project_keys
    first, added = keys[0], keys[1]
    partitions = daily_partitions(START)
    sensor = build_onboarding_sensor(partitions)
    instance = dg.DagsterInstance.ephemeral()

    initial = tick(sensor, instance, jira=jira_resource(server, projects=[first]), warehouse=warehouse)
    assert {r.tags[asset_settings.ONBOARDING_TAG] for r in initial.run_requests} == {first}
    quiet = tick(sensor, instance, jira=jira_resource(server, projects=[first]), warehouse=warehouse)
    assert isinstance(quiet, dg.SkipReason)  # nothing new: nothing requested twice

    jira = jira_resource(server, projects=[first, added])
    result = tick(sensor, instance, jira=jira, warehouse=warehouse)
    people, recent, history = result.run_requests
    assert {r.tags[asset_settings.PROJECT_TAG] for r in result.run_requests} == {added}
    assert set(people.asset_selection) == {USERS_KEY, SPRINTS_KEY}
    assert STAGED_KEY in recent.asset_selection and STAGED_KEY in history.asset_selection
    assert (
        int(people.tags["dagster/priority"])
        > int(recent.tags["dagster/priority"])
        > int(history.tags["dagster/priority"])
    )
    all_keys = partitions.get_partition_keys()
    assert (recent.tags[RANGE_START_TAG], recent.tags[RANGE_END_TAG]) == (
        all_keys[-RECENT_DAYS],
        all_keys[-1],
    )
    assert (history.tags[RANGE_START_TAG], history.tags[RANGE_END_TAG]) == (
        all_keys[0],
        all_keys[-RECENT_DAYS - 1],
    )
    assert states(warehouse)[added] == ("syncing", START, None)

    # the requested runs land and stage the project's days, keep the other project's, and move the progress
    run(
        warehouse,
        jira_resource(server, projects=[first]),
        instance,
        JIRA_SELECTION,
        window_tags(*SANDBOX_DAYS),
    )
    first_rows = project_rows(warehouse, first)
    assert first_rows
    for request in result.run_requests:
        run(
            warehouse,
            jira,
            instance,
            " ".join(k.to_user_string() for k in request.asset_selection),
            request.tags,
        )
    assert states(warehouse)[added][2] == dt.date.fromisoformat(all_keys[-1])
    with warehouse.connect() as conn:
        projects = conn.execute(text("SELECT DISTINCT project_key FROM raw.jira_issues")).scalars().all()
    assert sorted(projects) == sorted([first, added])
    assert project_rows(warehouse, first) == first_rows
    assert isinstance(tick(sensor, instance, jira=jira, warehouse=warehouse), dg.SkipReason)
    assert states(warehouse)[added][0] == "active"


def test_a_new_tracked_person_backfills_their_history(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    sensor = build_onboarding_sensor(daily_partitions(START))
    instance = dg.DagsterInstance.ephemeral()
    tick(sensor, instance, jira=jira_resource(server), warehouse=warehouse)
    who = server.jira.site.users[0].account_id
    result = tick(sensor, instance, jira=jira_resource(server, tracked_users=[who]), warehouse=warehouse)
    assert {r.tags.get(asset_settings.USER_TAG) for r in result.run_requests} == {who}
    assert len(result.run_requests) == 3
    assert states(warehouse)[f"user:{who}"][0] == "syncing"
    gone = tick(sensor, instance, jira=jira_resource(server), warehouse=warehouse)
    assert isinstance(gone, dg.SkipReason)
    assert states(warehouse)[f"user:{who}"][0] == "disabled"


def test_a_project_removed_upstream_stays_removed_until_restored(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    """A webhook's project_deleted archives a configured project: not onboarded again at the next tick;
    project_restored brings it back (pending, then onboarded)."""
    key = server.jira.site.project_keys[0]
    sensor = build_onboarding_sensor(daily_partitions(START))
    instance = dg.DagsterInstance.ephemeral()
    jira = jira_resource(server, projects=[key])
    assert len(tick(sensor, instance, jira=jira, warehouse=warehouse).run_requests) == 3
    with warehouse.begin() as conn:
        remove_scope(conn, "jira", key, reason="jira project_deleted")
    assert isinstance(tick(sensor, instance, jira=jira, warehouse=warehouse), dg.SkipReason)
    assert states(warehouse)[key][0] == "disabled"
    with warehouse.begin() as conn:
        add_scope(conn, "jira", key, reason="jira project_restored_deleted")
    assert states(warehouse)[key][0] == "pending"
    assert len(tick(sensor, instance, jira=jira, warehouse=warehouse).run_requests) == 3
    assert states(warehouse)[key][0] == "syncing"
