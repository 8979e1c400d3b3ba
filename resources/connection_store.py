"""Where OAuth connections live: ``ops.connections``, their tokens encrypted (``SecretBox``).

``save`` stores what `dexxy connect` obtained (access and refresh tokens, scopes, expiry, account or site,
installation); ``access`` hands out a valid access token, refreshing it under the row's lock when it expires
within the margin; ``rotate`` is the chain seeded by an environment variable (JIRA_OAUTH_REFRESH_TOKEN).
A refused refresh puts the connection in status ``error`` with the advice, committed before the error goes on
to fail the run (and to its classified alert). ``connections``/``remove`` never return a token to print.

A rotation spends the stored token, so it is exchanged and its successor written in one short transaction of
its own, holding the row's lock: two processes refresh one after the other (each with the newest token), and
an asset's transaction rolling back never takes a rotation with it. The window left is a crash between the
authorisation server's answer and the commit, a few milliseconds; then the connection must be re-authorised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, text

from resources.http.errors import AuthError, ConfigError
from resources.secret_box import SecretBox

T = TypeVar("T")
REFRESH_MARGIN_SECONDS = 300.0  # a stored access token is refreshed when it expires within 5 minutes
_SELECT_ONE = (
    "SELECT name, provider, account, site_url, cloud_id, installation_id, scopes, status, last_error, "
    "expires_at, refresh_expires_at, updated_at FROM ops.connections WHERE name = :n"
)
_SELECT_ALL = (
    "SELECT name, provider, account, site_url, cloud_id, installation_id, scopes, status, last_error, "
    "expires_at, refresh_expires_at, updated_at FROM ops.connections ORDER BY name"
)
_DELETE = (
    "DELETE FROM ops.connections WHERE name = :n RETURNING name, provider, account, site_url, cloud_id, "
    "installation_id, scopes, status, last_error, expires_at, refresh_expires_at, updated_at, "
    "access_token_encrypted, refresh_token_encrypted"
)
_LOCK = (
    "SELECT name, provider, account, site_url, cloud_id, installation_id, scopes, status, last_error, "
    "expires_at, refresh_expires_at, updated_at, access_token_encrypted, refresh_token_encrypted "
    "FROM ops.connections WHERE name = :n FOR UPDATE"
)


@dataclass(frozen=True)
class Grant:
    """Tokens as an authorisation server answered (``expires_at``: epoch seconds, None = never)."""

    access_token: str
    refresh_token: str | None
    expires_at: float | None
    refresh_expires_at: float | None = None
    scopes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Grant(***, expires_at={self.expires_at!r}, scopes={self.scopes!r})"


@dataclass(frozen=True)
class ConnectionInfo:
    """A connection as `dexxy connections list` shows it: never a token."""

    name: str
    provider: str
    account: str | None
    site_url: str | None
    cloud_id: str | None
    installation_id: int | None
    scopes: tuple[str, ...]
    status: str
    last_error: str | None
    expires_at: dt.datetime | None
    refresh_expires_at: dt.datetime | None
    updated_at: dt.datetime | None


@dataclass(frozen=True)
class Removed:
    """A deleted connection and its last tokens (decrypted in memory, to revoke them at the provider)."""

    info: ConnectionInfo
    access_token: str | None
    refresh_token: str | None

    def __repr__(self) -> str:
        return f"Removed({self.info.name!r}, ***)"


def _info(row: Any) -> ConnectionInfo:
    return ConnectionInfo(
        row.name,
        row.provider,
        row.account,
        row.site_url,
        row.cloud_id,
        row.installation_id,
        tuple(row.scopes or ()),
        row.status,
        row.last_error,
        row.expires_at,
        row.refresh_expires_at,
        row.updated_at,
    )


def _timestamp(epoch: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else None


class ConnectionStore:
    def __init__(self, engine: Engine, box: SecretBox | None) -> None:
        """``box`` None: listing and deleting only (nothing is decrypted or encrypted)."""
        self._engine = engine
        self._key = box

    @property
    def _box(self) -> SecretBox:
        if self._key is None:
            raise ConfigError("DEXXY_SECRET_KEY is not set: it encrypts the stored tokens")
        return self._key

    def rotate(
        self,
        name: str,
        provider: str,
        seed: str | None,
        exchange: Callable[[str], tuple[str, T]],
        seed_variable: str,
    ) -> T:
        """Exchange the current refresh token (``exchange`` returns the new one and a result) and store the
        successor before returning. ``seed`` is the configured token: it wins when it differs from the one
        the stored chain started from (the connection was re-authorised)."""
        with self._engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ops.connections (name, provider) VALUES (:n, :p) "
                    "ON CONFLICT (name) DO NOTHING"
                ),
                {"n": name, "p": provider},
            )
            row = conn.execute(
                text(
                    "SELECT refresh_token_encrypted, seed_fingerprint FROM ops.connections "
                    "WHERE name = :n FOR UPDATE"
                ),
                {"n": name},
            ).one()
            known = bool(seed) and self._box.matches(seed or "", row.seed_fingerprint)
            fingerprint = (
                row.seed_fingerprint if known or not seed else self._box.fingerprint(seed)  # type: ignore[arg-type]
            )
            if seed and (row.refresh_token_encrypted is None or not known):
                current = seed
            elif row.refresh_token_encrypted is not None:
                current = self._box.open(row.refresh_token_encrypted)
            else:
                raise ConfigError(
                    f"{seed_variable} is not set and no {name} connection is stored: authorise the app and "
                    f"set {seed_variable} to its refresh token"
                )
            successor, result = exchange(current)
            conn.execute(
                text(
                    "UPDATE ops.connections SET refresh_token_encrypted = :token, seed_fingerprint = :seed, "
                    "provider = :p, rotations = rotations + 1, rotated_at = now(), updated_at = now(), "
                    "status = 'ok', last_error = NULL WHERE name = :n"
                ),
                {"token": self._box.seal(successor), "seed": fingerprint, "p": provider, "n": name},
            )
        return result

    def stored_token(self, name: str) -> str | None:
        """The decrypted refresh token stored for ``name`` (for `dexxy connections` and tests)."""
        with self._engine.connect() as conn:
            sealed = conn.execute(
                text("SELECT refresh_token_encrypted FROM ops.connections WHERE name = :n"), {"n": name}
            ).scalar()
        return self._box.open(sealed) if sealed else None

    # ----- connections made by `dexxy connect` -----
    def save(
        self,
        name: str,
        provider: str,
        grant: Grant,
        *,
        account: str | None,
        site_url: str | None = None,
        cloud_id: str | None = None,
        installation_id: int | None = None,
    ) -> None:
        """Store a fresh authorisation, replacing any earlier one (its installation too: the caller passes the
        one it verified). The chain no longer starts from a configured seed."""
        with self._engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO ops.connections (name, provider, refresh_token_encrypted, "
                    "access_token_encrypted, expires_at, refresh_expires_at, scopes, account, site_url, "
                    "cloud_id, installation_id, status, last_error, seed_fingerprint, updated_at) "
                    "VALUES (:n, :p, :refresh, :access, :exp, :rexp, :scopes, :account, :site, :cloud, "
                    ":inst, 'ok', NULL, NULL, now()) "
                    "ON CONFLICT (name) DO UPDATE SET provider = EXCLUDED.provider, "
                    "refresh_token_encrypted = EXCLUDED.refresh_token_encrypted, "
                    "access_token_encrypted = EXCLUDED.access_token_encrypted, "
                    "expires_at = EXCLUDED.expires_at, refresh_expires_at = EXCLUDED.refresh_expires_at, "
                    "scopes = EXCLUDED.scopes, account = EXCLUDED.account, site_url = EXCLUDED.site_url, "
                    "cloud_id = EXCLUDED.cloud_id, "
                    "installation_id = EXCLUDED.installation_id, "
                    "status = 'ok', last_error = NULL, seed_fingerprint = NULL, updated_at = now()"
                ),
                {
                    "n": name,
                    "p": provider,
                    "refresh": self._box.seal(grant.refresh_token) if grant.refresh_token else None,
                    "access": self._box.seal(grant.access_token),
                    "exp": _timestamp(grant.expires_at),
                    "rexp": _timestamp(grant.refresh_expires_at),
                    "scopes": list(grant.scopes),
                    "account": account,
                    "site": site_url,
                    "cloud": cloud_id,
                    "inst": installation_id,
                },
            )

    def set_installation(self, name: str, installation_id: int) -> bool:
        """Record the (verified) GitHub App installation of a stored connection; False when none is stored."""
        with self._engine.begin() as conn:
            updated = conn.execute(
                text("UPDATE ops.connections SET installation_id = :i, updated_at = now() WHERE name = :n"),
                {"i": installation_id, "n": name},
            ).rowcount
        return bool(updated)

    def info(self, name: str) -> ConnectionInfo | None:
        with self._engine.connect() as conn:
            row = conn.execute(text(_SELECT_ONE), {"n": name}).one_or_none()
        return _info(row) if row is not None else None

    def connections(self) -> list[ConnectionInfo]:
        with self._engine.connect() as conn:
            rows = conn.execute(text(_SELECT_ALL)).all()
        return [_info(row) for row in rows]

    def remove(self, name: str) -> Removed | None:
        """Delete the connection; its tokens are returned (decrypted when the key still opens them)."""
        with self._engine.begin() as conn:
            row = conn.execute(
                text(_DELETE),
                {"n": name},
            ).one_or_none()
        if row is None:
            return None
        return Removed(
            _info(row),
            self._open_quietly(row.access_token_encrypted),
            self._open_quietly(row.refresh_token_encrypted),
        )

    def _open_quietly(self, sealed: str | None) -> str | None:
        if not sealed or self._key is None:
            return None
        try:
            return self._box.open(sealed)
        except ConfigError:
            return None

    def access(
        self,
        name: str,
        refresh: Callable[[str], Grant],
        *,
        now: float,
        margin_seconds: float = REFRESH_MARGIN_SECONDS,
        reconnect: str = "",
        stale: str | None = None,
    ) -> tuple[str, float | None, ConnectionInfo]:
        """A valid access token of the stored connection (its expiry, and the connection): the stored one
        while it has more than ``margin_seconds`` left, else ``refresh(refresh_token)``'s, stored before it is
        returned, or when it is ``stale`` (the token a 401 refused, unless another run replaced it already).
        The row is locked meanwhile, so concurrent runs refresh one after the other and the later
        one finds the token its predecessor stored. An ``AuthError`` from ``refresh`` (refresh token revoked
        or expired) marks the connection ``error`` with that message, committed, and is raised."""
        refused: AuthError | None = None
        with self._engine.begin() as conn:
            row = conn.execute(
                text(_LOCK),
                {"n": name},
            ).one_or_none()
            if row is None or (row.access_token_encrypted is None and row.refresh_token_encrypted is None):
                raise ConfigError(
                    f"no {name} connection is stored: {reconnect or f'run `dexxy connect {name}`'}"
                )
            expires = row.expires_at.timestamp() if row.expires_at is not None else None
            current = self._box.open(row.access_token_encrypted) if row.access_token_encrypted else None
            if current and current != stale and (expires is None or expires - now > margin_seconds):
                return current, expires, _info(row)
            if row.refresh_token_encrypted is None:
                raise AuthError(
                    f"the stored {name} access token has expired and no refresh token is stored: "
                    f"{reconnect or f'run `dexxy connect {name}`'}"
                )
            try:
                grant = refresh(self._box.open(row.refresh_token_encrypted))
            except AuthError as error:
                refused = error
                conn.execute(
                    text(
                        "UPDATE ops.connections SET status = 'error', last_error = :e, updated_at = now() "
                        "WHERE name = :n"
                    ),
                    {"e": " ".join(str(error).split())[:500], "n": name},
                )
            else:
                conn.execute(
                    text(
                        "UPDATE ops.connections SET access_token_encrypted = :access, "
                        "refresh_token_encrypted = COALESCE(:refresh, refresh_token_encrypted), "
                        "expires_at = :exp, refresh_expires_at = COALESCE(:rexp, refresh_expires_at), "
                        "rotations = rotations + 1, rotated_at = now(), updated_at = now(), status = 'ok', "
                        "last_error = NULL WHERE name = :n"
                    ),
                    {
                        "access": self._box.seal(grant.access_token),
                        "refresh": self._box.seal(grant.refresh_token) if grant.refresh_token else None,
                        "exp": _timestamp(grant.expires_at),
                        "rexp": _timestamp(grant.refresh_expires_at),
                        "n": name,
                    },
                )
        if refused is not None:
            raise refused
        info = self.info(name)
        assert info is not None
        return grant.access_token, grant.expires_at, info

    def rotate_key(self) -> int:
        """Re-encrypt every stored token with the first key of DEXXY_SECRET_KEY (each row under its lock, in
        one transaction: all or nothing); the number of connections re-encrypted."""
        with self._engine.begin() as conn:
            rows = conn.execute(
                text(
                    "SELECT name, access_token_encrypted, refresh_token_encrypted FROM ops.connections "
                    "ORDER BY name FOR UPDATE"
                )
            ).all()
            for row in rows:
                conn.execute(
                    text(
                        "UPDATE ops.connections SET access_token_encrypted = :a, "
                        "refresh_token_encrypted = :r WHERE name = :n"
                    ),
                    {
                        "a": self._box.reseal(row.access_token_encrypted)
                        if row.access_token_encrypted
                        else None,
                        "r": self._box.reseal(row.refresh_token_encrypted)
                        if row.refresh_token_encrypted
                        else None,
                        "n": row.name,
                    },
                )
        return len(rows)
