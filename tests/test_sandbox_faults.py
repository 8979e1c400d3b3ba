"""The fault matrix of `dexxy sandbox serve --faults`, over real HTTP: each fault is produced as documented
(status, headers, a body cut or spoilt, a connection closed mid-body), the same seed and request sequence
fail the same way, and Dexxy's clients come through each one with what a fault-free fetch gives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from dexxy_assets.github import graphql_fetch, graphql_queries, rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.processing import llm_prompt
from dexxy_sandbox.faults import FaultConfig, FaultInjector
from dexxy_sandbox.github_graphql.partial_errors import NULLABLE_CONNECTIONS
from dexxy_sandbox.server import SandboxServer
from resources.github import GitHubScope
from resources.github_app_auth import AppCredentials, InstallationTokens
from resources.github_client import GitHubClient, RetryPolicy
from resources.groq_llm import GroqLLMResource, JsonRequest, LlmUsage
from resources.http.usage import ApiUsage
from tests.sandbox_fixtures import SANDBOX_TOKEN, SANDBOX_UNTIL, faulty_sandbox, running_sandbox

AUTH = {"Authorization": f"token {SANDBOX_TOKEN}"}
START = dt.datetime.combine(SANDBOX_UNTIL - dt.timedelta(days=1), dt.time(), dt.UTC)
END = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
# backoffs of milliseconds; rate-limit waits are recorded, not slept (see `_fetch`)
FAST = RetryPolicy(max_retries=12, backoff_base_seconds=0.001, backoff_cap_seconds=0.004)
EVERY_FAULT = (
    "error_rate=0.05,error_rate@pulls=0.5,error_rate@pulls/{pull_number}/reviews=0,"
    "secondary_rate_limit_rate=0.01,secondary_rate_limit_status=429,storm_every=100,storm_length=4,"
    "storm_status=403,storm_retry_after=2,latency_ms=1,slow_rate=0.1,slow_ms=20,drop_rate=0.02,"
    "drop_mid_body_rate=0.03,truncated_rate=0.04,malformed_rate=0.05,token_expires_after_requests=500,"
    "vanish_rate=0.1,bad_unicode_rate=0.1,graphql_partial_rate=0.2,graphql_partial_error=NOT_FOUND,"
    "copilot=422,groq_error_rate=0.1,groq_429_rate=0.2"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


@pytest.fixture
def faults(sandbox: SandboxServer) -> Iterator[SandboxServer]:
    """The module's sandbox with an empty request log; a test sets `sandbox.faults` (a `--faults` string),
    switched off afterwards."""
    sandbox.request_log.reset()
    yield sandbox
    sandbox.faults = None


_HTTP = httpx.Client(headers=AUTH)  # one client: a TLS-less connection pool, far quicker than httpx.get


def _get(server: SandboxServer, path: str) -> httpx.Response:
    return _HTTP.get(f"{server.github_api_url}{path}")


def _pulls_path(server: SandboxServer) -> str:
    return f"/repos/{server.org.login}/{server.org.repositories[0].name}/pulls"


# ----- the --faults syntax -----


def test_every_setting_parses_and_describe_round_trips() -> None:
    config = FaultConfig.parse(EVERY_FAULT)
    assert config.endpoint_error_rates == (("pulls", 0.5), ("pulls/{pull_number}/reviews", 0.0))
    assert (config.storm_every, config.storm_length, config.storm_status, config.storm_retry_after) == (
        100,
        4,
        403,
        2,
    )
    assert config.copilot == 422 and config.graphql_partial_error == "NOT_FOUND"
    assert FaultConfig.parse(config.describe()) == config
    every_field = {f.name for f in dataclasses.fields(FaultConfig)} - {"endpoint_error_rates"}
    assert every_field <= {item.split("=")[0] for item in config.describe().split(",")}, "matrix is whole"
    assert FaultConfig.parse("copilot=on,token_expires_after_requests=none") == FaultConfig()
    for bad in (
        "error_rate@pulls=2",
        "storm_every=5,storm_length=5",
        "storm_status=500",
        "copilot=500",
        "graphql_partial_error=TIMEOUT",
        "slow_ms=-1",
        "groq_429_rate=x",
        "error_rate@=0.1",
    ):
        with pytest.raises(ValueError):
            FaultConfig.parse(bad)


def test_the_longest_matching_endpoint_rate_wins() -> None:
    config = FaultConfig.parse("error_rate=0.1,error_rate@pulls=0.5,error_rate@pulls/{pull_number}/reviews=0")
    assert config.error_rate_for("/orgs/{org}/repos") == 0.1
    assert config.error_rate_for("/repos/{owner}/{repo}/pulls") == 0.5
    assert config.error_rate_for("/repos/{owner}/{repo}/pulls/{pull_number}/reviews") == 0.0


def test_the_cli_help_documents_every_setting() -> None:
    from click.testing import CliRunner

    from dexxy_sandbox.cli import serve

    help_text = " ".join(CliRunner().invoke(serve, ["--help"]).output.split())
    for f in dataclasses.fields(FaultConfig):
        name = "error_rate@" if f.name == "endpoint_error_rates" else f.name
        assert name in help_text, f"--help does not document {name}"
    refused = CliRunner().invoke(serve, ["--faults", "storm_every=3,storm_length=3"])
    assert refused.exit_code == 2 and "storm_every > storm_length" in refused.output


# ----- each fault over HTTP -----


def test_server_errors_by_endpoint_include_503(faults: SandboxServer) -> None:
    faults.faults = "error_rate@pulls=1.0"
    statuses = {_get(faults, _pulls_path(faults)).status_code for _ in range(15)}
    assert statuses == {500, 502, 503}
    assert _get(faults, f"/orgs/{faults.org.login}").status_code == 200  # other endpoints are spared
    answer = _get(faults, _pulls_path(faults)).json()
    assert answer["message"] in ("Server Error", "Bad Gateway", "Service Unavailable")


@pytest.mark.parametrize("status", [429, 403])
def test_a_storm_is_a_burst_of_limited_answers_with_retry_after(faults: SandboxServer, status: int) -> None:
    faults.faults = f"storm_every=5,storm_length=3,storm_status={status},storm_retry_after=2"
    answers = [_get(faults, f"/orgs/{faults.org.login}") for _ in range(12)]
    limited = [status if i in (4, 5, 6, 9, 10, 11) else 200 for i in range(12)]  # requests 5-7 and 10-12
    assert [a.status_code for a in answers] == limited
    refused = answers[4]
    assert refused.headers["retry-after"] == "2"
    assert refused.json()["message"].startswith("You have exceeded a secondary rate limit")
    assert int(refused.headers["x-ratelimit-remaining"]) > 0  # not the primary budget
    assert [e.fault for e in faults.request_log.entries].count("storm") == 6


def test_slow_responses_are_the_drawn_ones(faults: SandboxServer) -> None:
    """A client with a short timeout times out on exactly the requests the seed makes slow."""
    config = FaultConfig(slow_rate=0.3, slow_ms=2500)
    injector = FaultInjector(config, faults.seed)
    expected = [injector.draw().delay_ms > 0 for _ in range(10)]
    assert any(expected) and not all(expected)
    faults.faults = config
    timed_out = []
    with httpx.Client(headers=AUTH, timeout=httpx.Timeout(1.0, connect=5.0)) as http:
        for _ in range(10):
            try:
                http.get(f"{faults.github_api_url}/orgs/{faults.org.login}")
                timed_out.append(False)
            except httpx.ReadTimeout:
                timed_out.append(True)
    assert timed_out == expected
    for _ in range(500):  # the timed-out answers are still being served: let them finish before the next test
        if faults.request_log.total >= 10:
            break
        time.sleep(0.01)
    assert faults.request_log.by_fault["slow"] == sum(expected)  # the log names them


def _raw_get(server: SandboxServer, path: str) -> tuple[bytes, bytes]:
    """Head and body of one GET as they arrived, read until the server closed the connection."""
    host, port = server._client_host, server.port
    with socket.create_connection((host, port), timeout=10) as sock:
        request = (
            f"GET /github{path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: token {SANDBOX_TOKEN}\r\n"
            "Connection: keep-alive\r\n\r\n"
        )
        sock.sendall(request.encode())
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:  # aborted: the same as closed here
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    return head, body


def test_a_connection_dropped_mid_body_sent_its_headers_and_part_of_the_body(faults: SandboxServer) -> None:
    faults.faults = "drop_mid_body_rate=1.0"
    head, body = _raw_get(faults, _pulls_path(faults))  # keep-alive asked: only the fault closes it
    assert head.startswith(b"HTTP/1.1 200")
    length = int(
        next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1]
    )
    assert 0 < len(body) < length
    faults.faults = None
    intact = _get(faults, _pulls_path(faults)).content
    assert len(intact) == length and intact.startswith(body)
    faults.faults = "drop_mid_body_rate=1.0"
    with pytest.raises(httpx.RemoteProtocolError, match="complete message body"):
        _get(faults, _pulls_path(faults))
    assert faults.request_log.entries[-1].fault == "drop_mid_body"


def test_a_drop_before_the_answer_sends_nothing(faults: SandboxServer) -> None:
    faults.faults = "drop_rate=1.0"
    assert _raw_get(faults, _pulls_path(faults)) == (b"", b"")


def test_truncated_and_malformed_bodies_are_two_kinds(faults: SandboxServer) -> None:
    path = f"/orgs/{faults.org.login}/repos"
    intact = _get(faults, path).content
    faults.faults = "truncated_rate=1.0"
    truncated = _get(faults, path)
    faults.faults = "malformed_rate=1.0"
    malformed = _get(faults, path)
    for spoilt in (truncated, malformed):
        assert spoilt.status_code == 200 and "etag" not in spoilt.headers
        assert int(spoilt.headers["content-length"]) == len(spoilt.content)  # a complete HTTP answer
        with pytest.raises(json.JSONDecodeError):
            json.loads(spoilt.content)
    assert len(truncated.content) < len(intact) and intact.startswith(truncated.content)  # cut off
    assert len(malformed.content) == len(intact) + 1  # complete, with one stray byte
    assert malformed.content.replace(b"[,", b"[", 1) == intact


def _search(server: SandboxServer) -> dict[str, Any]:
    query = graphql_fetch.search_query(f"org:{server.org.login}", START, END)
    variables = {"query": query, "first": 10, "after": None}
    answer = httpx.post(
        f"{server.github_api_url}/graphql",
        headers=AUTH,
        json={"query": graphql_queries.SEARCH_PULL_REQUESTS, "variables": variables},
    )
    assert answer.status_code == 200
    return answer.json()


def test_graphql_partial_errors(faults: SandboxServer) -> None:
    whole = _search(faults)
    assert "errors" not in whole
    faults.faults = "graphql_partial_rate=1.0,graphql_partial_error=NOT_FOUND"
    missing = _search(faults)
    (error,) = missing["errors"]
    assert error["type"] == "NOT_FOUND" and error["path"][:2] == ["search", "nodes"]
    index = error["path"][2]
    assert missing["data"]["search"]["nodes"][index] is None
    assert error["message"].endswith(f"'{whole['data']['search']['nodes'][index]['id']}'")
    others = [n for i, n in enumerate(missing["data"]["search"]["nodes"]) if i != index]
    assert others == [n for i, n in enumerate(whole["data"]["search"]["nodes"]) if i != index]

    faults.faults = "graphql_partial_rate=1.0,graphql_partial_error=SERVICE_UNAVAILABLE"
    unavailable = _search(faults)
    (error,) = unavailable["errors"]
    *parent, connection = error["path"]
    assert error["type"] == "SERVICE_UNAVAILABLE" and connection in NULLABLE_CONNECTIONS
    node = unavailable["data"]
    for step in parent:
        node = node[step]
    assert node[connection] is None and len(node) > 1  # the rest of that object is there
    assert faults.request_log.entries[-1].fault == "graphql_partial"


def test_copilot_and_groq_faults_come_through_the_same_string(faults: SandboxServer) -> None:
    seats = f"/orgs/{faults.org.login}/copilot/billing/seats"
    assert _get(faults, seats).status_code == 200
    faults.faults = "copilot=404"
    assert _get(faults, seats).status_code == 404
    faults.faults = "groq_429_rate=1.0"
    chat = f"{faults.groq_base_url}/openai/v1/chat/completions"
    groq_auth = {"Authorization": f"Bearer {faults.groq_api_key}"}
    body = {"model": "sandbox", "messages": [{"role": "user", "content": "hi"}]}
    limited = _HTTP.post(chat, headers=groq_auth, json=body)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    faults.faults = "groq_error_rate=1.0"
    assert {_HTTP.post(chat, headers=groq_auth, json=body).status_code for _ in range(12)} == {500, 502, 503}
    faults.faults = None
    assert _get(faults, seats).status_code == 200  # switched off, Copilot is back
    assert _HTTP.post(chat, headers=groq_auth, json=body).status_code == 200


def test_the_same_seed_and_requests_fail_the_same_way() -> None:
    mixed = (
        "error_rate=0.2,storm_every=20,storm_length=2,drop_rate=0.1,drop_mid_body_rate=0.1,"
        "truncated_rate=0.1,malformed_rate=0.1,slow_rate=0.1,slow_ms=5"
    )

    def replay() -> list[tuple[int, str, str, int]]:
        with faulty_sandbox(mixed) as server:
            paths = [_pulls_path(server), f"/orgs/{server.org.login}/repos", "/rate_limit"]
            sizes = []
            for i in range(60):
                try:
                    sizes.append(len(_get(server, paths[i % 3]).content))
                except httpx.TransportError:
                    sizes.append(-1)
            entries = server.request_log.entries
            return [(e.status, e.fault, e.template, size) for e, size in zip(entries, sizes, strict=True)]

    first = replay()
    assert first == replay()
    kinds = {fault for _, fault, _, _ in first}
    assert {"server_error", "drop", "truncated", "malformed", "storm"} <= kinds


# ----- Dexxy's clients come through -----


def _row(pr: FetchedPullRequest) -> str:
    fields = dataclasses.asdict(pr)
    fields.pop("may_hold_bad_text")
    return json.dumps(fields, sort_keys=True, default=str)


def _fetch(
    server: SandboxServer, mode: str, credentials: Any = SANDBOX_TOKEN, timeout: float = 30.0
) -> tuple[list[str], ApiUsage, list[float]]:
    """The product's pull-request fetch of the test window in `mode`, one request at a time (so the fault
    sequence is the seed's), as sorted rows; with the client's usage and the rate-limit waits it asked for."""
    waits: list[float] = []
    scope = GitHubScope(orgs=(server.org.login,), repos=())
    with GitHubClient(
        server.github_api_url, credentials, retry=FAST, sleep=waits.append, timeout_seconds=timeout
    ) as client:
        repos = rest_fetch.repository_names(client, scope)  # as `pull_request_assets.fetch_window` does
        if mode == "graphql":
            with pytest.MonkeyPatch.context() as patch:  # small pages: more requests to meet the faults
                patch.setattr(graphql_queries, "PAGE_SIZE", 3)
                fetched = graphql_fetch.fetch_pull_requests(client, scope, START, END, concurrency=1)
        else:
            listings = [
                item
                for name in repos
                for item in rest_fetch.list_updated_pull_requests(client, name, START, END)
            ]
            fetched = rest_fetch.fetch_pull_request_details(client, listings, 1)
    return sorted(_row(pr) for pr in fetched), client.usage, waits


@pytest.fixture(scope="module")
def fault_free(sandbox: SandboxServer) -> dict[str, list[str]]:
    sandbox.faults = None
    rows = {mode: _fetch(sandbox, mode)[0] for mode in ("rest", "graphql")}
    assert all(len(r) >= 5 for r in rows.values())
    return rows


SURVIVABLE = {  # rates high enough that the few requests of a GraphQL fetch meet the fault too
    "5xx": "error_rate=0.5",
    "5xx-by-endpoint": "error_rate@pulls=0.6,error_rate@graphql=0.6,error_rate@repos=0.3",
    "429-storm": "storm_every=3,storm_length=2,storm_status=429,storm_retry_after=2",
    "403-storm": "storm_every=3,storm_length=2,storm_status=403,storm_retry_after=2",
    "secondary": "secondary_rate_limit_rate=0.5",
    "drop": "drop_rate=0.5",
    "drop-mid-body": "drop_mid_body_rate=0.5",
    "truncated": "truncated_rate=0.5",
    "malformed": "malformed_rate=0.5",
}


@pytest.mark.parametrize("mode", ["rest", "graphql"])
@pytest.mark.parametrize("faults_text", SURVIVABLE.values(), ids=SURVIVABLE.keys())
def test_the_fetch_comes_through_each_fault_whole(
    faults: SandboxServer, fault_free: dict[str, list[str]], faults_text: str, mode: str
) -> None:
    faults.faults = faults_text
    rows, usage, waits = _fetch(faults, mode)
    assert rows == fault_free[mode]
    faulted = [e for e in faults.request_log.entries if e.fault != "none"]
    assert faulted, "the fault was produced"
    if "storm" in faults_text or "secondary" in faults_text:
        assert usage.throttled_waits >= 1
        # each wait is an answer's Retry-After (at least 1 s), or what is left of one that another thread is
        # waiting out (the client holds all its threads while one waits: resources/http/rate_limit.py)
        assert waits and max(waits) >= 1 and all(0 < w <= max(waits) for w in waits), waits
    else:
        assert usage.retries >= 1


def test_a_slow_answer_past_the_timeout_is_asked_again(
    faults: SandboxServer, fault_free: dict[str, list[str]]
) -> None:
    faults.faults = "slow_rate=0.3,slow_ms=2000"
    rows, usage, _ = _fetch(faults, "graphql", timeout=0.5)
    assert rows == fault_free["graphql"] and usage.retries >= 1


@pytest.mark.parametrize("kind", ["NOT_FOUND", "SERVICE_UNAVAILABLE", "mixed"])
def test_graphql_partial_answers_are_asked_again_not_taken_as_empty(
    faults: SandboxServer, fault_free: dict[str, list[str]], kind: str
) -> None:
    """A SERVICE_UNAVAILABLE connection would read as no reviews, a NOT_FOUND hit as a deleted pull request:
    both are asked again, and the fetch is the fault-free one."""
    faults.faults = f"graphql_partial_rate=0.4,graphql_partial_error={kind}"
    rows, _, _ = _fetch(faults, "graphql")
    assert rows == fault_free["graphql"]
    assert any(e.fault == "graphql_partial" for e in faults.request_log.entries)


@pytest.mark.parametrize("mode", ["rest", "graphql"])
def test_an_installation_token_expiring_mid_run_is_minted_again(
    faults: SandboxServer, fault_free: dict[str, list[str]], mode: str
) -> None:
    faults.faults = f"token_expires_after_requests={40 if mode == 'rest' else 4}"  # a few times a fetch
    app = AppCredentials(str(faults.app_id), faults.app_private_key_pem, str(faults.installation_id))
    tokens = InstallationTokens(app, faults.github_api_url, retry=FAST, sleep=lambda _: None)
    rows, _, _ = _fetch(faults, mode, credentials=tokens)
    assert rows == fault_free[mode]
    entries = faults.request_log.entries
    assert sum(e.status == 401 for e in entries) >= 1
    assert sum(e.method == "POST" and e.status == 201 for e in entries) >= 2  # minted again


def test_an_installation_token_expiring_under_several_threads_is_minted_once_per_expiry(
    faults: SandboxServer, fault_free: dict[str, list[str]]
) -> None:
    """The product's four threads all meet the expired token: one of them mints the next (the others' 401s
    were about the old token), and a request whose new token ran out before its turn mints again."""
    uses = 20
    faults.faults = f"token_expires_after_requests={uses}"
    app = AppCredentials(str(faults.app_id), faults.app_private_key_pem, str(faults.installation_id))
    tokens = InstallationTokens(app, faults.github_api_url, retry=FAST, sleep=lambda _: None)
    scope = GitHubScope(orgs=(faults.org.login,), repos=())
    with GitHubClient(faults.github_api_url, tokens, retry=FAST) as client:
        listings = [
            item
            for name in rest_fetch.repository_names(client, scope)
            for item in rest_fetch.list_updated_pull_requests(client, name, START, END)
        ]
        fetched = rest_fetch.fetch_pull_request_details(client, listings, concurrency=4)
    assert sorted(_row(pr) for pr in fetched) == fault_free["rest"]
    answered = faults.request_log.count(200)
    assert tokens.tokens_issued == faults.request_log.count(201)
    assert tokens.tokens_issued <= answered / uses + 4, "about one new token per expiry, not one per thread"


def test_the_groq_resource_retries_429_and_5xx(faults: SandboxServer) -> None:
    faults.faults = "groq_429_rate=0.25,groq_error_rate=0.2"
    messages = llm_prompt.build_messages("Add refunds", "", "feat/refunds", [], ["add refunds"])
    llm = GroqLLMResource(
        api_key=faults.groq_api_key, base_url=faults.groq_base_url, model="sandbox", max_concurrency=1
    )
    requests = [JsonRequest(str(i), messages) for i in range(4)]
    answers = llm.complete_json(requests, llm_prompt.SUMMARY_SCHEMA, LlmUsage())
    assert set(answers) == {"0", "1", "2", "3"} and all(isinstance(a, dict) for a in answers.values())
    groq = [e for e in faults.request_log.entries if e.path.startswith("/groq")]
    assert {e.status for e in groq if e.fault == "groq_fault"} & {429, 500, 502, 503}
    assert [e.status for e in groq].count(200) == 4
