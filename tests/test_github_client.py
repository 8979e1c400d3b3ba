"""The GitHub client against the sandbox over real HTTP: paging, ETags, rate limits, retries, auth."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dexxy_sandbox.faults import FaultConfig
from resources.github_client import GitHubClient, RetryPolicy
from resources.github_errors import GitHubAuthError, GitHubNotFoundError
from tests.sandbox_fixtures import SANDBOX_TOKEN, running_sandbox

FAST_RETRY = RetryPolicy(max_retries=8, backoff_base_seconds=0.001, backoff_cap_seconds=0.01)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _client(server, **kwargs) -> GitHubClient:  # type: ignore[no-untyped-def]
    return GitHubClient(
        server.github_api_url,
        kwargs.pop("token", SANDBOX_TOKEN),
        retry=kwargs.pop("retry", FAST_RETRY),
        **kwargs,
    )


def _all_pulls(server) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return sorted((repo, pr.number) for repo, pulls in server.org.pulls_by_repo.items() for pr in pulls)


def test_link_pagination_returns_every_item_once(sandbox) -> None:  # type: ignore[no-untyped-def]
    repo = sandbox.org.repositories[0].name
    with _client(sandbox) as client:
        items = list(
            client.paginate(f"repos/{sandbox.org.login}/{repo}/pulls", {"state": "all", "per_page": 7})
        )
        pages = client.usage.requests
    numbers = [item["number"] for item in items]
    assert len(numbers) == len(set(numbers)) == len(sandbox.org.pulls_by_repo[repo])
    assert pages == -(-len(numbers) // 7)  # one request per page, no more


def test_etag_makes_the_second_fetch_a_free_304(sandbox) -> None:  # type: ignore[no-untyped-def]
    org, repo = sandbox.org.login, sandbox.org.repositories[0].name
    number = sandbox.org.pulls_by_repo[repo][0].number
    with _client(sandbox) as client:
        first = client.get(f"repos/{org}/{repo}/pulls/{number}")
        remaining_after_first = client.usage.rate_limit_remaining
        second = client.get(f"repos/{org}/{repo}/pulls/{number}")
        assert second == first
        assert client.usage.not_modified == 1
        assert client.usage.budget_charged_requests == 1
        assert client.usage.rate_limit_remaining == remaining_after_first  # a 304 costs nothing


def test_primary_rate_limit_waits_for_the_reset_and_finishes() -> None:
    with running_sandbox(rate_limit_per_hour=4, rate_limit_window_seconds=2) as server:
        repo = server.org.repositories[0].name
        with _client(server) as client:
            items = list(
                client.paginate(f"repos/{server.org.login}/{repo}/pulls", {"state": "all", "per_page": 5})
            )
            usage = client.usage
        assert len(items) == len(server.org.pulls_by_repo[repo])
        assert usage.requests > 4
        assert usage.throttled_waits >= 1
        assert usage.statuses.get(403, 0) == 0  # it waited before being refused


def test_a_spent_budget_answered_with_403_is_waited_out() -> None:
    with running_sandbox(rate_limit_per_hour=3, rate_limit_window_seconds=2) as server:
        org = server.org.login
        with _client(server) as spender:
            for page in (1, 2, 3):
                spender.get(f"orgs/{org}/members", {"per_page": 1, "page": page})
        with _client(server) as client:  # knows nothing of the spent budget
            repos = client.get(f"orgs/{org}/repos")
            assert len(repos) == len(server.org.repositories)
            assert client.usage.statuses[403] == 1
            assert client.usage.throttled_waits == 1


def test_secondary_rate_limit_honours_retry_after() -> None:
    waits: list[float] = []
    with running_sandbox(faults=FaultConfig(secondary_rate_limit_rate=0.4)) as server:
        repo = server.org.repositories[0].name
        with _client(server, sleep=waits.append) as client:
            items = list(
                client.paginate(f"repos/{server.org.login}/{repo}/pulls", {"state": "all", "per_page": 5})
            )
            usage = client.usage
    assert len(items) == len(server.org.pulls_by_repo[repo])
    assert usage.throttled_waits >= 1
    assert all(w >= 1.0 for w in waits)  # the sandbox says Retry-After: 1


@pytest.mark.parametrize(
    "faults",
    [FaultConfig(error_rate=0.3), FaultConfig(drop_rate=0.2), FaultConfig(malformed_rate=0.3)],
    ids=["5xx", "dropped-connections", "malformed-bodies"],
)
def test_transient_faults_are_retried(faults: FaultConfig) -> None:
    with running_sandbox(faults=faults) as server:
        repo = server.org.repositories[0].name
        with _client(server) as client:
            items = list(
                client.paginate(f"repos/{server.org.login}/{repo}/pulls", {"state": "all", "per_page": 5})
            )
            assert client.usage.retries >= 1
        assert len(items) == len(server.org.pulls_by_repo[repo])


def test_a_wrong_token_fails_at_once_with_a_one_line_cause(sandbox) -> None:  # type: ignore[no-untyped-def]
    secret = "ghp_definitely_wrong_secret_value"
    with _client(sandbox, token=secret) as client, pytest.raises(GitHubAuthError) as caught:
        client.get(f"orgs/{sandbox.org.login}/repos")
    message = str(caught.value)
    assert message.startswith("GitHub rejected the token (401")
    assert "\n" not in message and secret not in message
    assert client.usage.requests == 1  # no storm of retries


def test_an_expiring_token_stops_the_sync() -> None:
    with running_sandbox(faults=FaultConfig(token_expires_after_requests=2)) as server:
        with _client(server) as client, pytest.raises(GitHubAuthError):
            for page in range(1, 5):
                client.get(f"orgs/{server.org.login}/members", {"per_page": 1, "page": page})


def test_unknown_repository_is_a_clear_404(sandbox) -> None:  # type: ignore[no-untyped-def]
    with _client(sandbox) as client, pytest.raises(GitHubNotFoundError, match="404"):
        client.get(f"repos/{sandbox.org.login}/no-such-repo")


def test_report_downloads_never_carry_the_token() -> None:
    """Pre-signed download links may point at another host: the token must not travel there. (The sandbox
    cannot show which headers arrived, so a transport records them.)"""
    import httpx

    seen: list[httpx.Headers] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers)
        return httpx.Response(200, text='{"day": "2026-06-01"}\n')

    client = GitHubClient("https://api.example.test", "ghp_secret", transport=httpx.MockTransport(record))
    assert (
        client.download_text("https://objects.example.test/report.ndjson?sig=abc")
        == '{"day": "2026-06-01"}\n'
    )
    assert "authorization" not in seen[0]
