"""GitHub GraphQL on top of the REST client's transport (same auth, retries and rate-limit waits), tracking
the point cost GitHub reports in ``rateLimit { cost }``."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from resources.github_client import GitHubClient
from resources.github_errors import GitHubError, GitHubRateLimitError


def graphql_url(api_url: str) -> str:
    """The GraphQL endpoint of a REST root: api.github.com/graphql, GHES /api/v3 → /api/graphql, else
    ``{root}/graphql``."""
    root = api_url.rstrip("/")
    parts = urlsplit(root)
    if parts.path.endswith("/api/v3"):
        return urlunsplit(parts._replace(path=parts.path[: -len("/v3")] + "/graphql"))
    return f"{root}/graphql"


class GitHubGraphQL:
    """``execute(query, variables)`` → ``data``; errors raise with GitHub's message; RATE_LIMITED waits."""

    def __init__(self, client: GitHubClient, max_rate_limit_retries: int = 3) -> None:
        self.client = client
        self.url = graphql_url(client.api_url)
        self.max_rate_limit_retries = max_rate_limit_retries

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        data, unresolved = self.execute_partial(query, variables)
        if unresolved:
            raise GitHubError(f"GitHub GraphQL error (NOT_FOUND): {unresolved[0].get('message')}")
        return data

    def execute_partial(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``data`` and the NOT_FOUND errors of single nodes that came back null (an object deleted between
        GitHub's index and the read); any other error raises."""
        for _ in range(self.max_rate_limit_retries + 1):
            response = self.client.request(
                "POST", self.url, json={"query": query, "variables": variables or {}}
            )
            body = response.data if isinstance(response.data, dict) else {}
            data = body.get("data") if isinstance(body.get("data"), dict) else None
            cost = (data or {}).get("rateLimit", {}) if data else {}
            self.client.usage.record_graphql(int(cost.get("cost") or 1) if isinstance(cost, dict) else 1)
            errors = [e if isinstance(e, dict) else {"message": str(e)} for e in body.get("errors") or []]
            if any(e.get("type") == "RATE_LIMITED" for e in errors):
                self._wait_for_reset(cost)
                continue
            unresolved = [e for e in errors if _is_unresolved_node(e)]
            if len(unresolved) < len(errors):
                first = next(e for e in errors if not _is_unresolved_node(e))
                raise GitHubError(
                    f"GitHub GraphQL error ({first.get('type', 'ERROR')}): {first.get('message')}"
                )
            if data is None:
                raise GitHubError("GitHub GraphQL answered without data")
            return data, unresolved
        raise GitHubRateLimitError("GitHub GraphQL kept answering RATE_LIMITED: re-run after the reset")

    def _wait_for_reset(self, rate_limit: Any) -> None:
        """Wait until the GraphQL budget resets (``resetAt``), or a minute when GitHub did not say."""
        reset_at = rate_limit.get("resetAt") if isinstance(rate_limit, dict) else None
        seconds = 60.0
        if isinstance(reset_at, str):
            try:
                reset = dt.datetime.fromisoformat(reset_at.replace("Z", "+00:00"))
                seconds = max(reset.timestamp() - time.time(), 0.0) + 1.0
            except ValueError:
                pass
        self.client.pause(seconds, "GraphQL point budget spent")


def _is_unresolved_node(error: dict[str, Any]) -> bool:
    """A NOT_FOUND error at a list item (``[..., "nodes", 3]``): that node is null, the rest is data."""
    path = error.get("path")
    if error.get("type") != "NOT_FOUND" or not isinstance(path, list) or not path:
        return False
    return isinstance(path[-1], int)
