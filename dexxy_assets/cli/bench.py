"""`dexxy bench`: what a full GitHub sync costs, measured against the sandbox in its own process.

Reports API requests and rate-limit points per fully detailed pull request, pull requests per second end to
end, warehouse rows per second and peak memory, for a cold sync and for a re-run (ETag revalidation); then a
long history of one repository through `dexxy run` (wall time, peak memory, event-log bytes per day).
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import click
import dagster as dg
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.long_history_bench import HistoryResult, run_long_history
from dexxy_assets.cli.webhook_bench import (
    FRESHNESS_TARGET_SECONDS,
    FreshnessResult,
    measure_webhook_freshness,
    p95,
)
from dexxy_assets.definitions import defs
from resources.github import GitHubResource
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource, resolve_database_url

BENCH_DATABASE = "dexxy_bench"
HISTORY_TARGET_SECONDS = 180
HISTORY_TARGET_MIB = 500
PULL_REQUEST_ASSETS = " or ".join(
    f"key:github/{name}"
    for name in (
        "pull_requests",
        "reviews",
        "commits",
        "files",
        "check_runs",
        "comments",
        "pull_requests_staged",
    )
)


@dataclass
class PassResult:
    label: str
    pull_requests: int
    rows: int
    requests: int
    budget_points: int
    seconds: float


@contextmanager
def sandbox_process(engineers: int, repos: int, days: int, seed: int) -> Iterator[dict[str, str]]:
    """The sandbox in a child process, so its CPU and memory are not counted as Dexxy's."""
    command = [
        sys.executable,
        "-m",
        "dexxy_sandbox.cli",
        "--port",
        "0",
        "--seed",
        str(seed),
        "--engineers",
        str(engineers),
        "--repos",
        str(repos),
        "--days",
        str(days),
        "--rate-limit",
        "100000000",
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        env: dict[str, str] = {}
        assert process.stdout is not None
        while "GITHUB_FETCH_MODE" not in env:
            line = process.stdout.readline()
            if not line:
                raise click.ClickException("the sandbox exited before it printed its settings")
            if "=" in line and not line.startswith("#"):
                key, value = line.strip().split("=", 1)
                env[key] = value
        yield env
    finally:
        process.terminate()
        process.wait(timeout=10)


def fresh_bench_database(mode: str) -> str:
    """A scratch database beside the warehouse (never the warehouse itself), emptied for each bench."""
    name = f"{BENCH_DATABASE}_{mode}"
    url = make_url(resolve_database_url())
    admin = create_engine(
        url.render_as_string(hide_password=False), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
            {"d": name},
        )
        conn.exec_driver_sql(render_sql("DROP DATABASE IF EXISTS {{ d | ident }}", d=name))
        conn.exec_driver_sql(render_sql("CREATE DATABASE {{ d | ident }}", d=name))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def run_pass(
    label: str, warehouse: WarehouseResource, github: GitHubResource, start: dt.date, end: dt.date
) -> PassResult:
    definitions = defs()
    started = time.perf_counter()
    result = dg.materialize(
        assets=list(definitions.assets),  # type: ignore[arg-type]
        selection=PULL_REQUEST_ASSETS,
        # every resource of the definitions (unselected assets still need theirs bound), ours overriding
        resources={**definitions.resources, "warehouse": warehouse, "github": github},
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
        },
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        raise_on_error=False,
    )
    seconds = time.perf_counter() - started
    if not result.success:
        raise click.ClickException(f"the {label} pass failed; see the Dagster output")
    metadata = {  # the newest day's event of each asset carries the run's totals
        event.asset_key.to_user_string(): {k: v.value for k, v in event.metadata.items()}
        for node in ("github_pull_requests", "github__pull_requests_staged")
        for event in result.asset_materializations_for_node(node)
        if "rows_in_run" in event.metadata
    }
    prs = metadata.pop("github/pull_requests")
    staged = metadata.pop("github/pull_requests_staged")
    return PassResult(
        label=label,
        pull_requests=int(prs["rows_in_run"]),
        rows=int(prs["rows_in_run"])
        + sum(int(m["rows_in_run"]) for m in metadata.values())
        + sum(int(v) for k, v in staged.items() if k.startswith("staged_")),
        requests=int(prs["api_requests"]),
        budget_points=int(prs["api_budget_points"]),
        seconds=seconds,
    )


