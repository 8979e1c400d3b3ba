"""Every raw, staging and processing table the ingestion assets land or report is described, as analytics is:
the asset's column schema (asset_metadata.table_schema) and BI tools show these comments."""

from __future__ import annotations

from sqlalchemy import text

from dexxy_assets import asset_metadata
from dexxy_assets.github.pull_request_assets import ENTITIES
from dexxy_assets.github.snapshot_assets import MEMBERS, REPOSITORIES
from resources.warehouse import WarehouseResource

INGESTION_SCHEMAS = ("raw", "staging", "processing")


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
