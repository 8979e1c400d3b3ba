"""The distributed path for real: a GitHub backfill run through Dagster's Celery executor, its steps taken by
two `dagster-celery worker` processes over a real broker (kombu's SQLAlchemy transport on the test's
PostgreSQL), lands the same warehouse as the same backfill run in one process; and the `github_api` pool,
set with the documented command, keeps the two workers inside one budget."""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import psutil
import pytest
from sqlalchemy import text

from dexxy_assets.celery_location import BACKEND_VARIABLE, BROKER_VARIABLE
from dexxy_assets.celery_location import defs as celery_defs
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import running_sandbox

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKER_CONFIG = REPO / "deploy" / "celery" / "worker.yaml"
WORKERS = ("dexxy-w1", "dexxy-w2")
START, END = dt.date(2026, 6, 18), dt.date(2026, 6, 22)
POOL = "github_api"
COMPARED_SCHEMAS = ("raw", "staging", "analytics")
WHEN_FETCHED = "fetched_at"  # the moment of the API call: the only column two syncs of one day may differ in

pytestmark = pytest.mark.timeout(300)


def test_a_backfill_through_two_celery_workers_lands_the_same_warehouse(
    make_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_process = WarehouseResource(database_url=make_database())
    distributed = WarehouseResource(database_url=make_database())
    dagster_home = tmp_path / "dagster_home"
    write_instance(dagster_home, make_database())
    broker_database = make_database()  # the broker's queue and the task results: a real transport, no daemon
    with running_sandbox() as server:
        env = {
            **os.environ,
            # `dagster-celery worker start` runs `celery` from the PATH
            "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
            "DAGSTER_HOME": str(dagster_home),
            "DATABASE_URL": distributed.database_url,
            "GITHUB_API_URL": server.github_api_url,
            "GITHUB_TOKEN": SANDBOX_TOKEN,
            "GITHUB_ORGS": server.org.login,
            "GITHUB_FETCH_MODE": "graphql",
            BROKER_VARIABLE: f"sqla+{broker_database}",
            BACKEND_VARIABLE: f"db+{broker_database}",
        }
        # the documented command (it also creates the instance's tables, before the workers open it): one
        # github_api step at a time, whichever worker runs it
        run_command([str(BIN / "dagster"), "instance", "concurrency", "set", POOL, "1"], env, tmp_path)
        with celery_workers(env, tmp_path) as wait_until_ready:  # they start while the in-process run runs
            github = github_resource(server, fetch_mode="graphql")
            assert materialize_range(in_process, github, START, END, selection="group:github").success
            wait_until_ready()
            run_command(
                [
                    str(BIN / "dagster"),
                    "job",
                    "execute",
                    "-m",
                    "dexxy_assets.celery_location",
                    "-j",
                    "dexxy_github",
                    "--tags",
                    json.dumps(
                        {
                            "dagster/asset_partition_range_start": START.isoformat(),
                            "dagster/asset_partition_range_end": END.isoformat(),
                        }
                    ),
                ],
                env,
                tmp_path,
            )

    monkeypatch.setenv("DAGSTER_HOME", str(dagster_home))
    with dg.DagsterInstance.get() as instance:
        (record,) = instance.get_run_records()
        assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
        logs = instance.all_logs(record.dagster_run.run_id)
    workers_by_step = {
        entry.step_key: entry.dagster_event.engine_event_data.metadata["Celery worker"].value
        for entry in logs
        if entry.dagster_event is not None
        and entry.dagster_event.event_type == dg.DagsterEventType.ENGINE_EVENT
        and "Celery worker" in entry.dagster_event.engine_event_data.metadata
    }
    succeeded = {
        entry.step_key
        for entry in logs
        if entry.dagster_event is not None
        and entry.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS
    }
    assert succeeded and set(workers_by_step) == succeeded  # every step ran on a Celery worker
    assert {name.split("@")[0] for name in workers_by_step.values()} == set(WORKERS)  # and both took steps

    pool_steps = {
        a.op.name
        for a in celery_defs().assets or []
        if isinstance(a, dg.AssetsDefinition) and a.op.pool == POOL
    }
    spans = sorted(step_spans(logs)[key] for key in succeeded & pool_steps)
    assert len(spans) >= 3
    assert all(earlier[1] <= later[0] for earlier, later in itertools.pairwise(spans)), spans

    assert warehouse_contents(distributed) == warehouse_contents(in_process)
    assert warehouse_contents(in_process)["staging.github_pull_requests"]  # the days hold pull requests


def write_instance(home: Path, storage_url: str) -> None:
    """A Dagster instance the run and both workers share: its storage in PostgreSQL, as in production."""
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(
        f"storage:\n  postgres:\n    postgres_url: {json.dumps(storage_url)}\ntelemetry:\n  enabled: false\n"
    )


def run_command(args: list[str], env: dict[str, str], log_dir: Path) -> None:
    log = log_dir / f"{Path(args[0]).name}-{args[1]}.log"
    with log.open("w") as out:
        completed = subprocess.run(
            args, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=180, check=False
        )
    assert completed.returncode == 0, log.read_text()[-4000:]


@contextmanager
def celery_workers(env: dict[str, str], log_dir: Path) -> Iterator[Callable[[], None]]:
    """Start the first `dagster-celery worker` (each in its own process group); yield a function that waits
    until it consumes from the broker, then starts the second and waits for it; always stop them (and the
    `celery worker` each starts).

    One after the other: on a fresh broker database each worker creates kombu's and Celery's tables on
    connect, and two doing it at once collide (`CREATE SEQUENCE queue_id_sequence`: duplicate key)."""
    with ExitStack() as stack:

        def start(name: str) -> subprocess.Popen[bytes]:
            log = stack.enter_context((log_dir / f"{name}.log").open("wb"))
            process = subprocess.Popen(
                [
                    str(BIN / "dagster-celery"),
                    "worker",
                    "start",
                    "-A",
                    "dagster_celery.app",
                    "-y",
                    str(WORKER_CONFIG),
                    "-n",
                    name,
                    "--",
                    "--pool=solo",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            stack.callback(stop_worker, process)
            return process

        first, *others = WORKERS
        started = [(first, start(first))]  # it starts while the in-process run runs

        def wait_until_ready() -> None:
            wait_for_worker(first, started[0][1], log_dir / f"{first}.log")
            for name in others:
                wait_for_worker(name, start(name), log_dir / f"{name}.log")

        yield wait_until_ready


def wait_for_worker(name: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    """A worker logs `NAME@host ready.` once it consumes from the broker."""
    deadline = time.monotonic() + timeout
    while f"{name}@" not in log.read_text(errors="replace") or " ready." not in log.read_text(
        errors="replace"
    ):
        assert process.poll() is None, log.read_text(errors="replace")[-4000:]
        assert time.monotonic() < deadline, f"{name} not ready after {timeout} s:\n" + log.read_text()[-4000:]
        time.sleep(0.2)


def stop_worker(process: subprocess.Popen[bytes]) -> None:
    """Cold shutdown (SIGQUIT: the run is over, no step is left to finish) of the `celery worker` that
    `dagster-celery worker start` runs, which then returns and reaps it; SIGKILL for the group if not."""
    try:
        workers = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        workers = []
    for worker in workers:
        with contextlib.suppress(psutil.NoSuchProcess):
            worker.send_signal(signal.SIGQUIT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"celery workers left running: {alive}"


def step_spans(logs: list[dg.EventLogEntry]) -> dict[str, tuple[float, float]]:
    """When each step started and finished, from the run's event log (written by the workers)."""
    started: dict[str, float] = {}
    spans: dict[str, tuple[float, float]] = {}
    for entry in logs:
        if entry.dagster_event is None or entry.step_key is None:
            continue
        if entry.dagster_event.event_type == dg.DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif entry.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS:
            spans[entry.step_key] = (started[entry.step_key], entry.timestamp)
    return spans


def warehouse_contents(warehouse: WarehouseResource) -> dict[str, list[tuple]]:
    """Every row of every non-empty table the GitHub assets write, but for when it was fetched; sorted."""
    contents: dict[str, list[tuple]] = {}
    with warehouse.connect() as conn:
        columns: dict[str, list[str]] = {}
        for schema, table, column in conn.execute(
            text(
                "SELECT table_schema, table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = ANY(:schemas) AND column_name <> :skip "
                "ORDER BY table_schema, table_name, ordinal_position"
            ),
            {"schemas": list(COMPARED_SCHEMAS), "skip": WHEN_FETCHED},
        ):
            columns.setdefault(f"{schema}.{table}", []).append(column)
        for table, names in columns.items():
            sql = render_sql("SELECT {{ c | ident_list }} FROM {{ t | ident }}", c=names, t=table)
            rows = sorted((tuple(row) for row in conn.execute(text(sql))), key=repr)
            if rows:
                contents[table] = rows
    return contents
