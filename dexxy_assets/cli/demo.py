"""`dexxy demo`: the embedded warehouse and the sandbox, the last 30 days of every asset, a summary."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import click
from rich.console import Console

from dexxy_assets.analytics.weekly_charts import latest_chart_paths
from dexxy_assets.cli.demo_summary import load_summary, print_chart_paths, print_summary
from dexxy_assets.cli.run_command import execute_range
from resources.warehouse import resolve_database_url, warehouse_engine

DEMO_SEED = 7
DEMO_ENGINEERS = 12
DEMO_REPOS = 4
DEMO_HISTORY_DAYS = 120


def sandbox_environment(server: object) -> dict[str, str]:
    """The sandbox's `KEY=value` lines as a dict (what `dexxy sandbox serve` prints), Jira's included."""
    jira_lines = server.jira.env_lines(server.jira_base_url)  # type: ignore[attr-defined]
    lines = [*server.env_lines(), *jira_lines]  # type: ignore[attr-defined]
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


@click.command()
@click.option("--days", default=30, show_default=True, help="How many recent days to materialize.")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="Sandbox seed.")
def demo(days: int, seed: int) -> None:
    """Run Dexxy end to end on a synthetic organisation, no credentials needed."""
    from dexxy_sandbox.server import SandboxServer  # demo wiring only: the product never imports the sandbox

    console = Console(stderr=True)
    started = time.monotonic()
    console.print("[bold]Dexxy demo[/bold]: embedded warehouse + GitHub, Copilot and Jira sandbox")
    url = resolve_database_url()
    warehouse_engine(url)
    server = SandboxServer(seed=seed, engineers=DEMO_ENGINEERS, repos=DEMO_REPOS, days=DEMO_HISTORY_DAYS)
    server.start()
    try:
        os.environ.update(sandbox_environment(server))
        console.print(f"sandbox serving a synthetic org at {server.url}")
        today = dt.datetime.now(dt.UTC).date()
        outcome = execute_range(today - dt.timedelta(days=days - 1), today, None, console)
    finally:
        server.stop()
    if not outcome.success:
        console.print(f"[red]demo run failed:[/red] {outcome.error}")
        sys.exit(1)
    counts, weekly = load_summary(warehouse_engine(url))
    print_summary(console, counts, weekly)
    print_chart_paths(console, latest_chart_paths())
    console.print(
        f"Done in {time.monotonic() - started:.0f}s (run {outcome.run_id}). "
        "Open the Dagster UI on the same data with [bold]make dev[/bold] → http://127.0.0.1:3000"
    )
