"""`dexxy connect` end to end in a real headless Chromium: the receiver's start URL, the sandbox's consent
page (GitHub: authorise, then install; Atlassian: accept), the callback, an encrypted ops.connections row
(no plaintext token anywhere in it), and then real GitHub / Jira client calls through the resources using
the stored connection alone."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import Engine

from resources.connection_store import ConnectionStore
from resources.github import GitHubResource
from resources.github_app_auth import InstallationTokens
from resources.github_oauth import GitHubUserTokens
from resources.jira import JiraResource
from resources.secret_box import SecretBox
from resources.warehouse import WarehouseResource
from tests.browser import headless_chromium
from tests.oauth_fixtures import KEY, OAuthRig, oauth_rig, stored_rows, use_stored_connections


def _click_and_wait(driver: Any, button_id: str, title_part: str) -> None:
    driver.find_element(By.ID, button_id).click()
    try:
        WebDriverWait(driver, 20).until(expected_conditions.title_contains(title_part))
    except TimeoutException:
        raise AssertionError(f"{driver.current_url}: {driver.page_source[:500]}") from None


def test_github_and_jira_connect_in_a_real_browser_and_the_resources_use_the_stored_tokens(
    warehouse: WarehouseResource, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = warehouse.engine()
    with oauth_rig(engine) as rig:
        with headless_chromium() as driver:
            _connect_both(rig, driver)
        _use_both(rig, engine, database_url, monkeypatch)


def _connect_both(rig: OAuthRig, driver: Any) -> None:
    """Both flows as a person clicks them."""
    sandbox = rig.sandbox
    # GitHub: authorise the app as the user, then install it; the setup redirect comes back to us
    driver.get(f"{rig.receiver}/oauth/github/start")
    WebDriverWait(driver, 20).until(expected_conditions.title_contains("Authorize"))
    assert driver.current_url.startswith(f"{sandbox.url}/login/oauth/authorize?")
    _click_and_wait(driver, "js-oauth-authorize-btn", "Install")
    assert "/apps/dexxy-sandbox/installations/new" in driver.current_url
    _click_and_wait(driver, "js-install-btn", "GitHub connected")
    assert "Connected with installation" in driver.page_source
    cookie = driver.get_cookie("dexxy_oauth_session")
    assert cookie is not None and cookie["httpOnly"] and cookie["path"] == "/oauth"

    # Jira: Atlassian's consent screen, accept
    driver.get(f"{rig.receiver}/oauth/jira/start")
    WebDriverWait(driver, 20).until(expected_conditions.title_contains("Authorize app"))
    assert "audience=api.atlassian.com" in driver.current_url and "prompt=consent" in driver.current_url
    _click_and_wait(driver, "accept", "Jira connected")


def _use_both(rig: OAuthRig, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """What was stored, and real client calls made with it alone."""
    sandbox = rig.sandbox
    login = sandbox.github_oauth.user.login  # type: ignore[union-attr]
    store = ConnectionStore(engine, SecretBox(KEY))
    github, jira = store.info("github"), store.info("jira")
    assert github is not None and jira is not None
    assert (github.provider, github.account, github.status) == ("github", login, "ok")
    assert github.installation_id == sandbox.installation_id and github.expires_at is not None
    assert github.refresh_expires_at is not None and github.refresh_expires_at > github.expires_at
    assert (jira.provider, jira.cloud_id, jira.site_url) == (
        "atlassian",
        sandbox.jira.oauth.cloud_id,
        sandbox.jira_base_url,
    )
    assert "offline_access" in jira.scopes and jira.status == "ok"
    rows = stored_rows(engine)
    live = [*sandbox.github_oauth.live_tokens(), *sandbox.jira.oauth.live_tokens()]
    assert live and not [token for token in live for row in rows.values() if token in row]

    # a run with no token in its environment uses the stored connections
    use_stored_connections(monkeypatch, rig, database_url)
    with GitHubResource().client() as client:
        assert isinstance(client.adapter.credentials._token, GitHubUserTokens)  # type: ignore[union-attr]
        assert client.get(f"/orgs/{sandbox.org.login}")["login"] == sandbox.org.login
        assert client.get("/user")["login"] == login
    monkeypatch.setenv("GITHUB_APP_ID", str(sandbox.app_id))  # with the app's key: its stored installation
    monkeypatch.setenv("GITHUB_APP_PRIVATE_KEY", sandbox.app_private_key_pem.replace("\n", "\\n"))
    with GitHubResource().client() as client:
        tokens = client.adapter.credentials._token  # type: ignore[union-attr]
        assert isinstance(tokens, InstallationTokens)
        assert tokens.credentials.installation_id == str(sandbox.installation_id)
        assert client.get(f"/orgs/{sandbox.org.login}/repos")
    resource = JiraResource()
    assert resource.auth_mode() == "oauth"
    with resource.client(engine) as client:
        assert client.api_url.endswith(f"/ex/jira/{sandbox.jira.oauth.cloud_id}")
        assert client.myself()["accountId"] == sandbox.jira.site.api_user.account_id

    # the environment wins when it has a token
    monkeypatch.delenv("GITHUB_APP_ID")
    monkeypatch.delenv("GITHUB_APP_PRIVATE_KEY")
    monkeypatch.setenv("GITHUB_TOKEN", "sandbox-token")
    assert GitHubResource().credentials() == "sandbox-token"
