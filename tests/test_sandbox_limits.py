"""The sandbox under GitHub's real limits: secondary rate limits (concurrency, REST and GraphQL points per
minute, 403/429 with Retry-After), Cache-Control / Last-Modified / If-Modified-Since, the request log with
each request's cost, and Dexxy's client getting through them."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.secondary_limits import GRAPHQL_DOCS, REST_DOCS, SecondaryLimitConfig, SecondaryLimits
from dexxy_sandbox.server import SandboxServer
from resources.github_client import GitHubClient
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL

QUERY = "query { rateLimit { cost } viewer { login } }"


def _server(**kwargs: object) -> SandboxServer:
    settings: dict[str, object] = dict(
        seed=11, engineers=4, repos=2, days=20, until=SANDBOX_UNTIL, tokens=(SANDBOX_TOKEN, "second-token")
    )
    settings.update(kwargs)
    return SandboxServer(**settings)  # type: ignore[arg-type]


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(headers={"Authorization": f"token {SANDBOX_TOKEN}"}, timeout=30) as client:
        yield client


def _repo_url(server: SandboxServer) -> str:
    return f"{server.github_api_url}/repos/{server.org.login}/{server.org.repositories[0].name}"


def _assert_secondary_limited(response: httpx.Response, status: int, docs: str) -> None:
    assert response.status_code == status
    assert int(response.headers["retry-after"]) >= 1
    body = response.json()
    assert body["message"].startswith("You have exceeded a secondary rate limit.")
    assert body["documentation_url"] == docs and body["status"] == str(status)
    assert int(response.headers["x-ratelimit-remaining"]) > 0  # the primary budget is not what ran out


# ----- secondary rate limits -----


def test_rest_points_per_minute_get_weighs_one_and_post_five(http: httpx.Client) -> None:
    with _server(secondary_limits=SecondaryLimitConfig(rest_points_per_minute=8)) as server:
        url = _repo_url(server)
        jwt = server.app.make_jwt()
        token_url = f"{server.github_api_url}/app/installations/{server.installation_id}/access_tokens"
        created = httpx.post(token_url, headers={"Authorization": f"Bearer {jwt}"})
        assert created.status_code == 201  # 5 points, of the app's own budget
        for _ in range(8):
            assert http.get(url).status_code == 200
        _assert_secondary_limited(http.get(url), 403, REST_DOCS)
        other = httpx.get(url, headers={"Authorization": "token second-token"})
        assert other.status_code == 200  # budgets are per token
        for _ in range(3):  # a second POST would make 10 points of the app's 8: a POST weighs five
            httpx.post(token_url, headers={"Authorization": f"Bearer {jwt}"})
        posts = [e.status for e in server.request_log.entries if e.method == "POST"]
        assert posts == [201, 403, 403, 403]
        assert server.secondary_limits is not None and server.secondary_limits.refused["rest"] == 4


def test_graphql_points_per_minute_are_counted_apart_from_rest(http: httpx.Client) -> None:
    config = SecondaryLimitConfig(graphql_points_per_minute=7, status=429)
    with _server(secondary_limits=config) as server:
        graphql = f"{server.github_api_url}/graphql"
        mutation = 'mutation { addStar(input: {starrableId: "x"}) { clientMutationId } }'
        http.post(graphql, json={"query": mutation})  # refused by the sandbox, still weighs five
        assert http.post(graphql, json={"query": QUERY}).status_code == 200
        assert http.post(graphql, json={"query": QUERY}).status_code == 200
        _assert_secondary_limited(http.post(graphql, json={"query": QUERY}), 429, GRAPHQL_DOCS)
        assert http.get(_repo_url(server)).status_code == 200  # REST has its own budget


def test_time_scale_shortens_retry_after_but_never_below_a_second(http: httpx.Client) -> None:
    config = SecondaryLimitConfig(rest_points_per_minute=1)
    with _server(secondary_limits=config) as real, _server(secondary_limits=config, time_scale=120) as fast:
        waits = {}
        for name, server in (("real", real), ("fast", fast)):
            url = _repo_url(server)
            http.get(url)
            waits[name] = int(http.get(url).headers["retry-after"])
    assert 30 < waits["real"] <= 60  # the rest of the minute that started with the first request
    assert waits["fast"] == 1  # half a second, rounded up to GitHub's whole seconds


def test_time_scale_shortens_a_storm_faults_retry_after_too(http: httpx.Client) -> None:
    """A storm's Retry-After is a limit's wait: divided by the time scale like every window, and answered
    in the same words as an enforced limit (one builder for both)."""
    storm = "storm_every=2,storm_length=1,storm_status=429,storm_retry_after=60"
    waits = {}
    for scale in (1, 30, 120):
        with _server(faults=storm, time_scale=scale) as server:
            url = _repo_url(server)
            assert http.get(url).status_code == 200
            refused = http.get(url)
            _assert_secondary_limited(refused, 429, REST_DOCS)
            waits[scale] = int(refused.headers["retry-after"])
    assert waits == {1: 60, 30: 2, 120: 1}  # half a second rounds up to a whole one


def test_the_point_window_restarts_after_a_minute() -> None:
    now = [1000.0]
    limits = SecondaryLimits(SecondaryLimitConfig(rest_points_per_minute=2), clock=lambda: now[0])
    assert limits.charge("t", "rest", 1) is None and limits.charge("t", "rest", 1) is None
    refusal = limits.charge("t", "rest", 1)
    assert refusal is not None and refusal.retry_after == 60
    now[0] += 45
    refused = limits.charge("t", "rest", 1)
    assert refused is not None and refused.retry_after == 15
    now[0] += 15
    assert limits.charge("t", "rest", 1) is None  # a fresh window


def test_more_than_the_allowed_concurrent_requests_are_refused() -> None:
    config = SecondaryLimitConfig(concurrent_requests=2)
    with _server(secondary_limits=config, faults=FaultConfig(latency_ms=1500)) as server:
        url = _repo_url(server)
        start = threading.Barrier(5)
        statuses: list[int] = []

        def call() -> None:
            start.wait()
            statuses.append(httpx.get(url, headers={"Authorization": f"token {SANDBOX_TOKEN}"}).status_code)

        threads = [threading.Thread(target=call) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert server.secondary_limits is not None
        assert server.secondary_limits.in_flight(f"in-flight:{SANDBOX_TOKEN}") == 0  # all released
    assert statuses.count(200) >= 2 and statuses.count(403) >= 1
    assert statuses.count(200) + statuses.count(403) == 5


def test_secondary_limits_are_off_unless_asked(http: httpx.Client) -> None:
    with _server() as server:
        url = _repo_url(server)
        assert all(http.get(url).status_code == 200 for _ in range(30))
        assert server.secondary_limits is None


# ----- Cache-Control, Last-Modified, If-Modified-Since -----


def test_gets_carry_cache_control_last_modified_and_vary(http: httpx.Client) -> None:
    with _server() as server:
        repo = server.org.repositories[0]
        response = http.get(_repo_url(server))
        assert response.headers["cache-control"] == "private, max-age=60, s-maxage=60"
        assert "Authorization" in response.headers["vary"] and "Accept" in response.headers["vary"]
        modified = email.utils.parsedate_to_datetime(response.headers["last-modified"])
        assert modified == repo.updated_at.replace(microsecond=0)
        pulls = http.get(f"{_repo_url(server)}/pulls", params={"state": "all", "per_page": 5})
        newest = max(pr["updated_at"] for pr in pulls.json())
        listed = email.utils.parsedate_to_datetime(pulls.headers["last-modified"])
        assert listed.strftime("%Y-%m-%dT%H:%M:%SZ") == newest  # the page's newest item


def test_if_modified_since_answers_304_for_free(http: httpx.Client) -> None:
    with _server() as server:
        url = _repo_url(server)
        first = http.get(url)
        last_modified = first.headers["last-modified"]
        used = int(first.headers["x-ratelimit-used"])
        unchanged = http.get(url, headers={"If-Modified-Since": last_modified})
        assert unchanged.status_code == 304 and unchanged.content == b""
        assert unchanged.headers["last-modified"] == last_modified
        assert int(unchanged.headers["x-ratelimit-used"]) == used  # a 304 costs nothing
        earlier = email.utils.format_datetime(
            email.utils.parsedate_to_datetime(last_modified).replace(year=2020), usegmt=True
        )
        changed = http.get(url, headers={"If-Modified-Since": earlier})
        assert changed.status_code == 200 and int(changed.headers["x-ratelimit-used"]) == used + 1
        assert http.get(url, headers={"If-Modified-Since": "not a date"}).status_code == 200
        stale_tag = http.get(url, headers={"If-None-Match": 'W/"other"', "If-Modified-Since": last_modified})
        assert stale_tag.status_code == 200  # If-None-Match decides when both are sent
        assert server.request_log.not_modified == 1


# ----- the request log -----


def test_request_log_file_has_one_line_per_request_with_its_cost(tmp_path: Path, http: httpx.Client) -> None:
    log_file = tmp_path / "requests.jsonl"
    with _server(request_log_path=log_file, secondary_limits=True) as server:
        url = _repo_url(server)
        etag = http.get(url).headers["etag"]
        http.get(url, headers={"If-None-Match": etag})
        answer = http.post(f"{server.github_api_url}/graphql", json={"query": QUERY}).json()
        big = 'query { search(type: ISSUE, query: "is:pr", first: 100) { nodes { __typename } } }'
        http.post(f"{server.github_api_url}/graphql", json={"query": big})
        httpx.get(url)  # unauthenticated
        in_memory = (server.request_log.rest_points, server.request_log.graphql_points)
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [(line["method"], line["status"]) for line in lines] == [
        ("GET", 200),
        ("GET", 304),
        ("POST", 200),
        ("POST", 200),
        ("GET", 401),
    ]
    assert [line["rest_points"] for line in lines] == [1, 0, 0, 0, 0]
    graphql_points = [line["graphql_points"] for line in lines]
    assert graphql_points[2] == answer["data"]["rateLimit"]["cost"] == 1
    assert graphql_points[3] >= 1 and sum(graphql_points) == graphql_points[2] + graphql_points[3]
    assert lines[0]["template"] == "/repos/{owner}/{repo}" and lines[2]["template"] == "/graphql"
    assert all({"path", "fault", "ms", "secondary_points"} <= set(line) and line["ms"] >= 0 for line in lines)
    assert lines[0]["owner"].startswith("user ID ") and lines[4]["owner"] == ""
    assert SANDBOX_TOKEN not in log_file.read_text()
    assert in_memory == (1, sum(graphql_points))


def test_serve_writes_the_request_log_and_enforces_secondary_limits_by_default(tmp_path: Path) -> None:
    log_file = tmp_path / "serve.jsonl"
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--port", "0", "--days", "14", "--engineers", "4"]
    command += ["--request-log", str(log_file), "--time-scale", "60"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stdout is not None
        settings = dict(process.stdout.readline().strip().split("=", 1) for _ in range(4))
        api, token = settings["GITHUB_API_URL"], settings["GITHUB_TOKEN"]
        headers = {"Authorization": f"token {token}"}
        assert httpx.get(f"{api}/orgs/{settings['GITHUB_ORGS']}", headers=headers).status_code == 200
        process.send_signal(signal.SIGINT)
        _, banner = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert "secondary limits: on; time scale: 60" in banner
    [line] = [json.loads(text) for text in log_file.read_text().splitlines()]
    assert line["template"] == "/orgs/{org}" and line["rest_points"] == 1 and line["secondary_points"] == 1


# ----- Dexxy's client under the limits -----


def test_dexxys_client_waits_out_secondary_limits_and_gets_everything() -> None:
    config = SecondaryLimitConfig(rest_points_per_minute=6)
    with _server(secondary_limits=config, time_scale=60) as server:  # six requests a second
        repo = server.org.repositories[0].name
        with GitHubClient(server.github_api_url, SANDBOX_TOKEN) as client:
            items = list(
                client.paginate(f"repos/{server.org.login}/{repo}/pulls", {"state": "all", "per_page": 2})
            )
            usage = client.usage
        refused = server.request_log.forbidden
    assert len(items) == len(server.org.pulls_by_repo[repo])
    assert refused >= 1 and usage.statuses[403] == refused
    assert usage.throttled_waits == refused and usage.throttled_seconds >= refused  # Retry-After: 1


def test_while_one_thread_waits_out_a_secondary_limit_the_others_hold_off() -> None:
    """GitHub may ban an integration that keeps sending while limited: once one request is told to wait,
    a request from another thread waits for the same moment instead of being refused too."""
    config = SecondaryLimitConfig(rest_points_per_minute=1)
    with _server(secondary_limits=config, time_scale=30) as server:  # two-second windows
        url = f"repos/{server.org.login}/{server.org.repositories[0].name}"
        others: list[object] = []
        waits: list[float] = []

        def sleep(seconds: float) -> None:  # the first wait: another thread asks meanwhile
            waits.append(seconds)
            if len(waits) == 1:
                other = threading.Thread(target=lambda: others.append(client.get(url)))
                other.start()
                other.join()
            time.sleep(seconds)

        with GitHubClient(server.github_api_url, SANDBOX_TOKEN, sleep=sleep) as client:
            client.get(url)  # spends the window's point
            assert client.get(url)["name"] == server.org.repositories[0].name  # refused, waited, answered
            usage = client.usage
        assert len(others) == 1 and isinstance(others[0], dict)
        assert server.request_log.forbidden == 1  # the other thread never sent into the limit
        assert usage.throttled_waits == 2


# ----- a whole sync under the limits -----

SYNCED = PULL_REQUEST_ASSETS
SYNC_LIMITS = SecondaryLimitConfig(rest_points_per_minute=40, graphql_points_per_minute=1)
VOLATILE_COLUMNS = ("fetched_at", "staged_at", "loaded_at")  # when a row was written, not what it holds


def _staged_rows(warehouse: WarehouseResource, server_url: str) -> dict[str, list[str]]:
    """Every staged GitHub table's rows (without write times, links without the server's port), as sorted
    JSON texts."""
    with warehouse.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'staging' AND table_name LIKE 'github%' ORDER BY table_name"
            )
        ).scalars()
        rows = {}
        for table in list(tables):
            sql = render_sql("SELECT to_jsonb(t) FROM staging.{{ t | ident }} t", t=table)
            rows[table] = sorted(
                json.dumps(
                    {k: v for k, v in row.items() if k not in VOLATILE_COLUMNS}, sort_keys=True
                ).replace(server_url, "SERVER")
                for row in conn.execute(text(sql)).scalars()
            )
    return rows


@pytest.mark.parametrize("mode", ["rest", "graphql"])
def test_a_sync_under_secondary_limits_loads_what_an_unlimited_one_does(mode: str, make_database) -> None:  # type: ignore[no-untyped-def]
    start = SANDBOX_UNTIL - dt.timedelta(days=6)
    staged, refused = {}, {}
    for limited in (False, True):
        limits: dict[str, object] = {"secondary_limits": SYNC_LIMITS, "time_scale": 60} if limited else {}
        with _server(**limits) as server:  # a minute lasts a second: Retry-After is 1 s
            warehouse = WarehouseResource(database_url=make_database())
            github = github_resource(server, fetch_mode=mode)
            result = materialize_range(warehouse, github, start, SANDBOX_UNTIL, selection=SYNCED)
            assert result.success, (mode, limited)
            staged[limited] = _staged_rows(warehouse, server.url)
            refused[limited] = server.request_log.forbidden
    assert staged[True]["github_pull_requests"], "the window holds pull requests"
    assert staged[True] == staged[False]
    assert refused[False] == 0 and refused[True] >= 1  # the limits were met, and waited out
