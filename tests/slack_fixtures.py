"""Slack survey test wiring: the sandbox's Slack, the receiver in-process, and runs of slack/pr_surveys over
days a github load staged first (tests may import both the product and the sandbox)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import dagster as dg
import httpx
import pytest
from sqlalchemy import text

from dexxy_assets.cli.bench_pass import PULL_REQUEST_ASSETS
from dexxy_sandbox.server import SandboxServer
from dexxy_sandbox.slack import RespondentConfig
from resources.github import GitHubResource
from resources.slack import SlackResource
from resources.warehouse import WarehouseResource
from sensors.slack_interactivity import signature
from sensors.webhook_receiver import Secrets, build_app, serving_in_background
from tests.conftest import fresh_database
from tests.github_runs import github_resource, materialize_selection
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

SIGNING_SECRET = "test-slack-signing-secret"
DAYS = (SANDBOX_UNTIL - dt.timedelta(days=5), SANDBOX_UNTIL - dt.timedelta(days=1))
GITHUB = PULL_REQUEST_ASSETS  # fetched and staged
SURVEYS = "key:slack/pr_surveys"


def slack_resource(server: SandboxServer, **overrides: Any) -> SlackResource:
    """The sandbox's bot; every sandbox day is within the survey's age (the sandbox's "today" is fixed)."""
    settings: dict[str, Any] = {
        "bot_token": server.slack.config.bot_token,
        "signing_secret": SIGNING_SECRET,
        "api_url": server.slack_api_url,
        "max_age_hours": 24 * 365 * 10,
        **overrides,
    }
    return SlackResource(**settings)


def materialize(
    warehouse: WarehouseResource,
    server: SandboxServer | None,
    selection: str,
    slack: SlackResource | None = None,
    days: tuple[dt.date, dt.date] | None = DAYS,
) -> dg.ExecuteInProcessResult:
    """The real definitions' ``selection`` over ``days`` (None: an unpartitioned selection), with the
    sandbox's GitHub and Slack (``slack`` unset: the sandbox's bot)."""
    github = github_resource(server) if server else GitHubResource()
    tags = (
        {
            "dagster/asset_partition_range_start": days[0].isoformat(),
            "dagster/asset_partition_range_end": days[1].isoformat(),
        }
        if days
        else {}
    )
    chosen = slack or (slack_resource(server) if server else SlackResource())
    return materialize_selection(warehouse, github, selection, tags=tags, resources={"slack": chosen})


@dataclass(frozen=True)
class World:
    server: SandboxServer
    warehouse: WarehouseResource


@contextmanager
def staged_world(server_url: str, home: Path, unset: tuple[str, ...]) -> Iterator[World]:
    """One sandbox and one warehouse with the days' pull requests staged and the members synced (the slow
    part, done once per module), with the ``unset`` variables out of the environment."""
    with (
        fresh_database(server_url) as url,
        pytest.MonkeyPatch.context() as env,
        running_sandbox(engineers=8, repos=2, days=12) as server,
    ):
        env.setenv("DEXXY_HOME", str(home))
        env.setenv("DEXXY_START_DATE", "2026-01-01")
        for variable in unset:
            env.delenv(variable, raising=False)
        warehouse = WarehouseResource(database_url=url)
        assert materialize(warehouse, server, f"{GITHUB} or key:processing/pr_ai_detection").success
        assert materialize(warehouse, server, "key:github/members", days=None).success
        yield World(server, warehouse)


def survey_verdicts(warehouse: WarehouseResource) -> tuple[dict[int, Any], list[Any]]:
    """Build the marts the survey feeds; then analytics.pull_requests' AI verdicts by pr_id, and the survey
    rows of analytics.ai_usage_daily."""
    marts = "key:analytics/pull_requests or key:analytics/ai_usage_daily or key:analytics/team_members"
    assert materialize(warehouse, None, marts, SlackResource(), days=None).success
    with warehouse.connect() as conn:
        prs = {
            row.pr_id: row
            for row in conn.execute(
                text(
                    "SELECT pr_id, is_ai_assisted, llm_is_ai_assisted, effective_is_ai_assisted, "
                    "effective_ai_tools, survey_ai_answer FROM analytics.pull_requests"
                )
            )
        }
        usage = list(conn.execute(text("SELECT * FROM analytics.ai_usage_daily WHERE source = 'survey'")))
    return prs, usage


@contextmanager
def receiver(warehouse: WarehouseResource, secret: str = SIGNING_SECRET) -> Iterator[str]:
    """The webhook receiver with the Slack signing secret, on a free port; yields its base URL."""
    app = build_app(warehouse.engine(), Secrets(github=None, jira=None, slack=secret))
    with serving_in_background(app) as url:
        yield url


def answering(server: SandboxServer, receiver_url: str | None, never_answer_share: float = 0.2) -> None:
    """Point the sandbox's simulated people at the receiver (None: nobody answers)."""
    url = f"{receiver_url}/slack/interactivity" if receiver_url else None
    server.slack.configure_respondent(
        RespondentConfig(
            interactivity_url=url, signing_secret=SIGNING_SECRET, never_answer_share=never_answer_share
        )
    )


def click(
    receiver_url: str,
    user_id: str,
    value: str,
    *,
    action_ts: str | None = None,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    tools: tuple[str, ...] = (),
) -> httpx.Response:
    """POST a signed block_actions click on a survey button, as Slack would."""
    now = time.time()
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "someone", "team_id": "T0DEXXY01"},
        "container": {"type": "message", "message_ts": "1.000001", "channel_id": "D" + user_id[1:]},
        "state": {
            "values": {
                "tools:1": {
                    "dexxy_survey_tools": {
                        "type": "checkboxes",
                        "selected_options": [{"value": tool} for tool in tools],
                    }
                }
            }
        },
        "actions": [
            {
                "action_id": f"dexxy_survey_answer_{value.rsplit(':', 1)[-1]}",
                "block_id": "answer:1",
                "value": value,
                "type": "button",
                "action_ts": action_ts or f"{now:.6f}",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    stamp = str(timestamp if timestamp is not None else int(now))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature(secret, stamp, body),
    }
    return httpx.post(f"{receiver_url}/slack/interactivity", content=body, headers=headers)
