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


# errors of one of GitHub's backends during the query (a timeout, an outage): the same query may well succeed
TRANSIENT_ERROR_TYPES = frozenset({"SERVICE_UNAVAILABLE", "INTERNAL", "INTERNAL_SERVER_ERROR", "TIMEOUT"})
TRANSIENT_MESSAGE = "something went wrong while executing your query"  # GitHub's untyped timeout
# a null NOT_FOUND node is believed (deleted, still indexed) once that many more answers in a row agree
UNRESOLVED_CONFIRMATIONS = 2


class GitHubGraphQL:
    """``execute(query, variables)`` → ``data``; errors raise with GitHub's message; RATE_LIMITED waits;
    a transient error (SERVICE_UNAVAILABLE, a timeout), even one that left the rest of ``data`` whole, asks
    the query again with the client's backoff."""

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
        self, query: str, variables: dict[str, Any] | None = None, may_vanish: tuple[str, ...] = ()
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """``data`` and the NOT_FOUND errors of single nodes that came back null (an object deleted between
        GitHub's index and the read), once the same nodes came back null in three answers in a row, so a
        node that was only briefly unresolvable is read whole; transient errors are asked again until the
        retries are spent; any other error raises. Partial ``data`` beside a transient error is never
        returned: its nulls would read as empty lists. ``may_vanish``: dotted paths of single objects
        (``repository.issue``) whose NOT_FOUND is an answer like a list item's."""
        limited = failures = asked_again = same = 0
        previous: list[str] | None = None  # the unresolved nodes of the last answer
        while True:
            response = self.client.request(
                "POST", self.url, json={"query": query, "variables": variables or {}}
            )
            body = response.data if isinstance(response.data, dict) else {}
            data = body.get("data") if isinstance(body.get("data"), dict) else None
            cost = (data or {}).get("rateLimit", {}) if data else {}
            self.client.usage.record_graphql(int(cost.get("cost") or 1) if isinstance(cost, dict) else 1)
            errors = [e if isinstance(e, dict) else {"message": str(e)} for e in body.get("errors") or []]
            if any(e.get("type") == "RATE_LIMITED" for e in errors):
                limited += 1
                if limited > self.max_rate_limit_retries:
                    raise GitHubRateLimitError(
                        "GitHub GraphQL kept answering RATE_LIMITED: re-run after the reset"
                    )
                self._wait_for_reset(cost)
                continue
            transient = next((e for e in errors if _is_transient(e)), None)
            if transient is not None:
                cause = f"GraphQL {transient.get('type') or 'error'} at {_path_text(transient)}"
                failures = self.client.retry_or_raise(failures, cause)
                continue
            unresolved = [e for e in errors if _is_unresolved_node(e, may_vanish)]
            if len(unresolved) < len(errors):
                first = next(e for e in errors if not _is_unresolved_node(e, may_vanish))
                raise GitHubError(
                    f"GitHub GraphQL error ({first.get('type', 'ERROR')}): {first.get('message')}"
                )
            if data is None:
                raise GitHubError("GitHub GraphQL answered without data")
            paths = sorted(_path_text(e) for e in unresolved)
            same = same + 1 if unresolved and paths == previous else 0
            if unresolved and same < UNRESOLVED_CONFIRMATIONS and asked_again < self.client.retry.max_retries:
                previous, asked_again = paths, asked_again + 1
                continue
            return data, unresolved

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


def _is_transient(error: dict[str, Any]) -> bool:
    kind = error.get("type")
    if kind in TRANSIENT_ERROR_TYPES:
        return True
    return kind is None and str(error.get("message") or "").lower().startswith(TRANSIENT_MESSAGE)


def _path_text(error: dict[str, Any]) -> str:
    path = error.get("path")
    return ".".join(str(step) for step in path) if isinstance(path, list) and path else "the query"


def _is_unresolved_node(error: dict[str, Any], may_vanish: tuple[str, ...] = ()) -> bool:
    """A NOT_FOUND error at a list item (``[..., "nodes", 3]``) or at one of ``may_vanish``: that node is
    null, the rest is data."""
    path = error.get("path")
    if error.get("type") != "NOT_FOUND" or not isinstance(path, list) or not path:
        return False
    return isinstance(path[-1], int) or _path_text(error) in may_vanish
