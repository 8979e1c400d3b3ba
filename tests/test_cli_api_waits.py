"""`dexxy run` prints a long rate-limit wait of the shared HTTP client instead of sitting silent."""

from __future__ import annotations

import io
import logging

from rich.console import Console

from dexxy_assets.cli.api_waits import CLIENT_LOGGER, show_api_waits
from resources.github import GitHubResource
from tests.sandbox_fixtures import SANDBOX_TOKEN, running_sandbox


def test_a_spent_budget_wait_is_printed_and_short_backoffs_are_not() -> None:
    out = io.StringIO()
    console = Console(file=out, width=200)
    with running_sandbox(engineers=2, repos=1, days=5, rate_limit_per_hour=1) as server:
        resource = GitHubResource(api_url=server.github_api_url, token=SANDBOX_TOKEN, orgs=[server.org.login])
        waits: list[float] = []
        with show_api_waits(console), resource.client(sleep=waits.append) as client:
            client.request("GET", f"/orgs/{server.org.login}")  # spends the hour's only request
            client.request("GET", f"/orgs/{server.org.login}")  # waits for the reset (not slept here)
            logging.getLogger(CLIENT_LOGGER).info("waiting 0.2s for GitHub (retry)")
    assert len(waits) == 1 and waits[0] > 3000
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, lines
    assert (
        lines[0].startswith("waiting ") and " min for GitHub (spent rate limit); the run goes on" in lines[0]
    )
    assert logging.getLogger(CLIENT_LOGGER).level == logging.NOTSET  # restored
