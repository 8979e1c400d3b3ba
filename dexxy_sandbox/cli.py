"""`dexxy sandbox serve`: run the emulators in the foreground and print the `.env` lines that use them."""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

import click

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.org.pipeline_deployments import deployment_rules_env_line
from dexxy_sandbox.server import SandboxServer
from dexxy_sandbox.slack import RespondentConfig


def _parse_faults(ctx: click.Context, param: click.Parameter, value: str | None) -> FaultConfig:
    try:
        return FaultConfig.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from error


FAULTS_HELP = (
    "Seeded, replayable fault injection (same --seed and request order, same failures): comma-separated "
    "name=value settings, e.g. 'error_rate=0.05,error_rate@pulls=0.5,storm_every=200,storm_length=5'. "
    "Rates are per-request shares in [0, 1]. "
    "error_rate (500/502/503 on every endpoint); error_rate@SUBSTRING (that rate on routes whose template "
    "holds SUBSTRING, e.g. @pulls, @graphql; the longest match wins); "
    "secondary_rate_limit_rate, secondary_rate_limit_status=403|429 (single limited answers, "
    "Retry-After: 1); "
    "storm_every=N, storm_length=L, storm_status=429|403, storm_retry_after=S (from request N on, every N "
    "requests, L limited answers in a row); "
    "latency_ms (every request); slow_rate, slow_ms (a share of requests that much slower); "
    "drop_rate (connection closed before any answer); drop_mid_body_rate (status, headers and part of the "
    "body, then closed); truncated_rate (a 200 cut off half-way); malformed_rate (a complete 200 with one "
    "stray byte); token_expires_after_requests=N (then 401 for that token; GitHub App tokens too: a new one "
    "gets N more); vanish_rate (pull requests deleted between list and detail); bad_unicode_rate; "
    "graphql_partial_rate, graphql_partial_error=KIND (a GraphQL 200 with errors and partial data; KIND: "
    "mixed, NOT_FOUND or SERVICE_UNAVAILABLE); copilot=404|403|422 (an org without Copilot); "
    "groq_error_rate (Groq 500/502/503); groq_429_rate (Groq 429 with retry-after). "
    "'none' or empty: no faults."
)


