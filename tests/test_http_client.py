"""The shared HTTP client core with a plain adapter (no GitHub in it), against the sandbox over real HTTP: the
GitHub emulator as any JSON API, the Groq emulator as a service that answers 429 with Retry-After and has no
GitHub budget headers. A transport stub only for what the sandbox cannot answer (basic auth, 410)."""

from __future__ import annotations

import base64
import random
import socket
from collections.abc import Iterator

import httpx
import pytest

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.groq.api import GroqConfig
from dexxy_sandbox.server import SandboxServer
from resources.github_errors import GITHUB_ERRORS, GitHubError
from resources.http.adapter import ServiceAdapter
from resources.http.auth import BasicAuth, BearerAuth
from resources.http.client import HttpClient
from resources.http.errors import (
    ErrorCategory,
    ServiceError,
    UnavailableError,
    error_class_named,
    shared_error_class,
)
from resources.http.rate_limit import retry_after_seconds
from resources.http.retry_policy import RetryPolicy
from sensors.failure_classification import classify_failure
from tests.sandbox_fixtures import SANDBOX_TOKEN, running_sandbox

FAST = RetryPolicy(max_retries=3, backoff_base_seconds=0.001, backoff_cap_seconds=0.004)


class PlainAdapter(ServiceAdapter):
    name = "Acme"
    base_url_env = "ACME_BASE_URL"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with running_sandbox() as server:
        yield server


def _github_as_plain(server: SandboxServer, **kwargs) -> HttpClient:  # type: ignore[no-untyped-def]
    return HttpClient(
        server.github_api_url,
        PlainAdapter(BearerAuth(SANDBOX_TOKEN)),
        retry=kwargs.pop("retry", FAST),
        **kwargs,
    )


def test_backoff_is_jittered_within_the_upper_half_of_a_doubling_capped_ceiling() -> None:
    policy = RetryPolicy(backoff_base_seconds=1.0, backoff_cap_seconds=8.0)
    rng = random.Random(5)
    for attempt, ceiling in enumerate([1.0, 2.0, 4.0, 8.0, 8.0, 8.0]):
        waits = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
        assert len(set(waits)) > 100  # jittered, not one fixed delay


def test_server_errors_are_retried_with_the_policy_backoff_then_fail_as_upstream_5xx() -> None:
    waits: list[float] = []
    with running_sandbox(faults=FaultConfig(error_rate=1.0)) as server:
        with (
            _github_as_plain(server, sleep=waits.append) as client,
            pytest.raises(UnavailableError) as raised,
        ):
            client.get(f"orgs/{server.org.login}")
    assert raised.value.category is ErrorCategory.UPSTREAM_5XX
    assert str(raised.value).startswith("Acme failed 4 times: 50")
    assert len(waits) == 3 and client.usage.retries == 3
    for attempt, wait in enumerate(waits):
        ceiling = min(FAST.backoff_cap_seconds, FAST.backoff_base_seconds * 2**attempt)
        assert ceiling / 2 <= wait <= ceiling


def test_dropped_connections_that_outlast_the_retries_are_a_network_failure() -> None:
    with running_sandbox(faults=FaultConfig(drop_rate=1.0)) as server:
        with (
            _github_as_plain(server, sleep=lambda _: None) as client,
            pytest.raises(UnavailableError) as raised,
        ):
            client.get(f"orgs/{server.org.login}")
    assert raised.value.category is ErrorCategory.NETWORK


def test_timeouts_are_retried_then_a_network_failure() -> None:
    with running_sandbox(faults=FaultConfig(latency_ms=2000)) as server:
        client = _github_as_plain(server, sleep=lambda _: None, timeout_seconds=0.05)
        with client, pytest.raises(UnavailableError) as raised:
            client.get(f"orgs/{server.org.login}")
    assert raised.value.category is ErrorCategory.NETWORK and "Timeout" in str(raised.value)
    assert client.usage.retries == FAST.max_retries


def test_etag_revalidation_returns_the_cached_body_on_304(sandbox: SandboxServer) -> None:
    with _github_as_plain(sandbox) as client:
        first = client.request("GET", f"orgs/{sandbox.org.login}/repos")
        second = client.request("GET", f"orgs/{sandbox.org.login}/repos")
    assert not first.from_cache and second.from_cache and second.data == first.data
    assert client.usage.requests == 2 and client.usage.not_modified == 1 and client.usage.statuses[304] == 1


