"""`dexxy run` as a person sees it: named jobs, one line per problem, validation before anything runs, the
failure sensor seeing CLI runs, interrupted runs releasing their pool slots, and a progress display that
reads each event once."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import queue
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from click.testing import CliRunner

from dexxy_assets.cli.dagster_home import prepare_dagster_home
from dexxy_assets.cli.main import cli
from dexxy_assets.definitions import defs
from dexxy_assets.jobs import ALL_JOB, group_job_name
from sensors.run_failure_alerts import run_failure_alerts
from tests.sandbox_fixtures import SANDBOX_UNTIL
from tests.test_cli import sandbox_env  # noqa: F401  (fixture)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DAY = SANDBOX_UNTIL.isoformat()


def invoke(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["run", *args])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def sensor_context(
    instance: dg.DagsterInstance, definitions: dg.Definitions, cursor: str | None
) -> dg.SensorEvaluationContext:
    """As the daemon evaluates it: the sensor belongs to a named repository (runs without one do not)."""
    return dg.build_sensor_context(
        instance=instance, repository_name="__repository__", definitions=definitions, cursor=cursor
    )


def test_every_group_has_a_named_job() -> None:
    definitions = defs()
    graph = definitions.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    for group in groups:
        job = definitions.resolve_job_def(group_job_name(group))
        assert {k.path[0] for k in job.asset_layer.executable_asset_keys} == {group}
    assert definitions.resolve_job_def(ALL_JOB).asset_layer.executable_asset_keys == set(
        graph.get_all_asset_keys()
    )


def test_select_typo_is_one_line_with_a_suggestion() -> None:
    code, lines = invoke("--start", DAY, "--end", DAY, "--select", "group:githb")
    assert code == 1
    assert lines == ["Error: --select 'group:githb': matches no asset; did you mean 'group:github'?"]
    code, lines = invoke("--start", DAY, "--end", DAY, "--select", "key:github/pull_request")
    assert code == 1 and len(lines) == 1 and "'key:github/pull_requests'" in lines[0]


def test_range_is_checked_before_anything_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/never-reached")
    code, lines = invoke("--start", "2025-12-30", "--end", "2026-01-02")
    assert code == 1 and len(lines) == 1
    assert "DEXXY_START_DATE" in lines[0] and "2026-01-01" in lines[0]
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    code, lines = invoke("--start", DAY, "--end", tomorrow.isoformat(), "--select", "key:github/repositories")
    assert code == 1 and len(lines) == 1 and "after today's partition" in lines[0]
    monkeypatch.setenv("DEXXY_START_DATE", "last spring")
    code, lines = invoke("--start", DAY, "--end", DAY)
    assert code == 1 and len(lines) == 1 and "DEXXY_START_DATE='last spring' is not a date" in lines[0]


def test_unreachable_database_url_is_one_line_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://dexxy:s3cret-pw@127.0.0.1:1/warehouse")
    code, lines = invoke("--start", DAY, "--end", DAY)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith("Error: DATABASE_URL") and "Connection refused" in lines[0]
    assert "s3cret-pw" not in lines[0]


def test_a_failed_step_is_one_classified_line_and_the_sensor_alerts_on_it(
    sandbox_env,  # noqa: F811  (the fixture imported above)
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    prepare_dagster_home(database_url)
    monkeypatch.setenv("DAGSTER_HOME", os.environ["DAGSTER_HOME"])
    definitions = defs()
    with dg.DagsterInstance.get() as instance:
        # the first tick sets the sensor's cursor
        first = run_failure_alerts.evaluate_tick(
            dg.build_sensor_context(
                instance=instance,
                repository_name="__repository__",
                definitions=definitions,
                resources=definitions.resources,  # the notification and warehouse resources
            )
        )
        monkeypatch.setenv("GITHUB_TOKEN", "expired-token")
        code, lines = invoke("--start", DAY, "--end", DAY, "--select", "key:github/repositories")
        assert code == 1
        assert len(lines) <= 3, lines
        (failure,) = [line for line in lines if line.startswith("✗")]
        assert "github__repositories: token expired or invalid" in failure and "re-authenticate" in failure
        assert not any(line.lstrip().startswith("File ") for line in lines)
        (run,) = instance.get_runs(limit=1)  # the `dagster` database is shared by the session's tests
        assert run.job_name == group_job_name("github")

        capfd.readouterr()
        tick = run_failure_alerts.evaluate_tick(
            dg.build_sensor_context(
                instance=instance,
                repository_name="__repository__",
                definitions=definitions,
                resources=definitions.resources,
                cursor=first.cursor,
            )
        )
    assert [reaction.dagster_run.run_id for reaction in tick.dagster_run_reactions or []] == [run.run_id]
    alerts = [line for line in capfd.readouterr().err.splitlines() if "ALERT run" in line]
    assert any(run.run_id in a and "token expired or invalid" in a for a in alerts), alerts

    verbose = CliRunner().invoke(
        cli, ["run", "--start", DAY, "--end", DAY, "--select", "key:github/repositories", "--verbose"]
    )
    assert "Stack Trace" in verbose.output or 'File "' in verbose.output


def test_progress_reads_each_event_once(sandbox_env, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """Spy (pass-through) on the event-log storage: the display's reads, on the main thread, never fetch the
    same event twice however many times it polls."""
    from dagster_postgres.event_log import PostgresEventLogStorage

    reads: Counter[int] = Counter()
    polls = 0
    real = PostgresEventLogStorage.get_records_for_run

    def spy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal polls
        connection = real(self, *args, **kwargs)
        if threading.current_thread() is threading.main_thread():
            polls += 1
            reads.update(record.storage_id for record in connection.records)
        return connection

    monkeypatch.setattr(PostgresEventLogStorage, "get_records_for_run", spy)
    start = SANDBOX_UNTIL - dt.timedelta(days=2)
    code, lines = invoke("--start", start.isoformat(), "--end", DAY, "--select", "group:github")
    assert code == 0, lines
    assert "(dexxy_github) succeeded" in lines[-1]
    assert polls >= 2
    assert reads and max(reads.values()) == 1
    with dg.DagsterInstance.get() as instance:
        (run,) = instance.get_runs(limit=1)
        materializations = instance.get_records_for_run(
            run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
        ).records
    assert {r.storage_id for r in materializations} <= set(reads)
    assert f"{len(materializations)} partitions materialized" in lines[-1]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_says_it_waits_for_its_pool_then_releases_it(
    sandbox_env,  # noqa: F811  (the fixture imported above)
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    signum: int,
) -> None:
    prepare_dagster_home(database_url)
    monkeypatch.setenv("DAGSTER_HOME", os.environ["DAGSTER_HOME"])
    with dg.DagsterInstance.get() as instance, _pool_of_one_taken(instance) as storage:
        seen = _interrupt_when_blocked(signum)
        (run,) = instance.get_runs(limit=1)  # the `dagster` database is shared by the session's tests
        assert run.status == dg.DagsterRunStatus.CANCELED
        info = storage.get_concurrency_info("github_api")
        assert run.run_id not in info.pending_run_ids | info.active_run_ids
        assert info.active_run_ids == {"another-run"}
    printed = [line.strip() for line in seen if line.strip()]
    assert printed[-1].startswith(f"interrupted: run {run.run_id} marked canceled")
    assert len(printed) <= 3, printed


def test_a_killed_run_is_released_by_the_next_command(
    sandbox_env,  # noqa: F811  (the fixture imported above)
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGKILL leaves no handler a chance: the run stays STARTED holding its place in the pool queue until
    the next dexxy command finds its process gone (the liveness tags `dexxy run` puts on it)."""
    from dexxy_assets.cli.stale_runs import release_dead_runs

    prepare_dagster_home(database_url)
    monkeypatch.setenv("DAGSTER_HOME", os.environ["DAGSTER_HOME"])
    with dg.DagsterInstance.get() as instance, _pool_of_one_taken(instance) as storage:
        _interrupt_when_blocked(signal.SIGKILL, expected_exit=-signal.SIGKILL)
        (run,) = instance.get_runs(limit=1)
        assert run.status == dg.DagsterRunStatus.STARTED  # nobody marked it: the process just vanished
        assert run.run_id in storage.get_concurrency_info("github_api").pending_run_ids
        assert run.run_id in release_dead_runs(instance)
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
        info = storage.get_concurrency_info("github_api")
        assert run.run_id not in info.pending_run_ids | info.active_run_ids


