"""`dexxy connect`, `dexxy connections list | revoke | rotate-key` with CliRunner, against the sandbox and the
receiver over real HTTP: connect waits for the flow (driven here by an HTTP client standing in for the
browser `webbrowser.open` would start) or times out with one line; list never prints a token; revoke deletes
and revokes at GitHub (Atlassian has no endpoint: it says so); key rotation re-encrypts every token, and the
old key still reads until it has run."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from cryptography.fernet import Fernet
from sqlalchemy import text

from dexxy_assets.cli.main import cli
from resources.connection_store import ConnectionStore
from resources.http.errors import ConfigError
from resources.secret_box import SecretBox
from resources.warehouse import WarehouseResource
from sensors.webhook_receiver import serving_in_background
from tests.oauth_fixtures import (
    KEY,
    OAuthRig,
    authorise_over_http,
    oauth_rig,
    stored_rows,
    use_stored_connections,
)


@pytest.fixture
def rig(
    warehouse: WarehouseResource, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[OAuthRig]:
    with oauth_rig(warehouse.engine(), slug=None) as running:
        use_stored_connections(monkeypatch, running, database_url)
        monkeypatch.setenv("DEXXY_RECEIVER_URL", running.receiver)
        yield running


def _connected(rig: OAuthRig, provider: str) -> None:
    with httpx.Client(follow_redirects=True) as browser:
        assert authorise_over_http(browser, rig.receiver, provider).status_code == 200


def test_connect_waits_for_the_browser_flow_and_reports_the_account(
    rig: OAuthRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    flows: list[threading.Thread] = []

    def browser(url: str) -> bool:  # what webbrowser.open does: a browser goes through the flow meanwhile
        opened.append(url)
        flow = threading.Thread(target=_connected, args=(rig, "jira"))
        flow.start()
        flows.append(flow)
        return True

    monkeypatch.setattr("webbrowser.open", browser)
    result = CliRunner().invoke(cli, ["connect", "jira", "--timeout", "60"])
    for flow in flows:
        flow.join()
    assert result.exit_code == 0, result.output
    assert opened == [f"{rig.receiver}/oauth/jira/start"]
    assert f"Open this URL to connect jira: {rig.receiver}/oauth/jira/start" in result.output
    assert f"Connected jira as {rig.sandbox.jira_base_url}." in result.output


def test_connect_times_out_with_one_line_saying_what_to_do(
    rig: OAuthRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connected(rig, "github")  # an older connection does not count: only one written after the command began
    monkeypatch.setattr("webbrowser.open", lambda url: pytest.fail("--no-browser opened a browser"))
    result = CliRunner().invoke(cli, ["connect", "github", "--no-browser", "--timeout", "1"])
    assert result.exit_code == 1
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and "no github connection was stored within 1s" in error[0]
    assert "run `dexxy connect github` again" in error[0]
    monkeypatch.setenv("DEXXY_RECEIVER_URL", "http://127.0.0.1:9")  # nothing listens there
    down = CliRunner().invoke(cli, ["connect", "jira", "--no-browser"])
    assert down.exit_code == 1 and "start `dexxy webhooks serve`" in down.output


def test_list_shows_the_connections_and_never_a_token(rig: OAuthRig, monkeypatch: pytest.MonkeyPatch) -> None:
    _connected(rig, "github")
    _connected(rig, "jira")
    secrets = [*rig.sandbox.github_oauth.live_tokens(), *rig.sandbox.jira.oauth.live_tokens()]
    with rig.engine.connect() as conn:
        sealed = [
            v
            for row in conn.execute(
                text("SELECT access_token_encrypted, refresh_token_encrypted FROM ops.connections")
            )
            for v in row
        ]
    for environment in ({}, {"DEXXY_SECRET_KEY": ""}):  # without the key too: nothing is decrypted to list
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        result = CliRunner().invoke(cli, ["connections", "list"])
        assert result.exit_code == 0, result.output
        login = rig.sandbox.github_oauth.user.login  # type: ignore[union-attr]
        for expected in ("github", "jira", "atlassian", login, "offline_access", " ok "):
            assert expected in result.output
        assert not [s for s in [*secrets, *sealed] if s and (s in result.output or s[:20] in result.output)]


def test_revoke_deletes_and_revokes_at_github_and_says_atlassian_has_no_endpoint(rig: OAuthRig) -> None:
    _connected(rig, "github")
    _connected(rig, "jira")
    token = ConnectionStore(rig.engine, SecretBox(KEY)).access("github", rig.github.refresh, now=0)[0]
    result = CliRunner().invoke(cli, ["connections", "revoke", "github"])
    assert result.exit_code == 0, result.output
    assert "Revoked the grant at GitHub" in result.output and rig.sandbox.github_oauth.revocations == 1
    assert (
        httpx.get(
            f"{rig.sandbox.github_api_url}/user", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )
    assert set(stored_rows(rig.engine)) == {"jira"}
    jira = CliRunner().invoke(cli, ["connections", "revoke", "jira"])
    assert jira.exit_code == 0 and "Atlassian has no endpoint to revoke a grant" in jira.output
    assert stored_rows(rig.engine) == {}
    missing = CliRunner().invoke(cli, ["connections", "revoke", "jira"])
    assert missing.exit_code == 1 and "no connection named jira" in missing.output


def test_key_rotation_re_encrypts_every_token_and_the_old_key_reads_until_then(
    rig: OAuthRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    _connected(rig, "github")
    _connected(rig, "jira")
    old_box, new_key = SecretBox(KEY), Fernet.generate_key().decode()
    before = stored_rows(rig.engine)
    tokens = {name: ConnectionStore(rig.engine, old_box).stored_token(name) for name in ("github", "jira")}

    both = SecretBox(f"{new_key}, {KEY}")  # the new key first, the old one still listed
    assert {n: ConnectionStore(rig.engine, both).stored_token(n) for n in tokens} == tokens  # old key reads
    monkeypatch.setenv("DEXXY_SECRET_KEY", f"{new_key},{KEY}")
    result = CliRunner().invoke(cli, ["connections", "rotate-key"])
    assert result.exit_code == 0 and "Re-encrypted 2 connection(s)" in result.output
    after = stored_rows(rig.engine)
    assert all(before[name] != after[name] for name in before)
    only_new = ConnectionStore(rig.engine, SecretBox(new_key))
    assert {n: only_new.stored_token(n) for n in tokens} == tokens  # the new key alone reads everything
    with pytest.raises(ConfigError, match="cannot be decrypted"):
        ConnectionStore(rig.engine, old_box).stored_token("github")  # the old key alone no longer does

    monkeypatch.setenv("DEXXY_SECRET_KEY", Fernet.generate_key().decode())  # a key that never sealed them
    refused = CliRunner().invoke(cli, ["connections", "rotate-key"])
    assert refused.exit_code == 1 and "keep the old key" in refused.output
    assert stored_rows(rig.engine) == after  # all or nothing


def test_the_receiver_serves_oauth_with_only_the_key_and_the_client_settings(
    rig: OAuthRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **options: served.append(app))  # no blocking server here
    for name, value in [line.split("=", 1) for line in rig.sandbox.oauth_env_lines()]:
        monkeypatch.setenv(name, value)  # what `dexxy sandbox serve` prints; no webhook secret at all
    result = CliRunner().invoke(cli, ["webhooks", "serve", "--port", "0"])
    assert result.exit_code == 0, result.output
    assert "OAuth flows (dexxy connect): github, jira" in result.output
    with serving_in_background(served[0]) as receiver:
        for provider in ("github", "jira"):
            start = httpx.get(f"{receiver}/oauth/{provider}/start")
            assert start.status_code == 302 and start.headers["location"].startswith(rig.sandbox.url)
        assert httpx.post(f"{receiver}/webhooks/github", content=b"{}").status_code == 503
    monkeypatch.setenv("DEXXY_SECRET_KEY", "not-a-key")
    bad = CliRunner().invoke(cli, ["webhooks", "serve", "--port", "0"])
    assert bad.exit_code == 1 and "DEXXY_SECRET_KEY is not a Fernet key" in bad.output and len(served) == 1
