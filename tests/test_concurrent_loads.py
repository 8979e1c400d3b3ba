"""Two runs loading the same partition at once end with exactly one run's data, and neither fails.

Run A loads and holds its transaction open; run B starts the same load on another connection in a thread.
The test waits until B is either blocked on a lock or done (observed in pg_locks, not timed), commits A,
then checks what B did and what the warehouse holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from dexxy_assets.github import rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_load import load_pull_requests
from resources.bulk_load import Jsonb, copy_rows, replace_partitions
from resources.github_client import GitHubClient
from resources.schema_migrations import apply_migrations
from resources.warehouse import WarehouseResource
from tests.migration_sets import migrations_before
from tests.sandbox_fixtures import SANDBOX_TOKEN, SANDBOX_UNTIL, running_sandbox

DAY = dt.date(2026, 5, 10)
RAW_PR_COLUMNS = ["partition_date", "repo_full_name", "pr_id", "pr_number", "fetched_at", "payload"]
PR_TABLES = (
    "raw.github_pull_requests",
    "raw.github_reviews",
    "raw.github_commits",
    "raw.github_files",
    "raw.github_comments",
    "staging.github_pull_requests",
    "staging.github_pr_reviews",
    "staging.github_pr_commits",
    "staging.github_pr_files",
    "staging.github_pr_comments",
)

Load = Callable[[Connection], object]


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _blocked_or_done(engine: Engine, pid: int, done: threading.Event) -> bool:
    """True once B waits on a lock it has not been granted, or has finished."""
    deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    with engine.connect() as probe:
        while dt.datetime.now(dt.UTC) < deadline:
            waiting = probe.execute(
                text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND NOT granted"), {"pid": pid}
            ).scalar_one()
            probe.commit()
            if waiting or done.wait(0.05):
                return True
    return False


def _run_concurrently(engine: Engine, load_a: Load, load_b: Load) -> BaseException | None:
    """A loads and keeps its transaction open while B loads the same partition; returns B's error."""
    outcome: dict[str, object] = {}
    started, done = threading.Event(), threading.Event()

    def run_b() -> None:
        try:
            with engine.begin() as conn:
                outcome["pid"] = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
                started.set()
                load_b(conn)
        except BaseException as exc:  # reported to the test, which asserts there is none
            outcome["error"] = exc
        finally:
            started.set()
            done.set()

    with engine.connect() as conn_a:
        with conn_a.begin():
            load_a(conn_a)
            thread = threading.Thread(target=run_b)
            thread.start()
            assert started.wait(30) and "pid" in outcome, outcome.get("error")
            assert _blocked_or_done(engine, int(outcome["pid"]), done)  # type: ignore[call-overload]
        # A commits here; B, if it waited, goes on
    thread.join(60)
    assert not thread.is_alive()
    error = outcome.get("error")
    return error if isinstance(error, BaseException) else None


def _raw_rows(run: str, count: int) -> list[dict]:
    fetched_at = dt.datetime(2026, 5, 11, tzinfo=dt.UTC)
    return [
        {
            "partition_date": DAY,
            "repo_full_name": "acme/api",
            "pr_id": None if i == 0 else 1000 + i,  # an id that could not be read still lands
            "pr_number": i,
            "fetched_at": fetched_at,
            "payload": Jsonb({"run": run, "n": i}),
        }
        for i in range(count)
    ]


def test_two_runs_of_one_raw_partition_leave_one_runs_rows(warehouse: WarehouseResource) -> None:
    engine = warehouse.engine()

    def load(run: str) -> Load:
        def write(conn: Connection) -> int:
            return replace_partitions(
                conn,
                "raw.github_pull_requests",
                "partition_date",
                [DAY],
                RAW_PR_COLUMNS,
                _raw_rows(run, 5),
            )

        return write

    error = _run_concurrently(engine, load("a"), load("b"))
    assert error is None
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT payload->>'run', pr_number, partition_row FROM raw.github_pull_requests "
                "ORDER BY partition_row"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("b", i, i + 1) for i in range(5)]  # B ran after A: B's rows only


