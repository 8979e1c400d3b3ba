"""Jira over OAuth 2.0 against the sandbox's Atlassian emulator over real HTTP, with the refresh token in a
real PostgreSQL: the cloud id from accessible-resources, requests through the ``/ex/jira/{cloudId}`` gateway,
rotating refresh tokens stored encrypted (never the plaintext) in their own transaction, picked up by the
next client, renewed before expiry and once after a 401; and the one-line errors of a missing or wrong key."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from dexxy_sandbox.jira import JIRA_OAUTH_TOKEN
from dexxy_sandbox.server import SandboxServer
from resources.connection_store import ConnectionStore
from resources.http.errors import ConfigError, ErrorCategory, ServiceError
from resources.jira import JiraResource
from resources.jira_errors import JiraAuthError
from resources.jira_oauth import CONNECTION_NAME, AtlassianTokens, OAuthApp
from resources.secret_box import SecretBox
from resources.warehouse import WarehouseResource
from tests.sandbox_fixtures import running_sandbox

KEY = Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox(days=14) as running:
        yield running


def _grant(server: SandboxServer) -> str:
    """A refresh token, as `dexxy connect jira` would get it from the consent screen's code."""
    oauth = server.jira.oauth
    body = {
        "grant_type": "authorization_code",
        "client_id": oauth.client_id,
        "client_secret": oauth.client_secret,
        "code": oauth.issue_code(),
    }
    answer = httpx.post(f"{server.jira_base_url}/oauth/token", json=body, timeout=30)
    assert answer.status_code == 200
    return str(answer.json()["refresh_token"])


def _refresh_works(server: SandboxServer, refresh_token: str) -> bool:
    oauth = server.jira.oauth
    body = {
        "grant_type": "refresh_token",
        "client_id": oauth.client_id,
        "client_secret": oauth.client_secret,
        "refresh_token": refresh_token,
    }
    return httpx.post(f"{server.jira_base_url}/oauth/token", json=body, timeout=30).status_code == 200


def _oauth_env(monkeypatch: pytest.MonkeyPatch, server: SandboxServer, refresh_token: str) -> None:
    oauth = server.jira.oauth
    monkeypatch.setenv("JIRA_BASE_URL", server.jira_base_url)
    monkeypatch.setenv("JIRA_OAUTH_CLIENT_ID", oauth.client_id)
    monkeypatch.setenv("JIRA_OAUTH_CLIENT_SECRET", oauth.client_secret)
    monkeypatch.setenv("JIRA_OAUTH_REFRESH_TOKEN", refresh_token)
    monkeypatch.setenv("JIRA_OAUTH_API_ROOT", server.jira_base_url)  # the sandbox plays api.atlassian.com
    monkeypatch.setenv(
        "JIRA_OAUTH_TOKEN_URL", f"{server.jira_base_url}/oauth/token"
    )  # and auth.atlassian.com
    monkeypatch.setenv("DEXXY_SECRET_KEY", KEY)
    for name in ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_OAUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def _stored(warehouse: WarehouseResource) -> tuple[str, int]:
    with warehouse.engine().connect() as conn:
        row = conn.execute(
            text("SELECT refresh_token_encrypted, rotations FROM ops.connections WHERE name = :n"),
            {"n": CONNECTION_NAME},
        ).one()
    return row.refresh_token_encrypted, row.rotations


