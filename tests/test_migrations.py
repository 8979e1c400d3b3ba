from __future__ import annotations

import threading

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from resources.schema_migrations import applied_versions, apply_migrations, available_migrations
from resources.warehouse import WarehouseResource


def test_migrations_create_every_schema_and_are_idempotent(database_url: str) -> None:
    engine = create_engine(database_url, poolclass=NullPool)
    first = apply_migrations(engine)
    assert [m.version for m in first] == [m.version for m in available_migrations()]
    assert apply_migrations(engine) == []
    assert applied_versions(engine) == [m.version for m in available_migrations()]
    with engine.connect() as conn:
        schemas = set(conn.execute(text("SELECT schema_name FROM information_schema.schemata")).scalars())
    assert {"raw", "staging", "analytics", "ops"} <= schemas


def test_concurrent_processes_migrate_once(database_url: str) -> None:
    engines = [create_engine(database_url, poolclass=NullPool) for _ in range(3)]
    results: list[int] = []
    errors: list[BaseException] = []

    def migrate(engine) -> None:  # type: ignore[no-untyped-def]
        try:
            results.append(len(apply_migrations(engine)))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=migrate, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [0, 0, len(available_migrations())]


def test_every_analytics_table_and_column_is_commented(warehouse: WarehouseResource) -> None:
    with warehouse.connect() as conn:
        uncommented_tables = (
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'analytics' AND c.relkind IN ('r', 'v') "
                    "AND obj_description(c.oid) IS NULL"
                )
            )
            .scalars()
            .all()
        )
        uncommented_columns = (
            conn.execute(
                text(
                    "SELECT table_name || '.' || column_name FROM information_schema.columns "
                    "WHERE table_schema = 'analytics' AND col_description("
                    "format('%I.%I', table_schema, table_name)::regclass, ordinal_position) IS NULL"
                )
            )
            .scalars()
            .all()
        )
    assert uncommented_tables == []
    assert uncommented_columns == []


def test_bi_role_can_read_analytics(warehouse: WarehouseResource) -> None:
    with warehouse.connect() as conn:
        can_read = conn.execute(
            text("SELECT has_table_privilege('dexxy_bi', 'analytics.pull_requests', 'SELECT')")
        ).scalar_one()
        can_write = conn.execute(
            text("SELECT has_table_privilege('dexxy_bi', 'analytics.pull_requests', 'INSERT')")
        ).scalar_one()
    assert can_read and not can_write
