"""Bad OAuth callbacks against the receiver over real HTTP: a wrong, missing, expired, replayed or another
session's `state`, a reused code (the provider's own error), a forged installation id. Each answers 400 with
a page saying what happened and what to do, shows no code or state, and stores nothing."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine, text

from resources.jira_oauth import exchange_code
from resources.warehouse import WarehouseResource
from sensors.oauth_routes import RedactOAuthQueries
from sensors.webhook_receiver import Secrets, build_app, serving_in_background
from tests.oauth_fixtures import (
    OAuthRig,
    authorise_over_http,
    oauth_rig,
    query_of,
    stored_rows,
    submit_first_form,
)


@pytest.fixture
def rig(warehouse: WarehouseResource) -> Iterator[OAuthRig]:
    with oauth_rig(warehouse.engine()) as running:
        yield running


def _start(client: httpx.Client, rig: OAuthRig, provider: str) -> tuple[str, str]:
    """The state the receiver sent to the provider, and the redirect_uri it asked for."""
    answer = client.get(f"{rig.receiver}/oauth/{provider}/start")
    assert answer.status_code == 302 and "dexxy_oauth_session" in answer.headers["set-cookie"]
    assert "HttpOnly" in answer.headers["set-cookie"] and "SameSite=lax" in answer.headers["set-cookie"]
    query = query_of(answer.headers["location"])
    return query["state"], query["redirect_uri"]


def _callback(client: httpx.Client, rig: OAuthRig, provider: str, **query: str) -> httpx.Response:
    return client.get(f"{rig.receiver}/oauth/{provider}/callback", params=query)


def _refused(answer: httpx.Response, reason: str, *hidden: str) -> None:
    assert answer.status_code == 400, answer.text
    assert reason in answer.text and ("Nothing was stored" in answer.text or "nothing stored" in answer.text)
    assert "dexxy connect" in answer.text and all(value not in answer.text for value in hidden)


def _nothing_stored(engine: Engine) -> None:
    assert stored_rows(engine) == {}


def test_a_wrong_missing_expired_or_replayed_state_is_refused(rig: OAuthRig) -> None:
    with httpx.Client() as browser:
        state, redirect_uri = _start(browser, rig, "github")
        code = rig.sandbox.github_oauth.issue_code(redirect_uri)  # as the consent page's redirect carries it
        _refused(_callback(browser, rig, "github", code=code, state="forged"), "unknown", code)
        _refused(_callback(browser, rig, "github", code=code), "has no state", code)
        _refused(
            _callback(browser, rig, "jira", code=code, state=state), "another authorisation", code, state
        )
        _nothing_stored(rig.engine)

        state, redirect_uri = _start(browser, rig, "jira")
        with rig.engine.begin() as conn:
            conn.execute(text("UPDATE ops.oauth_states SET expires_at = now() - interval '1 second'"))
        code = rig.sandbox.jira.oauth.issue_code(redirect_uri)
        _refused(_callback(browser, rig, "jira", code=code, state=state), "has expired", code, state)
        _refused(_callback(browser, rig, "jira", code=code, state=state), "already used", code, state)
        _nothing_stored(rig.engine)


def test_a_state_issued_to_another_browser_session_is_refused(rig: OAuthRig) -> None:
    with httpx.Client() as victim, httpx.Client() as attacker, httpx.Client() as cookieless:
        state, redirect_uri = _start(victim, rig, "github")
        _start(attacker, rig, "github")  # the attacker has a session of its own
        code = rig.sandbox.github_oauth.issue_code(redirect_uri)
        _refused(_callback(attacker, rig, "github", code=code, state=state), "another browser session", code)
        state, redirect_uri = _start(victim, rig, "jira")
        code = rig.sandbox.jira.oauth.issue_code(redirect_uri)
        _refused(_callback(cookieless, rig, "jira", code=code, state=state), "another browser session", code)
        forged = victim.cookies["dexxy_oauth_session"].split(".")[0] + ".0000"
        state, redirect_uri = _start(victim, rig, "jira")
        cookieless.cookies.set("dexxy_oauth_session", forged, path="/oauth")  # the session id, unsigned
        _refused(_callback(cookieless, rig, "jira", code=code, state=state), "another browser session")
    _nothing_stored(rig.engine)


@pytest.mark.parametrize(
    ("provider", "error"),
    [
        ("github", "bad_verification_code: The code passed is incorrect or expired."),
        ("jira", "invalid_grant"),
    ],
)
def test_a_reused_code_shows_the_providers_error_and_stores_nothing(
    rig: OAuthRig, provider: str, error: str
) -> None:
    with httpx.Client() as browser:
        state, redirect_uri = _start(browser, rig, provider)
        if provider == "github":
            code = rig.sandbox.github_oauth.issue_code(redirect_uri)
            rig.github.exchange_code(code, redirect_uri)  # spent once already
        else:
            code = rig.sandbox.jira.oauth.issue_code(redirect_uri)
            exchange_code(rig.jira, code, redirect_uri)
        answer = _callback(browser, rig, provider, code=code, state=state)
        assert answer.status_code == 400 and error in answer.text and code not in answer.text
        assert f"run `dexxy connect {provider}` again" in answer.text.replace("&#x27;", "'")
    _nothing_stored(rig.engine)


def test_a_finished_flow_replayed_changes_nothing(rig: OAuthRig) -> None:
    with httpx.Client(follow_redirects=True) as browser:
        done = authorise_over_http(browser, rig.receiver, "jira")
        assert done.status_code == 200 and "Jira connected" in done.text
        before = stored_rows(rig.engine)
        replay = browser.get(done.url)  # reload the callback page: its state and code are spent
        assert replay.status_code == 400 and "already used" in replay.text
    assert stored_rows(rig.engine) == before


def test_a_forged_installation_id_is_not_stored(rig: OAuthRig) -> None:
    with httpx.Client(follow_redirects=True) as browser:
        consent = browser.get(f"{rig.receiver}/oauth/github/start")
        install_page = submit_first_form(browser, consent, {"authorize": "1"})
        assert "/installations/new" in str(install_page.url)  # the user is authorised, not installed yet
        state = query_of(install_page.url)["state"]
        forged = _callback(
            browser, rig, "github", installation_id="987654", setup_action="install", state=state
        )
        assert forged.status_code == 400 and "987654 is not one of" in forged.text
    rows = stored_rows(rig.engine)
    assert '"installation_id":null' in rows["github"]


def test_without_the_key_the_oauth_routes_say_what_is_missing(warehouse: WarehouseResource) -> None:
    app = build_app(warehouse.engine(), Secrets(github=None, jira=None), None)
    with serving_in_background(app) as receiver:
        answer = httpx.get(f"{receiver}/oauth/github/start")
    assert answer.status_code == 503 and "DEXXY_SECRET_KEY is not set" in answer.text


def test_the_access_log_keeps_no_code_or_state() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/oauth/github/callback?code=abc123&state=xyz", "1.1", 200), None,
    )  # fmt: skip
    assert RedactOAuthQueries().filter(record)
    assert "abc123" not in record.getMessage() and "/oauth/github/callback?…" in record.getMessage()
    webhook = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, "%s %s %s", ("a", "POST", "/webhooks/github?x=1"), None
    )
    RedactOAuthQueries().filter(webhook)
    assert webhook.getMessage().endswith("/webhooks/github?x=1")


def test_an_expired_code_is_refused_by_the_provider(rig: OAuthRig) -> None:
    oauth = rig.sandbox.github_oauth
    with httpx.Client() as browser:
        state, redirect_uri = _start(browser, rig, "github")
        code = oauth.issue_code(redirect_uri)
        real = oauth.clock
        oauth.clock = lambda: real() + 601  # GitHub's codes live ten minutes
        try:
            answer = _callback(browser, rig, "github", code=code, state=state)
        finally:
            oauth.clock = real
    assert answer.status_code == 400 and "bad_verification_code" in answer.text
    _nothing_stored(rig.engine)


def test_connecting_again_keeps_the_verified_installation_without_the_installation_page(
    rig: OAuthRig,
) -> None:
    with httpx.Client(follow_redirects=True) as browser:
        first = authorise_over_http(browser, rig.receiver, "github")  # authorise, then install
        assert "Connected with installation" in first.text
        consent = browser.get(f"{rig.receiver}/oauth/github/start")
        again = submit_first_form(browser, consent, {"authorize": "1"})
        assert "/installations/new" not in str(again.url) and "GitHub connected" in again.text
    row = stored_rows(rig.engine)["github"]
    assert f'"installation_id":{rig.sandbox.installation_id}' in row and '"status":"ok"' in row
