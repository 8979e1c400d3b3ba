"""`dexxy sync status | pause | resume | trigger | schedule`: see and control syncing per source or scope.
Every action is recorded in ops.sync_log; the same actions are the ``sync_admin_*`` jobs in the Dagster UI."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

import click
from rich.console import Console
from sqlalchemy import Connection

from dexxy_assets.sources import registered_sources
from dexxy_assets.sync import admin_actions, state
from dexxy_assets.sync.state import WHOLE
from dexxy_assets.sync.status_table import status_table
from resources.warehouse import WarehouseResource

CLI = "the CLI"


def _source_names() -> tuple[str, ...]:
    return tuple(source.name for source in registered_sources())


def _source_option(required: bool) -> Callable:
    return click.option(
        "--source", required=required, type=click.Choice(_source_names()), help="The source to act on."
    )


_scope_option = click.option(
    "--scope",
    default=WHOLE,
    show_default=True,
    help="A scope of the source: an organisation, owner/repo or a Jira project (* is the whole source).",
)


def _act(action: Callable[[Connection], str]) -> None:
    """Run an admin action in one transaction and print its outcome; a refused action exits 1."""
    try:
        with WarehouseResource().begin() as conn:
            click.echo(action(conn))
    except admin_actions.AdminError as error:
        click.echo(str(error), err=True)
        sys.exit(1)


@click.group()
def sync() -> None:
    """See and control syncing per source or scope (recorded in ops.sync_log)."""


@sync.command()
@_source_option(required=False)
@click.option("--scope", default=None, help="Only this scope.")
def status(source: str | None, scope: str | None) -> None:
    """Per source, scope and entity: status, last success, window, cadence, last error."""
    with WarehouseResource().connect() as conn:
        rows = state.read(conn, source, scope)
        schedules = state.schedules(conn)
        held = state.held_sources(conn, _source_names())
    seen = {row.source for row in rows}
    never = [] if scope else [s for s in _source_names() if s not in seen and source in (None, s)]
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(status_table(rows, never, schedules, dt.datetime.now(dt.UTC), held))


@sync.command()
@_source_option(required=True)
@_scope_option
@click.option("--reason", default=None, help="Why (shown by `dexxy sync status`).")
def pause(source: str, scope: str, reason: str | None) -> None:
    """Stop syncing a source or scope: its runs skip with a message until resumed."""
    _act(lambda conn: admin_actions.pause(conn, source, scope, by=CLI, reason=reason))


@sync.command()
@_source_option(required=True)
@_scope_option
@click.option("--reason", default=None, help="Why (recorded in ops.sync_log).")
def resume(source: str, scope: str, reason: str | None) -> None:
    """Sync a paused source or scope again."""
    _act(lambda conn: admin_actions.resume(conn, source, scope, by=CLI, reason=reason))


@sync.command()
@_source_option(required=True)
@_scope_option
@click.option("--full", is_flag=True, help="The whole history, not only yesterday and today.")
def trigger(source: str, scope: str, full: bool) -> None:
    """Sync now: the sync_control sensor starts the run at its next tick."""
    _act(lambda conn: admin_actions.trigger(conn, source, scope, full=full, by=CLI))


@sync.command()
@_source_option(required=True)
@click.argument("cron")
def schedule(source: str, cron: str) -> None:
    """Set a source's cadence to CRON (UTC, e.g. '0 */6 * * *'); 'nightly' restores the default."""
    _act(lambda conn: admin_actions.schedule(conn, source, cron, by=CLI))
