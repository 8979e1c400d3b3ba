"""Jira over OAuth 2.0 (3LO): access tokens from Atlassian's rotating refresh tokens, and the site's cloud id.

Requests then go to ``{api root}/ex/jira/{cloudId}`` (``api.atlassian.com``), not to the site's own URL. The
access token is renewed a minute before it expires and once after a 401 (``invalidate``). Every exchange
spends the refresh token and returns a new one, stored encrypted before the access token is used
(``ConnectionStore.rotate``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from resources.connection_store import ConnectionStore
from resources.http.auth import BearerAuth, TokenSource
from resources.http.client import HttpClient
from resources.http.retry_policy import RetryPolicy
from resources.jira_adapter import JiraAdapter
from resources.jira_errors import JiraAuthError, JiraConfigError, JiraError, JiraPermissionError

DEFAULT_API_ROOT = "https://api.atlassian.com"
DEFAULT_TOKEN_URL = "https://auth.atlassian.com/oauth/token"
CONNECTION_NAME = "jira"
REFRESH_MARGIN_SECONDS = 60.0
REFRESH_VARIABLE = "JIRA_OAUTH_REFRESH_TOKEN"


@dataclass(frozen=True)
class OAuthApp:
    """The OAuth app (developer console) and where Atlassian's endpoints are (the sandbox moves them)."""

    client_id: str
    client_secret: str
    token_url: str = DEFAULT_TOKEN_URL
    api_root: str = DEFAULT_API_ROOT

    def __repr__(self) -> str:
        return f"OAuthApp(client_id={self.client_id!r}, ***)"


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
        self.exchanges = 0

    def token(self) -> str:
        with self._lock:
            if self._access is None or self._access.expires_at - self._clock() < REFRESH_MARGIN_SECONDS:
                self._access = self._store.rotate(
                    CONNECTION_NAME, "atlassian", self._seed, self._exchange, REFRESH_VARIABLE
                )
                self.exchanges += 1
            return self._access.token

    def invalidate(self) -> None:
        with self._lock:
            self._access = None

    def _exchange(self, refresh_token: str) -> tuple[str, _Access]:
        body = {
            "grant_type": "refresh_token",
            "client_id": self.app.client_id,
            "client_secret": self.app.client_secret,
            "refresh_token": refresh_token,
        }
        adapter = JiraAdapter(None, base_url_env="JIRA_OAUTH_TOKEN_URL")
        with HttpClient(
            self.app.token_url,
            adapter,
            retry=self._retry,
            timeout_seconds=self._timeout,
            sleep=self._sleep,
            transport=self._transport,
        ) as client:
            try:
                answer = client.request("POST", self.app.token_url, json=body).data
            except JiraAuthError as exc:  # 401 access_denied: the app's own credentials
                raise JiraAuthError(
                    f"Atlassian rejected the OAuth app ({exc.status} {exc.service_message}): "
                    "check JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET",
                    status=exc.status,
                    service_message=exc.service_message,
                ) from None
            except JiraPermissionError as exc:  # 403 invalid_grant: the refresh token was spent or revoked
                raise JiraAuthError(
                    f"Atlassian refused the refresh token ({exc.status} {exc.service_message}): re-authorise "
                    f"the app and set {REFRESH_VARIABLE} to the new refresh token",
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
        return successor, _Access(access, self._clock() + lifetime)


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


def _normal(url: object) -> str:
    return str(url or "").strip().rstrip("/").lower()
