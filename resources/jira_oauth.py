"""Jira over OAuth 2.0 (3LO): access tokens from Atlassian's rotating refresh tokens, and the site's cloud id.

Requests then go to ``{api root}/ex/jira/{cloudId}`` (``api.atlassian.com``), not to the site's own URL. The
access token is renewed a minute before it expires and once after a 401 (``invalidate``). Every exchange
spends the refresh token and returns a new one, stored encrypted before the access token is used
(``ConnectionStore.rotate`` for a chain seeded by JIRA_OAUTH_REFRESH_TOKEN, ``ConnectionStore.access`` for a
connection made by `dexxy connect jira`, whose access token is stored too and refreshed 5 minutes ahead).

`dexxy connect jira` (3LO): the browser goes to ``{auth}/authorize?audience=api.atlassian.com&client_id&scope
&redirect_uri&state&response_type=code&prompt=consent``; the callback's code is exchanged at
``{auth}/oauth/token`` (``grant_type=authorization_code``), and ``{api}/oauth/token/accessible-resources``
names the site and its cloud id.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from resources.connection_store import REFRESH_MARGIN_SECONDS as STORED_MARGIN_SECONDS
from resources.connection_store import ConnectionStore, Grant
from resources.http.auth import BearerAuth, TokenSource
from resources.http.client import HttpClient
from resources.http.retry_policy import RetryPolicy
from resources.jira_adapter import JiraAdapter
from resources.jira_errors import JiraAuthError, JiraConfigError, JiraError, JiraPermissionError

DEFAULT_API_ROOT = "https://api.atlassian.com"
DEFAULT_AUTH_URL = "https://auth.atlassian.com"
DEFAULT_TOKEN_URL = f"{DEFAULT_AUTH_URL}/oauth/token"
CONNECTION_NAME = "jira"
PROVIDER = "atlassian"
REFRESH_MARGIN_SECONDS = 60.0  # the seeded chain keeps its access token in memory only
REFRESH_VARIABLE = "JIRA_OAUTH_REFRESH_TOKEN"
RECONNECT = "run `dexxy connect jira` to authorise Jira again"
# read Jira issues, sprints and users; offline_access for a refresh token
DEFAULT_SCOPES = ("read:jira-work", "read:jira-user", "read:sprint:jira-software", "offline_access")


class OAuthRefused(Exception):
    """Atlassian refused a grant (``error``, ``error_description`` as it said them)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class OAuthApp:
    """The OAuth app (developer console) and where Atlassian's endpoints are (the sandbox moves them)."""

    client_id: str
    client_secret: str
    token_url: str = DEFAULT_TOKEN_URL
    api_root: str = DEFAULT_API_ROOT

    def __repr__(self) -> str:
        return f"OAuthApp(client_id={self.client_id!r}, ***)"

    @property
    def auth_url(self) -> str:
        """auth.atlassian.com (the token URL without ``/oauth/token``)."""
        return self.token_url.removesuffix("/oauth/token")

    def authorize_url(self, redirect_uri: str, state: str, scopes: tuple[str, ...] = DEFAULT_SCOPES) -> str:
        query = {
            "audience": "api.atlassian.com",
            "client_id": self.client_id,
            "scope": " ".join(scopes),
            "redirect_uri": redirect_uri,
            "state": state,
            "response_type": "code",
            "prompt": "consent",
        }
        return f"{self.auth_url}/authorize?{urlencode(query)}"


@dataclass(frozen=True)
class _Access:
    token: str
    expires_at: float


