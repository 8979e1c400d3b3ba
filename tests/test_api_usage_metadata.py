"""What a sync reports of its GitHub API use: budget-charged requests and throttling, each named as it is."""

from __future__ import annotations

from dexxy_sandbox.faults import FaultConfig
from resources.github_client import GitHubClient, RetryPolicy
from tests.sandbox_fixtures import SANDBOX_TOKEN, running_sandbox


def test_metadata_separates_budget_charged_requests_from_throttling_waits() -> None:
    pauses: list[float] = []
    retry = RetryPolicy(max_retries=8, backoff_base_seconds=0.001, backoff_cap_seconds=0.01)
    with running_sandbox(faults=FaultConfig(secondary_rate_limit_rate=0.4)) as server:
        org, repo = server.org.login, server.org.repositories[0].name
        number = server.org.pulls_by_repo[repo][0].number
        with GitHubClient(server.github_api_url, SANDBOX_TOKEN, retry=retry, sleep=pauses.append) as client:
            list(client.paginate(f"repos/{org}/{repo}/pulls", {"state": "all", "per_page": 5}))
            client.get(f"repos/{org}/{repo}/pulls/{number}")
            client.get(f"repos/{org}/{repo}/pulls/{number}")  # revalidated: a 304, charged nothing
            metadata = client.usage.as_metadata()
    throttled = [p for p in pauses if p >= 1.0]  # the sandbox's Retry-After is 1 s; retry backoffs are ms
    assert "api_rate_limited_requests" not in metadata
    assert metadata["api_requests_not_modified"] == 1
    assert metadata["api_budget_charged_requests"] == metadata["api_requests"] - 1
    assert metadata["api_throttled_waits"] == len(throttled) >= 1  # the secondary limits it waited out
    assert metadata["api_throttled_seconds"] == round(sum(throttled), 1)
