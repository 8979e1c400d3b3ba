"""Encryption of secrets Dexxy must store (OAuth refresh tokens): Fernet with the key in ``DEXXY_SECRET_KEY``,
so a copy of the database alone does not give the tokens away. The key never leaves the environment."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from resources.environment import env_value
from resources.http.errors import ConfigError

SECRET_KEY_ENV = "DEXXY_SECRET_KEY"
_GENERATE = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"


class SecretBox:
    """``seal``/``open`` a text; ``fingerprint`` a keyed hash to compare secrets without storing them."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode())
        except (ValueError, TypeError):
            raise ConfigError(
                f"{SECRET_KEY_ENV} is not a Fernet key (32 url-safe base64 bytes): generate one with "
                f"{_GENERATE}"
            ) from None
        self._mac_key = hashlib.sha256(b"dexxy-fingerprint:" + key.encode()).digest()

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

    def fingerprint(self, secret: str) -> str:
        return hmac.new(self._mac_key, secret.encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "SecretBox(***)"
