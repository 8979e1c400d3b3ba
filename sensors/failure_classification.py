"""Turn a failed run's error into a cause an on-call person can act on.

An error of the shared hierarchy (``resources.http.errors``) is classified by its class, named in the run's
error: its ``category`` and ``action``. The patterns below only cover errors from elsewhere (PostgreSQL, a
transport error that escaped the client) and messages whose class is not loaded in this process.

Every cause then falls in one of the nine alert classes (``AlertClass``: what channels, the back-off ladder
and dashboards key on), through ``ALERT_CLASS_OF``; the advice line is the source's own where
``SOURCE_ADVICE`` has one, else the error class's ``action``. Both tables are tested row by row
(tests/test_failure_classification.py) and printed in docs/operations.md (Alerts)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from typing import Any

from resources.http.errors import (
    AuthError,
    ConfigError,
    ErrorCategory,
    NetworkError,
    RateLimitError,
    ServiceError,
    SuspendedError,
    UnavailableError,
    UnreachableError,
    error_class_named,
)


class AlertClass(enum.StrEnum):
    """The classes every failed run falls in (issue 10): the key of the channel policy and of the ladder."""

    RATE_LIMIT = "RATE_LIMIT"
    AUTH_EXPIRED = "AUTH_EXPIRED"
    PERMISSION = "PERMISSION"
    SUSPENDED_PAYMENT = "SUSPENDED_PAYMENT"
    NOT_FOUND = "NOT_FOUND"
    NETWORK = "NETWORK"
    SCHEMA_CHANGE = "SCHEMA_CHANGE"
    UPSTREAM_5XX = "UPSTREAM_5XX"
    UNKNOWN = "UNKNOWN"


# The client's finer categories, folded into the nine classes: an unreachable host is a network failure;
# a missing variable and an unexpected answer are nothing the source did, so UNKNOWN (the advice still
# names the variable).
ALERT_CLASS_OF: dict[ErrorCategory, AlertClass] = {
    ErrorCategory.RATE_LIMIT: AlertClass.RATE_LIMIT,
    ErrorCategory.AUTH_EXPIRED: AlertClass.AUTH_EXPIRED,
    ErrorCategory.PERMISSION: AlertClass.PERMISSION,
    ErrorCategory.SUSPENDED_PAYMENT: AlertClass.SUSPENDED_PAYMENT,
    ErrorCategory.NOT_FOUND: AlertClass.NOT_FOUND,
    ErrorCategory.NETWORK: AlertClass.NETWORK,
    ErrorCategory.UNREACHABLE: AlertClass.NETWORK,
    ErrorCategory.UPSTREAM_5XX: AlertClass.UPSTREAM_5XX,
    ErrorCategory.SCHEMA_CHANGE: AlertClass.SCHEMA_CHANGE,
    ErrorCategory.CONFIG: AlertClass.UNKNOWN,
    ErrorCategory.UNEXPECTED: AlertClass.UNKNOWN,
}

# Where a source's advice differs from its error class's action: what that source's admin actually does.
SOURCE_ADVICE: dict[tuple[str, AlertClass], str] = {
    ("github", AlertClass.AUTH_EXPIRED): (
        "re-authenticate the GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID), "
        "a valid GITHUB_TOKEN, or `dexxy connect github`"
    ),
    ("github", AlertClass.PERMISSION): (
        "grant the GitHub App the permission the error names (or the token its scope: repo, read:org)"
    ),
    ("github", AlertClass.SUSPENDED_PAYMENT): (
        "GitHub App installation suspended: an organisation owner unsuspends it in the org's settings"
    ),
    ("github", AlertClass.RATE_LIMIT): (
        "GitHub rate limit spent: wait for the reset; a GitHub App gets its own, larger budget"
    ),
    ("copilot", AlertClass.AUTH_EXPIRED): (
        "re-authenticate the GitHub App or set a valid GITHUB_TOKEN (Copilot uses GitHub's credentials)"
    ),
    ("copilot", AlertClass.PERMISSION): (
        "Copilot metrics need the token's manage_billing:copilot or read:org scope "
        "(a GitHub App: the organisation Copilot metrics permission)"
    ),
    ("jira", AlertClass.AUTH_EXPIRED): (
        "re-authorise Jira: a new JIRA_API_TOKEN, or a new OAuth grant (`dexxy connect jira`, or "
        "JIRA_OAUTH_REFRESH_TOKEN)"
    ),
    ("jira", AlertClass.SUSPENDED_PAYMENT): (
        "Jira site suspended: contact billing (the site admin of JIRA_BASE_URL restores the subscription)"
    ),
    ("jira", AlertClass.RATE_LIMIT): "Jira rate limit: wait, or sync fewer JIRA_PROJECTS at once",
}


@dataclass(frozen=True)
class FailureCause:
    category: str  # the finer label an alert shows ("token expired or invalid")
    action: str  # the advice line
    code: str = ""  # the ErrorCategory's name (RATE_LIMIT, …) when the error is one of the hierarchy's
    alert_class: AlertClass = AlertClass.UNKNOWN

    def for_source(self, source: str | None) -> FailureCause:
        """The same cause with the source's own advice, where it has one."""
        advice = SOURCE_ADVICE.get((source or "", self.alert_class))
        return replace(self, action=advice) if advice else self


def cause_of(error_class: type[ServiceError]) -> FailureCause:
    return FailureCause(
        error_class.cause(),
        error_class.action,
        error_class.category.name,
        ALERT_CLASS_OF[error_class.category],
    )


_RULES: tuple[tuple[re.Pattern[str], FailureCause], ...] = (
    (  # first: the URL may contain anything, e.g. a port that looks like a status code
        re.compile(r"is unreachable", re.I),
        cause_of(UnreachableError),
    ),
    (
        re.compile(r"rejected the (?:token|GitHub App|credentials)|Bad credentials|\b401 Unauthorized", re.I),
        cause_of(AuthError),
    ),
    (re.compile(r"rate limit", re.I), cause_of(RateLimitError)),
    (re.compile(r"\bsuspended\b|402 Payment Required", re.I), cause_of(SuspendedError)),
    (re.compile(r"is not set|not supported yet", re.I), cause_of(ConfigError)),
    (re.compile(r"ConnectError|ReadError|RemoteProtocolError|Timeout", re.I), cause_of(NetworkError)),
    (re.compile(r"failed \d+ times|\b50[234] ", re.I), cause_of(UnavailableError)),
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


def classify_failure(message: str, source: str | None = None) -> FailureCause:
    """``message`` as ``root_cause_message`` gives it: ``ErrorType: detail``; ``source`` (github, jira…)
    picks the source's own advice line."""
    kind, separator, _ = message.partition(": ")
    error_class = error_class_named(kind) if separator and " " not in kind else None
    if error_class is not None:
        return cause_of(error_class).for_source(source)
    for pattern, cause in _RULES:
        if pattern.search(message):
            return cause.for_source(source)
    return UNKNOWN
