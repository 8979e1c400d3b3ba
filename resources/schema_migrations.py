"""Versioned, idempotent warehouse migrations.

Each ``resources/migrations/NNNN_name.sql`` file is applied once, in order, inside one transaction that
holds an advisory lock, so concurrent Dagster processes starting at the same time cannot race. Then, in that
same transaction, every ``analytics`` view is made its model's (``dbt_like_sql/marts/*.sql`` with
``materialized='view'``, comments from ``schema.yml``): a view's SQL lives in its model only, never in a
migration (0080 and 0081 created ``analytics.pr_surveys`` before this; applied migrations are not edited).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from dexxy_assets.analytics.materializations import apply_comments
from dexxy_assets.analytics.model_views import install_view, view_models

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_FILE_PATTERN = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_LOCK_KEY = 0x0DE77  # any constant shared by every Dexxy process


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_PATTERN.match(path.name)
        if not match:
            raise ValueError(f"migration file {path.name} does not match NNNN_name.sql")
        migrations.append(Migration(int(match.group(1)), match.group(2), path.read_text()))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration versions in {directory}")
    return migrations


def apply_migrations(engine: Engine, directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Apply pending migrations, then install the view models; return the migrations applied now (empty when
    up to date). A partial set of migrations (another ``directory``, as a test of an old schema uses) may lack
    the tables the views read, so the views come only with the product's own set."""
    applied_now: list[Migration] = []
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        conn.exec_driver_sql("CREATE SCHEMA IF NOT EXISTS ops")
        conn.exec_driver_sql(
            """CREATE TABLE IF NOT EXISTS ops.schema_migrations (
                   version    integer PRIMARY KEY,
                   name       text        NOT NULL,
                   checksum   text        NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now()
               )"""
        )
        done = {
            row.version: row.checksum
            for row in conn.execute(text("SELECT version, checksum FROM ops.schema_migrations"))
        }
        for migration in available_migrations(directory):
            if migration.version in done:
                continue
            _execute_script(conn, migration.sql)
            conn.execute(
                text("INSERT INTO ops.schema_migrations (version, name, checksum) VALUES (:v, :n, :c)"),
                {"v": migration.version, "n": migration.name, "c": migration.checksum},
            )
            applied_now.append(migration)
        if directory == MIGRATIONS_DIR:
            _install_views(conn)
    return applied_now


def _install_views(conn: Connection) -> None:
    """Every view model as its view, with its documented comments (only what differs is written)."""
    for name in view_models():
        install_view(conn, name)
        apply_comments(conn, name)


def _execute_script(conn: Connection, sql: str) -> None:
    """Run a migration file as written: without parameters, so ``%`` (as in ``format('%I')``) is literal."""
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
    finally:
        cursor.close()


def applied_versions(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('ops.schema_migrations') IS NOT NULL")).scalar()
        if not exists:
            return []
        return [row[0] for row in conn.execute(text("SELECT version FROM ops.schema_migrations ORDER BY 1"))]
