"""GitHub's names for the shared errors (``resources.http.errors``): what the client raises for GitHub, so a
failed run still says ``GitHubAuthError`` and callers may catch every GitHub failure as ``GitHubError``.

Each class takes its ``category`` from the shared base it extends (``GitHubPermissionError``, with two such
bases, names its own); only the ``action`` is GitHub's where it names GitHub's variables. ``status`` is
GitHub's HTTP status and ``service_message`` its "message" field.
"""

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
    UnavailableError,
    UnreachableError,
)


class GitHubError(ServiceError):
    """Base class: the message is the one-line cause shown in the Dagster UI and alerts."""


class GitHubAuthError(GitHubError, AuthError):
    """The token was rejected (401) or lacks permission (see ``GitHubPermissionError``); retrying cannot
    help."""

    action = "re-authenticate: set a valid GITHUB_TOKEN / GitHub App key"


class GitHubPermissionError(GitHubAuthError, PermissionDeniedError):
    """403 that is not a rate limit: the token lacks a scope, or the app a permission."""

    category = ErrorCategory.PERMISSION  # both bases carry one: this is the nearer meaning
    action = "grant the token the scope the error names (repo, read:org) or the GitHub App the permission"


class GitHubNotFoundError(GitHubError, NotFoundError):
    """404: the org, repo or object does not exist or the token cannot see it."""

    action = "check GITHUB_ORGS / GITHUB_REPOS and the token's access"


class GitHubRateLimitError(GitHubError, RateLimitError):
    """The rate limit is spent and resets later than the client is allowed to wait."""


class GitHubSchemaChangeError(GitHubError, SchemaChangeError):
    """GitHub answered in a shape the client does not know."""


class GitHubUnavailableError(GitHubError, UnavailableError):
    """Server errors or malformed bodies outlasted every retry."""


class GitHubNetworkError(GitHubUnavailableError, NetworkError):
    """Dropped connections or timeouts outlasted every retry."""


class GitHubUnreachableError(GitHubUnavailableError, UnreachableError):
    """No connection could be made at all: a wrong GITHUB_API_URL or no network."""

    label = "GitHub API unreachable"
    action = "check GITHUB_API_URL and the network, then re-run"


class GitHubConfigError(GitHubError, ConfigError):
    """Dexxy is not configured for GitHub (missing token, org, or an unsupported mode)."""


GITHUB_ERRORS: dict[ErrorCategory, type[GitHubError]] = {
    ErrorCategory.RATE_LIMIT: GitHubRateLimitError,
    ErrorCategory.AUTH_EXPIRED: GitHubAuthError,
    ErrorCategory.PERMISSION: GitHubPermissionError,
    ErrorCategory.NOT_FOUND: GitHubNotFoundError,
    ErrorCategory.NETWORK: GitHubNetworkError,
    ErrorCategory.UPSTREAM_5XX: GitHubUnavailableError,
    ErrorCategory.SCHEMA_CHANGE: GitHubSchemaChangeError,
    ErrorCategory.CONFIG: GitHubConfigError,
    ErrorCategory.UNREACHABLE: GitHubUnreachableError,
    ErrorCategory.UNEXPECTED: GitHubError,
}
