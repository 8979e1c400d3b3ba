"""The webhook examples end to end: GitHub's real payloads, signed and posted over HTTP to the receiver,
handed on by the sensor (``build_sensor_context``), and the run it requests executed against the sandbox,
land exactly the staging rows that the API path (the nightly sync of the same day) lands; and the pull
requests are visible in ``analytics.pull_requests``.

The examples describe objects of octocat's 2019 repositories, which the sandbox does not serve; each is
posted as GitHub sends it except that its dates are moved to a day of the sandbox's organisation, so the
partition it touches is one with data. What lands is what the API serves for that day: a webhook only tells
Dexxy which partition to refresh, never what to store."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from typing import Any

import dagster as dg
import httpx
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from resources.groq_llm import GroqLLMResource
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from sensors import webhook_signature
from sensors.stale_code_version import RANGE_START_TAG
from sensors.webhook_receiver import Secrets, build_app, serving_in_background
from sensors.webhook_sensor import SENSOR_NAME
from tests.conftest import SPECS_DIR
from tests.github_runs import github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

EXAMPLES = SPECS_DIR / "github" / "webhook-examples"
SECRET = "e2e-secret"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?=T)")
# Installation events change scopes (tests/test_webhook_scope_events.py), not partitions.
LIFECYCLE = ("installation.", "installation_repositories.")
STAGING = (
    "staging.github_pull_requests",
    "staging.github_pr_reviews",
    "staging.github_pr_commits",
    "staging.github_pr_files",
    "staging.github_pr_check_runs",
    "staging.github_pr_comments",
    "staging.github_deployments",
    "staging.github_deployment_commits",
)


def moved_to(value: Any, day: dt.date) -> Any:
    """Every ISO timestamp in the payload on ``day`` (same time of day); everything else as sent."""
    if isinstance(value, dict):
        return {k: moved_to(v, day) for k, v in value.items()}
    if isinstance(value, list):
        return [moved_to(v, day) for v in value]
    if isinstance(value, str):
        return _DATE.sub(day.isoformat(), value)
    return value


def busiest_day(server) -> dt.date:  # type: ignore[no-untyped-def]
    """The sandbox's day with the most pull requests updated."""
    days = Counter(pr.updated_at.date() for pulls in server.org.pulls_by_repo.values() for pr in pulls)
    return max(days, key=lambda d: (days[d], d))


def staging_rows(warehouse: WarehouseResource, table: str) -> list[tuple]:
    """Every row but its fetch time (the two paths fetch at different moments), in a stable order."""
    schema, name = table.split(".")
    with warehouse.connect() as conn:
        columns = [
            c
            for c in conn.scalars(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = :s AND "
                    "table_name = :t AND column_name NOT IN ('fetched_at', 'staged_at') "
                    "ORDER BY ordinal_position"
                ),
                {"s": schema, "t": name},
            )
        ]
        sql = render_sql("SELECT {{ c | ident_list }} FROM {{ t | ident }}", c=columns, t=table)
        return sorted((tuple(r) for r in conn.execute(text(sql))), key=repr)


def test_webhook_examples_land_as_the_api_path_does(
    warehouse: WarehouseResource, make_database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip(f"{EXAMPLES} is absent (the shared specs are not cloned here)")
    examples = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.startswith(LIFECYCLE))
    with running_sandbox() as server:
        day = busiest_day(server)
        monkeypatch.setenv("DEXXY_START_DATE", (SANDBOX_UNTIL - dt.timedelta(days=60)).isoformat())
        github = github_resource(server)
        with serving_in_background(build_app(warehouse.engine(), Secrets(github=SECRET, jira=None))) as url:
            for path in examples:
                body = json.dumps(moved_to(json.loads(path.read_text()), day)).encode()
                headers = {
                    "X-GitHub-Delivery": path.name,
                    "X-GitHub-Event": path.name.split(".")[0],
                    "X-Hub-Signature-256": webhook_signature.sign(SECRET, body),
                    "Content-Type": "application/json",
                }
                assert httpx.post(f"{url}/webhooks/github", content=body, headers=headers).status_code == 202

        definitions = defs()
        instance = dg.DagsterInstance.ephemeral()
        context = dg.build_sensor_context(
            instance=instance, resources={"warehouse": warehouse}, definitions=definitions
        )
        result = next(s for s in definitions.sensors or [] if s.name == SENSOR_NAME)(context)
        assert isinstance(result, dg.SensorResult)
        requests = {r.tags[RANGE_START_TAG]: r for r in result.run_requests or []}
        # the examples without a date of their own (a push deleting a branch) touch the day received
        assert set(requests) <= {day.isoformat(), dt.datetime.now(dt.UTC).date().isoformat()}
        request = requests[day.isoformat()]
        run = dg.materialize(
            assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
            selection=request.asset_selection,
            resources={
                **(definitions.resources or {}),
                "warehouse": warehouse,
                "github": github,
                "llm": GroqLLMResource(),
            },
            instance=instance,
            tags=request.tags,
            run_config=request.run_config,
        )
        assert run.success

        api_path = WarehouseResource(database_url=make_database())
        assert materialize_range(api_path, github, day, day, selection="group:github").success

    with warehouse.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM ops.webhook_inbox WHERE processed_at IS NULL")) == 0
        assert conn.scalar(text("SELECT count(*) FROM ops.webhook_inbox")) == len(examples)
    pull_requests = staging_rows(warehouse, "staging.github_pull_requests")
    assert pull_requests, f"the sandbox has pull requests updated on {day}"
    for table in STAGING:
        assert staging_rows(warehouse, table) == staging_rows(api_path, table), table
    with warehouse.connect() as conn:
        visible = conn.scalar(text("SELECT count(*) FROM analytics.pull_requests"))
    assert visible == len(pull_requests)
