"""The back-off ladder: three failures of one class step a source to every 2 days, more to weekly, a success
restores daily; an unattended run on a day off the cadence calls no API; the failure and success sensors
keep the ladder, and the failure alert goes out through the notification resource."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.sync.backoff import BackoffState, load_state, record_failure, record_success
from resources.github import GitHubResource
from resources.notifications import NotificationResource
from resources.warehouse import WarehouseResource
from sensors.run_failure_alerts import run_failure_alerts
from sensors.sync_success_checks import sync_success_checks
from tests.github_runs import github_resource, materialize_selection
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

UNATTENDED = {"dagster/from_automation_condition": "true"}


def _days(start: dt.date, end: dt.date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": start.isoformat(),
        "dagster/asset_partition_range_end": end.isoformat(),
    }


T0 = dt.datetime(2026, 11, 2, 2, 5, tzinfo=dt.UTC)


def _fail(warehouse: WarehouseResource, failure_class: str, run: str, at: dt.datetime) -> BackoffState:
    with warehouse.begin() as conn:
        return record_failure(conn, "github", failure_class, run_id=run, at=at)


def test_three_failures_step_down_more_go_weekly_a_success_resets(warehouse: WarehouseResource) -> None:
    day = dt.timedelta(days=1)
    states = [_fail(warehouse, "RATE_LIMIT", f"r{i}", T0 + i * day) for i in range(3)]
    steps = [(s.consecutive_failures, s.level, s.interval_days) for s in states]
    assert steps == [(1, 0, 1), (2, 0, 1), (3, 1, 2)]
    third = states[-1]
    assert third.cadence() == "every 2 days" and third.next_due() == dt.date(2026, 11, 6)
    assert not third.due_on(dt.date(2026, 11, 5)) and third.due_on(dt.date(2026, 11, 6))

    assert _fail(warehouse, "RATE_LIMIT", "r2", T0 + 2 * day) == third  # the same run is counted once
    fourth = _fail(warehouse, "RATE_LIMIT", "r3", T0 + 4 * day)
    assert (fourth.level, fourth.cadence(), fourth.next_due()) == (2, "weekly", dt.date(2026, 11, 13))
    assert _fail(warehouse, "RATE_LIMIT", "r4", T0 + 11 * day).level == 2  # weekly is the bottom rung
    other = _fail(warehouse, "AUTH_EXPIRED", "r5", T0 + 18 * day)  # another class: a new count, same rung
    assert (other.failure_class, other.consecutive_failures, other.level) == ("AUTH_EXPIRED", 1, 2)

    with warehouse.begin() as conn:
        stale = record_success(conn, "github", at=T0 + 17 * day)  # older than the last failure: ignored
        assert stale.level == 2
        restored = record_success(conn, "github", at=T0 + 19 * day)
        assert (restored.level, restored.consecutive_failures, restored.failure_class) == (0, 0, None)
        assert restored.next_due() is None and load_state(conn, "github") == restored
        assert load_state(conn, "jira") == BackoffState("jira")  # never failed: daily
    # after the reset it takes three failures again
    again = [_fail(warehouse, "RATE_LIMIT", f"s{i}", T0 + (20 + i) * day) for i in range(2)]
    assert again[-1].level == 0


def _materialize(
    warehouse: WarehouseResource,
    github: GitHubResource,
    instance: dg.DagsterInstance,
    tags: dict[str, str],
    selection: str = "key:github/repositories",
) -> dg.ExecuteInProcessResult:
    return materialize_selection(warehouse, github, selection, instance, tags=tags)


def _sync_log(warehouse: WarehouseResource, run_id: str) -> list[tuple[str, str, int]]:
    with warehouse.connect() as conn:
        rows = conn.execute(
            text("SELECT asset_key, status, api_requests FROM ops.sync_log WHERE run_id = :r ORDER BY id"),
            {"r": run_id},
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_day_off_the_cadence_calls_no_api_but_a_run_by_hand_does(warehouse: WarehouseResource) -> None:
    now = dt.datetime.now(dt.UTC)
    with warehouse.begin() as conn:
        for i in range(3):  # stepped down today: next unattended sync the day after tomorrow
            record_failure(conn, "github", "RATE_LIMIT", run_id=f"f{i}", at=now - dt.timedelta(minutes=3 - i))
    instance = dg.DagsterInstance.ephemeral()
    with running_sandbox(repos=1, days=5) as sandbox:
        github = github_resource(sandbox)
        skipped = _materialize(warehouse, github, instance, UNATTENDED)
        assert skipped.success
        assert sandbox.request_log.total == 0  # not one request
        (materialization,) = skipped.asset_materializations_for_node("github__repositories")
        status = materialization.metadata["status"].value
        assert "github is backed off to every 2 days after 3 RATE_LIMIT failures" in str(status)
        assert _sync_log(warehouse, skipped.run_id) == [("github/repositories", "skipped", 0)]

        # the whole nightly run of the source, two partition days: still not one request
        nightly = {**UNATTENDED, **_days(SANDBOX_UNTIL - dt.timedelta(days=1), SANDBOX_UNTIL)}
        whole = _materialize(warehouse, github, instance, nightly, selection="group:github")
        assert whole.success and sandbox.request_log.total == 0
        rows = _sync_log(warehouse, whole.run_id)
        assert {key for key, status, _ in rows if status == "skipped"} >= {
            "github/members",
            "github/repositories",
            "github/pull_requests",
            "github/deployments",
        }
        assert all(requests == 0 for _, _, requests in rows)

        sensor_run = _materialize(warehouse, github, instance, {"dagster/sensor_name": "webhooks"})
        assert sensor_run.success and sandbox.request_log.total > 0  # a sensor's refresh is not skipped
        sandbox.request_log.total = 0

        by_hand = _materialize(warehouse, github, instance, {})  # no automation tag: a person's run
        assert by_hand.success and sandbox.request_log.total > 0
        assert _sync_log(warehouse, by_hand.run_id)[0][1] == "success"

    with warehouse.begin() as conn:  # two days later the unattended run is due again
        conn.execute(text("UPDATE ops.sync_backoff SET last_failure_at = last_failure_at - interval '48 h'"))
    with running_sandbox(repos=1, days=5) as sandbox:
        due = _materialize(warehouse, github_resource(sandbox), instance, UNATTENDED)
        assert due.success and sandbox.request_log.total > 0


def _react(
    sensor: dg.RunStatusSensorDefinition,
    result: dg.ExecuteInProcessResult,
    instance: dg.DagsterInstance,
    resources: dict[str, Any],
) -> None:
    """Invoke a run-status sensor on a finished run, as the daemon would."""
    event = result.get_run_success_event() if result.success else result.get_run_failure_event()
    with dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=event,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        resources=resources,
    ) as context:
        sensor(context if result.success else context.for_run_failure())


@pytest.fixture
def slack_hook() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    posts: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/services/T/B/secret", posts
    finally:
        server.shutdown()
        server.server_close()


def test_the_sensors_alert_step_down_and_reset(
    warehouse: WarehouseResource, slack_hook: tuple[str, list[dict[str, Any]]]
) -> None:
    url, posts = slack_hook
    notifications = NotificationResource(slack_webhook_url=url, policy="*=slack")
    resources = {"notifications": notifications, "warehouse": warehouse}
    instance = dg.DagsterInstance.ephemeral()
    with running_sandbox(repos=1, days=5) as sandbox:
        for _ in range(3):
            failed = _materialize(warehouse, github_resource(sandbox, token="expired"), instance, {})
            assert not failed.success
            _react(run_failure_alerts, failed, instance, resources)
        with warehouse.connect() as conn:
            state = load_state(conn, "github")
        assert (state.failure_class, state.consecutive_failures, state.level) == ("AUTH_EXPIRED", 3, 1)
        assert len(posts) == 3
        last = posts[-1]["text"]
        assert "github AUTH_EXPIRED: token expired or invalid: GitHubAuthError" in last
        assert "Advice: re-authenticate the GitHub App" in last
        cadence = "github cadence: every 2 days after 3 AUTH_EXPIRED failures in a row; next unattended sync"
        assert f"{cadence} {state.next_due()}" in last
        assert f"Run: {failed.run_id}" in last and "Traceback" not in last

        succeeded = _materialize(warehouse, github_resource(sandbox), instance, {})
        assert succeeded.success
        _react(sync_success_checks, succeeded, instance, resources)
    with warehouse.connect() as conn:
        assert load_state(conn, "github").level == 0
    assert len(posts) == 3  # a normal success sends nothing

    # the warehouse down (maybe why the run failed): the alert still goes out, the ladder is left alone
    down = WarehouseResource(database_url="postgresql://nobody@127.0.0.1:1/warehouse")
    _react(run_failure_alerts, failed, instance, {"notifications": notifications, "warehouse": down})
    assert len(posts) == 4 and "cadence: unchanged: the warehouse could not be reached" in posts[-1]["text"]
