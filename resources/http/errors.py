"""One error hierarchy for every source. Each class carries a ``category`` (what kind of failure, for alerts
and dashboards) and a one-line ``action`` (what a person does about it); the message is the one-line cause.

A service may subclass these to keep its own class names (``GitHubAuthError``); such a subclass sets no
``category`` of its own, so the shared base decides it. ``error_class_named`` finds a class by the name a
failed run recorded, which is how the failure sensor classifies without reading message text.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class ErrorCategory(enum.Enum):
    """The kinds of failure a source's API produces; the value is the label an alert shows."""

    RATE_LIMIT = "rate limit spent"
    AUTH_EXPIRED = "token expired or invalid"
    PERMISSION = "permission missing"
    SUSPENDED_PAYMENT = "account suspended"
    NOT_FOUND = "not found"
    NETWORK = "network failing"
    UPSTREAM_5XX = "source unavailable"
    SCHEMA_CHANGE = "unexpected answer shape"
    CONFIG = "configuration missing"
    UNREACHABLE = "API unreachable"
    UNEXPECTED = "unexpected API answer"

    @property
    def label(self) -> str:
        return str(self.value)


class ServiceError(RuntimeError):
    """Base class. ``status`` is the HTTP status when the service answered, ``service_message`` its own
    words (a "message" field), which callers may read to tell an expected refusal from a failure."""

    category: ClassVar[ErrorCategory] = ErrorCategory.UNEXPECTED
    action: ClassVar[str] = "open the run in the Dagster UI for the details"
    label: ClassVar[str | None] = None  # what an alert calls it; None: the category's label

    def __init__(self, message: str, *, status: int | None = None, service_message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.service_message = service_message

    @classmethod
    def cause(cls) -> str:
        return cls.label or cls.category.label


class ConfigError(ServiceError):
    """Dexxy is not configured for the source (a variable missing or invalid)."""

    category = ErrorCategory.CONFIG
    action = "set the variable named in the error (see .env.example)"


class AuthError(ServiceError):
    """The credentials were rejected (401, or refused even after renewing a short-lived token)."""

    category = ErrorCategory.AUTH_EXPIRED
    action = "re-authenticate: set valid credentials for the source (see .env.example)"


class PermissionDeniedError(AuthError):
    """Authenticated, but not allowed (403 that is not a rate limit): a scope or permission is missing."""

    category = ErrorCategory.PERMISSION
    action = "grant the credentials the permission the error names, then re-run"


class SuspendedError(ServiceError):
    """The account or site is suspended (unpaid subscription, deactivated site)."""

    category = ErrorCategory.SUSPENDED_PAYMENT
    action = "ask the account's admin to restore the subscription, then re-run"


class NotFoundError(ServiceError):
    """404: the object does not exist or the credentials cannot see it."""

    category = ErrorCategory.NOT_FOUND
    action = "check the configured scope and the credentials' access"


class RateLimitError(ServiceError):
    """The rate limit is spent and resets later than the client is allowed to wait."""

    category = ErrorCategory.RATE_LIMIT
    action = "wait for the reset or lower the sync frequency, then re-run"


class SchemaChangeError(ServiceError):
    """The service answered in a shape the client does not know (a list that is not a list, a removed
    endpoint): retrying cannot help, the code must follow the API."""

    category = ErrorCategory.SCHEMA_CHANGE
    action = "the API changed: update Dexxy, or report the error with the endpoint it names"


class UnavailableError(ServiceError):
    """Server errors or malformed bodies outlasted every retry."""

    category = ErrorCategory.UPSTREAM_5XX
    action = "the API kept failing; re-run later (the previous data is intact)"


class NetworkError(UnavailableError):
    """Connections kept dropping or timing out after the service had answered, beyond every retry."""

    category = ErrorCategory.NETWORK
    action = "connections kept failing; check the network and re-run (the previous data is intact)"


class UnreachableError(UnavailableError):
    """No connection could be made at all (refused, unknown host): a wrong base URL or no network. Raised
    after a couple of quick retries, not after the minute of backoff meant for a flaky server."""

    category = ErrorCategory.UNREACHABLE
    action = "check the base URL variable named in the error and the network, then re-run"


def error_class_named(name: str) -> type[ServiceError] | None:
    """The loaded class of the hierarchy called ``name`` (the class name a failed run recorded)."""
    pending: list[type[ServiceError]] = [ServiceError]
    while pending:
        cls = pending.pop()
        if cls.__name__ == name:
            return cls
        pending.extend(cls.__subclasses__())
    return None


def shared_error_class(category: ErrorCategory) -> type[ServiceError]:
    """The service-neutral class of a category."""
    return _SHARED[category]


_SHARED: dict[ErrorCategory, type[ServiceError]] = {
    ErrorCategory.RATE_LIMIT: RateLimitError,
    ErrorCategory.AUTH_EXPIRED: AuthError,
    ErrorCategory.PERMISSION: PermissionDeniedError,
    ErrorCategory.SUSPENDED_PAYMENT: SuspendedError,
    ErrorCategory.NOT_FOUND: NotFoundError,
    ErrorCategory.NETWORK: NetworkError,
    ErrorCategory.UPSTREAM_5XX: UnavailableError,
    ErrorCategory.SCHEMA_CHANGE: SchemaChangeError,
    ErrorCategory.CONFIG: ConfigError,
    ErrorCategory.UNREACHABLE: UnreachableError,
    ErrorCategory.UNEXPECTED: ServiceError,
}
