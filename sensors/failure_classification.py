"""Turn a failed run's error into a cause an on-call person can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FailureCause:
    category: str
    action: str


_RULES: tuple[tuple[re.Pattern[str], FailureCause], ...] = (
    (  # first: the URL may contain anything, e.g. a port that looks like a status code
        re.compile(r"GitHubUnreachableError|is unreachable", re.I),
        FailureCause("GitHub API unreachable", "check GITHUB_API_URL and the network, then re-run"),
    ),
    (
        re.compile(
            r"GitHubAuthError|rejected the (?:token|GitHub App)|Bad credentials|\b401 Unauthorized", re.I
        ),
        FailureCause(
            "token expired or invalid", "re-authenticate: set a valid GITHUB_TOKEN / GitHub App key"
        ),
    ),
    (
        re.compile(r"GitHubRateLimitError|rate limit", re.I),
        FailureCause("rate limit spent", "wait for the reset or lower the sync frequency, then re-run"),
    ),
    (
        re.compile(r"GitHubConfigError|is not set|not supported yet", re.I),
        FailureCause("configuration missing", "set the variable named in the error (see .env.example)"),
    ),
    (
        re.compile(r"GitHubUnavailableError|failed \d+ times|ConnectError|Timeout", re.I),
        FailureCause(
            "source unavailable", "the API kept failing; re-run later (the previous data is intact)"
        ),
    ),
    (
        re.compile(r"OperationalError|could not connect to server|psycopg2", re.I),
        FailureCause("warehouse unreachable", "check DATABASE_URL and that PostgreSQL is up"),
    ),
)
UNKNOWN = FailureCause("unexpected error", "open the run in the Dagster UI for the stack trace")


def root_cause_message(error: Any) -> str:
    """The innermost cause of a Dagster ``SerializableErrorInfo``, as ``ErrorType: message`` on one line."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    message = (getattr(error, "message", "") or "").strip()
    first = message.splitlines()[0] if message else "no error message"
    kind, separator, detail = first.partition(": ")
    if separator and " " not in kind:  # "package.module.ErrorType: detail" → "ErrorType: detail"
        return f"{kind.rsplit('.', 1)[-1]}: {detail}"
    return first


def classify_failure(message: str) -> FailureCause:
    for pattern, cause in _RULES:
        if pattern.search(message):
            return cause
    return UNKNOWN
