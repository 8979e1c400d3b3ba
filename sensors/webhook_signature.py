"""Webhook signatures: GitHub's ``X-Hub-Signature-256`` and Jira's ``X-Hub-Signature`` are both
``sha256=`` followed by the hex HMAC-SHA256 of the raw body under the shared secret (WebSub's format)."""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def sign(secret: str, body: bytes) -> str:
    """The header value a sender computes (used by tests and the bench to sign like GitHub)."""
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def well_formed(header: str | None) -> bool:
    """``sha256=<64 hex digits>``: anything else (missing, ``sha1=``, truncated) is refused unread."""
    return (
        header is not None
        and header.startswith(PREFIX)
        and bool(_HEX_DIGEST.match(header[len(PREFIX) :].lower()))
    )


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """True when ``header`` is the signature of ``body``; compared in constant time."""
    if not well_formed(header):
        return False
    assert header is not None
    return hmac.compare_digest(sign(secret, body), PREFIX + header[len(PREFIX) :].lower())
