"""`dexxy demo`: the embedded warehouse and the sandbox, the last 30 days of every asset, a summary."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import time
from contextlib import ExitStack

import click
from rich.console import Console

from dexxy_assets.analytics.weekly_charts import latest_chart_paths
from dexxy_assets.cli.bench_pass import PULL_REQUEST_ASSETS
from dexxy_assets.cli.demo_summary import load_summary, print_chart_paths, print_summary
from dexxy_assets.cli.run_command import execute_range
from resources.warehouse import resolve_database_url, warehouse_engine
from sensors.webhook_receiver import Secrets, build_app, serving_in_background

DEMO_SEED = 7
DEMO_ENGINEERS = 12
DEMO_REPOS = 4
DEMO_HISTORY_DAYS = 120
SURVEY_DAYS = 3  # the Slack survey asks about pull requests merged in the last 72 hours
# the pull requests again too: the /ai replies to the survey's GitHub comments arrive as synced comments
SURVEY_REFRESH = " or ".join(
    (
        PULL_REQUEST_ASSETS,
        "key:slack/pr_surveys",
        "key:analytics/pull_requests",
        "key:analytics/ai_usage_daily",
    )
)


def sandbox_environment(server: object) -> dict[str, str]:
    """The sandbox's `KEY=value` lines as a dict (what `dexxy sandbox serve` prints), Jira's included."""
    jira_lines = server.jira.env_lines(server.jira_base_url)  # type: ignore[attr-defined]
    lines = [*server.env_lines(), *jira_lines]  # type: ignore[attr-defined]
    pairs = (line.split("=", 1) for line in lines if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


@click.command()
@click.option("--days", default=30, show_default=True, help="How many recent days to materialize.")
@click.option("--seed", default=DEMO_SEED, show_default=True, help="Sandbox seed.")
def demo(days: int, seed: int) -> None:
    """Run Dexxy end to end on a synthetic organisation, no credentials needed."""
    from dexxy_sandbox.server import SandboxServer  # demo wiring only: the product never imports the sandbox
    from dexxy_sandbox.slack import RespondentConfig, SlackConfig

    console = Console(stderr=True)
    started = time.monotonic()
    console.print("[bold]Dexxy demo[/bold]: embedded warehouse + GitHub, Copilot, Jira and Slack sandbox")
    url = resolve_database_url()
    warehouse_engine(url)
    # Slack surveys: the receiver runs here and the sandbox's people answer it; new secrets, never shown
    bot_token, signing_secret = f"xoxb-{secrets.token_urlsafe(24)}", secrets.token_urlsafe(32)
    server = SandboxServer(
        seed=seed,
        engineers=DEMO_ENGINEERS,
        repos=DEMO_REPOS,
        days=DEMO_HISTORY_DAYS,
        slack=SlackConfig(bot_token=bot_token),
    )
    with ExitStack() as running:
        server.start()
        running.callback(server.stop)
        app = build_app(warehouse_engine(url), Secrets(github=None, jira=None, slack=signing_secret))
        receiver = running.enter_context(serving_in_background(app))
        server.slack.configure_respondent(
            RespondentConfig(
                interactivity_url=f"{receiver}/slack/interactivity", signing_secret=signing_secret
            )
        )
        os.environ.update(sandbox_environment(server))
        os.environ.update(
            {
                "SLACK_API_URL": server.slack_api_url,
                "SLACK_BOT_TOKEN": bot_token,
                "SLACK_SIGNING_SECRET": signing_secret,
                "DEXXY_SURVEY_GITHUB_COMMENT": "true",  # people without Slack: asked on the pull request
            }
        )
        console.print(f"sandbox serving a synthetic org at {server.url}; Slack answers go to {receiver}")
        today = dt.datetime.now(dt.UTC).date()
        outcome = execute_range(today - dt.timedelta(days=days - 1), today, None, console)
        server.slack.respondent.wait_idle()
        if outcome.success:  # people found through the members and Jira just synced; answers into the marts
            since = today - dt.timedelta(days=min(days, SURVEY_DAYS))
            outcome = execute_range(since, today, SURVEY_REFRESH, console)
            server.slack.respondent.wait_idle()
    if not outcome.success:
        console.print(f"[red]demo run failed:[/red] {outcome.error}")
        sys.exit(1)
    counts, weekly = load_summary(warehouse_engine(url))
    print_summary(console, counts, weekly)
    print_chart_paths(console, latest_chart_paths())
    console.print(
        f"Done in {time.monotonic() - started:.0f}s (run {outcome.run_id}). "
        "Open the Dagster UI on the same data with [bold]make dev[/bold] → http://127.0.0.1:3000"
    )
