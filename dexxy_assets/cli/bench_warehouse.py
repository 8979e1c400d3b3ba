"""The warehouse side of `dexxy bench`: a scratch database per pass, the PostgreSQL backends serving it (for
their memory), the bulk-load rate alone, and the records the sync landed per repository."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from resources.bulk_load import Jsonb, copy_rows, encode_row
from resources.sql_template import render_sql
from resources.warehouse import resolve_database_url

BENCH_DATABASE = "dexxy_bench"
BULK_SAMPLE_ROWS = 50_000  # per raw table, read once and COPYed back into a temporary copy of the table
BULK_MIN_ROWS = 5_000  # a small org's rows are repeated up to this many, so the rate is not start-up noise

_BACKENDS = text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()")
_RAW_TABLES = text(
    """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'raw' AND c.relname LIKE 'github%' AND c.relkind IN ('r', 'p')
    ORDER BY c.relname
    """
)
_COLUMNS = text(
    """
    SELECT column_name, data_type FROM information_schema.columns
    WHERE table_schema = 'raw' AND table_name = :t ORDER BY ordinal_position
    """
)
_COUNTS = {
    "pull_requests": "SELECT repo_full_name, count(DISTINCT pr_id) FROM raw.github_pull_requests GROUP BY 1",
    "reviews": "SELECT repo_full_name, count(DISTINCT review_id) FROM raw.github_reviews GROUP BY 1",
    "commits": "SELECT repo_full_name, count(DISTINCT (pr_id, sha)) FROM raw.github_commits GROUP BY 1",
}


def fresh_bench_database(name: str) -> str:
    """A scratch database beside the warehouse (never the warehouse itself), emptied for each bench."""
    database = f"{BENCH_DATABASE}_{name}"
    url = make_url(resolve_database_url())
    admin = create_engine(
        url.render_as_string(hide_password=False), poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
            {"d": database},
        )
        conn.exec_driver_sql(render_sql("DROP DATABASE IF EXISTS {{ d | ident }}", d=database))
        conn.exec_driver_sql(render_sql("CREATE DATABASE {{ d | ident }}", d=database))
    admin.dispose()
    return url.set(database=database).render_as_string(hide_password=False)


class PostgresBackends:
    """The pids of the backends connected to one database, listed over one connection of our own."""

    def __init__(self, database_url: str) -> None:
        self.database = make_url(database_url).database
        self._engine = create_engine(database_url, poolclass=NullPool)
        self._conn: Connection | None = None

    def __call__(self) -> list[int]:
        if self._conn is None:
            self._conn = self._engine.connect()
        rows = self._conn.execute(_BACKENDS, {"d": self.database}).scalars().all()
        self._conn.rollback()
        return [int(pid) for pid in rows]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._engine.dispose()


def landed_counts(database_url: str) -> dict[str, Counter[str]]:
    """Distinct pull requests, reviews and commits per repository in the raw tables."""
    engine = create_engine(database_url, poolclass=NullPool)
    counts: dict[str, Counter[str]] = {}
    with engine.connect() as conn:
        for entity, query in _COUNTS.items():
            counts[entity] = Counter({str(r).lower(): int(n) for r, n in conn.execute(text(query)).all()})
    engine.dispose()
    return counts


def _sample(conn: Connection, table: str) -> tuple[list[str], set[str], list[dict[str, Any]]]:
    columns = conn.execute(_COLUMNS, {"t": table}).all()
    names = [name for name, _ in columns]
    jsonb = {name for name, kind in columns if kind in ("jsonb", "json")}
    query = render_sql("SELECT * FROM raw.{{ t | ident }} LIMIT :n", t=table)
    rows = [
        {k: Jsonb(v) if k in jsonb and v is not None else v for k, v in row.items()}
        for row in conn.execute(text(query), {"n": BULK_SAMPLE_ROWS}).mappings()
    ]
    return names, jsonb, rows


class BulkRate(NamedTuple):
    """One raw table's COPY alone: rows and the bytes of their COPY text, and the seconds they took."""

    rows: int
    megabytes: float
    seconds: float


def total(rates: Iterable[BulkRate]) -> BulkRate:
    """Tables loaded one after another, as one load."""
    rates = list(rates)
    return BulkRate(
        sum(r.rows for r in rates), sum(r.megabytes for r in rates), sum(r.seconds for r in rates)
    )


class BulkLoad(NamedTuple):
    """Per raw table, Dexxy's COPY path; and ``ceiling``: the same rows into plain copies of the tables whose
    jsonb columns are uncompressed text, the most this server takes of these bytes as sent."""

    tables: dict[str, BulkRate]
    ceiling: BulkRate


_AS_UNCOMPRESSED_TEXT = """
ALTER TABLE {{ temp | ident }}
{%- for c in columns %} ALTER COLUMN {{ c | ident }} TYPE text,
 ALTER COLUMN {{ c | ident }} SET STORAGE EXTERNAL{{ "," if not loop.last }}{% endfor %}
"""


def _temp_copy(conn: Connection, table: str, temp: str, as_text: set[str]) -> str:
    """An empty temporary copy of a raw table; the ``as_text`` columns become uncompressed text."""
    conn.exec_driver_sql(
        render_sql("CREATE TEMP TABLE {{ temp | ident }} (LIKE raw.{{ t | ident }})", temp=temp, t=table)
    )
    if as_text:
        conn.exec_driver_sql(render_sql(_AS_UNCOMPRESSED_TEXT, temp=temp, columns=sorted(as_text)))
    return temp


def _timed_copy(conn: Connection, temp: str, names: list[str], rows: list[dict[str, Any]]) -> float:
    started = time.perf_counter()
    copy_rows(conn, temp, names, rows, streamed=True)
    return time.perf_counter() - started


def bulk_load_rate(database_url: str) -> BulkLoad:
    """Per raw table, Dexxy's COPY path alone: the landed raw rows, read back (repeated up to BULK_MIN_ROWS
    per table), written again into temporary copies of their tables (the time covers encoding and COPY, not
    the read). REST payloads are 4-20 KB, so their rate is bound by bytes: the MB are measured, and the same
    rows are written once more as uncompressed text (no jsonb parsing, no TOAST compression) for the
    server's ceiling on them."""
    engine = create_engine(database_url, poolclass=NullPool)
    measured: dict[str, BulkRate] = {}
    as_text: list[BulkRate] = []
    with engine.connect() as conn:
        for table in conn.execute(_RAW_TABLES).scalars().all():
            names, jsonb, rows = _sample(conn, table)
            if not rows:
                continue
            repeats = max(1, -(-BULK_MIN_ROWS // len(rows)))
            megabytes = repeats * sum(len(encode_row(row, names).encode()) for row in rows) / 1e6
            rows *= repeats
            copied = _temp_copy(conn, table, f"bench_copy_{table}", set())
            measured[table] = BulkRate(len(rows), megabytes, _timed_copy(conn, copied, names, rows))
            plain = _temp_copy(conn, table, f"bench_text_{table}", jsonb)
            as_text.append(BulkRate(len(rows), megabytes, _timed_copy(conn, plain, names, rows)))
        conn.rollback()
    engine.dispose()
    return BulkLoad(measured, total(as_text))


def toast_compression(database_url: str) -> str:
    """What a new session of the database compresses large values with: lz4 or pglz (migration 0095)."""
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as conn:
        method = str(conn.execute(text("SHOW default_toast_compression")).scalar())
    engine.dispose()
    return method
