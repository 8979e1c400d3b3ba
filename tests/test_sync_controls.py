"""`dexxy sync` and the sync_control sensor on a real warehouse and Dagster instance: pause / resume /
trigger [--full] / schedule recorded in ops.sync_log, the status table a person reads, scope onboarding
(the last 30 days, then the rest), triggers and stored cadences turned into the right runs."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import text

from dexxy_assets.cli.main import cli
from dexxy_assets.partitions import daily_partitions
from dexxy_assets.sync import ingestion_hooks, state
from dexxy_assets.sync.admin_jobs import build_admin_jobs
from dexxy_assets.sync.control_sensor import (
    ONBOARDING_TAG,
    RECENT_DAYS,
    STEP_TAG,
    TRIGGER_TAG,
    SourceAssets,
    build_sync_control_sensor,
    evaluate,
    onboarding_outcome,
)
from dexxy_assets.sync.scope_changes import add_scope
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from tests.sandbox_fixtures import SANDBOX_UNTIL
from tests.test_cli import sandbox_env  # noqa: F401 - the fixture: a sandbox, the env vars `dexxy` reads

START = dt.date(2026, 1, 1)
NOW = dt.datetime(2026, 6, 30, 6, 1, tzinfo=dt.UTC)
PARTITIONS = daily_partitions(START)
KEYS = PARTITIONS.get_partition_keys(current_time=NOW)
DAILY = (dg.AssetKey(["github", "pull_requests"]), dg.AssetKey(["github", "reviews"]))
SNAPSHOTS = (dg.AssetKey(["github", "repositories"]),)
GITHUB = {"github": SourceAssets(DAILY, SNAPSHOTS)}


@pytest.fixture
def dexxy(monkeypatch: pytest.MonkeyPatch, database_url: str):  # type: ignore[no-untyped-def]
    """`dexxy …` on the test's warehouse, as a person types it."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, ["sync", *args], catch_exceptions=False)

    return invoke


def log(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT source, scope, status, level, message FROM ops.sync_log ORDER BY id")
            )
        ]


def tick(warehouse: WarehouseResource, now: dt.datetime = NOW, last: dt.datetime | None = None) -> list:
    with warehouse.begin() as conn:
        return evaluate(conn, dg.DagsterInstance.ephemeral(), GITHUB, KEYS, now, last)


def test_pause_resume_and_the_status_table(dexxy, warehouse: WarehouseResource) -> None:  # type: ignore[no-untyped-def]
    paused = dexxy("pause", "--source", "github", "--reason", "token rotation")
    assert paused.exit_code == 0
    assert paused.output.strip() == (
        "github paused: its runs skip until `dexxy sync resume`; copilot (the same API) held with it"
    )
    with warehouse.begin() as conn:
        state.record_success(
            conn, "github", "*", "github/pull_requests", (dt.date(2026, 6, 28), dt.date(2026, 6, 29))
        )
        state.record_failure(
            conn, "github", "*", "github/reviews", "RATE_LIMIT", "RateLimitError: budget spent"
        )
        add_scope(conn, "github", "acme/new", reason="installation_repositories added")
    shown = dexxy("status").output
    lines = shown.splitlines()
    assert lines[0].strip() == "Dexxy sync status"
    header = next(line for line in lines if "source" in line and "last success" in line)
    for column in ("scope", "entity", "status", "window", "cadence / reason", "last error"):
        assert column in header
    github_row = next(line for line in lines if "github" in line and "paused" in line)
    assert "token rotation" in github_row and "just now" in github_row  # its newest entity's success
    pulls = next(line for line in lines if "github/pull_requests" in line)
    assert "active" in pulls and "just now" in pulls and "2026-06-28 → 2026-06-29" in pulls
    reviews = next(line for line in lines if "github/reviews" in line)
    assert "error" in reviews and "RATE_LIMIT" in reviews and "never" in reviews
    assert "budget" in shown  # the error's message, folded under its code
    new_scope = next(line for line in lines if "acme/new" in line)
    assert "pending" in new_scope and "installation_repositories" in new_scope  # its reason
    assert any("jira" in line and "not synced yet" in line and "nightly" in line for line in lines)

    refused = dexxy("trigger", "--source", "github")
    assert refused.exit_code == 1
    assert "not triggered: github is paused (token rotation)" in refused.output
    resumed = dexxy("resume", "--source", "github")
    assert resumed.output.strip() == "github resumed: the next scheduled or triggered run syncs it"
    assert [(line[2], line[3]) for line in log(warehouse) if line[2] in ("paused", "resumed")] == [
        ("paused", "warning"),
        ("resumed", "info"),
    ]
    assert "paused" not in dexxy("status", "--source", "github").output


