"""An address where nothing answers fails fast, in one line naming GITHUB_API_URL (not the first endpoint)."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from resources.github import GitHubResource
from resources.github_app_auth import AppCredentials, InstallationTokens
from resources.github_client import GitHubClient, RetryPolicy
from resources.github_errors import GitHubUnavailableError, GitHubUnreachableError
from sensors.failure_classification import root_cause_message
from tests.github_runs import SANDBOX_TOKEN, materialize_range
from tests.sandbox_fixtures import running_sandbox
from tests.test_github_app_auth import _pem


@pytest.fixture
def dead_url() -> str:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/github"


def test_a_refused_connection_fails_after_two_quick_retries_naming_the_variable(dead_url: str) -> None:
    waits: list[float] = []
    policy = GitHubResource(api_url=dead_url, token="t").retry_policy()  # what a run uses
    with (
        GitHubClient(dead_url, "t", retry=policy, sleep=waits.append) as client,
        pytest.raises(GitHubUnreachableError) as raised,
    ):
        client.get("orgs/acme/copilot/billing/seats")
    message = str(raised.value)
    assert message.startswith(f"GITHUB_API_URL={dead_url} is unreachable (Connection refused, 3 attempts)")
    assert "copilot" not in message and "\n" not in message
    assert len(waits) == 2 and sum(waits) <= 2.0  # not a minute of backoff
    assert raised.value.__cause__ is None  # the root cause shown to a person is this line


def test_an_unknown_host_fails_the_same_way() -> None:
    waits: list[float] = []
    url = "http://dexxy-no-such-host.invalid/api/v3"
    with (
        GitHubClient(url, "t", sleep=waits.append) as client,
        pytest.raises(GitHubUnreachableError) as raised,
    ):
        client.get("orgs/acme/repos")
    assert str(raised.value).startswith(f"GITHUB_API_URL={url} is unreachable (")
    assert len(waits) == 2


def test_the_app_token_request_fails_fast_too(dead_url: str) -> None:
    tokens = InstallationTokens(AppCredentials.from_values("1", _pem(), "2"), dead_url, sleep=lambda _: None)
    with pytest.raises(GitHubUnreachableError, match="GITHUB_API_URL="):
        tokens.token()


def test_a_credential_in_the_url_is_not_shown(dead_url: str) -> None:
    secret_url = dead_url.replace("http://", "http://user:hunter2@")
    with GitHubClient(secret_url, "t", sleep=lambda _: None) as client:
        with pytest.raises(GitHubUnreachableError) as raised:
            client.get("rate_limit")
    assert "hunter2" not in str(raised.value) and dead_url in str(raised.value)


def test_a_run_against_a_dead_api_blames_github_api_url_not_copilot(warehouse, dead_url: str) -> None:  # type: ignore[no-untyped-def]
    github = GitHubResource(api_url=dead_url, token="t", orgs=["acme"])
    day = dt.date(2026, 6, 1)
    result = materialize_range(warehouse, github, day, day, selection="key:copilot/seats")
    assert not result.success  # not "Copilot unavailable": nothing answered at all
    [failure] = [event for event in result.all_events if event.is_step_failure]
    cause = root_cause_message(failure.step_failure_data.error)
    assert cause.startswith(f"GitHubUnreachableError: GITHUB_API_URL={dead_url} is unreachable")


def test_a_refusal_after_the_api_answered_is_a_blip_with_the_full_backoff() -> None:
    waits: list[float] = []
    with running_sandbox() as server:
        policy = RetryPolicy(max_retries=3)
        client = GitHubClient(server.github_api_url, SANDBOX_TOKEN, retry=policy, sleep=waits.append)
        assert client.get(f"orgs/{server.org.login}")
    with client, pytest.raises(GitHubUnavailableError) as raised:  # the server is gone now
        client.get(f"orgs/{server.org.login}")
    assert not isinstance(raised.value, GitHubUnreachableError) and len(waits) == 3


def test_an_unreachable_api_is_classified_as_such_whatever_the_port() -> None:
    from sensors.failure_classification import classify_failure

    message = (
        "GitHubUnreachableError: GITHUB_API_URL=http://127.0.0.1:40123/github is unreachable "
        "(Connection refused, 3 attempts): check the URL and the network"
    )
    assert classify_failure(message).category == "GitHub API unreachable"