@click.command("serve")
@click.option("--seed", type=int, default=7, show_default=True, help="Generator seed (same seed, same org).")
@click.option("--engineers", type=click.IntRange(min=1), default=12, show_default=True)
@click.option("--repos", type=click.IntRange(min=1), default=4, show_default=True)
@click.option("--days", type=click.IntRange(min=1), default=120, show_default=True, help="Days of history.")
@click.option(
    "--until",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of history [today, UTC].",
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True, help="0: any free port."
)
@click.option(
    "--faults",
    default="",
    callback=_parse_faults,
    help=FAULTS_HELP,
)
@click.option(
    "--rate-limit", type=click.IntRange(min=0), default=5000, show_default=True, help="Requests per hour."
)
@click.option("--token", "tokens", multiple=True, default=("sandbox-token",), show_default=True)
@click.option(
    "--app-key-file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Authenticate as the sandbox's GitHub App: write its private key here and print "
    "GITHUB_APP_* lines instead of GITHUB_TOKEN.",
)
@click.option(
    "--copilot",
    "copilot",
    type=click.Choice(["on", "404", "403", "422"]),
    default="on",
    show_default=True,
    help="An org without Copilot: every Copilot endpoint answers 404 (no Copilot), 403 (token without the "
    "Copilot scope) or 422 (Copilot not enabled), as GitHub does.",
)
@click.option(
    "--app-token-failures",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Fail the first N GitHub App installation-token requests (dropped, 502, secondary rate limit, ...).",
)
@click.option(
    "--secondary-limits/--no-secondary-limits",
    default=True,
    show_default=True,
    help="Enforce GitHub's secondary rate limits: 100 concurrent requests per token, 900 REST points and "
    "2,000 GraphQL points a minute (403 with Retry-After when exceeded).",
)
@click.option(
    "--time-scale",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Run the rate limits' clock this many times faster: every window and Retry-After is divided by it "
    "(Retry-After at least 1 s), so a benchmark meets GitHub's limits without waiting real minutes.",
)
@click.option(
    "--request-log",
    "request_log",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Append one JSON line per request to FILE: method, path, template, status, fault, rest_points, "
    "graphql_points, secondary_points, ms and the budget's owner (never the token).",
)
@click.option(
    "--slack-interactivity-url",
    default=None,
    help="Where simulated people answer the Slack surveys (e.g. http://127.0.0.1:8787/slack/interactivity, "
    "`dexxy webhooks serve`); signed with SLACK_SIGNING_SECRET from the environment, else the sandbox's. "
    "Unset: nobody answers.",
)
@click.option(
    "--simulated-replies/--no-simulated-replies",
    default=True,
    show_default=True,
    help="A pull request's author answers the PR survey's GitHub comment (DEXXY_SURVEY_GITHUB_COMMENT) "
    "with an `/ai none|some|most [tool]` reply, 90 s later, for most pull requests; --no-simulated-replies: "
    "nobody replies, so a survey stays unanswered until you reply. The Slack answers follow "
    "--slack-interactivity-url only.",
)
def serve(
    seed: int,
    engineers: int,
    repos: int,
    days: int,
    until: dt.datetime | None,
    host: str,
    port: int,
    faults: FaultConfig,
    rate_limit: int,
    tokens: tuple[str, ...],
    app_key_file: str | None,
    copilot: str,
    app_token_failures: int,
    secondary_limits: bool,
    time_scale: float,
    request_log: str | None,
    slack_interactivity_url: str | None,
    simulated_replies: bool,
) -> None:
    """Serve a synthetic GitHub organisation until Ctrl-C; the env lines go to stdout, the rest to stderr."""
    server = SandboxServer(
        seed=seed,
        engineers=engineers,
        repos=repos,
        days=days,
        until=until.date() if until else None,
        tokens=tokens,
        rate_limit_per_hour=rate_limit,
        faults=faults,
        host=host,
        port=port,
        copilot_unavailable_status=None if copilot == "on" else int(copilot),
        app_token_failures=app_token_failures,
        secondary_limits=secondary_limits,
        time_scale=time_scale,
        request_log_path=request_log,
        slack_respondent=RespondentConfig(
            interactivity_url=slack_interactivity_url,
            signing_secret=os.environ.get("SLACK_SIGNING_SECRET") or RespondentConfig.signing_secret,
        ),
        simulated_replies=simulated_replies,
    )
    org = server.org
    pulls = sum(len(org.pulls(repo.name)) for repo in org.repositories)
    server.start()
    try:  # Ctrl-C at any moment, even while the lines are printed, is a clean stop
        click.echo(
            f"# Dexxy sandbox: org {org.login}, {len(org.engineers)} engineers, "
            f"{len(org.repositories)} repos, {pulls} pull requests "
            f"from {org.start} to {org.as_of:%Y-%m-%d %H:%M} UTC; "
            f"faults: {faults.describe()}; copilot: {server.copilot_unavailable_status or 'on'}; "
            f"secondary limits: {'on' if secondary_limits else 'off'}; time scale: {time_scale:g}; "
            f"simulated replies: {'on' if simulated_replies else 'off'}",
            err=True,
        )
        click.echo("# Paste these into .env (Ctrl-C stops the sandbox):", err=True)
        for line in server.app_env_lines(app_key_file) if app_key_file else server.env_lines():
            click.echo(line)
        for line in server.jira.env_lines(server.jira_base_url):
            click.echo(line)
        click.echo(
            "# OAuth (`dexxy connect github|jira`): set DEXXY_SECRET_KEY and DEXXY_RECEIVER_URL too", err=True
        )
        for line in server.oauth_env_lines():
            click.echo(line)
        for line in server.slack_env_lines():
            click.echo(line)
        if rules := deployment_rules_env_line(server.org):  # repositories that deploy without the API
            click.echo(rules)
        sys.stdout.flush()
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        click.echo("# sandbox stopped", err=True)
    finally:
        server.stop()


if __name__ == "__main__":
    serve()
