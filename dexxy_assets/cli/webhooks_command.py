"""`dexxy webhooks serve`: the webhook receiver on uvicorn (see ``sensors/webhook_receiver.py``)."""

from __future__ import annotations

import logging

import click
import uvicorn

from resources.environment import env_value
from resources.warehouse import resolve_database_url, warehouse_engine
from sensors.oauth_routes import RedactOAuthQueries, settings_or_error
from sensors.webhook_receiver import Secrets, build_app

GITHUB_SECRET_VARIABLE = "GITHUB_WEBHOOK_SECRET"
JIRA_SECRET_VARIABLE = "JIRA_WEBHOOK_SECRET"
SLACK_SECRET_VARIABLE = "SLACK_SIGNING_SECRET"


def secrets_from_environment() -> Secrets:
    """Secrets come only from the environment (or .env), never from the command line."""
    return Secrets(
        github=env_value(GITHUB_SECRET_VARIABLE),
        jira=env_value(JIRA_SECRET_VARIABLE),
        slack=env_value(SLACK_SECRET_VARIABLE),
    )


@click.group()
def webhooks() -> None:
    """Receive GitHub and Jira webhooks into ops.webhook_inbox (the webhook_inbox sensor requests runs)."""


@webhooks.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8787, show_default=True, type=int, help="TCP port.")
def serve(host: str, port: int) -> None:
    """POST /webhooks/github, POST /webhooks/jira, POST /slack/interactivity, GET /healthz. Secrets:
    GITHUB_WEBHOOK_SECRET, JIRA_WEBHOOK_SECRET, SLACK_SIGNING_SECRET (an endpoint whose secret is unset
    answers 503)."""
    secrets = secrets_from_environment()
    named = (
        (GITHUB_SECRET_VARIABLE, secrets.github),
        (JIRA_SECRET_VARIABLE, secrets.jira),
        (SLACK_SECRET_VARIABLE, secrets.slack),
    )
    for name, value in named:
        if not value:
            click.echo(f"{name} is not set: that endpoint answers 503 until it is.", err=True)
    oauth, oauth_error = settings_or_error()  # `dexxy connect`: DEXXY_SECRET_KEY + OAuth client settings
    if oauth_error:
        raise click.ClickException(oauth_error)
    providers = oauth.configured() if oauth else []
    if not (any(value for _, value in named) or providers):
        raise click.ClickException(
            f"set at least one of {', '.join(name for name, _ in named)}, or DEXXY_SECRET_KEY and the OAuth "
            "client settings (GITHUB_APP_CLIENT_ID/SECRET, JIRA_OAUTH_CLIENT_ID/SECRET) first"
        )
    click.echo(f"OAuth flows (dexxy connect): {', '.join(providers) or 'off'}", err=True)
    logging.getLogger("uvicorn.access").addFilter(RedactOAuthQueries())  # no code or state in the log
    app = build_app(warehouse_engine(resolve_database_url()), secrets, oauth)
    click.echo(
        f"webhook receiver on http://{host}:{port} "
        "(POST /webhooks/github, /webhooks/jira, /slack/interactivity; GET /oauth/{provider}/start)"
    )
    uvicorn.run(app, host=host, port=port, log_level="info")
