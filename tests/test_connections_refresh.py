"""Stored connections over time, against the sandbox over real HTTP and a real PostgreSQL: refreshed five
minutes before expiry (the refresh token rotates), once for four concurrent runs, and a revoked refresh
token puts the connection in `error` with the advice, fails the run with AUTH_EXPIRED and sends the
classified alert."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dagster as dg
import httpx
import pytest
from sqlalchemy import text

from resources.connection_store import ConnectionStore
from resources.github import GitHubResource
from resources.github_errors import GitHubAuthError
from resources.github_oauth import GitHubUserTokens
from resources.http.errors import ErrorCategory
from resources.jira import JiraResource
from resources.jira_errors import JiraAuthError
from resources.notifications import NotificationResource
from resources.secret_box import SecretBox
from resources.warehouse import WarehouseResource
from sensors.failure_classification import AlertClass, classify_failure
from sensors.run_failure_alerts import run_failure_alerts
from tests.github_runs import materialize_selection
from tests.oauth_fixtures import KEY, OAuthRig, authorise_over_http, oauth_rig, use_stored_connections
from tests.test_backoff_ladder import _react, slack_hook  # noqa: F401  (a fixture)

EIGHT_HOURS = 28800


@pytest.fixture
def rig(warehouse: WarehouseResource) -> Iterator[OAuthRig]:
    with oauth_rig(warehouse.engine(), slug=None) as running:
        yield running


def _connected(rig: OAuthRig, provider: str) -> None:
    with httpx.Client(follow_redirects=True) as browser:
        assert authorise_over_http(browser, rig.receiver, provider).status_code == 200


def _status(rig: OAuthRig, name: str) -> tuple[str, str | None]:
    info = ConnectionStore(rig.engine, SecretBox(KEY)).info(name)
    assert info is not None
    return info.status, info.last_error


def _user_api(rig: OAuthRig, token: str) -> int:
    return httpx.get(
        f"{rig.sandbox.github_api_url}/user", headers={"Authorization": f"Bearer {token}"}
    ).status_code


def test_the_user_token_is_refreshed_five_minutes_before_expiry_and_the_refresh_token_rotates(
    rig: OAuthRig,
) -> None:
    _connected(rig, "github")
    store = ConnectionStore(rig.engine, SecretBox(KEY))
    sandbox = rig.sandbox.github_oauth
    now = [time.time()]
    tokens = GitHubUserTokens(rig.github, store, clock=lambda: now[0])
    first = tokens.token()
    refresh_before = sandbox.live_tokens()
    now[0] += EIGHT_HOURS - 360
    assert tokens.token() == first and tokens.refreshes == 0  # six minutes left: still good
    now[0] += 90
    second = tokens.token()  # four and a half left: refreshed first
    assert second != first and tokens.refreshes == 1 and sandbox.refreshes == 1
    assert _user_api(rig, second) == 200 and _user_api(rig, first) == 200  # GitHub lets the old one run out
    assert not set(refresh_before) & set(sandbox.live_tokens()) - {first}  # the old refresh token is spent
    again = GitHubUserTokens(rig.github, store, clock=lambda: now[0])  # another process: the stored one
    assert again.token() == second and again.refreshes == 0


def test_four_concurrent_runs_refresh_once(rig: OAuthRig) -> None:
    _connected(rig, "github")
    store = ConnectionStore(rig.engine, SecretBox(KEY))
    later = time.time() + EIGHT_HOURS - 60  # every run sees the token about to expire
    sources = [GitHubUserTokens(rig.github, store, clock=lambda: later) for _ in range(4)]
    start = threading.Barrier(len(sources))

    def token(source: GitHubUserTokens) -> str:
        start.wait()
        return source.token()

    with ThreadPoolExecutor(len(sources)) as pool:
        tokens = list(pool.map(token, sources))
    # under the row lock the first refreshes; the others find its token (without the lock, three of the
    # four would spend a refresh token already spent, and GitHub would refuse them)
    assert len(set(tokens)) == 1 and rig.sandbox.github_oauth.refreshes == 1
    assert sum(source.refreshes for source in sources) == 1 and _user_api(rig, tokens[0]) == 200


def test_a_revoked_jira_grant_puts_the_connection_in_error_with_advice(
    rig: OAuthRig, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connected(rig, "jira")
    use_stored_connections(monkeypatch, rig, database_url)
    with rig.engine.begin() as conn:  # the access token is about to expire
        conn.execute(text("UPDATE ops.connections SET expires_at = now() + interval '1 minute'"))
    rig.sandbox.jira.oauth.revoke_grants()  # the user removed the app at id.atlassian.com
    with pytest.raises(JiraAuthError) as refused:
        JiraResource().client(rig.engine).myself()
    assert refused.value.category is ErrorCategory.AUTH_EXPIRED
    assert "run `dexxy connect jira`" in str(refused.value)
    status, advice = _status(rig, "jira")
    assert status == "error" and advice is not None and "dexxy connect jira" in advice
    cause = classify_failure(f"{type(refused.value).__name__}: {refused.value}", "jira")
    assert cause.alert_class is AlertClass.AUTH_EXPIRED and "dexxy connect jira" in cause.action

    _connected(rig, "jira")  # reconnecting clears the error
    assert _status(rig, "jira") == ("ok", None)


def test_a_revoked_github_grant_fails_the_run_with_a_classified_alert(
    rig: OAuthRig,
    warehouse: WarehouseResource,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    slack_hook: tuple[str, list[dict[str, Any]]],  # noqa: F811
) -> None:
    _connected(rig, "github")
    use_stored_connections(monkeypatch, rig, database_url)
    with rig.engine.begin() as conn:  # the access token expired: the run must refresh first
        conn.execute(text("UPDATE ops.connections SET expires_at = now() - interval '1 minute'"))
    rig.sandbox.github_oauth.revoke_grant()  # the user revoked the app in their GitHub settings
    instance = dg.DagsterInstance.ephemeral()
    failed = materialize_selection(
        warehouse, GitHubResource(fetch_mode="rest"), "key:github/repositories", instance
    )
    assert not failed.success
    status, advice = _status(rig, "github")
    assert status == "error" and advice is not None and "bad_refresh_token" in advice
    assert "dexxy connect github" in advice

    url, posts = slack_hook
    notifications = NotificationResource(slack_webhook_url=url, policy="*=slack")
    _react(run_failure_alerts, failed, instance, {"notifications": notifications, "warehouse": warehouse})
    alert = posts[-1]["text"]
    assert "github AUTH_EXPIRED: token expired or invalid: GitHubAuthError" in alert
    assert "GitHub refused the stored refresh token (bad_refresh_token" in alert
    assert "`dexxy connect github`" in alert and "ghr_" not in alert and "ghu_" not in alert

    with pytest.raises(GitHubAuthError):  # the next run fails the same way, no crash on the error status
        GitHubResource().client().get("/user")


def test_an_access_token_refused_before_its_stored_expiry_is_refreshed_once(
    rig: OAuthRig, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connected(rig, "github")
    _connected(rig, "jira")
    use_stored_connections(monkeypatch, rig, database_url)
    github_oauth, jira_oauth = rig.sandbox.github_oauth, rig.sandbox.jira.oauth
    with GitHubResource().client() as github, JiraResource().client(rig.engine) as jira:
        github.get("/user")
        jira.myself()
        real_github, real_jira = github_oauth.clock, jira_oauth.clock
        github_oauth.clock = lambda: real_github() + 9 * 3600  # the providers expire them early (revoked,
        jira_oauth.clock = lambda: real_jira() + 2 * 3600  # clock skew): the stored expiry still says fine
        try:
            assert github.get("/user")[
                "login"
            ]  # 401, refreshed (the refused token was the stored one), retried
            assert jira.myself()["accountId"]
        finally:
            github_oauth.clock, jira_oauth.clock = real_github, real_jira
        assert github.usage.statuses[401] == 1 and jira.usage.statuses[401] == 1
    assert github_oauth.refreshes == 1 and jira_oauth.refreshes == 1
