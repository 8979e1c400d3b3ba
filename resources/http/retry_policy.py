"""How hard the shared client tries before it gives up, and how long it waits between tries."""

from __future__ import annotations

import random
from dataclasses import dataclass

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff is exponential with full jitter in its upper half, capped. A connection that cannot be made at
    all (refused, unknown host) before the API ever answered gets only ``connect_retries`` quick retries: no
    server is there, most likely a wrong base URL. Once it has answered, a refusal is a blip and gets the full
    backoff. Rate limits wait for the service's reset or ``Retry-After``, up to
    ``max_rate_limit_wait_seconds`` at once and ``max_rate_limit_pauses`` times per request."""

    max_retries: int = 5
    connect_retries: int = 2
    connect_backoff_seconds: float = 0.5
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    secondary_backoff_seconds: float = 60.0
    max_rate_limit_wait_seconds: float = 3900.0
    max_rate_limit_pauses: int = 10

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """The wait before retry ``attempt + 1``: within [ceiling / 2, ceiling], the ceiling doubling."""
        ceiling = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2**attempt)
        return rng.uniform(ceiling / 2, ceiling)

    def connect_backoff(self, attempt: int) -> float:
        return self.connect_backoff_seconds * 2**attempt

    def throttle_backoff(self, pauses: int) -> float:
        """The wait for a rate limit the service did not time (no Retry-After, no reset)."""
        return self.secondary_backoff_seconds * 2**pauses
