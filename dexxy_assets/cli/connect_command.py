"""`dexxy connect github|jira`: start the OAuth flow the receiver serves and wait until it is stored.

The command prints the receiver's ``/oauth/{provider}/start`` URL (and opens a browser unless
``--no-browser``), then polls ``ops.connections`` (its non-secret columns only) until that connection was
written after the command started; for GitHub with GITHUB_APP_SLUG set, until its installation is stored too.
"""

from __future__ import annotations

import sys
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass

import click
import httpx
from sqlalchemy import Engine, text

from resources.environment import env_value
from resources.warehouse import resolve_database_url, warehouse_engine

DEFAULT_RECEIVER_URL = "http://127.0.0.1:8787"  # `dexxy webhooks serve`'s default address


@dataclass(frozen=True)
class Connected:
    account: str | None
    installation_id: int | None
    status: str
    last_error: str | None


def receiver_url() -> str:
    return (env_value("DEXXY_RECEIVER_URL") or DEFAULT_RECEIVER_URL).rstrip("/")


def database_now(engine: Engine) -> object:
    """The warehouse's clock: the receiver's writes are compared with it, not with this machine's."""
    with engine.connect() as conn:
        return conn.execute(text("SELECT now()")).scalar_one()


def connection_since(engine: Engine, name: str, since: object, need_installation: bool) -> Connected | None:
    """The connection ``name`` if it was written at or after ``since`` (and has an installation when
    ``need_installation``)."""
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT account, installation_id, status, last_error FROM ops.connections "
                "WHERE name = :n AND updated_at >= :since"
            ),
            {"n": name, "since": since},
        ).one_or_none()
    if row is None or (need_installation and row.installation_id is None):
        return None
    return Connected(row.account, row.installation_id, row.status, row.last_error)


def wait_for_connection(
    engine: Engine,
    name: str,
    since: object,
    *,
    need_installation: bool,
    timeout_seconds: float,
    poll_seconds: float = 1.0,
    progress: Callable[[float], None] = lambda elapsed: None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Connected | None:
    """Poll until the connection appears or ``timeout_seconds`` pass (None then)."""
    started = clock()
    while True:
        found = connection_since(engine, name, since, need_installation)
        if found is not None:
            return found
        elapsed = clock() - started
        if elapsed >= timeout_seconds:
            return None
        progress(elapsed)
        sleep(min(poll_seconds, max(timeout_seconds - elapsed, 0.01)))


def _progress_printer(provider: str, timeout: float) -> Callable[[float], None]:
    interactive = sys.stderr.isatty()
    shown = [False]

    def show(elapsed: float) -> None:
        line = f"waiting for the {provider} authorisation in the browser… {int(elapsed)}s of {int(timeout)}s"
        if interactive:
            click.echo(f"\r{line}", nl=False, err=True)
        elif not shown[0]:
            click.echo(
                f"waiting for the {provider} authorisation in the browser (up to {int(timeout)}s)…", err=True
            )
        shown[0] = True

    return show


@click.command()
@click.argument("provider", type=click.Choice(["github", "jira"]))
@click.option("--no-browser", is_flag=True, help="Only print the URL (e.g. on a server without a browser).")
@click.option(
    "--timeout", "timeout", default=300, show_default=True, type=click.IntRange(min=1), help="Seconds."
)
def connect(provider: str, no_browser: bool, timeout: int) -> None:
    """Connect GitHub (the GitHub App's user authorisation, then its installation) or Jira (Atlassian OAuth
    2.0) through the browser; the tokens are stored encrypted in ops.connections. `dexxy webhooks serve` must
    run with DEXXY_SECRET_KEY and the app's client settings, reachable at DEXXY_RECEIVER_URL."""
    base = receiver_url()
    try:
        httpx.get(f"{base}/healthz", timeout=5)
    except httpx.HTTPError:
        raise click.ClickException(
            f"the receiver does not answer at {base}: start `dexxy webhooks serve` (or set "
            "DEXXY_RECEIVER_URL)"
        ) from None
    engine = warehouse_engine(resolve_database_url())
    since = database_now(engine)
    url = f"{base}/oauth/{provider}/start"
    click.echo(f"Open this URL to connect {provider}: {url}")
    if not no_browser:
        try:
            webbrowser.open(url)
        except webbrowser.Error:
            pass  # no browser here: the printed URL is enough
    need_installation = provider == "github" and bool(env_value("GITHUB_APP_SLUG"))
    found = wait_for_connection(
        engine,
        provider,
        since,
        need_installation=need_installation,
        timeout_seconds=timeout,
        progress=_progress_printer(provider, timeout),
    )
    if sys.stderr.isatty():
        click.echo("", err=True)
    if found is None:
        raise click.ClickException(
            f"no {provider} connection was stored within {timeout}s: finish the authorisation at {url} (the "
            "receiver must run with DEXXY_SECRET_KEY and the OAuth client settings), then run "
            f"`dexxy connect {provider}` again"
        )
    installation = f", installation {found.installation_id}" if found.installation_id else ""
    click.echo(f"Connected {provider} as {found.account or 'unknown'}{installation}.")
