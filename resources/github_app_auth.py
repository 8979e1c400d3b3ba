"""GitHub App authentication: a short-lived RS256 JWT buys an installation token, which is cached and
renewed before its hour ends. Thread-safe: the per-PR fetch threads share one provider."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt

from resources.github_errors import GitHubAuthError, GitHubConfigError

JWT_BACKDATE_SECONDS = 60  # GitHub's advice: iat in the past, against clock drift
JWT_LIFETIME_SECONDS = 540  # exp - now; GitHub refuses more than 10 minutes
REFRESH_MARGIN_SECONDS = 300  # renew an installation token this long before it expires


@dataclass(frozen=True)
class AppCredentials:
    app_id: str
    private_key_pem: str
    installation_id: str

    @classmethod
    def from_values(cls, app_id: str, private_key: str, installation_id: str) -> AppCredentials:
        """``private_key`` is the PEM itself (``\\n`` escapes allowed, as .env files need) or a path to it."""
        pem = private_key.replace("\\n", "\n").strip()
        if "BEGIN" not in pem:
            path = Path(private_key).expanduser()
            if not path.is_file():
                raise GitHubConfigError("GITHUB_APP_PRIVATE_KEY is neither a PEM key nor a readable key file")
            pem = path.read_text().strip()
        return cls(str(app_id).strip(), pem + "\n", str(installation_id).strip())


def app_jwt(credentials: AppCredentials, now: float) -> str:
    """The app's own JWT: iat 60 s in the past, exp 9 minutes ahead, iss = app id."""
    claims = {
        "iat": int(now) - JWT_BACKDATE_SECONDS,
        "exp": int(now) + JWT_LIFETIME_SECONDS,
        "iss": credentials.app_id,
    }
    try:
        return jwt.encode(claims, credentials.private_key_pem, algorithm="RS256")
    except (ValueError, TypeError) as exc:
        raise GitHubConfigError("GITHUB_APP_PRIVATE_KEY is not a valid RSA private key (PEM)") from exc


class InstallationTokens:
    """``token()`` returns a valid installation token, fetching a new one when the cached one is about to
    expire; ``invalidate()`` forces the next call to fetch (after a 401)."""

    def __init__(
        self,
        credentials: AppCredentials,
        api_url: str,
        *,
        clock: Callable[[], float] = time.time,
        transport: httpx.BaseTransport | None = None,
        timeout_seconds: float = 30.0,
    ) -> None:
        self.credentials = credentials
        self.url = f"{api_url.rstrip('/')}/app/installations/{credentials.installation_id}/access_tokens"
        self._clock = clock
        self._transport = transport
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self.tokens_issued = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._expires_at - self._clock() < REFRESH_MARGIN_SECONDS:
                self._token, self._expires_at = self._fetch()
                self.tokens_issued += 1
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        headers = {
            "Authorization": f"Bearer {app_jwt(self.credentials, self._clock())}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "dexxy",
        }
        with httpx.Client(transport=self._transport, timeout=self._timeout) as http:
            response = http.post(self.url, headers=headers)
        if response.status_code == 404:
            raise GitHubAuthError(
                f"GitHub has no installation {self.credentials.installation_id} for app "
                f"{self.credentials.app_id} (404): check GITHUB_APP_INSTALLATION_ID"
            )
        if response.status_code != 201:
            message = _message(response)
            raise GitHubAuthError(
                f"GitHub rejected the GitHub App credentials ({response.status_code} {message}): "
                "check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY"
            )
        body = response.json()
        expires = dt.datetime.fromisoformat(str(body["expires_at"]).replace("Z", "+00:00")).timestamp()
        return str(body["token"]), expires


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    return str(body.get("message", "")) if isinstance(body, dict) else ""
