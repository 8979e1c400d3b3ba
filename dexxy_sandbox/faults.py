"""Fault injection: the failures a real API client meets, on a switch and reproducible.

Every request draws the same number of random values from one seeded generator, whichever faults are
enabled, so a given seed and request sequence always fails the same way.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class FaultConfig:
    """Which faults to inject and how often (rates are per-request probabilities in [0, 1])."""

    error_rate: float = 0.0  # 500 / 502 with a GitHub-like JSON body
    secondary_rate_limit_rate: float = 0.0  # "secondary rate limit" with Retry-After
    secondary_rate_limit_status: int = 403  # GitHub answers 403 or 429 for those; 429 makes a "429 storm"
    latency_ms: int = 0  # added to every request
    drop_rate: float = 0.0  # connection closed without a response
    malformed_rate: float = 0.0  # 200 with a truncated, invalid JSON body
    token_expires_after_requests: int | None = None  # then every request with that token gets 401
    # share of pull requests deleted between listing and detail: still listed (REST list pages), but every
    # read by number answers 404 and a GraphQL search hit comes back null with a NOT_FOUND error
    vanish_rate: float = 0.0
    # share of pull requests whose title and body carry text PostgreSQL cannot store (a lone surrogate, NUL in
    # a string and in an object key, bytes that are not UTF-8) in every answer that holds them
    # (github_rest/bad_unicode.py)
    bad_unicode_rate: float = 0.0

    def __post_init__(self) -> None:
        rates = ("error_rate", "secondary_rate_limit_rate", "drop_rate", "malformed_rate")
        for name in (*rates, "vanish_rate", "bad_unicode_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        if self.latency_ms < 0:
            raise ValueError("latency_ms must not be negative")
        if self.secondary_rate_limit_status not in (403, 429):
            raise ValueError("secondary_rate_limit_status must be 403 or 429")
        if self.token_expires_after_requests is not None and self.token_expires_after_requests < 0:
            raise ValueError("token_expires_after_requests must not be negative")

    @classmethod
    def parse(cls, text: str | None) -> FaultConfig:
        """Parse "error_rate=0.1,latency_ms=50" (the CLI's --faults); empty or "none" means no faults."""
        if not text or text.strip().lower() == "none":
            return cls()
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, float | int | None] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, raw = item.partition("=")
            name = name.strip()
            if not sep or name not in fields:
                raise ValueError(f"unknown fault setting {item!r}; known: {', '.join(fields)}")
            raw = raw.strip()
            if raw.lower() in ("", "none", "null"):
                values[name] = None
            elif name.endswith("_rate"):
                values[name] = float(raw)
            else:
                values[name] = int(raw)
        return cls(**values)  # type: ignore[arg-type]

    @property
    def enabled(self) -> bool:
        return self != FaultConfig()

    def describe(self) -> str:
        """The non-default settings, in `parse` syntax."""
        default = FaultConfig()
        changed = [
            f"{f.name}={getattr(self, f.name)}"
            for f in dataclasses.fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        ]
        return ",".join(changed) or "none"


class Fault(enum.Enum):
    """What to do to one request instead of answering it normally."""

    NONE = "none"
    DROP = "drop"
    SERVER_ERROR = "server_error"
    SECONDARY_RATE_LIMIT = "secondary_rate_limit"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class FaultDecision:
    fault: Fault
    status: int = 200


NO_FAULT = FaultDecision(Fault.NONE)


class FaultInjector:
    """Draws a fault for each request from a generator seeded by the server's seed."""

    def __init__(self, config: FaultConfig | None, seed: int) -> None:
        self.config = config or FaultConfig()
        self._seed = seed
        self._rng = random.Random(seed * 7_919 + 104_729)
        self._token_uses: dict[str, int] = {}

    def draw(self) -> FaultDecision:
        """The fault for the next request (five draws per request, always, for reproducibility)."""
        drop, error, error_kind, secondary, malformed = (self._rng.random() for _ in range(5))
        config = self.config
        if drop < config.drop_rate:
            return FaultDecision(Fault.DROP, 0)
        if error < config.error_rate:
            return FaultDecision(Fault.SERVER_ERROR, 500 if error_kind < 0.5 else 502)
        if secondary < config.secondary_rate_limit_rate:
            return FaultDecision(Fault.SECONDARY_RATE_LIMIT, config.secondary_rate_limit_status)
        if malformed < config.malformed_rate:
            return FaultDecision(Fault.MALFORMED, 200)
        return NO_FAULT

    def vanished(self, repo: str, number: int) -> bool:
        """Whether pull request `repo`#`number` has vanished: decided by the seed and the pull request alone,
        so every request (and every test) agrees, whatever the order of requests."""
        rate = self.config.vanish_rate
        if rate <= 0.0:
            return False
        digest = hashlib.blake2b(f"{self._seed}/vanish/{repo}/{number}".encode(), digest_size=8).digest()
        return int.from_bytes(digest) / 2**64 < rate

    def token_expired(self, token: str) -> bool:
        """Count a use of `token`; True once it has been used more than the configured number of times."""
        limit = self.config.token_expires_after_requests
        uses = self._token_uses.get(token, 0) + 1
        self._token_uses[token] = uses
        return limit is not None and uses > limit
