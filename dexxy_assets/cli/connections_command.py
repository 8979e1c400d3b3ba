"""`dexxy connections list | revoke NAME | rotate-key`: the OAuth connections in ops.connections, never a
token on the screen."""

from __future__ import annotations

import datetime as dt

import click
from rich.console import Console
from rich.table import Table

from resources.connection_store import ConnectionInfo, ConnectionStore
from resources.environment import env_value
from resources.github import DEFAULT_API_URL
from resources.github_oauth import GitHubOAuthApp
from resources.http.errors import ConfigError
from resources.secret_box import SECRET_KEY_ENV, SecretBox
from resources.warehouse import resolve_database_url, warehouse_engine

ATLASSIAN_APPS_PAGE = "https://id.atlassian.com/manage-profile/apps"


def _store(require_key: bool) -> ConnectionStore:
    engine = warehouse_engine(resolve_database_url())
    box: SecretBox | None
    if env_value(SECRET_KEY_ENV):
        try:
            box = SecretBox.from_environment()
        except ConfigError as error:
            raise click.ClickException(str(error)) from None
    elif require_key:
        raise click.ClickException(f"{SECRET_KEY_ENV} is not set: it encrypts the stored tokens")
    else:
        box = None  # listing and deleting decrypt nothing (a deleted grant then cannot be revoked remotely)
    return ConnectionStore(engine, box)


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "never"


def connection_rows(connections: list[ConnectionInfo]) -> Table:
    table = Table("name", "provider", "account", "scopes", "status", "expires", "installation / site")
    for c in connections:
        where = str(c.installation_id) if c.installation_id else (c.site_url or "")
        status = c.status if not c.last_error else f"{c.status}: {c.last_error}"
        table.add_row(
            c.name, c.provider, c.account or "", " ".join(c.scopes), status, _when(c.expires_at), where
        )
    return table


@click.group()
def connections() -> None:
    """OAuth connections made by `dexxy connect` (tokens stored encrypted in ops.connections)."""


@connections.command("list")
def list_connections() -> None:
    """Name, provider, account, scopes, status and expiry of each connection; never a token."""
    found = _store(require_key=False).connections()
    if not found:
        click.echo("No connections: run `dexxy connect github` or `dexxy connect jira`.")
        return
    Console(width=200).print(connection_rows(found))


@connections.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Delete the connection NAME here and revoke its grant at the provider where it has an endpoint for it
    (GitHub: DELETE /applications/{client_id}/grant; Atlassian has none)."""
    removed = _store(require_key=False).remove(name)
    if removed is None:
        raise click.ClickException(f"no connection named {name}: `dexxy connections list` shows them")
    click.echo(f"Deleted the {name} connection from ops.connections.")
    if removed.info.provider == "github":
        app = GitHubOAuthApp.from_environment((env_value("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"))
        web = (app.web_url if app else "https://github.com") + "/settings/apps/authorizations"
        if app is None or not removed.access_token:
            click.echo(f"Not revoked at GitHub (no client settings or key here): revoke it at {web}")
        elif app.revoke(removed.access_token):
            click.echo("Revoked the grant at GitHub: its tokens no longer work.")
        else:
            click.echo(f"GitHub did not revoke the grant (already revoked or expired?): check {web}")
    else:
        click.echo(
            f"Atlassian has no endpoint to revoke a grant: remove the app's access at {ATLASSIAN_APPS_PAGE} "
            "(the deleted refresh token is no longer used here)."
        )


@connections.command("rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored token with the first key of DEXXY_SECRET_KEY (put the new key first, keep the
    old one after it until this has run, then drop it)."""
    try:
        count = _store(require_key=True).rotate_key()
    except ConfigError as error:  # a token no key opens: nothing was changed (one transaction)
        raise click.ClickException(str(error)) from None
    click.echo(f"Re-encrypted {count} connection(s) with the first key of {SECRET_KEY_ENV}.")
