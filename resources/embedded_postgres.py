"""The embedded PostgreSQL server used when DATABASE_URL is unset.

pgserver stops its server when the last Python process holding it exits; Dagster runs the webserver,
daemon, code server and each run in separate processes, so the server is started with
``cleanup_mode=None`` and every process connects by URL. ``stop_embedded_server`` is the only way it stops.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlparse

WAREHOUSE_DATABASE = "dexxy"
DAGSTER_DATABASE = "dagster"
_CREATE_DATABASE_LOCK_KEY = 0x0DE78  # serialises CREATE DATABASE across Dexxy processes


def embedded_data_dir(dexxy_home: Path) -> Path:
    return dexxy_home.resolve() / "pg"


def ensure_embedded_server(dexxy_home: Path, database: str = WAREHOUSE_DATABASE) -> str:
    """Start (or attach to) the embedded server and return a psycopg2 SQLAlchemy URL for ``database``."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only the embedded mode needs it

    data_dir = embedded_data_dir(dexxy_home)
    data_dir.mkdir(parents=True, exist_ok=True)
    # pgserver prints progress to stderr through logging; keep the CLI quiet.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = pgserver.get_server(data_dir, cleanup_mode=None)
    socket_dir = _socket_dir(server.get_uri())
    ensure_database(f"postgresql+psycopg2://postgres:@/postgres?host={socket_dir}", database)
    return f"postgresql+psycopg2://postgres:@/{database}?host={socket_dir}"


def ensure_database(maintenance_url: str, database: str) -> None:
    """CREATE DATABASE unless it exists. Two first runs on a fresh home race here: the check and the
    CREATE run under an advisory lock on the maintenance database, and a loser that still sees the name
    taken (a process without the lock, e.g. an older dexxy) counts as success."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import IntegrityError, ProgrammingError
    from sqlalchemy.pool import NullPool

    from resources.sql_template import render_sql

    # CREATE DATABASE cannot run inside a transaction, hence AUTOCOMMIT and a session-level lock.
    engine = create_engine(maintenance_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _CREATE_DATABASE_LOCK_KEY})
            try:
                found = conn.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
                ).first()
                if found is None:
                    conn.exec_driver_sql(render_sql("CREATE DATABASE {{ db | ident }}", db=database))
            except (IntegrityError, ProgrammingError) as exc:
                # 42P04 duplicate_database, or 23505 on pg_database_datname_index when both CREATEs ran
                if getattr(exc.orig, "pgcode", None) not in ("42P04", "23505"):
                    raise
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _CREATE_DATABASE_LOCK_KEY})
    finally:
        engine.dispose()


def stop_embedded_server(dexxy_home: Path) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    import subprocess

    from pgserver._commands import pg_ctl

    data_dir = embedded_data_dir(dexxy_home)
    if not (data_dir / "postmaster.pid").exists():
        return False
    # As root, pgserver runs postgres as its own system user; pg_ctl must run as that user too.
    user = "pgserver" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-m", "fast", "-w", "stop"], pgdata=data_dir, user=user)
    except subprocess.CalledProcessError:
        return False
    return True


def _socket_dir(uri: str) -> str:
    host = parse_qs(urlparse(uri).query).get("host", [""])[0]
    if not host:
        raise RuntimeError(f"the embedded server did not report a socket directory ({uri})")
    return host
