"""GitHub's primary rate limit: a per-token budget per fixed window, reported in X-RateLimit-* headers.

As on GitHub, a window starts with the first request after the previous one reset, `X-RateLimit-Reset` is
the epoch second it ends, and the budget is per token (per user, really) and per resource.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateWindow:
    """The budget of one token for one resource at one moment."""

    limit: int
    used: int
    reset: int  # epoch seconds
    resource: str = "core"

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)

    def headers(self) -> list[tuple[bytes, bytes]]:
        """The X-RateLimit-* headers GitHub sends with every authenticated response."""
        return [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(self.reset).encode()),
            (b"x-ratelimit-used", str(self.used).encode()),
            (b"x-ratelimit-resource", self.resource.encode()),
        ]

    def as_dict(self) -> dict[str, int]:
        return {"limit": self.limit, "used": self.used, "remaining": self.remaining, "reset": self.reset}


class RateLimiter:
    """Fixed-window budgets keyed by (token, resource)."""

    def __init__(
        self,
        limit: int = 5000,
        window_seconds: float = 3600,
        clock: Callable[[], float] = time.time,
        limits: dict[str, int] | None = None,
    ) -> None:
        if limit < 0 or window_seconds <= 0:
            raise ValueError("limit must be >= 0 and window_seconds > 0")
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._limits = {"core": limit, **(limits or {})}
        self._windows: dict[tuple[str, str], RateWindow] = {}

    def _limit_for(self, resource: str) -> int:
        return self._limits.get(resource, self.limit)

    def state(self, token: str, resource: str = "core") -> RateWindow:
        """The current window, without spending anything (a fresh one if the last has reset)."""
        now = self._clock()
        window = self._windows.get((token, resource))
        if window is None or now >= window.reset:
            return RateWindow(self._limit_for(resource), 0, math.ceil(now + self.window_seconds), resource)
        return window

    def consume(self, token: str, resource: str = "core", cost: int = 1) -> tuple[bool, RateWindow]:
        """Spend `cost` points; (False, window) when the budget does not allow it."""
        window = self.state(token, resource)
        if window.used + cost > window.limit:
            return False, window
        window = RateWindow(window.limit, window.used + cost, window.reset, resource)
        self._windows[(token, resource)] = window
        return True, window


def rate_limit_overview(limiter: RateLimiter, token: str) -> dict[str, object]:
    """The body of GET /rate_limit for `token` (schema `rate-limit-overview`)."""
    resources = {
        name: limiter.state(token, name).as_dict()
        for name in (
            "core",
            "graphql",
            "search",
            "code_search",
            "integration_manifest",
            "source_import",
            "actions_runner_registration",
            "scim",
            "dependency_snapshots",
            "code_scanning_autofix",
        )
    }
    return {"resources": resources, "rate": resources["core"]}
