"""The PostgreSQL warehouse every asset writes through."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from pydantic import Field
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url

from resources.bi_login import sync_bi_login
from resources.embedded_postgres import ensure_embedded_server
from resources.environment import dexxy_home, env_value
from resources.schema_migrations import apply_migrations

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


class WarehouseConfigError(RuntimeError):
    """The warehouse URL cannot be used as given."""


def resolve_database_url(explicit: str | None = None, home: Path | None = None) -> str:
    """DATABASE_URL (or an explicit URL), else the embedded server under DEXXY_HOME."""
    url = explicit or env_value("DATABASE_URL")
    if not url:
        return ensure_embedded_server(home or dexxy_home())
    return normalise_url(url)


def normalise_url(url: str) -> str:
    """Make a Postgres URL use psycopg2: SQLAlchemy 2.1 maps a bare ``postgresql://`` to psycopg 3."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with the URL in it: do not echo it
        raise WarehouseConfigError(
            "DATABASE_URL is not a valid URL: use postgresql://user:pass@host/db"
        ) from exc
    if parsed.get_backend_name() != "postgresql":
        raise WarehouseConfigError(
            f"DATABASE_URL must point at PostgreSQL (got {parsed.get_backend_name()!r}): use postgresql://…"
        )
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg2")
    return parsed.render_as_string(hide_password=False)


def warehouse_engine(url: str) -> Engine:
    """One engine per URL and process, migrated (and the BI role's login set) before first use."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_engine(url, pool_pre_ping=True, pool_size=4, max_overflow=4)
            apply_migrations(engine)
            sync_bi_login(engine)
            _engines[url] = engine
        return engine


class WarehouseResource(dg.ConfigurableResource):
    """PostgreSQL warehouse. Unset fields fall back to DATABASE_URL / DEXXY_HOME when a run starts, so the
    URL (and its password) never lands in run config or the event log."""

    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; unset → DATABASE_URL, else the embedded server."
    )
    dexxy_home: str | None = Field(default=None, description="Local state directory; unset → DEXXY_HOME.")

    def url(self) -> str:
        home = Path(self.dexxy_home).resolve() if self.dexxy_home else None
        return resolve_database_url(self.database_url, home)

    def engine(self) -> Engine:
        return warehouse_engine(self.url())

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction: everything inside commits together or not at all."""
        with self.engine().begin() as conn:
            yield conn

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        with self.engine().connect() as conn:
            yield conn