def test_trigger_requests_the_right_run(dexxy, warehouse: WarehouseResource) -> None:  # type: ignore[no-untyped-def]
    assert dexxy("trigger", "--source", "github", "--scope", "acme/api").exit_code == 0
    recent_snapshot, recent = tick(warehouse)
    assert recent_snapshot.asset_selection == list(SNAPSHOTS)
    assert recent.asset_selection == list(DAILY)
    assert (recent.tags[RANGE_START_TAG], recent.tags[RANGE_END_TAG]) == (KEYS[-2], KEYS[-1])
    assert recent.tags[ingestion_hooks.SCOPE_TAG] == "acme/api" and recent.tags[TRIGGER_TAG] == "trigger"
    assert tick(warehouse) == []  # a trigger is taken once

    assert dexxy("trigger", "--source", "github", "--full").exit_code == 0
    _, full = tick(warehouse)
    assert (full.tags[RANGE_START_TAG], full.tags[RANGE_END_TAG]) == (KEYS[0], KEYS[-1])
    assert ingestion_hooks.SCOPE_TAG not in full.tags  # the whole source
    triggered = [line for line in log(warehouse) if line[2] == "triggered"]
    assert [line[1] for line in triggered] == ["acme/api", "*"]
    assert "over its whole history" in triggered[1][4] and "from the CLI" in triggered[1][4]


def test_a_stored_schedule_is_honoured(dexxy, warehouse: WarehouseResource) -> None:  # type: ignore[no-untyped-def]
    bad = dexxy("schedule", "--source", "github", "every hour")
    assert bad.exit_code == 1 and "is not a cron expression" in bad.output
    stored = dexxy("schedule", "--source", "github", "0 */6 * * *")
    assert stored.output.strip().startswith("github now syncs on `0 */6 * * *` (UTC)")
    scheduled = next(line for line in dexxy("status").output.splitlines() if "0 */6 * * *" in line)
    assert "github" in scheduled and "pending" in scheduled  # not synced yet
    with warehouse.begin() as conn:
        state.record_success(conn, "github", "*", "github/members", None)
    shown = dexxy("status", "--source", "github").output.splitlines()
    assert any("0 */6 * * *" in line and "active" in line for line in shown)  # its first success
    # the sensor runs the source at each tick of its cron, once
    before_tick = NOW - dt.timedelta(minutes=2)
    _, scheduled = tick(warehouse, NOW, before_tick)
    assert scheduled.tags[TRIGGER_TAG] == "schedule"
    assert (scheduled.tags[RANGE_START_TAG], scheduled.tags[RANGE_END_TAG]) == (KEYS[-2], KEYS[-1])
    assert tick(warehouse, NOW + dt.timedelta(minutes=30), NOW) == []
    # and the nightly automation's runs of that source are held back, other runs are not
    with warehouse.connect() as conn:
        held = ingestion_hooks.hold_back(conn, "github", {ingestion_hooks.AUTOMATION_TAG: "true"})
        assert held is not None and "follows its stored schedule `0 */6 * * *`" in held
        assert ingestion_hooks.hold_back(conn, "github", scheduled.tags) is None
        assert ingestion_hooks.hold_back(conn, "jira", {ingestion_hooks.AUTOMATION_TAG: "true"}) is None
    assert dexxy("schedule", "--source", "github", "nightly").exit_code == 0
    with warehouse.connect() as conn:
        assert ingestion_hooks.hold_back(conn, "github", {ingestion_hooks.AUTOMATION_TAG: "true"}) is None
    assert [line[2] for line in log(warehouse)] == ["scheduled", "scheduled"]


