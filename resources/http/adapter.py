"""What a service adds to the shared client: its headers and credentials, how it pages, how it reports its
rate-limit budget, and what its refusals mean. The defaults fit a plain JSON API that answers 429 with
``Retry-After`` and has no budget headers; a service overrides only what differs."""

from __future__ import annotations

from typing import Any

import httpx

from resources.http.auth import Credentials
from resources.http.errors import ErrorCategory, ServiceError, shared_error_class
from resources.http.rate_limit import RateLimitReading
from resources.http.retry_policy import RETRYABLE_STATUSES


class ServiceAdapter:
    """``name`` starts the messages ("Jira failed 6 times: …"); ``base_url_env`` is the variable holding the
    base URL, named when nothing answers there."""

    name: str = "the API"
    base_url_env: str | None = None

    def __init__(self, credentials: Credentials | None = None) -> None:
        self.credentials = credentials

    def default_headers(self) -> dict[str, str]:
        """Headers of every request (Accept, API version, User-Agent)."""
        return {"Accept": "application/json", "User-Agent": "dexxy"}

    def auth_headers(self) -> dict[str, str]:
        """Headers of a request to the service's own origin (never sent elsewhere)."""
        return self.credentials.headers() if self.credentials is not None else {}

    def renew_credentials(self) -> bool:
        """After a 401: drop a short-lived credential; True when one more try may succeed."""
        return self.credentials.renew() if self.credentials is not None else False

    def next_url(self, response: httpx.Response) -> str | None:
        """The next page's absolute URL (RFC 8288 ``Link: rel="next"``); token paging is the caller's."""
        return response.links.get("next", {}).get("url")

    def rate_limit(self, headers: httpx.Headers) -> RateLimitReading | None:
        """The budget an answer reports; None for a service without budget headers."""
        return None

    def is_rate_limited(self, response: httpx.Response) -> bool:
        """Whether a refusal is a rate limit to wait out rather than an error."""
        return response.status_code == 429

    def is_retryable(self, response: httpx.Response) -> bool:
        """Whether a refusal is a blip worth the backoff (5xx); a service may know a 5xx that is not."""
        return response.status_code in RETRYABLE_STATUSES

    def service_message(self, response: httpx.Response) -> str:
        """The service's own words about a refusal."""
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or ""
        return str(body.get("message", "")) if isinstance(body, dict) else ""

    def category_of(self, response: httpx.Response) -> ErrorCategory:
        """The kind of failure a non-retryable, non-rate-limit answer is."""
        status = response.status_code
        if status == 401:
            return ErrorCategory.AUTH_EXPIRED
        if status == 403:
            return ErrorCategory.PERMISSION
        if status == 404:
            return ErrorCategory.NOT_FOUND
        if status == 410:  # an endpoint the service removed
            return ErrorCategory.SCHEMA_CHANGE
        if status >= 500:
            return ErrorCategory.UPSTREAM_5XX
        return ErrorCategory.UNEXPECTED

    def error_message(self, category: ErrorCategory, status: int, said: str, label: str) -> str:
        """The one-line cause of a refusal (``said``: the service's message, ``label``: the path)."""
        if category is ErrorCategory.AUTH_EXPIRED:
            return f"{self.name} rejected the credentials ({status} {said}) on {label}: renew them"
        if category is ErrorCategory.PERMISSION:
            return f"{self.name} refused {label} ({status} {said}): the credentials lack a permission"
        if category is ErrorCategory.NOT_FOUND:
            return f"{self.name} has no {label} ({status}): check the configured scope and access"
        return f"{self.name} answered {status} for {label}: {said}"

    def error_class(self, category: ErrorCategory) -> type[ServiceError]:
        """The class raised for a category; a service may name its own subclasses."""
        return shared_error_class(category)

    def error(self, category: ErrorCategory, message: str, **details: Any) -> ServiceError:
        return self.error_class(category)(message, **details)
