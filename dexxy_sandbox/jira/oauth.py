"""Atlassian OAuth 2.0 (3LO) as the sandbox plays it: codes, rotating refresh tokens, expiring access tokens.

Under the Jira mount, `POST /oauth/token` stands for `https://auth.atlassian.com/oauth/token`,
`GET /oauth/token/accessible-resources` and `/ex/jira/{cloudId}/rest/...` for `https://api.atlassian.com`.
Refresh tokens rotate: each exchange returns a new one and the old one is then refused (`invalid_grant`),
so a client that loses the new token must re-authorise. Access tokens expire after `access_ttl_seconds`.
Codes are single use, expire after ten minutes and are bound to the consent's `redirect_uri`;
`revoke_grants()` is the user removing the app's access (every refresh and access token stops working).
The consent page itself (`/authorize`) is in `consent.py`.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

CLIENT_ID = "sandbox-jira-client"
CLIENT_SECRET = "sandbox-jira-secret"
SCOPES = ("read:jira-work", "read:jira-user", "offline_access")
CODE_TTL_SECONDS = 600
Json = dict[str, Any]


class JiraOAuth:
    """The authorisation server and its grants for one site (state lives in memory)."""

    def __init__(
        self,
        seed: int,
        clock: Callable[[], float] = time.time,
        access_ttl_seconds: float = 3600,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        self.cloud_id = str(uuid.UUID(int=random.Random(f"jira-cloud/{seed}").getrandbits(128), version=4))
        self.clock = clock
        self.access_ttl_seconds = access_ttl_seconds
        self.client_id = client_id
        self.client_secret = client_secret
        self._seed = seed
        self._issued = 0
        self._codes: dict[str, tuple[float, str | None]] = {}  # code -> (expires at, redirect_uri)
        self._refresh: set[str] = set()
        self._access: dict[str, float] = {}  # token -> expires at (epoch seconds)
        self.refreshes = 0  # successful refresh-token exchanges, for tests

    def _token(self, kind: str) -> str:
        self._issued += 1
        digest = hashlib.blake2b(f"{self._seed}/{kind}/{self._issued}".encode(), digest_size=12).hexdigest()
        return f"sandbox-jira-{kind}-{digest}"

    def issue_code(self, redirect_uri: str | None = None) -> str:
        """An authorisation code, as the consent screen's redirect would carry it (single use)."""
        code = self._token("code")
        self._codes[code] = (self.clock() + CODE_TTL_SECONDS, redirect_uri)
        return code

    def live_tokens(self) -> list[str]:
        """Every access and refresh token still accepted (tests look for them where they must not be)."""
        return [*self._access, *self._refresh]

    def revoke_grants(self) -> None:
        """The user removes the app's access: every refresh and access token is refused from now on."""
        self._refresh.clear()
        self._access.clear()

    def access_valid(self, token: str) -> bool:
        expires = self._access.get(token)
        return expires is not None and self.clock() < expires

    def token(self, body: dict[str, Any]) -> tuple[int, Json]:
        """`POST /oauth/token`: authorization_code or refresh_token grants; a new refresh token each time."""
        if body.get("client_id") != self.client_id or body.get("client_secret") != self.client_secret:
            return 401, {"error": "access_denied", "error_description": "Unauthorized"}
        grant = body.get("grant_type")
        if grant == "authorization_code":
            issued = self._codes.pop(str(body.get("code", "")), None)  # spent on first use
            if issued is None or issued[0] <= self.clock():
                return 403, {"error": "invalid_grant", "error_description": "Invalid authorization code"}
            if issued[1] and body.get("redirect_uri") not in (None, issued[1]):
                return 403, {"error": "invalid_grant", "error_description": "redirect_uri does not match"}
        elif grant == "refresh_token":
            refresh = str(body.get("refresh_token", ""))
            if refresh not in self._refresh:
                return 403, {
                    "error": "invalid_grant",
                    "error_description": "Unknown or invalid refresh token.",
                }
            self._refresh.discard(refresh)  # rotation: the old refresh token is spent
            self.refreshes += 1
        else:
            return 400, {"error": "unsupported_grant_type", "error_description": f"grant_type {grant!r}"}
        access, refresh = self._token("access"), self._token("refresh")
        self._access[access] = self.clock() + self.access_ttl_seconds
        self._refresh.add(refresh)
        return 200, {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": int(self.access_ttl_seconds),
            "scope": " ".join(SCOPES),
            "token_type": "Bearer",
        }

    def accessible_resources(self, site_url: str, site_name: str) -> list[Json]:
        """`GET /oauth/token/accessible-resources`: the one site this grant reaches."""
        return [
            {
                "id": self.cloud_id,
                "url": site_url,
                "name": site_name,
                "scopes": list(SCOPES),
                "avatarUrl": f"{site_url}/avatars/site.png",
            }
        ]
