"""`dexxy run`: materialize assets for a date range as a named job, recorded in the Dagster instance. The
console gets one line per problem; stack traces stay in the run's event log (`--verbose` prints them)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from types import FrameType

import click
from rich.console import Console
from rich.markup import escape
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.asset_runner import RunInputError, RunInterrupted, RunOutcome, plan_run, run_assets
from dexxy_assets.cli.dagster_home import event_batching, get_instance, pool_connections, prepare_dagster_home
from dexxy_assets.definitions import defs
from dexxy_assets.partitions import StartDateError
from resources.warehouse import WarehouseConfigError, resolve_database_url

INTERRUPTED_EXIT_CODE = 130


def check_database(url: str) -> None:
    """Connect once before anything runs: a wrong DATABASE_URL is one line, not a failure per step."""
    engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
    try:
        with engine.connect():
            pass
    except Exception as exc:
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        shown = make_url(url).render_as_string(hide_password=True)
        raise click.ClickException(
            f"DATABASE_URL ({shown}) is unreachable: {detail[0] if detail else type(exc).__name__}"
        ) from None
    finally:
        engine.dispose()


def execute_range(start: dt.date, end: dt.date, select: str | None, console: Console) -> RunOutcome:
    """Validate everything that can be validated, then run."""
    try:
        definitions = defs()
        plan = plan_run(definitions, select, start, end)
        url = resolve_database_url()
    except (RunInputError, StartDateError, WarehouseConfigError) as exc:
        raise click.ClickException(str(exc)) from None
    check_database(url)
    prepare_dagster_home(url)
    try:
        instance = get_instance(cli=True)
    except Exception as exc:
        raise click.ClickException(
            f"the Dagster instance in DAGSTER_HOME={os.environ.get('DAGSTER_HOME')} cannot be opened: "
            f"{str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__}"
        ) from None
    pool_connections(instance)
    os.environ.update(event_batching(os.environ))
    with instance:
        return run_assets(definitions, plan, instance, console)


def _interrupt_on_sigterm() -> None:
    """SIGTERM (a timeout, `kill`) takes the Ctrl-C path: the run is canceled and its slots freed."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


@click.command("run")
@click.option("--start", "start", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day (UTC).")
@click.option(
    "--end", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day (UTC), inclusive."
)
@click.option(
    "--select", default=None, help='Dagster asset selection, e.g. "group:github" or "key:github/*".'
)
@click.option("--verbose", is_flag=True, help="Print the stack trace of each failed step.")
def run(start: dt.datetime, end: dt.datetime, select: str | None, verbose: bool) -> None:
    """Materialize the selected assets (default: all) for the days START..END."""
    console = Console(stderr=True, soft_wrap=True)
    _interrupt_on_sigterm()
    try:
        outcome = execute_range(start.date(), end.date(), select, console)
    except RunInterrupted as interrupted:
        console.print(
            f"[red]interrupted:[/red] run {interrupted.run_id or '(not started)'} marked canceled, "
            "its pool slots released"
        )
        console.file.flush()
        # The run's thread cannot be stopped; exiting now keeps it from claiming a slot again.
        os._exit(INTERRUPTED_EXIT_CODE)
    if not outcome.success:
        for failure in outcome.failures:
            console.print(f"[red]✗[/red] {failure.one_line()}")
            if verbose:
                console.print(failure.trace, markup=False, highlight=False)
        if not outcome.failures:
            console.print(f"[red]✗[/red] {outcome.error or 'the run failed'}")
        console.print(
            f"[red]run {outcome.run_id or ''} ({outcome.job_name}) failed[/red]: "
            f"{len(outcome.failures)} step(s); the full traces are in the run's log (or use --verbose)"
        )
        raise SystemExit(1)
    console.print(
        f"run {outcome.run_id} ({outcome.job_name}) succeeded: {len(outcome.materialized)} assets, "
        f"{outcome.partitions_done} partitions materialized"
    )
    # a paused source's assets ran without syncing; an org without Copilot answered "not here"
    for said, found in (("skipped", outcome.held), ("not available", outcome.noted)):
        for reason in dict.fromkeys(found.values()):
            keys = sorted(key for key, why in found.items() if why == reason)
            console.print(f"[yellow]{said}[/yellow] {', '.join(keys)}: {escape(reason)}", highlight=False)
