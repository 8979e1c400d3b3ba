"""GitHub App user authorisation (the web application flow) and installation, as `dexxy connect github` uses
them, and the user access token source of a stored connection.

The flow (docs.github.com, "Generating a user access token for a GitHub App"): the browser goes to
``{web}/login/oauth/authorize?client_id&redirect_uri&state``; the callback's ``code`` is exchanged at
``POST {web}/login/oauth/access_token`` for a ``ghu_`` access token (``expires_in`` 28800) and a ``ghr_``
refresh token (``refresh_token_expires_in``); GitHub answers a bad code with **200** and an ``error`` field
(``bad_verification_code``), so the body is checked, not only the status. Refreshing spends the refresh
token (``grant_type=refresh_token``; a spent or revoked one: ``bad_refresh_token``). The installation page is
``{web}/apps/{slug}/installations/new?state``; its setup redirect carries ``installation_id``, which anyone
can forge, so it is only stored once ``GET /user/installations`` lists it for the authorising user.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from resources.connection_store import REFRESH_MARGIN_SECONDS, ConnectionStore, Grant
from resources.environment import env_value
from resources.github_adapter import GitHubAdapter
from resources.github_client import GitHubClient
from resources.github_errors import GitHubAuthError, GitHubConfigError, GitHubError
from resources.http.auth import BasicAuth
from resources.http.client import HttpClient
from resources.http.retry_policy import RetryPolicy

DEFAULT_WEB_URL = "https://github.com"
CONNECTION_NAME = "github"
PROVIDER = "github"
RECONNECT = "run `dexxy connect github` to authorise the GitHub App again"


class OAuthRefused(Exception):
    """The authorisation server refused a grant (``error``, ``error_description`` as it said them)."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


class _WebAdapter(GitHubAdapter):
    """github.com's OAuth endpoints: plain JSON (``Accept: application/json``), no bearer token."""

    def __init__(self) -> None:
        super().__init__("")
        self.credentials = None

    def default_headers(self) -> dict[str, str]:
        return {"Accept": "application/json", "User-Agent": self.user_agent}


