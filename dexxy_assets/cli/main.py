"""The `dexxy` command."""

from __future__ import annotations

import click
from dotenv import load_dotenv

from dexxy_assets.cli.bench import bench
from dexxy_assets.cli.demo import demo
from dexxy_assets.cli.dev import dev
from dexxy_assets.cli.run_command import run
from dexxy_assets.cli.warehouse_commands import warehouse


@click.group()
def cli() -> None:
    """Dexxy: engineering analytics on Dagster (GitHub, Copilot, Jira → PostgreSQL)."""
    load_dotenv(".env", override=False)  # as `dagster dev` does; the real environment wins


@cli.group()
def sandbox() -> None:
    """Local emulators of GitHub (and later Jira, Groq) over a synthetic organisation."""


@sandbox.command("serve", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def sandbox_serve(ctx: click.Context) -> None:
    """Run the emulators; print the env lines that point Dexxy at them (see --help)."""
    from dexxy_sandbox.cli import serve  # CLI wiring only: the product never imports the sandbox

    serve.main(args=ctx.args, prog_name="dexxy sandbox serve", standalone_mode=True)


cli.add_command(bench)
cli.add_command(demo)
cli.add_command(dev)
cli.add_command(run)
cli.add_command(warehouse)
