"""`dexxy run`: materialize assets for a date range, recorded in the Dagster instance."""

from __future__ import annotations

import datetime as dt
import sys

import click
from rich.console import Console

from dexxy_assets.cli.asset_runner import RunOutcome, run_assets
from dexxy_assets.cli.dagster_home import get_instance, prepare_dagster_home
from resources.warehouse import resolve_database_url


def execute_range(start: dt.date, end: dt.date, select: str | None, console: Console) -> RunOutcome:
    if end < start:
        raise click.BadParameter(f"--end {end} is before --start {start}")
    prepare_dagster_home(resolve_database_url())
    with get_instance() as instance:
        return run_assets(start, end, select, instance, console)


@click.command("run")
@click.option("--start", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (UTC).")
@click.option(
    "--end", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day (UTC), inclusive."
)
@click.option(
    "--select", default=None, help='Dagster asset selection, e.g. "group:github" or "key:github/*".'
)
def run(start: dt.datetime, end: dt.datetime, select: str | None) -> None:
    """Materialize the selected assets (default: all) for the days START..END."""
    console = Console(stderr=True)
    outcome = execute_range(start.date(), end.date(), select, console)
    if not outcome.success:
        console.print(f"[red]run {outcome.run_id or ''} failed:[/red] {outcome.error}")
        sys.exit(1)
    console.print(f"run {outcome.run_id} succeeded: {len(outcome.materialized)} assets materialized")
