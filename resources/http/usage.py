"""What a sync spent of a source's API, reported in asset metadata and the sync log."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class ApiUsage:
    """Counters shared by the threads of one client; ``requests`` counts every HTTP request sent."""

    requests: int = 0
    not_modified: int = 0
    retries: int = 0
    throttled_waits: int = 0  # pauses for a spent primary budget or a secondary limit (Retry-After)
    throttled_seconds: float = 0.0
    graphql_points: int = 0
    graphql_requests: int = 0
    rate_limit_remaining: int | None = None
    statuses: Counter[int] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record_response(self, status: int, remaining: int | None) -> None:
        with self._lock:
            self.requests += 1
            self.statuses[status] += 1
            if status == 304:
                self.not_modified += 1
            if remaining is not None:
                self.rate_limit_remaining = remaining

    def record_retry(self) -> None:
        with self._lock:
            self.retries += 1

    def record_wait(self, seconds: float) -> None:
        with self._lock:
            self.throttled_waits += 1
            self.throttled_seconds += seconds

    def record_graphql(self, points: int) -> None:
        with self._lock:
            self.graphql_requests += 1
            self.graphql_points += points

    @property
    def budget_charged_requests(self) -> int:
        """REST requests charged to the REST budget (GitHub does not charge 304s); none was throttled."""
        return self.requests - self.not_modified - self.graphql_requests

    @property
    def budget_points(self) -> int:
        """What the sync cost of both budgets: REST requests plus GraphQL points."""
        return self.budget_charged_requests + self.graphql_points

    def as_metadata(self) -> dict[str, int | float]:
        return {
            "api_requests": self.requests,
            "api_requests_not_modified": self.not_modified,
            "api_budget_charged_requests": self.budget_charged_requests,
            "api_graphql_requests": self.graphql_requests,
            "api_graphql_points": self.graphql_points,
            "api_budget_points": self.budget_points,
            "api_retries": self.retries,
            "api_throttled_waits": self.throttled_waits,
            "api_throttled_seconds": round(self.throttled_seconds, 1),
        }
