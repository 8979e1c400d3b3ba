"""Turn a failed run's error into a cause an on-call person can act on.

An error of the shared hierarchy (``resources.http.errors``) is classified by its class, named in the run's
error: its ``category`` and ``action``. The patterns below only cover errors from elsewhere (PostgreSQL, a
transport error that escaped the client) and messages whose class is not loaded in this process."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from resources.http.errors import (
    AuthError,
    ConfigError,
    RateLimitError,
    ServiceError,
    UnavailableError,
    UnreachableError,
    error_class_named,
)


@dataclass(frozen=True)
class FailureCause:
    category: str
    action: str
    code: str = ""  # the ErrorCategory's name (RATE_LIMIT, …) when the error is one of the hierarchy's


def cause_of(error_class: type[ServiceError]) -> FailureCause:
    return FailureCause(error_class.cause(), error_class.action, error_class.category.name)


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
    (re.compile(r"is not set|not supported yet", re.I), cause_of(ConfigError)),
    (re.compile(r"failed \d+ times|ConnectError|Timeout", re.I), cause_of(UnavailableError)),
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
    """``message`` as ``root_cause_message`` gives it: ``ErrorType: detail``."""
    kind, separator, _ = message.partition(": ")
    error_class = error_class_named(kind) if separator and " " not in kind else None
    if error_class is not None:
        return cause_of(error_class)
    for pattern, cause in _RULES:
        if pattern.search(message):
            return cause
    return UNKNOWN
