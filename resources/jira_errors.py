"""Jira's names for the shared errors (``resources.http.errors``): what the client raises for Jira, so a
failed run says ``JiraAuthError`` and its ``action`` names the Jira variable to fix. Each class takes its
``category`` from the shared base it extends; ``status`` is Jira's HTTP status and ``service_message`` its
``errorMessages``/``errors`` joined into one line."""

from __future__ import annotations

from resources.http.errors import (
    AuthError,
    ConfigError,
    ErrorCategory,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SchemaChangeError,
    ServiceError,
    SuspendedError,
    UnavailableError,
    UnreachableError,
)


class JiraError(ServiceError):
    """Base class: the message is the one-line cause shown in the Dagster UI and alerts."""


class JiraAuthError(JiraError, AuthError):
    """401: the API token is wrong or revoked, the OAuth access token expired and could not be renewed, or the
    stored refresh token was spent."""

    action = "set a valid JIRA_EMAIL + JIRA_API_TOKEN, or re-authorise OAuth (JIRA_OAUTH_REFRESH_TOKEN)"


class JiraPermissionError(JiraError, PermissionDeniedError):
    """403 that is not a suspended site: the account cannot browse the project or users."""

    action = "give the JIRA_EMAIL account (or the OAuth app's scopes) Browse access to JIRA_PROJECTS"


class JiraSuspendedError(JiraError, SuspendedError):
    """The site is suspended or deactivated (an unpaid subscription, an expired licence)."""

    action = "ask the site admin to restore the subscription at JIRA_BASE_URL, then re-run"


class JiraNotFoundError(JiraError, NotFoundError):
    """404: the project, issue or board does not exist or the account cannot see it."""

    action = "check JIRA_PROJECTS and JIRA_BASE_URL, and that the account can see them"


class JiraRateLimitError(JiraError, RateLimitError):
    """Jira kept answering 429 beyond what the run may wait."""

    action = "wait for Jira's rate limit to reset or sync fewer JIRA_PROJECTS at once, then re-run"


class JiraSchemaChangeError(JiraError, SchemaChangeError):
    """A removed endpoint (410) or an answer in a shape the client does not know."""

    action = "Jira changed its API: update Dexxy (the error names the endpoint)"


class JiraUnavailableError(JiraError, UnavailableError):
    """5xx answers or malformed bodies outlasted every retry."""

    action = "Jira kept failing; re-run later (the previous data is intact)"


class JiraNetworkError(JiraUnavailableError, NetworkError):
    """Dropped connections or timeouts outlasted every retry."""

    action = "connections to JIRA_BASE_URL kept failing; check the network and re-run"


class JiraUnreachableError(JiraUnavailableError, UnreachableError):
    """No connection could be made at all: a wrong JIRA_BASE_URL (or OAuth root) or no network."""

    label = "Jira unreachable"
    action = "check JIRA_BASE_URL (JIRA_OAUTH_API_ROOT with OAuth) and the network, then re-run"


class JiraConfigError(JiraError, ConfigError):
    """Dexxy is not configured for Jira (a variable missing or invalid, DEXXY_SECRET_KEY for OAuth)."""

    action = "set the variable the error names (see .env.example, Jira section)"


JIRA_ERRORS: dict[ErrorCategory, type[JiraError]] = {
    ErrorCategory.RATE_LIMIT: JiraRateLimitError,
    ErrorCategory.AUTH_EXPIRED: JiraAuthError,
    ErrorCategory.PERMISSION: JiraPermissionError,
    ErrorCategory.SUSPENDED_PAYMENT: JiraSuspendedError,
    ErrorCategory.NOT_FOUND: JiraNotFoundError,
    ErrorCategory.NETWORK: JiraNetworkError,
    ErrorCategory.UPSTREAM_5XX: JiraUnavailableError,
    ErrorCategory.SCHEMA_CHANGE: JiraSchemaChangeError,
    ErrorCategory.CONFIG: JiraConfigError,
    ErrorCategory.UNREACHABLE: JiraUnreachableError,
    ErrorCategory.UNEXPECTED: JiraError,
}
