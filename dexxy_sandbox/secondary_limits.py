"""GitHub's secondary rate limits, as "Rate limits for the REST API" documents them.

- at most 100 concurrent requests, shared by REST and GraphQL;
- at most 900 points per minute for REST endpoints (GET, HEAD, OPTIONS weigh 1 point; POST, PATCH, PUT,
  DELETE weigh 5) and 2,000 points per minute for the GraphQL endpoint (a query weighs 1, a mutation 5),
  counted apart from GraphQL's primary point cost.

Exceeding one answers 403 (or 429) with `Retry-After` and GitHub's "secondary rate limit" message. The
budgets are per token in a fixed window that starts with the first request after the previous one ended
(like the primary limit). The docs' budget is "per endpoint"; the sandbox counts all REST endpoints together,
the stricter reading (a client that stays within it stays within GitHub's). `time_scale` makes time run
faster: windows last `60 / time_scale` seconds and `Retry-After` shrinks alike (never under one second), so a
benchmark meets GitHub's limits in proportion without waiting real minutes.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

REST = "rest"
GRAPHQL = "graphql"
WINDOW_SECONDS = 60.0
HEAVY_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
REST_DOCS = (
    "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)
GRAPHQL_DOCS = (
    "https://docs.github.com/free-pro-team@latest/graphql/overview/rate-limits-and-node-limits-for-the-graphql-api"
    "#secondary-rate-limits"
)
# an operation keyword at the start of the document or after a closing brace (comments stripped first)
_MUTATION = re.compile(r"(?:^|})\s*mutation\b")
_COMMENT = re.compile(r"#[^\n]*")


@dataclass(frozen=True)
class SecondaryLimitConfig:
    """GitHub's documented budgets; smaller ones make a test meet them after a few requests."""

    concurrent_requests: int = 100
    rest_points_per_minute: int = 900
    graphql_points_per_minute: int = 2000
    status: int = 403  # GitHub answers 403 or 429

    def __post_init__(self) -> None:
        budgets = (self.concurrent_requests, self.rest_points_per_minute, self.graphql_points_per_minute)
        if min(budgets) < 1:
            raise ValueError("secondary limits must be at least 1")
        if self.status not in (403, 429):
            raise ValueError("the secondary-limit status must be 403 or 429")


@dataclass(frozen=True)
class Refusal:
    """A request over a secondary limit: which budget, and the `Retry-After` seconds to send."""

    reason: str  # "concurrency", "rest" or "graphql"
    retry_after: int
    status: int

    @property
    def documentation_url(self) -> str:
        return GRAPHQL_DOCS if self.reason == GRAPHQL else REST_DOCS


@dataclass(frozen=True)
class SecondaryLimitReply:
    """GitHub's answer to a request over a secondary limit, however the sandbox decided it (a limit it
    enforces or a storm fault): the status, the JSON body and the `Retry-After` header."""

    status: int
    body: dict[str, str]
    retry_after: int

    @property
    def retry_after_header(self) -> tuple[bytes, bytes]:
        return (b"retry-after", str(self.retry_after).encode())


def scaled_retry_after(seconds: float, time_scale: float = 1.0) -> int:
    """A wait of `seconds` when time runs `time_scale` times faster, in GitHub's whole seconds (never 0)."""
    return max(1, math.ceil(seconds / time_scale))


def secondary_limit_reply(
    status: int, retry_after: int, request_id: str, documentation_url: str = REST_DOCS
) -> SecondaryLimitReply:
    """GitHub's secondary-limit answer in its words (REST and GraphQL alike); `retry_after` as sent."""
    message = (
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
        f"If you reach out to GitHub Support for help, please include the request ID {request_id}."
    )
    body = {"message": message, "documentation_url": documentation_url, "status": str(status)}
    return SecondaryLimitReply(status, body, retry_after)


def secondary_points(method: str, graphql_body: bytes | None = None) -> tuple[str, int]:
    """(budget, points) of one request: REST by its method, GraphQL by whether it holds a mutation."""
    if graphql_body is None:
        return REST, 5 if method.upper() in HEAVY_METHODS else 1
    try:
        payload = json.loads(graphql_body or b"null")
    except ValueError:
        return GRAPHQL, 1
    query = payload.get("query") if isinstance(payload, dict) else None
    mutation = isinstance(query, str) and _MUTATION.search(_COMMENT.sub("", query)) is not None
    return GRAPHQL, 5 if mutation else 1


class SecondaryLimits:
    """Per-token in-flight counts and per-minute point windows; called from the server's event loop only."""

    def __init__(
        self,
        config: SecondaryLimitConfig | None = None,
        *,
        time_scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        self.config = config or SecondaryLimitConfig()
        self.time_scale = time_scale
        self._clock = clock
        self._in_flight: Counter[str] = Counter()
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}  # (token, budget) -> (ends at, used)
        self.refused: Counter[str] = Counter()  # by reason

    @property
    def window_seconds(self) -> float:
        return WINDOW_SECONDS / self.time_scale

    def _budget(self, kind: str) -> int:
        if kind == GRAPHQL:
            return self.config.graphql_points_per_minute
        return self.config.rest_points_per_minute

    def enter(self, token: str) -> None:
        """A request of `token` started (pair with `leave` in a `finally`)."""
        self._in_flight[token] += 1

    def leave(self, token: str) -> None:
        self._in_flight[token] -= 1
        if self._in_flight[token] <= 0:
            del self._in_flight[token]

    def in_flight(self, token: str) -> int:
        return self._in_flight[token]

    def over_concurrency(self, token: str) -> bool:
        """Whether `token` now has more requests in flight than allowed (counting the one just entered)."""
        return self._in_flight[token] > self.config.concurrent_requests

    def refuse_concurrency(self) -> Refusal:
        """The answer to a request over the concurrency limit (GitHub names no wait: one second)."""
        return self._refuse("concurrency", 1.0)

    def charge(self, token: str, kind: str, points: int) -> Refusal | None:
        """Spend `points` of `token`'s `kind` budget; a Refusal (nothing spent) when it would go over."""
        now = self._clock()
        ends, used = self._windows.get((token, kind), (0.0, 0))
        if now >= ends:
            ends, used = now + self.window_seconds, 0
        if used + points > self._budget(kind):
            self._windows[(token, kind)] = (ends, used)
            return self._refuse(kind, ends - now)
        self._windows[(token, kind)] = (ends, used + points)
        return None

    def _refuse(self, reason: str, seconds: float) -> Refusal:
        self.refused[reason] += 1
        return Refusal(reason, scaled_retry_after(seconds), self.config.status)
