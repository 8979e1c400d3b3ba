"""C13: two first runs on a fresh home both create the warehouse database; neither may fail."""

from __future__ import annotations

import threading
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from resources.embedded_postgres import ensure_database

CALLERS = 4


def test_concurrent_ensure_database_all_succeed(server_url: str) -> None:
    name = f"dexxy_race_{uuid.uuid4().hex[:10]}"
    barrier = threading.Barrier(CALLERS)
    errors: list[BaseException] = []

    def create() -> None:
        barrier.wait()
        try:
            ensure_database(server_url, name)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :d"), {"d": name})
            assert found.scalar() == 1
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.dispose()
    assert errors == []
