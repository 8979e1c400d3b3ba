"""One factory for every SQL-built analytics table: render the model, replace the table in one
transaction (readers see the old rows until commit), report rows, a preview and the commented schema."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets import asset_metadata
from dexxy_assets.automation import after_any_upstream
from dexxy_assets.sql_models import MART_SCHEMA, render_model
from dexxy_assets.table_lineage import model_dependencies
from resources.bulk_load import lock_partitions
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource

GROUP = "analytics"
OWNERS = ["team:data-platform"]

_REPLACE = """
DELETE FROM {{ table | ident }};
INSERT INTO {{ table | ident }} ({{ columns | ident_list }})
SELECT {{ columns | ident_list }} FROM (
{{ model }}
) AS model
"""
_TABLE_COLUMNS = text(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position"
)
_PREVIEW = "SELECT * FROM {{ table | ident }} ORDER BY 1 DESC LIMIT 10"
_COUNT = "SELECT count(*) FROM {{ table | ident }}"


def rebuild_mart(conn: Connection, name: str) -> tuple[int, list[dict[str, Any]], dg.TableSchema]:
    """Replace ``analytics.<name>`` with its model's rows; return the row count, a sample and the schema.

    Two rebuilds of one table at once (a sensor and a person) take turns on the table's advisory lock:
    without it both DELETE, both INSERT, and the second fails on the primary key.
    """
    table = f"{MART_SCHEMA}.{name}"
    lock_partitions(conn, table, ["whole table"])
    columns = [row[0] for row in conn.execute(_TABLE_COLUMNS, {"schema": MART_SCHEMA, "table": name})]
    # text(): SQLAlchemy escapes the models' % signs (LIKE patterns) for the driver
    conn.execute(text(render_sql(_REPLACE, table=table, columns=columns, model=render_model(name))))
    rows = conn.execute(text(render_sql(_COUNT, table=table))).scalar_one()
    sample = [dict(r._mapping) for r in conn.execute(text(render_sql(_PREVIEW, table=table)))]
    return rows, sample, asset_metadata.table_schema(conn, table)


@dataclass(frozen=True)
class MartSpec:
    """A table of the analytics schema built by ``dbt_like_sql/marts/<name>.sql``; its dependencies are
    what the model's ``source()`` and ``ref()`` calls read (``table_lineage``)."""

    name: str
    description: str
    preview_columns: Sequence[str]


def build_mart_asset(spec: MartSpec, publishers: Mapping[str, dg.AssetKey]) -> dg.AssetsDefinition:
    table = f"{MART_SCHEMA}.{spec.name}"

    @dg.asset(
        key=dg.AssetKey([GROUP, spec.name]),
        description=spec.description,
        group_name=GROUP,
        owners=OWNERS,
        kinds={"postgres", "sql"},
        deps=model_dependencies(spec.name, publishers),
        automation_condition=after_any_upstream(),
    )
    def mart(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        with warehouse.begin() as conn:
            rows, sample, schema = rebuild_mart(conn, spec.name)
        context.log.info(f"{table}: {rows} rows")
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": rows,
                "dagster/column_schema": schema,
                "dagster/table_name": table,
                "preview": asset_metadata.preview(sample, spec.preview_columns),
            }
        )

    return mart
