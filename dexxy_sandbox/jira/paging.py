"""Jira's two ways of paging: offsets (`startAt`/`maxResults`/`total`/`isLast`) and opaque `nextPageToken`s.

A token names the query it belongs to, so a token replayed with another query (or made up) is Jira's 400
instead of a silently wrong page.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


class BadPageToken(ValueError):
    """An unreadable, forged or foreign `nextPageToken`."""


@dataclass(frozen=True)
class OffsetPage:
    items: list[Any]
    start_at: int
    max_results: int
    total: int

    @property
    def is_last(self) -> bool:
        return self.start_at + len(self.items) >= self.total


def int_param(raw: object, default: int, name: str) -> int:
    """A non-negative integer query parameter; anything else raises ValueError naming it."""
    if raw is None or raw == "":
        return default
    try:
        value = int(str(raw))
    except ValueError as error:
        raise ValueError(f"The '{name}' parameter must be an integer.") from error
    if value < 0:
        raise ValueError(f"The '{name}' parameter must not be negative.")
    return value


def offset_page(items: Sequence[T], start_at: int, max_results: int, cap: int) -> OffsetPage:
    """The `startAt` slice; `maxResults` is clamped to `cap` (and 0 means the default, as Jira reads it)."""
    size = min(max_results or cap, cap)
    return OffsetPage(list(items[start_at : start_at + size]), start_at, size, len(items))


def _digest(scope: str) -> str:
    return hashlib.blake2b(scope.encode(), digest_size=6).hexdigest()


def make_token(offset: int, scope: str) -> str:
    """An opaque token for the page starting at `offset` of the listing identified by `scope`."""
    raw = json.dumps({"o": offset, "q": _digest(scope)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def read_token(token: str | None, scope: str) -> int:
    """The offset a token points at (0 without a token)."""
    if not token:
        return 0
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        offset, digest = int(data["o"]), str(data["q"])
    except (ValueError, KeyError, TypeError) as error:
        raise BadPageToken("The provided next page token is invalid or expired.") from error
    if digest != _digest(scope) or offset < 0:
        raise BadPageToken("The provided next page token is invalid or expired.")
    return offset