@click.command()
@click.option("--engineers", default=60, show_default=True)
@click.option("--repos", default=12, show_default=True)
@click.option("--days", default=30, show_default=True, help="Days of pull requests to sync.")
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(["graphql", "rest"]),
    default=("graphql", "rest"),
    show_default=True,
    help="Fetch modes to measure.",
)
@click.option("--sync/--no-sync", default=True, show_default=True, help="Measure the org sync passes.")
@click.option(
    "--history-days",
    default=1500,
    show_default=True,
    help="Days of the long-history scenario (one repository through `dexxy run`); 0 skips it.",
)
@click.option(
    "--webhook-events",
    default=20,
    show_default=True,
    help="Pull-request events timed from receipt to analytics.pull_requests (webhook freshness); 0 skips.",
)
def bench(
    engineers: int,
    repos: int,
    days: int,
    seed: int,
    modes: tuple[str, ...],
    sync: bool,
    history_days: int,
    webhook_events: int,
) -> None:
    """Measure a full sync (every pull request with reviews, commits, files, check runs, comments) of a
    synthetic org in each fetch mode: cold, then a re-run; then a long history of one repository."""
    console = Console(stderr=True)
    end = dt.datetime.now(dt.UTC).date()
    start = end - dt.timedelta(days=days - 1)
    passes: list[PassResult] = []
    if sync:
        with sandbox_process(engineers, repos, days + 5, seed) as env:
            console.print(f"bench: {engineers} engineers, {repos} repos, {days} days of pull requests")
            for mode in modes:
                github = GitHubResource(
                    api_url=env["GITHUB_API_URL"],
                    token=env["GITHUB_TOKEN"],
                    orgs=[env["GITHUB_ORGS"]],
                    fetch_mode=mode,
                )
                warehouse = WarehouseResource(database_url=fresh_bench_database(mode))
                passes += [
                    run_pass(f"{mode} {label}", warehouse, github, start, end) for label in ("cold", "re-run")
                ]
        print_sync_table(console, passes)
    if history_days > 0:
        console.print(f"bench: a {history_days}-day history of one repository through `dexxy run` ...")
        with sandbox_process(1, 1, history_days + 2, seed) as env:
            history = run_long_history(
                history_days,
                end,
                env,
                fresh_bench_database("history"),
                fresh_bench_database("history_dagster"),
            )
        print_history_table(console, history)
    if webhook_events > 0:
        console.print(f"bench: webhook freshness, {webhook_events} pull-request events ...")
        with sandbox_process(engineers, repos, 8, seed) as env:
            freshness = measure_webhook_freshness(env, fresh_bench_database("webhooks"), webhook_events)
        print_freshness_table(console, freshness)


def print_sync_table(console: Console, passes: list[PassResult]) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = Table(title="Dexxy GitHub sync benchmark (full detail per pull request)")
    for column in (
        "pass",
        "PRs",
        "HTTP requests",
        "REST requests + GraphQL points / PR",
        "PRs / s",
        "rows / s",
    ):
        table.add_column(column, justify="right")
    for p in passes:
        per_pr = max(p.pull_requests, 1)
        table.add_row(
            p.label,
            str(p.pull_requests),
            str(p.requests),
            f"{p.budget_points / per_pr:.3f}",
            f"{p.pull_requests / p.seconds:.1f}",
            f"{p.rows / p.seconds:.0f}",
        )
    console.print(table)
    console.print(
        f"peak memory of the Dexxy process: {peak_mb:.0f} MiB (the sandbox runs in its own process)"
    )


def print_history_table(console: Console, h: HistoryResult) -> None:
    table = Table(
        title=f"Long history: {h.days} days of one repository through `dexxy run` (default selection)"
    )
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target", justify="right")
    rows = [
        ("pull requests", str(h.pull_requests), ""),
        ("wall time", f"{h.seconds:.0f} s", f"< {HISTORY_TARGET_SECONDS} s"),
        ("CPU time of `dexxy run`", f"{h.cpu_seconds:.0f} s", ""),
        ("peak RSS of `dexxy run`", f"{h.peak_rss_mib:.0f} MiB", f"< {HISTORY_TARGET_MIB} MiB"),
        ("event-log events", str(h.events), ""),
        ("event-log bytes per day", f"{h.event_bytes_per_day:,.0f}", ""),
        ("materializations", str(h.materializations), ""),
        ("bytes per materialization", f"{h.bytes_per_materialization:,.0f}", ""),
        ("materializations per asset and day", str(h.materializations_per_asset_partition), "1"),
        ("planned events", str(h.planned_events), ""),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    over = h.seconds > HISTORY_TARGET_SECONDS or h.peak_rss_mib > HISTORY_TARGET_MIB
    console.print("long history: [red]over target[/red]" if over else "long history: within target")


def print_freshness_table(console: Console, f: FreshnessResult) -> None:
    """Method: dexxy_assets/cli/webhook_bench.py (measured steps, the daemon's waits added, not slept)."""
    table = Table(
        title=f"Webhook freshness: event received → visible in analytics.pull_requests ({f.events} events)"
    )
    table.add_column("measure")
    table.add_column("median", justify="right")
    table.add_column("p95", justify="right")

    table.add_row(
        "receiver: POST → 202", f"{statistics.median(f.receive_ms):.1f} ms", f"{p95(f.receive_ms):.1f} ms"
    )
    table.add_row("sensor tick", f"{statistics.median(f.tick_s):.2f} s", f"{p95(f.tick_s):.2f} s")
    table.add_row("run worker start (code location load)", f"{f.worker_start_s:.1f} s", "")
    table.add_row(
        "run: fetch today, stage, marts", f"{statistics.median(f.run_s):.1f} s", f"{p95(f.run_s):.1f} s"
    )
    table.add_row("event → visible (with tick and dequeue waits)", f"{f.p50:.1f} s", f"{f.p95:.1f} s")
    console.print(table)
    verdict = "within" if f.p95 <= FRESHNESS_TARGET_SECONDS else "[red]over[/red]"
    console.print(f"webhook freshness: p95 {f.p95:.1f} s, {verdict} the {FRESHNESS_TARGET_SECONDS} s target")
