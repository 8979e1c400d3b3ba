"""Errors of the GitHub client, each with a one-line cause a person can act on."""

from __future__ import annotations


class GitHubError(RuntimeError):
    """Base class: the message is the one-line cause shown in the Dagster UI and alerts."""


class GitHubAuthError(GitHubError):
    """The token was rejected (401) or lacks permission; retrying cannot help."""


class GitHubNotFoundError(GitHubError):
    """404: the org, repo or object does not exist or the token cannot see it."""


class GitHubRateLimitError(GitHubError):
    """The rate limit is spent and resets later than the client is allowed to wait."""


class GitHubUnavailableError(GitHubError):
    """Server errors, dropped connections or malformed bodies outlasted every retry."""


class GitHubConfigError(GitHubError):
    """Dexxy is not configured for GitHub (missing token, org, or an unsupported mode)."""
