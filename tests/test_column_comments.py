"""Every raw, staging and processing table the ingestion assets land or report is described, and every
analytics mart and column in the models' schema.yml: the asset's column schema (asset_metadata.table_schema,
and the mart assets' definitions) and BI tools show these comments."""

from __future__ import annotations

import dagster as dg
from sqlalchemy import text

from dexxy_assets import asset_metadata
from dexxy_assets.analytics.materializations import materialize
from dexxy_assets.github.pull_request_assets import ENTITIES
from dexxy_assets.github.snapshot_assets import MEMBERS, REPOSITORIES
from dexxy_assets.model_docs import model_docs
from dexxy_assets.sql_models import MODELS_DIR
from resources.warehouse import WarehouseResource

INGESTION_SCHEMAS = ("raw", "staging", "processing")
MART_MODELS = sorted(path.stem for path in (MODELS_DIR / "marts").glob("*.sql"))


def test_every_column_an_ingestion_asset_reports_has_a_description(warehouse: WarehouseResource) -> None:
    with warehouse.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT table_schema || '.' || table_name AS name, "
                "obj_description(format('%I.%I', table_schema, table_name)::regclass) AS comment "
                "FROM information_schema.tables WHERE table_schema = ANY(:schemas) ORDER BY 1"
            ),
            {"schemas": list(INGESTION_SCHEMAS)},
        ).all()
        schemas = {name: asset_metadata.table_schema(conn, name) for name, _ in tables}
    reported = {table for _, table, _ in ENTITIES.values()} | {
        MEMBERS.staging_table,
        REPOSITORIES.staging_table,
        "staging.github_deployments",
        "staging.copilot_seats",
        "staging.copilot_usage_org_daily",
        "staging.copilot_usage_user_daily",
        "processing.pr_ai_detection",
    }
    assert reported <= set(schemas)  # the reported tables are among those checked
    assert [name for name, comment in tables if not comment] == []
    undescribed = [
        f"{name}.{column.name}"
        for name, schema in schemas.items()
        for column in schema.columns
        if not column.description
    ]
    assert undescribed == []


_MART_COLUMNS = """
SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
       col_description(a.attrelid, a.attnum) AS comment,
       obj_description(a.attrelid, 'pg_class') AS table_comment
FROM information_schema.columns AS c
JOIN pg_attribute AS a
  ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass AND a.attname = c.column_name
WHERE c.table_schema = 'analytics' AND c.table_name = ANY(:tables)
ORDER BY c.table_name, c.ordinal_position
"""


def _mart_columns(warehouse: WarehouseResource) -> list:
    with warehouse.connect() as conn:
        return conn.execute(text(_MART_COLUMNS), {"tables": MART_MODELS}).all()


def test_every_mart_and_column_is_described_in_the_models_yaml(warehouse: WarehouseResource) -> None:
    """dbt_like_sql/marts/*.yml documents each mart table and each of its columns, with its type."""
    docs = model_docs()
    documented = {
        (name, column.name): (column.data_type, bool(column.description))
        for name, doc in docs.items()
        for column in doc.columns
    }
    in_table = {(row.table_name, row.column_name): (row.data_type, True) for row in _mart_columns(warehouse)}
    assert [name for name in MART_MODELS if not (name in docs and docs[name].description)] == []
    undocumented = sorted(key for key, value in in_table.items() if documented.get(key) != value)
    assert undocumented == [], "add these columns (name, data_type, description) to the marts' schema.yml"
    assert sorted(set(documented) - set(in_table)) == []  # no documented column the table lacks


def test_the_migrations_comments_agree_with_the_yaml(warehouse: WarehouseResource) -> None:
    """Both say what a column means; the YAML is applied on every build, so they must not drift apart."""
    docs = model_docs()
    described = {(n, c.name): c.description for n, doc in docs.items() for c in doc.columns}
    disagree = [
        (row.table_name, row.column_name)
        for row in _mart_columns(warehouse)
        if row.comment is not None and row.comment != described.get((row.table_name, row.column_name))
    ]
    assert disagree == []


def test_a_build_applies_the_yaml_as_comments(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        conn.execute(text("COMMENT ON COLUMN analytics.pr_files.path IS NULL"))
        conn.execute(text("COMMENT ON TABLE analytics.pr_files IS 'stale'"))
        materialize(conn, "pr_files")
        comments = conn.execute(
            text(
                "SELECT obj_description('analytics.pr_files'::regclass), "
                "col_description('analytics.pr_files'::regclass, 2)"
            )
        ).one()
    doc = model_docs()["pr_files"]
    assert tuple(comments) == (doc.description, next(c.description for c in doc.columns if c.name == "path"))


def test_the_mart_assets_show_their_documented_columns_before_any_run() -> None:
    """The asset page lists each column with its description (``dagster/column_schema``) from the YAML."""
    from dexxy_assets.definitions import defs

    for name in MART_MODELS:
        spec = (
            defs()
            .get_assets_def(dg.AssetKey(["analytics", name]))
            .specs_by_key[dg.AssetKey(["analytics", name])]
        )
        schema = spec.metadata["dagster/column_schema"]
        assert [c.name for c in schema.columns] == [c.name for c in model_docs()[name].columns], name
        assert all(c.description for c in schema.columns), name
