"""Fault injection: the failures a real API client meets, on a switch and reproducible.

Every request draws the same number of random values from two seeded generators, whichever faults are
enabled, so a given seed and request sequence always fails the same way. The first generator draws what the
first fault switches always drew (so their sequences for a seed did not change when more faults came); the
second draws for the faults added later. Storms follow the request count, not chance.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import random
from dataclasses import dataclass

PARTIAL_ERROR_KINDS = ("mixed", "NOT_FOUND", "SERVICE_UNAVAILABLE")
COPILOT_STATUSES = (404, 403, 422)
ENDPOINT_RATE = "error_rate@"  # `error_rate@<template substring>=R` in `parse` syntax


@dataclass(frozen=True)
class FaultConfig:
    """Which faults to inject and how often (rates are per-request probabilities in [0, 1])."""

    error_rate: float = 0.0  # 500 / 502 / 503 with a GitHub-like JSON body, on any endpoint
    # (route-template substring, rate): `error_rate@pulls=0.5`; the longest matching substring wins over
    # `error_rate` (GraphQL's template is `/graphql`, e.g. `error_rate@graphql=0.3`)
    endpoint_error_rates: tuple[tuple[str, float], ...] = ()
    secondary_rate_limit_rate: float = 0.0  # "secondary rate limit" with Retry-After
    secondary_rate_limit_status: int = 403  # GitHub answers 403 or 429 for those; 429 makes a "429 storm"
    # a storm: from request `storm_every` on, every `storm_every` requests, `storm_length` requests in a row
    # answer `storm_status` (429, or 403 "secondary rate limit") with Retry-After: `storm_retry_after`
    storm_every: int = 0
    storm_length: int = 0
    storm_status: int = 429
    storm_retry_after: int = 1
    latency_ms: int = 0  # added to every request
    slow_rate: float = 0.0  # a share of requests answered `slow_ms` later (besides `latency_ms`)
    slow_ms: int = 0
    drop_rate: float = 0.0  # connection closed without a response
    drop_mid_body_rate: float = 0.0  # status, headers and part of the body sent, then the connection closed
    truncated_rate: float = 0.0  # 200 with a body cut off half-way (a complete HTTP answer, invalid JSON)
    malformed_rate: float = 0.0  # 200 with a complete body made invalid by one stray byte
    token_expires_after_requests: int | None = None  # then every request with that token gets 401
    # share of pull requests deleted between listing and detail: still listed (REST list pages), but every
    # read by number answers 404 and a GraphQL search hit comes back null with a NOT_FOUND error
    vanish_rate: float = 0.0
    # share of pull requests whose title and body carry text PostgreSQL cannot store (a lone surrogate, NUL in
    # a string and in an object key, bytes that are not UTF-8) in every answer that holds them
    # (github_rest/bad_unicode.py)
    bad_unicode_rate: float = 0.0
    # share of GraphQL 200 answers that come back partial (github_graphql/partial_errors.py): a search hit
    # null with NOT_FOUND, or a connection null with SERVICE_UNAVAILABLE ("mixed": either, by the seed)
    graphql_partial_rate: float = 0.0
    graphql_partial_error: str = "mixed"
    copilot: int | None = None  # 404 / 403 / 422: an org without Copilot (as `serve --copilot`)
    groq_error_rate: float = 0.0  # Groq answers 500 / 502 / 503
    groq_429_rate: float = 0.0  # Groq answers 429 rate_limit_exceeded with retry-after

    def __post_init__(self) -> None:
        rates = [f.name for f in dataclasses.fields(self) if f.name.endswith("_rate")]
        for name in rates:
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be within [0, 1], got {value}")
        for key, value in self.endpoint_error_rates:
            if not key or not 0.0 <= value <= 1.0:
                raise ValueError(f"{ENDPOINT_RATE}{key} must name a substring and be within [0, 1]")
        for name in ("latency_ms", "slow_ms", "storm_every", "storm_length", "storm_retry_after"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if self.secondary_rate_limit_status not in (403, 429):
            raise ValueError("secondary_rate_limit_status must be 403 or 429")
        if self.storm_status not in (403, 429):
            raise ValueError("storm_status must be 403 or 429")
        if self.storm_length and not 0 < self.storm_length < self.storm_every:
            raise ValueError("a storm needs storm_every > storm_length > 0 (else it never ends)")
        if self.token_expires_after_requests is not None and self.token_expires_after_requests < 0:
            raise ValueError("token_expires_after_requests must not be negative")
        if self.graphql_partial_error not in PARTIAL_ERROR_KINDS:
            raise ValueError(f"graphql_partial_error must be one of {', '.join(PARTIAL_ERROR_KINDS)}")
        if self.copilot is not None and self.copilot not in COPILOT_STATUSES:
            raise ValueError(f"copilot must be one of {', '.join(map(str, COPILOT_STATUSES))}")

    @classmethod
    def parse(cls, text: str | None) -> FaultConfig:
        """Parse "error_rate=0.1,error_rate@pulls=0.5,latency_ms=50" (the CLI's --faults); empty or "none"
        means no faults. A setting named twice keeps the last value."""
        if not text or text.strip().lower() == "none":
            return cls()
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "endpoint_error_rates"}
        values: dict[str, object] = {}
        endpoints: dict[str, float] = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            name, sep, raw = item.partition("=")
            name, raw = name.strip(), raw.strip()
            if sep and name.startswith(ENDPOINT_RATE):
                endpoints[name.removeprefix(ENDPOINT_RATE)] = _number(name, raw, float)
                continue
            if not sep or name not in fields:
                known = ", ".join([*fields, f"{ENDPOINT_RATE}<template substring>"])
                raise ValueError(f"unknown fault setting {item!r}; known: {known}")
            values[name] = _value(name, raw, fields[name].default)
        if endpoints:
            values["endpoint_error_rates"] = tuple(endpoints.items())
        return cls(**values)  # type: ignore[arg-type]

    @property
    def enabled(self) -> bool:
        return self != FaultConfig()

    def describe(self) -> str:
        """The non-default settings, in `parse` syntax (`parse(describe())` gives this config back)."""
        default = FaultConfig()
        changed: list[str] = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == getattr(default, f.name):
                continue
            if f.name == "endpoint_error_rates":
                changed += [f"{ENDPOINT_RATE}{key}={rate}" for key, rate in value]
            else:
                changed.append(f"{f.name}={'none' if value is None else value}")
        return ",".join(changed) or "none"

    def error_rate_for(self, template: str) -> float:
        """The server-error rate of a route: its longest matching `error_rate@` substring, else the global."""
        matching = [(len(key), rate) for key, rate in self.endpoint_error_rates if key and key in template]
        return max(matching)[1] if matching else self.error_rate

    def in_storm(self, request_number: int) -> bool:
        """Whether the `request_number`-th request (from 1) falls in a storm."""
        every, length = self.storm_every, self.storm_length
        if not (every and length) or request_number < every:
            return False
        return (request_number - every) % every < length


def _number(name: str, raw: str, kind: type[float] | type[int]) -> float | int:
    try:
        return kind(raw)
    except ValueError as error:
        raise ValueError(f"fault setting {name}={raw!r} is not a number") from error


def _value(name: str, raw: str, default: object) -> object:
    """A setting's value from its text, typed by the field's default."""
    if raw.lower() in ("", "none", "null", "on"):
        return None if name in ("copilot", "token_expires_after_requests") else default
    if isinstance(default, str):
        return raw.upper() if raw.upper() in PARTIAL_ERROR_KINDS else raw
    if isinstance(default, float) or name.endswith("_rate"):
        return _number(name, raw, float)
    return _number(name, raw, int)


class Fault(enum.Enum):
    """What to do to one request instead of answering it normally."""

    NONE = "none"
    DROP = "drop"
    DROP_MID_BODY = "drop_mid_body"
    SERVER_ERROR = "server_error"
    SECONDARY_RATE_LIMIT = "secondary_rate_limit"
    STORM = "storm"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    GRAPHQL_PARTIAL = "graphql_partial"  # applied to a GraphQL 200 only; otherwise the answer is normal
    SLOW = "slow"  # answered normally, `slow_ms` late (a slow request with another fault is named by that)


@dataclass(frozen=True)
class FaultDecision:
    fault: Fault
    status: int = 200
    delay_ms: int = 0  # wait this long before answering (latency_ms, plus slow_ms for a slow request)
    retry_after: int = 1  # seconds, for rate-limit faults
    detail: int = 0  # a seed for the fault's own choices (which GraphQL node errs)


NO_FAULT = FaultDecision(Fault.NONE)


class FaultInjector:
    """Draws a fault for each request from generators seeded by the server's seed."""

    def __init__(self, config: FaultConfig | None, seed: int) -> None:
        self.config = config or FaultConfig()
        self._seed = seed
        self._rng = random.Random(seed * 7_919 + 104_729)
        self._more = random.Random(seed * 15_485_863 + 32_452_843)
        self._requests = 0
        self._token_uses: dict[str, int] = {}

    def draw(self, template: str = "") -> FaultDecision:
        """The fault for the next request to the route `template` (always five draws from the first
        generator and five from the second, for reproducibility)."""
        drop, error, error_kind, secondary, malformed = (self._rng.random() for _ in range(5))
        mid_body, truncated, slow, partial, detail = (self._more.random() for _ in range(5))
        self._requests += 1
        config = self.config
        delay = config.latency_ms + (config.slow_ms if slow < config.slow_rate else 0)
        pick = int(detail * 2**31)
        if config.in_storm(self._requests):
            return FaultDecision(Fault.STORM, config.storm_status, delay, config.storm_retry_after)
        if drop < config.drop_rate:
            return FaultDecision(Fault.DROP, 0, delay)
        if mid_body < config.drop_mid_body_rate:
            return FaultDecision(Fault.DROP_MID_BODY, 200, delay, detail=pick)
        if error < config.error_rate_for(template):
            status = 500 if error_kind < 1 / 3 else 502 if error_kind < 2 / 3 else 503
            return FaultDecision(Fault.SERVER_ERROR, status, delay)
        if secondary < config.secondary_rate_limit_rate:
            return FaultDecision(Fault.SECONDARY_RATE_LIMIT, config.secondary_rate_limit_status, delay)
        if truncated < config.truncated_rate:
            return FaultDecision(Fault.TRUNCATED, 200, delay)
        if malformed < config.malformed_rate:
            return FaultDecision(Fault.MALFORMED, 200, delay, detail=pick)
        if partial < config.graphql_partial_rate:
            return FaultDecision(Fault.GRAPHQL_PARTIAL, 200, delay, detail=pick)
        if slow < config.slow_rate and config.slow_ms:
            return FaultDecision(Fault.SLOW, 200, delay)
        return FaultDecision(Fault.NONE, 200, delay) if delay else NO_FAULT

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


def truncate(body: bytes) -> bytes:
    """A body cut off half-way: what a proxy's buffer limit or a crashed upstream leaves."""
    return body[: max(1, len(body) // 2)]


def malform(body: bytes) -> bytes:
    """A complete body made syntactically wrong by one stray byte: a comma right after the opening bracket
    (`{,"id":1}`, `[,]`), which no JSON parser accepts, while every string and number stays as it was."""
    start = next((i for i, byte in enumerate(body) if byte in b"{["), None)
    if start is None:
        return b"," + body
    return body[: start + 1] + b"," + body[start + 1 :]


class GroqFaults:
    """The Groq part of a `FaultConfig`, drawn from its own seeded generator (two draws per request)."""

    def __init__(self, config: FaultConfig, seed: int) -> None:
        self.config = config
        self._rng = random.Random(seed * 104_723 + 7_907)

    def draw(self) -> int | None:
        """The status to fail the next Groq request with (429, 500, 502 or 503), or None."""
        limited, error = self._rng.random(), self._rng.random()
        if limited < self.config.groq_429_rate:
            return 429
        rate = self.config.groq_error_rate
        if error < rate:
            share = error / rate  # uniform in [0, 1) again: picks the status without another draw
            return 500 if share < 1 / 3 else 502 if share < 2 / 3 else 503
        return None
