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
    """CREATE DATABASE unless it exists (it cannot run inside a transaction, hence AUTOCOMMIT)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from resources.sql_template import render_sql

    engine = create_engine(maintenance_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}
            ).first()
            if found is None:
                conn.exec_driver_sql(render_sql("CREATE DATABASE {{ db | ident }}", db=database))
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
