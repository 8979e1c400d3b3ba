"""`dexxy warehouse …`: where the warehouse is, migrate it, stop the embedded server."""

from __future__ import annotations

import click
from sqlalchemy.engine import make_url

from resources.embedded_postgres import stop_embedded_server
from resources.environment import dexxy_home, env_value
from resources.schema_migrations import applied_versions, apply_migrations
from resources.warehouse import resolve_database_url, warehouse_engine


@click.group()
def warehouse() -> None:
    """The PostgreSQL warehouse (DATABASE_URL, or the embedded server under DEXXY_HOME)."""


@warehouse.command()
@click.option("--show-password", is_flag=True, help="Print the password instead of ***.")
def url(show_password: bool) -> None:
    """Print the warehouse URL in use (starting the embedded server if needed)."""
    click.echo(make_url(resolve_database_url()).render_as_string(hide_password=not show_password))


@warehouse.command()
def migrate() -> None:
    """Apply pending migrations (also applied automatically before the first write)."""
    engine = warehouse_engine(resolve_database_url())  # applies on first use
    applied = apply_migrations(engine)
    versions = applied_versions(engine)
    click.echo(
        f"warehouse at schema version {versions[-1] if versions else 0} ({len(versions)} migrations applied)"
    )
    for migration in applied:
        click.echo(f"  applied {migration.version:04d}_{migration.name}")


@warehouse.command()
def stop() -> None:
    """Stop the embedded server (no effect with DATABASE_URL)."""
    if env_value("DATABASE_URL"):
        click.echo("DATABASE_URL is set: nothing embedded to stop")
        return
    stopped = stop_embedded_server(dexxy_home())
    click.echo("embedded warehouse stopped" if stopped else "embedded warehouse was not running")