def test_an_added_scope_is_onboarded_recent_days_first(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        add_scope(conn, "github", "acme/new", reason="installation_repositories added")
    snapshots, recent, history = tick(warehouse)
    assert {r.tags[ingestion_hooks.SCOPE_TAG] for r in (snapshots, recent, history)} == {"acme/new"}
    assert (recent.tags[RANGE_START_TAG], recent.tags[RANGE_END_TAG]) == (KEYS[-RECENT_DAYS], KEYS[-1])
    assert (history.tags[RANGE_START_TAG], history.tags[RANGE_END_TAG]) == (KEYS[0], KEYS[-RECENT_DAYS - 1])
    priorities = [int(r.tags["dagster/priority"]) for r in (snapshots, recent, history)]
    assert priorities == sorted(priorities, reverse=True)
    with warehouse.connect() as conn:
        assert state.scope_row(conn, "github", "acme/new").status == "syncing"  # type: ignore[union-attr]
    assert tick(warehouse) == []  # requested once


def test_onboarding_turns_active_or_error_from_its_runs() -> None:
    instance = dg.DagsterInstance.ephemeral()
    assert onboarding_outcome(instance, "github", "acme/new") is None

    @dg.asset
    def fine() -> None: ...

    @dg.asset
    def broken() -> None:
        raise RuntimeError("boom")

    tags = {ONBOARDING_TAG: "github:acme/new"}
    dg.materialize([fine], instance=instance, tags={**tags, STEP_TAG: "recent"})
    assert onboarding_outcome(instance, "github", "acme/new") == "active"
    dg.materialize([broken], instance=instance, tags={**tags, STEP_TAG: "history"}, raise_on_error=False)
    assert onboarding_outcome(instance, "github", "acme/new") == "error"


def test_the_sensor_in_the_definitions(warehouse: WarehouseResource) -> None:
    @dg.asset(partitions_def=PARTITIONS, group_name="github", tags={"dexxy/layer": "ingestion"})
    def pull_requests() -> None: ...

    sensor = build_sync_control_sensor([pull_requests], PARTITIONS)
    instance = dg.DagsterInstance.ephemeral()
    first = sensor(dg.build_sensor_context(instance=instance, resources={"warehouse": warehouse}))
    assert isinstance(first, dg.SkipReason)
    with warehouse.begin() as conn:
        state.request_trigger(conn, "github", "*", full=False)
    context = dg.build_sensor_context(instance=instance, resources={"warehouse": warehouse}, cursor="{}")
    result = sensor(context)
    assert [r.asset_selection for r in result.run_requests] == [[pull_requests.key]]
    assert "evaluated_at" in json.loads(result.cursor)


def test_the_admin_jobs_of_the_dagster_ui(warehouse: WarehouseResource) -> None:
    jobs = {job.name: job for job in build_admin_jobs(("github", "jira"))}
    assert set(jobs) == {"sync_admin_pause", "sync_admin_resume", "sync_admin_trigger", "sync_admin_schedule"}

    def launch(name: str, **config: object) -> dg.ExecuteInProcessResult:
        return jobs[name].execute_in_process(
            run_config={"ops": {f"{name}_op": {"config": config}}},
            resources={"warehouse": warehouse},
            raise_on_error=False,
        )

    assert launch("sync_admin_pause", source="jira", scope="PAY", reason="project archived upstream").success
    with warehouse.connect() as conn:
        assert state.stopped_reason(conn, "jira", "PAY") is not None
        assert state.stopped_reason(conn, "jira") is None  # only that project
    assert launch("sync_admin_trigger", source="github", full=True).success
    assert not launch("sync_admin_schedule", source="github", cron="whenever").success  # refused, not stored
    assert not launch("sync_admin_pause", source="gitlab").success  # not a registered source
    assert [(line[0], line[1], line[2]) for line in log(warehouse)] == [
        ("jira", "PAY", "paused"),
        ("github", "*", "triggered"),
    ]
    assert "from the Dagster UI" in log(warehouse)[1][4]


@pytest.mark.usefixtures("sandbox_env")
def test_dexxy_run_says_a_paused_source_was_skipped() -> None:
    assert (
        CliRunner().invoke(cli, ["sync", "pause", "--source", "github", "--reason", "audit"]).exit_code == 0
    )
    day = SANDBOX_UNTIL.isoformat()
    args = ["run", "--start", day, "--end", day, "--select", "key:github/pull_requests"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert skipped == [
        "skipped github/check_runs, github/comments, github/commits, github/files, github/pull_requests, "
        "github/reviews: github is paused (audit): not syncing; "
        "`dexxy sync resume --source github` to sync again"
    ]


def test_pausing_github_holds_copilot_which_reads_the_same_api(dexxy, warehouse: WarehouseResource) -> None:  # type: ignore[no-untyped-def]
    """A pause stops the calls to an API: Copilot's are GitHub API calls (same resource, token and pool), so
    pausing github holds copilot, and `sync status` says why; pausing copilot leaves GitHub syncing."""
    assert dexxy("pause", "--source", "github", "--reason", "token leak").exit_code == 0
    why = (
        "copilot reads the github API and github is paused (token leak): not syncing; "
        "`dexxy sync resume --source github` to sync again"
    )
    with warehouse.begin() as conn:
        assert state.stopped_reason(conn, "copilot") == why
        assert state.stopped_reason(conn, "copilot", "acme") == why  # a run narrowed to an organisation too
        assert ingestion_hooks.hold_back(conn, "copilot", {ingestion_hooks.AUTOMATION_TAG: "true"}) == why
        assert state.stopped_reason(conn, "jira") is None  # its own API
    copilot = next(line for line in dexxy("status").output.splitlines() if "copilot" in line)
    assert "paused (held)" in copilot and "copilot reads the github API and github is paused" in copilot
    refused = dexxy("trigger", "--source", "copilot")
    assert refused.exit_code == 1 and "github is paused (token leak)" in refused.output
    assert dexxy("resume", "--source", "copilot").output.strip() == f"copilot resumed, but still held: {why}"

    assert dexxy("resume", "--source", "github").exit_code == 0
    assert dexxy("pause", "--source", "copilot", "--reason", "no Copilot here").output.strip() == (
        "copilot paused: its runs skip until `dexxy sync resume`"
    )
    with warehouse.begin() as conn:
        assert state.stopped_reason(conn, "github") is None  # one way: GitHub keeps syncing
        assert "copilot is paused (no Copilot here)" in (state.stopped_reason(conn, "copilot") or "")
    assert "held" not in dexxy("status").output


@pytest.mark.usefixtures("sandbox_env")
def test_dexxy_run_skips_copilot_while_github_is_paused() -> None:
    assert CliRunner().invoke(cli, ["sync", "pause", "--source", "github"]).exit_code == 0
    day = SANDBOX_UNTIL.isoformat()
    args = ["run", "--start", day, "--end", day, "--select", "key:copilot/usage_org_daily"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 1 and "copilot/usage_org_daily" in skipped[0], result.output
    assert "copilot reads the github API and github is paused (paused from the CLI)" in skipped[0]