def test_a_long_backfill_takes_one_table_lock_and_still_excludes_a_daily_run(
    warehouse: WarehouseResource,
) -> None:
    """PostgreSQL's lock table is shared and small: a 1,500-day load must not take 1,500 locks per table."""
    engine = warehouse.engine()
    days = [DAY - dt.timedelta(days=n) for n in range(1500)]
    held: dict[str, int] = {}

    def backfill(conn: Connection) -> None:
        replace_partitions(conn, "raw.github_pull_requests", "partition_date", days, RAW_PR_COLUMNS, [])
        replace_partitions(
            conn, "raw.github_pull_requests", "partition_date", [DAY], RAW_PR_COLUMNS, _raw_rows("a", 3)
        )
        held["locks"] = conn.execute(
            text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()")
        ).scalar_one()

    def daily(conn: Connection) -> int:
        return replace_partitions(
            conn, "raw.github_pull_requests", "partition_date", [DAY], RAW_PR_COLUMNS, _raw_rows("b", 2)
        )

    error = _run_concurrently(engine, backfill, daily)
    assert error is None
    assert held["locks"] <= 3  # the table's lock, not one per day
    with engine.connect() as conn:
        runs = conn.execute(text("SELECT payload->>'run' FROM raw.github_pull_requests")).scalars().all()
    assert runs == ["b", "b"]  # the daily run waited for the backfill, then replaced the day


def _fetch(server, count: int) -> list[FetchedPullRequest]:  # type: ignore[no-untyped-def]
    with GitHubClient(server.github_api_url, SANDBOX_TOKEN) as client:
        repo = f"{server.org.login}/{server.org.repositories[0].name}"
        start = dt.datetime.combine(SANDBOX_UNTIL - dt.timedelta(days=30), dt.time(), dt.UTC)
        end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
        listings = rest_fetch.list_updated_pull_requests(client, repo, start, end)
        closed = [item for item in listings if item.item.get("state") == "closed"][:count]
        return rest_fetch.fetch_pull_request_details(client, closed, 2)


def _snapshot(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608
            for table in PR_TABLES
        }


def test_two_pull_request_loads_of_one_day_equal_one_load(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    when = dt.datetime.combine(DAY, dt.time(12), dt.UTC)
    prs = [dataclasses.replace(pr, updated_at=when) for pr in _fetch(sandbox, 3)]
    fetched_at = dt.datetime.now(dt.UTC)
    engine = warehouse.engine()
    with engine.begin() as conn:  # what one run leaves behind …
        load_pull_requests(conn, prs, [DAY], fetched_at)
    one_run = _snapshot(engine)
    assert one_run["raw.github_pull_requests"] == 3 and one_run["staging.github_pr_commits"] > 0
    with engine.begin() as conn:
        for table in PR_TABLES:
            conn.exec_driver_sql(f"DELETE FROM {table}")  # noqa: S608

    def load(at: dt.datetime) -> Load:
        return lambda conn: load_pull_requests(conn, prs, [DAY], at)

    error = _run_concurrently(engine, load(fetched_at), load(fetched_at + dt.timedelta(seconds=1)))
    assert error is None  # … and two at once: no UniqueViolation, no deadlock
    assert _snapshot(engine) == one_run  # no duplicate raw rows
    with engine.connect() as conn:
        fetched = conn.execute(text("SELECT DISTINCT fetched_at FROM raw.github_commits")).scalars().all()
    assert fetched == [fetched_at + dt.timedelta(seconds=1)]  # all of it from the run that finished last


def test_the_key_migration_keeps_the_newest_of_loads_written_twice(database_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A warehouse that already holds a partition loaded twice at once (before 0010) gets the key anyway."""
    before_keys = migrations_before("0010", tmp_path / "migrations")
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        apply_migrations(engine, before_keys)
        first, second = dt.datetime(2026, 5, 11, tzinfo=dt.UTC), dt.datetime(2026, 5, 11, 0, 1, tzinfo=dt.UTC)
        with engine.begin() as conn:
            for fetched_at in (first, second):  # the same day, written by two runs
                copy_rows(
                    conn,
                    "raw.github_pull_requests",
                    RAW_PR_COLUMNS,
                    [{**row, "fetched_at": fetched_at} for row in _raw_rows(str(fetched_at), 3)],
                )
        apply_migrations(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT fetched_at, pr_number, partition_row FROM raw.github_pull_requests "
                    "ORDER BY partition_row"
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(second, i, i + 1) for i in range(3)]


def test_two_rebuilds_of_one_mart_take_turns(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    """A sensor and a person rebuilding analytics.pull_requests at once: both succeed, one table's rows."""
    from dexxy_assets.analytics.mart_asset import rebuild_mart

    engine = warehouse.engine()
    with engine.begin() as conn:
        load_pull_requests(conn, _fetch(sandbox, 3), [DAY], dt.datetime.now(dt.UTC))
    error = _run_concurrently(
        engine,
        lambda conn: rebuild_mart(conn, "pull_requests"),
        lambda conn: rebuild_mart(conn, "pull_requests"),
    )
    assert error is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM analytics.pull_requests")).scalar_one() == 3
