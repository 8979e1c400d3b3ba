"""A `dexxy run` killed with SIGKILL inside the warehouse transaction that lands a partition's pull requests
leaves the previous data of the partition intact; the next run completes it and no pool slot stays claimed.

The moment is observed in the database, not guessed: the test holds an EXCLUSIVE lock on
raw.github_comments (the last table the pull request landing replaces, after the pull requests, reviews,
commits, files and check runs of the same transaction). Once the run's backend waits for that lock in its
DELETE, with a transaction id (it has written), the whole process group is killed; then the lock is released.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from dexxy_assets.cli.dagster_home import prepare_dagster_home
from dexxy_assets.cli.main import cli
from resources.warehouse import WarehouseResource
from tests.reliability_runs import wait_for, warehouse_digests
from tests.sandbox_fixtures import SANDBOX_UNTIL
from tests.test_cli import sandbox_env  # noqa: F401  (fixture)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
START = SANDBOX_UNTIL - dt.timedelta(days=2)
RUN = [
    "run",
    "--start",
    START.isoformat(),
    "--end",
    SANDBOX_UNTIL.isoformat(),
    "--select",
    "key:github/pull_requests",
]
LOCKED = "raw.github_comments"


def _run_in_process() -> None:
    result = CliRunner().invoke(cli, RUN)
    assert result.exit_code == 0, result.output


def _landing_backend(warehouse: WarehouseResource) -> tuple[int, bool] | None:
    """The pid of the backend waiting for LOCKED in its DELETE, and whether its transaction has written
    (has a transaction id) before."""
    with warehouse.connect() as conn:
        row = conn.execute(
            text(
                "SELECT a.pid, a.backend_xid IS NOT NULL FROM pg_stat_activity a "
                "JOIN pg_locks l ON l.pid = a.pid WHERE NOT l.granted AND l.relation = CAST(:t AS regclass) "
                "AND a.query ~* '^\\s*DELETE'"
            ),
            {"t": LOCKED},
        ).first()
        return (row[0], row[1]) if row else None


def _backend_gone(warehouse: WarehouseResource, pid: int) -> bool:
    with warehouse.connect() as conn:
        return not conn.execute(
            text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        ).scalar()


def test_a_run_killed_inside_its_landing_transaction_leaves_the_partition_whole(
    sandbox_env,  # noqa: F811  (the fixture imported above)
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    prepare_dagster_home(database_url)
    monkeypatch.setenv("DAGSTER_HOME", os.environ["DAGSTER_HOME"])
    warehouse = WarehouseResource(database_url=database_url)
    _run_in_process()
    before = warehouse_digests(warehouse, ("raw", "staging"), exact=True)  # fetched_at too: the very rows
    first_data = warehouse_digests(warehouse, ("raw", "staging"))
    assert before["raw.github_pull_requests"][0] > 0 and before[LOCKED][0] > 0

    engine = warehouse.engine()
    with engine.connect() as holder:
        holder.execute(text(f"LOCK TABLE {LOCKED} IN EXCLUSIVE MODE"))
        killed = subprocess.Popen(
            [sys.executable, "-c", "from dexxy_assets.cli.main import cli; cli()", *RUN],
            cwd=PROJECT_ROOT,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: every process of the run dies at once
        )
        try:
            backend, had_written = wait_for(
                lambda: _landing_backend(warehouse), 120, "the run's landing to reach the lock"
            )
            os.killpg(killed.pid, signal.SIGKILL)
            assert killed.wait(timeout=30) == -signal.SIGKILL
        finally:
            if killed.poll() is None:
                os.killpg(killed.pid, signal.SIGKILL)
        holder.rollback()  # the lock goes; the orphaned transaction finds its client gone and rolls back
    wait_for(lambda: _backend_gone(warehouse, backend), 60, "the killed run's backend to end")

    # pull requests, reviews, commits, files, check runs: the very rows the first run left (fetch times too)
    assert warehouse_digests(warehouse, ("raw", "staging"), exact=True) == before
    assert had_written  # killed mid-transaction: pull requests, reviews, ... already replaced, uncommitted

    with dg.DagsterInstance.get() as instance:
        killed_run = next(
            r for r in instance.get_runs() if r.status == dg.DagsterRunStatus.STARTED
        )  # nobody marked it: the process just vanished
        storage = instance.event_log_storage
        assert killed_run.run_id in storage.get_concurrency_run_ids()  # it held a github_api slot

        _run_in_process()  # the re-run: frees what the dead run held, then lands the partition again

        assert instance.get_run_by_id(killed_run.run_id).status == dg.DagsterRunStatus.FAILURE
        assert killed_run.run_id not in storage.get_concurrency_run_ids()
        info = storage.get_concurrency_info("github_api")
        assert not info.claimed_slots and not info.pending_run_ids
    same_data = warehouse_digests(warehouse, ("raw", "staging"))  # fetched again: new fetch times only
    assert same_data == first_data
    with warehouse.connect() as conn:
        states = (
            conn.execute(text("SELECT DISTINCT status FROM ops.sync_state WHERE source = 'github'"))
            .scalars()
            .all()
        )
    assert "syncing" not in states, states
