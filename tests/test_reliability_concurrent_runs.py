"""Two Dagster runs of the same day's GitHub assets at once (two threads, each its own run) both succeed and
leave the warehouse of one run: no duplicate rows, no error.

The overlap is made certain, not hoped for: the test holds an EXCLUSIVE lock on raw.github_pull_requests
until both runs' backends wait for a lock (the first on the table, the second on the first's partition lock),
observed in pg_stat_activity; then it lets them go.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import dagster as dg
import pytest
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from tests.reliability_runs import (
    materialize_everything,
    sandbox_github,
    sandbox_jira,
    step_failures,
    wait_for,
    warehouse_digests,
)
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

SELECTION = "group:github"


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=3, repos=1, days=20) as server:
        yield server


def _busiest_day(server) -> dt.date:  # type: ignore[no-untyped-def]
    days = Counter(pr.updated_at.date() for prs in server.org.pulls_by_repo.values() for pr in prs)
    return max((d for d in days if d <= SANDBOX_UNTIL), key=lambda d: (days[d], d))


def _run(server, warehouse: WarehouseResource, day: dt.date) -> dg.ExecuteInProcessResult:  # type: ignore[no-untyped-def]
    """One run with its own instance, opened and closed on the calling thread (its SQLite storage is
    bound to it)."""
    with dg.DagsterInstance.ephemeral() as instance:
        return materialize_everything(
            warehouse,
            sandbox_github(server, "rest"),
            sandbox_jira(server),
            day,
            day,
            selection=SELECTION,
            instance=instance,
        )


def _waiting_on_locks(warehouse: WarehouseResource) -> int:
    with warehouse.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar_one()


def _github_tables(digests: dict[str, tuple]) -> dict[str, tuple]:
    return {t: d for t, d in digests.items() if t.startswith(("raw.github_", "staging.github_"))}


def test_two_runs_of_one_day_at_once_leave_the_data_of_one(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    day = _busiest_day(sandbox)
    single = WarehouseResource(database_url=make_database())
    alone = _run(sandbox, single, day)
    assert alone.success, step_failures(alone)
    expected = _github_tables(warehouse_digests(single, ("raw", "staging")))
    assert expected["raw.github_pull_requests"][0] >= 2  # a day with pull requests

    warehouse = WarehouseResource(database_url=make_database())
    warehouse.engine()  # migrated: the tables exist before the lock is taken
    results: dict[str, dg.ExecuteInProcessResult | BaseException] = {}

    def run(name: str) -> None:
        try:
            results[name] = _run(sandbox, warehouse, day)
        except BaseException as error:  # reported by the assertion below
            results[name] = error

    threads = [threading.Thread(target=run, args=(name,)) for name in ("a", "b")]
    with warehouse.engine().connect() as holder:
        holder.execute(text("LOCK TABLE raw.github_pull_requests IN EXCLUSIVE MODE"))
        for thread in threads:
            thread.start()
        wait_for(lambda: _waiting_on_locks(warehouse) >= 2, 120, "both runs to wait at the same partition")
        holder.rollback()
    for thread in threads:
        thread.join(180)
    assert not any(thread.is_alive() for thread in threads)

    for name, result in results.items():
        assert isinstance(result, dg.ExecuteInProcessResult), (name, result)
        assert result.success, (name, step_failures(result))
    assert _github_tables(warehouse_digests(warehouse, ("raw", "staging"))) == expected
    with warehouse.connect() as conn:
        duplicated = conn.execute(
            text(
                "SELECT count(*) - count(DISTINCT (repo_full_name, pr_number)) FROM raw.github_pull_requests "
                "WHERE partition_date = :d"
            ),
            {"d": day},
        ).scalar_one()
    assert duplicated == 0
