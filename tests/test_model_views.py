"""The analytics views come from their models (dbt_like_sql/marts/*.sql, materialized='view') and schema.yml
only: installed with the migrations, kept equal to the model, changed by changing the model alone."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from dexxy_assets.analytics.model_views import install_view, view_models
from dexxy_assets.model_docs import model_docs
from dexxy_assets.sql_models import MODELS_DIR, render_model
from resources.schema_migrations import apply_migrations
from resources.sql_template import render_sql
from tests.migration_sets import migrations_before

_COLUMNS = text(
    "SELECT a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute AS a "
    "WHERE a.attrelid = 'analytics.pr_surveys'::regclass AND a.attnum > 0 AND NOT a.attisdropped "
    "ORDER BY a.attnum"
)
_DEFINITION = text("SELECT pg_get_viewdef(CAST(:view AS regclass))")


def _model_as_postgres_stores_it(conn: Connection, name: str, project: Path = MODELS_DIR) -> str:
    """The rendered model compiled as a temporary view, printed back by PostgreSQL."""
    conn.execute(
        text(
            render_sql(
                "CREATE TEMPORARY VIEW test_model AS\n{{ model }}", model=render_model(name, project=project)
            )
        )
    )
    definition = conn.execute(_DEFINITION, {"view": "pg_temp.test_model"}).scalar_one()
    conn.execute(text("DROP VIEW pg_temp.test_model"))
    return definition


def test_pr_surveys_is_the_only_view_model() -> None:
    """What the tests below cover is every view model there is (a new one is installed the same way)."""
    assert view_models() == ["pr_surveys"]


def test_a_fresh_warehouse_has_the_models_view_with_its_documented_comments(database_url: str) -> None:
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        apply_migrations(engine)
        with engine.begin() as conn:
            columns = conn.execute(_COLUMNS).all()
            comment = conn.execute(text("SELECT obj_description('analytics.pr_surveys'::regclass)")).scalar()
            stored = conn.execute(_DEFINITION, {"view": "analytics.pr_surveys"}).scalar_one()
            assert stored == _model_as_postgres_stores_it(conn, "pr_surveys")
    finally:
        engine.dispose()
    doc = model_docs()["pr_surveys"]
    assert [tuple(c) for c in columns] == [(c.name, c.description) for c in doc.columns]
    assert comment == doc.description


def test_a_dropped_view_is_installed_again_without_a_pending_migration(database_url: str) -> None:
    """The views are installed by every migration pass (each process's first use), not by a migration."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        apply_migrations(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP VIEW analytics.pr_surveys"))
        assert apply_migrations(engine) == []  # nothing pending …
        with engine.begin() as conn:
            assert conn.execute(_DEFINITION, {"view": "analytics.pr_surveys"}).scalar_one() == (
                _model_as_postgres_stores_it(conn, "pr_surveys")
            )
            comment = conn.execute(text("SELECT obj_description('analytics.pr_surveys'::regclass)")).scalar()
            bi_reads = conn.execute(
                text("SELECT has_table_privilege('dexxy_bi', 'analytics.pr_surveys', 'SELECT')")
            ).scalar()
    finally:
        engine.dispose()
    assert comment == model_docs()["pr_surveys"].description  # … and the view is back, documented
    assert bi_reads


def test_a_partial_migration_set_installs_no_views(database_url: str, tmp_path: Path) -> None:
    """A test of an old schema migrates part of the set: the tables the views read may not exist yet."""
    before_surveys = migrations_before("0080", tmp_path / "migrations")
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        apply_migrations(engine, before_surveys)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT to_regclass('analytics.pr_surveys')")).scalar() is None
    finally:
        engine.dispose()


def _changed_project(tmp_path: Path, edit: tuple[str, str]) -> Path:
    project = tmp_path / "dbt_like_sql"
    shutil.copytree(MODELS_DIR, project)
    model = project / "marts" / "pr_surveys.sql"
    text_before = model.read_text()
    assert edit[0] in text_before
    model.write_text(text_before.replace(*edit))
    return project


def _installed(database_url: str, project: Path) -> tuple[list[bool], str, str, list[str], bool]:
    """On a migrated warehouse: install_view of the shipped model, then twice of ``project``'s; the stored and
    the compiled definition, the columns, and whether the BI role reads the view."""
    engine = create_engine(database_url, poolclass=NullPool)
    try:
        apply_migrations(engine)
        with engine.begin() as conn:
            installs = [install_view(conn, "pr_surveys"), install_view(conn, "pr_surveys", project)]
            installs.append(install_view(conn, "pr_surveys", project))
            stored = conn.execute(_DEFINITION, {"view": "analytics.pr_surveys"}).scalar_one()
            compiled = _model_as_postgres_stores_it(conn, "pr_surveys", project)
            columns = [row[0] for row in conn.execute(_COLUMNS)]
            bi_reads = conn.execute(
                text("SELECT has_table_privilege('dexxy_bi', 'analytics.pr_surveys', 'SELECT')")
            ).scalar()
    finally:
        engine.dispose()
    return installs, stored, compiled, columns, bool(bi_reads)


def test_a_model_change_reaches_the_view_without_a_migration(database_url: str, tmp_path: Path) -> None:
    """A new column in the model only: the view is replaced in place; an unchanged model replaces nothing."""
    added = _changed_project(tmp_path, ("    d.answer_source\n", "    d.answer_source,\n    d.attempts\n"))
    installs, stored, compiled, columns, _ = _installed(database_url, added)
    assert installs == [False, True, False]  # the shipped model's view is left alone; the change, once
    assert stored == compiled
    assert columns[-2:] == ["answer_source", "attempts"]


def test_a_model_that_drops_a_column_recreates_the_view_for_bi(database_url: str, tmp_path: Path) -> None:
    """PostgreSQL cannot drop a view column in place: the view is created again and the BI role keeps it."""
    dropped = _changed_project(tmp_path, ("    d.tools,\n", ""))
    installs, stored, compiled, columns, bi_reads = _installed(database_url, dropped)
    assert installs == [False, True, False]
    assert stored == compiled
    assert "tools" not in columns and "answer" in columns
    assert bi_reads