@contextlib.contextmanager
def _pool_of_one_taken(instance: dg.DagsterInstance) -> Iterator[Any]:
    """The github_api pool at one slot, held by "another-run"; afterwards, whatever happened, every claim the
    test made (its own runs' too) is freed and the pool is back at the instance's default. The `dagster`
    database is shared by the session: a claim left behind would hold every later run's step for ever."""
    storage = instance.event_log_storage
    known = {run.run_id for run in instance.get_runs()}
    storage.set_concurrency_slots("github_api", 1)
    try:
        assert storage.claim_concurrency_slot("github_api", "another-run", "step").is_claimed
        yield storage
    finally:
        for run_id in {"another-run"} | ({run.run_id for run in instance.get_runs()} - known):
            storage.free_concurrency_slots_for_run(run_id)
        storage.delete_concurrency_limit("github_api")


def _interrupt_when_blocked(signum: int, expected_exit: int = 130) -> list[str]:
    """Start `dexxy run` in a process, wait until it says it waits for the pool, send the signal."""
    command = [sys.executable, "-c", "from dexxy_assets.cli.main import cli; cli()"]
    process = subprocess.Popen(
        [*command, "run", "--start", DAY, "--end", DAY, "--select", "key:github/repositories"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stderr or ()], daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        while "waiting for pool github_api (1/1 slots taken by run another-)" not in "".join(seen):
            seen.append(lines.get(timeout=120))
        process.send_signal(signum)
        assert process.wait(timeout=60) == expected_exit
    finally:
        process.kill()
    reader.join(timeout=10)
    while not lines.empty():
        seen.append(lines.get())
    return seen