def test_a_429_with_retry_after_is_waited_out_on_a_service_without_budget_headers(
    sandbox: SandboxServer,
) -> None:
    sandbox.groq_config = GroqConfig(rate_limit_every_n=2)  # the second request answers 429, retry-after: 1
    waits: list[float] = []
    adapter = PlainAdapter(BearerAuth(sandbox.groq_api_key))
    try:
        with HttpClient(sandbox.groq_base_url, adapter, retry=FAST, sleep=waits.append) as client:
            assert client.get("openai/v1/models")["object"] == "list"
            assert client.get("openai/v1/models")["object"] == "list"
    finally:
        sandbox.groq_config = None
    assert waits == [1.0]
    assert client.usage.throttled_waits == 1 and client.usage.throttled_seconds == 1.0
    assert client.usage.statuses[429] == 1 and client.usage.rate_limit_remaining is None


def test_retry_after_as_seconds_or_http_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_refusals_are_classified_by_the_adapter(sandbox: SandboxServer) -> None:
    wrong = HttpClient(sandbox.github_api_url, PlainAdapter(BearerAuth("wrong")), retry=FAST)
    with wrong, pytest.raises(ServiceError) as refused:
        wrong.get(f"orgs/{sandbox.org.login}")
    assert refused.value.category is ErrorCategory.AUTH_EXPIRED and refused.value.status == 401
    assert "wrong" not in str(refused.value)
    with _github_as_plain(sandbox) as client, pytest.raises(ServiceError) as missing:
        client.get(f"repos/{sandbox.org.login}/no-such-repo")
    assert missing.value.category is ErrorCategory.NOT_FOUND and missing.value.status == 404


def test_an_unreachable_host_names_the_adapters_variable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    waits: list[float] = []
    with (
        HttpClient(dead, PlainAdapter(), sleep=waits.append) as client,
        pytest.raises(ServiceError) as raised,
    ):
        client.get("rest/api/3/myself")
    assert raised.value.category is ErrorCategory.UNREACHABLE
    assert str(raised.value).startswith(
        f"ACME_BASE_URL={dead} is unreachable (Connection refused, 3 attempts)"
    )
    assert len(waits) == RetryPolicy().connect_retries


def test_basic_auth_and_a_removed_endpoint() -> None:
    """The GitHub sandbox takes bearer tokens only and never answers 410: a transport stub stands in."""
    seen: list[str] = []

    def gone(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(410, json={"message": "The requested API has been removed."})

    adapter = PlainAdapter(BasicAuth("ana@example.com", "api-token"))
    client = HttpClient("https://acme.example.test", adapter, transport=httpx.MockTransport(gone))
    with client, pytest.raises(ServiceError) as raised:
        client.get("rest/api/3/search")
    assert seen == ["Basic " + base64.b64encode(b"ana@example.com:api-token").decode()]
    assert raised.value.category is ErrorCategory.SCHEMA_CHANGE and raised.value.status == 410
    assert raised.value.service_message == "The requested API has been removed."
    assert "api-token" not in str(raised.value) and "api-token" not in repr(adapter.credentials)


@pytest.mark.parametrize("category", list(ErrorCategory), ids=lambda c: c.name)
def test_each_category_has_a_class_an_action_and_a_classification(category: ErrorCategory) -> None:
    shared = shared_error_class(category)
    assert shared.category is category and shared.action and "\n" not in shared.action
    assert error_class_named(shared.__name__) is shared
    assert classify_failure(f"{shared.__name__}: anything at all").code == category.name
    github = GITHUB_ERRORS.get(category)
    if github is None:  # a category GitHub never answers with (SUSPENDED_PAYMENT): the shared class
        return
    assert issubclass(github, GitHubError) and issubclass(github, shared) and github.category is category
    assert classify_failure(f"{github.__name__}: anything at all").code == category.name


def test_foreign_errors_still_fall_back_to_the_message_rules() -> None:
    cause = classify_failure("OperationalError: could not connect to server: Connection refused")
    assert cause.category == "warehouse unreachable" and cause.code == ""
    assert classify_failure("KeyError: 'x'").category == "unexpected error"
