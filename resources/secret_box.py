"""Encryption of secrets Dexxy must store (OAuth tokens): Fernet with the key in ``DEXXY_SECRET_KEY``, so a
copy of the database alone does not give the tokens away. The key never leaves the environment.

Key rotation: ``DEXXY_SECRET_KEY`` may hold several comma-separated keys (MultiFernet): the first encrypts,
every one decrypts. Put a new key first, run ``dexxy connections rotate-key`` (every stored token re-encrypted
with it), then drop the old key."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from resources.environment import env_value
from resources.http.errors import ConfigError

SECRET_KEY_ENV = "DEXXY_SECRET_KEY"
_GENERATE = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class SecretBox:
    """``seal``/``open`` a text; ``fingerprint`` a keyed hash to compare secrets without storing them."""

    def __init__(self, key: str) -> None:
        """``key``: one Fernet key, or several separated by commas (the first encrypts, all decrypt)."""
        keys = [part.strip() for part in key.split(",") if part.strip()]
        try:
            if not keys:
                raise ValueError
            fernets = [Fernet(part.encode()) for part in keys]
        except (ValueError, TypeError):
            raise ConfigError(
                f"{SECRET_KEY_ENV} is not a Fernet key (32 url-safe base64 bytes, or several separated by "
                f"commas): generate one with {_GENERATE}"
            ) from None
        self._fernet = MultiFernet(fernets)
        self._mac_keys = [hashlib.sha256(b"dexxy-fingerprint:" + part.encode()).digest() for part in keys]
        self._mac_key = self._mac_keys[0]

    @classmethod
    def from_environment(cls) -> SecretBox:
        key = env_value(SECRET_KEY_ENV)
        if not key:
            raise ConfigError(
                f"{SECRET_KEY_ENV} is not set: it encrypts stored OAuth tokens; generate one with {_GENERATE}"
            )
        return cls(key)

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            raise ConfigError(
                f"a stored token cannot be decrypted with {SECRET_KEY_ENV}: restore the key it was stored "
                "with, or re-authorise the connection"
            ) from None

    def reseal(self, sealed: str) -> str:
        """``sealed`` encrypted again with the first key (key rotation); raises like ``open``."""
        try:
            return self._fernet.rotate(sealed.encode("ascii")).decode("ascii")
        except (InvalidToken, ValueError):
            raise ConfigError(
                f"a stored token cannot be decrypted with any key of {SECRET_KEY_ENV}: keep the old key "
                "after the new one until `dexxy connections rotate-key` has run"
            ) from None

    def fingerprint(self, secret: str) -> str:
        return hmac.new(self._mac_key, secret.encode(), hashlib.sha256).hexdigest()

    def matches(self, secret: str, fingerprint: str | None) -> bool:
        """Whether ``fingerprint`` is ``secret``'s under any of the keys (it may predate a key rotation)."""
        if not fingerprint:
            return False
        return any(
            hmac.compare_digest(hmac.new(mac, secret.encode(), hashlib.sha256).hexdigest(), fingerprint)
            for mac in self._mac_keys
        )

    def __repr__(self) -> str:
        return "SecretBox(***)"
