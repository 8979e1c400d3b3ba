"""Errors of the GitHub client, each with a one-line cause a person can act on.

``status`` is GitHub's HTTP status when there was an answer and ``github_message`` its "message" (callers
tell "no Copilot here" from a failure by them); ``category`` and ``action`` are what an alert says about the
class of failure.
"""

from __future__ import annotations


class GitHubError(RuntimeError):
    """Base class: the message is the one-line cause shown in the Dagster UI and alerts."""

    category = "GitHub error"
    action = "open the run in the Dagster UI for the details"

    def __init__(self, message: str, *, status: int | None = None, github_message: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.github_message = github_message  # GitHub's own "message" field, when it answered


class GitHubAuthError(GitHubError):
    """The token was rejected (401) or lacks permission; retrying cannot help."""

    category = "token expired or invalid"
    action = "re-authenticate: set a valid GITHUB_TOKEN / GitHub App key"


class GitHubNotFoundError(GitHubError):
    """404: the org, repo or object does not exist or the token cannot see it."""

    category = "not found"
    action = "check GITHUB_ORGS / GITHUB_REPOS and the token's access"


class GitHubRateLimitError(GitHubError):
    """The rate limit is spent and resets later than the client is allowed to wait."""

    category = "rate limit spent"
    action = "wait for the reset or lower the sync frequency, then re-run"


class GitHubUnavailableError(GitHubError):
    """Server errors, dropped connections or malformed bodies outlasted every retry."""

    category = "source unavailable"
    action = "the API kept failing; re-run later (the previous data is intact)"


class GitHubUnreachableError(GitHubUnavailableError):
    """No connection could be made at all (refused, unknown host): a wrong GITHUB_API_URL or no network.
    Raised after a couple of quick retries, not after the minute of backoff meant for a flaky server."""

    category = "GitHub API unreachable"
    action = "check GITHUB_API_URL and the network, then re-run"


class GitHubConfigError(GitHubError):
    """Dexxy is not configured for GitHub (missing token, org, or an unsupported mode)."""

    category = "configuration missing"
    action = "set the variable named in the error (see .env.example)"