@dataclass(frozen=True)
class GitHubOAuthApp:
    """The GitHub App's OAuth side: client id and secret, its slug (for the installation page), and where
    GitHub's web and API roots are (the sandbox moves both)."""

    client_id: str
    client_secret: str
    web_url: str = DEFAULT_WEB_URL
    api_url: str = "https://api.github.com"
    slug: str | None = None
    timeout_seconds: float = 30.0

    def __repr__(self) -> str:
        return f"GitHubOAuthApp(client_id={self.client_id!r}, ***)"

    @classmethod
    def from_environment(cls, api_url: str) -> GitHubOAuthApp | None:
        """From GITHUB_APP_CLIENT_ID + GITHUB_APP_CLIENT_SECRET (+ GITHUB_APP_SLUG, GITHUB_WEB_URL)."""
        client_id, secret = env_value("GITHUB_APP_CLIENT_ID"), env_value("GITHUB_APP_CLIENT_SECRET")
        if not (client_id or secret):
            return None
        if not (client_id and secret):
            raise GitHubConfigError("GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET go together")
        web = (env_value("GITHUB_WEB_URL") or DEFAULT_WEB_URL).rstrip("/")
        return cls(client_id, secret, web, api_url.rstrip("/"), env_value("GITHUB_APP_SLUG"))

    # ----- the browser's side -----
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        query = urlencode({"client_id": self.client_id, "redirect_uri": redirect_uri, "state": state})
        return f"{self.web_url}/login/oauth/authorize?{query}"

    def install_url(self, state: str) -> str | None:
        """The installation page (None without GITHUB_APP_SLUG); GitHub hands ``state`` to the setup URL."""
        if not self.slug:
            return None
        return f"{self.web_url}/apps/{self.slug}/installations/new?{urlencode({'state': state})}"

    # ----- the server's side -----
    def _token_request(self, body: dict[str, str]) -> dict[str, Any]:
        with HttpClient(
            self.web_url,
            _WebAdapter(),
            timeout_seconds=self.timeout_seconds,
            retry=RetryPolicy(max_retries=2),
        ) as client:
            answer = client.request("POST", "/login/oauth/access_token", json=body).data
        if not isinstance(answer, dict):
            raise GitHubError("GitHub's token answer is not a JSON object")
        if answer.get("error"):
            raise OAuthRefused(str(answer["error"]), str(answer.get("error_description") or ""))
        return answer

    def _grant(self, answer: dict[str, Any], now: float) -> Grant:
        try:
            access = str(answer["access_token"])
        except KeyError:
            raise GitHubError("GitHub's token answer has no access_token") from None
        expires_in, refresh_in = answer.get("expires_in"), answer.get("refresh_token_expires_in")
        scopes = tuple(s for s in str(answer.get("scope") or "").split(",") if s)
        return Grant(
            access,
            str(answer["refresh_token"]) if answer.get("refresh_token") else None,
            now + float(expires_in) if expires_in else None,  # no expires_in: expiry is off for the app
            now + float(refresh_in) if refresh_in else None,
            scopes,
        )

    def exchange_code(self, code: str, redirect_uri: str, now: float | None = None) -> Grant:
        """The callback's code for tokens; ``OAuthRefused`` when GitHub refuses it (e.g. used twice)."""
        answer = self._token_request(
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code": code,
                "redirect_uri": redirect_uri,
            }
        )
        return self._grant(answer, time.time() if now is None else now)

    def refresh(self, refresh_token: str, now: float | None = None) -> Grant:
        """A new access token and refresh token; a refused refresh token is ``GitHubAuthError``
        (AUTH_EXPIRED) naming `dexxy connect github`."""
        try:
            answer = self._token_request(
                {
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                    "grant_type": "refresh_token",
                    "refresh_token": refresh_token,
                }
            )
        except OAuthRefused as refused:
            if refused.error == "incorrect_client_credentials":
                raise GitHubAuthError(
                    f"GitHub refused the app's client credentials ({refused.error}): check "
                    "GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET"
                ) from None
            raise GitHubAuthError(
                f"GitHub refused the stored refresh token ({refused.error}: {refused.description}): "
                f"{RECONNECT}"
            ) from None
        return self._grant(answer, time.time() if now is None else now)

    def login(self, access_token: str) -> str:
        """The authorising user's login (``GET /user``)."""
        with GitHubClient(self.api_url, access_token, timeout_seconds=self.timeout_seconds) as client:
            user = client.get("/user")
        return str(user.get("login")) if isinstance(user, dict) else ""

    def installations(self, access_token: str) -> dict[int, str]:
        """The app's installations the user can reach (``GET /user/installations``): id → account login."""
        with GitHubClient(self.api_url, access_token, timeout_seconds=self.timeout_seconds) as client:
            body = client.get("/user/installations", {"per_page": 100})
        items = body.get("installations", []) if isinstance(body, dict) else []
        found: dict[int, str] = {}
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), int):
                account = item.get("account")
                found[item["id"]] = str(account.get("login") or "") if isinstance(account, dict) else ""
        return found

    def revoke(self, access_token: str) -> bool:
        """Revoke the grant at GitHub (``DELETE /applications/{client_id}/grant``, basic auth with the client
        id and secret): every token of this user for the app stops working. True when GitHub did (204)."""
        adapter = GitHubAdapter("")
        adapter.credentials = BasicAuth(self.client_id, self.client_secret)
        with HttpClient(
            self.api_url, adapter, timeout_seconds=self.timeout_seconds, retry=RetryPolicy(max_retries=2)
        ) as client:
            try:
                client.request(
                    "DELETE", f"/applications/{self.client_id}/grant", json={"access_token": access_token}
                )
            except (GitHubError, httpx.HTTPError):
                return False
        return True


class GitHubUserTokens:
    """``token()``: the stored connection's user access token, refreshed (and stored, under the row's lock)
    five minutes before it expires; ``invalidate()`` after a 401: refreshed unless another run already did."""

    def __init__(
        self, app: GitHubOAuthApp, store: ConnectionStore, *, clock: Callable[[], float] = time.time
    ) -> None:
        self.app = app
        self._store = store
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at: float | None = None
        self._refused: str | None = None  # the token a 401 answered: refreshed unless already replaced
        self.refreshes = 0

    def _refresh(self, refresh_token: str) -> Grant:
        grant = self.app.refresh(refresh_token, self._clock())
        self.refreshes += 1
        return grant

    def token(self) -> str:
        with self._lock:
            fresh = self._token is not None and (
                self._expires_at is None or self._expires_at - self._clock() > REFRESH_MARGIN_SECONDS
            )
            if not fresh:
                self._token, self._expires_at, _ = self._store.access(
                    CONNECTION_NAME,
                    self._refresh,
                    now=self._clock(),
                    reconnect=RECONNECT,
                    stale=self._refused,
                )
                self._refused = None
            assert self._token is not None
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._refused, self._token = self._token, None
