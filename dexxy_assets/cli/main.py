"""The `dexxy` command."""

from __future__ import annotations

import warnings

import click
import dagster as dg
from dotenv import load_dotenv

from dexxy_assets.cli.bench import bench
from dexxy_assets.cli.connect_command import connect
from dexxy_assets.cli.connections_command import connections
from dexxy_assets.cli.demo import demo
from dexxy_assets.cli.dev import dev
from dexxy_assets.cli.report_command import report
from dexxy_assets.cli.run_command import run
from dexxy_assets.cli.sync_commands import sync
from dexxy_assets.cli.warehouse_commands import warehouse
from dexxy_assets.cli.webhooks_command import webhooks


@click.group()
def cli() -> None:
    """Dexxy: engineering analytics on Dagster (GitHub, Copilot, Jira → PostgreSQL)."""
    load_dotenv(".env", override=False)  # as `dagster dev` does; the real environment wins
    # Dagster flags APIs we use on purpose (`backfill_policy=`, selection strings) as beta/preview on every
    # definition load; nothing a person running `dexxy` can act on.
    warnings.filterwarnings("ignore", category=dg.BetaWarning)
    warnings.filterwarnings("ignore", category=dg.PreviewWarning)


class SandboxGroup(click.Group):
    """Loads the sandbox's own commands only when asked for, so `dexxy sandbox serve --help` shows their
    real options and other commands never import the sandbox (CLI wiring only: the product never does)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return ["serve"]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name != "serve":
            return None
        from dexxy_sandbox.cli import serve

        return serve


@cli.group(cls=SandboxGroup)
def sandbox() -> None:
    """Local emulators of GitHub (and later Jira, Groq) over a synthetic organisation."""


cli.add_command(bench)
cli.add_command(connect)
cli.add_command(connections)
cli.add_command(demo)
cli.add_command(dev)
cli.add_command(report)
cli.add_command(run)
cli.add_command(sync)
cli.add_command(warehouse)
cli.add_command(webhooks)
