"""GitHub App authentication: a short-lived RS256 JWT buys an installation token, which is cached and
renewed before its hour ends. Thread-safe: the per-PR fetch threads share one provider.

The token request goes through the GitHub client like every other request, so a 5xx, a secondary rate
limit or a dropped connection is retried by the same policy; only GitHub refusing the app (401, or a 403
that is not a rate limit) is an authentication error."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from resources.github_client import GitHubClient
from resources.github_errors import GitHubAuthError, GitHubConfigError, GitHubError, GitHubNotFoundError
from resources.github_names import api_path
from resources.http.retry_policy import RetryPolicy

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
        _check_private_key(pem)
        return cls(str(app_id).strip(), pem + "\n", str(installation_id).strip())


def _check_private_key(pem: str) -> None:
    """Fail at configuration time, in one line naming the variable, not later inside a JWT library."""
    try:
        key = load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError):
        raise GitHubConfigError(
            "GITHUB_APP_PRIVATE_KEY is not a readable PEM private key: paste the .pem file GitHub generated "
            "for the app (or its path), unencrypted"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise GitHubConfigError("GITHUB_APP_PRIVATE_KEY is not an RSA key: GitHub Apps sign with RS256")


def app_jwt(credentials: AppCredentials, now: float) -> str:
    """The app's own JWT: iat 60 s in the past, exp 9 minutes ahead, iss = app id."""
    claims = {
        "iat": int(now) - JWT_BACKDATE_SECONDS,
        "exp": int(now) + JWT_LIFETIME_SECONDS,
        "iss": credentials.app_id,
    }
    try:
        return jwt.encode(claims, credentials.private_key_pem, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError):
        raise GitHubConfigError("GITHUB_APP_PRIVATE_KEY is not a valid RSA private key (PEM)") from None


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
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.credentials = credentials
        self.api_url = api_url.rstrip("/")
        self.path = api_path("app", "installations", credentials.installation_id, "access_tokens")
        self._clock = clock
        self._transport = transport
        self._timeout = timeout_seconds
        self._retry = retry or RetryPolicy()
        self.sleep = sleep  # how retries wait (tests pass a recorder)
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires_at = 0.0
        self._handed = threading.local()  # the token each thread was given last: the one its 401 is about
        self.tokens_issued = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._expires_at - self._clock() < REFRESH_MARGIN_SECONDS:
                self._token, self._expires_at = self._fetch()
                self.tokens_issued += 1
            self._handed.token = self._token
            return self._token

    def invalidate(self) -> None:
        """Drop the token this thread was refused with, unless another thread already replaced it: when a
        token expires under several threads, one new token is minted, not one per thread (and a token just
        minted is not thrown away by a 401 that was about the old one)."""
        with self._lock:
            if getattr(self._handed, "token", None) in (None, self._token):
                self._token = None

    def _fetch(self) -> tuple[str, float]:
        jwt_source = _AppJwt(self.credentials, self._clock)
        with GitHubClient(
            self.api_url,
            jwt_source,
            timeout_seconds=self._timeout,
            retry=self._retry,
            sleep=self.sleep,
            transport=self._transport,
        ) as client:
            try:
                body = client.request("POST", self.path).data
            except GitHubNotFoundError:
                raise GitHubAuthError(
                    f"GitHub has no installation {self.credentials.installation_id} for app "
                    f"{self.credentials.app_id} (404): check GITHUB_APP_INSTALLATION_ID",
                    status=404,
                ) from None
            except GitHubAuthError as exc:
                raise GitHubAuthError(
                    f"GitHub rejected the GitHub App credentials ({exc.status} {exc.service_message}): "
                    "check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY",
                    status=exc.status,
                ) from None
        try:
            expires_at = str(body["expires_at"]).replace("Z", "+00:00")
            return str(body["token"]), dt.datetime.fromisoformat(expires_at).timestamp()
        except (KeyError, TypeError, ValueError):
            raise GitHubError("GitHub's installation token answer has no token and expires_at") from None


class _AppJwt:
    """The token source of the token request itself: a fresh JWT for every attempt, since a retry after a
    secondary rate limit can outlive a JWT's nine minutes."""

    def __init__(self, credentials: AppCredentials, clock: Callable[[], float]) -> None:
        self._credentials = credentials
        self._clock = clock

    def token(self) -> str:
        return app_jwt(self._credentials, self._clock())

    def invalidate(self) -> None:
        """Nothing cached: the next attempt signs a new JWT anyway."""
