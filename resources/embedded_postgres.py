"""The embedded PostgreSQL server used when DATABASE_URL is unset.

pgserver stops its server when the last Python process holding it exits; Dagster runs the webserver,
daemon, code server and each run in separate processes, so the server is started with
``cleanup_mode=None`` and every process connects by URL. ``stop_embedded_server`` is the only way it stops.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import os
import socket
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

WAREHOUSE_DATABASE = "dexxy"
DAGSTER_DATABASE = "dagster"
_CREATE_DATABASE_LOCK_KEY = 0x0DE78  # serialises CREATE DATABASE across Dexxy processes
PORT_FILE = "pg_port"
_thread_lock = threading.RLock()
_lock_depth = 0


def embedded_data_dir(dexxy_home: Path) -> Path:
    return dexxy_home.resolve() / "pg"


def ensure_embedded_server(dexxy_home: Path, database: str = WAREHOUSE_DATABASE) -> str:
    """Start (or attach to) the embedded server and return a psycopg2 SQLAlchemy URL for ``database``.

    Dexxy's own processes use the Unix socket (trusted: only this user can reach it); the server also
    listens on 127.0.0.1:``embedded_port`` for BI tools, where every role needs a password."""
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
        warnings.simplefilter("ignore")
        import pgserver  # imported lazily: only the embedded mode needs it

    data_dir = embedded_data_dir(dexxy_home)
    data_dir.mkdir(parents=True, exist_ok=True)
    # pgserver prints progress to stderr through logging; keep the CLI quiet.
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    port = embedded_port(dexxy_home)
    with home_lock(dexxy_home), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not (data_dir / "PG_VERSION").exists():
            pgserver.get_server(data_dir, cleanup_mode=None)  # initdb (and a socket-only start)
        _listen_on_localhost(data_dir, port)
        server = pgserver.get_server(data_dir, cleanup_mode=None)  # attaches to the running server
    socket_dir = _socket_dir(server.get_uri())
    ensure_database(socket_url("postgres", socket_dir, port), database)
    return socket_url(database, socket_dir, port)


def socket_url(database: str, socket_dir: str, port: int) -> str:
    """The embedded server over its Unix socket (the socket file's name carries the port)."""
    return f"postgresql+psycopg2://postgres:@/{database}?host={socket_dir}&port={port}"


def embedded_port(dexxy_home: Path) -> int:
    """DEXXY_PG_PORT, else a free port chosen once and remembered in DEXXY_HOME/pg_port (a BI tool's saved
    connection keeps working across restarts)."""
    configured = os.environ.get("DEXXY_PG_PORT", "").strip()
    if configured:
        if not configured.isdigit() or not 0 < int(configured) < 65536:
            raise ValueError(f"DEXXY_PG_PORT must be a TCP port number, got {configured!r}")
        return int(configured)
    remembered = dexxy_home / PORT_FILE
    with home_lock(dexxy_home):
        if remembered.exists() and remembered.read_text().strip().isdigit():
            return int(remembered.read_text().strip())
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = int(probe.getsockname()[1])
        remembered.write_text(f"{port}\n")
        return port


def _listen_on_localhost(data_dir: Path, port: int) -> None:
    """Make the running server listen on 127.0.0.1:port with password logins over TCP. pgserver starts it
    socket-only (``-h ""`` on its command line, which no config file overrides), so a server not already
    listening there is (re)started here with our options."""
    from pgserver import PostgresServer
    from pgserver._commands import pg_ctl
    from pgserver.utils import PostmasterInfo, find_suitable_socket_dir

    user = "pgserver" if os.geteuid() == 0 else None  # as root, pgserver runs postgres as its own user
    hba_changed = _write_hba(data_dir)
    info = PostmasterInfo.read_from_pgdata(data_dir)
    if info is not None and info.is_running():
        if info.hostname == "127.0.0.1" and info.port == port:
            if hba_changed:
                pg_ctl(["reload"], pgdata=data_dir, user=user)
            return
        pg_ctl(["-m", "fast", "-w", "stop"], pgdata=data_dir, user=user, timeout=120)
    socket_dir = find_suitable_socket_dir(data_dir, PostgresServer.runtime_path)
    if user is not None and socket_dir != data_dir:
        from pgserver.utils import ensure_prefix_permissions

        ensure_prefix_permissions(socket_dir)
        socket_dir.chmod(0o777)
    options = ["-o", "-h 127.0.0.1", "-o", f"-p {port}", "-o", f"-k {socket_dir}"]
    pg_ctl(
        ["-w", *options, "-l", str(data_dir / "log"), "start"],
        pgdata=data_dir,
        user=user,
        timeout=120,
    )


_HBA = """\
# Written by dexxy. The Unix socket is reachable by this machine's user only: trusted. TCP (127.0.0.1, for BI
# tools) needs a password; the superuser has none, so only roles given one (dexxy_bi) can log in there.
local all all trust
host  all all 127.0.0.1/32 scram-sha-256
host  all all ::1/128      scram-sha-256
"""


def _write_hba(data_dir: Path) -> bool:
    """Install our pg_hba.conf (initdb's trusts every TCP login); return whether it changed."""
    path = data_dir / "pg_hba.conf"
    if path.exists() and path.read_text() == _HBA:
        return False
    with path.open("w") as handle:  # rewritten in place: keeps the owner postgres runs as
        handle.write(_HBA)
    return True


@contextlib.contextmanager
def home_lock(dexxy_home: Path) -> Iterator[None]:
    """One process (and one thread) at a time chooses the port, (re)starts the server or creates the Dagster
    instance's tables in this home; re-entrant."""
    global _lock_depth
    with _thread_lock:
        if _lock_depth:
            _lock_depth += 1
            try:
                yield
            finally:
                _lock_depth -= 1
            return
        dexxy_home.mkdir(parents=True, exist_ok=True)
        with (dexxy_home / ".pg.lock").open("w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            _lock_depth = 1
            try:
                yield
            finally:
                _lock_depth = 0
                fcntl.flock(handle, fcntl.LOCK_UN)


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

    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI)
        warnings.simplefilter("ignore")
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
