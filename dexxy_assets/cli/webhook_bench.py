"""`dexxy bench` — webhook freshness: how long from a pull-request event received to the change visible in
``analytics.pull_requests``, p95 at the webhook sensor's default interval.

Method. Every step that does work is real and timed: the signed POST to the receiver over HTTP (to its 202),
the sensor's tick on the inbox (``build_sensor_context``), the run it requests, executed as requested
(today's partition of the pull-request assets, their staging, AI detection and the marts, in process)
against the sandbox in its own process, and the start of a run worker (a fresh interpreter loading the
code location, as the run launcher does). What is waiting is added as the daemon would impose it, not
slept: an event arrives at a uniformly spread phase of the sensor's interval (event i of n waits
``(i + 0.5) / n`` of it for the next tick), and the queued run coordinator's dequeue loop is charged its
full interval. Events come one at a time (a burst coalesces into one waiting run per day: at most one run
more). The change is visible when the first run whose fetch began after the event has rebuilt
``analytics.pull_requests``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import dagster as dg
import httpx

from dexxy_assets.definitions import defs
from resources.warehouse import WarehouseResource
from sensors import webhook_signature
from sensors.webhook_receiver import Secrets, build_app, serving_in_background
from sensors.webhook_sensor import DEFAULT_INTERVAL_SECONDS, SENSOR_NAME

FRESHNESS_TARGET_SECONDS = 60
DEQUEUE_INTERVAL_SECONDS = 5  # QueuedRunCoordinator's default dequeue_interval_seconds
ANALYTICS_PULL_REQUESTS = dg.AssetKey(["analytics", "pull_requests"])


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


@dataclass
class FreshnessResult:
    events: int
    receive_ms: list[float]
    tick_s: list[float]
    run_s: list[float]
    worker_start_s: float
    latencies_s: list[float]

    @property
    def p95(self) -> float:
        return p95(self.latencies_s)

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_s)


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """The run's resources read the environment (as in a deployment): point them at the bench's services."""
    before = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in before.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def worker_start_seconds() -> float:
    """A run worker's start: a new interpreter importing Dagster and loading the code location."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from dexxy_assets.definitions import defs; defs()"],
        check=True,
        capture_output=True,
        env=os.environ.copy(),
    )
    return time.perf_counter() - started


def latest_pull_request(api_url: str, token: str, org: str) -> dict:
    """The sandbox's most recently updated pull request, as the REST API (and a webhook) describes it."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=api_url, headers=headers, timeout=30) as client:
        repos = client.get(f"/orgs/{org}/repos", params={"per_page": 100}).json()
        pulls = [
            pr
            for repo in repos
            for pr in client.get(
                f"/repos/{repo['full_name']}/pulls",
                params={"state": "all", "sort": "updated", "direction": "desc", "per_page": 1},
            ).json()
        ]
    return max(pulls, key=lambda pr: pr["updated_at"])


def materialize_request(
    definitions: dg.Definitions, request: dg.RunRequest, instance: dg.DagsterInstance
) -> bool:
    result = dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
        selection=request.asset_selection,
        resources=dict(definitions.resources or {}),
        instance=instance,
        tags=request.tags,
        run_config={
            **(request.run_config or {}),
            "loggers": {"console": {"config": {"log_level": "WARNING"}}},
        },
        raise_on_error=False,
    )
    built = {event.asset_key for event in result.get_asset_materialization_events()}
    return result.success and ANALYTICS_PULL_REQUESTS in built


def measure_webhook_freshness(
    sandbox_env: Mapping[str, str], database_url: str, events: int
) -> FreshnessResult:
    """``sandbox_env``: the lines the sandbox prints (GITHUB_API_URL, GITHUB_TOKEN, GITHUB_ORGS, ...)."""
    today = dt.datetime.now(dt.UTC).date()
    secret = secrets.token_hex(16)
    values = {
        **{k: v for k, v in sandbox_env.items() if k.startswith("GITHUB_")},
        "GITHUB_FETCH_MODE": "graphql",
        "DATABASE_URL": database_url,
        "DEXXY_START_DATE": (today - dt.timedelta(days=7)).isoformat(),
    }
    with environment(values):
        definitions = defs()
        sensor = next(s for s in definitions.sensors or [] if s.name == SENSOR_NAME)
        instance = dg.DagsterInstance.ephemeral()
        warehouse = WarehouseResource()
        pull = latest_pull_request(values["GITHUB_API_URL"], values["GITHUB_TOKEN"], values["GITHUB_ORGS"])
        worker_start = worker_start_seconds()
        receive_ms: list[float] = []
        tick_s: list[float] = []
        run_s: list[float] = []
        cursor: str | None = None
        app = build_app(warehouse.engine(), Secrets(github=secret, jira=None))
        with (
            serving_in_background(app) as url,
            httpx.Client(base_url=url) as sender,
        ):  # one connection: a sender's TLS/client set-up is not the receiver's time
            for i in range(events + 1):  # the first round warms the warehouse and caches (not counted)
                pull["updated_at"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                body = json.dumps(
                    {"action": "synchronize", "number": pull["number"], "pull_request": pull}
                ).encode()
                started = time.perf_counter()
                answer = sender.post(
                    "/webhooks/github",
                    content=body,
                    headers={
                        "X-GitHub-Delivery": f"bench-{today}-{secrets.token_hex(8)}",
                        "X-GitHub-Event": "pull_request",
                        "X-Hub-Signature-256": webhook_signature.sign(secret, body),
                        "Content-Type": "application/json",
                    },
                )
                received = time.perf_counter() - started
                if answer.status_code != 202:
                    raise RuntimeError(f"the receiver answered {answer.status_code}")
                started = time.perf_counter()
                context = dg.build_sensor_context(
                    instance=instance,
                    cursor=cursor,
                    resources={"warehouse": warehouse},
                    definitions=definitions,
                )
                result = sensor(context)
                ticked = time.perf_counter() - started
                if not isinstance(result, dg.SensorResult) or len(result.run_requests or []) != 1:
                    raise RuntimeError(f"the sensor did not request one run: {result}")
                cursor = result.cursor
                started = time.perf_counter()
                if not materialize_request(definitions, (result.run_requests or [])[0], instance):
                    raise RuntimeError("the webhook run failed or did not rebuild analytics.pull_requests")
                ran = time.perf_counter() - started
                if i > 0:
                    receive_ms.append(received * 1000)
                    tick_s.append(ticked)
                    run_s.append(ran)
    latencies = [
        receive_ms[i] / 1000
        + (i + 0.5) / events * DEFAULT_INTERVAL_SECONDS
        + tick_s[i]
        + DEQUEUE_INTERVAL_SECONDS
        + worker_start
        + run_s[i]
        for i in range(events)
    ]
    return FreshnessResult(events, receive_ms, tick_s, run_s, worker_start, latencies)
