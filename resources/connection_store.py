"""Where rotating OAuth refresh tokens live: ``ops.connections``, encrypted (``SecretBox``).

A rotation spends the stored token, so it is exchanged and its successor written in one short transaction of
its own, holding the row's lock: two processes refresh one after the other (each with the newest token), and
an asset's transaction rolling back never takes a rotation with it. The window left is a crash between the
authorisation server's answer and the commit, a few milliseconds; then the connection must be re-authorised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, text

from resources.http.errors import ConfigError
from resources.secret_box import SecretBox

T = TypeVar("T")


class ConnectionStore:
    def __init__(self, engine: Engine, box: SecretBox) -> None:
        self._engine = engine
        self._box = box

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
            fingerprint = self._box.fingerprint(seed) if seed else row.seed_fingerprint
            if seed and (row.refresh_token_encrypted is None or row.seed_fingerprint != fingerprint):
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
                    "provider = :p, rotations = rotations + 1, rotated_at = now() WHERE name = :n"
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
