"""How a request proves who sends it: a bearer token (static, or short-lived from a ``TokenSource``) or
HTTP basic auth. The secret only ever goes into the ``Authorization`` header."""

from __future__ import annotations

import base64
from typing import Protocol


class TokenSource(Protocol):
    """Where a short-lived token comes from (GitHub App installation tokens, OAuth access tokens)."""

    def token(self) -> str: ...

    def invalidate(self) -> None: ...


class Credentials(Protocol):
    def headers(self) -> dict[str, str]: ...

    def renew(self) -> bool:
        """Drop a cached short-lived credential after a 401; True when the next try may get a fresh one."""
        ...


class BearerAuth:
    """``Authorization: Bearer <token>``; a ``TokenSource`` is asked for its token on every request."""

    def __init__(self, token: str | TokenSource) -> None:
        self._token = token

    def headers(self) -> dict[str, str]:
        token = self._token if isinstance(self._token, str) else self._token.token()
        return {"Authorization": f"Bearer {token}"}

    def renew(self) -> bool:
        if isinstance(self._token, str):
            return False
        self._token.invalidate()
        return True

    def __repr__(self) -> str:
        return "BearerAuth(***)"


class BasicAuth:
    """``Authorization: Basic base64(user:secret)`` (Jira Cloud: email and API token)."""

    def __init__(self, user: str, secret: str) -> None:
        encoded = base64.b64encode(f"{user}:{secret}".encode()).decode("ascii")
        self._header = f"Basic {encoded}"

    def headers(self) -> dict[str, str]:
        return {"Authorization": self._header}

    def renew(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "BasicAuth(***)"
