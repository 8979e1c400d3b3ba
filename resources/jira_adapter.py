"""Jira Cloud on the shared HTTP client: its headers, basic or bearer credentials, ``X-RateLimit-*`` budget,
429 (and 503 with ``Retry-After``) as rate limits, ``errorMessages``/``errors`` read into the message, a
suspended site told apart from a permission refusal, and one-line causes naming the variable to fix."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from resources.http.adapter import ServiceAdapter
from resources.http.auth import Credentials
from resources.http.errors import ErrorCategory, ServiceError, shared_error_class
from resources.http.rate_limit import RateLimitReading
from resources.jira_errors import JIRA_ERRORS

# What Jira Cloud says of a site that is suspended or deactivated for an unpaid subscription or licence.
_SUSPENDED = re.compile(
    r"suspend|(?:site|instance|product)\b[^.]{0,60}deactivat|payment|billing|unpaid"
    r"|subscription (?:has )?(?:expired|ended|cancel)"
    r"|licen[cs]e (?:has )?expired|site (?:has been )?(?:locked|closed)",
    re.I,
)
_MESSAGE_LIMIT = 300


class JiraAdapter(ServiceAdapter):
    """``auth_variables`` names what fixes a 401 in this configuration ("JIRA_EMAIL + JIRA_API_TOKEN")."""

    name = "Jira"
    base_url_env = "JIRA_BASE_URL"

    def __init__(
        self,
        credentials: Credentials | None,
        *,
        auth_variables: str = "JIRA_EMAIL + JIRA_API_TOKEN",
        base_url_env: str = "JIRA_BASE_URL",
    ) -> None:
        super().__init__(credentials)
        self.auth_variables = auth_variables
        self.base_url_env = base_url_env

    def rate_limit(self, headers: httpx.Headers) -> RateLimitReading | None:
        """Jira sends ``X-RateLimit-Remaining`` and, when spent, ``X-RateLimit-Reset`` as an ISO time."""
        raw = headers.get("x-ratelimit-remaining")
        try:
            remaining = int(raw) if raw is not None else None
        except ValueError:
            remaining = None
        if remaining is None:
            return None
        return RateLimitReading(remaining, _iso_epoch(headers.get("x-ratelimit-reset")))

    def is_rate_limited(self, response: httpx.Response) -> bool:
        """429, and a 503 that says when to come back (Atlassian asks clients to honour it), unless the site
        is suspended (waiting cannot help)."""
        if response.status_code == 429:
            return True
        return (
            response.status_code == 503
            and "retry-after" in response.headers
            and not self._suspended(response)
        )

    def is_retryable(self, response: httpx.Response) -> bool:
        return super().is_retryable(response) and not self._suspended(response)

    def service_message(self, response: httpx.Response) -> str:
        """Jira's ``errorMessages`` and ``errors`` (field: message), the gateway's ``message``, or OAuth's
        ``error_description``, on one line."""
        try:
            body = response.json()
        except ValueError:
            return response.reason_phrase or ""
        return jira_message(body) or response.reason_phrase or ""

    def category_of(self, response: httpx.Response) -> ErrorCategory:
        if self._suspended(response):
            return ErrorCategory.SUSPENDED_PAYMENT
        return super().category_of(response)

    def error_message(self, category: ErrorCategory, status: int, said: str, label: str) -> str:
        if category is ErrorCategory.AUTH_EXPIRED:
            return (
                f"Jira rejected the credentials ({status} {said}) on {label}: "
                f"set a valid {self.auth_variables} and re-run"
            )
        if category is ErrorCategory.PERMISSION:
            return (
                f"Jira refused {label} ({status} {said}): the account lacks a permission "
                "(Browse projects / Browse users) for JIRA_PROJECTS"
            )
        if category is ErrorCategory.SUSPENDED_PAYMENT:
            return (
                f"the Jira site is suspended ({status} {said}) on {label}: "
                "ask the admin of JIRA_BASE_URL to restore the subscription"
            )
        if category is ErrorCategory.NOT_FOUND:
            return f"Jira has no {label} ({status} {said}): check JIRA_PROJECTS / JIRA_BASE_URL and access"
        if category is ErrorCategory.SCHEMA_CHANGE:
            return f"Jira removed {label} ({status} {said}): update Dexxy"
        return f"Jira answered {status} for {label}: {said}"

    def error_class(self, category: ErrorCategory) -> type[ServiceError]:
        return JIRA_ERRORS.get(category) or shared_error_class(category)

    def _suspended(self, response: httpx.Response) -> bool:
        if response.status_code in (200, 201, 204, 304, 429):
            return False
        return bool(_SUSPENDED.search(self.service_message(response)))


def jira_message(body: object) -> str:
    """The words of a Jira error body, on one line and at most a few hundred characters."""
    if not isinstance(body, dict):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or [] if m]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"{field}: {message}" for field, message in errors.items()]
    for key in ("message", "error_description", "error"):
        if not parts and body.get(key):
            parts.append(str(body[key]))
    text = " ".join("; ".join(parts).split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 1] + "…"


def _iso_epoch(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None
