"""The sandbox's GitHub App and the credentials it accepts.

A GitHub App authenticates with a JWT signed by its private key (RS256, `iss` = the app id, `iat` no later
than now plus clock skew, `exp` at most ten minutes after `iat` and still in the future), and trades it for an
installation access token (`ghs_...`, one hour by default) at POST /app/installations/{id}/access_tokens. The
REST (and GraphQL) endpoints then accept that token until it expires, and the static tokens the server was
started with; a JWT itself is not accepted there. GitHub's error messages are reproduced, since clients and
runbooks match on them. A fault switch fails the next n token requests in turn with a dropped connection,
a 502 and a secondary rate limit (403 with Retry-After): the transient failures a client must retry.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.api_jws import PyJWS

from dexxy_sandbox.faults import Fault, FaultDecision

JWT_DECODE_ERROR = "A JSON web token could not be decoded"
JWT_EXP_ERROR = (
    "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
    "assertion expires"
)
JWT_EXP_TOO_FAR_ERROR = "'Expiration time' claim ('exp') is too far in the future"
JWT_IAT_ERROR = (
    "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
)
TOKEN_REQUEST_FAULTS = (  # what the n failing token requests get, in turn
    FaultDecision(Fault.DROP, 0),
    FaultDecision(Fault.SERVER_ERROR, 502),
    FaultDecision(Fault.SECONDARY_RATE_LIMIT, 403),
)
MAX_JWT_LIFETIME_SECONDS = 600
CLOCK_SKEW_SECONDS = 60
INSTALLATION_PERMISSIONS = {
    "actions": "read",
    "checks": "read",
    "contents": "read",
    "deployments": "read",
    "issues": "read",
    "members": "read",
    "metadata": "read",
    "pull_requests": "read",
    "statuses": "read",
}

_key_lock = threading.Lock()
_process_key: rsa.RSAPrivateKey | None = None


def _private_key() -> rsa.RSAPrivateKey:
    """One RSA-2048 key per process: generating one takes tens of milliseconds; tests start many servers."""
    global _process_key
    with _key_lock:
        if _process_key is None:
            _process_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return _process_key


class JwtRejected(Exception):
    """The JWT was refused; `message` is GitHub's wording."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class InstallationToken:
    token: str
    installation_id: int
    expires_at: dt.datetime
    permissions: dict[str, str]


