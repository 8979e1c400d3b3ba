"""``table`` and ``view`` materializations. A table is built aside and swapped in by contents in one
transaction: a reader running while the swap is uncommitted sees the old rows (not an empty or half-built
table) and is not blocked; after the commit it sees the new ones; a REPEATABLE READ reader whose snapshot is
older never sees the table empty; grants, indexes and comments survive. A view is created with its
documented comments."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from dexxy_assets.analytics.materializations import materialize
from dexxy_assets.model_docs import model_docs
from dexxy_assets.sql_models import MODELS_DIR
from resources.bulk_load import upsert
from resources.warehouse import WarehouseResource

AT = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
BI_ROLE = "dexxy_bi"


def _files(first: int, count: int) -> list[dict]:
    return [
        {
            "pr_id": 1,
            "path": f"src/file_{n}.py",
            "repo_full_name": "acme/api",
            "pr_number": 1,
            "status": "modified",
            "additions": n,
            "deletions": 0,
            "changes": n,
            "previous_path": None,
            "file_category": "code",
            "pr_updated_at": AT,
            "fetched_at": AT,
        }
        for n in range(first, first + count)
    ]


def _land(conn: Connection, rows: list[dict]) -> None:
    upsert(conn, "staging.github_pr_files", list(rows[0]), rows, ["pr_id", "path"])


@pytest.fixture
def reader(database_url: str) -> Iterator[Connection]:
    """A BI reader on its own connection that fails, rather than waits, if the swap blocks it."""
    engine = create_engine(database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("SET statement_timeout = '5s'"))
        yield conn
    engine.dispose()


def _count(conn: Connection) -> int:
    return conn.execute(text("SELECT count(*) FROM analytics.pr_files")).scalar_one()


def test_a_reader_never_sees_the_swap_half_done(warehouse: WarehouseResource, reader: Connection) -> None:
    with warehouse.begin() as conn:
        _land(conn, _files(0, 3))
        materialize(conn, "pr_files")
    assert _count(reader) == 3

    old_snapshot = reader.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    old_snapshot.begin()
    assert _count(old_snapshot) == 3  # its snapshot is taken now, before the swap

    writer = warehouse.engine().connect()
    transaction = writer.begin()
    writer.execute(text("SET LOCAL lock_timeout = '5s'"))  # the swap must not wait for readers either
    _land(writer, _files(3, 4))
    assert materialize(writer, "pr_files") == 7
    # the swap is done but not committed: a reader sees the old rows, at once (no lock wait)
    assert _count(reader) == 3
    transaction.commit()
    writer.close()
    assert _count(reader) == 7
    assert _count(old_snapshot) == 3  # an older snapshot keeps the old table, not an empty one
    old_snapshot.rollback()
    old_snapshot.close()


def test_grants_indexes_and_comments_survive_the_swap(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        conn.execute(text("CREATE INDEX pr_files_test_idx ON analytics.pr_files (path)"))
        _land(conn, _files(0, 2))
        oid_before = conn.execute(text("SELECT 'analytics.pr_files'::regclass::oid")).scalar_one()
        materialize(conn, "pr_files")
        materialize(conn, "pr_files")
    with warehouse.connect() as conn:
        assert conn.execute(text("SELECT 'analytics.pr_files'::regclass::oid")).scalar_one() == oid_before
        indexes = conn.execute(
            text("SELECT indexname FROM pg_indexes WHERE schemaname = 'analytics' AND tablename = 'pr_files'")
        ).scalars()
        assert "pr_files_test_idx" in set(indexes)
        comment = conn.execute(text("SELECT obj_description('analytics.pr_files'::regclass)")).scalar_one()
        assert comment == model_docs()["pr_files"].description
        conn.execute(text(f"SET ROLE {BI_ROLE}"))  # the read-only BI role still reads it
        assert _count(conn) == 2


def test_a_view_model_becomes_a_documented_view(warehouse: WarehouseResource, tmp_path: Path) -> None:
    project = tmp_path / "dbt_like_sql"
    shutil.copytree(MODELS_DIR, project)
    (project / "marts" / "pr_file_counts.sql").write_text(
        "{{ config(materialized='view') }}\n"
        "SELECT pr_id, count(*) AS files FROM {{ ref('pr_files') }} AS f GROUP BY pr_id\n"
    )
    (project / "marts" / "pr_file_counts.yml").write_text(
        "version: 2\nmodels:\n  - name: pr_file_counts\n    description: Files per pull request.\n"
        "    columns:\n      - name: pr_id\n        description: The pull request.\n"
        "      - name: files\n        description: How many files it changed.\n"
    )
    with warehouse.begin() as conn:
        _land(conn, _files(0, 4))
        materialize(conn, "pr_files", project=project)
        assert materialize(conn, "pr_file_counts", project=project) == 1
        materialize(conn, "pr_file_counts", project=project)  # re-creating it is fine
    with warehouse.connect() as conn:
        assert conn.execute(text("SELECT files FROM analytics.pr_file_counts")).scalar_one() == 4
        kind = conn.execute(
            text("SELECT relkind FROM pg_class WHERE oid = 'analytics.pr_file_counts'::regclass")
        )
        assert kind.scalar_one() == "v"
        comments = conn.execute(
            text(
                "SELECT obj_description('analytics.pr_file_counts'::regclass), "
                "col_description('analytics.pr_file_counts'::regclass, 2)"
            )
        ).one()
        assert tuple(comments) == ("Files per pull request.", "How many files it changed.")
        conn.execute(text(f"SET ROLE {BI_ROLE}"))
        assert conn.execute(text("SELECT count(*) FROM analytics.pr_file_counts")).scalar_one() == 1
