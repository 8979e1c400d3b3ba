"""GitHub on the shared HTTP client: its headers, bearer token (static or a GitHub App's installation
tokens), ``x-ratelimit-*`` budget, rate limits answered as 403 or 429, and its one-line causes."""

from __future__ import annotations

import httpx

from resources.github_errors import GITHUB_ERRORS
from resources.http.adapter import ServiceAdapter
from resources.http.auth import BearerAuth, TokenSource
from resources.http.errors import ErrorCategory, ServiceError, shared_error_class
from resources.http.rate_limit import RateLimitReading

API_VERSION = "2022-11-28"


class GitHubAdapter(ServiceAdapter):
    name = "GitHub"
    base_url_env = "GITHUB_API_URL"

    def __init__(self, token: str | TokenSource, user_agent: str = "dexxy") -> None:
        super().__init__(BearerAuth(token))
        self.user_agent = user_agent

    def default_headers(self) -> dict[str, str]:
        return {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": self.user_agent,
        }

    def rate_limit(self, headers: httpx.Headers) -> RateLimitReading | None:
        remaining = _int_header(headers, "x-ratelimit-remaining")
        if remaining is None:
            return None
        reset = _int_header(headers, "x-ratelimit-reset")
        return RateLimitReading(remaining, float(reset) if reset is not None else None)

    def is_rate_limited(self, response: httpx.Response) -> bool:
        """GitHub answers a spent primary budget and a secondary limit with 403 or 429; a 403 without
        Retry-After, a spent budget or "rate limit" in its message is a permission refusal."""
        if response.status_code not in (403, 429):
            return False
        return (
            response.status_code == 429
            or "retry-after" in response.headers
            or _int_header(response.headers, "x-ratelimit-remaining") == 0
            or "rate limit" in self.service_message(response).lower()
        )

    def error_message(self, category: ErrorCategory, status: int, said: str, label: str) -> str:
        if category is ErrorCategory.AUTH_EXPIRED:
            return (
                f"GitHub rejected the token ({status} {said}) on {label}: "
                "set a valid GITHUB_TOKEN or GitHub App credentials and re-run"
            )
        if category is ErrorCategory.PERMISSION:
            return (
                f"GitHub refused {label} ({status} {said}): "
                "the token lacks a scope or permission (needs repo and read:org)"
            )
        if category is ErrorCategory.NOT_FOUND:
            return (
                f"GitHub has no {label} ({status}): check GITHUB_ORGS / GITHUB_REPOS and the token's access"
            )
        return f"GitHub answered {status} for {label}: {said}"

    def error_class(self, category: ErrorCategory) -> type[ServiceError]:
        return GITHUB_ERRORS.get(category) or shared_error_class(category)  # GitHub never suspends here


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
