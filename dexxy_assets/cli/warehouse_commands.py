"""`dexxy warehouse …`: where the warehouse is (for psql and for BI tools), migrate it, stop the embedded
server."""

from __future__ import annotations

import sys
from urllib.parse import quote

import click
from sqlalchemy.engine import URL, make_url

from resources.bi_login import BI_PASSWORD_VARIABLE, BI_ROLE, BiLogin, sync_bi_login
from resources.embedded_postgres import embedded_port, stop_embedded_server
from resources.environment import dexxy_home, env_value
from resources.schema_migrations import applied_versions, apply_migrations
from resources.warehouse import resolve_database_url, warehouse_engine


@click.group()
def warehouse() -> None:
    """The PostgreSQL warehouse (DATABASE_URL, or the embedded server under DEXXY_HOME)."""


def owner_url(sqlalchemy_url: str, show_password: bool) -> str:
    """The URL in use as libpq reads it (psql, pg_dump): the embedded server over its Unix socket."""
    url = make_url(sqlalchemy_url)
    plain = URL.create(  # `user:@` (an empty password) would print as `user:***@`
        "postgresql",
        username=url.username,
        password=url.password or None,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=not show_password)


def bi_url(sqlalchemy_url: str, password: str) -> str:
    """The read-only login over TCP, for Metabase, Superset, Grafana or psql."""
    if env_value("DATABASE_URL"):
        url = make_url(sqlalchemy_url)
        host, port = url.host or "localhost", url.port or 5432
    else:
        host, port = "127.0.0.1", embedded_port(dexxy_home())
    database = make_url(sqlalchemy_url).database
    return f"postgresql://{BI_ROLE}:{quote(password, safe='')}@{host}:{port}/{database}"


def _print_bi_url(sqlalchemy_url: str) -> None:
    password = env_value(BI_PASSWORD_VARIABLE)
    if not password:
        click.echo(
            f"{BI_PASSWORD_VARIABLE} is not set, so the read-only role {BI_ROLE} cannot log in. Set it "
            f"(in .env or the environment, e.g. {BI_PASSWORD_VARIABLE}=$(openssl rand -hex 16)) and run "
            "this again.",
            err=True,
        )
        sys.exit(1)
    login = sync_bi_login(warehouse_engine(sqlalchemy_url))
    if login is not BiLogin.ENABLED:
        click.echo(f"cannot give {BI_ROLE} a login on this server (no CREATEROLE): see docs/bi.md", err=True)
        sys.exit(1)
    click.echo(bi_url(sqlalchemy_url, password))


@warehouse.command()
@click.option("--show-password", is_flag=True, help="Print the password instead of ***.")
@click.option("--bi", is_flag=True, help=f"The read-only BI login ({BI_ROLE} over TCP), as bi-url prints.")
def url(show_password: bool, bi: bool) -> None:
    """Print the warehouse URL in use, for psql (starting the embedded server if needed)."""
    if bi:
        _print_bi_url(resolve_database_url())
        return
    click.echo(owner_url(resolve_database_url(), show_password))


@warehouse.command("bi-url")
def bi_url_command() -> None:
    """Print the read-only URL a BI tool connects with (dexxy_bi, password from DEXXY_BI_PASSWORD)."""
    _print_bi_url(resolve_database_url())


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
    login = sync_bi_login(engine)
    click.echo(f"read-only role {BI_ROLE}: login {login.value}")


@warehouse.command()
def stop() -> None:
    """Stop the embedded server (no effect with DATABASE_URL)."""
    if env_value("DATABASE_URL"):
        click.echo("DATABASE_URL is set: nothing embedded to stop")
        return
    stopped = stop_embedded_server(dexxy_home())
    click.echo("embedded warehouse stopped" if stopped else "embedded warehouse was not running")