class GitHubApp:
    """The sandbox's one GitHub App with one installation (on the synthetic org)."""

    def __init__(
        self,
        app_id: int = 424242,
        installation_id: int = 4242420,
        token_ttl_seconds: float = 3600,
        clock: Callable[[], float] = time.time,
        token_request_failures: int = 0,
    ) -> None:
        self.app_id = app_id
        self.installation_id = installation_id
        self.token_ttl_seconds = token_ttl_seconds
        self._clock = clock
        self._fault_lock = threading.Lock()
        self.fail_token_requests(token_request_failures)
        self._key = _private_key()
        self.private_key_pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ).decode()
        self._public_key = self._key.public_key()

    def fail_token_requests(self, count: int) -> None:
        """Fail the next `count` token requests (dropped, 502, secondary rate limit, dropped, ...)."""
        if count < 0:
            raise ValueError("the number of failing token requests must not be negative")
        with self._fault_lock:
            self._failures_left = count
            self._failures_done = 0

    def token_request_fault(self) -> FaultDecision | None:
        """The fault for this token request, if the switch still has failures to hand out."""
        with self._fault_lock:
            if self._failures_left <= 0:
                return None
            self._failures_left -= 1
            self._failures_done += 1
            return TOKEN_REQUEST_FAULTS[(self._failures_done - 1) % len(TOKEN_REQUEST_FAULTS)]

    def make_jwt(
        self, issued_at: float | None = None, lifetime_seconds: float = 540, **claims: object
    ) -> str:
        """A JWT as clients build one: `iat` 60 s in the past, `exp` `lifetime_seconds` after now, `iss` the
        app id. `claims` override those (None drops one), e.g. `iss=424242` (GitHub accepts a number too)."""
        now = issued_at if issued_at is not None else self._clock()
        payload: dict[str, object] = {
            "iat": int(now - CLOCK_SKEW_SECONDS),
            "exp": int(now + lifetime_seconds),
            "iss": str(self.app_id),
        }
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        # PyJWS rather than jwt.encode, which refuses a numeric `iss`
        return PyJWS().encode(json.dumps(payload).encode(), self._key, algorithm="RS256")

    def verify_jwt(self, token: str) -> None:
        """Raise `JwtRejected` with GitHub's message unless `token` authenticates this app right now."""
        try:
            claims = jwt.decode(
                token,
                self._public_key,
                algorithms=["RS256"],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_iss": False},
            )
        except jwt.PyJWTError as error:
            raise JwtRejected(JWT_DECODE_ERROR) from error
        now = self._clock()
        exp, iat = claims.get("exp"), claims.get("iat")
        if not _is_number(exp) or exp <= now:
            raise JwtRejected(JWT_EXP_ERROR)
        if not _is_number(iat) or iat > now + CLOCK_SKEW_SECONDS:
            raise JwtRejected(JWT_IAT_ERROR)
        if exp - iat > MAX_JWT_LIFETIME_SECONDS:
            raise JwtRejected(JWT_EXP_TOO_FAR_ERROR)
        if str(claims.get("iss")) != str(self.app_id):
            raise JwtRejected(JWT_DECODE_ERROR)

    def new_installation_token(self, permissions: dict[str, str] | None = None) -> InstallationToken:
        """A fresh `ghs_` token; a request may narrow the installation's permissions, never widen them."""
        granted = dict(INSTALLATION_PERMISSIONS)
        if permissions:
            granted = {name: level for name, level in permissions.items() if name in INSTALLATION_PERMISSIONS}
        expires = dt.datetime.fromtimestamp(int(self._clock() + self.token_ttl_seconds), dt.UTC)
        return InstallationToken(
            f"ghs_{secrets.token_urlsafe(27)[:36]}", self.installation_id, expires, granted
        )


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class Credentials:
    """What the sandbox accepts as `Authorization`: its static tokens, installation tokens until they expire,
    and the GitHub App's user access tokens (`accept_user_tokens`). Shared by every emulator."""

    def __init__(self, tokens: Iterable[str], app: GitHubApp, clock: Callable[[], float] = time.time) -> None:
        self.static_tokens = frozenset(tokens)
        self.app = app
        self._clock = clock
        self._issued: dict[str, InstallationToken] = {}
        self._lock = threading.Lock()
        self._user_token_valid: Callable[[str], bool] = lambda token: False

    def accept_user_tokens(self, valid: Callable[[str], bool]) -> None:
        """Also accept the user access tokens `valid` vouches for (the OAuth emulator's `ghu_` tokens)."""
        self._user_token_valid = valid

    def issue(self, permissions: dict[str, str] | None = None) -> InstallationToken:
        token = self.app.new_installation_token(permissions)
        with self._lock:
            now = self._clock()
            self._issued = {k: v for k, v in self._issued.items() if v.expires_at.timestamp() > now - 86400}
            self._issued[token.token] = token
        return token

    def installation_token(self, token: str) -> InstallationToken | None:
        """The installation token `token` is, if it was issued and has not expired."""
        with self._lock:
            issued = self._issued.get(token)
        if issued is None or issued.expires_at.timestamp() <= self._clock():
            return None
        return issued

    def is_valid_token(self, token: str | None) -> bool:
        """True for a static token, an unexpired installation or user token (never for a JWT)."""
        if not token:
            return False
        return (
            token in self.static_tokens
            or self.installation_token(token) is not None
            or self._user_token_valid(token)
        )

    def owner_description(self, token: str, fallback_user_id: int) -> str:
        """Who a rate-limit message names: GitHub says "installation ID n" for installation tokens."""
        issued = self.installation_token(token)
        if issued is not None:
            return f"installation ID {issued.installation_id}"
        return f"user ID {fallback_user_id}"
