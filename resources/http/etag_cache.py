"""Conditional-request cache. A service answers ``If-None-Match`` with 304 (GitHub charges no rate-limit
budget for it), so re-running a partition re-fetches only what changed.

Bodies are kept in a private temporary SQLite database, never in Python memory: a re-run of a long window
revalidates hundreds of thousands of responses, and holding their bodies made memory grow with the org
(788 MiB in the deployments step of a 200-engineer org). SQLite keeps only a bounded page cache in memory,
spills the rest to a file it deletes when the cache goes away, and a body is read back only on a 304.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from resources.bulk_load import upsert

_LOAD_BATCH = 5_000  # URLs asked of ops.http_cache per query, and rows moved per batch
# SQLite's page cache: the most of the cache held in memory; the rest spills to its file. At 16 MiB it was the
# one buffer still filling between the two largest orgs of `dexxy bench --growth` (memray at the peak).
_PAGE_CACHE_KIB = 4 * 1024
_SCHEMA = (
    "CREATE TABLE entries (url TEXT PRIMARY KEY, etag TEXT NOT NULL, body NOT NULL, next_url TEXT, "
    "dirty INTEGER NOT NULL)"
)


@dataclass(frozen=True)
class CachedResponse:
    """What a revalidation needs up front; the body is read (``EtagCache.body``) only when it is a 304."""

    etag: str
    next_url: str | None


class EtagCache:
    """URL → (ETag, body, next-page URL); ``load_from``/``save_to`` persist it in ``ops.http_cache`` in bulk.
    Thread-safe: assets fetch on a few threads with one client."""

    def __init__(self) -> None:
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    def _entries(self) -> sqlite3.Connection:
        """The database, created on first use (most clients never cache anything). An empty file name makes
        it private and temporary: SQLite deletes it when the connection closes, a killed process included."""
        if self._db is None:
            db = sqlite3.connect("", check_same_thread=False, isolation_level=None)
            db.execute(f"PRAGMA cache_size = -{_PAGE_CACHE_KIB}")
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute(_SCHEMA)
            self._db = db
        return self._db

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            row = self._entries().execute("SELECT etag, next_url FROM entries WHERE url = ?", (url,))
            found = row.fetchone()
        return CachedResponse(found[0], found[1]) if found else None

    def body(self, url: str) -> Any:
        """The cached body of ``url``, decoded (None when there is no entry)."""
        with self._lock:
            row = self._entries().execute("SELECT body FROM entries WHERE url = ?", (url,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, url: str, etag: str, body: bytes | str, next_url: str | None) -> None:
        """Remember a response: ``body`` is its JSON as sent (UTF-8 bytes or text)."""
        with self._lock:
            self._entries().execute(
                "INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, 1)", (url, etag, body, next_url)
            )

    def __len__(self) -> int:
        if self._db is None:
            return 0
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM entries").fetchone()[0])

    def load_from(self, conn: Connection, urls: Iterable[str]) -> int:
        """Copy the stored entries for these URLs from ``ops.http_cache``, a batch of URLs per query and
        streamed, so no more than a batch of bodies is in memory; return how many were found. An entry
        already cached here (fetched by this run) is newer and stays."""
        found = 0
        batch: list[str] = []
        for url in urls:
            batch.append(url)
            if len(batch) >= _LOAD_BATCH:
                found += self._load_batch(conn, batch)
                batch = []
        if batch:
            found += self._load_batch(conn, batch)
        return found

    def _load_batch(self, conn: Connection, urls: list[str]) -> int:
        result = conn.execute(
            text("SELECT url, etag, body::text, next_url FROM ops.http_cache WHERE url = ANY(:urls)"),
            {"urls": urls},
            execution_options={"stream_results": True, "max_row_buffer": 500},
        )
        found = 0
        for rows in result.partitions(500):
            with self._lock:
                self._entries().executemany(
                    "INSERT OR IGNORE INTO entries VALUES (?, ?, ?, ?, 0)", [tuple(row) for row in rows]
                )
            found += len(rows)
        return found

    def save_to(self, conn: Connection) -> int:
        """Write the entries added since the last save, streamed in batches; return how many."""
        if self._db is None:
            return 0
        with self._lock:
            saved = upsert(  # streamed: the rows come from SQLite, so no chunk of bodies is gathered here
                conn,
                "ops.http_cache",
                ["url", "etag", "body", "next_url"],
                self._dirty_rows(),
                ["url"],
                streamed=True,
            )
            self._db.execute("UPDATE entries SET dirty = 0 WHERE dirty = 1")
        return saved

    def _dirty_rows(self) -> Iterator[dict[str, Any]]:
        """Each unsaved entry; its body goes to COPY as JSON text, which PostgreSQL parses into jsonb."""
        assert self._db is not None
        for url, etag, body, next_url in self._db.execute(  # a row at a time, as COPY takes them
            "SELECT url, etag, body, next_url FROM entries WHERE dirty = 1"
        ):
            yield {
                "url": url,
                "etag": etag,
                "body": body.decode("utf-8") if isinstance(body, bytes) else body,
                "next_url": next_url,
            }