def test_oauth_rotates_and_stores_the_refresh_token_encrypted_for_the_next_client(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = _grant(server)
    _oauth_env(monkeypatch, server, seed)
    engine = warehouse.engine()
    resource = JiraResource()
    assert resource.auth_mode() == "oauth"
    refreshes = server.jira.oauth.refreshes
    with resource.client(engine) as client:
        assert client.api_url == f"{server.jira_base_url}/ex/jira/{server.jira.oauth.cloud_id}"
        assert client.myself()["accountId"] == server.jira.site.api_user.account_id
        assert client.time_zone() == "America/Los_Angeles"
    assert server.jira.oauth.refreshes == refreshes + 1  # one exchange for both requests
    sealed, rotations = _stored(warehouse)
    store = ConnectionStore(engine, SecretBox(KEY))
    first = store.stored_token(CONNECTION_NAME)
    assert rotations == 1 and first and first != seed
    assert first not in sealed and seed not in sealed  # encrypted, not the plaintext
    assert not _refresh_works(server, seed)  # the seed was spent by the rotation

    # A second client (another run, another process) picks up the rotated token, not the spent seed.
    with JiraResource().client(engine) as again:
        assert again.myself()["accountId"]
    second = store.stored_token(CONNECTION_NAME)
    assert second not in (first, seed) and _stored(warehouse)[1] == 2

    # Re-authorised: a new configured refresh token replaces the stored chain.
    fresh = _grant(server)
    monkeypatch.setenv("JIRA_OAUTH_REFRESH_TOKEN", fresh)
    with JiraResource().client(engine) as reauthorised:
        assert reauthorised.myself()["accountId"]
    assert not _refresh_works(server, fresh) and store.stored_token(CONNECTION_NAME) not in (fresh, second)


def test_a_rotation_survives_the_rollback_of_the_callers_transaction(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    _oauth_env(monkeypatch, server, _grant(server))
    engine = warehouse.engine()
    with engine.connect() as outer:
        outer.begin()  # an asset's transaction, still open while the client rotates
        with JiraResource().client(engine) as client:
            client.myself()
        outer.rollback()  # the asset fails
    rotated = ConnectionStore(engine, SecretBox(KEY)).stored_token(CONNECTION_NAME)
    assert rotated and _refresh_works(server, rotated)  # stored, and still the live token


def test_the_access_token_is_renewed_before_expiry_and_once_after_a_401(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    _oauth_env(monkeypatch, server, _grant(server))
    engine = warehouse.engine()
    with JiraResource().client(engine) as client:
        client.myself()
        tokens = client.adapter.credentials._token  # type: ignore[union-attr]
        assert isinstance(tokens, AtlassianTokens) and tokens.exchanges == 1
        oauth = server.jira.oauth
        real_clock = oauth.clock
        oauth.clock = lambda: real_clock() + 7200  # every access token issued so far has expired
        try:
            assert client.myself()["accountId"]  # 401, renewed, retried once
        finally:
            oauth.clock = real_clock
        assert tokens.exchanges == 2 and client.usage.statuses[401] == 1

    now = [time.time()]
    app = OAuthApp(
        server.jira.oauth.client_id,
        server.jira.oauth.client_secret,
        f"{server.jira_base_url}/oauth/token",
        server.jira_base_url,
    )
    ahead = AtlassianTokens(app, ConnectionStore(engine, SecretBox(KEY)), None, clock=lambda: now[0])
    first = ahead.token()
    now[0] += 3600 - 360
    assert ahead.token() == first and ahead.exchanges == 1  # six minutes left: still good
    now[0] += 90
    assert ahead.token() != first and ahead.exchanges == 2  # within 5 minutes of expiry: renewed first


def test_a_spent_refresh_token_is_auth_expired_naming_the_variable(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = _grant(server)
    assert _refresh_works(server, seed)  # spent elsewhere
    _oauth_env(monkeypatch, server, seed)
    with pytest.raises(JiraAuthError) as refused:
        JiraResource().client(warehouse.engine())
    message = str(refused.value)
    assert refused.value.category is ErrorCategory.AUTH_EXPIRED and "\n" not in message
    assert "Unknown or invalid refresh token" in message and "JIRA_OAUTH_REFRESH_TOKEN" in message
    assert seed not in message

    monkeypatch.setenv("JIRA_OAUTH_CLIENT_SECRET", "wrong-secret")
    monkeypatch.setenv("JIRA_OAUTH_REFRESH_TOKEN", _grant(server))
    with pytest.raises(JiraAuthError, match="check JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET"):
        JiraResource().client(warehouse.engine())


def test_the_secret_key_is_required_and_checked_in_one_line(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    _oauth_env(monkeypatch, server, _grant(server))
    monkeypatch.delenv("DEXXY_SECRET_KEY")
    with pytest.raises(ConfigError) as missing:
        JiraResource().client(warehouse.engine())
    assert str(missing.value).startswith("DEXXY_SECRET_KEY is not set") and "\n" not in str(missing.value)
    monkeypatch.setenv("DEXXY_SECRET_KEY", "not-a-key")
    with pytest.raises(ConfigError, match=r"^DEXXY_SECRET_KEY is not a Fernet key"):
        JiraResource().client(warehouse.engine())

    monkeypatch.setenv("DEXXY_SECRET_KEY", KEY)
    with JiraResource().client(warehouse.engine()) as client:
        client.myself()
    monkeypatch.setenv("DEXXY_SECRET_KEY", Fernet.generate_key().decode())  # the key changed since
    monkeypatch.delenv("JIRA_OAUTH_REFRESH_TOKEN")
    with pytest.raises(ServiceError, match=r"cannot be decrypted with DEXXY_SECRET_KEY"):
        JiraResource().client(warehouse.engine())


def test_a_static_oauth_token_goes_through_the_gateway(
    server: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIRA_OAUTH_TOKEN", JIRA_OAUTH_TOKEN)
    monkeypatch.setenv("JIRA_OAUTH_API_ROOT", server.jira_base_url)
    resource = JiraResource()
    assert resource.auth_mode() == "oauth_token"
    with resource.client() as client:  # no warehouse needed: nothing rotates
        assert client.api_url.endswith(f"/ex/jira/{server.jira.oauth.cloud_id}")
        assert client.myself()["accountId"]
    monkeypatch.setenv("JIRA_BASE_URL", "https://other.atlassian.net")
    with pytest.raises(ServiceError, match=r"does not reach JIRA_BASE_URL=https://other.atlassian.net"):
        resource.client()
    monkeypatch.setenv("JIRA_OAUTH_TOKEN", "revoked")
    monkeypatch.delenv("JIRA_BASE_URL")
    with pytest.raises(JiraAuthError, match=r"set a valid JIRA_OAUTH_TOKEN"):
        resource.client()


def test_credentials_in_the_environment_win_over_the_stored_connection(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line `dexxy sandbox serve` prints, pasted into `.env`, runs on the API token: the OAuth app's id
    and secret are there for `dexxy connect jira`, and must not make runs need DEXXY_SECRET_KEY."""
    for name in ("DEXXY_SECRET_KEY", "JIRA_OAUTH_TOKEN", "JIRA_OAUTH_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    lines = [*server.env_lines(), *server.jira.env_lines(server.jira_base_url), *server.oauth_env_lines()]
    for line in lines:
        name, _, value = line.partition("=")
        monkeypatch.setenv(name, value)
    assert {"JIRA_OAUTH_CLIENT_ID", "JIRA_OAUTH_CLIENT_SECRET", "JIRA_EMAIL", "JIRA_API_TOKEN"} <= {
        line.partition("=")[0] for line in lines
    }
    resource = JiraResource()
    assert resource.auth_mode() == "basic"
    with resource.client() as client:  # no warehouse and no key: nothing is stored
        assert client.api_url == server.jira_base_url
        assert client.myself()["emailAddress"] == server.jira.site.api_user.email

    monkeypatch.setenv("JIRA_OAUTH_TOKEN", JIRA_OAUTH_TOKEN)
    assert resource.auth_mode() == "oauth_token"
    monkeypatch.setenv("JIRA_OAUTH_REFRESH_TOKEN", _grant(server))  # a seeded grant beats both
    monkeypatch.setenv("JIRA_OAUTH_TOKEN_URL", f"{server.jira_base_url}/oauth/token")
    monkeypatch.setenv("DEXXY_SECRET_KEY", KEY)
    assert resource.auth_mode() == "oauth"
    with resource.client(warehouse.engine()) as client:
        assert client.api_url.endswith(f"/ex/jira/{server.jira.oauth.cloud_id}")
    for name in ("JIRA_OAUTH_REFRESH_TOKEN", "JIRA_OAUTH_TOKEN", "JIRA_API_TOKEN", "JIRA_EMAIL"):
        monkeypatch.delenv(name)
    assert resource.auth_mode() == "oauth"  # nothing left in the environment: the stored connection
    with resource.client(warehouse.engine()) as client:
        assert client.myself()["accountId"] == server.jira.site.api_user.account_id
    monkeypatch.delenv("JIRA_OAUTH_CLIENT_SECRET")
    with pytest.raises(
        ConfigError, match=r"^Jira OAuth needs JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET"
    ):
        resource.auth_mode()


def test_two_processes_rotating_at_once_take_turns(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    _oauth_env(monkeypatch, server, _grant(server))
    engine = warehouse.engine()
    with JiraResource().client(engine) as client:  # the chain is stored
        client.myself()
    app = OAuthApp(
        server.jira.oauth.client_id,
        server.jira.oauth.client_secret,
        f"{server.jira_base_url}/oauth/token",
        server.jira_base_url,
    )
    sources = [AtlassianTokens(app, ConnectionStore(engine, SecretBox(KEY)), None) for _ in range(4)]
    start = threading.Barrier(len(sources))

    def rotate(source: AtlassianTokens) -> str:
        start.wait()
        return source.token()

    with ThreadPoolExecutor(len(sources)) as pool:
        tokens = list(pool.map(rotate, sources))  # without the row lock, all but one would be refused
    # one exchange under the row lock; the others find the access token it stored and use it
    assert len(set(tokens)) == 1 and _stored(warehouse)[1] == 2
    assert sum(source.exchanges for source in sources) == 1
    assert _refresh_works(server, ConnectionStore(engine, SecretBox(KEY)).stored_token(CONNECTION_NAME) or "")
