"""Conditional-request cache. A service answers ``If-None-Match`` with 304 (GitHub charges no rate-limit
budget for it), so re-running a partition re-fetches only what changed."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from resources.bulk_load import Jsonb, upsert


@dataclass(frozen=True)
class CachedResponse:
    etag: str
    body: Any
    next_url: str | None


class EtagCache:
    """In-memory cache; ``load_from``/``save_to`` persist it in ``ops.http_cache`` in bulk."""

    def __init__(self) -> None:
        self._entries: dict[str, CachedResponse] = {}
        self._dirty: set[str] = set()
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            return self._entries.get(url)

    def put(self, url: str, entry: CachedResponse) -> None:
        with self._lock:
            self._entries[url] = entry
            self._dirty.add(url)

    def __len__(self) -> int:
        return len(self._entries)

    def load_from(self, conn: Connection, urls: Iterable[str]) -> int:
        """Fetch the stored entries for these URLs in one query; return how many were found."""
        wanted = [u for u in urls if u not in self._entries]
        if not wanted:
            return 0
        rows = conn.execute(
            text("SELECT url, etag, body, next_url FROM ops.http_cache WHERE url = ANY(:urls)"),
            {"urls": wanted},
        ).all()
        with self._lock:
            for row in rows:
                self._entries[row.url] = CachedResponse(row.etag, row.body, row.next_url)
        return len(rows)

    def save_to(self, conn: Connection) -> int:
        """Write the entries added since the last save; return how many."""
        with self._lock:
            dirty = [(url, self._entries[url]) for url in self._dirty]
            self._dirty.clear()
        rows = ({"url": u, "etag": e.etag, "body": Jsonb(e.body), "next_url": e.next_url} for u, e in dirty)
        return upsert(conn, "ops.http_cache", ["url", "etag", "body", "next_url"], rows, ["url"])
