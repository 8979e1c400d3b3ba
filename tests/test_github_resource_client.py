"""`GitHubResource.client()` takes the waits and the transport a test needs (the reliability runs shorten
the waits and inject faults below the client) without copying how the product builds its client."""

from __future__ import annotations

import httpx

from resources.github import GitHubResource
from tests.sandbox_fixtures import SANDBOX_TOKEN, running_sandbox


class CountingTransport(httpx.HTTPTransport):
    """The real transport, counting what goes through it."""

    def __init__(self) -> None:
        super().__init__()
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return super().handle_request(request)


def test_the_resources_client_waits_and_talks_through_what_it_is_given() -> None:
    storm = "storm_every=2,storm_length=1,storm_status=429,storm_retry_after=7"  # the 2nd request is refused
    with running_sandbox(engineers=2, repos=1, days=5, faults=storm) as server:
        resource = GitHubResource(api_url=server.github_api_url, token=SANDBOX_TOKEN, orgs=[server.org.login])
        transport, waits = CountingTransport(), []
        with resource.client(sleep=waits.append, transport=transport) as client:
            for _ in range(2):
                assert client.request("GET", f"/orgs/{server.org.login}").data["login"] == server.org.login
    org = f"/github/orgs/{server.org.login}"
    assert transport.paths == [org, org, org] and waits == [7.0]  # the 429's Retry-After, handed to `sleep`
