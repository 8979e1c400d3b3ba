"""The classification table: a failed run's root error (as ``root_cause_message`` gives it) and its source →
one of the nine alert classes and one line of advice, the source's own where it differs."""

from __future__ import annotations

import pytest

from resources.github_errors import GITHUB_ERRORS
from resources.http.errors import ErrorCategory, shared_error_class
from resources.jira_errors import JIRA_ERRORS
from sensors.failure_classification import ALERT_CLASS_OF, SOURCE_ADVICE, AlertClass, classify_failure

A = AlertClass
# message, source, class, a phrase of the advice line
TABLE: list[tuple[str, str | None, AlertClass, str]] = [
    ("GitHubRateLimitError: resets at 03:12", "github", A.RATE_LIMIT, "GitHub rate limit spent"),
    ("JiraRateLimitError: Jira kept answering 429", "jira", A.RATE_LIMIT, "sync fewer JIRA_PROJECTS"),
    ("GitHubAuthError: token rejected (401)", "github", A.AUTH_EXPIRED, "re-authenticate the GitHub App"),
    ("GitHubAuthError: GitHub rejected the token (401)", "copilot", A.AUTH_EXPIRED, "Copilot uses GitHub's"),
    ("GitHubAuthError: GitHub rejected the token (401)", None, A.AUTH_EXPIRED, "set a valid GITHUB_TOKEN"),
    ("JiraAuthError: Jira rejected the credentials (401)", "jira", A.AUTH_EXPIRED, "re-authorise Jira"),
    ("GitHubPermissionError: Resource not accessible", "github", A.PERMISSION, "grant the GitHub App"),
    ("GitHubPermissionError: Resource not accessible", "copilot", A.PERMISSION, "manage_billing:copilot"),
    ("JiraPermissionError: cannot browse PAY", "jira", A.PERMISSION, "Browse access to JIRA_PROJECTS"),
    ("JiraSuspendedError: deactivated", "jira", A.SUSPENDED_PAYMENT, "Jira site suspended: contact billing"),
    ("SuspendedError: suspended", "github", A.SUSPENDED_PAYMENT, "GitHub App installation suspended"),
    ("GitHubNotFoundError: no organisation acme", "github", A.NOT_FOUND, "check GITHUB_ORGS / GITHUB_REPOS"),
    ("JiraNotFoundError: no project PAY", "jira", A.NOT_FOUND, "check JIRA_PROJECTS"),
    ("GitHubNetworkError: connections dropped 5 times", "github", A.NETWORK, "check the network"),
    ("GitHubUnreachableError: http://x:502 is unreachable", "github", A.NETWORK, "GITHUB_API_URL"),
    ("ConnectError: [Errno 111] Connection refused", "jira", A.NETWORK, "check the network"),
    ("GitHubUnavailableError: GitHub answered 502 five times", "github", A.UPSTREAM_5XX, "re-run later"),
    ("JiraUnavailableError: 503 Service Unavailable", "jira", A.UPSTREAM_5XX, "Jira kept failing"),
    ("GitHubSchemaChangeError: expected a list", "github", A.SCHEMA_CHANGE, "the API changed: update Dexxy"),
    ("JiraSchemaChangeError: 410 on /rest/api/3/search", "jira", A.SCHEMA_CHANGE, "Jira changed its API"),
    ("GitHubConfigError: GITHUB_ORGS is not set", "github", A.UNKNOWN, "set the variable named in the error"),
    ("OperationalError: could not connect to server", "github", A.UNKNOWN, "check DATABASE_URL"),
    ("KeyError: 'merged_at'", "github", A.UNKNOWN, "stack trace"),
    # a message whose class is not loaded here still classifies by its words
    ("RuntimeError: your Jira site is suspended", "jira", A.SUSPENDED_PAYMENT, "contact billing"),
    ("RuntimeError: API rate limit exceeded", "github", A.RATE_LIMIT, "GitHub rate limit spent"),
]


@pytest.mark.parametrize(
    ("message", "source", "alert_class", "advice"), TABLE, ids=[r[0][:30] for r in TABLE]
)
def test_the_classification_table(message: str, source: str | None, alert_class: A, advice: str) -> None:
    cause = classify_failure(message, source)
    assert cause.alert_class is alert_class
    assert advice in cause.action
    assert "\n" not in cause.action


def test_every_class_of_the_hierarchy_falls_in_one_of_the_nine() -> None:
    assert set(ALERT_CLASS_OF) == set(ErrorCategory)
    assert {c.name for c in AlertClass} == {
        "RATE_LIMIT", "AUTH_EXPIRED", "PERMISSION", "SUSPENDED_PAYMENT", "NOT_FOUND", "NETWORK",
        "SCHEMA_CHANGE", "UPSTREAM_5XX", "UNKNOWN",
    }  # fmt: skip
    for category in ErrorCategory:
        expected = ALERT_CLASS_OF[category]
        services = (GITHUB_ERRORS.get(category), JIRA_ERRORS.get(category))
        for error_class in (shared_error_class(category), *services):
            if error_class is not None:
                assert classify_failure(f"{error_class.__name__}: x").alert_class is expected, error_class
    # every class the nine name is reachable from the hierarchy
    assert set(ALERT_CLASS_OF.values()) == set(AlertClass)


def test_source_advice_is_one_line_for_registered_sources() -> None:
    from dexxy_assets.sources import registered_sources

    names = {source.name for source in registered_sources()}
    for (source, _), advice in SOURCE_ADVICE.items():
        assert source in names and advice and "\n" not in advice and len(advice) <= 160