class AtlassianTokens(TokenSource):
    """``token()``: a valid access token, exchanging the stored refresh token when none is left or it expires
    within a minute; ``invalidate()``: the next call exchanges (after a 401)."""

    def __init__(
        self,
        app: OAuthApp,
        store: ConnectionStore,
        seed_refresh_token: str | None,
        *,
        clock: Callable[[], float] = time.time,
        retry: RetryPolicy | None = None,
        timeout_seconds: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.app = app
        self._store = store
        self._seed = seed_refresh_token
        self._clock = clock
        self._retry = retry or RetryPolicy()
        self._timeout = timeout_seconds
        self._sleep = sleep
        self._transport = transport
        self._lock = threading.Lock()
        self._access: _Access | None = None
        self._refused: str | None = None  # the access token a 401 answered (stored path: refresh it)
        self.exchanges = 0

    def token(self) -> str:
        with self._lock:
            margin = REFRESH_MARGIN_SECONDS if self._seed else STORED_MARGIN_SECONDS
            if self._access is None or self._access.expires_at - self._clock() < margin:
                if self._seed:  # the environment wins: the chain JIRA_OAUTH_REFRESH_TOKEN started
                    self._access = self._store.rotate(
                        CONNECTION_NAME, PROVIDER, self._seed, self._exchange, REFRESH_VARIABLE
                    )
                    self.exchanges += 1
                else:
                    self._access = self._stored()
            return self._access.token

    def invalidate(self) -> None:
        with self._lock:
            self._refused = self._access.token if self._access is not None else None
            self._access = None

    def _exchange(self, refresh_token: str) -> tuple[str, _Access]:
        grant = self._refresh(refresh_token)
        assert grant.refresh_token is not None and grant.expires_at is not None
        return grant.refresh_token, _Access(grant.access_token, grant.expires_at)

    def _refresh(self, refresh_token: str) -> Grant:
        advice = f"re-authorise the app and set {REFRESH_VARIABLE} to the new refresh token"
        if not self._seed:
            advice = RECONNECT
        return token_request(
            self.app,
            {"grant_type": "refresh_token", "refresh_token": refresh_token},
            now=self._clock(),
            refused_advice=advice,
            retry=self._retry,
            timeout_seconds=self._timeout,
            sleep=self._sleep,
            transport=self._transport,
        )

    def _stored(self) -> _Access:
        """A connection made by `dexxy connect jira`: its stored access token, refreshed under the row lock
        when it expires within 5 minutes or was refused (a refused refresh token marks it ``error``)."""

        def refresh(refresh_token: str) -> Grant:
            self.exchanges += 1
            return self._refresh(refresh_token)

        token, expires, _ = self._store.access(
            CONNECTION_NAME, refresh, now=self._clock(), reconnect=RECONNECT, stale=self._refused
        )
        self._refused = None
        return _Access(token, expires if expires is not None else float("inf"))


def token_request(
    app: OAuthApp,
    grant: dict[str, str],
    *,
    now: float,
    refused_advice: str = RECONNECT,
    retry: RetryPolicy | None = None,
    timeout_seconds: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> Grant:
    """``POST {auth}/oauth/token`` with the app's credentials and ``grant``: the tokens Atlassian returned. An
    invalid grant (spent or revoked refresh token, used code: 403 ``invalid_grant``) is ``JiraAuthError``
    (AUTH_EXPIRED) with ``refused_advice``; the app's own credentials refused, naming the variables."""
    body = {"client_id": app.client_id, "client_secret": app.client_secret, **grant}
    adapter = JiraAdapter(None, base_url_env="JIRA_OAUTH_TOKEN_URL")
    with HttpClient(
        app.token_url, adapter, retry=retry, timeout_seconds=timeout_seconds, sleep=sleep, transport=transport
    ) as client:
        try:
            answer = client.request("POST", app.token_url, json=body).data
        except JiraAuthError as exc:  # 401 access_denied: the app's own credentials
            raise JiraAuthError(
                f"Atlassian rejected the OAuth app ({exc.status} {exc.service_message}): "
                "check JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET",
                status=exc.status,
                service_message=exc.service_message,
            ) from None
        except JiraPermissionError as exc:  # 403 invalid_grant: the grant was spent or revoked
            raise JiraAuthError(
                f"Atlassian refused the refresh token ({exc.status} {exc.service_message}): {refused_advice}",
                status=exc.status,
                service_message=exc.service_message,
            ) from None
    try:
        access, successor = str(answer["access_token"]), str(answer["refresh_token"])
        lifetime = float(answer.get("expires_in", 3600))
    except (KeyError, TypeError, ValueError, AttributeError):
        raise JiraError(
            "Atlassian's token answer has no access_token and refresh_token: is offline_access granted?"
        ) from None
    scopes = tuple(str(answer.get("scope") or "").split())
    return Grant(access, successor, now + lifetime, None, scopes)


def exchange_code(app: OAuthApp, code: str, redirect_uri: str, *, now: float | None = None) -> Grant:
    """The callback's code for tokens (``authorization_code``); ``OAuthRefused`` when Atlassian refuses it
    (a code used twice or expired)."""
    try:
        return token_request(
            app,
            {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
            now=time.time() if now is None else now,
            retry=RetryPolicy(max_retries=2),
        )
    except JiraAuthError as exc:
        raise OAuthRefused(
            "invalid_grant" if exc.status == 403 else "access_denied", exc.service_message or str(exc)
        ) from None


def cloud_site(
    api_root: str,
    token: str | TokenSource,
    site_url: str | None,
    *,
    auth_variables: str = "OAuth grant (JIRA_OAUTH_*)",
    retry: RetryPolicy | None = None,
    timeout_seconds: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, str]:
    """(cloud id, site URL) of the site the token reaches (``/oauth/token/accessible-resources``): the one at
    ``site_url`` (JIRA_BASE_URL) when given, else the only one."""
    adapter = JiraAdapter(
        BearerAuth(token), auth_variables=auth_variables, base_url_env="JIRA_OAUTH_API_ROOT"
    )
    with HttpClient(api_root, adapter, retry=retry, timeout_seconds=timeout_seconds, sleep=sleep) as client:
        sites = client.get("/oauth/token/accessible-resources")
    if not isinstance(sites, list):
        sites = []
    wanted = _normal(site_url) if site_url else None
    matching = [
        s for s in sites if isinstance(s, dict) and (wanted is None or _normal(s.get("url")) == wanted)
    ]
    if len(matching) == 1:
        return str(matching[0]["id"]), str(matching[0].get("url") or "")
    urls = ", ".join(str(s.get("url")) for s in sites if isinstance(s, dict)) or "none"
    if wanted is None:
        raise JiraConfigError(
            f"the OAuth grant reaches several Jira sites ({urls}): set JIRA_BASE_URL to one"
        )
    raise JiraConfigError(
        f"the OAuth grant does not reach JIRA_BASE_URL={site_url} (it reaches: {urls}): fix JIRA_BASE_URL "
        "or authorise the app on that site"
    )


def same_site(url: str | None, other: str | None) -> bool:
    return _normal(url) == _normal(other)


def _normal(url: object) -> str:
    return str(url or "").strip().rstrip("/").lower()
